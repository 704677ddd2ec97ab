/* Jobs and their stages.  A job is a small state machine: each stage starts
 * asynchronous work (storage, extraction child, provider) and ends in
 * stage_done() or stage_failed(), which commit through the queue. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "careeros/entities.h"
#include "careeros/log.h"
#include "careeros/metrics.h"
#include "careeros/pipeline.h"
#include "cw_build.h"

typedef struct job job;
typedef void (*stage_fn)(job *j);

struct stage {
  const char *name;
  stage_fn run;
  int weight; /* share of processing_progress, in percent */
  bool ahead; /* may start while the previous stage's commit is out */
};

/* How a stage that ran ahead ended while its predecessor's commit was out:
 * the ending waits for that commit's answer. */
enum held { HELD_NONE, HELD_DONE, HELD_FAILED, HELD_INTERRUPTED };

struct job {
  job *prev, *next;
  cw_pipeline *p;
  cw_claimed row;
  int stage;            /* index into stages[] */
  char *text;
  size_t text_len;
  json_t *document;     /* parse result's document, for enrich */
  json_t *job_tel;      /* job-level telemetry (LLM totals etc.) */
  json_t *checkpoint;   /* what an earlier attempt of this stage kept (stage_input) */
  json_t *keep;         /* what this attempt paid for, kept with its failure */
  uint64_t stage_t0;
  /* What is running now, so that it can be cancelled. */
  cw_storage_fetch *fetch;
  cw_extract_job *extract;
  cw_provider_call *call;
  bool input_loaded;    /* stage_input was fetched for this stage */
  bool batch_routed;    /* parse: the batcher said how it goes */
  char *batch_answer;   /* parse: a Batch API answer to read */
  bool lost;            /* heartbeat says another worker has it */
  bool writing;         /* a finish, fail or release of it is out */
  bool cancelled;       /* shutdown deadline */
  /* Running ahead: the stage's LLM call overlaps the previous stage's
   * commit, whose answer decides whether the stage may end at all. */
  bool behind;          /* the previous stage's commit is still out */
  bool queuing;         /* inside cw_queue_finish: an answer now is synchronous */
  bool answered;        /* ... and it came (answer_result, answer_msg) */
  bool commit_failed;   /* that commit failed while the call runs */
  int answer_result;
  char *answer_msg;
  uint64_t behind_t0;   /* the previous stage's start */
  enum held held;
  json_t *held_out, *held_tel;
  cw_errcode held_code;
  char *held_msg;
  long held_retry_ms;
};

struct cw_pipeline {
  cw_pipeline_ctx ctx;
  job *jobs;
  int n;
  bool draining;
};

static void run_upload(job *j);
static void run_parse(job *j);
static void run_enrich(job *j);
static void run_complete(job *j);

static const struct stage stages[] = {
    {"upload", run_upload, 20, false},
    {"parse", run_parse, 40, true},
    {"enrich", run_enrich, 30, true},
    {"complete", run_complete, 10, false},
};
#define NSTAGES ((int)(sizeof stages / sizeof stages[0]))

int cw_pipeline_stage_count(void) { return NSTAGES; }
const char *cw_pipeline_stage_name(int i) { return i >= 0 && i < NSTAGES ? stages[i].name : NULL; }

static const char *stage_name(const job *j) {
  return j->stage < 0 ? "noop" : stages[j->stage].name;
}

/* Milliseconds with microsecond resolution: enough, and readable in JSON. */
static double ms_since(uint64_t t0) { return (double)((uv_hrtime() - t0) / 1000) / 1e3; }

/* ---- job life cycle ------------------------------------------------------ */

/* Forgets the ending a stage that ran ahead was holding. */
static void drop_held(job *j) {
  json_decref(j->held_out);
  json_decref(j->held_tel);
  json_decref(j->keep);
  free(j->held_msg);
  j->held_out = j->held_tel = j->keep = NULL;
  j->held_msg = NULL;
  j->held = HELD_NONE;
}

