/* HTTP client on the event loop: one libcurl multi handle per process,
 * driven by libuv (uv_poll per socket, one uv_timer), shared by the LLM
 * provider and remote storage.
 *
 * Properties every user can rely on:
 *  - connections are reused between requests to the same host (the multi
 *    handle keeps the connection cache); HTTP/2 is used when a TLS server
 *    offers it (ALPN), HTTP/1.1 otherwise;
 *  - TLS peer and host verification are always on;
 *  - on_done is called exactly once per started request, always from the
 *    loop, never from inside cw_http_request() or cw_http_cancel();
 *  - nothing here logs URLs' query strings, request headers or bodies
 *    (they may carry keys or signed tokens).
 *
 * Thread model: single loop thread, like everything else in the daemon. */
#ifndef CAREEROS_HTTP_H
#define CAREEROS_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

typedef struct cw_http cw_http;
typedef struct cw_http_req cw_http_req;

/* Process-wide knobs; a NULL config to cw_http_new() means defaults. */
typedef struct {
  long max_total_connections; /* 0: unlimited (libcurl default) */
  long max_host_connections;  /* 0: unlimited; excess requests wait for a connection */
  long max_connects;          /* connection cache size; 0: libcurl default */
  const char *user_agent;     /* NULL: "careeros-worker/<version>" */
} cw_http_config;

/* What the request produced.  Valid only during the on_done call. */
typedef struct {
  /* 0 when a complete HTTP response arrived (whatever its status code), else
   * a negative errno-style code:
   *   -ETIMEDOUT     total timeout, connect timeout or low-speed limit hit
   *   -ECONNREFUSED  connection refused / host unreachable / DNS failure
   *   -ECONNRESET    connection reset, closed early, or a partial response
   *   -ECONNABORTED  on_headers or on_body asked to abort
   *   -ECANCELED     cw_http_cancel() or cw_http_close()
   *   -EMSGSIZE      buffered body larger than max_body_bytes
   *   -EPROTO        TLS / HTTP protocol error (bad certificate included)
   *   -ENOMEM, -EIO  everything else */
  int status;
  int curl_code;          /* CURLcode, for diagnostics */
  long http_status;       /* 0 when no status line was received */
  int http_version;       /* 1 (HTTP/1.x), 2, 3, or 0 when unknown */
  const char *error;      /* short diagnostic text ("" when none); no secrets */
  const char *body;       /* buffered mode (on_body == NULL): the body, NUL-terminated */
  size_t body_len;
  uint64_t body_bytes;    /* bytes received in the final response body, both modes */
  double total_seconds;   /* from the start of the transfer to the end */
  double connect_seconds;
  double ttfb_seconds;    /* time to first byte */
  bool connection_reused; /* no new connection was made for this request */
  const void *priv_;      /* internal: header table */
} cw_http_response;

/* The final response's header value for name (case-insensitive; the last
 * one when repeated), or NULL.  Usable in on_headers, on_body and on_done. */
const char *cw_http_response_header(const cw_http_response *r, const char *name);

/* Called once when the headers of the final response (status >= 200, after
 * redirects when they are followed) are complete, before any body byte.
 * Only http_status, http_version and the header lookup are meaningful in r.
 * Return 0 to go on, anything else to abort (on_done gets -ECONNABORTED). */
typedef int (*cw_http_headers_cb)(void *arg, const cw_http_response *r);
/* Streaming body: called for every chunk of the final response body.
 * Return 0 to go on, anything else to abort (on_done gets -ECONNABORTED). */
typedef int (*cw_http_body_cb)(void *arg, const char *data, size_t len);
typedef void (*cw_http_done_cb)(void *arg, const cw_http_response *r);

typedef struct {
  const char *method;          /* NULL: "POST" when body != NULL, else "GET"; "HEAD" works */
  const char *url;
  const char *const *headers;  /* "Name: value" strings, copied */
  size_t n_headers;
  const void *body;            /* request body, copied; may be NULL */
  size_t body_len;
  long connect_timeout_ms;     /* 0: 10 s */
  long timeout_ms;             /* whole transfer; 0: none (use low-speed limits then) */
  long low_speed_bytes;        /* abort when fewer than low_speed_bytes/s ... */
  long low_speed_seconds;      /* ... for this many seconds; 0: off */
  size_t max_body_bytes;       /* buffered mode: 0 means 64 MiB */
  bool follow_redirects;       /* default off: a redirect is returned as is */
  const char *ca_file;         /* extra trust anchor (tests); NULL: system store */
  cw_http_headers_cb on_headers; /* optional */
  cw_http_body_cb on_body;     /* optional: streaming; body not buffered when set */
  cw_http_done_cb on_done;     /* required */
  void *arg;
} cw_http_request_opts;

int cw_http_new(uv_loop_t *loop, const cw_http_config *cfg, cw_http **out);

/* Starts a request; *out (may be NULL) is valid until on_done returns.
 * Returns 0, -EINVAL (bad options), -ENOMEM, or -ESHUTDOWN after close. */
int cw_http_request(cw_http *h, const cw_http_request_opts *o, cw_http_req **out);

/* Stops a request that has not finished: its on_done runs later (from the
 * loop) with -ECANCELED.  Safe from inside this request's own callbacks.
 * Must not be called after on_done ran. */
void cw_http_cancel(cw_http_req *r);

/* Number of requests started and not yet done. */
size_t cw_http_active(const cw_http *h);

/* Cancels every pending request (each on_done gets -ECANCELED), cleans up
 * the multi handle, closes the uv handles; close_cb runs once all are
 * closed.  h is freed then. */
void cw_http_close(cw_http *h, void (*close_cb)(void *arg), void *arg);

#endif
