/* The batcher (batch.h): collects parse calls into OpenAI Batches, parks
 * their jobs in Postgres, and checks unfinished batches with the other
 * workers until they end.
 *
 * Submission: jobs handed over by the parse stage are collected (their
 * request lines appended to one JSONL buffer, their leases held and
 * heartbeated by the daemon) until llm.batch_max_jobs or
 * llm.batch_collect_ms; then upload, create, and queue.batch_park in one
 * statement that gives up every lease still ours.  One submission at a time
 * per process; a failed upload or create sends the jobs back to the normal
 * path (queue.batch_return).
 *
 * Checks: every llm.batch_poll_ms, queue.batch_due hands this worker one
 * unfinished batch whose check is due (SKIP LOCKED: each batch to one worker
 * at a time); a running batch's status is recorded, an ended one's output
 * and error files are read and queue.batch_finish (fenced by the check's
 * token) stores the answers and releases the jobs.  Then the next due one,
 * until none is due. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careeros/batch.h"
#include "careeros/llm.h"
#include "careeros/log.h"
#include "careeros/metrics.h"

#define MAX_INPUT_BYTES (100u << 20) /* the API takes 200 MB per input file */

struct held {
  char id[37];
  char token[37];
};

typedef struct {
  struct held *jobs;
  int n, cap;
  char *buf;
  size_t len, cap_bytes;
  char file_id[128];
} sub;

struct cw_batch {
  cw_batch_ctx ctx;
  cw_batch_api *api;
  uv_timer_t collect_timer, poll_timer;
  int open_handles;
  sub *open;           /* collecting */
  sub *sending;        /* being submitted */
  bool flush_due;      /* the collect window of open ended while another was sent */
  cw_http_req *send_req;
  /* the batch being checked */
  bool checking;
  cw_http_req *check_req;
  char check_id[128], check_token[37];
  json_t *check_batch, *answers, *errors;
  int dl_step;         /* files read so far: 0 none, 1 output, 2 both */
  int outstanding;     /* queries in flight (they answer even at close) */
  bool draining, closing;
  void (*close_cb)(void *);
  void *close_arg;
};

static void check_next(cw_batch *b);
static void flush(cw_batch *b);

/* ---- life cycle ------------------------------------------------------------ */

static bool busy(const cw_batch *b) {
  return b->open || b->sending || b->checking || b->outstanding > 0 || b->send_req || b->check_req;
}

bool cw_batch_idle(const cw_batch *b) { return !b || !busy(b); }

static void sub_free(sub *s) {
  if (!s)
    return;
  free(s->jobs);
  free(s->buf);
  free(s);
}

static void maybe_free(cw_batch *b) {
  if (!b->closing || b->open_handles > 0 || busy(b))
    return;
  void (*cb)(void *) = b->close_cb;
  void *arg = b->close_arg;
  cw_batch_api_free(b->api);
  free(b);
  if (cb)
    cb(arg);
}

/* Something of the batcher's ended: shutdown may be waiting for it. */
static void settled(cw_batch *b) {
  if (b->closing) {
    maybe_free(b);
    return;
  }
  if (b->draining && !busy(b) && b->ctx.on_idle)
    b->ctx.on_idle(b->ctx.arg);
}

/* ---- queries --------------------------------------------------------------- */

typedef void (*query_cb)(cw_batch *b, int status, const PGresult *res, const char *msg, void *data);
struct query {
  cw_batch *b;
  query_cb cb;
  void *data;
};

static void on_query(void *arg, int status, const PGresult *res, const char *msg) {
  struct query *q = arg;
  cw_batch *b = q->b;
  b->outstanding--;
  q->cb(b, status, res, msg, q->data);
  free(q);
  settled(b);
}