static void job_end(job *j, cw_job_end how) {
  cw_pipeline *p = j->p;
  if (j->prev)
    j->prev->next = j->next;
  else
    p->jobs = j->next;
  if (j->next)
    j->next->prev = j->prev;
  p->n--;
  cw_metrics_inflight_set(p->n);
  static const char *names[] = {"completed", "retry", "failed", "fenced", "released", "uncertain", "parked"};
  cw_log_info("job.end", "job=%s outcome=%s stage=%s", j->row.id, names[how], stage_name(j));
  char id[37], token[37];
  memcpy(id, j->row.id, sizeof id);
  memcpy(token, j->row.token, sizeof token);
  cw_claimed_clear(&j->row);
  drop_held(j);
  free(j->answer_msg);
  free(j->batch_answer);
  free(j->text);
  json_decref(j->document);
  json_decref(j->job_tel);
  json_decref(j->checkpoint);
  free(j);
  if (p->ctx.on_job_end)
    p->ctx.on_job_end(p->ctx.arg, id, token, how);
}

static void job_release(job *j);

/* After an asynchronous step: was the job interrupted meanwhile (lease
 * lost, shutdown deadline, or the step itself reports -ECANCELED)? */
static bool interrupted(const job *j, int step_status) {
  return j->lost || j->cancelled || step_status == -ECANCELED;
}

/* Ends an interrupted job: with its lease lost it stops without writing
 * anything more; otherwise it is handed back to the queue. */
static void hold(job *j, enum held h);

static void end_interrupted(job *j) {
  if (j->behind) {
    hold(j, HELD_INTERRUPTED);
    return;
  }
  if (j->lost)
    job_end(j, CW_JOB_FENCED);
  else
    job_release(j);
}

static void on_released(void *arg, int status, const char *result) {
  job *j = arg;
  (void)result;
  j->writing = false;
  job_end(j, status < 0 ? CW_JOB_UNCERTAIN : CW_JOB_RELEASED);
}

static void job_release(job *j) {
  j->writing = true;
  if (cw_queue_release(j->p->ctx.queue, &j->row.id, &j->row.token, 1, true, on_released, j) < 0)
    on_released(j, -EIO, NULL);
}

static json_t *job_telemetry(job *j) {
  json_t *t = json_pack("{s:s, s:s, s:s, s:i}", "worker_id", j->p->ctx.worker_id, "host",
                        j->p->ctx.host, "worker_version", CW_VERSION, "attempts",
                        j->row.attempts);
  if (j->job_tel)
    json_object_update(t, j->job_tel);
  return t;
}

/* Adds the numbers a provider reports (LLM calls, tokens, cost) to the
 * job-wide totals that land in processing_telemetry. */
static void accumulate(job *j, json_t *tel) {
  if (!tel || !json_is_object(tel))
    return;
  if (!j->job_tel)
    j->job_tel = json_object();
  const char *k;
  json_t *v;
  json_object_foreach(tel, k, v) {
    if (!json_is_number(v) || strncmp(k, "total_", 6) != 0)
      continue;
    json_t *cur = json_object_get(j->job_tel, k);
    double sum = json_number_value(v) + (cur ? json_number_value(cur) : 0);
    json_object_set_new(j->job_tel, k, json_is_integer(v) && (!cur || json_is_integer(cur))
                                           ? json_integer((json_int_t)sum)
                                           : json_real(sum));
  }
}

/* ---- finishing a stage --------------------------------------------------- */

static void run_stage(job *j);
static void stage_failed(job *j, cw_errcode code, const char *msg, long retry_after_ms);
static void stage_done(job *j, json_t *output, json_t *tel);

/* The database's refusal, by SQLSTATE (the message starts with it): class
 * 40 (deadlock, serialization) and lock timeouts are transient; anything
 * else is about the data. */
static cw_errcode refusal_code(const job *j, const char *message) {
  if (message && (strncmp(message, "40", 2) == 0 || strncmp(message, "55P03", 5) == 0))
    return CW_ERR_DB_CONFLICT;
  if (j->stage >= 0 && strcmp(stage_name(j), "complete") == 0)
    return CW_ERR_MERGE_FAILED;
  return CW_ERR_OUTPUT_REJECTED;
}

