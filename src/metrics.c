/* Prometheus metrics registry and the HTTP endpoint that serves it.
 *
 * The registry is process-global and unlocked on purpose: the daemon runs one
 * libuv loop on one thread, every module counts from that thread, and the
 * HTTP server below renders from the same thread (MHD runs without a thread
 * of its own, driven by the loop).  Counting is a few integer additions.
 *
 * Labelled families keep a fixed number of label values: anything past the
 * limit is counted under "other", so a bug that invents label values cannot
 * grow memory or the scrape without bound. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "careeros/log.h"
#include "careeros/metrics.h"
#include "cw_build.h"

#define MAX_LABEL_VALUES 32
#define LABEL_LEN 48

/* ---- registry --------------------------------------------------------- */

struct labelled {
  int n;
  bool overflow_used;
  char value[MAX_LABEL_VALUES][LABEL_LEN];
  double v[MAX_LABEL_VALUES];
};

static const double stage_bounds[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                      2.5,   5,    10,    30,   60,  120,  300};
static const double llm_bounds[] = {0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300};
#define STAGE_NB (sizeof stage_bounds / sizeof stage_bounds[0])
#define LLM_NB (sizeof llm_bounds / sizeof llm_bounds[0])
#define MAX_NB 16

struct hist {
  uint64_t bucket[MAX_NB + 1]; /* per-bucket (not cumulative); last is +Inf */
  uint64_t count;
  double sum;
};

#define MAX_STAGES 8

static struct {
  uint64_t claimed, completed, db_reconnects, lease_rescues, fenced_writes;
  int inflight;
  struct labelled failed, retried, queue_depth, llm_requests, llm_tokens;
  struct labelled batch_jobs, batches;
  double llm_cost;
  double oldest_pending;
  int n_stages;
  char stage_name[MAX_STAGES][LABEL_LEN];
  struct hist stage[MAX_STAGES];
  struct hist stage_other;
  struct hist llm_latency;
  bool db_connected, listening;
  time_t started;
} R;

/* Finds or adds a label value; past the limit everything lands in the last
 * slot, renamed "other". */
static int label_slot(struct labelled *l, const char *value) {
  if (!value || !*value)
    value = "unknown";
  for (int i = 0; i < l->n; i++)
    if (strncmp(l->value[i], value, LABEL_LEN - 1) == 0)
      return i;
  if (l->n < MAX_LABEL_VALUES - 1) {
    snprintf(l->value[l->n], LABEL_LEN, "%s", value);
    return l->n++;
  }
  if (!l->overflow_used) {
    l->overflow_used = true;
    snprintf(l->value[MAX_LABEL_VALUES - 1], LABEL_LEN, "other");
    l->n = MAX_LABEL_VALUES;
  }
  return MAX_LABEL_VALUES - 1;
}

static void label_add(struct labelled *l, const char *value, double d) { l->v[label_slot(l, value)] += d; }
static void label_set(struct labelled *l, const char *value, double d) { l->v[label_slot(l, value)] = d; }

static void hist_observe(struct hist *h, const double *bounds, size_t nb, double x) {
  if (!(x >= 0)) /* negative or NaN: a clock step, not a duration */
    x = 0;
  size_t i = 0;
  while (i < nb && x > bounds[i])
    i++;
  h->bucket[i]++;
  h->count++;
  h->sum += x;
}

void cw_metrics_jobs_claimed(unsigned n) { R.claimed += n; }
void cw_metrics_job_completed(void) { R.completed++; }
void cw_metrics_job_failed(const char *code) { label_add(&R.failed, code, 1); }
void cw_metrics_job_retried(const char *code) { label_add(&R.retried, code, 1); }
void cw_metrics_inflight_set(int n) { R.inflight = n; }
void cw_metrics_queue_depth_set(const char *status, long n) { label_set(&R.queue_depth, status, (double)n); }
void cw_metrics_queue_oldest_pending_set(double seconds) { R.oldest_pending = seconds > 0 ? seconds : 0; }
void cw_metrics_db_reconnect(void) { R.db_reconnects++; }
void cw_metrics_lease_rescued(unsigned n) { R.lease_rescues += n; }
void cw_metrics_fenced_write(void) { R.fenced_writes++; }
void cw_metrics_llm_cost(double usd) {
  if (usd > 0)
    R.llm_cost += usd;
}
void cw_metrics_llm_batch_jobs(const char *event, unsigned n) {
  if (n > 0)
    label_add(&R.batch_jobs, event, (double)n);
}
void cw_metrics_llm_batches(const char *status) { label_add(&R.batches, status, 1); }
void cw_metrics_llm_tokens(const char *kind, long n) {
  if (n > 0)
    label_add(&R.llm_tokens, kind, (double)n);
}