static int query(cw_batch *b, const char *sql, int n, const char *const *params, query_cb cb, void *data) {
  struct query *q = malloc(sizeof *q);
  if (!q)
    return -ENOMEM;
  *q = (struct query){b, cb, data};
  int rc = cw_db_query(b->ctx.db, sql, n, params, on_query, q);
  if (rc < 0) {
    free(q);
    return rc;
  }
  b->outstanding++;
  return 0;
}

/* "{a,b,...}": a uuid[] parameter */
static char *id_array(const sub *s, bool tokens) {
  char *out = malloc((size_t)s->n * 37 + 3);
  if (!out)
    return NULL;
  size_t k = 0;
  out[k++] = '{';
  for (int i = 0; i < s->n; i++) {
    if (i)
      out[k++] = ',';
    memcpy(out + k, tokens ? s->jobs[i].token : s->jobs[i].id, 36);
    k += 36;
  }
  out[k++] = '}';
  out[k] = '\0';
  return out;
}

/* ---- routing --------------------------------------------------------------- */

struct route {
  cw_batch_route_cb cb;
  void *arg;
};

static bool mode(const cw_batch *b, const char *m) { return strcmp(b->ctx.cfg->llm.batch, m) == 0; }

static void on_route(cw_batch *b, int status, const PGresult *res, const char *msg, void *data) {
  struct route *r = data;
  (void)msg;
  json_t *v = status == 0 && PQntuples(res) == 1 ? json_loads(PQgetvalue(res, 0, 0), 0, NULL) : NULL;
  if (!v) {
    r->cb(r->arg, status < 0 ? status : -EIO, CW_BATCH_SYNC, NULL);
    free(r);
    return;
  }
  const char *state = json_string_value(json_object_get(v, "state"));
  json_t *answer = json_object_get(v, "answer");
  const cw_config *cfg = b->ctx.cfg;
  cw_batch_route_how how = CW_BATCH_SYNC;
  char *text = NULL;
  if (json_is_object(answer) && state && !strcmp(state, "answered")) {
    text = json_dumps(answer, JSON_COMPACT);
    how = text ? CW_BATCH_ANSWER : CW_BATCH_SYNC;
  } else if (!state && !mode(b, "off") && !b->draining &&
             json_integer_value(json_object_get(v, "priority")) <= cfg->llm.batch_max_priority &&
             (mode(b, "on") || json_integer_value(json_object_get(v, "backlog")) >= cfg->llm.batch_min_backlog)) {
    how = CW_BATCH_PARK;
  }
  r->cb(r->arg, 0, how, text);
  free(text);
  json_decref(v);
  free(r);
}

int cw_batch_route(cw_batch *b, const char *id, cw_batch_route_cb cb, void *arg) {
  struct route *r = malloc(sizeof *r);
  if (!r)
    return -ENOMEM;
  *r = (struct route){cb, arg};
  char cap[16];
  snprintf(cap, sizeof cap, "%d", mode(b, "auto") ? b->ctx.cfg->llm.batch_min_backlog : 0);
  const char *params[] = {id, cap};
  int rc = query(b, "SELECT queue.batch_route($1::uuid, $2::int)::text", 2, params, on_route, r);
  if (rc < 0)
    free(r);
  return rc;
}

/* ---- giving jobs back ------------------------------------------------------ */

static void on_given_back(cw_batch *b, int status, const PGresult *res, const char *msg, void *data) {
  sub *s = data;
  (void)b;
  (void)res;
  if (status < 0) /* their leases expire and the jobs are rescued */
    cw_log_warn("batch.give_back_failed", "jobs=%d reason=\"%s\"", s->n, msg ? msg : "connection lost");
  sub_free(s);
}

/* The jobs of s leave the batcher: at shutdown released (claimable again,
 * maybe batched by the next worker), after a failed submission returned to
 * the normal path for good. */
