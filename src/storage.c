/* Storage: local directory and Supabase Storage backends.
 *
 * Local: the path is resolved beneath storage.root with openat2()
 * (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS), or, on a
 * kernel without openat2, by a component-by-component O_NOFOLLOW walk.  The
 * open, the size checks and the sha256 pass run as one libuv threadpool work
 * item so that a slow disk never stalls the loop; the item reads in bounded
 * chunks and stops early when the fetch is cancelled.
 *
 * Supabase: GET {url}/storage/v1/object/authenticated/{bucket}/{path}
 * through the shared curl module; the body streams into an anonymous
 * temporary file (O_TMPFILE, or memfd when the temp dir cannot do that),
 * with the size cap and the sha256 applied as bytes arrive.
 *
 * Both end in the same checks, in this order: empty, too large, size differs
 * from file_size, sha256 differs from file_hash. */
#include "careeros/storage.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <linux/openat2.h>
#include <openssl/evp.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "careeros/config.h"
#include "careeros/http.h"
#include "careeros/log.h"

#define READ_CHUNK (256u * 1024u)

enum backend { BACKEND_LOCAL, BACKEND_SUPABASE };

struct cw_storage {
  uv_loop_t *loop;
  enum backend backend;
  int root_fd;
  cw_http *http;
  char *base_url; /* "{url}/storage/v1/object/authenticated/{bucket}/" */
  char *apikey_hdr;
  char *auth_hdr; /* NULL for sb_secret_/sb_publishable_ keys */
  char *tmpdir;
  int64_t max_bytes;
  int timeout_ms;
  cw_storage_fetch *fetches;
  size_t n_fetches;
  uv_timer_t close_timer; /* closed by cw_storage_close(); makes close_cb asynchronous */
  bool closing, timer_closed;
  void (*close_cb)(void *);
  void *close_arg;
};

struct cw_storage_fetch {
  cw_storage *s;
  cw_storage_fetch *prev, *next;
  cw_storage_cb cb;
  void *arg;
  char job_id[64];
  char *file_path;
  int64_t expected_size;
  char expected_sha[65];
  char expected_md5[33];
  bool check_sha, check_md5, bad_sha_format;
  EVP_MD_CTX *md5; /* only for "md5:" hashes (what Supabase Storage records as eTag) */
  uint64_t t0;
  atomic_int cancelled;
  /* local */
  uv_work_t work;
  /* supabase */
  cw_http_req *req;
  long http_status;
  char errbody[512];
  size_t errbody_len;
  /* shared state */
  EVP_MD_CTX *md;
  int64_t got;
  cw_storage_result res;
};

/* ---- results -------------------------------------------------------------- */

static void set_error(cw_storage_result *r, int status, cw_errcode code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void set_error(cw_storage_result *r, int status, cw_errcode code, const char *fmt, ...) {
  if (r->status)
    return; /* keep the first error */
  r->status = status;
  r->code = code;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->message, sizeof r->message, fmt, ap);
  va_end(ap);
}

static cw_errcode open_error_code(int err) {
  switch (err) {
  case -EPERM:
  case -EXDEV:
  case -ELOOP:
  case -EINVAL:
  case -EISDIR:
  case -ENAMETOOLONG:
    return CW_ERR_STORAGE_PATH_INVALID;
  case -ENOENT:
  case -ENOTDIR:
    return CW_ERR_STORAGE_NOT_FOUND;
  case -EACCES:
    return CW_ERR_STORAGE_FORBIDDEN;
  default:
    return CW_ERR_STORAGE_UNAVAILABLE;
  }
}

/* A path that the database hands us must be relative, without '..', and
 * without empty or odd bytes; this check runs before either backend sees
 * it, so both refuse the same things. */
static bool path_acceptable(const char *p) {
  if (!p || !*p || p[0] == '/' || strlen(p) > 1024)
    return false;
  const char *c = p;
  while (*c) {
    const char *e = strchr(c, '/');
    size_t n = e ? (size_t)(e - c) : strlen(c);
    if (n == 2 && c[0] == '.' && c[1] == '.')
      return false;
    c += n;
    if (*c == '/')
      c++;
  }
  for (c = p; *c; c++)
    if ((unsigned char)*c < 0x20 || *c == 0x7F || *c == '\\')
      return false;
  return true;
}

