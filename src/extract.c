/* Extraction on the loop.
 *
 * 1. A threadpool work item reads the head of the file, asks libmagic what
 *    it is (the declared mime type is only compared, never trusted) and, for
 *    plain text, decodes and normalises it right there: bounded by
 *    4 * extract.max_text_bytes of input, pure CPU on private buffers.
 * 2. PDF, ZIP (DOCX/ODT), RTF and HTML go to the careeros-extract helper, started
 *    with uv_spawn: the file is its stdin, its stdout is a pipe we read with
 *    an output cap, its stderr a pipe we keep the tail of (to tell an
 *    out-of-memory abort from a crash; never logged).  The helper limits
 *    itself (rlimits, no new privileges, seccomp without sockets or exec)
 *    before it reads a byte; a wall-clock timer here kills it with SIGKILL.
 *    Its environment is a fixed minimal one: nothing of ours (keys, config
 *    overrides) reaches it.
 * 3. The helper's text is normalised on the threadpool, then the callback
 *    runs.  Every failure ends this job only. */
#include "careeros/extract.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <magic.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "careeros/config.h"
#include "careeros/log.h"
#include "careeros/normalize.h"
#include "cw_build.h"

#define HEAD_BYTES (64u * 1024u)
#define STDERR_KEEP 2048u
#define HEADER_MAX 4096u

enum kind { K_NONE, K_TEXT, K_PDF, K_ZIP, K_RTF, K_DOCX, K_ODT, K_HTML, K_OTHER };

struct cw_extractor {
  uv_loop_t *loop;
  magic_t magic;       /* every test */
  magic_t magic_quick; /* libmagic's built-in tests only (no magic file) */
  uv_mutex_t magic_lock; /* a magic cookie is not thread-safe */
  char *helper;
  char cpu_arg[32], mem_arg[32], pages_arg[32], out_arg[48], entries_arg[32], unz_arg[48],
      ratio_arg[32];
  int wall_ms;
  int64_t max_output, max_text, max_plain_input;
  bool ocr;
  cw_extract_job *jobs;
  size_t n_jobs;
  uv_timer_t close_timer;
  bool closing, timer_closed;
  void (*close_cb)(void *);
  void *close_arg;
};

struct cw_extract_job {
  cw_extractor *x;
  cw_extract_job *prev, *next;
  cw_extract_cb cb;
  void *arg;
  char job_id[64];
  char declared[128];
  int fd;
  uint64_t t0;
  atomic_int cancelled;
  bool in_work;
  uv_work_t work;
  enum kind kind;
  /* child */
  uv_process_t proc;
  uv_pipe_t out, err;
  uv_timer_t timer;
  int open_handles;
  bool spawned, exited, out_eof, err_eof, timed_out, over_output, closing_child;
  int64_t exit_status;
  int term_signal;
  char *obuf;
  size_t olen, ocap;
  char ebuf[2 * STDERR_KEEP + 1];
  size_t elen;
  /* text to normalise (child output past the header) */
  const char *raw;
  size_t raw_len;
  cw_extract_result res;
};

static void set_error(cw_extract_result *r, int status, cw_errcode code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void set_error(cw_extract_result *r, int status, cw_errcode code, const char *fmt, ...) {
  if (r->status)
    return;
  r->status = status;
  r->code = code;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->message, sizeof r->message, fmt, ap);
  va_end(ap);
}

/* ---- type detection --------------------------------------------------------------- */

