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

static int mlist_add(struct mlist *l, size_t *cap, const char *path, const char *name) {
  if (l->n == *cap) {
    *cap = *cap ? *cap * 2 : 32;
    struct mfile *nv = realloc(l->v, *cap * sizeof *nv);
    if (!nv)
      return -ENOMEM;
    l->v = nv;
  }
  struct mfile *m = &l->v[l->n];
  memset(m, 0, sizeof *m);
  int rc = read_whole(path, &m->text, &m->len);
  if (rc < 0) {
    fprintf(stderr, "careeros-worker: migrate: cannot read %s: %s\n", path, strerror(-rc));
    return rc;
  }
  if (!(m->name = strdup(name))) {
    free(m->text);
    return -ENOMEM;
  }
  l->n++;
  return cw_sha256_hex(m->text, m->len, m->sha);
}

static bool is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Adds the regular files of base/rel accepted by want(), recursing into
 * subdirectories when recurse is set; names are relative to base. */
static int scan(const char *base, const char *rel, bool recurse, bool (*want)(const char *),
                struct mlist *l, size_t *cap, int depth) {
  char dir[PATH_MAX];
  if (snprintf(dir, sizeof dir, "%s%s%s", base, *rel ? "/" : "", rel) >= (int)sizeof dir)
    return -ENAMETOOLONG;
  DIR *d = opendir(dir);
  if (!d) {
    int e = errno;
    fprintf(stderr, "careeros-worker: migrate: cannot open directory %s: %s\n", dir, strerror(e));
    return -e;
  }
  int rc = 0;
  struct dirent *de;
  while (rc == 0 && (de = readdir(d))) {
    if (de->d_name[0] == '.')
      continue;
    char path[PATH_MAX], name[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path ||
        snprintf(name, sizeof name, "%s%s%s", rel, *rel ? "/" : "", de->d_name) >= (int)sizeof name) {
      rc = -ENAMETOOLONG;
      break;
    }
    struct stat st;
    if (stat(path, &st) < 0)
      continue;
    if (S_ISDIR(st.st_mode) && recurse && depth < 8)
      rc = scan(base, name, recurse, want, l, cap, depth + 1);
    else if (S_ISREG(st.st_mode) && want(de->d_name))
      rc = mlist_add(l, cap, path, name);
  }
  closedir(d);
  return rc;
}

static bool is_definition_name(const char *n) {
  size_t len = strlen(n);
  return len > 4 && strcmp(n + len - 4, ".sql") == 0;
}

/* The migrations: DIR/migrations/ when it exists (the project's layout),
 * else DIR itself (a flat directory of migrations). */
static int load_migrations(const char *dir, struct mlist *l) {
  char sub[PATH_MAX];
  snprintf(sub, sizeof sub, "%s/migrations", dir);
  size_t cap = 0;
  int rc = scan(is_dir(sub) ? sub : dir, "", false, is_migration_name, l, &cap, 0);
  if (rc < 0) {
    mlist_free(l);
    return rc;
  }
  qsort(l->v, l->n, sizeof *l->v, cmp_mfile);
  return 0;
}

/* The definitions: every .sql file below DIR/definitions/, in path order;
 * none when the directory does not exist. */
static int load_definitions(const char *dir, struct mlist *l) {
  char sub[PATH_MAX];
  snprintf(sub, sizeof sub, "%s/definitions", dir);
  if (!is_dir(sub))
    return 0;
  size_t cap = 0;
  int rc = scan(sub, "", true, is_definition_name, l, &cap, 0);
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

/* Applied rows of a bookkeeping table: name, sha256, applied_at (text) and
 * applied_by.  No rows when the table does not exist (status before the
 * first run). */
static PGresult *applied_rows(PGconn *conn, const char *table) {
  char sql[400];
  snprintf(sql, sizeof sql, "SELECT to_regclass('careeros_meta.%s') IS NOT NULL", table);
  PGresult *r = PQexec(conn, sql);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    fprintf(stderr, "careeros-worker: migrate: %s", PQerrorMessage(conn));
    PQclear(r);
    return NULL;
  }
  bool have_table = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
  PQclear(r);
  if (have_table)
    snprintf(sql, sizeof sql,
             "SELECT name, sha256, to_char(applied_at AT TIME ZONE 'UTC', "
             "'YYYY-MM-DD HH24:MI:SS\"Z\"'), applied_by FROM careeros_meta.%s ORDER BY name",
             table);
  else
    snprintf(sql, sizeof sql, "SELECT NULL::text, NULL::text, NULL::text, NULL::text WHERE false");
  r = PQexec(conn, sql);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    fprintf(stderr, "careeros-worker: migrate: reading %s: %s", table, PQerrorMessage(conn));
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

/* Runs a file's text inside the caller's transaction; a failure names the
 * file and the line of the failing statement. */
static int exec_file(PGconn *conn, const struct mfile *m) {
  PGresult *r = PQexec(conn, m->text);
  ExecStatusType st = PQresultStatus(r);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) {
    PQclear(r);
    return 0;
  }
  const char *line = PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION);
  /* The position is a character offset into the file: turn it into a line
   * number, which is what a person editing the file needs. */
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
  return -EPROTO;
}

