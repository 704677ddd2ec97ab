/* The C side of the job queue (sql/20260201000000_queue.sql).
 *
 * Stage finishes are batched: while the finish_stages calls allowed at once
 * are in flight, new finishes wait and then go together in the next call,
 * so a busy worker commits many jobs' stages per round trip without adding
 * latency to an idle one. */
#ifndef CAREEROS_QUEUE_H
#define CAREEROS_QUEUE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "careeros/db.h"

typedef struct cw_queue cw_queue;

typedef struct {
  char id[37];
  char token[37];
  int attempts;
  int max_attempts;
  char stage[16];
  char user_id[37];
  char *file_path;
  char *file_name;
  int64_t file_size;
  char *file_hash;
  char *mime_type;
  char created_at[40];
  int rescued;
} cw_claimed;

/* status < 0: the claim failed (connection lost, SQL error). */
typedef void (*cw_queue_claim_cb)(void *arg, int status, cw_claimed *rows, int n);
/* result: 0 ok, 1 fenced (the lease is no longer ours), 2 refused by the
 * database (message says why), 3 ok and the job is done (an item with
 * "chain": true ran the complete stage too), 4 stale (the lease is ours but
 * the row is at another stage: the database lost an earlier stage's
 * commit), negative: connection lost, outcome unknown. */
enum {
  CW_FINISH_OK = 0,
  CW_FINISH_FENCED = 1,
  CW_FINISH_REFUSED = 2,
  CW_FINISH_DONE = 3,
  CW_FINISH_STALE = 4
};
typedef void (*cw_queue_finish_cb)(void *arg, int result, const char *message);
/* For fail(): result "retry", "failed" or "fenced"; status < 0 when unknown. */
typedef void (*cw_queue_fail_cb)(void *arg, int status, const char *result);
typedef void (*cw_queue_ids_cb)(void *arg, int status, char (*ids)[37], int n);
typedef void (*cw_queue_json_cb)(void *arg, int status, json_t *value);

/* pool_size: the db's query connections; up to pool_size - 1 stage-commit
 * batches run at once. */
int cw_queue_new(cw_db *db, const char *worker_id, int pool_size, cw_queue **out);
void cw_queue_free(cw_queue *q);
/* Cuts the queue off its database (which is about to close): from now on
 * every call fails with -ECANCELED without touching it. */
void cw_queue_detach(cw_queue *q);

/* max_attempts: the worker's limit, written into every row claimed (0: each
 * row keeps its own). */
int cw_queue_claim(cw_queue *q, int limit, int lease_ms, int max_attempts, cw_queue_claim_cb cb,
                   void *arg);
void cw_claimed_clear(cw_claimed *c);

/* item: {id, token, user_id, stage, next_stage, progress, output, telemetry,
 * chain}; stolen.  Items that end a job go first; one whose user already has
 * such an item in a running call waits for it (user_id may be absent). */
int cw_queue_finish(cw_queue *q, json_t *item, cw_queue_finish_cb cb, void *arg);
/* The job's waiting item, if any, goes with the items that end jobs: the
 * job has nothing left to do until it is written.  -ENOENT if none waits
 * (its call is running or answered). */
int cw_queue_hurry(cw_queue *q, const char *id);

typedef struct {
  const char *id, *token, *stage, *code, *message;
  int retryable;
  long retry_after_ms; /* < 0: none */
  int backoff_base_ms, backoff_max_ms;
  json_t *telemetry;   /* borrowed; may be NULL */
  json_t *checkpoint;  /* borrowed; may be NULL: what the stage paid for and its retry
                        * reuses, kept in the same statement (queue.save_checkpoint) */
} cw_queue_failure;
int cw_queue_fail(cw_queue *q, const cw_queue_failure *f, cw_queue_fail_cb cb, void *arg);

/* ids/tokens: n pairs.  heartbeat answers the ids still held. */
int cw_queue_heartbeat(cw_queue *q, char (*ids)[37], char (*tokens)[37], int n, int lease_ms,
                       cw_queue_ids_cb cb, void *arg);
/* refund: the attempt does not count (shutdown); false for jobs whose last
 * write had an unknown outcome. */
int cw_queue_release(cw_queue *q, char (*ids)[37], char (*tokens)[37], int n, bool refund,
                     cw_queue_fail_cb cb, void *arg);
/* {"text": ..., "document": ..., "checkpoint": ...} for the stage about to run. */
int cw_queue_stage_input(cw_queue *q, const char *id, const char *stage, cw_queue_json_cb cb,
                         void *arg);

#endif