static enum kind kind_of_mime(const char *m) {
  if (!m || !*m)
    return K_NONE;
  char base[128];
  size_t n = strcspn(m, ";");
  if (n >= sizeof base)
    n = sizeof base - 1;
  memcpy(base, m, n);
  while (n && base[n - 1] == ' ')
    n--;
  base[n] = '\0';
  if (!strcasecmp(base, "application/pdf") || !strcasecmp(base, "application/x-pdf"))
    return K_PDF;
  if (!strcasecmp(base, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
    return K_DOCX;
  if (!strcasecmp(base, "application/vnd.oasis.opendocument.text"))
    return K_ODT;
  if (!strcasecmp(base, "application/rtf") || !strcasecmp(base, "text/rtf"))
    return K_RTF;
  if (!strcasecmp(base, "text/html") || !strcasecmp(base, "application/xhtml+xml"))
    return K_HTML;
  if (!strcasecmp(base, "text/plain") || !strcasecmp(base, "text/markdown") ||
      !strcasecmp(base, "text/x-markdown"))
    return K_TEXT;
  if (!strcasecmp(base, "application/octet-stream") || !strcasecmp(base, "binary/octet-stream"))
    return K_NONE; /* "unknown" is not a claim we can contradict */
  return K_OTHER;
}

/* For content libmagic calls binary: plain text with a few NUL bytes, or
 * UTF-16 without a BOM (sent on to the decoder, which refuses it with a
 * clear reason)? */
static bool looks_like_text(const unsigned char *b, size_t n) {
  size_t nul_even = 0, nul_odd = 0, ctrl = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = b[i];
    if (c == 0) {
      if (i % 2)
        nul_odd++;
      else
        nul_even++;
    }
    else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F)
      ctrl++;
  }
  size_t pairs = n / 2 ? n / 2 : 1;
  bool utf16 = n >= 16 && ((nul_odd * 10 > pairs * 4 && nul_even * 20 < pairs) ||
               (nul_even * 10 > pairs * 4 && nul_odd * 20 < pairs));
  if (utf16)
    return ctrl * 50 < n;
  /* A few stray controls (a colour code, a bell, a NUL pasted from a
   * terminal) do not make text binary, however short the file: up to 1%,
   * and never fewer than 8, but never most of it.  Binary data has one
   * byte in eight below 0x20. */
  size_t few = n / 100 > 8 ? n / 100 : 8, nul = nul_even + nul_odd;
  return nul <= few && ctrl <= few && (nul + ctrl) * 2 < n;
}

/* libmagic's magic-file tests run hundreds of regular expressions over
 * text: about 0.6 ms for a 1.5 KB resume, a hundred times its built-in
 * tests (encoding, JSON, CSV, tar, ELF, CDF).  Plain text is the commonest
 * upload, so the built-in tests go first, and the full set runs unless they
 * said text/plain and nothing in the head could change that answer:
 * markup ('<': HTML, XML, SVG) or a PostScript header. */
static const char *sniff(cw_extractor *x, const unsigned char *head, size_t n) {
  const char *m = magic_buffer(x->magic_quick, head, n);
  if (m && !strcmp(m, "text/plain") && !memchr(head, '<', n) && !(n >= 2 && !memcmp(head, "%!", 2)))
    return m;
  return magic_buffer(x->magic, head, n);
}

static void detect(cw_extract_job *j, const unsigned char *head, size_t n) {
  cw_extractor *x = j->x;
  const char *m = NULL;
  char mime[128] = "application/octet-stream";
  uv_mutex_lock(&x->magic_lock);
  m = sniff(x, head, n);
  if (m)
    snprintf(mime, sizeof mime, "%s", m);
  uv_mutex_unlock(&x->magic_lock);
  snprintf(j->res.detected_mime, sizeof j->res.detected_mime, "%s", mime);

  /* PDF readers accept the header anywhere in the first KiB. */
  size_t lim = n < 1024 ? n : 1024;
  bool pdf_sig = memmem(head, lim, "%PDF-", 5) != NULL;
  bool zip_sig = n >= 4 && memcmp(head, "PK\3\4", 4) == 0;
  bool rtf_sig = n >= 5 && memcmp(head, "{\\rtf", 5) == 0;

  if (!strcmp(mime, "application/pdf") || pdf_sig) {
    j->kind = K_PDF;
    snprintf(j->res.detected_mime, sizeof j->res.detected_mime, "application/pdf");
  } else if (zip_sig || !strcmp(mime, "application/zip") ||
             kind_of_mime(mime) == K_DOCX || kind_of_mime(mime) == K_ODT) {
    j->kind = K_ZIP; /* the helper looks inside and decides */
  } else if (rtf_sig || kind_of_mime(mime) == K_RTF) {
    j->kind = K_RTF;
    snprintf(j->res.detected_mime, sizeof j->res.detected_mime, "text/rtf");
  } else if (kind_of_mime(mime) == K_HTML) {
    j->kind = K_HTML;
  } else if (!strncmp(mime, "text/", 5) && strcmp(mime, "text/xml")) {
    j->kind = K_TEXT;
  } else if ((!strcmp(mime, "application/octet-stream") || !strcmp(mime, "application/x-empty"))
             && looks_like_text(head, n)) {
    j->kind = K_TEXT;
    snprintf(j->res.detected_mime, sizeof j->res.detected_mime, "text/plain");
  } else {
    j->kind = K_OTHER;
  }
}