void cw_metrics_stage_duration(const char *stage, double seconds) {
  struct hist *h = &R.stage_other;
  if (!stage || !*stage)
    stage = "unknown";
  for (int i = 0; i < R.n_stages; i++)
    if (strncmp(R.stage_name[i], stage, LABEL_LEN - 1) == 0) {
      h = &R.stage[i];
      goto found;
    }
  if (R.n_stages < MAX_STAGES) {
    snprintf(R.stage_name[R.n_stages], LABEL_LEN, "%s", stage);
    h = &R.stage[R.n_stages++];
  }
found:
  hist_observe(h, stage_bounds, STAGE_NB, seconds);
}

void cw_metrics_llm_request(int http_status, double seconds) {
  char st[16];
  if (http_status > 0)
    snprintf(st, sizeof st, "%d", http_status);
  else
    snprintf(st, sizeof st, "none");
  label_add(&R.llm_requests, st, 1);
  hist_observe(&R.llm_latency, llm_bounds, LLM_NB, seconds);
}

void cw_metrics_set_health(bool db_connected, bool listening) {
  R.db_connected = db_connected;
  R.listening = listening;
}

static bool ready(void) { return R.db_connected && R.listening; }

/* The start time is the process's, whether or not anything has counted yet. */
__attribute__((constructor)) static void record_start(void) { R.started = time(NULL); }

/* ---- exposition text -------------------------------------------------- */

struct buf {
  char *p;
  size_t len, cap;
  bool oom;
};

static void bprintf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bprintf(struct buf *b, const char *fmt, ...) {
  if (b->oom)
    return;
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0) {
      b->oom = true;
      return;
    }
    if ((size_t)n < b->cap - b->len) {
      b->len += (size_t)n;
      return;
    }
    size_t cap = b->cap * 2 + (size_t)n;
    char *p = realloc(b->p, cap);
    if (!p) {
      b->oom = true;
      return;
    }
    b->p = p;
    b->cap = cap;
  }
}

/* Label values are ours (error codes, stage names) but are escaped anyway
 * as the exposition format requires: backslash, quote, newline. */
static void escaped(char *out, size_t n, const char *in) {
  size_t o = 0;
  for (; *in && o + 3 < n; in++) {
    if (*in == '\\' || *in == '"') {
      out[o++] = '\\';
      out[o++] = *in;
    } else if (*in == '\n') {
      out[o++] = '\\';
      out[o++] = 'n';
    } else {
      out[o++] = *in;
    }
  }
  out[o] = 0;
}

static void header(struct buf *b, const char *name, const char *type, const char *help) {
  bprintf(b, "# HELP careeros_%s %s\n# TYPE careeros_%s %s\n", name, help, name, type);
}

static void scalar(struct buf *b, const char *name, const char *type, const char *help, double v) {
  header(b, name, type, help);
  bprintf(b, "careeros_%s %.17g\n", name, v);
}

static void family(struct buf *b, const char *name, const char *type, const char *help, const char *label,
                   const struct labelled *l) {
  header(b, name, type, help);
  for (int i = 0; i < l->n; i++) {
    char v[LABEL_LEN * 2 + 1];
    escaped(v, sizeof v, l->value[i]);
    bprintf(b, "careeros_%s{%s=\"%s\"} %.17g\n", name, label, v, l->v[i]);
  }
}