/* Records a file in a bookkeeping table (schema_migrations or
 * schema_definitions), replacing an older row of the same name. */
static int record(PGconn *conn, const char *table, const struct mfile *m) {
  char host[256] = "unknown";
  gethostname(host, sizeof host - 1);
  host[sizeof host - 1] = 0;
  const char *params[3] = {m->name, m->sha, host};
  char sql[400];
  snprintf(sql, sizeof sql,
           "INSERT INTO careeros_meta.%s (name, sha256, applied_by) "
           "VALUES ($1, $2, current_user || '@' || $3) ON CONFLICT (name) DO UPDATE "
           "SET sha256 = EXCLUDED.sha256, applied_at = now(), applied_by = EXCLUDED.applied_by",
           table);
  PGresult *r = PQexecParams(conn, sql, 3, NULL, params, NULL, NULL, 0);
  ExecStatusType st = PQresultStatus(r);
  PQclear(r);
  if (st != PGRES_COMMAND_OK) {
    fprintf(stderr, "careeros-worker: migrate: %s: recording: %s", m->name, PQerrorMessage(conn));
    return -EPROTO;
  }
  return 0;
}

static int apply_one(PGconn *conn, const struct mfile *m) {
  if (exec_ok(conn, "BEGIN", "BEGIN") < 0)
    return -EPROTO;
  if (exec_file(conn, m) < 0 || record(conn, "schema_migrations", m) < 0 ||
      exec_ok(conn, "COMMIT", m->name) < 0) {
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
    "CREATE TABLE IF NOT EXISTS careeros_meta.schema_definitions ("
    "  name text PRIMARY KEY,"
    "  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),"
    "  applied_at timestamptz NOT NULL DEFAULT now(),"
    "  applied_by text NOT NULL"
    ");"
    "REVOKE ALL ON SCHEMA careeros_meta FROM PUBLIC;";

/* Applies, in one transaction, every definition whose checksum differs from
 * the recorded one, or all of them when force is set (a migration ran: it
 * may have dropped and recreated what they attach to).  One transaction, so
 * that the functions, triggers and policies a worker sees always belong
 * together. */
static int apply_definitions(PGconn *conn, const struct mlist *defs, bool force, FILE *out,
                             cw_migrate_stats *s) {
  PGresult *rows = applied_rows(conn, "schema_definitions");
  if (!rows)
    return -EPROTO;
  bool *todo = calloc(defs->n ? defs->n : 1, sizeof *todo);
  if (!todo) {
    PQclear(rows);
    return -ENOMEM;
  }
  size_t n = 0;
  for (size_t i = 0; i < defs->n; i++) {
    int row = find_row(rows, defs->v[i].name);
    todo[i] = force || row < 0 || strcmp(PQgetvalue(rows, row, 1), defs->v[i].sha) != 0;
    n += todo[i];
  }
  PQclear(rows);
  s->unchanged = (int)(defs->n - n);
  int rc = 0;
  /* Bodies are checked when called, not when created (as pg_dump restores
   * them): a SQL function may then name one that a later file defines. */
  if (n && (rc = exec_ok(conn, "BEGIN; SET LOCAL check_function_bodies = off", "BEGIN")) == 0) {
    for (size_t i = 0; i < defs->n && rc == 0; i++)
      if (todo[i] && (rc = exec_file(conn, &defs->v[i])) == 0)
        rc = record(conn, "schema_definitions", &defs->v[i]);
    if (rc == 0)
      rc = exec_ok(conn, "COMMIT", "definitions");
    if (rc < 0)
      PQclear(PQexec(conn, "ROLLBACK"));
  }
  if (rc == 0) {
    for (size_t i = 0; i < defs->n; i++)
      if (todo[i] && out)
        fprintf(out, "defined %s\n", defs->v[i].name);
    s->defined = (int)n;
  }
  free(todo);
  return rc;
}

int cw_migrate_apply(PGconn *conn, const char *dir, FILE *out, cw_migrate_stats *stats) {
  cw_migrate_stats s = {0, 0, 0, 0};
  struct mlist l = {0}, defs = {0};
  int rc = load_migrations(dir, &l);
  if (rc < 0 || (rc = load_definitions(dir, &defs)) < 0) {
    mlist_free(&l);
    return rc;
  }
  PQnoticeReceiver old = PQsetNoticeReceiver(conn, quiet_notices, NULL);
  char lock_sql[96];
  snprintf(lock_sql, sizeof lock_sql, "SELECT pg_advisory_lock(%lld)", (long long)CW_MIGRATE_LOCK_KEY);
  /* Lock first: even the bootstrap (CREATE ... IF NOT EXISTS) can fail with
   * a unique violation when two sessions run it at the same moment. */
  if ((rc = exec_ok(conn, lock_sql, "taking the migration lock")) < 0)
    goto out;
  if ((rc = exec_ok(conn, bootstrap_sql, "creating careeros_meta")) < 0)
    goto unlock;
  PGresult *rows = applied_rows(conn, "schema_migrations");
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
  if (rc == 0)
    rc = apply_definitions(conn, &defs, s.applied > 0, out, &s);
unlock:
  snprintf(lock_sql, sizeof lock_sql, "SELECT pg_advisory_unlock(%lld)", (long long)CW_MIGRATE_LOCK_KEY);
  PQclear(PQexec(conn, lock_sql));
out:
  PQsetNoticeReceiver(conn, old, NULL);
  mlist_free(&l);
  mlist_free(&defs);
  if (stats)
    *stats = s;
  return rc;
}

/* Lists applied rows whose file is gone; returns how many. */
static int list_missing(const PGresult *rows, const struct mlist *l, const char *dir, FILE *out) {
  int missing = 0;
  for (int r = 0; r < PQntuples(rows); r++) {
    bool found = false;
    for (size_t i = 0; i < l->n && !found; i++)
      found = strcmp(l->v[i].name, PQgetvalue(rows, r, 0)) == 0;
    if (!found) {
      fprintf(out, "MISSING  %s (applied %s, no such file in %s)\n", PQgetvalue(rows, r, 0),
              PQgetvalue(rows, r, 2), dir);
      missing++;
    }
  }
  return missing;
}

/* One status line per file against its bookkeeping rows: pending, changed
 * (for a migration an error, CHANGED; for a definition the next run's
 * work) or applied/current.  Counts the pending and changed ones. */
static void list_files(const struct mlist *l, const PGresult *rows, bool definitions, FILE *out,
                       int *pending, int *changed) {
  for (size_t i = 0; i < l->n; i++) {
    const char *name = l->v[i].name;
    int row = find_row(rows, name);
    if (row < 0) {
      fprintf(out, "pending  %s\n", name);
      (*pending)++;
      continue;
    }
    const char *at = PQgetvalue(rows, row, 2);
    if (strcmp(PQgetvalue(rows, row, 1), l->v[i].sha) != 0) {
      if (definitions)
        fprintf(out, "changed  %s (applied %s, will be applied again)\n", name, at);
      else
        fprintf(out, "CHANGED  %s (applied %s with sha256 %s, file now %s)\n", name, at,
                PQgetvalue(rows, row, 1), l->v[i].sha);
      (*changed)++;
    } else {
      fprintf(out, "%s  %s (%s by %s)\n", definitions ? "current" : "applied", name, at,
              PQgetvalue(rows, row, 3));
    }
  }
}

/* Lists the files of one kind; *changed gets the number whose checksum
 * differs from the recorded one. */
static int status_of(PGconn *conn, const char *dir, bool definitions, FILE *out, int *changed) {
  struct mlist l = {0};
  int rc = definitions ? load_definitions(dir, &l) : load_migrations(dir, &l);
  if (rc < 0)
    return rc;
  PGresult *rows = applied_rows(conn, definitions ? "schema_definitions" : "schema_migrations");
  if (!rows) {
    mlist_free(&l);
    return -EPROTO;
  }
  int pending = 0;
  *changed = 0;
  list_files(&l, rows, definitions, out, &pending, changed);
  int missing = list_missing(rows, &l, dir, out);
  size_t current = l.n - (size_t)pending - (size_t)*changed;
  if (definitions)
    fprintf(out, "%zu definitions: %zu current, %d to apply (%d new, %d changed); %d applied without a file\n",
            l.n, current, pending + *changed, pending, *changed, missing);
  else
    fprintf(out, "%zu files: %zu applied, %d pending, %d changed; %d applied without a file\n", l.n, current,
            pending, *changed, missing);
  PQclear(rows);
  mlist_free(&l);
  return 0;
}

int cw_migrate_status(PGconn *conn, const char *dir, FILE *out) {
  int changed = 0, redefined = 0;
  int rc = status_of(conn, dir, false, out, &changed);
  if (rc < 0 || (rc = status_of(conn, dir, true, out, &redefined)) < 0)
    return rc;
  return changed ? -EEXIST : 0;
}
