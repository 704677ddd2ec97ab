/* Schema migrations (see migrate.h).  Blocking libpq: this runs from the CLI,
 * never on the daemon's loop. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "careeros/migrate.h"

#define MAX_MIGRATION_BYTES (64 * 1024 * 1024)

struct mfile {
  char *name;
  char *text;
  size_t len;
  char sha[65];
};

struct mlist {
  struct mfile *v;
  size_t n;
};

int cw_sha256_hex(const void *data, size_t len, char out[65]) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
    return -EIO;
  for (unsigned i = 0; i < mdlen; i++)
    snprintf(out + 2 * i, 3, "%02x", md[i]);
  out[64] = 0;
  return 0;
}

static void mlist_free(struct mlist *l) {
  for (size_t i = 0; i < l->n; i++) {
    free(l->v[i].name);
    free(l->v[i].text);
  }
  free(l->v);
  l->v = NULL;
  l->n = 0;
}

static int cmp_mfile(const void *a, const void *b) {
  return strcmp(((const struct mfile *)a)->name, ((const struct mfile *)b)->name);
}

/* Migration files are "<digits>_name.sql" (YYYYMMDDHHMMSS_name.sql); other
 * .sql files (helpers, pgTAP tests kept beside them) are not migrations. */
static bool is_migration_name(const char *n) {
  size_t len = strlen(n);
  if (len < 6 || strcmp(n + len - 4, ".sql") != 0 || !isdigit((unsigned char)n[0]))
    return false;
  const char *p = n;
  while (isdigit((unsigned char)*p))
    p++;
  return *p == '_';
}

static int read_whole(const char *path, char **text, size_t *len) {
  FILE *f = fopen(path, "re");
  if (!f)
    return -errno;
  struct stat st;
  if (fstat(fileno(f), &st) < 0 || st.st_size > MAX_MIGRATION_BYTES) {
    fclose(f);
    return -EFBIG;
  }
  char *buf = malloc((size_t)st.st_size + 1);
  if (!buf) {
    fclose(f);
    return -ENOMEM;
  }
  size_t n = fread(buf, 1, (size_t)st.st_size, f);
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    free(buf);
    return -EIO;
  }
  buf[n] = 0;
  *text = buf;
  *len = n;
  return 0;
}

static int load_dir(const char *dir, struct mlist *l) {
  DIR *d = opendir(dir);
  if (!d) {
    int e = errno;
    fprintf(stderr, "careeros-worker: migrate: cannot open directory %s: %s\n", dir, strerror(e));
    return -e;
  }
  size_t cap = 0;
  int rc = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (!is_migration_name(de->d_name))
      continue;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
    struct stat st;
    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
      continue;
    if (l->n == cap) {
      cap = cap ? cap * 2 : 32;
      struct mfile *nv = realloc(l->v, cap * sizeof *nv);
      if (!nv) {
        rc = -ENOMEM;
        break;
      }
      l->v = nv;
    }
    struct mfile *m = &l->v[l->n];
    memset(m, 0, sizeof *m);
    if ((rc = read_whole(path, &m->text, &m->len)) < 0) {
      fprintf(stderr, "careeros-worker: migrate: cannot read %s: %s\n", path, strerror(-rc));
      break;
    }
    m->name = strdup(de->d_name);
    l->n++;
    if ((rc = cw_sha256_hex(m->text, m->len, m->sha)) < 0)
      break;
  }
  closedir(d);
  if (rc < 0) {
    mlist_free(l);
    return rc;
  }
  qsort(l->v, l->n, sizeof *l->v, cmp_mfile);
  return 0;
}

static int exec_ok(PGconn *conn, const char *sql, const char *what) {
  PGresult *r = PQexec(conn, sql);
  ExecStatusType st = PQresultStatus(r);
  int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
  if (!ok)
    fprintf(stderr, "careeros-worker: migrate: %s: %s", what, PQerrorMessage(conn));
  PQclear(r);
  return ok ? 0 : -EPROTO;
}

/* Notices such as "schema already exists, skipping" are expected from
 * idempotent migrations; only warnings are worth showing. */
static void quiet_notices(void *arg, const PGresult *res) {
  (void)arg;
  const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
  if (sev && strcmp(sev, "WARNING") == 0)
    fprintf(stderr, "%s", PQresultErrorMessage(res));
}