static void on_finished(void *arg, int result, const char *message) {
  job *j = arg;
  j->writing = false;
  if (result == -EIO) {
    /* The call failed as a whole on a live connection (a statement or lock
     * timeout, say): rolled back, nothing written; retry it as a job. */
    stage_failed(j, CW_ERR_DB_CONFLICT, message ? message : "stage commit failed", -1);
    return;
  }
  if (result < 0) {
    cw_log_warn("job.finish_unknown", "job=%s stage=%s reason=\"%s\"", j->row.id, stage_name(j),
                message ? message : "");
    job_end(j, CW_JOB_UNCERTAIN);
    return;
  }
  if (result == CW_FINISH_FENCED) {
    cw_log_warn("job.fenced", "job=%s stage=%s", j->row.id, stage_name(j));
    cw_metrics_fenced_write();
    job_end(j, CW_JOB_FENCED);
    return;
  }
  if (result == CW_FINISH_STALE) {
    /* Nothing was written; the job is handed back at once (the daemon
     * releases it) and redone from the stage the database has. */
    cw_log_warn("job.stage_lost", "job=%s stage=%s reason=\"the database lost an earlier stage's commit\"",
                j->row.id, stage_name(j));
    job_end(j, CW_JOB_UNCERTAIN);
    return;
  }
  if (result == CW_FINISH_REFUSED) {
    cw_log_warn("job.output_refused", "job=%s stage=%s reason=\"%s\"", j->row.id, stage_name(j),
                message ? message : "");
    stage_failed(j, refusal_code(j, message), message ? message : "refused", -1);
    return;
  }
  cw_metrics_stage_duration(stage_name(j), ms_since(j->stage_t0) / 1000.0);
  if (result == CW_FINISH_DONE || j->stage < 0 || j->stage + 1 >= NSTAGES) {
    if (result == CW_FINISH_DONE)
      j->stage = NSTAGES - 1; /* the complete stage ran in the same commit */
    cw_metrics_job_completed();
    job_end(j, CW_JOB_COMPLETED);
    return;
  }
  j->stage++;
  j->input_loaded = false;
  run_stage(j);
}

/* ---- running ahead of a commit ------------------------------------------ */

/* May the next stage start now, its LLM call overlapping this stage's
 * commit?  Only a stage whose input is already in memory, and only while
 * the job is healthy and the worker not draining.  Should the commit then
 * fail, the stage that ran ahead is cancelled before it writes anything:
 * at worst one LLM call was made for nothing. */
static bool can_go_ahead(const job *j) {
  if (j->stage < 0 || j->stage + 1 >= NSTAGES || !stages[j->stage + 1].ahead)
    return false;
  if (j->p->draining || j->lost || j->cancelled || !j->text)
    return false;
  /* a parse that may be batched starts after the upload's commit: only a
   * job whose stage is committed can be parked */
  if (j->p->ctx.batch && strcmp(stages[j->stage + 1].name, "parse") == 0 &&
      strcmp(j->p->ctx.cfg->llm.batch, "off") != 0)
    return false;
  return strcmp(stages[j->stage + 1].name, "enrich") != 0 || j->document;
}

/* The stage that ran ahead has ended (h) and its ending waits for the commit
 * before it; the job has nothing else to do, so that commit moves up.  Last
 * in its caller: a commit that fails at once is answered in here. */
static void hold(job *j, enum held h) {
  j->held = h;
  cw_queue_hurry(j->p->ctx.queue, j->row.id);
}

/* The commit went through: the stage that ran ahead ends as it did. */
static void release_held(job *j) {
  enum held h = j->held;
  json_t *out = j->held_out, *tel = j->held_tel;
  char *msg = j->held_msg;
  j->held_out = j->held_tel = NULL;
  j->held_msg = NULL;
  j->held = HELD_NONE;
  if (h == HELD_DONE)
    stage_done(j, out, tel);
  else if (h == HELD_FAILED)
    stage_failed(j, j->held_code, msg, j->held_retry_ms);
  else if (h == HELD_INTERRUPTED)
    end_interrupted(j);
  free(msg);
}

/* The commit failed: the job goes back to the stage it was for, and that
 * failure is handled as if nothing had run ahead. */