/* ---- plain text (threadpool) ---------------------------------------------------------- */

static void finish_text(cw_extract_job *j, char *norm, size_t nlen) {
  if (nlen == 0) {
    free(norm);
    set_error(&j->res, -ENODATA,
              j->kind == K_PDF ? CW_ERR_PDF_NO_TEXT : CW_ERR_TEXT_EMPTY,
              "no text after extraction and normalisation");
    return;
  }
  if ((int64_t)nlen > j->x->max_text) {
    free(norm);
    set_error(&j->res, -EFBIG, CW_ERR_TEXT_TOO_LONG, "text has %zu bytes, limit %lld", nlen,
              (long long)j->x->max_text);
    return;
  }
  j->res.text = norm;
  j->res.text_len = nlen;
}

static void read_plain(cw_extract_job *j, int64_t size) {
  cw_extract_result *r = &j->res;
  if (size > j->x->max_plain_input) {
    set_error(r, -EFBIG, CW_ERR_TEXT_TOO_LONG,
              "text file has %lld bytes; at most %lld are read (4 x extract.max_text_bytes)",
              (long long)size, (long long)j->x->max_plain_input);
    return;
  }
  unsigned char *buf = malloc((size_t)size + 1);
  if (!buf) {
    set_error(r, -ENOMEM, CW_ERR_INTERNAL, "out of memory");
    return;
  }
  size_t got = 0;
  while ((int64_t)got < size) {
    ssize_t k = pread(j->fd, buf + got, (size_t)size - got, (off_t)got);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      break;
    got += (size_t)k;
  }
  char *dec = NULL, *norm = NULL;
  size_t dlen = 0, nlen = 0;
  const char *enc, *why;
  cw_errcode code;
  int rc = cw_text_decode(buf, got, &dec, &dlen, &enc, &code, &why);
  free(buf);
  if (rc == -EILSEQ) {
    set_error(r, rc, code, "%s", why);
    return;
  }
  if (rc < 0 || cw_text_normalize(dec, dlen, &norm, &nlen) < 0) {
    free(dec);
    set_error(r, -ENOMEM, CW_ERR_INTERNAL, "out of memory");
    return;
  }
  free(dec);
  snprintf(r->extractor, sizeof r->extractor, "plain");
  snprintf(r->extractor_version, sizeof r->extractor_version, "%s/%s", CW_VERSION, enc);
  finish_text(j, norm, nlen);
}

