/* The daemon: wires the loop, the database, the queue and the pipeline,
 * and owns the process life cycle (signals, systemd, shutdown). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "careeros/alloc.h"
#include "careeros/batch.h"
#include "careeros/daemon.h"
#include "careeros/db.h"
#include "careeros/http.h"
#include "careeros/llm.h"
#include "careeros/log.h"
#include "careeros/metrics.h"
#include "careeros/notify.h"
#include "careeros/offline.h"
#include "careeros/pipeline.h"
#include "careeros/queue.h"
#include "careeros/status.h"
#include "cw_build.h"

#define CHANNEL "careeros_jobs"
#define STATUS_INTERVAL_MS 5000
#define MAX_UNCERTAIN 4096
#define FORCE_GRACE_MS 500 /* after the drain deadline, for cancellations to land */

struct lease {
  char id[37];
  char token[37];
};

typedef struct {
  uv_loop_t loop;
  cw_config *cfg;
  char host[256];
  char worker_id[300];

  cw_db *db;
  cw_queue *queue;
  cw_pipeline *pipeline;
  cw_http *http;
  cw_provider *provider, *fallback;
  cw_storage *storage;
  cw_extractor *extractor;
  cw_metrics_server *metrics;
  cw_status *status; /* reports to, and the page about, the fleet */
  cw_batch *batch; /* Batch API mode; NULL without the openai provider */

  uv_signal_t sigterm, sigint, sighup;
  uv_timer_t poll_timer, heartbeat_timer, watchdog_timer, status_timer, deadline_timer;
  uint64_t watchdog_usec;

  bool claiming;      /* a claim is in flight */
  int claim_want;     /* how many it asked for: a full answer means there may be more */
  bool more_work;     /* the last claim came back full, or we were woken since */
  bool claim_again;   /* something asked for a claim meanwhile */
  bool heartbeating;
  bool stopping;
  bool closing;
  int pending_closes;

  /* Jobs whose last write has an unknown outcome (the connection died):
   * released as soon as the database is back, so they need not wait for
   * their lease to expire. */
  struct lease uncertain[MAX_UNCERTAIN];
  int n_uncertain;
  int n_releasing; /* how many of them the release in flight covers */
  bool releasing;

  unsigned long done, failed, retried;
} daemon_t;

static void claim(daemon_t *d);
static void wake(daemon_t *d);
static void maybe_finish_shutdown(daemon_t *d);

/* ---- claiming ----------------------------------------------------------- */

static int free_slots(const daemon_t *d) {
  return d->cfg->worker.concurrency - cw_pipeline_inflight(d->pipeline);
}

static void on_claimed(void *arg, int status, cw_claimed *rows, int n) {
  daemon_t *d = arg;
  d->claiming = false;
  if (status < 0) {
    maybe_finish_shutdown(d);
    return;
  }
  unsigned rescued = 0;
  for (int i = 0; i < n; i++) {
    rescued += rows[i].rescued != 0;
    cw_pipeline_start(d->pipeline, &rows[i]);
  }
  if (n)
    cw_metrics_jobs_claimed((unsigned)n);
  if (rescued)
    cw_metrics_lease_rescued(rescued);
  /* A full batch means there may be more: claim until the queue is empty
   * or our slots are.  A short one means the queue is empty for now. */
  bool asked = d->claim_again;
  d->claim_again = false;
  d->more_work = n == d->claim_want || asked;
  if (d->more_work)
    claim(d);
  maybe_finish_shutdown(d);
}

/* Something says there may be work (a notification, the poll timer, a
 * reconnect): claim, and keep claiming as slots free up until a claim
 * comes back short. */
static void wake(daemon_t *d) {
  d->more_work = true;
  claim(d);
}

/* Never claims more than the process can start right now. */
static void claim(daemon_t *d) {
  if (d->stopping || !cw_db_is_up(d->db))
    return;
  if (d->claiming) {
    d->claim_again = true;
    return;
  }
  int want = free_slots(d);
  if (want <= 0)
    return;
  if (want > d->cfg->worker.claim_batch)
    want = d->cfg->worker.claim_batch;
  d->claiming = true;
  d->claim_want = want;
  if (cw_queue_claim(d->queue, want, d->cfg->worker.lease_ms, d->cfg->worker.max_attempts,
                     on_claimed, d) < 0)
    d->claiming = false;
}