static void commit_failed(job *j, int result, const char *message) {
  drop_held(j);
  j->stage--;
  on_finished(j, result, message);
}

static void on_committed_ahead(void *arg, int result, const char *message) {
  job *j = arg;
  if (j->queuing) { /* answered inside cw_queue_finish: commit_ahead takes it */
    j->answered = true;
    j->answer_result = result;
    j->answer_msg = message ? strdup(message) : NULL;
    return;
  }
  j->behind = false;
  if (result == CW_FINISH_OK) {
    cw_metrics_stage_duration(stages[j->stage - 1].name, ms_since(j->behind_t0) / 1000.0);
    release_held(j);
  } else if (j->call) { /* cancelled; its callback ends the job (provider_failed) */
    j->commit_failed = true;
    j->answer_result = result;
    j->answer_msg = message ? strdup(message) : NULL;
    cw_provider_cancel(j->p->ctx.provider, j->call);
  } else {
    commit_failed(j, result, message);
  }
}

/* Queues the commit and starts the next stage at once. */
static void commit_ahead(job *j, json_t *item) {
  j->behind = true;
  j->queuing = true;
  int rc = item ? cw_queue_finish(j->p->ctx.queue, item, on_committed_ahead, j) : -ENOMEM;
  j->queuing = false;
  if (rc < 0 || j->answered) { /* not queued, or answered already: no overlap */
    char *msg = j->answer_msg;
    j->behind = j->answered = false;
    j->answer_msg = NULL;
    on_finished(j, rc < 0 ? -ENOMEM : j->answer_result, rc < 0 ? "cannot queue finish" : msg);
    free(msg);
    return;
  }
  j->behind_t0 = j->stage_t0;
  j->stage++;
  j->input_loaded = false;
  run_stage(j);
}

/* ---- committing a stage -------------------------------------------------- */

/* Commits the stage: outputs, processing_stages, progress and telemetry in
 * one fenced call.  output and tel are stolen.  A stage that ran ahead
 * holds its ending until the commit before it has answered (hold). */
static void stage_done(job *j, json_t *output, json_t *tel) {
  if (j->behind) {
    j->held_out = output;
    j->held_tel = tel;
    hold(j, HELD_DONE);
    return;
  }
  if (!tel)
    tel = json_object();
  json_object_set_new(tel, "duration_ms", json_real(ms_since(j->stage_t0)));
  int progress = 0;
  for (int i = 0; i <= j->stage && j->stage >= 0; i++)
    progress += stages[i].weight;
  const char *next = j->stage >= 0 && j->stage + 1 < NSTAGES ? stages[j->stage + 1].name : NULL;
  json_t *item = json_pack("{s:s, s:s, s:s, s:s, s:o, s:i, s:o, s:{s:o, s:o}}", "id", j->row.id, "token",
                           j->row.token, "user_id", j->row.user_id, "stage", stage_name(j), "next_stage",
                           next ? json_string(next) : json_null(), "progress",
                           j->stage < 0 ? 100 : progress, "output", output ? output : json_object(),
                           "telemetry", "stage", tel, "job", job_telemetry(j));
  /* The complete stage is the merge, all of it in SQL: it runs in the
   * same commit as the stage before it, saving a round trip. */
  if (item && next && strcmp(next, "complete") == 0)
    json_object_set_new(item, "chain", json_true());
  if (can_go_ahead(j)) {
    commit_ahead(j, item);
    return;
  }
  j->writing = true;
  if (!item || cw_queue_finish(j->p->ctx.queue, item, on_finished, j) < 0)
    on_finished(j, -ENOMEM, "cannot queue finish");
}

static void on_failed(void *arg, int status, const char *result) {
  job *j = arg;
  j->writing = false;
  if (status < 0 || !result) {
    job_end(j, CW_JOB_UNCERTAIN);
  } else if (strcmp(result, "fenced") == 0) {
    cw_log_warn("job.fenced", "job=%s stage=%s", j->row.id, stage_name(j));
    cw_metrics_fenced_write();
    job_end(j, CW_JOB_FENCED);
  } else if (strcmp(result, "retry") == 0) {
    job_end(j, CW_JOB_RETRY);
  } else {
    job_end(j, CW_JOB_FAILED);
  }
}