static void detect_work(uv_work_t *w) {
  cw_extract_job *j = w->data;
  struct stat st;
  if (fstat(j->fd, &st) < 0) {
    set_error(&j->res, -errno, CW_ERR_INTERNAL, "fstat: %s", strerror(errno));
    return;
  }
  if (st.st_size == 0) {
    set_error(&j->res, -ENODATA, CW_ERR_FILE_EMPTY, "the file is empty");
    return;
  }
  unsigned char *head = malloc(HEAD_BYTES);
  if (!head) {
    set_error(&j->res, -ENOMEM, CW_ERR_INTERNAL, "out of memory");
    return;
  }
  ssize_t n;
  do
    n = pread(j->fd, head, HEAD_BYTES, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    free(head);
    set_error(&j->res, -errno, CW_ERR_INTERNAL, "read: %s", strerror(errno));
    return;
  }
  detect(j, head, (size_t)n);
  free(head);
  if (j->kind == K_OTHER)
    set_error(&j->res, -ENOTSUP, CW_ERR_FILE_TYPE_UNSUPPORTED, "content type %s is not supported",
              j->res.detected_mime);
  else if (j->kind == K_TEXT)
    read_plain(j, st.st_size);
}

/* ---- child -------------------------------------------------------------------------------- */

static void deliver(cw_extract_job *j);
static void normalize_work(uv_work_t *w);
static void normalize_after(uv_work_t *w, int status);

static void child_handle_closed(uv_handle_t *h) {
  cw_extract_job *j = h->data;
  if (--j->open_handles > 0)
    return;
  /* All handles are closed: interpret what the child did. */
  cw_extract_result *r = &j->res;
  if (atomic_load(&j->cancelled)) {
    deliver(j);
    return;
  }
  bool oom_hint = strcasestr(j->ebuf, "alloc") || strcasestr(j->ebuf, "memory");
  if (j->timed_out) {
    set_error(r, -ETIMEDOUT, CW_ERR_EXTRACT_TIMEOUT, "extraction exceeded %d s wall-clock time",
              j->x->wall_ms / 1000);
  } else if (j->over_output) {
    set_error(r, -EFBIG, CW_ERR_EXTRACT_LIMIT, "extraction output exceeded %lld bytes",
              (long long)j->x->max_output);
  } else if (j->term_signal == SIGXCPU) {
    set_error(r, -ETIMEDOUT, CW_ERR_EXTRACT_TIMEOUT, "extraction exceeded its CPU time limit");
  } else if (j->term_signal == SIGKILL || j->term_signal == SIGXFSZ) {
    set_error(r, -ENOMEM, CW_ERR_EXTRACT_LIMIT, "extraction child killed by a resource limit");
  } else if (j->term_signal) {
    if (oom_hint)
      set_error(r, -ENOMEM, CW_ERR_EXTRACT_LIMIT, "extraction child ran out of memory (signal %d)",
                j->term_signal);
    else
      set_error(r, -ECHILD, CW_ERR_EXTRACT_CRASHED, "extraction child died with signal %d",
                j->term_signal);
  }
  if (r->status) {
    deliver(j);
    return;
  }
  /* The header line. */
  char *nl = j->olen ? memchr(j->obuf, '\n', j->olen < HEADER_MAX ? j->olen : HEADER_MAX) : NULL;
  json_t *hdr = nl ? json_loadb(j->obuf, (size_t)(nl - j->obuf), 0, NULL) : NULL;
  if (!hdr || !json_is_object(hdr)) {
    json_decref(hdr);
    if (oom_hint)
      set_error(r, -ENOMEM, CW_ERR_EXTRACT_LIMIT, "extraction child ran out of memory");
    else
      set_error(r, -ECHILD, CW_ERR_EXTRACT_CRASHED,
                "extraction child exited with status %lld without a result",
                (long long)j->exit_status);
    deliver(j);
    return;
  }
  const char *s;
  if ((s = json_string_value(json_object_get(hdr, "mime"))) && *s)
    snprintf(r->detected_mime, sizeof r->detected_mime, "%s", s);
  if ((s = json_string_value(json_object_get(hdr, "extractor"))))
    snprintf(r->extractor, sizeof r->extractor, "%s", s);
  if ((s = json_string_value(json_object_get(hdr, "version"))))
    snprintf(r->extractor_version, sizeof r->extractor_version, "%s", s);
  r->page_count = (int)json_integer_value(json_object_get(hdr, "page_count"));
  const char *err = json_string_value(json_object_get(hdr, "error"));
  if (err) {
    int code = cw_error_from_name(err);
    const char *msg = json_string_value(json_object_get(hdr, "message"));
    set_error(r, -EINVAL, code >= 0 ? (cw_errcode)code : CW_ERR_INTERNAL, "%s",
              msg ? msg : err);
    json_decref(hdr);
    deliver(j);
    return;
  }
  json_decref(hdr);
  if (j->exit_status != 0) {
    set_error(r, -ECHILD, CW_ERR_EXTRACT_CRASHED, "extraction child exited with status %lld",
              (long long)j->exit_status);
    deliver(j);
    return;
  }
  j->raw = nl + 1;
  j->raw_len = j->olen - (size_t)(nl + 1 - j->obuf);
  j->in_work = true;
  j->work.data = j;
  if (uv_queue_work(j->x->loop, &j->work, normalize_work, normalize_after) < 0) {
    j->in_work = false;
    set_error(r, -ENOMEM, CW_ERR_INTERNAL, "cannot queue normalisation");
    deliver(j);
  }
}