static void hist_lines(struct buf *b, const char *name, const char *labels, const struct hist *h,
                       const double *bounds, size_t nb) {
  uint64_t cum = 0;
  const char *sep = *labels ? "," : "";
  for (size_t i = 0; i < nb; i++) {
    cum += h->bucket[i];
    bprintf(b, "careeros_%s_bucket{%s%sle=\"%g\"} %" PRIu64 "\n", name, labels, sep, bounds[i], cum);
  }
  cum += h->bucket[nb];
  bprintf(b, "careeros_%s_bucket{%s%sle=\"+Inf\"} %" PRIu64 "\n", name, labels, sep, cum);
  if (*labels) {
    bprintf(b, "careeros_%s_sum{%s} %.17g\n", name, labels, h->sum);
    bprintf(b, "careeros_%s_count{%s} %" PRIu64 "\n", name, labels, h->count);
  } else {
    bprintf(b, "careeros_%s_sum %.17g\n", name, h->sum);
    bprintf(b, "careeros_%s_count %" PRIu64 "\n", name, h->count);
  }
}

char *cw_metrics_render(void) {
  struct buf b = {malloc(8192), 0, 8192, false};
  if (!b.p)
    return NULL;
  b.p[0] = 0;
  header(&b, "build_info", "gauge", "Version of the running careeros-worker.");
  bprintf(&b, "careeros_build_info{version=\"%s\"} 1\n", CW_VERSION);
  scalar(&b, "start_time_seconds", "gauge", "Unix time the worker process started.",
         (double)R.started);
  scalar(&b, "ready", "gauge", "1 when the database is connected and LISTEN is active.", ready() ? 1 : 0);
  scalar(&b, "db_connected", "gauge", "1 when the database connection is up.", R.db_connected ? 1 : 0);
  scalar(&b, "listen_active", "gauge", "1 when LISTEN for new jobs is active.", R.listening ? 1 : 0);

  scalar(&b, "jobs_claimed_total", "counter", "Jobs claimed from the queue.", (double)R.claimed);
  scalar(&b, "jobs_completed_total", "counter", "Jobs that completed every stage.", (double)R.completed);
  family(&b, "jobs_failed_total", "counter", "Jobs failed for good, by error code.", "code", &R.failed);
  family(&b, "jobs_retried_total", "counter", "Jobs rescheduled for a retry, by error code.", "code",
         &R.retried);
  scalar(&b, "jobs_in_flight", "gauge", "Jobs this process is working on now.", R.inflight);
  family(&b, "queue_depth", "gauge", "Resume versions in the queue, by processing status.", "status",
         &R.queue_depth);
  scalar(&b, "queue_oldest_pending_age_seconds", "gauge",
         "Age of the oldest pending resume version (since its upload); 0 when none is pending.", R.oldest_pending);

  header(&b, "stage_duration_seconds", "histogram", "Wall time of one pipeline stage, by stage.");
  for (int i = 0; i < R.n_stages; i++) {
    char v[LABEL_LEN * 2 + 1], labels[LABEL_LEN * 2 + 16];
    escaped(v, sizeof v, R.stage_name[i]);
    snprintf(labels, sizeof labels, "stage=\"%s\"", v);
    hist_lines(&b, "stage_duration_seconds", labels, &R.stage[i], stage_bounds, STAGE_NB);
  }
  if (R.stage_other.count)
    hist_lines(&b, "stage_duration_seconds", "stage=\"other\"", &R.stage_other, stage_bounds, STAGE_NB);

  scalar(&b, "db_reconnects_total", "counter", "Database connections re-established after a loss.",
         (double)R.db_reconnects);
  scalar(&b, "lease_rescues_total", "counter", "Jobs re-claimed after another worker's lease expired.",
         (double)R.lease_rescues);
  scalar(&b, "fenced_writes_total", "counter", "Stage writes refused because the lease was lost.",
         (double)R.fenced_writes);

  family(&b, "llm_requests_total", "counter", "LLM API requests, by HTTP status (none: no answer).", "status",
         &R.llm_requests);
  header(&b, "llm_request_duration_seconds", "histogram", "Latency of LLM API requests.");
  hist_lines(&b, "llm_request_duration_seconds", "", &R.llm_latency, llm_bounds, LLM_NB);
  family(&b, "llm_tokens_total", "counter", "LLM tokens used, by kind (prompt, completion, cached).", "kind",
         &R.llm_tokens);
  scalar(&b, "llm_cost_usd_total", "counter", "Estimated LLM cost in US dollars.", R.llm_cost);
  family(&b, "llm_batch_jobs_total", "counter",
         "Batch API mode: jobs collected, parked (waiting for a batch), answered or returned to the normal path.",
         "event", &R.batch_jobs);
  family(&b, "llm_batches_total", "counter", "Batch API mode: batches submitted, and ended by final status.",
         "status", &R.batches);

  if (b.oom) {
    free(b.p);
    return NULL;
  }
  return b.p;
}