static void stage_failed(job *j, cw_errcode code, const char *msg, long retry_after_ms) {
  if (j->behind) {
    j->held_code = code;
    j->held_msg = msg ? strdup(msg) : NULL;
    j->held_retry_ms = retry_after_ms;
    hold(j, HELD_FAILED);
    return;
  }
  const cw_config *cfg = j->p->ctx.cfg;
  bool retry = cw_error_retryable(code);
  if (code == CW_ERR_LLM_QUOTA_EXCEEDED && retry_after_ms < cfg->worker.quota_backoff_ms)
    retry_after_ms = cfg->worker.quota_backoff_ms;
  cw_log(retry ? CW_LOG_WARNING : CW_LOG_ERR, "job.stage_failed",
         "job=%s stage=%s code=%s attempt=%d retryable=%s", j->row.id, stage_name(j),
         cw_error_name(code), j->row.attempts, retry ? "true" : "false");
  if (retry && j->row.attempts < j->row.max_attempts)
    cw_metrics_job_retried(cw_error_name(code));
  else
    cw_metrics_job_failed(retry ? "MAX_ATTEMPTS" : cw_error_name(code));
  json_t *tel = json_pack("{s:o}", "last_error_stage", json_string(stage_name(j)));
  json_object_update_new(tel, job_telemetry(j));
  cw_queue_failure f = {
      .id = j->row.id, .token = j->row.token, .stage = stage_name(j),
      .code = cw_error_name(code), .message = msg, .retryable = retry,
      .retry_after_ms = retry_after_ms, .backoff_base_ms = cfg->worker.backoff_base_ms,
      .backoff_max_ms = cfg->worker.backoff_max_ms, .telemetry = tel, .checkpoint = j->keep,
  };
  j->writing = true;
  if (cw_queue_fail(j->p->ctx.queue, &f, on_failed, j) < 0)
    on_failed(j, -EIO, NULL);
  json_decref(tel);
  json_decref(j->keep);
  j->keep = NULL;
}

/* ---- stage input -------------------------------------------------------- */

static void on_input(void *arg, int status, json_t *v) {
  job *j = arg;
  if (status == -EIO || status == -EBADMSG) {
    stage_failed(j, CW_ERR_DB_CONFLICT, "cannot load the stage's input", -1);
    return;
  }
  if (status < 0 || !v) {
    job_end(j, CW_JOB_UNCERTAIN);
    return;
  }
  const char *text = json_string_value(json_object_get(v, "text"));
  if (text && !j->text) {
    j->text_len = strlen(text);
    j->text = strdup(text);
  }
  json_t *doc = json_object_get(v, "document");
  if (json_is_object(doc) && !j->document)
    j->document = json_incref(doc);
  json_t *cp = json_object_get(v, "checkpoint");
  if (json_is_object(cp) && !j->checkpoint)
    j->checkpoint = json_incref(cp);
  j->input_loaded = true;
  run_stage(j);
}

/* A job resumed at parse or enrich loads what earlier stages stored. */
static bool need_input(job *j) {
  bool want_text = !j->text;
  bool want_doc = strcmp(stage_name(j), "enrich") == 0 && !j->document;
  if ((!want_text && !want_doc) || j->input_loaded)
    return false; /* a fetch that brought nothing: the stage reports it */
  if (cw_queue_stage_input(j->p->ctx.queue, j->row.id, stage_name(j), on_input, j) < 0)
    on_input(j, -EIO, NULL);
  return true;
}

/* ---- upload ------------------------------------------------------------- */