static void child_close_all(cw_extract_job *j) {
  if (j->closing_child)
    return;
  j->closing_child = true;
  uv_close((uv_handle_t *)&j->timer, child_handle_closed);
  uv_close((uv_handle_t *)&j->out, child_handle_closed);
  uv_close((uv_handle_t *)&j->err, child_handle_closed);
  uv_close((uv_handle_t *)&j->proc, child_handle_closed);
}

static void child_maybe_done(cw_extract_job *j) {
  if (j->exited && j->out_eof && j->err_eof)
    child_close_all(j);
}

static void kill_child(cw_extract_job *j) {
  if (j->spawned && !j->exited)
    (void)uv_process_kill(&j->proc, SIGKILL);
}

static void on_exit_cb(uv_process_t *p, int64_t exit_status, int term_signal) {
  cw_extract_job *j = p->data;
  j->exited = true;
  j->exit_status = exit_status;
  j->term_signal = term_signal;
  child_maybe_done(j);
}

static void on_timer(uv_timer_t *t) {
  cw_extract_job *j = t->data;
  if (!j->exited) {
    j->timed_out = true;
    kill_child(j);
  } else {
    /* The child is gone but something (a grandchild) holds its pipes. */
    j->timed_out = true;
    child_close_all(j);
  }
}

static void alloc_out(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  cw_extract_job *j = h->data;
  (void)suggested;
  size_t want = 64 * 1024;
  if (j->ocap - j->olen < want) {
    size_t cap = j->ocap ? j->ocap * 2 : 256 * 1024;
    while (cap - j->olen < want)
      cap *= 2;
    char *nb = realloc(j->obuf, cap + 1);
    if (!nb) {
      buf->base = NULL;
      buf->len = 0;
      return;
    }
    j->obuf = nb;
    j->ocap = cap;
  }
  buf->base = j->obuf + j->olen;
  buf->len = want;
}

static void on_out(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  cw_extract_job *j = s->data;
  (void)buf;
  if (n > 0) {
    j->olen += (size_t)n;
    if ((int64_t)j->olen > j->x->max_output + HEADER_MAX) {
      j->over_output = true;
      kill_child(j);
      uv_read_stop(s);
      j->out_eof = true;
      child_maybe_done(j);
    }
    return;
  }
  if (n < 0) {
    if (n == UV_ENOBUFS)
      j->over_output = true, kill_child(j);
    uv_read_stop(s);
    j->out_eof = true;
    child_maybe_done(j);
  }
}

/* Keeps the last STDERR_KEEP..2*STDERR_KEEP bytes: an allocator's dying
 * words come last, after any amount of parser warnings. */