/* A version may only name a file in its owner's folder, "<user_id>/...",
 * as Supabase Storage lays out a bucket.  The database refuses other paths
 * too; this catches rows from before that constraint (it is NOT VALID)
 * before anything is opened or requested, so that the error a user reads
 * says nothing about another user's file. */
static bool path_in_owner_folder(const char *p, const char *owner) {
  if (!owner)
    return true;
  size_t n = strlen(owner);
  return n > 0 && strncmp(p, owner, n) == 0 && p[n] == '/' && p[n + 1] != 0;
}

/* ---- opening beneath the root --------------------------------------------- */

static int finish_open(int fd) {
  struct stat st;
  if (fstat(fd, &st) < 0) {
    int e = -errno;
    close(fd);
    return e;
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return S_ISDIR(st.st_mode) ? -EISDIR : -EPERM;
  }
  /* O_NONBLOCK was only there so that a FIFO could not hang the open. */
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0)
    (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  return fd;
}

/* Fallback for kernels without openat2 (< 5.6): walk the components with
 * O_NOFOLLOW so that no symlink is ever followed. */
int cw__storage_open_walk(int root_fd, const char *file_path);
int cw__storage_open_walk(int root_fd, const char *file_path) {
  if (!path_acceptable(file_path))
    return -EPERM;
  char *copy = strdup(file_path);
  if (!copy)
    return -ENOMEM;
  int dir = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
  if (dir < 0) {
    free(copy);
    return -errno;
  }
  char *save = NULL;
  char *comp = strtok_r(copy, "/", &save);
  int rc = -ENOENT;
  while (comp) {
    char *next = strtok_r(NULL, "/", &save);
    if (strcmp(comp, ".") == 0) {
      comp = next;
      continue;
    }
    struct stat st;
    if (fstatat(dir, comp, &st, AT_SYMLINK_NOFOLLOW) < 0) {
      rc = -errno;
      break;
    }
    if (S_ISLNK(st.st_mode)) {
      rc = -ELOOP;
      break;
    }
    int fd;
    if (next)
      fd = openat(dir, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    else
      fd = openat(dir, comp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
      rc = -errno;
      break;
    }
    close(dir);
    dir = fd;
    if (!next) {
      free(copy);
      return finish_open(fd);
    }
    comp = next;
  }
  close(dir);
  free(copy);
  return rc;
}

int cw_storage_open_beneath(int root_fd, const char *file_path) {
  if (!path_acceptable(file_path))
    return -EPERM;
  struct open_how how = {
      .flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY,
      .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
  };
  long fd = syscall(SYS_openat2, root_fd, file_path, &how, sizeof how);
  int rc;
  if (fd < 0)
    rc = errno == ENOSYS || errno == E2BIG ? cw__storage_open_walk(root_fd, file_path) : -errno;
  else
    rc = finish_open((int)fd);
  /* One answer for "escapes the root or goes through a symlink", whichever
   * way the kernel or the walk noticed it. */
  return rc == -ELOOP || rc == -EXDEV ? -EPERM : rc;
}

/* ---- common checks ---------------------------------------------------------- */

static void hex(const unsigned char *d, size_t n, char *out) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[d[i] >> 4];
    out[2 * i + 1] = digits[d[i] & 15];
  }
  out[2 * n] = '\0';
}

/* Size checks that can be made before reading (local fstat, HTTP
 * Content-Length) or after (what was actually read). */
static void digest(cw_storage_fetch *f, const void *data, size_t len) {
  EVP_DigestUpdate(f->md, data, len);
  if (f->md5)
    EVP_DigestUpdate(f->md5, data, len);
}

