/* The OpenAI-compatible LLM provider (provider.h) and the helpers it is
 * made of that tests exercise directly.
 *
 * Calls per resume: parse (one call), enrich (two calls run side by side:
 * every entry in one call, career + narratives in one call).  When one enrich
 * call fails, the other's answer comes back as the outcome's checkpoint; a
 * retry given it (cw_provider_req.checkpoint) does not ask again.  Prompts and
 * strict JSON schemas are read from llm.prompt_dir (default: the installed
 * share/careeros-worker/llm) and checked at startup.
 *
 * Outcome telemetry (merged into processing_telemetry by the pipeline):
 *   { "llm_calls": [ {call, mode, model, attempts, retries, http_status, latency_ms,
 *                     prompt_tokens, completion_tokens, cached_tokens, cost_usd,
 *                     request_id, length_retry, repair_round, input_truncated,
 *                     answer_unwrapped?, extra_properties_dropped, reused, error?} ... ],
 *     "prompt_version": "v1", "grounding": {...}, "redaction": {...},
 *     "total_llm_calls" (requests made; reused answers not counted), "total_llm_calls_reused",
 *     "total_llm_attempts", "total_llm_retries", "total_prompt_tokens",
 *     "total_completion_tokens", "total_cached_tokens", "total_cost_usd",
 *     "total_answers_unwrapped", "total_extra_properties_dropped",
 *     "fallback"?: {"from": "openai", "code": ...} } */
#ifndef CAREEROS_LLM_H
#define CAREEROS_LLM_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "careeros/config.h"
#include "careeros/http.h"
#include "careeros/provider.h"

#define CW_LLM_PROMPT_VERSION "v1"

/* Creates the provider.  http is borrowed (the caller closes it after the
 * provider); fallback (may be NULL) is borrowed too and is used, labelled,
 * when the API stays unavailable after the retries.  Fails with -EINVAL
 * (logged) when the prompt files or schemas are missing or not strict. */
int cw_llm_provider_new(uv_loop_t *loop, const cw_config *cfg, cw_http *http, cw_provider *fallback,
                        cw_provider **out);

/* Loads and checks the prompt and schema files of llm.prompt_dir as
 * cw_llm_provider_new() does (for check-config): 0, or -EINVAL with every
 * problem logged (file and reason). */
int cw_llm_check_prompts(const cw_config *cfg);

/* The chat completion request body that parse() would send for req, as
 * JSON text (*body malloc'd): what a Batch API input line carries.
 * -EINVAL when p is not this provider or the text is empty. */
int cw_llm_batch_body(cw_provider *p, const cw_provider_req *req, char **body);

/* ---- helpers, exposed for the tests ------------------------------------ */

/* Go duration as in x-ratelimit-reset-*: "6m0s", "1.5s", "12ms", "1h2m3s",
 * "250us".  Returns milliseconds (rounded up), or -1 when malformed. */
long cw_llm_parse_go_duration(const char *s);

/* Delay the server asks for, from retry-after-ms (milliseconds, may be
 * fractional) or else retry-after (seconds, or an HTTP date compared with
 * now_epoch).  Returns milliseconds, or -1 when neither header is usable. */
long cw_llm_retry_after_ms(const char *retry_after_ms, const char *retry_after, int64_t now_epoch);

/* The SDKs' retry delay: the server's advice when 0 < advice <= 60 s, else
 * min(0.5 s * 2^retry, 8 s) reduced by a jitter in [0, 25%] (jitter01 in
 * [0,1), pass a random number). */
long cw_llm_retry_delay_ms(long advised_ms, int retry, double jitter01);

/* Whether a response with this HTTP status (0: no response) and
 * x-should-retry header value (may be NULL) is retried. */
bool cw_llm_should_retry(long http_status, const char *x_should_retry);

/* ---- contact redaction (PCRE2) ----------------------------------------- */

typedef struct cw_redactor cw_redactor;

int cw_redactor_new(cw_redactor **out);
void cw_redactor_free(cw_redactor *r);

/* Replaces e-mail addresses, phone numbers, URLs and @handles by
 * placeholders "[EMAIL_1]", "[PHONE_1]", "[URL_1]", "[HANDLE_1]" (numbered
 * per kind, repeated values share a number).  *out is malloc'd and
 * NUL-terminated; *found is {"emails":[...], "phones":[...], "urls":[...],
 * "handles":[...], "placeholders":{"[EMAIL_1]":"a@b.c", ...}}.  Returns 0 or
 * -ENOMEM. */
int cw_redact(cw_redactor *r, const char *text, size_t len, char **out, size_t *out_len, json_t **found);

/* Puts the original values back into every string of v (in place). */
void cw_redact_restore(json_t *v, json_t *found);

#endif