/* ---- uncertain jobs ------------------------------------------------------ */

static void release_uncertain(daemon_t *d);

static void on_uncertain_released(void *arg, int status, const char *result) {
  daemon_t *d = arg;
  d->releasing = false;
  if (status == 0) {
    cw_log_info("queue.released", "count=%s reason=uncertain", result ? result : "0");
    /* Entries added while the release was in flight stay for the next one. */
    d->n_uncertain -= d->n_releasing;
    memmove(d->uncertain, d->uncertain + d->n_releasing,
            (size_t)d->n_uncertain * sizeof d->uncertain[0]);
  }
  d->n_releasing = 0;
  /* Jobs that became uncertain while this release was out (a restart cuts
   * several commits, one after the other) go now, not at the next poll:
   * the database has just answered, or (a failed release) will be retried
   * when it is back (on_health). */
  if (status != -EIO)
    release_uncertain(d);
  maybe_finish_shutdown(d);
}

static void release_uncertain(daemon_t *d) {
  if (d->releasing || d->n_uncertain == 0 || !cw_db_is_up(d->db))
    return;
  char(*ids)[37] = malloc((size_t)d->n_uncertain * 37);
  char(*tokens)[37] = malloc((size_t)d->n_uncertain * 37);
  if (ids && tokens) {
    for (int i = 0; i < d->n_uncertain; i++) {
      memcpy(ids[i], d->uncertain[i].id, 37);
      memcpy(tokens[i], d->uncertain[i].token, 37);
    }
    d->releasing = true;
    d->n_releasing = d->n_uncertain;
    if (cw_queue_release(d->queue, ids, tokens, d->n_uncertain, false, on_uncertain_released,
                         d) < 0)
      d->releasing = false;
  }
  free(ids);
  free(tokens);
}

static void on_job_end(void *arg, const char *id, const char *token, cw_job_end how) {
  daemon_t *d = arg;
  switch (how) {
  case CW_JOB_COMPLETED: d->done++; break;
  case CW_JOB_FAILED: d->failed++; break;
  case CW_JOB_RETRY: d->retried++; break;
  case CW_JOB_UNCERTAIN:
    if (d->n_uncertain < MAX_UNCERTAIN) {
      memcpy(d->uncertain[d->n_uncertain].id, id, 37);
      memcpy(d->uncertain[d->n_uncertain].token, token, 37);
      d->n_uncertain++;
    }
    break;
  default: break;
  }
  if (how == CW_JOB_UNCERTAIN)
    release_uncertain(d); /* a no-op until the database is back */
  if (d->stopping)
    maybe_finish_shutdown(d);
  else if (d->more_work)
    claim(d); /* a slot is free and the queue was not empty last time we looked */
}

/* ---- database events ------------------------------------------------------ */

static void on_notify(void *arg, const char *channel, const char *payload) {
  (void)channel;
  (void)payload;
  wake(arg);
}

static void on_listening(void *arg) {
  daemon_t *d = arg;
  release_uncertain(d);
  wake(d); /* notifications sent while we were away are lost */
}

static void on_health(void *arg, bool up, bool listening) {
  daemon_t *d = arg;
  (void)listening;
  if (up) {
    release_uncertain(d);
    wake(d);
    cw_status_report(d->status, cw_pipeline_inflight(d->pipeline), d->done, d->failed);
  }
}

/* ---- timers ------------------------------------------------------------- */

static void on_poll_timer(uv_timer_t *t) {
  release_uncertain(t->data);
  wake(t->data);
}

/* The leases one heartbeat asked to extend.  Only these can be judged from
 * its answer: a job claimed while the heartbeat was in flight is not in it. */
struct heartbeat {
  daemon_t *d;
  int n;
  char (*ids)[37];
  char (*tokens)[37];
};