static void on_extracted(void *arg, cw_extract_result *res) {
  job *j = arg;
  j->extract = NULL;
  if (interrupted(j, res->status)) {
    free(res->text);
    end_interrupted(j);
    return;
  }
  if (res->status < 0) {
    stage_failed(j, res->code, res->message, -1);
    return;
  }
  j->text = res->text;
  j->text_len = res->text_len;
  res->text = NULL;
  json_t *out = json_pack("{s:s%, s:I, s:i, s:s, s:s, s:s, s:b}", "text", j->text, j->text_len,
                          "char_count", (json_int_t)j->text_len, "page_count", res->page_count,
                          "extractor", res->extractor, "extractor_version", res->extractor_version,
                          "detected_mime", res->detected_mime, "mime_mismatch", res->mime_mismatch);
  json_t *tel = json_pack("{s:f, s:i, s:s, s:s, s:s, s:b, s:I}", "extract_ms", res->extract_ms,
                          "page_count", res->page_count, "extractor", res->extractor,
                          "extractor_version", res->extractor_version, "detected_mime",
                          res->detected_mime, "mime_mismatch", res->mime_mismatch, "text_bytes",
                          (json_int_t)j->text_len);
  if (!out) {
    json_decref(tel);
    stage_failed(j, CW_ERR_TEXT_ENCODING_INVALID, "extracted text is not valid UTF-8", -1);
    return;
  }
  stage_done(j, out, tel);
}

static void on_fetched(void *arg, cw_storage_result *res) {
  job *j = arg;
  j->fetch = NULL;
  if (interrupted(j, res->status)) {
    if (res->status == 0)
      close(res->fd);
    end_interrupted(j);
    return;
  }
  if (res->status < 0) {
    stage_failed(j, res->code, res->message, -1);
    return;
  }
  cw_log_debug("job.fetched", "job=%s bytes=%lld fetch_ms=%.1f", j->row.id,
               (long long)res->size, res->fetch_ms);
  cw_extract_req req = {.job_id = j->row.id, .fd = res->fd, .declared_mime = j->row.mime_type,
                        .file_name = j->row.file_name};
  int rc = cw_extract_start(j->p->ctx.extractor, &req, on_extracted, j, &j->extract);
  close(res->fd);
  if (rc < 0)
    stage_failed(j, CW_ERR_INTERNAL, "cannot start extraction", -1);
}

static void run_upload(job *j) {
  cw_storage_req req = {.job_id = j->row.id, .file_path = j->row.file_path,
                        .expected_size = j->row.file_size, .expected_sha256 = j->row.file_hash,
                        .owner = j->row.user_id};
  if (cw_storage_fetch_start(j->p->ctx.storage, &req, on_fetched, j, &j->fetch) < 0)
    stage_failed(j, CW_ERR_INTERNAL, "cannot start fetch", -1);
}

/* ---- parse and enrich ---------------------------------------------------- */

/* The provider's answer, common to both stages: failures, cancellation. */
static bool provider_failed(job *j, cw_provider_outcome *o) {
  j->call = NULL;
  accumulate(j, o->telemetry);
  json_t *keep = o->checkpoint;
  o->checkpoint = NULL;
  if (j->commit_failed) { /* the commit this stage ran ahead of failed */
    char *msg = j->answer_msg;
    j->answer_msg = NULL;
    j->commit_failed = false;
    json_decref(o->result);
    json_decref(o->telemetry);
    json_decref(keep);
    commit_failed(j, j->answer_result, msg);
    free(msg);
    return true;
  }
  if (interrupted(j, o->status)) {
    json_decref(o->result);
    json_decref(o->telemetry);
    json_decref(keep);
    end_interrupted(j);
    return true;
  }
  if (o->status < 0) {
    json_decref(o->result);
    json_decref(o->telemetry);
    json_decref(j->keep);
    j->keep = keep; /* written with the failure: the retry reuses it */
    stage_failed(j, o->code, o->message, o->retry_after_ms);
    return true;
  }
  json_decref(keep);
  return false;
}

/* The stage's telemetry: what the provider measured, and who answered. */
static json_t *labelled_telemetry(cw_provider_outcome *o) {
  json_t *tel = o->telemetry ? o->telemetry : json_object();
  json_object_set(tel, "source_type", json_object_get(o->result, "source_type"));
  json_object_set(tel, "model_version", json_object_get(o->result, "model_version"));
  return tel;
}