static void give_back(cw_batch *b, sub *s, const char *reason) {
  char *ids = id_array(s, false), *tokens = id_array(s, true);
  int rc = -ENOMEM;
  if (ids && tokens) {
    const char *params[] = {ids, tokens, reason};
    rc = b->draining ? query(b, "SELECT queue.release($1::uuid[], $2::uuid[], true)", 2, params, on_given_back, s)
                     : query(b, "SELECT queue.batch_return($1::uuid[], $2::uuid[], $3)", 3, params, on_given_back, s);
  }
  free(ids);
  free(tokens);
  if (!b->draining) {
    cw_metrics_llm_batch_jobs("returned", (unsigned)s->n);
    cw_log_warn("batch.submit_failed", "jobs=%d reason=\"%s\"", s->n, reason);
  }
  if (rc < 0)
    on_given_back(b, rc, NULL, "cannot queue the query", s);
}

/* ---- collecting ------------------------------------------------------------ */

static int append(sub *s, const char *id, const char *token, const char *line) {
  size_t ll = strlen(line);
  if (s->n == s->cap) {
    int nc = s->cap ? s->cap * 2 : 16;
    struct held *nj = realloc(s->jobs, (size_t)nc * sizeof *nj);
    if (!nj)
      return -ENOMEM;
    s->jobs = nj;
    s->cap = nc;
  }
  if (s->len + ll + 1 > s->cap_bytes) {
    size_t nc = s->cap_bytes ? s->cap_bytes * 2 : 65536;
    while (nc < s->len + ll + 1)
      nc *= 2;
    char *nb = realloc(s->buf, nc);
    if (!nb)
      return -ENOMEM;
    s->buf = nb;
    s->cap_bytes = nc;
  }
  memcpy(s->buf + s->len, line, ll);
  s->len += ll;
  snprintf(s->jobs[s->n].id, 37, "%s", id);
  snprintf(s->jobs[s->n].token, 37, "%s", token);
  s->n++;
  return 0;
}

static void on_collect_timer(uv_timer_t *t) { flush(t->data); }

int cw_batch_collect(cw_batch *b, const cw_provider_req *req, const char *token) {
  if (b->draining || b->closing || !req->job_id || strlen(req->job_id) != 36 || !token || strlen(token) != 36)
    return -ESHUTDOWN;
  char *body = NULL;
  int rc = cw_llm_batch_body(b->ctx.provider, req, &body);
  if (rc < 0)
    return rc;
  char *line = cw_batch_line(req->job_id, body);
  free(body);
  if (!line)
    return -ENOMEM;
  if (!b->open && !(b->open = calloc(1, sizeof *b->open))) {
    free(line);
    return -ENOMEM;
  }
  rc = append(b->open, req->job_id, token, line);
  free(line);
  if (rc < 0)
    return rc;
  cw_metrics_llm_batch_jobs("collected", 1);
  cw_log_info("batch.collected", "job=%s collected=%d", req->job_id, b->open->n);
  if (b->open->n == 1)
    uv_timer_start(&b->collect_timer, on_collect_timer, (uint64_t)b->ctx.cfg->llm.batch_collect_ms, 0);
  if (b->open->n >= b->ctx.cfg->llm.batch_max_jobs || b->open->len >= MAX_INPUT_BYTES)
    flush(b);
  return 0;
}

int cw_batch_held(const cw_batch *b) {
  return b ? (b->open ? b->open->n : 0) + (b->sending ? b->sending->n : 0) : 0;
}

int cw_batch_leases(const cw_batch *b, char (*ids)[37], char (*tokens)[37], int max) {
  int n = 0;
  const sub *subs[] = {b ? b->open : NULL, b ? b->sending : NULL};
  for (int k = 0; k < 2; k++)
    for (int i = 0; subs[k] && i < subs[k]->n && n < max; i++, n++) {
      memcpy(ids[n], subs[k]->jobs[i].id, 37);
      memcpy(tokens[n], subs[k]->jobs[i].token, 37);
    }
  return n;
}

/* ---- submitting ------------------------------------------------------------ */