static void on_heartbeat_done(void *arg, int status, char (*held)[37], int n) {
  struct heartbeat *hb = arg;
  daemon_t *d = hb->d;
  d->heartbeating = false;
  if (status == 0 && !d->closing) {
    /* A job we asked about that the heartbeat did not renew was taken over. */
    for (int i = 0; i < hb->n; i++) {
      bool renewed = false;
      for (int k = 0; k < n && !renewed; k++)
        renewed = strcmp(hb->ids[i], held[k]) == 0;
      if (!renewed)
        cw_pipeline_lost(d->pipeline, hb->ids[i], hb->tokens[i]);
    }
  }
  free(hb->ids);
  free(hb->tokens);
  free(hb);
}

static void on_heartbeat_timer(uv_timer_t *t) {
  daemon_t *d = t->data;
  int max = cw_pipeline_inflight(d->pipeline) + cw_batch_held(d->batch);
  if (max == 0 || d->heartbeating || !cw_db_is_up(d->db))
    return;
  struct heartbeat *hb = calloc(1, sizeof *hb);
  if (hb) {
    hb->ids = malloc((size_t)max * 37);
    hb->tokens = malloc((size_t)max * 37);
  }
  if (hb && hb->ids && hb->tokens) {
    hb->d = d;
    hb->n = cw_pipeline_leases(d->pipeline, hb->ids, hb->tokens, max);
    /* the jobs collected for a batch keep their leases until parked */
    hb->n += cw_batch_leases(d->batch, hb->ids + hb->n, hb->tokens + hb->n, max - hb->n);
    d->heartbeating = true;
    if (cw_queue_heartbeat(d->queue, hb->ids, hb->tokens, hb->n, d->cfg->worker.lease_ms,
                           on_heartbeat_done, hb) == 0)
      hb = NULL;
    else
      d->heartbeating = false;
  }
  if (hb) {
    free(hb->ids);
    free(hb->tokens);
  }
  free(hb);
}

/* WATCHDOG=1 only while the loop turns (this timer fires) and the database
 * is reachable: a worker cut off from Postgres for a whole watchdog period
 * is restarted by systemd. */
static void on_watchdog_timer(uv_timer_t *t) {
  daemon_t *d = t->data;
  if (cw_db_is_up(d->db) && cw_db_is_listening(d->db))
    cw_notify_watchdog();
}

static void on_depth(void *arg, int status, const PGresult *res, const char *msg) {
  (void)arg;
  (void)msg;
  if (status < 0 || PQntuples(res) < 1)
    return;
  cw_metrics_queue_depth_set("pending", atol(PQgetvalue(res, 0, 0)));
  cw_metrics_queue_depth_set("processing", atol(PQgetvalue(res, 0, 1)));
  cw_metrics_queue_oldest_pending_set(atof(PQgetvalue(res, 0, 2)));
}

static void on_status_timer(uv_timer_t *t) {
  daemon_t *d = t->data;
  cw_notify_status("in flight %d, done %lu, failed %lu, retried %lu%s",
                   cw_pipeline_inflight(d->pipeline), d->done, d->failed, d->retried,
                   cw_db_is_up(d->db) ? "" : ", database unreachable");
  if (cw_db_is_up(d->db) && cw_db_pending(d->db) == 0)
    cw_db_query(d->db,
                "SELECT count(*) FILTER (WHERE processing_status = 'pending'), "
                "count(*) FILTER (WHERE processing_status = 'processing'), "
                "coalesce(extract(epoch FROM now() - min(created_at) "
                "FILTER (WHERE processing_status = 'pending')), 0)::float8 "
                "FROM public.resume_versions WHERE processing_status IN ('pending', 'processing')",
                0, NULL, on_depth, d);
  /* after the depth query, which waits for an idle pool: the report must
   * not be what keeps it from running */
  cw_status_report(d->status, cw_pipeline_inflight(d->pipeline), d->done, d->failed);
}

/* ---- shutdown ------------------------------------------------------------ */

static void on_closed(void *arg) {
  daemon_t *d = arg;
  d->pending_closes--;
}

static void on_handle_closed(uv_handle_t *h) { on_closed(h->data); }

static void close_handle(daemon_t *d, void *h) {
  if (uv_is_closing(h))
    return;
  d->pending_closes++;
  ((uv_handle_t *)h)->data = d;
  uv_close(h, on_handle_closed);
}