static void on_parsed(void *arg, cw_provider_outcome *o) {
  job *j = arg;
  if (provider_failed(j, o))
    return;
  json_t *rows = NULL;
  json_t *doc = json_object_get(o->result, "document");
  json_t *conf = json_object_get(o->result, "confidence");
  if (!json_is_object(doc) ||
      cw_entities_flatten(doc, json_is_number(conf) ? json_number_value(conf) : 0.5, &rows) < 0) {
    json_decref(o->result);
    json_decref(o->telemetry);
    stage_failed(j, CW_ERR_LLM_INVALID_OUTPUT, "parse result has no valid document", -1);
    return;
  }
  j->document = cw_entities_canonical(doc);
  json_t *tel = labelled_telemetry(o);
  json_object_set_new(tel, "fields", json_integer((json_int_t)json_array_size(rows)));
  const char *st = json_string_value(json_object_get(o->result, "source_type"));
  const char *mv = json_string_value(json_object_get(o->result, "model_version"));
  json_t *out = json_pack("{s:o, s:s, s:s}", "rows", rows, "source_type", st ? st : "unknown",
                          "model_version", mv ? mv : "unknown");
  json_decref(o->result);
  stage_done(j, out, tel);
}

static cw_provider_req provider_req(job *j, char date[11]) {
  snprintf(date, 11, "%.10s", j->row.created_at);
  return (cw_provider_req){.job_id = j->row.id, .text = j->text, .text_len = j->text_len,
                           .document_date = date, .parsed = j->document, .checkpoint = j->checkpoint};
}

/* Batch API mode: the parse goes to a batch (the job leaves the process,
 * its lease with the batcher), reads a batch's answer, or runs as usual. */
static void on_batch_route(void *arg, int status, cw_batch_route_how how, const char *answer) {
  job *j = arg;
  if (interrupted(j, 0)) {
    end_interrupted(j);
    return;
  }
  if (status == 0 && how == CW_BATCH_ANSWER && answer)
    j->batch_answer = strdup(answer);
  if (status == 0 && how == CW_BATCH_PARK && !j->behind && !j->p->draining) {
    char date[11];
    cw_provider_req req = provider_req(j, date);
    if (cw_batch_collect(j->p->ctx.batch, &req, j->row.token) == 0) {
      job_end(j, CW_JOB_PARKED);
      return;
    }
  }
  run_parse(j);
}

static void run_parse(job *j) {
  if (need_input(j))
    return;
  if (!j->text || j->text_len == 0) {
    stage_failed(j, CW_ERR_TEXT_EMPTY, "no extracted text", -1);
    return;
  }
  if (j->p->ctx.batch && !j->batch_routed) {
    j->batch_routed = true;
    if (cw_batch_route(j->p->ctx.batch, j->row.id, on_batch_route, j) == 0)
      return;
  }
  char date[11];
  cw_provider_req req = provider_req(j, date);
  req.batch_answer = j->batch_answer;
  if (cw_provider_parse(j->p->ctx.provider, &req, on_parsed, j, &j->call) < 0)
    stage_failed(j, CW_ERR_INTERNAL, "cannot start parse", -1);
}

static void on_enriched(void *arg, cw_provider_outcome *o) {
  job *j = arg;
  if (provider_failed(j, o))
    return;
  json_t *out = o->result;
  json_t *tel = labelled_telemetry(o);
  json_object_del(out, "telemetry");
  json_object_set_new(tel, "entries",
                      json_integer((json_int_t)json_array_size(json_object_get(out, "entries"))));
  stage_done(j, out, tel);
}

static void run_enrich(job *j) {
  if (need_input(j))
    return;
  if (!j->document) {
    stage_failed(j, CW_ERR_INTERNAL, "parsed entities missing", -1);
    return;
  }
  char date[11];
  cw_provider_req req = provider_req(j, date);
  if (cw_provider_enrich(j->p->ctx.provider, &req, on_enriched, j, &j->call) < 0)
    stage_failed(j, CW_ERR_INTERNAL, "cannot start enrich", -1);
}

/* ---- complete: the merge runs in SQL inside the fenced finish ------------ */

static void run_complete(job *j) { stage_done(j, json_object(), NULL); }

/* ---- driving ------------------------------------------------------------ */