static bool check_size(cw_storage_fetch *f, int64_t size) {
  cw_storage_result *r = &f->res;
  if (size == 0) {
    set_error(r, -EINVAL, CW_ERR_FILE_EMPTY, "the file is empty");
    return false;
  }
  if (size > f->s->max_bytes) {
    set_error(r, -EFBIG, CW_ERR_FILE_TOO_LARGE, "file has %lld bytes, limit %lld", (long long)size,
              (long long)f->s->max_bytes);
    return false;
  }
  if (f->expected_size >= 0 && size != f->expected_size) {
    set_error(r, -EINVAL, CW_ERR_FILE_SIZE_MISMATCH, "file has %lld bytes, file_size says %lld",
              (long long)size, (long long)f->expected_size);
    return false;
  }
  return true;
}

static void check_final(cw_storage_fetch *f) {
  cw_storage_result *r = &f->res;
  if (r->status)
    return;
  if (!check_size(f, f->got))
    return;
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int dn = 0;
  if (!EVP_DigestFinal_ex(f->md, d, &dn)) {
    set_error(r, -EIO, CW_ERR_INTERNAL, "sha256 failed");
    return;
  }
  hex(d, dn, r->sha256);
  r->size = f->got;
  if (f->bad_sha_format) {
    set_error(r, -EINVAL, CW_ERR_FILE_HASH_MISMATCH, "file_hash is not a hex sha256 digest");
    return;
  }
  if (f->check_sha && strcmp(r->sha256, f->expected_sha) != 0) {
    set_error(r, -EINVAL, CW_ERR_FILE_HASH_MISMATCH, "sha256 differs from file_hash");
    return;
  }
  if (f->check_md5) {
    char md5[33];
    if (!EVP_DigestFinal_ex(f->md5, d, &dn)) {
      set_error(r, -EIO, CW_ERR_INTERNAL, "md5 failed");
      return;
    }
    hex(d, dn, md5);
    if (strcmp(md5, f->expected_md5) != 0)
      set_error(r, -EINVAL, CW_ERR_FILE_HASH_MISMATCH, "md5 differs from file_hash");
  }
}

/* ---- lifecycle ------------------------------------------------------------------ */

static void maybe_finish_close(cw_storage *s) {
  if (!s->closing || !s->timer_closed || s->n_fetches)
    return;
  void (*cb)(void *) = s->close_cb;
  void *arg = s->close_arg;
  if (s->root_fd >= 0)
    close(s->root_fd);
  free(s->base_url);
  free(s->apikey_hdr);
  free(s->auth_hdr);
  free(s->tmpdir);
  free(s);
  if (cb)
    cb(arg);
}

static void deliver(cw_storage_fetch *f) {
  cw_storage *s = f->s;
  if (atomic_load(&f->cancelled) && f->res.status == 0) {
    if (f->res.fd >= 0)
      close(f->res.fd);
    f->res.fd = -1;
  }
  if (atomic_load(&f->cancelled)) {
    f->res.status = 0;
    set_error(&f->res, -ECANCELED, CW_ERR_SHUTDOWN, "fetch cancelled");
  }
  if (f->res.status && f->res.fd >= 0) {
    close(f->res.fd);
    f->res.fd = -1;
  }
  f->res.fetch_ms = (double)(uv_hrtime() - f->t0) / 1e6;
  if (f->res.status)
    cw_log_info("storage.fetch_failed", "job=%s code=%s ms=%.1f", f->job_id,
                cw_error_name(f->res.code), f->res.fetch_ms);
  else
    cw_log_debug("storage.fetched", "job=%s bytes=%lld ms=%.1f", f->job_id,
                 (long long)f->res.size, f->res.fetch_ms);
  if (f->prev)
    f->prev->next = f->next;
  else
    s->fetches = f->next;
  if (f->next)
    f->next->prev = f->prev;
  s->n_fetches--;
  f->cb(f->arg, &f->res);
  EVP_MD_CTX_free(f->md);
  EVP_MD_CTX_free(f->md5);
  free(f->file_path);
  free(f);
  maybe_finish_close(s);
}

/* ---- local backend ------------------------------------------------------------------ */