static void sent(cw_batch *b) {
  b->sending = NULL;
  if (b->open && (b->flush_due || b->open->n >= b->ctx.cfg->llm.batch_max_jobs))
    flush(b);
}

static void on_parked(cw_batch *b, int status, const PGresult *res, const char *msg, void *data) {
  sub *s = data;
  if (status < 0) {
    /* the leases expire and the jobs are rescued; the batch is paid for
     * nothing */
    cw_log_err("batch.park_failed", "jobs=%d reason=\"%s\"", s->n, msg ? msg : "connection lost");
  } else {
    int parked = PQntuples(res);
    cw_metrics_llm_batch_jobs("parked", (unsigned)parked);
    cw_log_notice("batch.submitted", "file=%s jobs=%d parked=%d", s->file_id, s->n, parked);
  }
  sub_free(s);
  sent(b);
}

static void on_created(void *arg, const cw_batch_api_result *r) {
  cw_batch *b = arg;
  sub *s = b->sending;
  b->send_req = NULL;
  const char *id = json_string_value(json_object_get(r->json, "id"));
  if (r->status < 0 || !id) {
    give_back(b, s, r->status < 0 ? r->message : "batch create answered without an id");
    sent(b);
    settled(b);
    return;
  }
  cw_metrics_llm_batches("submitted");
  json_t *bj = json_pack("{s:s,s:s,s:s}", "id", id, "input_file_id", s->file_id, "status",
                         json_string_value(json_object_get(r->json, "status")) ?: "validating");
  char *batch = bj ? json_dumps(bj, JSON_COMPACT) : NULL;
  json_decref(bj);
  char *ids = id_array(s, false), *tokens = id_array(s, true), poll[16];
  snprintf(poll, sizeof poll, "%d", b->ctx.cfg->llm.batch_poll_ms);
  int rc = -ENOMEM;
  if (batch && ids && tokens) {
    const char *params[] = {ids, tokens, batch, b->ctx.worker_id, poll};
    rc = query(b,
               "SELECT queue.batch_park($1::uuid[], $2::uuid[], $3::jsonb, $4, $5::int)", 5, params, on_parked, s);
  }
  cw_log_info("batch.created", "batch=%s jobs=%d", id, s->n);
  free(batch);
  free(ids);
  free(tokens);
  if (rc < 0)
    on_parked(b, rc, NULL, "cannot queue the query", s);
  settled(b);
}

static void on_uploaded(void *arg, const cw_batch_api_result *r) {
  cw_batch *b = arg;
  sub *s = b->sending;
  b->send_req = NULL;
  const char *id = json_string_value(json_object_get(r->json, "id"));
  if (r->status < 0 || !id || b->draining) {
    give_back(b, s, r->status < 0 ? r->message : b->draining ? "shutdown" : "file upload answered without an id");
    sent(b);
    settled(b);
    return;
  }
  snprintf(s->file_id, sizeof s->file_id, "%s", id);
  int rc = cw_batch_api_create(b->api, s->file_id, on_created, b, &b->send_req);
  if (rc < 0) {
    b->send_req = NULL;
    give_back(b, s, "cannot start the batch create request");
    sent(b);
  }
  settled(b);
}

static void flush(cw_batch *b) {
  uv_timer_stop(&b->collect_timer);
  if (!b->open || b->draining)
    return;
  if (b->sending) { /* sent when the one in flight is done */
    b->flush_due = true;
    return;
  }
  b->flush_due = false;
  b->sending = b->open;
  b->open = NULL;
  cw_log_info("batch.upload", "jobs=%d bytes=%zu", b->sending->n, b->sending->len);
  if (cw_batch_api_upload(b->api, b->sending->buf, b->sending->len, on_uploaded, b, &b->send_req) < 0) {
    b->send_req = NULL;
    sub *s = b->sending;
    give_back(b, s, "cannot start the upload");
    sent(b);
  }
}

/* ---- checking -------------------------------------------------------------- */

