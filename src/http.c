/* HTTP client: one libcurl multi handle driven by libuv.
 *
 * libcurl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when
 * to call it back on a timeout (CURLMOPT_TIMERFUNCTION); we watch with one
 * uv_poll per socket and one uv_timer, and feed events back with
 * curl_multi_socket_action().  After every action we drain
 * curl_multi_info_read(), because a transfer can finish during any action,
 * including timer-driven ones (the last finished transfer is otherwise
 * missed).  Poll errors are passed as CURL_CSELECT_ERR so libcurl notices a
 * dead socket instead of waiting for a timeout.
 *
 * libcurl forbids calling it from inside its own callbacks, so the timer
 * callback only (re)arms the uv_timer, and cancellations are applied from a
 * separate zero-delay "kick" timer, never inline. */
#include "careeros/http.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "careeros/log.h"
#include "cw_build.h"

#define DEFAULT_MAX_BODY (64u * 1024u * 1024u)
#define MAX_HEADER_BYTES (64u * 1024u)

typedef struct sock_ctx {
  uv_poll_t poll;
  curl_socket_t fd;
  struct cw_http *h;
  struct sock_ctx *prev, *next;
} sock_ctx;

typedef struct {
  char *buf; /* "name\0value\0name\0value\0..." */
  size_t len, cap;
} header_table;

struct cw_http_req {
  struct cw_http *h;
  CURL *easy;
  struct curl_slist *hdrs;
  char *body_copy;
  char errbuf[CURL_ERROR_SIZE];
  cw_http_request_opts o; /* copy; pointers inside are not used after start */
  /* buffered body */
  char *rbuf;
  size_t rlen, rcap, rmax;
  uint64_t body_bytes;
  header_table ht;
  long final_status;
  int http_version;
  bool headers_done;
  bool cancelled, aborted, too_big, finished;
  struct cw_http_req *prev, *next;
};

struct cw_http {
  uv_loop_t *loop;
  CURLM *multi;
  uv_timer_t timer; /* libcurl's timeout */
  uv_timer_t kick;  /* deferred work (cancellations, shutdown) */
  cw_http_req *reqs;
  sock_ctx *socks;
  size_t active;
  int open_handles;
  bool closing;
  void (*close_cb)(void *);
  void *close_arg;
  char *user_agent;
};

static void check_done(cw_http *h);
static void schedule_kick(cw_http *h);

/* ---- header table ------------------------------------------------------- */

static void ht_reset(header_table *t) { t->len = 0; }

static void ht_add(header_table *t, const char *name, size_t nlen, const char *val, size_t vlen) {
  size_t need = nlen + vlen + 2;
  if (t->len + need > MAX_HEADER_BYTES)
    return; /* absurdly many headers: keep the first 64 KiB, ignore the rest */
  if (t->len + need > t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 1024;
    while (cap < t->len + need)
      cap *= 2;
    char *nb = realloc(t->buf, cap);
    if (!nb)
      return;
    t->buf = nb;
    t->cap = cap;
  }
  memcpy(t->buf + t->len, name, nlen);
  t->buf[t->len + nlen] = '\0';
  memcpy(t->buf + t->len + nlen + 1, val, vlen);
  t->buf[t->len + nlen + 1 + vlen] = '\0';
  t->len += need;
}

static const char *ht_get(const header_table *t, const char *name) {
  const char *found = NULL;
  size_t off = 0;
  while (off < t->len) {
    const char *n = t->buf + off;
    size_t nl = strlen(n);
    const char *v = n + nl + 1;
    size_t vl = strlen(v);
    if (strcasecmp(n, name) == 0)
      found = v; /* the last one wins, as for repeated singleton headers */
    off += nl + vl + 2;
  }
  return found;
}

const char *cw_http_response_header(const cw_http_response *r, const char *name) {
  if (!r || !r->priv_ || !name)
    return NULL;
  return ht_get((const header_table *)r->priv_, name);
}

/* ---- curl callbacks ----------------------------------------------------- */

static int version_of(long v) {
  switch (v) {
  case CURL_HTTP_VERSION_1_0:
  case CURL_HTTP_VERSION_1_1:
    return 1;
  case CURL_HTTP_VERSION_2_0:
    return 2;
#ifdef CURL_HTTP_VERSION_3
  case CURL_HTTP_VERSION_3:
    return 3;
#endif
  default:
    return 0;
  }
}