static void local_work(uv_work_t *w) {
  cw_storage_fetch *f = w->data;
  cw_storage_result *r = &f->res;
  int fd = cw_storage_open_beneath(f->s->root_fd, f->file_path);
  if (fd < 0) {
    cw_errcode code = open_error_code(fd);
    set_error(r, fd, code, "%s",
              code == CW_ERR_STORAGE_PATH_INVALID  ? "file_path escapes the root, is a symlink or "
                                                     "is not a regular file"
              : code == CW_ERR_STORAGE_NOT_FOUND  ? "no such file under the storage root"
              : code == CW_ERR_STORAGE_FORBIDDEN  ? "permission denied"
                                                  : strerror(-fd));
    return;
  }
  r->fd = fd;
  struct stat st;
  if (fstat(fd, &st) < 0) {
    set_error(r, -errno, CW_ERR_STORAGE_UNAVAILABLE, "fstat: %s", strerror(errno));
    return;
  }
  if (!check_size(f, st.st_size))
    return;
  char *buf = malloc(READ_CHUNK);
  if (!buf) {
    set_error(r, -ENOMEM, CW_ERR_INTERNAL, "out of memory");
    return;
  }
  for (;;) {
    if (atomic_load(&f->cancelled))
      break;
    ssize_t n = pread(fd, buf, READ_CHUNK, f->got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      set_error(r, -errno, CW_ERR_STORAGE_UNAVAILABLE, "read: %s", strerror(errno));
      break;
    }
    if (n == 0)
      break;
    digest(f, buf, (size_t)n);
    f->got += n;
    if (f->got > f->s->max_bytes) { /* the file grew while we read it */
      set_error(r, -EFBIG, CW_ERR_FILE_TOO_LARGE, "file grew beyond the limit while reading");
      break;
    }
  }
  free(buf);
  if (!atomic_load(&f->cancelled))
    check_final(f);
}

static void nothing_work(uv_work_t *w) { (void)w; }

static void local_after(uv_work_t *w, int status) {
  cw_storage_fetch *f = w->data;
  if (status == UV_ECANCELED)
    atomic_store(&f->cancelled, 1);
  deliver(f);
}

/* ---- supabase backend ---------------------------------------------------------------- */

static int open_tmpfile(const cw_storage *s) {
  int fd = open(s->tmpdir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0)
    return fd;
  /* tmpfs without O_TMPFILE support, or a read-only /tmp under systemd
   * hardening: keep the download in anonymous memory instead. */
  fd = memfd_create("careeros-upload", MFD_CLOEXEC);
  return fd >= 0 ? fd : -errno;
}

static int sb_headers(void *arg, const cw_http_response *r) {
  cw_storage_fetch *f = arg;
  f->http_status = r->http_status;
  if (r->http_status != 200)
    return 0;
  const char *cl = cw_http_response_header(r, "content-length");
  if (cl) {
    char *end;
    long long v = strtoll(cl, &end, 10);
    if (end != cl && v > f->s->max_bytes) {
      set_error(&f->res, -EFBIG, CW_ERR_FILE_TOO_LARGE, "file has %lld bytes, limit %lld", v,
                (long long)f->s->max_bytes);
      return 1;
    }
  }
  return 0;
}

static int sb_body(void *arg, const char *data, size_t len) {
  cw_storage_fetch *f = arg;
  if (f->http_status != 200) {
    /* Kept only to tell "object not found" from other 400s; never logged. */
    size_t room = sizeof f->errbody - 1 - f->errbody_len;
    size_t n = len < room ? len : room;
    memcpy(f->errbody + f->errbody_len, data, n);
    f->errbody_len += n;
    f->errbody[f->errbody_len] = '\0';
    return 0;
  }
  if (f->got + (int64_t)len > f->s->max_bytes) {
    set_error(&f->res, -EFBIG, CW_ERR_FILE_TOO_LARGE, "download exceeds the limit of %lld bytes",
              (long long)f->s->max_bytes);
    return 1;
  }
  /* A write to a page-cache or memory backed file; it does not wait for
   * the disk, so it is acceptable on the loop. */
  size_t off = 0;
  while (off < len) {
    ssize_t n = write(f->res.fd, data + off, len - off);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      set_error(&f->res, -errno, CW_ERR_STORAGE_UNAVAILABLE, "temp file write: %s", strerror(errno));
      return 1;
    }
    off += (size_t)n;
  }
  digest(f, data, len);
  f->got += (int64_t)len;
  return 0;
}

