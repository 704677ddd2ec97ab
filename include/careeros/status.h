/* The fleet status page (GET /status on the metrics listener) and the
 * worker's own report that feeds it.
 *
 * Any worker shows the whole fleet: the page is one read of Postgres
 * (queue.fleet_status()), rendered as a self-contained HTML page with
 * inline SVG charts, no script, refreshing itself.  Each worker reports
 * its liveness, in-flight count and completion counter every few seconds
 * (queue.report_worker()), which is where "jobs per minute" and "workers
 * seen" come from. */
#ifndef CAREEROS_STATUS_H
#define CAREEROS_STATUS_H

#include <jansson.h>

#include "careeros/db.h"
#include "careeros/metrics.h"

typedef struct cw_status cw_status;

int cw_status_new(cw_db *db, const char *worker_id, const char *host, int concurrency, cw_status **out);
/* Replies still waiting for the database get a 503; the object is freed
 * once no query of its own is outstanding. */
void cw_status_free(cw_status *st);

/* Sends this worker's report unless the previous one is still in flight or
 * the database is down.  done/failed: the process's totals since start. */
void cw_status_report(cw_status *st, int inflight, unsigned long done, unsigned long failed);
void cw_status_set_concurrency(cw_status *st, int concurrency);

/* cw_metrics_page_fn for "/status" (arg: the cw_status). */
void cw_status_page(void *arg, cw_metrics_reply *r);

/* The page for one queue.fleet_status() snapshot; malloc'd, NULL on OOM. */
char *cw_status_render(const json_t *snapshot);

#endif