static bool is_followed_redirect(const cw_http_req *r, long code) {
  if (!r->o.follow_redirects)
    return false;
  if (code != 301 && code != 302 && code != 303 && code != 307 && code != 308)
    return false;
  return ht_get(&r->ht, "location") != NULL;
}

static size_t header_cb(char *data, size_t size, size_t nitems, void *userp) {
  cw_http_req *r = userp;
  size_t n = size * nitems;
  if (r->cancelled || r->aborted)
    return 0;
  if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) {
    /* a new response starts (1xx, redirect, or the final one) */
    ht_reset(&r->ht);
    r->headers_done = false;
    return n;
  }
  size_t len = n;
  while (len > 0 && (data[len - 1] == '\r' || data[len - 1] == '\n'))
    len--;
  if (len == 0) {
    long code = 0, ver = 0;
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_getinfo(r->easy, CURLINFO_HTTP_VERSION, &ver);
    if (code >= 200 && !is_followed_redirect(r, code) && !r->headers_done) {
      r->headers_done = true;
      r->final_status = code;
      r->http_version = version_of(ver);
      if (r->o.on_headers) {
        cw_http_response resp = {.http_status = code, .http_version = r->http_version,
                                 .error = "", .priv_ = &r->ht};
        if (r->o.on_headers(r->o.arg, &resp) != 0) {
          r->aborted = true;
          return 0;
        }
        if (r->cancelled)
          return 0;
      }
    }
    return n;
  }
  const char *colon = memchr(data, ':', len);
  if (!colon)
    return n; /* folded or malformed line: ignore */
  size_t nlen = (size_t)(colon - data);
  const char *v = colon + 1;
  while (v < data + len && (*v == ' ' || *v == '\t'))
    v++;
  ht_add(&r->ht, data, nlen, v, (size_t)(data + len - v));
  return n;
}

static size_t write_cb(char *data, size_t size, size_t nmemb, void *userp) {
  cw_http_req *r = userp;
  size_t n = size * nmemb;
  if (r->cancelled || r->aborted)
    return 0;
  r->body_bytes += n;
  if (r->o.on_body) {
    if (r->o.on_body(r->o.arg, data, n) != 0) {
      r->aborted = true;
      return 0;
    }
    return r->cancelled ? 0 : n;
  }
  if (r->rlen + n > r->rmax) {
    r->too_big = true;
    return 0;
  }
  if (r->rlen + n + 1 > r->rcap) {
    size_t cap = r->rcap ? r->rcap : 4096;
    while (cap < r->rlen + n + 1)
      cap *= 2;
    char *nb = realloc(r->rbuf, cap);
    if (!nb) {
      r->too_big = true;
      return 0;
    }
    r->rbuf = nb;
    r->rcap = cap;
  }
  memcpy(r->rbuf + r->rlen, data, n);
  r->rlen += n;
  r->rbuf[r->rlen] = '\0';
  return n;
}

/* Every uv handle we own counts in open_handles; the last close callback
 * after cw_http_close() frees h and reports. */
static void handle_closed(cw_http *h) {
  h->open_handles--;
  if (h->open_handles == 0 && h->closing && !h->multi) {
    void (*cb)(void *) = h->close_cb;
    void *arg = h->close_arg;
    free(h->user_agent);
    free(h);
    if (cb)
      cb(arg);
  }
}

static void poll_close_cb(uv_handle_t *hd) {
  sock_ctx *s = hd->data;
  cw_http *h = s->h;
  free(s);
  handle_closed(h);
}

static void sock_release(cw_http *h, sock_ctx *s) {
  if (s->prev)
    s->prev->next = s->next;
  else
    h->socks = s->next;
  if (s->next)
    s->next->prev = s->prev;
  s->prev = s->next = NULL;
  uv_poll_stop(&s->poll);
  uv_close((uv_handle_t *)&s->poll, poll_close_cb);
}