static void sb_done(void *arg, const cw_http_response *r) {
  cw_storage_fetch *f = arg;
  f->req = NULL;
  cw_storage_result *res = &f->res;
  if (r->status == -ECANCELED) {
    atomic_store(&f->cancelled, 1);
  } else if (r->status == -ECONNABORTED && res->status) {
    /* our own abort: the code is already set */
  } else if (r->status) {
    set_error(res, r->status, CW_ERR_STORAGE_UNAVAILABLE, "storage request failed: %s",
              r->status == -ETIMEDOUT ? "timeout" : (r->error && *r->error ? r->error : "error"));
  } else if (r->http_status == 200) {
    if (lseek(res->fd, 0, SEEK_SET) < 0)
      set_error(res, -errno, CW_ERR_INTERNAL, "lseek: %s", strerror(errno));
    check_final(f);
  } else if (r->http_status == 404 ||
             (r->http_status == 400 && (strstr(f->errbody, "not_found") ||
                                        strstr(f->errbody, "Object not found")))) {
    /* Supabase Storage reports a missing object as 400 {"error":"not_found"}
     * in some versions and as 404 in others. */
    set_error(res, -ENOENT, CW_ERR_STORAGE_NOT_FOUND, "storage answered HTTP %ld (not found)",
              r->http_status);
  } else if (r->http_status == 401 || r->http_status == 403) {
    set_error(res, -EACCES, CW_ERR_STORAGE_FORBIDDEN, "storage answered HTTP %ld", r->http_status);
  } else if (r->http_status == 408 || r->http_status == 429 || r->http_status >= 500) {
    set_error(res, -EAGAIN, CW_ERR_STORAGE_UNAVAILABLE, "storage answered HTTP %ld",
              r->http_status);
  } else if (r->http_status >= 400) {
    set_error(res, -EACCES, CW_ERR_STORAGE_FORBIDDEN, "storage refused the request: HTTP %ld",
              r->http_status);
  } else {
    set_error(res, -EPROTO, CW_ERR_STORAGE_UNAVAILABLE, "unexpected HTTP %ld from storage",
              r->http_status);
  }
  deliver(f);
}

/* Percent-encodes everything but unreserved characters and '/'. */
static char *url_path_escape(const char *p) {
  size_t n = strlen(p);
  char *o = malloc(n * 3 + 1);
  if (!o)
    return NULL;
  size_t k = 0;
  for (const unsigned char *c = (const unsigned char *)p; *c; c++) {
    if (isalnum(*c) || *c == '-' || *c == '.' || *c == '_' || *c == '~' || *c == '/') {
      o[k++] = (char)*c;
    } else {
      static const char digits[] = "0123456789ABCDEF";
      o[k++] = '%';
      o[k++] = digits[*c >> 4];
      o[k++] = digits[*c & 15];
    }
  }
  o[k] = '\0';
  return o;
}

static int supabase_start(cw_storage_fetch *f) {
  cw_storage *s = f->s;
  int fd = open_tmpfile(s);
  if (fd < 0)
    return fd;
  f->res.fd = fd;
  char *esc = url_path_escape(f->file_path);
  if (!esc)
    return -ENOMEM;
  size_t ulen = strlen(s->base_url) + strlen(esc) + 1;
  char *url = malloc(ulen);
  if (!url) {
    free(esc);
    return -ENOMEM;
  }
  snprintf(url, ulen, "%s%s", s->base_url, esc);
  free(esc);
  const char *hdrs[2] = {s->apikey_hdr, s->auth_hdr};
  cw_http_request_opts o = {
      .method = "GET",
      .url = url,
      .headers = hdrs,
      .n_headers = s->auth_hdr ? 2 : 1,
      .connect_timeout_ms = s->timeout_ms < 10000 ? s->timeout_ms : 10000,
      .timeout_ms = s->timeout_ms,
      .on_headers = sb_headers,
      .on_body = sb_body,
      .on_done = sb_done,
      .arg = f,
  };
  int rc = cw_http_request(s->http, &o, &f->req);
  free(url);
  return rc;
}

