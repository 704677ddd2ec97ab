/* `enqueue FILE... --user UUID`: what the web app does on upload, for the
 * local storage backend.  Files are copied first (temp file, fsync, rename,
 * so the worker never sees a half-written file), then the stream and the
 * version rows are inserted in one transaction; if that fails the copies are
 * removed again. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <magic.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "careeros/cli.h"
#include "careeros/mime.h"

#define DEFAULT_STREAM_NAME "Default Resume"
#define MAX_STORED_NAME 100

struct item {
  const char *src;       /* as given on the command line */
  char id[37];           /* the new resume_versions.id, also in the stored name */
  char file_name[256];   /* original base name, for resume_versions.file_name */
  char rel_path[160];    /* <user>/<id>-<safe name>, relative to storage.root */
  char stored[140];      /* <id>-<safe name> inside the user directory */
  long long size;
  char sha256[65];
  char mime[128];
  bool copied;
};

static int new_uuid(char out[37]) {
  unsigned char b[16];
  if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
    return -EIO;
  b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
  b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
  snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
           b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return 0;
}

/* The stored name keeps only characters that are harmless everywhere
 * (shells, URLs, Supabase object keys); the original name stays in
 * resume_versions.file_name. */
static void safe_name(const char *base, char *out, size_t n) {
  size_t j = 0;
  for (const char *p = base; *p && j + 1 < n; p++) {
    unsigned char ch = (unsigned char)*p;
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == '-';
    out[j++] = ok ? (char)ch : '_';
  }
  out[j] = 0;
  if (j == 0 || strspn(out, ".") == j)
    snprintf(out, n, "file");
}

/* Copies src into dirfd/<it->stored> through a temp name, hashing on the way. */
static int copy_in(int dirfd, struct item *it) {
  int in = open(it->src, O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    fprintf(stderr, "careeros-worker enqueue: %s: %s\n", it->src, strerror(errno));
    return -errno;
  }
  struct stat st;
  if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) {
    fprintf(stderr, "careeros-worker enqueue: %s: not a regular file\n", it->src);
    close(in);
    return -EINVAL;
  }
  char tmp[64];
  snprintf(tmp, sizeof tmp, ".%s.tmp", it->id);
  int out = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (out < 0) {
    int e = errno;
    fprintf(stderr, "careeros-worker enqueue: creating %s in storage: %s\n", tmp, strerror(e));
    close(in);
    return -e;
  }
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  int rc = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) ? 0 : -EIO;
  long long total = 0;
  static char buf[1 << 16];
  while (rc == 0) {
    ssize_t n = read(in, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      rc = -errno;
      fprintf(stderr, "careeros-worker enqueue: reading %s: %s\n", it->src, strerror(errno));
      break;
    }
    if (n == 0)
      break;
    if (!EVP_DigestUpdate(md, buf, (size_t)n)) {
      rc = -EIO;
      break;
    }
    for (ssize_t off = 0; off < n;) {
      ssize_t w = write(out, buf + off, (size_t)(n - off));
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0) {
        rc = -errno;
        fprintf(stderr, "careeros-worker enqueue: writing to storage: %s\n", strerror(errno));
        break;
      }
      off += w;
    }
    total += n;
  }
  unsigned char dig[EVP_MAX_MD_SIZE];
  unsigned int dlen = 0;
  if (rc == 0 && (!EVP_DigestFinal_ex(md, dig, &dlen) || dlen != 32))
    rc = -EIO;
  EVP_MD_CTX_free(md);
  close(in);
  if (rc == 0 && fsync(out) < 0)
    rc = -errno;
  if (close(out) < 0 && rc == 0)
    rc = -errno;
  if (rc == 0 && renameat(dirfd, tmp, dirfd, it->stored) < 0) {
    rc = -errno;
    fprintf(stderr, "careeros-worker enqueue: storing %s: %s\n", it->stored, strerror(errno));
  }
  if (rc < 0) {
    unlinkat(dirfd, tmp, 0);
    return rc;
  }
  for (unsigned i = 0; i < dlen; i++)
    snprintf(it->sha256 + 2 * i, 3, "%02x", dig[i]);
  it->size = total;
  it->copied = true;
  return 0;
}