/* Applied rows: name -> sha256, and applied_at for the status listing. */
static PGresult *applied_rows(PGconn *conn, bool *have_table) {
  PGresult *r = PQexec(conn, "SELECT to_regclass('careeros_meta.schema_migrations') IS NOT NULL");
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    fprintf(stderr, "careeros-worker: migrate: %s", PQerrorMessage(conn));
    PQclear(r);
    return NULL;
  }
  *have_table = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
  PQclear(r);
  r = PQexec(conn, *have_table
                       ? "SELECT name, sha256, to_char(applied_at AT TIME ZONE 'UTC', "
                         "'YYYY-MM-DD HH24:MI:SS\"Z\"'), applied_by "
                         "FROM careeros_meta.schema_migrations ORDER BY name"
                       : "SELECT NULL::text, NULL::text, NULL::text, NULL::text WHERE false");
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    fprintf(stderr, "careeros-worker: migrate: reading schema_migrations: %s", PQerrorMessage(conn));
    PQclear(r);
    return NULL;
  }
  return r;
}

static int find_row(const PGresult *r, const char *name) {
  for (int i = 0; i < PQntuples(r); i++)
    if (strcmp(PQgetvalue(r, i, 0), name) == 0)
      return i;
  return -1;
}

/* Every changed file is reported before anything is applied, so that an
 * operator sees the whole picture in one run. */
static int verify_checksums(const struct mlist *l, const PGresult *rows) {
  int changed = 0;
  for (size_t i = 0; i < l->n; i++) {
    int row = find_row(rows, l->v[i].name);
    if (row >= 0 && strcmp(PQgetvalue(rows, row, 1), l->v[i].sha) != 0) {
      fprintf(stderr,
              "careeros-worker: migrate: %s was applied on %s with sha256 %s but the file now has "
              "sha256 %s; refusing to continue (applied migrations must not change; add a new "
              "migration instead)\n",
              l->v[i].name, PQgetvalue(rows, row, 2), PQgetvalue(rows, row, 1), l->v[i].sha);
      changed++;
    }
  }
  return changed ? -EEXIST : 0;
}

static int apply_one(PGconn *conn, const struct mfile *m) {
  if (exec_ok(conn, "BEGIN", "BEGIN") < 0)
    return -EPROTO;
  PGresult *r = PQexec(conn, m->text);
  ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
    const char *line = PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION);
    /* The position is a character offset into the file: turn it into a
     * line number, which is what a person editing the file needs. */
    int lineno = 0;
    if (line) {
      long pos = strtol(line, NULL, 10);
      lineno = 1;
      for (long i = 0; i < pos - 1 && m->text[i]; i++)
        if (m->text[i] == '\n')
          lineno++;
    }
    if (lineno)
      fprintf(stderr, "careeros-worker: migrate: %s:%d: %s", m->name, lineno, PQerrorMessage(conn));
    else
      fprintf(stderr, "careeros-worker: migrate: %s: %s", m->name, PQerrorMessage(conn));
    PQclear(r);
    PQclear(PQexec(conn, "ROLLBACK"));
    return -EPROTO;
  }
  PQclear(r);
  char host[256] = "unknown";
  gethostname(host, sizeof host - 1);
  host[sizeof host - 1] = 0;
  const char *params[3] = {m->name, m->sha, host};
  r = PQexecParams(conn,
                   "INSERT INTO careeros_meta.schema_migrations (name, sha256, applied_by) "
                   "VALUES ($1, $2, current_user || '@' || $3)",
                   3, NULL, params, NULL, NULL, 0);
  st = PQresultStatus(r);
  PQclear(r);
  if (st != PGRES_COMMAND_OK) {
    fprintf(stderr, "careeros-worker: migrate: %s: recording: %s", m->name, PQerrorMessage(conn));
    PQclear(PQexec(conn, "ROLLBACK"));
    return -EPROTO;
  }
  if (exec_ok(conn, "COMMIT", m->name) < 0) {
    PQclear(PQexec(conn, "ROLLBACK"));
    return -EPROTO;
  }
  return 0;
}

