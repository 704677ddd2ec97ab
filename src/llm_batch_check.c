/* Checking batches (batch.h): every llm.batch_poll_ms, queue.batch_due
 * hands this worker one unfinished batch whose check is due (SKIP LOCKED:
 * each batch to one worker at a time, for as long as its requests may
 * take); a running batch's status is recorded, an ended one's output and
 * error files are read and queue.batch_finish (fenced by the check's token)
 * stores the answers and releases the jobs.  Then the next due one, until
 * none is due. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careeros/log.h"
#include "careeros/metrics.h"
#include "llm_batch_int.h"

static void check_done(cw_batch *b, bool more) {
  json_decref(b->check_batch);
  json_decref(b->answers);
  json_decref(b->errors);
  b->check_batch = b->answers = b->errors = NULL;
  b->checking = false;
  if (more && !b->draining)
    cw__batch_check_next(b);
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
    rc = cw__batch_query(b, "SELECT queue.batch_finish($1, $2::uuid, $3, $4::jsonb, $5::jsonb, $6::jsonb)::text", 6, params,
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
    cw__batch_settled(b);
    return;
  }
  if (cw_batch_read_results(r->body ? r->body : "", r->body_len, b->answers, b->errors) < 0)
    cw_log_warn("batch.file_unreadable", "batch=%s file=%s", b->check_id, which);
  download_next(b);
  cw__batch_settled(b);
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
  if (cw__batch_query(b, "SELECT queue.batch_seen($1, $2::uuid, $3, $4::jsonb, $5::int)", 5, params, on_seen,
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
    cw__batch_settled(b);
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
  cw__batch_settled(b);
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

void cw__batch_check_next(cw_batch *b) {
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
  if (cw__batch_query(b, "SELECT id, check_token FROM queue.batch_due($1, 1, $2::int)", 2, params, on_due, NULL) < 0)
    b->checking = false;
}