static void alloc_err(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  cw_extract_job *j = h->data;
  (void)suggested;
  if (j->elen > 2 * STDERR_KEEP - 256) {
    memmove(j->ebuf, j->ebuf + j->elen - STDERR_KEEP, STDERR_KEEP);
    j->elen = STDERR_KEEP;
  }
  buf->base = j->ebuf + j->elen;
  buf->len = 2 * STDERR_KEEP - j->elen;
}

static void on_err(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  cw_extract_job *j = s->data;
  (void)buf;
  if (n > 0) {
    j->elen += (size_t)n;
    j->ebuf[j->elen] = '\0';
    return;
  }
  if (n < 0) {
    uv_read_stop(s);
    j->err_eof = true;
    child_maybe_done(j);
  }
}

static const char *type_arg(enum kind k) {
  switch (k) {
  case K_PDF: return "--type=pdf";
  case K_RTF: return "--type=rtf";
  case K_HTML: return "--type=html";
  default: return "--type=zip";
  }
}

static int spawn_child(cw_extract_job *j) {
  cw_extractor *x = j->x;
  uv_loop_t *loop = x->loop;
  int rc;
  if ((rc = uv_pipe_init(loop, &j->out, 0)) < 0)
    return rc;
  j->out.data = j;
  j->open_handles++;
  uv_pipe_init(loop, &j->err, 0);
  j->err.data = j;
  j->open_handles++;
  uv_timer_init(loop, &j->timer);
  j->timer.data = j;
  j->open_handles++;

  char *args[16];
  int a = 0;
  args[a++] = x->helper;
  args[a++] = (char *)type_arg(j->kind);
  args[a++] = x->cpu_arg;
  args[a++] = x->mem_arg;
  args[a++] = x->pages_arg;
  args[a++] = x->out_arg;
  args[a++] = x->entries_arg;
  args[a++] = x->unz_arg;
  args[a++] = x->ratio_arg;
  if (x->ocr)
    args[a++] = "--ocr";
  args[a] = NULL;
  char *env[] = {"PATH=/usr/bin:/bin", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "HOME=/nonexistent",
                 NULL};
  uv_stdio_container_t stdio[3];
  stdio[0].flags = UV_INHERIT_FD;
  stdio[0].data.fd = j->fd;
  stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
  stdio[1].data.stream = (uv_stream_t *)&j->out;
  stdio[2].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
  stdio[2].data.stream = (uv_stream_t *)&j->err;
  uv_process_options_t o = {
      .exit_cb = on_exit_cb,
      .file = x->helper,
      .args = args,
      .env = env,
      .stdio_count = 3,
      .stdio = stdio,
  };
  j->proc.data = j;
  rc = uv_spawn(loop, &j->proc, &o);
  if (rc < 0) {
    /* uv_spawn initialised the handle; it must still be closed. */
    j->exited = true;
    j->open_handles++;
    return rc;
  }
  j->open_handles++;
  j->spawned = true;
  uv_read_start((uv_stream_t *)&j->out, alloc_out, on_out);
  uv_read_start((uv_stream_t *)&j->err, alloc_err, on_err);
  uv_timer_start(&j->timer, on_timer, (uint64_t)x->wall_ms, 0);
  return 0;
}

static void normalize_work(uv_work_t *w) {
  cw_extract_job *j = w->data;
  char *norm = NULL;
  size_t nlen = 0;
  if (cw_text_normalize(j->raw, j->raw_len, &norm, &nlen) < 0) {
    set_error(&j->res, -ENOMEM, CW_ERR_INTERNAL, "out of memory");
    return;
  }
  finish_text(j, norm, nlen);
}

static void normalize_after(uv_work_t *w, int status) {
  cw_extract_job *j = w->data;
  j->in_work = false;
  if (status == UV_ECANCELED)
    atomic_store(&j->cancelled, 1);
  deliver(j);
}

/* ---- lifecycle -------------------------------------------------------------------------------- */