static void check_done(cw_batch *b, bool more) {
  json_decref(b->check_batch);
  json_decref(b->answers);
  json_decref(b->errors);
  b->check_batch = b->answers = b->errors = NULL;
  b->checking = false;
  if (more && !b->draining)
    check_next(b);
}

static void on_finished(cw_batch *b, int status, const PGresult *res, const char *msg, void *data) {
  (void)data;
  json_t *v = status == 0 && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0)
                  ? json_loads(PQgetvalue(res, 0, 0), 0, NULL)
                  : NULL;
  const char *st = json_string_value(json_object_get(b->check_batch, "status"));
  if (v) {
    long answered = (long)json_integer_value(json_object_get(v, "answered"));
    long returned = (long)json_integer_value(json_object_get(v, "returned"));
    cw_metrics_llm_batches(st);
    cw_metrics_llm_batch_jobs("answered", (unsigned)answered);
    cw_metrics_llm_batch_jobs("returned", (unsigned)returned);
    cw_log_notice("batch.finished", "batch=%s status=%s answered=%ld returned=%ld", b->check_id, st, answered,
                  returned);
  } else if (status == 0) {
    cw_log_info("batch.finish_fenced", "batch=%s reason=\"another worker checks it\"", b->check_id);
  } else {
    cw_log_warn("batch.finish_failed", "batch=%s reason=\"%s\"", b->check_id, msg ? msg : "connection lost");
  }
  json_decref(v);
  check_done(b, status == 0);
}

static void finish(cw_batch *b) {
  json_t *bt = b->check_batch;
  json_t *info = json_pack("{s:O?,s:O?,s:O?}", "output_file_id", json_object_get(bt, "output_file_id"),
                           "error_file_id", json_object_get(bt, "error_file_id"), "request_counts",
                           json_object_get(bt, "request_counts"));
  const char *why = json_string_value(
      json_object_get(json_array_get(json_object_get(json_object_get(bt, "errors"), "data"), 0), "message"));
  if (why)
    json_object_set_new(info, "reason", json_string(why));
  char *i = json_dumps(info, JSON_COMPACT), *a = json_dumps(b->answers, JSON_COMPACT),
       *e = json_dumps(b->errors, JSON_COMPACT);
  json_decref(info);
  int rc = -ENOMEM;
  if (i && a && e) {
    const char *params[] = {b->check_id, b->check_token, json_string_value(json_object_get(bt, "status")), i, a, e};
    rc = query(b, "SELECT queue.batch_finish($1, $2::uuid, $3, $4::jsonb, $5::jsonb, $6::jsonb)::text", 6, params,
               on_finished, NULL);
  }
  free(i);
  free(a);
  free(e);
  if (rc < 0)
    check_done(b, false);
}

static void download_next(cw_batch *b);
static void check_release(cw_batch *b, const char *status, const char *counts);

static void on_content(void *arg, const cw_batch_api_result *r) {
  cw_batch *b = arg;
  b->check_req = NULL;
  const char *which = b->dl_step == 1 ? "output" : "error";
  if (r->status < 0 || b->closing) {
    cw_log_warn("batch.download_failed", "batch=%s file=%s reason=\"%s\"", b->check_id, which, r->message);
    check_release(b, NULL, NULL); /* checked again next time */
    settled(b);
    return;
  }
  if (cw_batch_read_results(r->body ? r->body : "", r->body_len, b->answers, b->errors) < 0)
    cw_log_warn("batch.file_unreadable", "batch=%s file=%s", b->check_id, which);
  download_next(b);
  settled(b);
}

/* Reads the output file, then the error file (either may be absent: an
 * expired batch may have answered part of its requests, a failed one
 * none), then records the end. */