static void close_all(daemon_t *d) {
  if (d->closing)
    return;
  d->closing = true;
  uv_timer_t *timers[] = {&d->poll_timer, &d->heartbeat_timer, &d->watchdog_timer,
                          &d->status_timer, &d->deadline_timer};
  for (size_t i = 0; i < sizeof timers / sizeof timers[0]; i++)
    close_handle(d, timers[i]);
  close_handle(d, &d->sigterm);
  close_handle(d, &d->sigint);
  close_handle(d, &d->sighup);
  if (d->metrics) {
    d->pending_closes++;
    cw_metrics_server_close(d->metrics, on_closed, d);
  }
  if (d->batch) { /* before the provider, the HTTP client and the database it uses */
    d->pending_closes++;
    cw_batch_close(d->batch, on_closed, d);
  }
  if (d->provider) {
    d->pending_closes++;
    cw_provider_close(d->provider, on_closed, d);
  }
  if (d->fallback) {
    d->pending_closes++;
    cw_provider_close(d->fallback, on_closed, d);
  }
  if (d->storage) {
    d->pending_closes++;
    cw_storage_close(d->storage, on_closed, d);
  }
  if (d->extractor) {
    d->pending_closes++;
    cw_extractor_close(d->extractor, on_closed, d);
  }
  if (d->http) {
    d->pending_closes++;
    cw_http_close(d->http, on_closed, d);
  }
  cw_status_free(d->status); /* after the metrics server: its pages are answered */
  d->status = NULL;
  if (d->queue)
    cw_queue_detach(d->queue); /* late job callbacks must not reach the closing db */
  if (d->db) {
    d->pending_closes++;
    cw_db_close(d->db, on_closed, d);
  }
}

static void maybe_finish_shutdown(daemon_t *d) {
  if (!d->stopping || d->closing || d->claiming || d->releasing ||
      cw_pipeline_inflight(d->pipeline) > 0 || !cw_batch_idle(d->batch))
    return;
  if (d->n_uncertain > 0 && cw_db_is_up(d->db)) {
    release_uncertain(d);
    if (d->releasing)
      return;
  }
  cw_log_notice("daemon.stopped", "done=%lu failed=%lu retried=%lu", d->done, d->failed,
                d->retried);
  close_all(d);
}

/* Jobs still in flight shortly after the deadline are waiting on the
 * database (a commit blocked on a lock, say), which cannot be interrupted
 * politely: closing the connections aborts their transactions, and their
 * leases expire so that another worker takes them over. */
static void on_force(uv_timer_t *t) {
  daemon_t *d = t->data;
  if (d->closing)
    return;
  cw_log_warn("daemon.abandon", "in_flight=%d reason=\"waiting on the database past the deadline\"",
              cw_pipeline_inflight(d->pipeline));
  close_all(d);
}

static void on_deadline(uv_timer_t *t) {
  daemon_t *d = t->data;
  cw_log_warn("daemon.drain_deadline", "in_flight=%d", cw_pipeline_inflight(d->pipeline));
  cw_pipeline_cancel_all(d->pipeline);
  maybe_finish_shutdown(d);
  if (!d->closing)
    uv_timer_start(&d->deadline_timer, on_force, FORCE_GRACE_MS, 0);
}

static void stop(daemon_t *d, const char *why) {
  if (d->stopping) {
    /* A second signal: do not wait for the deadline. */
    on_deadline(&d->deadline_timer);
    return;
  }
  d->stopping = true;
  cw_notify_stopping();
  cw_log_notice("daemon.stopping", "signal=%s in_flight=%d deadline_ms=%d", why,
                cw_pipeline_inflight(d->pipeline), d->cfg->worker.shutdown_deadline_ms);
  uv_timer_stop(&d->poll_timer);
  cw_pipeline_drain(d->pipeline);
  cw_batch_drain(d->batch);
  uv_timer_start(&d->deadline_timer, on_deadline, (uint64_t)d->cfg->worker.shutdown_deadline_ms, 0);
  maybe_finish_shutdown(d);
}

/* SIGHUP: what can change without a restart (log level, concurrency, poll
 * interval, max attempts: the next claim writes it into the rows it takes).
 * A bad file changes nothing. */
