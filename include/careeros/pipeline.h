/* The four-stage pipeline that a claimed job runs through:
 *
 *   upload   -> fetch the file, check size and sha256, extract text
 *   parse    -> provider: text -> parsed_resume_entities
 *   enrich   -> provider: entries -> entry/career enrichment, narratives
 *   complete -> merge into the user's versioned profile (SQL)
 *
 * Each stage commits its outputs with its processing_stages entry in one
 * fenced call (queue.finish_stages).  A job claimed again after a failure
 * starts at its first unfinished stage: finished stages never run twice. */
#ifndef CAREEROS_PIPELINE_H
#define CAREEROS_PIPELINE_H

#include <stdbool.h>
#include <uv.h>

#include "careeros/batch.h"
#include "careeros/config.h"
#include "careeros/extract.h"
#include "careeros/provider.h"
#include "careeros/queue.h"
#include "careeros/storage.h"

typedef struct cw_pipeline cw_pipeline;

typedef enum {
  CW_JOB_COMPLETED,  /* all stages done */
  CW_JOB_RETRY,      /* failed, rescheduled */
  CW_JOB_FAILED,     /* failed for good */
  CW_JOB_FENCED,     /* lease lost: nothing written */
  CW_JOB_RELEASED,   /* given back at shutdown */
  CW_JOB_UNCERTAIN,  /* the database went away mid-write */
  CW_JOB_PARKED,     /* handed to the batcher (Batch API mode): its lease goes with it */
} cw_job_end;

typedef struct {
  uv_loop_t *loop;
  const cw_config *cfg;
  cw_queue *queue;
  cw_provider *provider;
  cw_storage *storage;
  cw_extractor *extractor;
  cw_batch *batch;           /* NULL: no Batch API mode */
  const char *worker_id;
  const char *host;
  /* A job left the process; id/token let the owner release an uncertain
   * job once the database is back. */
  void (*on_job_end)(void *arg, const char *id, const char *token, cw_job_end how);
  void *arg;
} cw_pipeline_ctx;

int cw_pipeline_new(const cw_pipeline_ctx *ctx, cw_pipeline **out);
void cw_pipeline_free(cw_pipeline *p); /* only once no job is in flight */

/* Starts a claimed job at its current stage (row is copied). */
int cw_pipeline_start(cw_pipeline *p, const cw_claimed *row);
int cw_pipeline_inflight(const cw_pipeline *p);

/* Copies the (id, token) of every job in flight; returns how many (<= max). */
int cw_pipeline_leases(const cw_pipeline *p, char (*ids)[37], char (*tokens)[37], int max);
/* The heartbeat found this lease taken over: stop the job without writing.
 * The token matters: the same version may have been claimed again since. */
void cw_pipeline_lost(cw_pipeline *p, const char *id, const char *token);

/* Draining: jobs finish their current stage, then are released instead of
 * starting the next.  cancel_all: interrupt what is running and release. */
void cw_pipeline_drain(cw_pipeline *p);
void cw_pipeline_cancel_all(cw_pipeline *p);

/* Stage names and progress weights, for status output and tests. */
int cw_pipeline_stage_count(void);
const char *cw_pipeline_stage_name(int i);

#endif