static void download_next(cw_batch *b) {
  while (b->dl_step < 2) {
    const char *key = b->dl_step == 0 ? "output_file_id" : "error_file_id";
    b->dl_step++;
    const char *file = json_string_value(json_object_get(b->check_batch, key));
    if (!file || !*file)
      continue;
    size_t max = (size_t)b->ctx.cfg->llm.batch_max_jobs * (256u << 10);
    if (cw_batch_api_content(b->api, file, max, on_content, b, &b->check_req) == 0)
      return;
    b->check_req = NULL;
    cw_log_warn("batch.download_failed", "batch=%s file=%s reason=\"cannot start the request\"", b->check_id, key);
    check_release(b, NULL, NULL);
    return;
  }
  finish(b);
}

static void on_seen(cw_batch *b, int status, const PGresult *res, const char *msg, void *data) {
  (void)res;
  (void)msg;
  check_done(b, status == 0 && data != NULL);
}

/* Ends the check of a batch that has not ended (status NULL: the check
 * failed): the next one is llm.batch_poll_ms out, by whichever worker. */
static void check_release(cw_batch *b, const char *status, const char *counts) {
  char poll[16];
  snprintf(poll, sizeof poll, "%d", b->ctx.cfg->llm.batch_poll_ms);
  const char *params[] = {b->check_id, b->check_token, status, counts, poll};
  /* after a failure, the next due batch waits for the next tick */
  if (query(b, "SELECT queue.batch_seen($1, $2::uuid, $3, $4::jsonb, $5::int)", 5, params, on_seen,
            status ? b : NULL) < 0)
    check_done(b, false);
}

static bool terminal(const char *status) {
  return status && (!strcmp(status, "completed") || !strcmp(status, "expired") || !strcmp(status, "cancelled") ||
                    !strcmp(status, "failed"));
}

static void on_batch(void *arg, const cw_batch_api_result *r) {
  cw_batch *b = arg;
  b->check_req = NULL;
  const char *status = json_string_value(json_object_get(r->json, "status"));
  json_t *gone = NULL;
  cw_batch_api_result gone_r = {0};
  if (r->http_status == 404 && !b->closing) {
    /* the provider has no such batch (any more): it will never answer, so
     * its jobs go back like those of a failed one */
    gone = json_pack("{s:s,s:{s:[{s:s,s:s}]}}", "status", "failed", "errors", "data", "code", "not_found",
                     "message", "the provider does not know this batch");
    gone_r.json = gone;
    r = &gone_r;
    status = "failed";
    cw_log_warn("batch.gone", "batch=%s", b->check_id);
  }
  if (r->status < 0 || !status || b->closing) {
    cw_log_warn("batch.check_failed", "batch=%s reason=\"%s\"", b->check_id,
                r->status < 0 ? r->message : "no status in the answer");
    check_release(b, NULL, NULL);
    settled(b);
    return;
  }
  b->check_batch = json_incref(r->json);
  cw_log_info("batch.checked", "batch=%s status=%s", b->check_id, status);
  if (terminal(status)) {
    b->answers = json_object();
    b->errors = json_object();
    b->dl_step = 0;
    download_next(b);
  } else {
    char *counts = json_dumps(json_object_get(r->json, "request_counts") ?: json_null(),
                              JSON_COMPACT | JSON_ENCODE_ANY);
    check_release(b, status, counts);
    free(counts);
  }
  json_decref(gone);
  settled(b);
}

static void on_due(cw_batch *b, int status, const PGresult *res, const char *msg, void *data) {
  (void)msg;
  (void)data;
  if (status < 0 || PQntuples(res) == 0) {
    b->checking = false;
    return;
  }
  snprintf(b->check_id, sizeof b->check_id, "%s", PQgetvalue(res, 0, 0));
  snprintf(b->check_token, sizeof b->check_token, "%s", PQgetvalue(res, 0, 1));
  if (b->draining) { /* another worker may take it at once */
    check_release(b, NULL, NULL);
    return;
  }
  if (cw_batch_api_get(b->api, b->check_id, on_batch, b, &b->check_req) < 0) {
    b->check_req = NULL;
    cw_log_warn("batch.check_failed", "batch=%s reason=\"cannot start the request\"", b->check_id);
    check_release(b, NULL, NULL);
  }
}