static void reload(daemon_t *d) {
  cw_notify_reloading();
  cw_config fresh;
  if (!d->cfg->path || cw_config_load(&fresh, d->cfg->path) < 0) {
    cw_log_err("daemon.reload_failed", "path=%s", d->cfg->path ? d->cfg->path : "(none)");
    if (d->cfg->path)
      cw_config_free(&fresh);
    cw_notify_ready();
    return;
  }
  d->cfg->log.level = fresh.log.level;
  cw_log_set_level(fresh.log.level);
  d->cfg->worker.concurrency = fresh.worker.concurrency;
  cw_status_set_concurrency(d->status, fresh.worker.concurrency);
  d->cfg->worker.poll_interval_ms = fresh.worker.poll_interval_ms;
  d->cfg->worker.max_attempts = fresh.worker.max_attempts;
  cw_config_free(&fresh);
  uv_timer_start(&d->poll_timer, on_poll_timer, (uint64_t)d->cfg->worker.poll_interval_ms,
                 (uint64_t)d->cfg->worker.poll_interval_ms);
  cw_log_notice("daemon.reloaded", "concurrency=%d poll_interval_ms=%d max_attempts=%d log_level=%d",
                d->cfg->worker.concurrency, d->cfg->worker.poll_interval_ms,
                d->cfg->worker.max_attempts, d->cfg->log.level);
  cw_notify_ready();
  wake(d);
}

static void on_signal(uv_signal_t *s, int signum) {
  daemon_t *d = s->data;
  if (signum == SIGHUP)
    reload(d);
  else
    stop(d, signum == SIGTERM ? "TERM" : "INT");
}

/* ---- start-up ------------------------------------------------------------ */

static int make_provider(daemon_t *d) {
  const cw_config *cfg = d->cfg;
  if (strcmp(cfg->provider.name, "offline") == 0)
    return cw_offline_provider_new(&d->loop, cfg, &d->provider);
  int rc = 0;
  if (cfg->provider.fallback_offline)
    rc = cw_offline_provider_new(&d->loop, cfg, &d->fallback);
  if (rc == 0)
    rc = cw_llm_provider_new(&d->loop, cfg, d->http, d->fallback, &d->provider);
  return rc;
}

static void on_batch_idle(void *arg) { maybe_finish_shutdown(arg); }

static int start_modules(daemon_t *d) {
  const cw_config *cfg = d->cfg;
  int rc;
  bool need_http = strcmp(cfg->provider.name, "offline") != 0 ||
                   strcmp(cfg->storage.backend, "local") != 0;
  if (need_http && (rc = cw_http_new(&d->loop, NULL, &d->http)) < 0)
    return cw_log_err("daemon.start_failed", "module=http error=%d", rc), rc;
  if ((rc = cw_storage_new(&d->loop, cfg, d->http, &d->storage)) < 0)
    return cw_log_err("daemon.start_failed", "module=storage error=%d", rc), rc;
  if ((rc = cw_extractor_new(&d->loop, cfg, &d->extractor)) < 0)
    return cw_log_err("daemon.start_failed", "module=extract error=%d", rc), rc;
  if ((rc = make_provider(d)) < 0)
    return cw_log_err("daemon.start_failed", "module=provider error=%d", rc), rc;
  if (cfg->metrics.listen && *cfg->metrics.listen &&
      (rc = cw_metrics_server_start(&d->loop, cfg->metrics.listen, &d->metrics)) < 0)
    return cw_log_err("daemon.start_failed", "module=metrics listen=%s error=%d",
                      cfg->metrics.listen, rc), rc;
  cw_db_events ev = {.on_notify = on_notify, .on_listening = on_listening,
                     .on_health = on_health, .arg = d};
  if ((rc = cw_db_new(&d->loop, cfg, CHANNEL, &ev, &d->db)) < 0 ||
      (rc = cw_queue_new(d->db, d->worker_id, cfg->database.pool_size, &d->queue)) < 0 ||
      (rc = cw_status_new(d->db, d->worker_id, d->host, cfg->worker.concurrency, &d->status)) < 0)
    return rc;
  if (d->metrics)
    cw_metrics_server_add_page(d->metrics, "/status", cw_status_page, d->status);
  cw_batch_ctx bctx = {.loop = &d->loop, .cfg = cfg, .db = d->db, .http = d->http,
                       .provider = d->provider, .worker_id = d->worker_id,
                       .on_idle = on_batch_idle, .arg = d};
  if ((rc = cw_batch_new(&bctx, &d->batch)) < 0)
    return cw_log_err("daemon.start_failed", "module=batch error=%d", rc), rc;
  cw_pipeline_ctx pctx = {.loop = &d->loop, .cfg = cfg, .queue = d->queue,
                          .provider = d->provider, .storage = d->storage,
                          .extractor = d->extractor, .batch = d->batch, .worker_id = d->worker_id,
                          .host = d->host, .on_job_end = on_job_end, .arg = d};
  return cw_pipeline_new(&pctx, &d->pipeline);
}

