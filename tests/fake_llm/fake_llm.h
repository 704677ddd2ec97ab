/* Fake OpenAI-compatible server for tests and benchmarks: answer builders. */
#ifndef FAKE_LLM_H
#define FAKE_LLM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <strings.h>

/* The parse document (schema resume_parse) read from the resume text. */
json_t *fake_parse_answer(const char *text, size_t len, bool hallucinate);
/* {"entries":[...]} for the entries the client sent ([{path, entry}]). */
json_t *fake_entries_answer(json_t *entries);
/* {"career":{...},"narratives":[...]} for a parsed document. */
json_t *fake_career_answer(json_t *doc);

/* ---- Files and Batch API (fake_batch.c) ---- */
struct fake_batch_opts {
  long batch_ms;          /* --batch-ms: how long a batch runs */
  bool hold;              /* --batch-hold: batches end only after POST /batch/release */
  const char *fault;      /* --batch-fault expire|fail|cancel: every batch */
  const char *record_dir; /* --record: batch requests are saved there too */
};
extern struct fake_batch_opts fake_batch_opt;
struct MHD_Connection;
bool fake_batch_path(const char *url);
/* The answer body (malloc'd) with its status and content type. */
char *fake_batch_handle(struct MHD_Connection *c, const char *method, const char *url, const char *body,
                        size_t len, int *status, const char **ctype);
void fake_batch_stats(json_t *stats);
/* fake_llm.c: the answer a live chat request with this body gets (a chat
 * completion or an error body, malloc'd), for batch output lines. */
char *fake_chat_answer(const char *body, size_t len, int *status);

#endif