static void on_poll(uv_poll_t *p, int status, int events) {
  sock_ctx *s = p->data;
  cw_http *h = s->h;
  int flags = 0;
  if (status < 0)
    flags = CURL_CSELECT_ERR;
  else {
    if (events & UV_READABLE)
      flags |= CURL_CSELECT_IN;
    if (events & UV_WRITABLE)
      flags |= CURL_CSELECT_OUT;
  }
  int running = 0;
  if (h->multi) {
    curl_multi_socket_action(h->multi, s->fd, flags, &running);
    check_done(h);
  }
}

static int socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp) {
  (void)easy;
  cw_http *h = userp;
  sock_ctx *s = socketp;
  if (what == CURL_POLL_REMOVE) {
    if (s) {
      if (h->multi)
        curl_multi_assign(h->multi, fd, NULL);
      sock_release(h, s);
    }
    return 0;
  }
  if (!s) {
    s = calloc(1, sizeof *s);
    if (!s)
      return -1;
    s->fd = fd;
    s->h = h;
    if (uv_poll_init_socket(h->loop, &s->poll, fd) != 0) {
      free(s);
      return -1;
    }
    s->poll.data = s;
    h->open_handles++;
    s->next = h->socks;
    if (h->socks)
      h->socks->prev = s;
    h->socks = s;
    curl_multi_assign(h->multi, fd, s);
  }
  int ev = 0;
  if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
    ev |= UV_READABLE;
  if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
    ev |= UV_WRITABLE;
  uv_poll_start(&s->poll, ev, on_poll);
  return 0;
}

static void on_timer(uv_timer_t *t) {
  cw_http *h = t->data;
  int running = 0;
  if (!h->multi)
    return;
  curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  check_done(h);
}

/* Only arms the uv timer: calling libcurl from here is not allowed, and a
 * zero timeout becomes "next loop iteration", which is the deferral. */
static int timer_cb(CURLM *multi, long timeout_ms, void *userp) {
  (void)multi;
  cw_http *h = userp;
  if (timeout_ms < 0)
    uv_timer_stop(&h->timer);
  else
    uv_timer_start(&h->timer, on_timer, (uint64_t)timeout_ms, 0);
  return 0;
}

/* ---- completion --------------------------------------------------------- */

static int map_code(const cw_http_req *r, CURLcode c) {
  if (r->cancelled)
    return -ECANCELED;
  if (r->aborted)
    return -ECONNABORTED;
  if (r->too_big)
    return -EMSGSIZE;
  switch (c) {
  case CURLE_OK:
    return 0;
  case CURLE_OPERATION_TIMEDOUT:
    return -ETIMEDOUT;
  case CURLE_COULDNT_CONNECT:
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY:
    return -ECONNREFUSED;
  case CURLE_RECV_ERROR:
  case CURLE_SEND_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_PARTIAL_FILE:
  case CURLE_HTTP2:
  case CURLE_HTTP2_STREAM:
    return -ECONNRESET;
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_WEIRD_SERVER_REPLY:
  case CURLE_UNSUPPORTED_PROTOCOL:
  case CURLE_TOO_MANY_REDIRECTS:
  case CURLE_URL_MALFORMAT:
    return -EPROTO;
  case CURLE_OUT_OF_MEMORY:
    return -ENOMEM;
  default:
    return -EIO;
  }
}

static void req_unlink(cw_http *h, cw_http_req *r) {
  if (r->prev)
    r->prev->next = r->next;
  else
    h->reqs = r->next;
  if (r->next)
    r->next->prev = r->prev;
  r->prev = r->next = NULL;
  h->active--;
}

static void req_free(cw_http_req *r) {
  if (r->easy)
    curl_easy_cleanup(r->easy);
  curl_slist_free_all(r->hdrs);
  free(r->body_copy);
  free(r->rbuf);
  free(r->ht.buf);
  free(r);
}

/* Removes the easy handle (never called from inside a libcurl callback),
 * reports, frees. */