static void maybe_finish_close(cw_extractor *x) {
  if (!x->closing || !x->timer_closed || x->n_jobs)
    return;
  void (*cb)(void *) = x->close_cb;
  void *arg = x->close_arg;
  magic_close(x->magic);
  magic_close(x->magic_quick);
  uv_mutex_destroy(&x->magic_lock);
  free(x->helper);
  free(x);
  if (cb)
    cb(arg);
}

static void deliver(cw_extract_job *j) {
  cw_extractor *x = j->x;
  cw_extract_result *r = &j->res;
  if (atomic_load(&j->cancelled)) {
    free(r->text);
    r->text = NULL;
    r->text_len = 0;
    r->status = 0;
    set_error(r, -ECANCELED, CW_ERR_SHUTDOWN, "extraction cancelled");
  }
  if (r->status) {
    free(r->text);
    r->text = NULL;
    r->text_len = 0;
  }
  enum kind dk = kind_of_mime(j->declared);
  enum kind rk = kind_of_mime(r->detected_mime);
  r->mime_mismatch = dk != K_NONE && dk != rk;
  r->extract_ms = (double)(uv_hrtime() - j->t0) / 1e6;
  if (r->status)
    cw_log_info("extract.failed", "job=%s code=%s mime=%s ms=%.1f", j->job_id,
                cw_error_name(r->code), r->detected_mime, r->extract_ms);
  else
    cw_log_info("extract.done",
                "job=%s mime=%s mismatch=%d extractor=%s pages=%d chars=%zu ms=%.1f", j->job_id,
                r->detected_mime, r->mime_mismatch, r->extractor, r->page_count, r->text_len,
                r->extract_ms);
  if (j->prev)
    j->prev->next = j->next;
  else
    x->jobs = j->next;
  if (j->next)
    j->next->prev = j->prev;
  x->n_jobs--;
  j->cb(j->arg, r);
  close(j->fd);
  free(j->obuf);
  free(j);
  maybe_finish_close(x);
}

static void detect_after(uv_work_t *w, int status) {
  cw_extract_job *j = w->data;
  j->in_work = false;
  if (status == UV_ECANCELED)
    atomic_store(&j->cancelled, 1);
  if (atomic_load(&j->cancelled) || j->res.status || j->kind == K_TEXT) {
    deliver(j);
    return;
  }
  int rc = spawn_child(j);
  if (rc < 0) {
    cw_log_err("extract.spawn_failed", "job=%s helper=%s error=\"%s\"", j->job_id, j->x->helper,
               uv_strerror(rc));
    /* An installation problem, not the file's fault: retry later. */
    set_error(&j->res, rc, CW_ERR_INTERNAL, "cannot start the extraction helper: %s",
              uv_strerror(rc));
    child_close_all(j);
  }
}