/* ---- HTTP server on the loop ------------------------------------------ */

#define MAX_PAGES 4

struct page {
  char path[32];
  cw_metrics_page_fn fn;
  void *arg;
};

struct cw_metrics_server {
  uv_loop_t *loop;
  struct MHD_Daemon *mhd;
  uv_poll_t poll;  /* on MHD's epoll fd */
  uv_timer_t timer; /* MHD's own timeouts (idle connections) */
  int open_handles;
  bool closing;
  void (*close_cb)(void *);
  void *close_arg;
  struct page pages[MAX_PAGES];
  int npages;
  cw_metrics_reply *replies; /* pages not answered yet (their connections are suspended) */
};

/* A page answered later: the connection is suspended until the page's
 * handler sends.  Two owners, MHD's request and the handler, each drop one
 * reference, in either order; the server may close in between. */
struct cw_metrics_reply {
  cw_metrics_server *s; /* NULL once the server closed */
  struct MHD_Connection *c;
  cw_metrics_reply *next;
  int refs;
  bool sent, suspended, in_handler;
  unsigned status;
  const char *type;
  char *body;
};

static void mhd_log(void *cls, const char *fmt, va_list ap) {
  (void)cls;
  char msg[256];
  vsnprintf(msg, sizeof msg, fmt, ap);
  size_t n = strlen(msg);
  while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
    msg[--n] = 0;
  cw_log_warn("metrics.http_error", "reason=\"%s\"", msg);
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type, char *body,
                             bool owned) {
  struct MHD_Response *r =
      owned ? MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE)
            : MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_PERSISTENT);
  if (!r) {
    if (owned)
      free(body);
    return MHD_NO;
  }
  MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
  MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  enum MHD_Result ret = MHD_queue_response(c, status, r);
  MHD_destroy_response(r);
  return ret;
}

/* What req_cls points at for every request that is not a page. */
static int seen_marker;

static void drive(cw_metrics_server *s);

static void reply_unref(cw_metrics_reply *r) {
  if (--r->refs > 0)
    return;
  free(r->body);
  free(r);
}

static void unlink_reply(cw_metrics_reply *r) {
  if (!r->s)
    return;
  for (cw_metrics_reply **p = &r->s->replies; *p; p = &(*p)->next)
    if (*p == r) {
      *p = r->next;
      break;
    }
}

static enum MHD_Result answer_page(struct MHD_Connection *c, cw_metrics_reply *r) {
  if (!r->sent) /* resumed by a closing server */
    return reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain; charset=utf-8", (char *)"shutting down\n",
                 false);
  char *body = r->body;
  r->body = NULL;
  if (!body)
    return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8", (char *)"out of memory\n",
                 false);
  return reply(c, r->status, r->type, body, true);
}

static enum MHD_Result start_page(cw_metrics_server *s, struct MHD_Connection *c, const struct page *pg,
                                  void **req_cls) {
  cw_metrics_reply *r = calloc(1, sizeof *r);
  if (!r)
    return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8", (char *)"out of memory\n",
                 false);
  r->s = s;
  r->c = c;
  r->refs = 2; /* the request (dropped when MHD completes it) and the handler */
  r->next = s->replies;
  s->replies = r;
  *req_cls = r;
  r->in_handler = true;
  pg->fn(pg->arg, r);
  r->in_handler = false;
  if (r->sent) /* answered at once */
    return answer_page(c, r);
  r->suspended = true;
  MHD_suspend_connection(c);
  return MHD_YES;
}

void cw_metrics_reply_send(cw_metrics_reply *r, unsigned status, const char *content_type, char *body) {
  if (r->sent) {
    free(body);
    return;
  }
  r->sent = true;
  r->status = status;
  r->type = content_type;
  r->body = body;
  cw_metrics_server *s = r->s;
  unlink_reply(r);
  if (s && r->suspended) {
    r->suspended = false;
    MHD_resume_connection(r->c);
  }
  bool later = r->in_handler;
  reply_unref(r); /* the handler's reference; the request still holds one */
  if (s && !later)
    drive(s);
}