static void finish(cw_http *h, cw_http_req *r, CURLcode code) {
  if (r->finished)
    return;
  r->finished = true;
  req_unlink(h, r);
  curl_multi_remove_handle(h->multi, r->easy);

  cw_http_response resp = {0};
  resp.status = map_code(r, code);
  resp.curl_code = (int)code;
  long status = 0, ver = 0, nconn = 0;
  curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo(r->easy, CURLINFO_HTTP_VERSION, &ver);
  curl_easy_getinfo(r->easy, CURLINFO_NUM_CONNECTS, &nconn);
  curl_easy_getinfo(r->easy, CURLINFO_TOTAL_TIME, &resp.total_seconds);
  curl_easy_getinfo(r->easy, CURLINFO_CONNECT_TIME, &resp.connect_seconds);
  curl_easy_getinfo(r->easy, CURLINFO_STARTTRANSFER_TIME, &resp.ttfb_seconds);
  resp.http_status = r->final_status ? r->final_status : status;
  resp.http_version = version_of(ver);
  resp.connection_reused = nconn == 0 && status != 0;
  if (resp.status == -ECANCELED)
    resp.error = "cancelled";
  else if (resp.status == -EMSGSIZE)
    resp.error = "response body too large";
  else if (resp.status == -ECONNABORTED)
    resp.error = "aborted by callback";
  else if (code != CURLE_OK)
    resp.error = r->errbuf[0] ? r->errbuf : curl_easy_strerror(code);
  else
    resp.error = "";
  resp.body = r->rbuf ? r->rbuf : "";
  resp.body_len = r->rlen;
  resp.body_bytes = r->body_bytes;
  resp.priv_ = &r->ht;
  r->o.on_done(r->o.arg, &resp);
  req_free(r);
}

static void check_done(cw_http *h) {
  CURLMsg *m;
  int left;
  while (h->multi && (m = curl_multi_info_read(h->multi, &left))) {
    if (m->msg != CURLMSG_DONE)
      continue;
    cw_http_req *r = NULL;
    curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
    CURLcode code = m->data.result;
    if (r)
      finish(h, r, code);
  }
}

static void handle_close_cb(uv_handle_t *hd) { handle_closed(hd->data); }

static void on_kick(uv_timer_t *t) {
  cw_http *h = t->data;
  /* apply cancellations: remove handles outside libcurl callbacks */
  cw_http_req *r = h->reqs;
  while (r) {
    cw_http_req *next = r->next;
    if (r->cancelled)
      finish(h, r, CURLE_ABORTED_BY_CALLBACK);
    r = next;
  }
  if (!h->closing || h->reqs)
    return;
  if (h->multi) {
    CURLM *m = h->multi;
    /* cleanup may report CURL_POLL_REMOVE for cached connections; the
     * socket callback closes those polls */
    curl_multi_cleanup(m);
    h->multi = NULL;
    while (h->socks)
      sock_release(h, h->socks);
    uv_timer_stop(&h->timer);
    uv_close((uv_handle_t *)&h->timer, handle_close_cb);
    uv_close((uv_handle_t *)&h->kick, handle_close_cb);
  }
}

static void schedule_kick(cw_http *h) {
  if (!uv_is_closing((uv_handle_t *)&h->kick))
    uv_timer_start(&h->kick, on_kick, 0, 0);
}

/* ---- public API --------------------------------------------------------- */

int cw_http_new(uv_loop_t *loop, const cw_http_config *cfg, cw_http **out) {
  static bool global_done;
  if (!global_done) {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      return -EIO;
    global_done = true;
  }
  cw_http *h = calloc(1, sizeof *h);
  if (!h)
    return -ENOMEM;
  h->loop = loop;
  h->multi = curl_multi_init();
  const char *ua = cfg && cfg->user_agent ? cfg->user_agent : "careeros-worker/" CW_VERSION;
  h->user_agent = strdup(ua);
  if (!h->multi || !h->user_agent) {
    if (h->multi)
      curl_multi_cleanup(h->multi);
    free(h->user_agent);
    free(h);
    return -ENOMEM;
  }
  curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
  curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
  curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
  curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
  curl_multi_setopt(h->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
  if (cfg && cfg->max_total_connections > 0)
    curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, cfg->max_total_connections);
  if (cfg && cfg->max_host_connections > 0)
    curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, cfg->max_host_connections);
  if (cfg && cfg->max_connects > 0)
    curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, cfg->max_connects);
  uv_timer_init(loop, &h->timer);
  uv_timer_init(loop, &h->kick);
  h->timer.data = h;
  h->kick.data = h;
  h->open_handles = 2;
  *out = h;
  return 0;
}