static PGresult *q(PGconn *conn, const char *sql, int n, const char *const *p, ExecStatusType want,
                   const char *what) {
  PGresult *r = PQexecParams(conn, sql, n, NULL, p, NULL, NULL, 0);
  if (PQresultStatus(r) != want) {
    cw_cli_pg_error(what, conn, r);
    PQclear(r);
    return NULL;
  }
  return r;
}

/* Resolves the stream inside the open transaction: an explicit id must be
 * the user's; a name is reused or created, under a transaction-scoped
 * advisory lock so two concurrent enqueues do not create it twice. */
static int resolve_stream(PGconn *conn, const char *user, const char *stream_id, const char *name,
                          char out[37]) {
  PGresult *r;
  if (stream_id) {
    const char *p[2] = {stream_id, user};
    r = q(conn, "SELECT id FROM public.resume_streams WHERE id = $1 AND user_id = $2 FOR UPDATE", 2, p,
          PGRES_TUPLES_OK, "looking up the stream");
    if (!r)
      return -EPROTO;
    if (PQntuples(r) != 1) {
      fprintf(stderr, "careeros-worker enqueue: stream %s does not exist or belongs to another user\n",
              stream_id);
      PQclear(r);
      return -ENOENT;
    }
  } else {
    const char *p[2] = {user, name};
    r = q(conn, "SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || $2, 7))", 2, p,
          PGRES_TUPLES_OK, "locking the stream name");
    if (!r)
      return -EPROTO;
    PQclear(r);
    r = q(conn,
          "SELECT id FROM public.resume_streams WHERE user_id = $1 AND name = $2 "
          "ORDER BY created_at, id LIMIT 1 FOR UPDATE",
          2, p, PGRES_TUPLES_OK, "looking up the stream");
    if (!r)
      return -EPROTO;
    if (PQntuples(r) == 0) {
      PQclear(r);
      r = q(conn, "INSERT INTO public.resume_streams (user_id, name) VALUES ($1, $2) RETURNING id", 2, p,
            PGRES_TUPLES_OK, "creating the stream");
      if (!r)
        return -EPROTO;
    }
  }
  snprintf(out, 37, "%s", PQgetvalue(r, 0, 0));
  PQclear(r);
  return 0;
}

static int insert_rows(PGconn *conn, const char *user, const char *stream_id, const char *stream_name,
                       int priority, struct item *items, int n) {
  PGresult *r = PQexec(conn, "BEGIN");
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  if (!ok) {
    cw_cli_pg_error("BEGIN", conn, NULL);
    return -EPROTO;
  }
  char stream[37];
  int rc;
  /* Checked up front for a clear message (the foreign keys would refuse it
   * anyway, naming a constraint). */
  const char *pu[1] = {user};
  r = q(conn, "SELECT 1 FROM auth.users WHERE id = $1", 1, pu, PGRES_TUPLES_OK, "looking up the user");
  if (!r) {
    rc = -EPROTO;
    goto rollback;
  }
  ok = PQntuples(r) == 1;
  PQclear(r);
  if (!ok) {
    fprintf(stderr, "careeros-worker enqueue: user %s does not exist in auth.users\n", user);
    rc = -ENOENT;
    goto rollback;
  }
  rc = resolve_stream(conn, user, stream_id, stream_name, stream);
  if (rc < 0)
    goto rollback;
  const char *p1[1] = {stream};
  r = q(conn, "SELECT coalesce(max(version_number), 0) FROM public.resume_versions WHERE stream_id = $1", 1,
        p1, PGRES_TUPLES_OK, "numbering the version");
  if (!r) {
    rc = -EPROTO;
    goto rollback;
  }
  long next = strtol(PQgetvalue(r, 0, 0), NULL, 10) + 1;
  PQclear(r);
  char prio[16];
  snprintf(prio, sizeof prio, "%d", priority);
  for (int i = 0; i < n; i++) {
    char num[24], size[24];
    snprintf(num, sizeof num, "%ld", next + i);
    snprintf(size, sizeof size, "%lld", items[i].size);
    const char *p[10] = {items[i].id,        stream, user,           num,           items[i].file_name,
                         items[i].rel_path,  size,   items[i].sha256, items[i].mime, prio};
    r = q(conn,
          "INSERT INTO public.resume_versions (id, stream_id, user_id, version_number, file_name, "
          "file_path, file_size, file_hash, mime_type, priority, processing_status) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending')",
          10, p, PGRES_COMMAND_OK, items[i].src);
    if (!r) {
      rc = -EPROTO;
      goto rollback;
    }
    PQclear(r);
  }
  r = PQexec(conn, "COMMIT");
  ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  if (!ok)
    cw_cli_pg_error("COMMIT", conn, r);
  PQclear(r);
  return ok ? 0 : -EPROTO;
rollback:
  PQclear(PQexec(conn, "ROLLBACK"));
  return rc;
}