/* ---- public API -------------------------------------------------------------------------- */

static bool jwt_like(const char *k) {
  if (strncmp(k, "sb_", 3) == 0)
    return false; /* sb_secret_ / sb_publishable_: apikey header only */
  const char *d1 = strchr(k, '.');
  return d1 && strchr(d1 + 1, '.');
}

int cw_storage_new(uv_loop_t *loop, const struct cw_config *cfg, struct cw_http *http,
                   cw_storage **out) {
  *out = NULL;
  cw_storage *s = calloc(1, sizeof *s);
  if (!s)
    return -ENOMEM;
  s->loop = loop;
  s->root_fd = -1;
  s->http = http;
  s->max_bytes = cfg->storage.max_file_bytes;
  s->timeout_ms = cfg->storage.timeout_ms;
  int rc = 0;
  if (cfg->storage.backend && strcmp(cfg->storage.backend, "supabase") == 0) {
    s->backend = BACKEND_SUPABASE;
    const char *url = cfg->storage.url ? cfg->storage.url : "";
    const char *key = cfg->storage.key;
    if (!http || !*url || !key || !*key || !cfg->storage.bucket || !*cfg->storage.bucket) {
      cw_log_err("storage.config", "reason=%s",
                 "supabase backend needs storage.url, storage.bucket, storage.key_file and HTTP");
      rc = -EINVAL;
      goto fail;
    }
    size_t ul = strlen(url);
    while (ul && url[ul - 1] == '/')
      ul--;
    char *bucket = url_path_escape(cfg->storage.bucket);
    const char *td = getenv("TMPDIR");
    if (asprintf(&s->base_url, "%.*s/storage/v1/object/authenticated/%s/", (int)ul, url,
                 bucket ? bucket : "") < 0)
      s->base_url = NULL;
    free(bucket);
    if (asprintf(&s->apikey_hdr, "apikey: %s", key) < 0)
      s->apikey_hdr = NULL;
    if (jwt_like(key) && asprintf(&s->auth_hdr, "Authorization: Bearer %s", key) < 0)
      s->auth_hdr = NULL;
    s->tmpdir = strdup(td && *td ? td : "/tmp");
    if (!s->base_url || !s->apikey_hdr || !s->tmpdir || (jwt_like(key) && !s->auth_hdr)) {
      rc = -ENOMEM;
      goto fail;
    }
  } else {
    s->backend = BACKEND_LOCAL;
    const char *root = cfg->storage.root ? cfg->storage.root : "";
    s->root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (s->root_fd < 0) {
      rc = -errno;
      cw_log_err("storage.config", "root=%s error=\"%s\"", root, strerror(errno));
      goto fail;
    }
  }
  rc = uv_timer_init(loop, &s->close_timer);
  if (rc < 0)
    goto fail;
  s->close_timer.data = s;
  *out = s;
  return 0;
fail:
  if (s->root_fd >= 0)
    close(s->root_fd);
  free(s->base_url);
  free(s->apikey_hdr);
  free(s->auth_hdr);
  free(s->tmpdir);
  free(s);
  return rc;
}

/* Copies n hex digits of h, lower-cased, into out; false unless exactly n. */
static bool copy_hex(char *out, const char *h, size_t n) {
  if (strlen(h) != n)
    return false;
  for (size_t i = 0; i < n; i++) {
    if (!isxdigit((unsigned char)h[i]))
      return false;
    out[i] = (char)tolower((unsigned char)h[i]);
  }
  out[n] = '\0';
  return true;
}

/* file_hash: "<sha256 hex>" or "sha256:<hex>"; "md5:<hex>" where Storage
 * recorded only an MD5 (an upload that created its own row, see the
 * storage-upload trigger); "none" where it recorded no digest at all. */
