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
 * Checking batches: llm_batch_check.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careeros/batch.h"
#include "careeros/llm.h"
#include "careeros/log.h"
#include "careeros/metrics.h"
#include "llm_batch_int.h"

#define MAX_INPUT_BYTES (100u << 20) /* the API takes 200 MB per input file */

static void flush(cw_batch *b);

/* ---- life cycle ------------------------------------------------------------ */

static bool busy(const cw_batch *b) {
  return b->open || b->sending || b->checking || b->outstanding > 0 || b->send_req || b->check_req;
}

bool cw_batch_idle(const cw_batch *b) { return !b || !busy(b); }

static void sub_free(cw__batch_sub *s) {
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

void cw__batch_settled(cw_batch *b) {
  if (b->closing) {
    maybe_free(b);
    return;
  }
  if (b->draining && !busy(b) && b->ctx.on_idle)
    b->ctx.on_idle(b->ctx.arg);
}

/* ---- queries --------------------------------------------------------------- */

struct query {
  cw_batch *b;
  cw__batch_query_cb cb;
  void *data;
};

static void on_query(void *arg, int status, const PGresult *res, const char *msg) {
  struct query *q = arg;
  cw_batch *b = q->b;
  b->outstanding--;
  q->cb(b, status, res, msg, q->data);
  free(q);
  cw__batch_settled(b);
}

int cw__batch_query(cw_batch *b, const char *sql, int n, const char *const *params, cw__batch_query_cb cb,
                    void *data) {
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
static char *id_array(const cw__batch_sub *s, bool tokens) {
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
  int rc = cw__batch_query(b, "SELECT queue.batch_route($1::uuid, $2::int)::text", 2, params, on_route, r);
  if (rc < 0)
    free(r);
  return rc;
}

/* ---- giving jobs back ------------------------------------------------------ */

static void on_given_back(cw_batch *b, int status, const PGresult *res, const char *msg, void *data) {
  cw__batch_sub *s = data;
  (void)b;
  (void)res;
  if (status < 0) /* their leases expire and the jobs are rescued */
    cw_log_warn("batch.give_back_failed", "jobs=%d reason=\"%s\"", s->n, msg ? msg : "connection lost");
  sub_free(s);
}

/* The jobs of s leave the batcher: at shutdown released (claimable again,
 * maybe batched by the next worker), after a failed submission returned to
 * the normal path for good. */
static void give_back(cw_batch *b, cw__batch_sub *s, const char *reason) {
  char *ids = id_array(s, false), *tokens = id_array(s, true);
  int rc = -ENOMEM;
  if (ids && tokens) {
    const char *params[] = {ids, tokens, reason};
    rc = b->draining ? cw__batch_query(b, "SELECT queue.release($1::uuid[], $2::uuid[], true)", 2, params, on_given_back, s)
                     : cw__batch_query(b, "SELECT queue.batch_return($1::uuid[], $2::uuid[], $3)", 3, params, on_given_back, s);
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

static int append(cw__batch_sub *s, const char *id, const char *token, const char *line) {
  size_t ll = strlen(line);
  if (s->n == s->cap) {
    int nc = s->cap ? s->cap * 2 : 16;
    cw__batch_held *nj = realloc(s->jobs, (size_t)nc * sizeof *nj);
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
  const cw__batch_sub *subs[] = {b ? b->open : NULL, b ? b->sending : NULL};
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
  cw__batch_sub *s = data;
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
  cw__batch_sub *s = b->sending;
  b->send_req = NULL;
  const char *id = json_string_value(json_object_get(r->json, "id"));
  if (r->status < 0 || !id) {
    give_back(b, s, r->status < 0 ? r->message : "batch create answered without an id");
    sent(b);
    cw__batch_settled(b);
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
    rc = cw__batch_query(b, "SELECT queue.batch_park($1::uuid[], $2::uuid[], $3::jsonb, $4, $5::int)", 5, params,
                         on_parked, s);
  }
  cw_log_info("batch.created", "batch=%s jobs=%d", id, s->n);
  free(batch);
  free(ids);
  free(tokens);
  if (rc < 0)
    on_parked(b, rc, NULL, "cannot queue the query", s);
  cw__batch_settled(b);
}

static void on_uploaded(void *arg, const cw_batch_api_result *r) {
  cw_batch *b = arg;
  cw__batch_sub *s = b->sending;
  b->send_req = NULL;
  const char *id = json_string_value(json_object_get(r->json, "id"));
  if (r->status < 0 || !id || b->draining) {
    give_back(b, s, r->status < 0 ? r->message : b->draining ? "shutdown" : "file upload answered without an id");
    sent(b);
    cw__batch_settled(b);
    return;
  }
  snprintf(s->file_id, sizeof s->file_id, "%s", id);
  int rc = cw_batch_api_create(b->api, s->file_id, on_created, b, &b->send_req);
  if (rc < 0) {
    b->send_req = NULL;
    give_back(b, s, "cannot start the batch create request");
    sent(b);
  }
  cw__batch_settled(b);
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
    cw__batch_sub *s = b->sending;
    give_back(b, s, "cannot start the upload");
    sent(b);
  }
}

static void on_poll_timer(uv_timer_t *t) { cw__batch_check_next(t->data); }

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
    cw__batch_sub *s = b->open;
    b->open = NULL;
    give_back(b, s, "shutdown");
  }
  if (b->send_req) /* its callback gives the jobs back */
    cw_http_cancel(b->send_req);
  if (b->check_req)
    cw_http_cancel(b->check_req);
  cw__batch_settled(b);
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
