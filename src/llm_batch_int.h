/* Internals of the batcher (batch.h) shared by llm_batch.c (routing,
 * collecting, submitting, life cycle) and llm_batch_check.c (checking
 * unfinished batches and finishing ended ones). */
#ifndef CAREEROS_LLM_BATCH_INT_H
#define CAREEROS_LLM_BATCH_INT_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "careeros/batch.h"

typedef struct {
  char id[37];
  char token[37];
} cw__batch_held;

/* One batch's worth of jobs: collected, then submitted. */
typedef struct {
  cw__batch_held *jobs;
  int n, cap;
  char *buf;
  size_t len, cap_bytes;
  char file_id[128];
} cw__batch_sub;

struct cw_batch {
  cw_batch_ctx ctx;
  cw_batch_api *api;
  uv_timer_t collect_timer, poll_timer;
  int open_handles;
  cw__batch_sub *open;           /* collecting */
  cw__batch_sub *sending;        /* being submitted */
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

/* A query of the batcher's: counted in b->outstanding (close waits for its
 * answer), cb runs with the result, then cw__batch_settled(). */
typedef void (*cw__batch_query_cb)(cw_batch *b, int status, const PGresult *res, const char *msg, void *data);
int cw__batch_query(cw_batch *b, const char *sql, int n, const char *const *params, cw__batch_query_cb cb,
                    void *data);
/* Something of the batcher's ended: shutdown may be waiting for it. */
void cw__batch_settled(cw_batch *b);
/* Asks the database for the next due batch and checks it (llm_batch_check.c). */
void cw__batch_check_next(cw_batch *b);

#endif
