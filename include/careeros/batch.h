/* Batch API mode (llm.batch = on | auto): parse calls of low-priority jobs
 * go to the provider as one OpenAI Batch instead of one request each, at
 * half the price, answered within the 24 h completion window.
 *
 * Two parts:
 *  - the Batch API client (llm_batch_api.c): JSONL upload to /files
 *    (multipart, purpose=batch), /batches create and retrieve, file content
 *    download;
 *  - the batcher (llm_batch.c): collects the jobs the parse stage hands it
 *    (holding their leases for llm.batch_collect_ms at most), submits them,
 *    parks them in Postgres (no lease, no slot: queue.batch_park), and
 *    checks every unfinished batch in turn with the other workers
 *    (queue.batch_due): when one ends, its answers are stored and its jobs
 *    made claimable again (queue.batch_finish).  The parse stage then asks
 *    cw_batch_route() and feeds the stored answer to the provider, which
 *    validates it exactly like a live one. */
#ifndef CAREEROS_BATCH_H
#define CAREEROS_BATCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#include "careeros/config.h"
#include "careeros/db.h"
#include "careeros/http.h"
#include "careeros/provider.h"

/* ---- the Batch API client ------------------------------------------------ */

typedef struct cw_batch_api cw_batch_api;

typedef struct {
  int status;        /* 0: a 2xx answer; negative errno otherwise */
  long http_status;  /* 0 when no answer came */
  json_t *json;      /* the answer as JSON when it is an object (borrowed), else NULL */
  const char *body;  /* the raw answer (file content) */
  size_t body_len;
  char message[256]; /* why it failed; no secrets */
} cw_batch_api_result;

typedef void (*cw_batch_api_cb)(void *arg, const cw_batch_api_result *r);

/* Uses llm.base_url, the API key and llm.header lines.  -ENOTSUP for
 * llm.api_style = azure (its batch API differs). */
int cw_batch_api_new(const cw_config *cfg, cw_http *http, cw_batch_api **out);
void cw_batch_api_free(cw_batch_api *a);

/* POST /files (multipart: purpose=batch, file=<jsonl>).  Answer: a file object. */
int cw_batch_api_upload(cw_batch_api *a, const char *jsonl, size_t len, cw_batch_api_cb cb, void *arg,
                        cw_http_req **req);
/* POST /batches {input_file_id, endpoint /v1/chat/completions, completion_window 24h}. */
int cw_batch_api_create(cw_batch_api *a, const char *input_file_id, cw_batch_api_cb cb, void *arg,
                        cw_http_req **req);
/* GET /batches/{id}.  Answer: the batch object. */
int cw_batch_api_get(cw_batch_api *a, const char *batch_id, cw_batch_api_cb cb, void *arg, cw_http_req **req);
/* GET /files/{id}/content, up to max_bytes.  Answer: the raw JSONL in body. */
int cw_batch_api_content(cw_batch_api *a, const char *file_id, size_t max_bytes, cw_batch_api_cb cb, void *arg,
                         cw_http_req **req);

/* One line of a batch input file for the job (custom_id = its id); body
 * is the chat completion request as JSON text.  malloc'd, ends "\n". */
char *cw_batch_line(const char *custom_id, const char *body);

/* Reads one batch output or error file into answers {custom_id: body} (the
 * lines that answered 200) and errors {custom_id: "why"} (the others).
 * Returns the number of lines read, or -EBADMSG when none is JSON. */
int cw_batch_read_results(const char *jsonl, size_t len, json_t *answers, json_t *errors);

/* ---- the batcher ---------------------------------------------------------- */

typedef struct cw_batch cw_batch;

typedef struct {
  uv_loop_t *loop;
  const cw_config *cfg;
  cw_db *db;
  cw_http *http;
  cw_provider *provider; /* the LLM provider: builds the request bodies */
  const char *worker_id;
  void (*on_idle)(void *arg); /* draining: nothing of the batcher's is in flight any more */
  void *arg;
} cw_batch_ctx;

/* NULL *out (and 0) when batch mode cannot apply: not the openai provider
 * or api style. */
int cw_batch_new(const cw_batch_ctx *ctx, cw_batch **out);
/* Closes the timers, cancels what is in flight; close_cb once all is done. */
void cw_batch_close(cw_batch *b, void (*close_cb)(void *), void *arg);

/* How the parse stage of a job goes. */
typedef enum {
  CW_BATCH_SYNC,   /* the normal path */
  CW_BATCH_PARK,   /* hand the job to cw_batch_collect() */
  CW_BATCH_ANSWER, /* a batch answered: feed the answer to the provider */
} cw_batch_route_how;

/* answer: the stored chat completion body as JSON text (CW_BATCH_ANSWER),
 * valid during the call.  status < 0: the database could not say. */
typedef void (*cw_batch_route_cb)(void *arg, int status, cw_batch_route_how how, const char *answer);
int cw_batch_route(cw_batch *b, const char *id, cw_batch_route_cb cb, void *arg);

/* Takes over a job at its parse stage: its lease is held (heartbeats: see
 * cw_batch_leases) until the batch is submitted and the job parked, or
 * given back.  0, or negative: the caller runs the job normally. */
int cw_batch_collect(cw_batch *b, const cw_provider_req *req, const char *token);

/* The leases the batcher holds (jobs collected, not yet parked). */
int cw_batch_held(const cw_batch *b);
int cw_batch_leases(const cw_batch *b, char (*ids)[37], char (*tokens)[37], int max);

/* Shutdown: collected jobs are released, nothing new is submitted, no
 * batch is checked any more.  on_idle runs once nothing is in flight. */
void cw_batch_drain(cw_batch *b);
bool cw_batch_idle(const cw_batch *b);

#endif
