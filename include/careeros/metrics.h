/* Prometheus metrics and health endpoints.  One registry per process
 * (process-global on purpose: every module counts into it and the process
 * is the unit Prometheus scrapes).  Counting is cheap and always on; the
 * HTTP endpoint is served on the loop only when metrics.listen is set. */
#ifndef CAREEROS_METRICS_H
#define CAREEROS_METRICS_H

#include <stdbool.h>
#include <uv.h>

typedef struct cw_metrics_server cw_metrics_server;

void cw_metrics_jobs_claimed(unsigned n);
void cw_metrics_job_completed(void);
void cw_metrics_job_failed(const char *code);       /* final failure, by error code */
void cw_metrics_job_retried(const char *code);
void cw_metrics_stage_duration(const char *stage, double seconds);
void cw_metrics_inflight_set(int n);
void cw_metrics_queue_depth_set(const char *status, long n);
/* Age of the oldest pending version (since its upload), 0 when none is pending. */
void cw_metrics_queue_oldest_pending_set(double seconds);
void cw_metrics_db_reconnect(void);
void cw_metrics_lease_rescued(unsigned n);
void cw_metrics_fenced_write(void);                 /* a late write refused by the fence */
void cw_metrics_llm_request(int http_status, double seconds); /* status 0: no HTTP answer */
void cw_metrics_llm_tokens(const char *kind, long n); /* "prompt", "completion", "cached" */
void cw_metrics_llm_cost(double usd);
/* Batch API mode: jobs by event ("collected", "parked", "answered",
 * "returned") and batches by how they ended ("submitted", then the
 * provider's final status). */
void cw_metrics_llm_batch_jobs(const char *event, unsigned n);
void cw_metrics_llm_batches(const char *status);

/* Health as the daemon sees it; /readyz answers 200 only when both hold. */
void cw_metrics_set_health(bool db_connected, bool listening);

/* listen: "host:port".  Serves /metrics, /healthz, /readyz on the loop. */
int cw_metrics_server_start(uv_loop_t *loop, const char *listen, cw_metrics_server **out);
void cw_metrics_server_close(cw_metrics_server *s, void (*close_cb)(void *), void *arg);

/* Pages served beside /metrics whose answer comes later (the status page
 * reads Postgres): the handler gets a reply and must send it exactly once,
 * now or from a later callback.  The connection waits meanwhile; when the
 * server closes first it answers 503 and the late send is dropped. */
typedef struct cw_metrics_reply cw_metrics_reply;
typedef void (*cw_metrics_page_fn)(void *arg, cw_metrics_reply *r);
void cw_metrics_server_add_page(cw_metrics_server *s, const char *path, cw_metrics_page_fn fn, void *arg);
/* Takes body (malloc'd, NUL-terminated). */
void cw_metrics_reply_send(cw_metrics_reply *r, unsigned status, const char *content_type, char *body);

/* The exposition text (for tests and the CLI); caller frees. */
char *cw_metrics_render(void);

#endif