static const char bootstrap_sql[] =
    "CREATE SCHEMA IF NOT EXISTS careeros_meta;"
    "CREATE TABLE IF NOT EXISTS careeros_meta.schema_migrations ("
    "  name text PRIMARY KEY,"
    "  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),"
    "  applied_at timestamptz NOT NULL DEFAULT now(),"
    "  applied_by text NOT NULL DEFAULT (current_user || '@' || coalesce(inet_client_addr()::text, 'local'))"
    ");"
    "REVOKE ALL ON SCHEMA careeros_meta FROM PUBLIC;";

int cw_migrate_apply(PGconn *conn, const char *dir, FILE *out, cw_migrate_stats *stats) {
  cw_migrate_stats s = {0, 0};
  struct mlist l = {0};
  int rc = load_dir(dir, &l);
  if (rc < 0)
    return rc;
  PQnoticeReceiver old = PQsetNoticeReceiver(conn, quiet_notices, NULL);
  char lock_sql[96];
  snprintf(lock_sql, sizeof lock_sql, "SELECT pg_advisory_lock(%lld)", (long long)CW_MIGRATE_LOCK_KEY);
  /* Lock first: even the bootstrap (CREATE ... IF NOT EXISTS) can fail with
   * a unique violation when two sessions run it at the same moment. */
  if ((rc = exec_ok(conn, lock_sql, "taking the migration lock")) < 0)
    goto out;
  if ((rc = exec_ok(conn, bootstrap_sql, "creating careeros_meta.schema_migrations")) < 0)
    goto unlock;
  bool have_table;
  PGresult *rows = applied_rows(conn, &have_table);
  if (!rows) {
    rc = -EPROTO;
    goto unlock;
  }
  if ((rc = verify_checksums(&l, rows)) < 0) {
    PQclear(rows);
    goto unlock;
  }
  for (size_t i = 0; i < l.n; i++) {
    if (find_row(rows, l.v[i].name) >= 0) {
      s.skipped++;
      continue;
    }
    if ((rc = apply_one(conn, &l.v[i])) < 0)
      break;
    s.applied++;
    if (out)
      fprintf(out, "applied %s\n", l.v[i].name);
  }
  PQclear(rows);
unlock:
  snprintf(lock_sql, sizeof lock_sql, "SELECT pg_advisory_unlock(%lld)", (long long)CW_MIGRATE_LOCK_KEY);
  PQclear(PQexec(conn, lock_sql));
out:
  PQsetNoticeReceiver(conn, old, NULL);
  mlist_free(&l);
  if (stats)
    *stats = s;
  return rc;
}

int cw_migrate_status(PGconn *conn, const char *dir, FILE *out) {
  struct mlist l = {0};
  int rc = load_dir(dir, &l);
  if (rc < 0)
    return rc;
  bool have_table;
  PGresult *rows = applied_rows(conn, &have_table);
  if (!rows) {
    mlist_free(&l);
    return -EPROTO;
  }
  int pending = 0, changed = 0;
  for (size_t i = 0; i < l.n; i++) {
    int row = find_row(rows, l.v[i].name);
    if (row < 0) {
      fprintf(out, "pending  %s\n", l.v[i].name);
      pending++;
    } else if (strcmp(PQgetvalue(rows, row, 1), l.v[i].sha) != 0) {
      fprintf(out, "CHANGED  %s (applied %s with sha256 %s, file now %s)\n", l.v[i].name,
              PQgetvalue(rows, row, 2), PQgetvalue(rows, row, 1), l.v[i].sha);
      changed++;
    } else {
      fprintf(out, "applied  %s (%s by %s)\n", l.v[i].name, PQgetvalue(rows, row, 2),
              PQgetvalue(rows, row, 3));
    }
  }
  int missing = 0;
  for (int r = 0; r < PQntuples(rows); r++) {
    bool found = false;
    for (size_t i = 0; i < l.n && !found; i++)
      found = strcmp(l.v[i].name, PQgetvalue(rows, r, 0)) == 0;
    if (!found) {
      fprintf(out, "MISSING  %s (applied %s, no such file in %s)\n", PQgetvalue(rows, r, 0),
              PQgetvalue(rows, r, 2), dir);
      missing++;
    }
  }
  fprintf(out, "%zu files: %zu applied, %d pending, %d changed; %d applied without a file\n", l.n,
          l.n - (size_t)pending - (size_t)changed, pending, changed, missing);
  PQclear(rows);
  mlist_free(&l);
  return changed ? -EEXIST : 0;
}