static void check_next(cw_batch *b) {
  if (b->checking || b->draining || !cw_db_is_up(b->ctx.db))
    return;
  /* the check's lease: its three requests at their longest */
  const cw_config *cfg = b->ctx.cfg;
  long lease = 3L * ((long)cfg->llm.timeout_ms + cfg->llm.connect_timeout_ms);
  if (lease < cfg->llm.batch_poll_ms)
    lease = cfg->llm.batch_poll_ms;
  char ms[24];
  snprintf(ms, sizeof ms, "%ld", lease > 86400000L ? 86400000L : lease);
  const char *params[] = {b->ctx.worker_id, ms};
  b->checking = true;
  if (query(b, "SELECT id, check_token FROM queue.batch_due($1, 1, $2::int)", 2, params, on_due, NULL) < 0)
    b->checking = false;
}

static void on_poll_timer(uv_timer_t *t) { check_next(t->data); }

/* ---- construction and shutdown --------------------------------------------- */

int cw_batch_new(const cw_batch_ctx *ctx, cw_batch **out) {
  *out = NULL;
  const cw_config *cfg = ctx->cfg;
  if (strcmp(cfg->provider.name, "openai") != 0 || strcmp(cfg->llm.api_style, "openai") != 0)
    return 0;
  cw_batch *b = calloc(1, sizeof *b);
  if (!b)
    return -ENOMEM;
  b->ctx = *ctx;
  int rc = cw_batch_api_new(cfg, ctx->http, &b->api);
  if (rc < 0) {
    free(b);
    return rc;
  }
  uv_timer_init(ctx->loop, &b->collect_timer);
  uv_timer_init(ctx->loop, &b->poll_timer);
  b->collect_timer.data = b->poll_timer.data = b;
  b->open_handles = 2;
  /* every worker checks batches, whatever its own mode: batches submitted
   * before llm.batch was switched off still end */
  uv_timer_start(&b->poll_timer, on_poll_timer, (uint64_t)cfg->llm.batch_poll_ms, (uint64_t)cfg->llm.batch_poll_ms);
  cw_log_info("batch.ready", "mode=%s max_priority=%d min_backlog=%d max_jobs=%d collect_ms=%d poll_ms=%d",
              cfg->llm.batch, cfg->llm.batch_max_priority, cfg->llm.batch_min_backlog, cfg->llm.batch_max_jobs,
              cfg->llm.batch_collect_ms, cfg->llm.batch_poll_ms);
  *out = b;
  return 0;
}

void cw_batch_drain(cw_batch *b) {
  if (!b || b->draining)
    return;
  b->draining = true;
  uv_timer_stop(&b->collect_timer);
  uv_timer_stop(&b->poll_timer);
  if (b->open) {
    sub *s = b->open;
    b->open = NULL;
    give_back(b, s, "shutdown");
  }
  if (b->send_req) /* its callback gives the jobs back */
    cw_http_cancel(b->send_req);
  if (b->check_req)
    cw_http_cancel(b->check_req);
  settled(b);
}

static void on_timer_closed(uv_handle_t *h) {
  cw_batch *b = h->data;
  b->open_handles--;
  maybe_free(b);
}

void cw_batch_close(cw_batch *b, void (*close_cb)(void *), void *arg) {
  b->close_cb = close_cb;
  b->close_arg = arg;
  cw_batch_drain(b);
  b->closing = true;
  /* jobs still held when the database goes: their leases expire */
  if (b->open) {
    sub_free(b->open);
    b->open = NULL;
  }
  uv_close((uv_handle_t *)&b->collect_timer, on_timer_closed);
  uv_close((uv_handle_t *)&b->poll_timer, on_timer_closed);
}