int cw_extractor_new(uv_loop_t *loop, const struct cw_config *cfg, cw_extractor **out) {
  *out = NULL;
  cw_extractor *x = calloc(1, sizeof *x);
  if (!x)
    return -ENOMEM;
  x->loop = loop;
  const char *helper = cfg->extract.helper && *cfg->extract.helper
                           ? cfg->extract.helper
                           : CW_LIBEXECDIR "/careeros-extract";
  x->helper = strdup(helper);
  x->magic = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR);
  x->magic_quick =
      magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_SOFT | MAGIC_ERROR);
  if (!x->helper || !x->magic || !x->magic_quick || magic_load(x->magic, NULL) != 0 ||
      magic_load(x->magic_quick, NULL) != 0) {
    cw_log_err("extract.magic", "error=\"%s\"",
               x->magic ? magic_error(x->magic) : "magic_open failed");
    if (x->magic)
      magic_close(x->magic);
    if (x->magic_quick)
      magic_close(x->magic_quick);
    free(x->helper);
    free(x);
    return -EINVAL;
  }
  if (access(x->helper, X_OK) != 0)
    cw_log_warn("extract.helper_missing", "helper=%s error=\"%s\"", x->helper, strerror(errno));
  uv_mutex_init(&x->magic_lock);
  x->wall_ms = cfg->extract.wall_seconds * 1000;
  x->max_output = cfg->extract.max_output_bytes;
  x->max_text = cfg->extract.max_text_bytes;
  x->max_plain_input = cfg->extract.max_text_bytes * 4;
  x->ocr = cfg->extract.ocr;
  snprintf(x->cpu_arg, sizeof x->cpu_arg, "--cpu-seconds=%d", cfg->extract.cpu_seconds);
  snprintf(x->mem_arg, sizeof x->mem_arg, "--memory-mb=%d", cfg->extract.memory_mb);
  snprintf(x->pages_arg, sizeof x->pages_arg, "--max-pages=%d", cfg->extract.max_pages);
  snprintf(x->out_arg, sizeof x->out_arg, "--max-output=%lld",
           (long long)cfg->extract.max_output_bytes);
  snprintf(x->entries_arg, sizeof x->entries_arg, "--zip-max-entries=%d",
           cfg->extract.zip_max_entries);
  snprintf(x->unz_arg, sizeof x->unz_arg, "--zip-max-uncompressed=%lld",
           (long long)cfg->extract.zip_max_uncompressed);
  snprintf(x->ratio_arg, sizeof x->ratio_arg, "--zip-max-ratio=%d", cfg->extract.zip_max_ratio);
  uv_timer_init(loop, &x->close_timer);
  x->close_timer.data = x;
  *out = x;
  return 0;
}

int cw_extract_start(cw_extractor *x, const cw_extract_req *req, cw_extract_cb cb, void *arg,
                     cw_extract_job **handle) {
  if (handle)
    *handle = NULL;
  if (x->closing)
    return -ESHUTDOWN;
  if (!req || !cb || req->fd < 0)
    return -EINVAL;
  cw_extract_job *j = calloc(1, sizeof *j);
  if (!j)
    return -ENOMEM;
  j->fd = fcntl(req->fd, F_DUPFD_CLOEXEC, 3);
  if (j->fd < 0) {
    int e = -errno;
    free(j);
    return e;
  }
  j->x = x;
  j->cb = cb;
  j->arg = arg;
  j->t0 = uv_hrtime();
  snprintf(j->job_id, sizeof j->job_id, "%s", req->job_id ? req->job_id : "-");
  snprintf(j->declared, sizeof j->declared, "%s", req->declared_mime ? req->declared_mime : "");
  snprintf(j->res.detected_mime, sizeof j->res.detected_mime, "application/octet-stream");
  j->work.data = j;
  j->in_work = true;
  int rc = uv_queue_work(x->loop, &j->work, detect_work, detect_after);
  if (rc < 0) {
    close(j->fd);
    free(j);
    return rc;
  }
  j->next = x->jobs;
  if (x->jobs)
    x->jobs->prev = j;
  x->jobs = j;
  x->n_jobs++;
  if (handle)
    *handle = j;
  return 0;
}

void cw_extract_cancel(cw_extractor *x, cw_extract_job *j) {
  (void)x;
  if (!j)
    return;
  atomic_store(&j->cancelled, 1);
  if (j->in_work)
    (void)uv_cancel((uv_req_t *)&j->work);
  kill_child(j);
}

static void on_close_timer(uv_handle_t *h) {
  cw_extractor *x = h->data;
  x->timer_closed = true;
  maybe_finish_close(x);
}

void cw_extractor_close(cw_extractor *x, void (*close_cb)(void *), void *arg) {
  if (!x || x->closing)
    return;
  x->closing = true;
  x->close_cb = close_cb;
  x->close_arg = arg;
  for (cw_extract_job *j = x->jobs; j; j = j->next)
    cw_extract_cancel(x, j);
  uv_close((uv_handle_t *)&x->close_timer, on_close_timer);
}