static void run_stage(job *j) {
  if (j->lost) {
    job_end(j, CW_JOB_FENCED); /* never start (and pay for) a stage that is fenced */
    return;
  }
  if (j->p->draining || j->cancelled) {
    job_release(j);
    return;
  }
  j->stage_t0 = uv_hrtime();
  cw_log_debug("job.stage", "job=%s stage=%s", j->row.id, stage_name(j));
  if (j->stage < 0)
    stage_done(j, NULL, NULL); /* noop stages: the queue alone */
  else
    stages[j->stage].run(j);
}

int cw_pipeline_new(const cw_pipeline_ctx *ctx, cw_pipeline **out) {
  cw_pipeline *p = calloc(1, sizeof *p);
  if (!p)
    return -ENOMEM;
  p->ctx = *ctx;
  *out = p;
  return 0;
}

void cw_pipeline_free(cw_pipeline *p) { free(p); }

int cw_pipeline_inflight(const cw_pipeline *p) { return p->n; }

int cw_pipeline_start(cw_pipeline *p, const cw_claimed *row) {
  job *j = calloc(1, sizeof *j);
  if (!j)
    return -ENOMEM;
  j->p = p;
  j->row = *row;
  j->row.file_path = strdup(row->file_path);
  j->row.file_name = strdup(row->file_name);
  j->row.file_hash = strdup(row->file_hash);
  j->row.mime_type = strdup(row->mime_type);
  j->stage = -1;
  if (!p->ctx.cfg->worker.noop_stages)
    for (int i = 0; i < NSTAGES; i++)
      if (strcmp(stages[i].name, row->stage) == 0)
        j->stage = i;
  if (j->stage < 0 && !p->ctx.cfg->worker.noop_stages)
    j->stage = 0;
  j->next = p->jobs;
  if (p->jobs)
    p->jobs->prev = j;
  p->jobs = j;
  p->n++;
  cw_metrics_inflight_set(p->n);
  cw_log_info("job.start", "job=%s stage=%s attempt=%d rescued=%d", j->row.id, stage_name(j),
              j->row.attempts, j->row.rescued);
  run_stage(j);
  return 0;
}

int cw_pipeline_leases(const cw_pipeline *p, char (*ids)[37], char (*tokens)[37], int max) {
  int n = 0;
  for (job *j = p->jobs; j && n < max; j = j->next) {
    if (j->lost)
      continue;
    memcpy(ids[n], j->row.id, 37);
    memcpy(tokens[n], j->row.token, 37);
    n++;
  }
  return n;
}

/* Interrupts whatever the job is doing; its callback then ends it. */
static void interrupt(job *j) {
  cw_pipeline *p = j->p;
  if (j->fetch)
    cw_storage_fetch_cancel(p->ctx.storage, j->fetch);
  else if (j->extract)
    cw_extract_cancel(p->ctx.extractor, j->extract);
  else if (j->call)
    cw_provider_cancel(p->ctx.provider, j->call);
}

/* A job with a write out is not judged by the heartbeat: a final commit
 * (or a fail) that went through before the heartbeat ran leaves the row
 * without a lease, which the heartbeat cannot tell from a takeover.  The
 * write's own answer says it: fenced if the lease was lost. */
void cw_pipeline_lost(cw_pipeline *p, const char *id, const char *token) {
  for (job *j = p->jobs; j; j = j->next)
    if (strcmp(j->row.id, id) == 0 && strcmp(j->row.token, token) == 0 && !j->lost) {
      if (j->writing || j->behind) {
        cw_log_debug("job.lease_unrenewed", "job=%s stage=%s reason=\"a write is out\"", j->row.id,
                     stage_name(j));
        return;
      }
      cw_log_warn("job.lease_lost", "job=%s stage=%s", j->row.id, stage_name(j));
      j->lost = true;
      interrupt(j);
      return;
    }
}

void cw_pipeline_drain(cw_pipeline *p) { p->draining = true; }

void cw_pipeline_cancel_all(cw_pipeline *p) {
  p->draining = true;
  job *j = p->jobs;
  while (j) {
    job *next = j->next; /* interrupt may end j synchronously */
    if (!j->cancelled) {
      j->cancelled = true;
      interrupt(j);
    }
    j = next;
  }
}