/* MHD is done with a request: drops the request's reference of a page. */
static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode toe) {
  (void)cls, (void)c, (void)toe;
  if (*req_cls && *req_cls != &seen_marker) {
    cw_metrics_reply *r = *req_cls;
    if (!r->sent) /* the client left first; the handler still holds r */
      unlink_reply(r), r->s = NULL;
    reply_unref(r);
  }
  *req_cls = NULL;
}

void cw_metrics_server_add_page(cw_metrics_server *s, const char *path, cw_metrics_page_fn fn, void *arg) {
  if (!s || s->npages == MAX_PAGES || strlen(path) >= sizeof s->pages[0].path)
    return;
  struct page *pg = &s->pages[s->npages++];
  snprintf(pg->path, sizeof pg->path, "%s", path);
  pg->fn = fn;
  pg->arg = arg;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **req_cls) {
  (void)version, (void)upload_data;
  cw_metrics_server *s = cls;
  static const char text[] = "text/plain; charset=utf-8";
  /* The first call only announces the headers; answering then counts as
   * an early response and MHD would close the connection.  Answer on the
   * second call, after any body was read (and ignored). */
  if (*req_cls == NULL) {
    *req_cls = &seen_marker;
    return MHD_YES;
  }
  if (*req_cls != &seen_marker) /* a page whose handler has answered: resumed */
    return answer_page(c, *req_cls);
  if (*upload_data_size) {
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
    return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, text, (char *)"method not allowed\n", false);
  if (strcmp(url, "/metrics") == 0) {
    char *body = cw_metrics_render();
    if (!body)
      return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, text, (char *)"out of memory\n", false);
    return reply(c, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", body, true);
  }
  for (int i = 0; i < s->npages; i++)
    if (strcmp(url, s->pages[i].path) == 0)
      return start_page(s, c, &s->pages[i], req_cls);
  if (strcmp(url, "/healthz") == 0)
    return reply(c, MHD_HTTP_OK, text, (char *)"ok\n", false);
  if (strcmp(url, "/readyz") == 0) {
    if (ready())
      return reply(c, MHD_HTTP_OK, text, (char *)"ready\n", false);
    char *body = NULL;
    if (asprintf(&body, "not ready: db_connected=%d listen_active=%d\n", R.db_connected, R.listening) < 0)
      return reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, text, (char *)"not ready\n", false);
    return reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, text, body, true);
  }
  return reply(c, MHD_HTTP_NOT_FOUND, text, (char *)"not found; try /metrics, /status, /healthz or /readyz\n", false);
}

static void on_timer(uv_timer_t *t);

/* Runs MHD for whatever is ready, then re-arms the timer from MHD's own
 * timeout: idle connections time out, and a zero timeout means MHD has
 * buffered work that no fd event will announce. */
static void drive(cw_metrics_server *s) {
  if (s->closing)
    return;
  MHD_run(s->mhd);
  MHD_UNSIGNED_LONG_LONG ms = 0;
  if (MHD_get_timeout(s->mhd, &ms) == MHD_YES)
    uv_timer_start(&s->timer, on_timer, (uint64_t)ms, 0);
  else
    uv_timer_stop(&s->timer);
}

static void on_timer(uv_timer_t *t) { drive(t->data); }

static void on_poll(uv_poll_t *p, int status, int events) {
  (void)events;
  cw_metrics_server *s = p->data;
  if (status < 0)
    cw_log_warn("metrics.poll_error", "error=%s", uv_strerror(status));
  /* Run MHD even on a poll error: it owns the fds and sees what went wrong. */
  drive(s);
}

/* "host:port" with a numeric host ("127.0.0.1", "[::1]", "0.0.0.0") or
 * "localhost"; names are not resolved, so nothing blocks the loop. */