static void start_timers(daemon_t *d) {
  uv_timer_t *timers[] = {&d->poll_timer, &d->heartbeat_timer, &d->watchdog_timer,
                          &d->status_timer, &d->deadline_timer};
  for (size_t i = 0; i < sizeof timers / sizeof timers[0]; i++) {
    uv_timer_init(&d->loop, timers[i]);
    timers[i]->data = d;
  }
  const cw_config *cfg = d->cfg;
  uv_timer_start(&d->poll_timer, on_poll_timer, (uint64_t)cfg->worker.poll_interval_ms,
                 (uint64_t)cfg->worker.poll_interval_ms);
  uv_timer_start(&d->heartbeat_timer, on_heartbeat_timer, (uint64_t)cfg->worker.heartbeat_ms,
                 (uint64_t)cfg->worker.heartbeat_ms);
  uv_timer_start(&d->status_timer, on_status_timer, STATUS_INTERVAL_MS, STATUS_INTERVAL_MS);
  if (cw_notify_watchdog_usec(&d->watchdog_usec) > 0) {
    uint64_t ms = d->watchdog_usec / 2000;
    uv_timer_start(&d->watchdog_timer, on_watchdog_timer, ms ? ms : 1, ms ? ms : 1);
  }
  /* The poll timer must not keep a drained process alive by itself, but
   * every handle is closed explicitly at shutdown anyway. */
}

static void start_signals(daemon_t *d) {
  uv_signal_t *sigs[] = {&d->sigterm, &d->sigint, &d->sighup};
  int nums[] = {SIGTERM, SIGINT, SIGHUP};
  for (int i = 0; i < 3; i++) {
    uv_signal_init(&d->loop, sigs[i]);
    sigs[i]->data = d;
    uv_signal_start(sigs[i], on_signal, nums[i]);
  }
}

static void teardown(daemon_t *d) {
  /* Anything started before a failed start-up is closed the normal way. */
  d->stopping = true;
  close_all(d);
  uv_run(&d->loop, UV_RUN_DEFAULT);
}

int cw_daemon_run(cw_config *cfg) {
  daemon_t *d = calloc(1, sizeof *d);
  if (!d)
    return -ENOMEM;
  d->cfg = cfg;
  signal(SIGPIPE, SIG_IGN);
  gethostname(d->host, sizeof d->host - 1);
  if (cfg->worker.id && *cfg->worker.id)
    snprintf(d->worker_id, sizeof d->worker_id, "%s", cfg->worker.id);
  else
    snprintf(d->worker_id, sizeof d->worker_id, "%s:%d", d->host, (int)getpid());
  cw_log_set_level(cfg->log.level);
  int rc = uv_loop_init(&d->loop);
  if (rc < 0) {
    free(d);
    return rc;
  }
  start_timers(d);
  start_signals(d);
  rc = start_modules(d);
  if (rc < 0) {
    teardown(d);
  } else {
    cw_log_notice("daemon.started", "worker=%s version=%s concurrency=%d provider=%s allocator=\"%s\"",
                  d->worker_id, CW_VERSION, cfg->worker.concurrency, cfg->provider.name, cw_allocator());
    cw_db_start(d->db);
    cw_notify_ready();
    uv_run(&d->loop, UV_RUN_DEFAULT);
  }
  cw_queue_free(d->queue);
  if (d->pipeline)
    cw_pipeline_free(d->pipeline);
  int lc = uv_loop_close(&d->loop);
  if (lc != 0)
    cw_log_err("daemon.loop_not_empty", "error=%d", lc);
  free(d);
  return rc < 0 ? rc : lc;
}