static bool has_header(const cw_http_request_opts *o, const char *name) {
  size_t nl = strlen(name);
  for (size_t i = 0; i < o->n_headers; i++)
    if (o->headers[i] && strncasecmp(o->headers[i], name, nl) == 0 && o->headers[i][nl] == ':')
      return true;
  return false;
}

int cw_http_request(cw_http *h, const cw_http_request_opts *o, cw_http_req **out) {
  if (out)
    *out = NULL;
  if (!h || !o || !o->url || !o->on_done)
    return -EINVAL;
  if (h->closing || !h->multi)
    return -ESHUTDOWN;
  cw_http_req *r = calloc(1, sizeof *r);
  if (!r)
    return -ENOMEM;
  r->h = h;
  r->o = *o;
  r->o.headers = NULL;
  r->o.body = NULL;
  r->rmax = o->max_body_bytes ? o->max_body_bytes : DEFAULT_MAX_BODY;
  r->easy = curl_easy_init();
  if (!r->easy)
    goto nomem;
  CURL *e = r->easy;
  for (size_t i = 0; i < o->n_headers; i++) {
    if (!o->headers[i])
      continue;
    struct curl_slist *n = curl_slist_append(r->hdrs, o->headers[i]);
    if (!n)
      goto nomem;
    r->hdrs = n;
  }
  /* no "Expect: 100-continue" round trip for POST bodies over 1 KiB */
  if (!has_header(o, "Expect")) {
    struct curl_slist *n = curl_slist_append(r->hdrs, "Expect:");
    if (!n)
      goto nomem;
    r->hdrs = n;
  }
  const char *method = o->method ? o->method : (o->body ? "POST" : "GET");
  if (o->body || strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
      strcmp(method, "PATCH") == 0) {
    r->body_copy = malloc(o->body_len ? o->body_len : 1);
    if (!r->body_copy)
      goto nomem;
    if (o->body_len)
      memcpy(r->body_copy, o->body, o->body_len);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)o->body_len);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body_copy);
    if (strcmp(method, "POST") != 0)
      curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
  } else if (strcmp(method, "HEAD") == 0) {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else if (strcmp(method, "GET") != 0) {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
  }
  curl_easy_setopt(e, CURLOPT_URL, o->url);
  curl_easy_setopt(e, CURLOPT_PRIVATE, r);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
  /* Waiting for a connection to show whether it multiplexes only pays off
   * with TLS, where ALPN answers during the handshake.  On cleartext HTTP/1.1
   * libcurl learns it only from the first response, so every other request
   * to the host would queue behind that whole first exchange. */
  if (strncasecmp(o->url, "https:", 6) == 0)
    curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  if (o->ca_file)
    curl_easy_setopt(e, CURLOPT_CAINFO, o->ca_file);
  curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(e, CURLOPT_USERAGENT, h->user_agent);
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 10000L);
  if (o->timeout_ms > 0)
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, o->timeout_ms);
  if (o->low_speed_seconds > 0) {
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, o->low_speed_bytes > 0 ? o->low_speed_bytes : 1L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, o->low_speed_seconds);
  }
  if (o->follow_redirects) {
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
  }
  if (r->hdrs)
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->hdrs);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, r);

  r->next = h->reqs;
  if (h->reqs)
    h->reqs->prev = r;
  h->reqs = r;
  h->active++;
  if (curl_multi_add_handle(h->multi, e) != CURLM_OK) {
    req_unlink(h, r);
    req_free(r);
    return -ENOMEM;
  }
  if (out)
    *out = r;
  return 0;

nomem:
  req_free(r);
  return -ENOMEM;
}

void cw_http_cancel(cw_http_req *r) {
  if (!r || r->finished || r->cancelled)
    return;
  r->cancelled = true;
  schedule_kick(r->h);
}

size_t cw_http_active(const cw_http *h) { return h ? h->active : 0; }

void cw_http_close(cw_http *h, void (*close_cb)(void *arg), void *arg) {
  if (!h || h->closing)
    return;
  h->closing = true;
  h->close_cb = close_cb;
  h->close_arg = arg;
  for (cw_http_req *r = h->reqs; r; r = r->next)
    r->cancelled = true;
  schedule_kick(h);
}