static int parse_listen(const char *listen, struct sockaddr_storage *ss, bool *v6) {
  const char *colon = strrchr(listen, ':');
  if (!colon || colon == listen || !colon[1])
    return -EINVAL;
  char host[64];
  size_t hl = (size_t)(colon - listen);
  if (listen[0] == '[') {
    if (hl < 3 || listen[hl - 1] != ']')
      return -EINVAL;
    listen++;
    hl -= 2;
  }
  if (hl >= sizeof host)
    return -EINVAL;
  memcpy(host, listen, hl);
  host[hl] = 0;
  char *end;
  errno = 0;
  long port = strtol(colon + 1, &end, 10);
  if (*end || errno || port < 0 || port > 65535)
    return -EINVAL;
  if (strcmp(host, "localhost") == 0)
    snprintf(host, sizeof host, "127.0.0.1");
  memset(ss, 0, sizeof *ss);
  struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
  if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    *v6 = false;
    return 0;
  }
  if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
    *v6 = true;
    return 0;
  }
  return -EINVAL;
}

int cw_metrics_server_start(uv_loop_t *loop, const char *listen, cw_metrics_server **out) {
  *out = NULL;
  if (!listen || !*listen)
    return -EINVAL;
  struct sockaddr_storage ss;
  bool v6;
  if (parse_listen(listen, &ss, &v6) < 0) {
    cw_log_err("metrics.bad_listen", "listen=%s reason=\"expected host:port with a numeric host\"", listen);
    return -EINVAL;
  }
  cw_metrics_server *s = calloc(1, sizeof *s);
  if (!s)
    return -ENOMEM;
  s->loop = loop;
  uint16_t port = ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port : ((struct sockaddr_in *)&ss)->sin_port);
  errno = 0;
  /* MHD_USE_EPOLL without MHD_USE_INTERNAL_POLLING_THREAD: no thread, MHD
   * exposes one epoll fd and we drive it from the loop. */
  s->mhd = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME |
                                (v6 ? MHD_USE_IPv6 : 0),
                            port, NULL, NULL, on_request, s,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
                            MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)32,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384,
                            MHD_OPTION_END);
  if (!s->mhd) {
    int e = errno ? errno : EIO;
    cw_log_err("metrics.start_failed", "listen=%s error=\"%s\"", listen, strerror(e));
    free(s);
    return -e;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_EPOLL_FD);
  int rc = info ? uv_poll_init(loop, &s->poll, info->epoll_fd) : -EIO;
  if (rc < 0) {
    MHD_stop_daemon(s->mhd);
    free(s);
    return rc;
  }
  uv_timer_init(loop, &s->timer);
  s->poll.data = s->timer.data = s;
  s->open_handles = 2;
  uv_poll_start(&s->poll, UV_READABLE, on_poll);
  drive(s);
  const union MHD_DaemonInfo *pi = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
  cw_log_info("metrics.listening", "listen=%s port=%u", listen, pi ? (unsigned)pi->port : (unsigned)port);
  *out = s;
  return 0;
}

/* MHD is stopped only when both handles are closed: the poll handle watches
 * MHD's epoll fd, which MHD_stop_daemon closes. */
static void on_handle_closed(uv_handle_t *h) {
  cw_metrics_server *s = h->data;
  if (--s->open_handles > 0)
    return;
  MHD_stop_daemon(s->mhd);
  void (*cb)(void *) = s->close_cb;
  void *arg = s->close_arg;
  free(s);
  if (cb)
    cb(arg);
}

void cw_metrics_server_close(cw_metrics_server *s, void (*close_cb)(void *), void *arg) {
  if (!s) {
    if (close_cb)
      close_cb(arg);
    return;
  }
  if (s->closing)
    return;
  s->closing = true;
  s->close_cb = close_cb;
  s->close_arg = arg;
  /* MHD must not be stopped with suspended connections: resume them (they
   * answer 503) and let their handlers find no server when they send. */
  bool resumed = false;
  for (cw_metrics_reply *r = s->replies, *next; r; r = next) {
    next = r->next;
    r->s = NULL;
    r->next = NULL;
    if (r->suspended) {
      r->suspended = false;
      MHD_resume_connection(r->c);
      resumed = true;
    }
  }
  s->replies = NULL;
  if (resumed)
    MHD_run(s->mhd);
  uv_close((uv_handle_t *)&s->poll, on_handle_closed);
  uv_close((uv_handle_t *)&s->timer, on_handle_closed);
}
