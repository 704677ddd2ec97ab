/* Internals of the LLM provider shared by its source files (llm*.c). */
#ifndef CAREEROS_LLM_INT_H
#define CAREEROS_LLM_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

/* ---- schemas (llm_schema.c) -------------------------------------------- */

/* 0, or -EINVAL with the offending path in err. */
int cw__schema_check_strict(const json_t *schema, char *err, size_t errlen);
/* Deep copy without our local "x-cw-*" keywords (what the API gets). */
json_t *cw__schema_for_api(const json_t *schema);
/* Appends up to max_errors messages to errors; returns how many there are. */
size_t cw__schema_validate(const json_t *schema, const json_t *inst, json_t *errors, size_t max_errors);

/* Removes from inst, wherever the schema closes an object, the properties
 * it does not name (what strict decoding would never have produced);
 * returns how many.  Validation stays strict on everything else. */
size_t cw__schema_drop_unknown(const json_t *schema, json_t *inst);

/* ---- answers and repair rounds (llm_answer.c) --------------------------- */

/* An answer may be at most this many bytes per max_tokens of its request;
 * a larger one fails at once (LLM_OUTPUT_TOO_LARGE), no repair round. */
#define CW__ANSWER_BYTES_PER_TOKEN 8
/* A repair round quotes at most this much of the bad answer ... */
#define CW__REPAIR_QUOTE_BYTES 4096
/* ... and at most this many problems, each cut at CW__REPAIR_ERROR_BYTES. */
#define CW__REPAIR_MAX_ERRORS 20
#define CW__REPAIR_ERROR_BYTES 300

enum { CW__ANSWER_FENCED = 1, CW__ANSWER_PROSE = 2 };

/* The answer's text as JSON.  Besides plain JSON, one JSON object inside
 * Markdown code fences (```json or ```) and/or with one prose line before
 * and one after it is accepted; *how then says which (CW__ANSWER_*).
 * NULL when it is none of these, with the parser's complaint in err. */
json_t *cw__answer_load(const char *s, size_t len, int *how, char *err, size_t errlen);
/* The first max bytes of a bad answer (UTF-8 safe), and a note saying how
 * much was left out.  malloc'd. */
char *cw__repair_quote(const char *answer, size_t len, size_t max);
/* The repair prompt with the problems (CW__REPAIR_MAX_ERRORS at most, each
 * at most CW__REPAIR_ERROR_BYTES) in place of {{ERRORS}}.  malloc'd. */
char *cw__repair_complaint(const char *tmpl, const json_t *errors);

/* The fingerprint a kept enrich answer carries (16 hex digits and a NUL):
 * of the document date and the payload, keys sorted, nulls and empty
 * lists left out. */
void cw__llm_fingerprint(const char *date, const json_t *payload, char out[17]);

/* ---- grounding (llm_ground.c) ------------------------------------------ */

/* Drops from doc the entries whose name (employer, school, project,
 * certification) does not occur in the text; returns the telemetry
 * {checked, dropped, dropped_fields}. */
json_t *cw__ground(json_t *doc, const char *text, size_t len);

/* For tests: the provider's TPM bucket level now, in tokens (llm.c). */
struct cw_provider;
double cw__llm_tpm_level(struct cw_provider *base);

/* ---- admission: in-flight cap, RPM and TPM (llm_limiter.c) -------------- */

typedef struct cw__lim_waiter {
  struct cw__lim_waiter *prev, *next;
  long tokens;  /* estimate charged to the TPM bucket */
  bool queued;
  void (*cb)(struct cw__lim_waiter *w); /* admitted: the caller now holds a slot */
} cw__lim_waiter;

typedef struct {
  uv_loop_t *loop;
  uv_timer_t timer;
  int max_in_flight, in_flight;
  int rpm;
  long tpm;
  double next_req_at; /* loop ms: RPM spacing */
  double tokens;      /* TPM bucket level */
  uint64_t tokens_at;
  uint64_t paused_until;
  cw__lim_waiter *head, *tail;
  size_t queued;
  bool pumping, again;
  long max_seen_tokens;
} cw__limiter;

void cw__lim_init(cw__limiter *l, uv_loop_t *loop, int max_in_flight, int rpm, long tpm);
/* Queues w (FIFO); w->cb runs when admitted, possibly before this returns. */
void cw__lim_acquire(cw__limiter *l, cw__lim_waiter *w);
/* Leaves the queue (no-op when not queued). */
void cw__lim_cancel(cw__limiter *l, cw__lim_waiter *w);
/* Gives the slot back; correction = actual tokens - estimate (may be < 0). */
void cw__lim_release(cw__limiter *l, long correction);
/* Nobody is admitted for ms from now (429 advice, exhausted headers). */
void cw__lim_pause(cw__limiter *l, long ms);
/* Steering from x-ratelimit-remaining-* / reset-* (values < 0: absent). */
void cw__lim_observe(cw__limiter *l, long remaining_requests, long reset_requests_ms, long remaining_tokens,
                     long reset_tokens_ms);
/* The TPM bucket's level now, in tokens (tests). */
double cw__lim_level(cw__limiter *l);
void cw__lim_close(cw__limiter *l, uv_close_cb cb);

#endif