static bool parse_expected_sha(cw_storage_fetch *f, const char *h) {
  if (!h || !*h || strcmp(h, "none") == 0)
    return true;
  if (strncasecmp(h, "md5:", 4) == 0) {
    if (!copy_hex(f->expected_md5, h + 4, 32))
      return false;
    f->md5 = EVP_MD_CTX_new();
    f->check_md5 = f->md5 && EVP_DigestInit_ex(f->md5, EVP_md5(), NULL);
    return f->check_md5;
  }
  if (strncasecmp(h, "sha256:", 7) == 0)
    h += 7;
  f->check_sha = copy_hex(f->expected_sha, h, 64);
  return f->check_sha;
}

int cw_storage_fetch_start(cw_storage *s, const cw_storage_req *req, cw_storage_cb cb, void *arg,
                           cw_storage_fetch **handle) {
  if (handle)
    *handle = NULL;
  if (s->closing)
    return -ESHUTDOWN;
  if (!req || !cb)
    return -EINVAL;
  cw_storage_fetch *f = calloc(1, sizeof *f);
  if (!f)
    return -ENOMEM;
  f->s = s;
  f->cb = cb;
  f->arg = arg;
  f->t0 = uv_hrtime();
  f->res.fd = -1;
  snprintf(f->job_id, sizeof f->job_id, "%s", req->job_id ? req->job_id : "-");
  f->file_path = strdup(req->file_path ? req->file_path : "");
  f->expected_size = req->expected_size;
  f->bad_sha_format = !parse_expected_sha(f, req->expected_sha256);
  f->md = EVP_MD_CTX_new();
  if (!f->file_path || !f->md || !EVP_DigestInit_ex(f->md, EVP_sha256(), NULL)) {
    EVP_MD_CTX_free(f->md);
    free(f->file_path);
    free(f);
    return -ENOMEM;
  }
  f->next = s->fetches;
  if (s->fetches)
    s->fetches->prev = f;
  s->fetches = f;
  s->n_fetches++;

  int rc;
  if (path_acceptable(f->file_path) && !path_in_owner_folder(f->file_path, req->owner)) {
    set_error(&f->res, -EPERM, CW_ERR_STORAGE_PATH_NOT_OWNED,
              "file_path is not in the folder of the version's owner");
    f->work.data = f;
    rc = uv_queue_work(s->loop, &f->work, nothing_work, local_after);
  } else if (s->backend == BACKEND_LOCAL) {
    f->work.data = f;
    rc = uv_queue_work(s->loop, &f->work, local_work, local_after);
  } else if (!path_acceptable(f->file_path)) {
    /* Refused before any request; still reported from the loop, through a
     * work item that does nothing, so the callback is never re-entrant. */
    set_error(&f->res, -EPERM, CW_ERR_STORAGE_PATH_INVALID,
              "file_path is absolute, contains '..' or odd characters");
    f->work.data = f;
    rc = uv_queue_work(s->loop, &f->work, nothing_work, local_after);
  } else {
    rc = supabase_start(f);
  }
  if (rc < 0) {
    if (f->res.fd >= 0)
      close(f->res.fd);
    if (f->prev)
      f->prev->next = f->next;
    else
      s->fetches = f->next;
    if (f->next)
      f->next->prev = f->prev;
    s->n_fetches--;
    EVP_MD_CTX_free(f->md);
    EVP_MD_CTX_free(f->md5);
    free(f->file_path);
    free(f);
    return rc;
  }
  if (handle)
    *handle = f;
  return 0;
}

void cw_storage_fetch_cancel(cw_storage *s, cw_storage_fetch *h) {
  (void)s;
  if (!h)
    return;
  atomic_store(&h->cancelled, 1);
  if (h->req)
    cw_http_cancel(h->req);
  else
    (void)uv_cancel((uv_req_t *)&h->work); /* fails harmlessly once running */
}

static void on_close_timer(uv_handle_t *h) {
  cw_storage *s = h->data;
  s->timer_closed = true;
  maybe_finish_close(s);
}

void cw_storage_close(cw_storage *s, void (*close_cb)(void *), void *arg) {
  if (!s || s->closing)
    return;
  s->closing = true;
  s->close_cb = close_cb;
  s->close_arg = arg;
  for (cw_storage_fetch *f = s->fetches; f; f = f->next)
    cw_storage_fetch_cancel(s, f);
  uv_close((uv_handle_t *)&s->close_timer, on_close_timer);
}