static void detect_mime(magic_t m, struct item *it, const char *forced) {
  const char *t = forced;
  if (!t && m)
    t = magic_file(m, it->src);
  /* libmagic takes a DOCX or ODT whose entries are not in the order it
   * expects for a plain ZIP: look inside */
  if (!forced && t && strcmp(t, "application/zip") == 0) {
    int fd = open(it->src, O_RDONLY | O_CLOEXEC);
    const char *office = fd >= 0 ? cw_mime_zip_office(fd) : NULL;
    if (fd >= 0)
      close(fd);
    if (office)
      t = office;
  }
  snprintf(it->mime, sizeof it->mime, "%s", t ? t : "application/octet-stream");
}

int cw_cmd_enqueue(const cw_cli_ctx *ctx, int argc, char **argv) {
  static const struct option opts[] = {
      {"user", required_argument, NULL, 'u'},        {"stream", required_argument, NULL, 's'},
      {"stream-name", required_argument, NULL, 'n'}, {"priority", required_argument, NULL, 'p'},
      {"mime", required_argument, NULL, 'm'},        {NULL, 0, NULL, 0},
  };
  const char *user = NULL, *stream = NULL, *stream_name = NULL, *mime = NULL;
  int priority = 0;
  int c;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    char *end;
    long v;
    switch (c) {
    case 'u': user = optarg; break;
    case 's': stream = optarg; break;
    case 'n': stream_name = optarg; break;
    case 'm': mime = optarg; break;
    case 'p':
      errno = 0;
      v = strtol(optarg, &end, 10);
      if (errno || end == optarg || *end || v < -32768 || v > 32767) {
        fprintf(stderr, "careeros-worker enqueue: --priority: '%s' is not an integer in [-32768, 32767]\n",
                optarg);
        return CW_EXIT_USAGE;
      }
      priority = (int)v;
      break;
    default:
      return cw_cli_bad_option(argv[0], argv);
    }
  }
  if (!user || !cw_cli_is_uuid(user)) {
    fprintf(stderr, "careeros-worker enqueue: --user UUID is required\n");
    return CW_EXIT_USAGE;
  }
  if (stream && !cw_cli_is_uuid(stream)) {
    fprintf(stderr, "careeros-worker enqueue: --stream: '%s' is not a UUID\n", stream);
    return CW_EXIT_USAGE;
  }
  if (stream && stream_name) {
    fprintf(stderr, "careeros-worker enqueue: --stream and --stream-name exclude each other\n");
    return CW_EXIT_USAGE;
  }
  char mime_type[128];
  if (mime && cw_mime_essence(mime, mime_type, sizeof mime_type) < 0) {
    fprintf(stderr, "careeros-worker enqueue: --mime: '%s' is not a MIME type (type/subtype[; name=value]...)\n",
            mime);
    return CW_EXIT_USAGE;
  }
  if (mime)
    mime = mime_type;
  int n = argc - optind;
  if (n < 1) {
    fprintf(stderr, "careeros-worker enqueue: no FILE given\n");
    return CW_EXIT_USAGE;
  }
  if (!stream_name)
    stream_name = DEFAULT_STREAM_NAME;

  cw_config cfg;
  int rc = cw_cli_load_config(ctx, &cfg);
  if (rc != CW_EXIT_OK) {
    cw_config_free(&cfg);
    return rc;
  }
  if (strcmp(cfg.storage.backend, "local") != 0) {
    fprintf(stderr,
            "careeros-worker enqueue: storage.backend is '%s'; enqueue stores files only in a local "
            "storage.root\n",
            cfg.storage.backend);
    cw_config_free(&cfg);
    return CW_EXIT_CONFIG;
  }

  struct item *items = calloc((size_t)n, sizeof *items);
  int rootfd = -1, userfd = -1;
  PGconn *conn = NULL;
  magic_t magic = NULL;
  rc = CW_EXIT_FAILURE;
  if (!items)
    goto out;
  rootfd = open(cfg.storage.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) {
    fprintf(stderr, "careeros-worker enqueue: storage.root %s: %s\n", cfg.storage.root, strerror(errno));
    goto out;
  }
  if (mkdirat(rootfd, user, 0700) < 0 && errno != EEXIST) {
    fprintf(stderr, "careeros-worker enqueue: creating %s/%s: %s\n", cfg.storage.root, user, strerror(errno));
    goto out;
  }
  /* O_NOFOLLOW: a symlink planted as the user directory must not redirect
   * the copy outside the root (the worker refuses symlinks too). */
  userfd = openat(rootfd, user, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (userfd < 0) {
    fprintf(stderr, "careeros-worker enqueue: opening %s/%s: %s\n", cfg.storage.root, user, strerror(errno));
    goto out;
  }
  if (!mime) {
    magic = magic_open(MAGIC_MIME_TYPE | MAGIC_SYMLINK | MAGIC_ERROR);
    if (magic && magic_load(magic, NULL) != 0) {
      fprintf(stderr, "careeros-worker enqueue: libmagic: %s; recording application/octet-stream\n",
              magic_error(magic));
      magic_close(magic);
      magic = NULL;
    }
  }
  for (int i = 0; i < n; i++) {
    struct item *it = &items[i];
    it->src = argv[optind + i];
    const char *slash = strrchr(it->src, '/');
    const char *base = slash ? slash + 1 : it->src;
    snprintf(it->file_name, sizeof it->file_name, "%s", *base ? base : "file");
    char safe[MAX_STORED_NAME + 1];
    safe_name(it->file_name, safe, sizeof safe);
    if (new_uuid(it->id) < 0) {
      fprintf(stderr, "careeros-worker enqueue: no randomness for an id\n");
      goto out;
    }
    snprintf(it->stored, sizeof it->stored, "%s-%s", it->id, safe);
    snprintf(it->rel_path, sizeof it->rel_path, "%s/%s", user, it->stored);
    detect_mime(magic, it, mime);
    if (copy_in(userfd, it) < 0)
      goto out;
    if (it->size == 0)
      fprintf(stderr, "careeros-worker enqueue: warning: %s is empty; the worker will fail it (FILE_EMPTY)\n",
              it->src);
    else if (it->size > cfg.storage.max_file_bytes)
      fprintf(stderr,
              "careeros-worker enqueue: warning: %s has %lld bytes, more than storage.max_file_bytes; the "
              "worker will fail it (FILE_TOO_LARGE)\n",
              it->src, it->size);
  }
  /* The renames are durable only once the directory itself is synced. */
  if (fsync(userfd) < 0) {
    fprintf(stderr, "careeros-worker enqueue: syncing %s/%s: %s\n", cfg.storage.root, user, strerror(errno));
    goto out;
  }
  conn = cw_cli_connect(&cfg);
  if (!conn)
    goto out;
  if (insert_rows(conn, user, stream, stream_name, priority, items, n) < 0)
    goto out;
  for (int i = 0; i < n; i++)
    printf("%s\n", items[i].id);
  rc = CW_EXIT_OK;
out:
  if (rc != CW_EXIT_OK && items && userfd >= 0) {
    for (int i = 0; i < n; i++)
      if (items[i].copied)
        unlinkat(userfd, items[i].stored, 0);
    unlinkat(rootfd, user, AT_REMOVEDIR); /* only succeeds if we left it empty */
  }
  if (conn)
    PQfinish(conn);
  if (magic)
    magic_close(magic);
  if (userfd >= 0)
    close(userfd);
  if (rootfd >= 0)
    close(rootfd);
  free(items);
  cw_config_free(&cfg);
  return rc;
}
