/* The OpenAI-compatible LLM provider (provider.h).
 *
 * A provider call (one stage of one job) runs one "exchange" (parse) or two
 * side by side (enrich: all entries in one, career + narratives in the
 * other), so a resume costs three API calls at most whatever its length.
 * An exchange is one logical request with its retries (SDK policy, see
 * llm_retry.c), one retry with more output tokens after finish_reason
 * "length", and one repair round that sends the validation errors back.
 * Every HTTP attempt goes through the process-wide limiter (llm_limiter.c).
 *
 * Request layout: static system instructions first (prompt caching), then
 * the document date and the resume (or the parsed JSON) last.  Answers are
 * validated against the schema file before anything leaves this module;
 * names that do not occur in the resume text are dropped (grounding). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "careeros/entities.h"
#include "careeros/llm.h"
#include "careeros/log.h"
#include "careeros/metrics.h"
#include "cw_build.h"
#include "llm_int.h"

enum { CALL_PARSE, CALL_ENTRIES, CALL_CAREER, N_CALLS };

static const char *const call_names[N_CALLS] = {"parse", "enrich_entries", "enrich_career"};

typedef struct {
  char *prompt;
  json_t *file;       /* {name, description, strict, schema} as on disk */
  json_t *schema;     /* borrowed from file: what answers are checked against */
  json_t *api_format; /* json_schema object sent (local keywords stripped) */
  size_t api_bytes;   /* its size, for token estimates */
  const char *name;
  char *head;         /* the body's fixed start, as JSON text (see build_body) */
  char *tail;         /* the body's fixed end, as JSON text (see build_body) */
} spec;

typedef struct llm_provider llm_provider;
typedef struct cw_provider_call job_call;

typedef struct {
  job_call *owner;
  int kind;
  json_t *messages;      /* the user's message (the system one is in the spec's head) */
  json_t *extra;         /* repair round: the answer and the complaint */
  long max_tokens;
  long est_prompt_tokens;
  int attempts, retries;
  bool length_retry, repair_round, input_truncated;
  int unwrapped;         /* CW__ANSWER_*: what was around the JSON */
  bool reused;           /* the answer an earlier attempt kept (no request) */
  char input_hash[17];   /* what it is asked about (cw__llm_fingerprint) */
  long extras_dropped;   /* unknown properties removed from the answer */
  bool batch_feed;       /* reading a Batch API answer: batch price */
  bool via_batch;        /* the answer came from a batch (telemetry) */
  cw__lim_waiter waiter;
  bool holding;          /* admitted by the limiter, slot not yet returned */
  long charged;          /* tokens charged for the attempt in flight */
  cw_http_req *req;
  uv_timer_t timer;      /* retry delays */
  bool timer_on;
  bool done;
  int status;
  cw_errcode code;
  char message[256];
  long retry_after_ms;
  json_t *answer;
  char *model;
  /* telemetry */
  long http_status;
  double latency_ms;
  long prompt_tokens, completion_tokens, cached_tokens;
  double cost;
  char request_id[128];
} exchange;

struct cw_provider_call {
  llm_provider *p;
  job_call *prev, *next;
  bool enrich;
  cw_provider_cb cb;
  void *arg;
  char job_id[64];
  char date[16];
  char *text; /* the original text (grounding, fallback) */
  size_t text_len;
  json_t *doc;          /* enrich: the parsed document (own reference) */
  json_t *entries_sent; /* enrich: [{path, entry}] */
  json_t *found;        /* redaction: originals of the placeholders */
  bool input_truncated;
  size_t input_chars;
  exchange ex[2];
  int n_ex;
  uv_timer_t defer; /* delivers the outcome from the loop */
  int open_handles;
  bool cancelled, delivering, delivered;
  cw_provider_call *fb_call;
  cw_provider_outcome out;
};

struct llm_provider {
  cw_provider base;
  uv_loop_t *loop;
  const cw_config *cfg;
  cw_http *http;
  cw_provider *fallback;
  spec specs[N_CALLS];
  char *repair;
  char *url;
  char **headers;
  size_t n_headers;
  bool tools, azure;
  cw__limiter lim;
  cw_redactor *redactor;
  job_call *calls;
  bool closing;
  void (*close_cb)(void *);
  void *close_arg;
  uint64_t rng;
};

static void ex_send(cw__lim_waiter *w);
static const struct cw_provider_ops llm_ops;
static void call_maybe_finish(job_call *c);
static void lim_closed(uv_handle_t *h);

/* ---- small helpers ------------------------------------------------------ */

static double rnd01(llm_provider *p) {
  p->rng ^= p->rng << 13;
  p->rng ^= p->rng >> 7;
  p->rng ^= p->rng << 17;
  return (double)(p->rng >> 11) / 9007199254740992.0;
}

static long est_tokens(size_t bytes) { return (long)(bytes / 4 + 1); }

/* Error texts from the API can quote credentials ("Incorrect API key
 * provided: sk-abc...").  Nothing that looks like a key leaves here. */
static void scrub(llm_provider *p, char *s) {
  const char *key = p->cfg->llm.api_key;
  size_t kl = key ? strlen(key) : 0;
  if (kl >= 4) {
    char *hit;
    while ((hit = strstr(s, key)) != NULL) {
      memset(hit, '*', 3);
      memmove(hit + 3, hit + kl, strlen(hit + kl) + 1);
    }
  }
  for (char *q = s; (q = strstr(q, "sk-")) != NULL; q += 3) {
    size_t n = 0;
    while (isalnum((unsigned char)q[3 + n]) || q[3 + n] == '-' || q[3 + n] == '_')
      n++;
    if (n >= 6) {
      memcpy(q + 3, "***", 3);
      memmove(q + 6, q + 3 + n, strlen(q + 3 + n) + 1);
    }
  }
}

static char *read_file(const char *dir, const char *name, char *err, size_t errlen) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "%.500s: %s", path, strerror(errno));
    return NULL;
  }
  struct stat st;
  if (fstat(fileno(f), &st) < 0 || st.st_size > (1 << 20)) {
    fclose(f);
    snprintf(err, errlen, "%.500s: unreadable or larger than 1 MiB", path);
    return NULL;
  }
  char *b = malloc((size_t)st.st_size + 1);
  size_t n = b ? fread(b, 1, (size_t)st.st_size, f) : 0;
  fclose(f);
  if (!b) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  b[n] = '\0';
  return b;
}

/* ---- request building --------------------------------------------------- */

/* Cuts text at the byte budget on a line (or UTF-8) boundary. */
static size_t cut_at(const char *s, size_t len, size_t budget) {
  if (len <= budget)
    return len;
  size_t n = budget;
  for (size_t k = n; k > budget * 3 / 4; k--)
    if (s[k - 1] == '\n')
      return k - 1;
  while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
    n--;
  return n;
}

/* Shortens every string longer than limit (UTF-8 safe) in a JSON tree. */
static void shorten_strings(json_t *v, size_t limit) {
  if (json_is_object(v)) {
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x) {
      if (json_is_string(x) && json_string_length(x) > limit)
        json_object_set_new(v, k, json_stringn(json_string_value(x), cut_at(json_string_value(x), json_string_length(x), limit)));
      else
        shorten_strings(x, limit);
    }
  } else if (json_is_array(v)) {
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) shorten_strings(x, limit);
  }
}

/* The JSON payload for an enrich call, shortened to the input budget.  v
 * is left as it is: only a payload over the budget is copied to be cut. */
static char *payload_within(const json_t *v, size_t budget, bool *truncated) {
  static const size_t limits[] = {4000, 1500, 500, 200, 80};
  char *s = json_dumps(v, JSON_COMPACT);
  if (!s || strlen(s) <= budget)
    return s;
  json_t *copy = json_deep_copy(v);
  for (size_t i = 0; copy && s && strlen(s) > budget && i < sizeof limits / sizeof limits[0]; i++) {
    free(s);
    shorten_strings(copy, limits[i]);
    *truncated = true;
    s = json_dumps(copy, JSON_COMPACT);
  }
  if (!copy) {
    free(s);
    s = NULL;
  }
  json_decref(copy);
  return s;
}

static size_t json_dumps_size(const json_t *v) {
  char *s = json_dumps(v, JSON_COMPACT);
  size_t n = s ? strlen(s) : 0;
  free(s);
  return n;
}

static size_t input_budget(llm_provider *p, int kind) {
  long tokens = p->cfg->llm.max_input_tokens - est_tokens(strlen(p->specs[kind].prompt)) -
                est_tokens(p->specs[kind].api_bytes) - 64;
  if (tokens < 256)
    tokens = 256;
  return (size_t)tokens * 4;
}


/* What follows the messages in every request of this kind: the output mode's
 * fields (the schema, a few KB) as ",...}", serialised once, not per call. */
static int make_tail(llm_provider *p, spec *s) {
  json_t *o;
  if (p->tools) {
    json_t *fn = json_pack("{s:s,s:s,s:b,s:O}", "name", s->name, "description",
                           json_string_value(json_object_get(s->file, "description")) ?: s->name, "strict", 1,
                           "parameters", json_object_get(s->api_format, "schema"));
    o = json_pack("{s:[{s:s,s:o}],s:{s:s,s:{s:s}},s:b}", "tools", "type", "function", "function", fn, "tool_choice",
                  "type", "function", "function", "name", s->name, "parallel_tool_calls", 0);
  } else {
    o = json_pack("{s:{s:s,s:O}}", "response_format", "type", "json_schema", "json_schema", s->api_format);
  }
  char *txt = o ? json_dumps(o, JSON_COMPACT) : NULL;
  json_decref(o);
  if (!txt)
    return -ENOMEM;
  txt[0] = ','; /* "{...}" -> ",...}": spliced after the other fields */
  s->tail = txt;
  return 0;
}

/* What precedes the user's message in every request of this kind: the
 * model and the system message (the prompt, a kilobyte or two) as
 * '{"model":...,"messages":[{system},', serialised once, not per call. */
static int make_head(llm_provider *p, spec *s) {
  json_t *o = json_pack("{s:s,s:[{s:s,s:s}]}", "model", p->cfg->llm.model, "messages", "role", "system", "content",
                        s->prompt);
  char *txt = o ? json_dumps(o, JSON_COMPACT) : NULL;
  json_decref(o);
  if (!txt)
    return -ENOMEM;
  size_t n = strlen(txt); /* ends "}]}": the array and the object stay open */
  txt[n - 2] = ',';
  txt[n - 1] = '\0';
  s->head = txt;
  return 0;
}

/* {"model", "messages", "max_tokens", "temperature", then the tail}. */
static char *build_body(llm_provider *p, exchange *e) {
  spec *s = &p->specs[e->kind];
  if ((!s->tail && make_tail(p, s) < 0) || (!s->head && make_head(p, s) < 0))
    return NULL;
  json_t *msgs = e->messages;
  if (e->extra) { /* a new array holding references, no copies */
    msgs = json_array();
    json_array_extend(msgs, e->messages);
    json_array_extend(msgs, e->extra);
  }
  char *m = json_dumps(msgs, JSON_COMPACT); /* "[{user},...]": its '[' is in the head */
  if (e->extra)
    json_decref(msgs);
  char *out = NULL;
  if (m && asprintf(&out, "%s%s,\"max_tokens\":%ld,\"temperature\":0.0%s", s->head, m + 1, e->max_tokens, s->tail) < 0)
    out = NULL;
  free(m);
  return out;
}

/* ---- exchange life cycle ------------------------------------------------ */

static void ex_done(exchange *e, int status, cw_errcode code, long retry_after_ms, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void ex_done(exchange *e, int status, cw_errcode code, long retry_after_ms, const char *fmt, ...) {
  if (e->done)
    return;
  e->done = true;
  e->status = status;
  e->code = code;
  e->retry_after_ms = retry_after_ms;
  if (fmt) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    scrub(e->owner->p, e->message);
  }
  call_maybe_finish(e->owner);
}

static void ex_admit(exchange *e) {
  llm_provider *p = e->owner->p;
  e->waiter.tokens = e->est_prompt_tokens + e->max_tokens;
  e->waiter.cb = ex_send;
  cw__lim_acquire(&p->lim, &e->waiter);
}

static void on_retry_timer(uv_timer_t *t) {
  exchange *e = t->data;
  e->timer_on = false;
  if (e->owner->cancelled) {
    ex_done(e, -ECANCELED, CW_ERR_SHUTDOWN, -1, "cancelled");
    return;
  }
  ex_admit(e);
}

static void retry_or_fail(exchange *e, cw_errcode code, long advised_ms, const char *why) {
  llm_provider *p = e->owner->p;
  if (e->retries >= p->cfg->llm.max_retries || e->owner->cancelled) {
    ex_done(e, -EAGAIN, code, advised_ms > 0 ? advised_ms : -1, "%s after %d attempts", why, e->attempts);
    return;
  }
  long delay = cw_llm_retry_delay_ms(advised_ms, e->retries, rnd01(p));
  e->retries++;
  cw_log_info("llm.retry", "job=%s call=%s retry=%d delay_ms=%ld reason=\"%s\"", e->owner->job_id,
              call_names[e->kind], e->retries, delay, why);
  if (code == CW_ERR_LLM_RATE_LIMITED) {
    /* the whole process waits, not just this job */
    cw__lim_pause(&p->lim, delay);
    ex_admit(e);
    return;
  }
  e->timer_on = true;
  uv_timer_start(&e->timer, on_retry_timer, (uint64_t)delay, 0);
}

/* error.message/type/code from OpenAI, Azure, OpenRouter, vLLM, Ollama and
 * llama.cpp shapes */
static void error_fields(json_t *body, const char **msg, const char **type, char *code, size_t codelen) {
  *msg = NULL;
  *type = NULL;
  code[0] = '\0';
  json_t *err = json_object_get(body, "error");
  json_t *src = json_is_object(err) ? err : body;
  if (json_is_string(err))
    *msg = json_string_value(err);
  else
    *msg = json_string_value(json_object_get(src, "message"));
  *type = json_string_value(json_object_get(src, "type"));
  json_t *c = json_object_get(src, "code");
  if (json_is_string(c))
    snprintf(code, codelen, "%s", json_string_value(c));
  else if (json_is_integer(c))
    snprintf(code, codelen, "%lld", (long long)json_integer_value(c));
  json_t *inner = json_object_get(src, "innererror");
  if (json_is_object(inner) && json_is_string(json_object_get(inner, "code")) && !strcmp(code, "content_filter"))
    snprintf(code, codelen, "content_filter");
}

static long header_long(const cw_http_response *r, const char *name) {
  const char *v = cw_http_response_header(r, name);
  if (!v)
    return -1;
  char *end;
  long n = strtol(v, &end, 10);
  return end == v ? -1 : n;
}

static void account(exchange *e, json_t *usage) {
  llm_provider *p = e->owner->p;
  long pt = (long)json_integer_value(json_object_get(usage, "prompt_tokens"));
  long ct = (long)json_integer_value(json_object_get(usage, "completion_tokens"));
  long cached =
      (long)json_integer_value(json_object_get(json_object_get(usage, "prompt_tokens_details"), "cached_tokens"));
  if (cached > pt)
    cached = pt;
  double cost = ((double)(pt - cached) * p->cfg->llm.price_input + (double)cached * p->cfg->llm.price_cached_input +
                 (double)ct * p->cfg->llm.price_output) /
                1e6;
  if (e->batch_feed) /* the Batch API's discount */
    cost *= p->cfg->llm.batch_price_factor;
  e->prompt_tokens += pt;
  e->completion_tokens += ct;
  e->cached_tokens += cached;
  e->cost += cost;
  cw_metrics_llm_tokens("prompt", pt);
  cw_metrics_llm_tokens("completion", ct);
  cw_metrics_llm_tokens("cached", cached);
  cw_metrics_llm_cost(cost);
}

static void semantic_checks(exchange *e, json_t *ans, json_t *errors);

/* The largest answer an exchange accepts (LLM_OUTPUT_TOO_LARGE above). */
static size_t answer_limit(const exchange *e) { return (size_t)e->max_tokens * CW__ANSWER_BYTES_PER_TOKEN; }

/* The largest HTTP body read for it: the answer may be JSON-escaped in
 * there (up to 4 times longer), plus the envelope (usage, ids). */
static size_t body_limit(const exchange *e) { return answer_limit(e) * 4 + 65536; }

/* The bytes a repair request may have: max_input_tokens at the 4 bytes per
 * token of every estimate here.  JSON escaping only makes the body longer
 * than what the model reads, so the body's size bounds the tokens. */
static size_t request_limit(llm_provider *p) { return (size_t)p->cfg->llm.max_input_tokens * 4; }

/* The repair round's two messages: the first quote_max bytes of the answer
 * as the assistant's turn (or its tool call), then the complaint. */
static int set_repair_extra(exchange *e, json_t *tool_call, const char *content, size_t len, size_t quote_max,
                            const char *complaint) {
  char *quote = cw__repair_quote(content, len, quote_max);
  if (!quote)
    return -ENOMEM;
  json_decref(e->extra);
  if (tool_call) {
    const char *id = json_string_value(json_object_get(tool_call, "id")) ?: "call_0";
    json_t *tc = json_deep_copy(tool_call);
    json_object_set_new(json_object_get(tc, "function"), "arguments", json_string(quote));
    e->extra = json_pack("[{s:s,s:n,s:[o]},{s:s,s:s,s:s}]", "role", "assistant", "content", "tool_calls", tc,
                         "role", "tool", "tool_call_id", id, "content", complaint);
  } else {
    e->extra = json_pack("[{s:s,s:s},{s:s,s:s}]", "role", "assistant", "content", quote, "role", "user",
                         "content", complaint);
  }
  free(quote);
  return e->extra ? 0 : -ENOMEM;
}

/* Cuts by bytes off the end of the user's message (on a line boundary). */
static int shorten_user(exchange *e, size_t by) {
  json_t *m = json_array_get(e->messages, 0);
  const char *u = json_string_value(json_object_get(m, "content"));
  size_t ul = u ? strlen(u) : 0;
  if (ul == 0)
    return -E2BIG;
  size_t keep = ul > by ? cut_at(u, ul, ul - by) : 0;
  json_object_set_new(m, "content", json_stringn(u, keep));
  e->input_truncated = true;
  return 0;
}

/* Sets up the repair round within request_limit(): the quote shrinks
 * first, then the resume (or payload) in the user's message.  -E2BIG when
 * even the instructions and the complaint alone do not fit. */
static int repair_round(exchange *e, json_t *tool_call, const char *content, size_t len, json_t *errors) {
  llm_provider *p = e->owner->p;
  char *complaint = cw__repair_complaint(p->repair, errors);
  if (!complaint)
    return -ENOMEM;
  size_t limit = request_limit(p), quote = CW__REPAIR_QUOTE_BYTES;
  int rc = -E2BIG;
  for (int i = 0; i < 6; i++) {
    if ((rc = set_repair_extra(e, p->tools ? tool_call : NULL, content, len, quote, complaint)) < 0)
      break;
    char *b = build_body(p, e);
    if (!b) {
      rc = -ENOMEM;
      break;
    }
    size_t n = strlen(b);
    free(b);
    if (n <= limit) {
      e->est_prompt_tokens = est_tokens(n);
      break;
    }
    rc = -E2BIG;
    size_t over = n - limit + 16;
    if (quote > 0)
      quote = quote > over ? quote - over : 0;
    else if (shorten_user(e, over) < 0)
      break;
  }
  free(complaint);
  return rc;
}

static void handle_answer(exchange *e, const cw_http_response *r) {
  llm_provider *p = e->owner->p;
  json_error_t jerr;
  json_t *body = json_loadb(r->body, r->body_len, 0, &jerr);
  if (!json_is_object(body)) {
    json_decref(body);
    retry_or_fail(e, CW_ERR_LLM_UNAVAILABLE, -1, "response body is not JSON");
    return;
  }
  if (json_object_get(body, "error") && !json_object_get(body, "choices")) {
    const char *m, *t;
    char code[64];
    error_fields(body, &m, &t, code, sizeof code);
    char why[256];
    snprintf(why, sizeof why, "error in a 2xx answer: %s %.120s", code, m ? m : "");
    scrub(p, why);
    json_decref(body);
    retry_or_fail(e, CW_ERR_LLM_UNAVAILABLE, -1, why);
    return;
  }
  json_t *usage = json_object_get(body, "usage");
  if (json_is_object(usage))
    account(e, usage);
  const char *model = json_string_value(json_object_get(body, "model"));
  if (model) {
    free(e->model);
    e->model = strdup(model);
  }
  json_t *choice = json_array_get(json_object_get(body, "choices"), 0);
  json_t *msg = json_object_get(choice, "message");
  const char *finish = json_string_value(json_object_get(choice, "finish_reason"));
  json_t *refusal = json_object_get(msg, "refusal");
  if (json_is_string(refusal) && json_string_length(refusal) > 0) {
    json_decref(body);
    ex_done(e, -EPERM, CW_ERR_LLM_REFUSED, -1, "the model refused to answer");
    return;
  }
  if (finish && !strcmp(finish, "content_filter")) {
    json_decref(body);
    ex_done(e, -EPERM, CW_ERR_LLM_CONTENT_FILTER, -1, "the provider's content filter blocked the answer");
    return;
  }
  if (finish && !strcmp(finish, "length")) {
    json_decref(body);
    if (!e->length_retry) {
      /* once, with twice the room */
      e->length_retry = true;
      e->max_tokens *= 2;
      cw_log_info("llm.length_retry", "job=%s call=%s max_tokens=%ld", e->owner->job_id, call_names[e->kind],
                  e->max_tokens);
      ex_admit(e);
      return;
    }
    ex_done(e, -EMSGSIZE, CW_ERR_LLM_TRUNCATED, -1, "answer cut off at %ld output tokens", e->max_tokens);
    return;
  }
  const char *content = NULL;
  json_t *tool_call = NULL;
  if (p->tools) {
    tool_call = json_array_get(json_object_get(msg, "tool_calls"), 0);
    content = json_string_value(json_object_get(json_object_get(tool_call, "function"), "arguments"));
  }
  if (!content) /* some servers answer tools requests in content */
    content = json_string_value(json_object_get(msg, "content"));
  size_t content_len = content ? strlen(content) : 0;
  if (content_len > answer_limit(e)) {
    json_decref(body);
    ex_done(e, -EMSGSIZE, CW_ERR_LLM_OUTPUT_TOO_LARGE, -1,
            "answer of %zu bytes, the limit is %zu (%d per max_tokens)", content_len, answer_limit(e),
            CW__ANSWER_BYTES_PER_TOKEN);
    return;
  }
  json_t *errors = json_array();
  json_t *ans = NULL;
  if (!content) {
    json_array_append_new(errors, json_string("$: the answer has no content"));
  } else {
    char m[200];
    int how = 0;
    ans = cw__answer_load(content, content_len, &how, m, sizeof m);
    if (!ans) {
      json_array_append_new(errors, json_string(m));
    } else {
      e->unwrapped |= how;
      /* strict decoding would never have produced them: dropped, counted */
      size_t extras = cw__schema_drop_unknown(p->specs[e->kind].schema, ans);
      if (extras)
        cw_log_info("llm.extra_properties_dropped", "job=%s call=%s count=%zu", e->owner->job_id,
                    call_names[e->kind], extras);
      e->extras_dropped += (long)extras;
      cw__schema_validate(p->specs[e->kind].schema, ans, errors, CW__REPAIR_MAX_ERRORS);
      if (json_array_size(errors) == 0)
        semantic_checks(e, ans, errors);
    }
  }
  if (json_array_size(errors) == 0) {
    e->answer = ans;
    json_decref(errors);
    json_decref(body);
    ex_done(e, 0, CW_ERR_INTERNAL, -1, NULL);
    return;
  }
  json_decref(ans);
  if (e->repair_round) {
    char m[200];
    snprintf(m, sizeof m, "%.190s", json_string_value(json_array_get(errors, 0)));
    json_decref(errors);
    json_decref(body);
    ex_done(e, -EBADMSG, CW_ERR_LLM_INVALID_OUTPUT, -1, "answer breaks the schema after a repair round: %s", m);
    return;
  }
  /* one repair round: a slice of the answer goes back with what is wrong */
  e->repair_round = true;
  int rc = repair_round(e, tool_call, content ? content : "", content_len, errors);
  cw_log_info("llm.repair", "job=%s call=%s errors=%zu", e->owner->job_id, call_names[e->kind],
              json_array_size(errors));
  json_decref(errors);
  json_decref(body);
  if (rc == -ENOMEM)
    ex_done(e, -ENOMEM, CW_ERR_INTERNAL, -1, "out of memory");
  else if (rc < 0)
    ex_done(e, -EBADMSG, CW_ERR_LLM_INVALID_OUTPUT, -1,
            "answer breaks the schema, and a repair round does not fit in max_input_tokens");
  else
    ex_admit(e);
}

/* A non-2xx answer: retry, or the documented error. */
static void handle_error(exchange *e, const cw_http_response *r) {
  llm_provider *p = e->owner->p;
  json_t *body = json_loadb(r->body, r->body_len, 0, NULL);
  const char *m = NULL, *type = NULL;
  char code[64] = "";
  error_fields(body, &m, &type, code, sizeof code);
  char why[256];
  snprintf(why, sizeof why, "HTTP %ld%s%s%s%.150s", r->http_status, code[0] ? " " : "", code, m ? ": " : "",
           m ? m : "");
  scrub(p, why);
  bool quota = !strcmp(code, "insufficient_quota") || (type && !strcmp(type, "insufficient_quota"));
  long advised = cw_llm_retry_after_ms(cw_http_response_header(r, "retry-after-ms"),
                                       cw_http_response_header(r, "retry-after"), (int64_t)time(NULL));
  json_decref(body);
  if (r->http_status == 429 && quota) {
    /* not retried within the job: the queue reschedules it much later */
    ex_done(e, -EDQUOT, CW_ERR_LLM_QUOTA_EXCEEDED, p->cfg->worker.quota_backoff_ms, "%s", why);
    return;
  }
  if (r->http_status == 400 && !strcmp(code, "content_filter")) {
    ex_done(e, -EPERM, CW_ERR_LLM_CONTENT_FILTER, -1, "%s", why);
    return;
  }
  if (r->http_status == 429 && advised > 0) /* everyone waits, even when this job gives up */
    cw__lim_pause(&p->lim, advised < 60000 ? advised : 60000);
  if (cw_llm_should_retry(r->http_status, cw_http_response_header(r, "x-should-retry"))) {
    retry_or_fail(e, r->http_status == 429 ? CW_ERR_LLM_RATE_LIMITED : CW_ERR_LLM_UNAVAILABLE, advised, why);
    return;
  }
  if (r->http_status == 401 || r->http_status == 403)
    ex_done(e, -EACCES, CW_ERR_LLM_AUTH, -1, "%s", why);
  else if (r->http_status >= 500 || r->http_status == 429)
    ex_done(e, -EAGAIN, r->http_status == 429 ? CW_ERR_LLM_RATE_LIMITED : CW_ERR_LLM_UNAVAILABLE, -1,
            "%s (server said not to retry)", why);
  else
    ex_done(e, -EINVAL, CW_ERR_LLM_BAD_REQUEST, -1, "%s", why);
}

static void on_http_done(void *arg, const cw_http_response *r) {
  exchange *e = arg;
  llm_provider *p = e->owner->p;
  e->req = NULL;
  e->holding = false;
  e->http_status = r->http_status;
  e->latency_ms += r->total_seconds * 1000.0;
  const char *rid = cw_http_response_header(r, "x-request-id");
  if (!rid)
    rid = cw_http_response_header(r, "apim-request-id"); /* Azure */
  if (rid)
    snprintf(e->request_id, sizeof e->request_id, "%s", rid);
  cw_metrics_llm_request(r->status == 0 ? (int)r->http_status : 0, r->total_seconds);
  cw_log_info("llm.attempt", "job=%s call=%s attempt=%d status=%ld result=%d latency_ms=%.0f request_id=%s",
              e->owner->job_id, call_names[e->kind], e->attempts, r->http_status, r->status,
              r->total_seconds * 1000.0, rid ? rid : "-");

  /* usage known only for answers; the estimate stands otherwise */
  long remaining_r = header_long(r, "x-ratelimit-remaining-requests");
  long remaining_t = header_long(r, "x-ratelimit-remaining-tokens");
  long reset_r = cw_llm_parse_go_duration(cw_http_response_header(r, "x-ratelimit-reset-requests"));
  long reset_t = cw_llm_parse_go_duration(cw_http_response_header(r, "x-ratelimit-reset-tokens"));
  cw__lim_observe(&p->lim, remaining_r, reset_r, remaining_t, reset_t);
  long before = e->prompt_tokens + e->completion_tokens;

  if (r->status == -ECANCELED || e->owner->cancelled) {
    cw__lim_release(&p->lim, 0);
    ex_done(e, -ECANCELED, CW_ERR_SHUTDOWN, -1, "cancelled");
    return;
  }
  if (r->status == -EMSGSIZE) { /* over body_limit(): not worth a retry or a repair */
    cw__lim_release(&p->lim, 0);
    ex_done(e, -EMSGSIZE, CW_ERR_LLM_OUTPUT_TOO_LARGE, -1,
            "response body over %zu bytes (answers may have %d bytes per max_tokens)", body_limit(e),
            CW__ANSWER_BYTES_PER_TOKEN);
    return;
  }
  if (r->status < 0) {
    cw__lim_release(&p->lim, 0);
    char why[200];
    snprintf(why, sizeof why, "%s (%s)", r->status == -ETIMEDOUT ? "timeout" : "connection error",
             r->error ? r->error : "");
    retry_or_fail(e, CW_ERR_LLM_UNAVAILABLE, -1, why);
    return;
  }
  if (r->http_status >= 200 && r->http_status < 300) {
    /* read before handle_answer: a length retry or a repair round it
     * starts may be admitted at once and charge its own estimate */
    long charged = e->charged;
    handle_answer(e, r);
    long used = e->prompt_tokens + e->completion_tokens - before;
    cw__lim_release(&p->lim, used > 0 ? used - charged : 0);
    return;
  }
  /* decide first, give the slot back after: a 429 must pause the limiter
   * before the next waiter can be admitted */
  handle_error(e, r);
  cw__lim_release(&p->lim, 0);
}

/* admitted by the limiter */
static void ex_send(cw__lim_waiter *w) {
  exchange *e = (exchange *)((char *)w - offsetof(exchange, waiter));
  llm_provider *p = e->owner->p;
  e->holding = true;
  e->charged = w->tokens;
  if (e->owner->cancelled) {
    cw__lim_release(&p->lim, -w->tokens);
    e->holding = false;
    ex_done(e, -ECANCELED, CW_ERR_SHUTDOWN, -1, "cancelled");
    return;
  }
  char *body = build_body(p, e);
  if (!body) {
    cw__lim_release(&p->lim, -w->tokens);
    e->holding = false;
    ex_done(e, -ENOMEM, CW_ERR_INTERNAL, -1, "out of memory building the request");
    return;
  }
  e->attempts++;
  cw_http_request_opts o = {
      .method = "POST",
      .url = p->url,
      .headers = (const char *const *)p->headers,
      .n_headers = p->n_headers,
      .body = body,
      .body_len = strlen(body),
      .connect_timeout_ms = p->cfg->llm.connect_timeout_ms,
      .timeout_ms = p->cfg->llm.timeout_ms,
      .low_speed_bytes = p->cfg->llm.low_speed_bytes,
      .low_speed_seconds = p->cfg->llm.low_speed_seconds,
      .max_body_bytes = body_limit(e),
      .on_done = on_http_done,
      .arg = e,
  };
  int rc = cw_http_request(p->http, &o, &e->req);
  free(body);
  if (rc < 0) {
    cw__lim_release(&p->lim, -w->tokens);
    e->holding = false;
    ex_done(e, rc, CW_ERR_INTERNAL, -1, "cannot start the HTTP request (%d)", rc);
  }
}

/* ---- semantic checks beyond the schema ---------------------------------- */

static void semantic_checks(exchange *e, json_t *ans, json_t *errors) {
  job_call *c = e->owner;
  char m[200];
  if (e->kind == CALL_ENTRIES) {
    json_t *got = json_object_get(ans, "entries");
    size_t i;
    json_t *want;
    json_array_foreach(c->entries_sent, i, want) {
      const char *path = json_string_value(json_object_get(want, "path"));
      int seen = 0;
      size_t j;
      json_t *g;
      json_array_foreach(got, j, g) if (!strcmp(json_string_value(json_object_get(g, "path")) ?: "", path)) seen++;
      if (seen != 1) {
        snprintf(m, sizeof m, "$.entries: path \"%s\" must appear exactly once (found %d)", path, seen);
        json_array_append_new(errors, json_string(m));
      }
    }
    if (json_array_size(got) != json_array_size(c->entries_sent)) {
      snprintf(m, sizeof m, "$.entries: expected %zu entries, got %zu", json_array_size(c->entries_sent),
               json_array_size(got));
      json_array_append_new(errors, json_string(m));
    }
  } else if (e->kind == CALL_CAREER) {
    static const char *types[] = {"career_summary", "key_strengths", "growth_trajectory"};
    for (int t = 0; t < 3; t++) {
      int seen = 0;
      size_t j;
      json_t *g;
      json_array_foreach(json_object_get(ans, "narratives"), j, g) if (
          !strcmp(json_string_value(json_object_get(g, "narrative_type")) ?: "", types[t])) seen++;
      if (seen != 1) {
        snprintf(m, sizeof m, "$.narratives: narrative_type \"%s\" must appear exactly once", types[t]);
        json_array_append_new(errors, json_string(m));
      }
    }
  } else {
    /* a current entry has no end date */
    static const char *lists[] = {"work_experience", "education", "projects"};
    for (int l = 0; l < 3; l++) {
      size_t j;
      json_t *g;
      json_array_foreach(json_object_get(ans, lists[l]), j, g) {
        if (json_is_true(json_object_get(g, "is_current")) && !json_is_null(json_object_get(g, "end_date")))
          json_object_set_new(g, "end_date", json_null());
      }
    }
    /* the parsed-entity contract both providers share (entities.c) */
    char err[200];
    if (cw_entities_validate_document(ans, err, sizeof err) < 0) {
      snprintf(m, sizeof m, "$: %.190s", err);
      json_array_append_new(errors, json_string(m));
    }
  }
}

/* ---- call assembly ------------------------------------------------------ */

static json_t *ex_telemetry(llm_provider *p, exchange *e) {
  json_t *t = json_pack("{s:s,s:s,s:s?,s:i,s:i,s:I,s:f,s:I,s:I,s:I,s:f,s:b,s:b,s:b,s:I}", "call",
                        call_names[e->kind], "mode", p->tools ? "tools" : "json_schema", "model", e->model,
                        "attempts", e->attempts, "retries", e->retries, "http_status", (json_int_t)e->http_status,
                        "latency_ms", e->latency_ms, "prompt_tokens", (json_int_t)e->prompt_tokens,
                        "completion_tokens", (json_int_t)e->completion_tokens, "cached_tokens",
                        (json_int_t)e->cached_tokens, "cost_usd", e->cost, "length_retry", e->length_retry,
                        "repair_round", e->repair_round, "input_truncated", e->input_truncated, "max_tokens",
                        (json_int_t)e->max_tokens);
  if (e->request_id[0])
    json_object_set_new(t, "request_id", json_string(e->request_id));
  if (e->unwrapped)
    json_object_set_new(t, "answer_unwrapped",
                        json_string(e->unwrapped == (CW__ANSWER_FENCED | CW__ANSWER_PROSE) ? "fence+prose"
                                    : e->unwrapped == CW__ANSWER_FENCED                     ? "fence"
                                                                                            : "prose"));
  json_object_set_new(t, "extra_properties_dropped", json_integer(e->extras_dropped));
  json_object_set_new(t, "reused", json_boolean(e->reused));
  if (e->via_batch)
    json_object_set_new(t, "batch", json_true());
  if (e->done && e->status < 0 && e->status != -ECANCELED)
    json_object_set_new(t, "error", json_string(cw_error_name(e->code)));
  return t;
}

static json_t *call_telemetry(job_call *c) {
  llm_provider *p = c->p;
  json_t *calls = json_array();
  long attempts = 0, retries = 0, pt = 0, ct = 0, cached = 0, extras = 0, unwrapped = 0, reused = 0;
  double cost = 0, latency = 0;
  for (int i = 0; i < c->n_ex; i++) {
    exchange *e = &c->ex[i];
    json_array_append_new(calls, ex_telemetry(p, e));
    attempts += e->attempts;
    retries += e->retries;
    pt += e->prompt_tokens;
    ct += e->completion_tokens;
    cached += e->cached_tokens;
    cost += e->cost;
    latency += e->latency_ms;
    extras += e->extras_dropped;
    unwrapped += e->unwrapped != 0;
    reused += e->reused;
  }
  /* total_llm_calls: requests made; a reused answer made none */
  json_t *t = json_pack("{s:o,s:s,s:b,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:f,s:f}", "llm_calls", calls, "prompt_version",
                        CW_LLM_PROMPT_VERSION, "input_truncated", c->input_truncated, "input_chars",
                        (json_int_t)c->input_chars, "total_llm_calls", (json_int_t)(c->n_ex - reused),
                        "total_llm_attempts", (json_int_t)attempts, "total_llm_retries", (json_int_t)retries,
                        "total_prompt_tokens", (json_int_t)pt, "total_completion_tokens", (json_int_t)ct,
                        "total_cached_tokens", (json_int_t)cached, "total_cost_usd", cost, "total_llm_latency_ms",
                        latency);
  json_object_set_new(t, "total_extra_properties_dropped", json_integer(extras));
  json_object_set_new(t, "total_answers_unwrapped", json_integer(unwrapped));
  json_object_set_new(t, "total_llm_calls_reused", json_integer(reused));
  return t;
}

static const char *source_type(llm_provider *p) { return p->tools ? "openai_function_call" : "openai_json_schema"; }

static void fill_contact(json_t *doc, json_t *found) {
  json_t *contact = json_object_get(doc, "contact");
  if (!json_is_object(contact))
    return;
  const char *singles[][2] = {{"email", "emails"}, {"phone", "phones"}};
  for (int i = 0; i < 2; i++) {
    json_t *v = json_object_get(contact, singles[i][0]);
    json_t *first = json_array_get(json_object_get(found, singles[i][1]), 0);
    if (first && (!json_is_string(v) || strchr(json_string_value(v), '[')))
      json_object_set(contact, singles[i][0], first);
  }
  json_t *urls = json_object_get(contact, "urls");
  json_t *local = json_object_get(found, "urls");
  if (json_is_array(urls) && json_is_array(local)) {
    size_t i;
    json_t *u;
    json_array_foreach(local, i, u) {
      bool have = false;
      size_t j;
      json_t *x;
      json_array_foreach(urls, j, x) if (json_equal(x, u)) have = true;
      if (!have)
        json_array_append(urls, u);
    }
  }
}

static void build_parse_result(job_call *c, json_t *tel) {
  llm_provider *p = c->p;
  exchange *e = &c->ex[0];
  json_t *doc = e->answer;
  e->answer = NULL;
  if (c->found) {
    cw_redact_restore(doc, c->found);
    fill_contact(doc, c->found);
    json_t *f = c->found;
    json_object_set_new(tel, "redaction",
                        json_pack("{s:I,s:I,s:I,s:I}", "emails", (json_int_t)json_array_size(json_object_get(f, "emails")),
                                  "phones", (json_int_t)json_array_size(json_object_get(f, "phones")), "urls",
                                  (json_int_t)json_array_size(json_object_get(f, "urls")), "handles",
                                  (json_int_t)json_array_size(json_object_get(f, "handles"))));
  }
  json_t *g = cw__ground(doc, c->text, c->text_len);
  json_object_set_new(tel, "total_grounding_dropped", json_integer(json_integer_value(json_object_get(g, "dropped"))));
  json_object_set_new(tel, "grounding", g);
  c->out.result = json_pack("{s:s,s:s,s:f,s:o}", "source_type", source_type(p), "model_version",
                            e->model ? e->model : p->cfg->llm.model, "confidence", 0.85, "document", doc);
}

static void build_enrich_result(job_call *c) {
  llm_provider *p = c->p;
  exchange *ee = c->n_ex == 2 ? &c->ex[0] : NULL;
  exchange *ec = &c->ex[c->n_ex - 1];
  json_t *entries = json_array();
  if (ee) {
    json_t *got = json_object_get(ee->answer, "entries");
    size_t i;
    json_t *want;
    json_array_foreach(c->entries_sent, i, want) {
      const char *path = json_string_value(json_object_get(want, "path"));
      size_t j;
      json_t *g;
      json_array_foreach(got, j, g) {
        if (strcmp(json_string_value(json_object_get(g, "path")) ?: "", path) != 0)
          continue;
        /* the answer is ours and read no more: its entry goes out as is */
        json_object_set(g, "parsed_structure", json_object_get(want, "entry"));
        json_array_append(entries, g);
        break;
      }
    }
  }
  const char *model = ec->model ? ec->model : (ee && ee->model ? ee->model : p->cfg->llm.model);
  c->out.result = json_pack("{s:s,s:s,s:o,s:O,s:O}", "source_type", source_type(p), "model_version", model,
                            "entries", entries, "career", json_object_get(ec->answer, "career"), "narratives",
                            json_object_get(ec->answer, "narratives"));
}

static void call_close_cb(uv_handle_t *h) {
  job_call *c = h->data;
  if (--c->open_handles > 0)
    return;
  llm_provider *p = c->p;
  if (c->prev)
    c->prev->next = c->next;
  else
    p->calls = c->next;
  if (c->next)
    c->next->prev = c->prev;
  for (int i = 0; i < 2; i++) {
    json_decref(c->ex[i].messages);
    json_decref(c->ex[i].extra);
    json_decref(c->ex[i].answer);
    free(c->ex[i].model);
  }
  json_decref(c->doc);
  json_decref(c->entries_sent);
  json_decref(c->found);
  free(c->text);
  free(c);
  if (p->closing && !p->calls)
    cw__lim_close(&p->lim, lim_closed);
}

static void call_free(job_call *c) {
  uv_close((uv_handle_t *)&c->defer, call_close_cb);
  for (int i = 0; i < 2; i++) {
    uv_timer_stop(&c->ex[i].timer);
    c->ex[i].timer.data = c; /* call_close_cb wants the call */
    uv_close((uv_handle_t *)&c->ex[i].timer, call_close_cb);
  }
}

static void on_deliver(uv_timer_t *t) {
  job_call *c = t->data;
  if (c->delivered)
    return;
  c->delivered = true;
  cw_provider_outcome out = c->out;
  c->out.result = c->out.telemetry = c->out.checkpoint = NULL;
  c->cb(c->arg, &out);
  call_free(c);
}

static void deliver(job_call *c) {
  c->delivering = true;
  uv_timer_start(&c->defer, on_deliver, 0, 0);
}

static void on_fallback(void *arg, cw_provider_outcome *o) {
  job_call *c = arg;
  c->fb_call = NULL;
  json_t *tel = c->out.telemetry;
  c->out = *o;
  /* the LLM attempts stay in the telemetry, labelled with the fallback */
  if (o->telemetry)
    json_object_update_missing(o->telemetry, tel);
  else
    c->out.telemetry = json_incref(tel);
  json_object_set(c->out.telemetry, "llm_calls", json_object_get(tel, "llm_calls"));
  json_object_set_new(c->out.telemetry, "fallback",
                      json_pack("{s:s,s:s,s:s}", "from", "openai", "to", c->p->fallback->ops->name ?: "offline",
                                "reason", cw_error_name(c->ex[0].done && c->ex[0].status < 0 ? c->ex[0].code
                                                                                             : c->ex[c->n_ex - 1].code)));
  json_decref(tel);
  if (c->out.result && json_is_object(c->out.result))
    json_object_set_new(c->out.result, "fallback_from", json_string("openai"));
  deliver(c);
}

/* What a failed enrich call paid for and a retry can reuse: each answered
 * exchange's answer, with the fingerprint of the input it answered. */
static json_t *call_checkpoint(job_call *c) {
  json_t *cp = NULL;
  for (int i = 0; c->enrich && i < c->n_ex; i++) {
    exchange *e = &c->ex[i];
    if (e->status != 0 || !e->answer)
      continue;
    if (!cp)
      cp = json_object();
    json_object_set_new(cp, call_names[e->kind], json_pack("{s:s,s:s?,s:O}", "input", e->input_hash, "model",
                                                           e->model, "answer", e->answer));
    cw_log_info("llm.checkpoint", "job=%s call=%s", c->job_id, call_names[e->kind]);
  }
  return cp;
}

static void call_maybe_finish(job_call *c) {
  for (int i = 0; i < c->n_ex; i++)
    if (!c->ex[i].done)
      return;
  if (c->delivering)
    return;
  llm_provider *p = c->p;
  json_t *tel = call_telemetry(c);
  c->out = (cw_provider_outcome){.retry_after_ms = -1, .telemetry = tel};
  exchange *failed = NULL;
  for (int i = 0; i < c->n_ex; i++)
    if (c->ex[i].status < 0 && (!failed || c->ex[i].status == -ECANCELED))
      failed = &c->ex[i];
  if (c->cancelled || (failed && failed->status == -ECANCELED)) {
    c->out.status = -ECANCELED;
    c->out.code = CW_ERR_SHUTDOWN;
    snprintf(c->out.message, sizeof c->out.message, "cancelled");
    deliver(c);
    return;
  }
  if (failed) {
    c->out.status = failed->status;
    c->out.code = failed->code;
    c->out.retry_after_ms = failed->retry_after_ms;
    snprintf(c->out.message, sizeof c->out.message, "%s: %.230s", call_names[failed->kind], failed->message);
    cw_log_warn("llm.call_failed", "job=%s call=%s code=%s attempts=%d", c->job_id, call_names[failed->kind],
                cw_error_name(failed->code), failed->attempts);
    bool transient = failed->code == CW_ERR_LLM_UNAVAILABLE || failed->code == CW_ERR_LLM_RATE_LIMITED;
    if (transient && p->fallback && !p->closing) {
      cw_provider_req req = {.job_id = c->job_id, .text = c->text, .text_len = c->text_len,
                             .document_date = c->date[0] ? c->date : NULL, .parsed = c->doc};
      cw_log_notice("llm.fallback", "job=%s to=%s reason=%s", c->job_id, p->fallback->ops->name ?: "offline",
                    cw_error_name(failed->code));
      int rc = c->enrich ? cw_provider_enrich(p->fallback, &req, on_fallback, c, &c->fb_call)
                         : cw_provider_parse(p->fallback, &req, on_fallback, c, &c->fb_call);
      if (rc == 0) {
        c->delivering = true;
        return;
      }
    }
    c->out.checkpoint = call_checkpoint(c);
    deliver(c);
    return;
  }
  if (c->enrich)
    build_enrich_result(c);
  else
    build_parse_result(c, tel);
  if (!c->out.result) {
    c->out.status = -ENOMEM;
    c->out.code = CW_ERR_INTERNAL;
    snprintf(c->out.message, sizeof c->out.message, "out of memory");
  }
  deliver(c);
}

/* ---- provider ops ------------------------------------------------------- */

static job_call *call_new(llm_provider *p, const cw_provider_req *req, cw_provider_cb cb, void *arg, bool enrich) {
  job_call *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  c->p = p;
  c->cb = cb;
  c->arg = arg;
  c->enrich = enrich;
  snprintf(c->job_id, sizeof c->job_id, "%s", req->job_id ? req->job_id : "-");
  if (req->document_date)
    snprintf(c->date, sizeof c->date, "%.10s", req->document_date);
  c->text = malloc(req->text_len + 1);
  if (!c->text) {
    free(c);
    return NULL;
  }
  if (req->text_len)
    memcpy(c->text, req->text, req->text_len);
  c->text[req->text_len] = '\0';
  c->text_len = req->text_len;
  uv_timer_init(p->loop, &c->defer);
  c->defer.data = c;
  for (int i = 0; i < 2; i++) {
    uv_timer_init(p->loop, &c->ex[i].timer);
    c->ex[i].timer.data = &c->ex[i];
    c->ex[i].owner = c;
  }
  c->open_handles = 3;
  c->next = p->calls;
  if (p->calls)
    p->calls->prev = c;
  p->calls = c;
  return c;
}

/* Takes the answer an earlier attempt kept for this exchange (checkpoint,
 * see call_checkpoint), when it answered the same input and still passes
 * every check: the call is not made again. */
static bool ex_reuse(exchange *e, json_t *checkpoint) {
  llm_provider *p = e->owner->p;
  json_t *kept = json_object_get(checkpoint, call_names[e->kind]);
  const char *in = json_string_value(json_object_get(kept, "input"));
  if (!in || strcmp(in, e->input_hash) != 0)
    return false;
  json_t *ans = json_deep_copy(json_object_get(kept, "answer"));
  json_t *errors = json_array();
  bool ok = json_is_object(ans) && cw__schema_validate(p->specs[e->kind].schema, ans, errors, 1) == 0;
  if (ok) {
    semantic_checks(e, ans, errors);
    ok = json_array_size(errors) == 0;
  }
  if (!ok) {
    cw_log_notice("llm.checkpoint_unusable", "job=%s call=%s", e->owner->job_id, call_names[e->kind]);
    json_decref(errors);
    json_decref(ans);
    return false;
  }
  json_decref(errors);
  const char *model = json_string_value(json_object_get(kept, "model"));
  e->model = model ? strdup(model) : NULL;
  e->answer = ans;
  e->reused = true;
  e->done = true;
  cw_log_info("llm.checkpoint_reused", "job=%s call=%s", e->owner->job_id, call_names[e->kind]);
  return true;
}

static void ex_init(job_call *c, int slot, int kind, char *user, bool truncated) {
  llm_provider *p = c->p;
  exchange *e = &c->ex[slot];
  e->kind = kind;
  e->input_truncated = truncated;
  e->max_tokens = p->cfg->llm.max_output_tokens;
  e->messages = json_pack("[{s:s,s:s}]", "role", "user", "content", user ? user : "");
  e->est_prompt_tokens = est_tokens(strlen(p->specs[kind].prompt) + (user ? strlen(user) : 0) +
                                    p->specs[kind].api_bytes);
  c->n_ex = slot + 1;
}

static char *fmt_user(const char *date, const char *label, const char *payload, size_t n, const char *tail) {
  size_t sz = strlen(label) + n + strlen(tail) + 64;
  char *u = malloc(sz);
  if (u)
    snprintf(u, sz, "Document date: %s\n\n%s%.*s%s", date[0] ? date : "unknown", label, (int)n, payload, tail);
  return u;
}

static void fail_early(job_call *c, cw_errcode code, int status, const char *msg) {
  c->out = (cw_provider_outcome){.status = status, .code = code, .retry_after_ms = -1};
  snprintf(c->out.message, sizeof c->out.message, "%s", msg);
  deliver(c);
}

/* The parse request's user message for c's text: redacted (c->found keeps
 * the originals) and cut to the input budget.  0, or negative with *code
 * and *msg for fail_early. */
static int parse_prepare(job_call *c, cw_errcode *code, const char **msg) {
  llm_provider *p = c->p;
  /* empty text never reaches the API */
  size_t nonblank = 0;
  for (size_t i = 0; i < c->text_len; i++)
    if (!isspace((unsigned char)c->text[i]))
      nonblank++;
  if (nonblank == 0) {
    *code = CW_ERR_TEXT_EMPTY;
    *msg = "no text to parse";
    return -EINVAL;
  }
  const char *send = c->text;
  size_t send_len = c->text_len;
  char *redacted = NULL;
  if (p->redactor) {
    size_t rl;
    if (cw_redact(p->redactor, c->text, c->text_len, &redacted, &rl, &c->found) < 0) {
      *code = CW_ERR_INTERNAL;
      *msg = "out of memory redacting";
      return -ENOMEM;
    }
    send = redacted;
    send_len = rl;
  }
  size_t budget = input_budget(p, CALL_PARSE);
  size_t n = cut_at(send, send_len, budget);
  c->input_truncated = n < send_len;
  c->input_chars = n;
  if (c->input_truncated)
    cw_log_notice("llm.input_truncated", "job=%s call=parse bytes=%zu sent=%zu max_input_tokens=%d", c->job_id,
                  send_len, n, p->cfg->llm.max_input_tokens);
  char *user = fmt_user(c->date, "<<<RESUME\n", send, n, "\nRESUME>>>");
  free(redacted);
  if (!user) {
    *code = CW_ERR_INTERNAL;
    *msg = "out of memory";
    return -ENOMEM;
  }
  ex_init(c, 0, CALL_PARSE, user, c->input_truncated);
  free(user);
  return 0;
}

/* A Batch API answer (the chat completion body a batch output line holds)
 * is read like a live one: the same checks, and a length retry or repair
 * round then goes out as a normal request. */
static void ex_feed(exchange *e, const char *body, size_t len) {
  cw_http_response r = {.http_status = 200, .body = body, .body_len = len};
  e->attempts++;
  e->http_status = 200;
  e->via_batch = true;
  e->batch_feed = true;
  handle_answer(e, &r);
  e->batch_feed = false;
}

static int llm_parse(cw_provider *base, const cw_provider_req *req, cw_provider_cb cb, void *arg,
                     cw_provider_call **out) {
  llm_provider *p = (llm_provider *)base;
  if (!req || !cb || p->closing)
    return -EINVAL;
  job_call *c = call_new(p, req, cb, arg, false);
  if (!c)
    return -ENOMEM;
  *out = c;
  const char *msg = "no text to parse";
  cw_errcode code = CW_ERR_TEXT_EMPTY;
  int rc = req->text ? parse_prepare(c, &code, &msg) : -EINVAL;
  if (rc < 0) {
    fail_early(c, code, rc, msg);
    return 0;
  }
  if (req->batch_answer)
    ex_feed(&c->ex[0], req->batch_answer, strlen(req->batch_answer));
  else
    ex_admit(&c->ex[0]);
  return 0;
}

int cw_llm_batch_body(cw_provider *base, const cw_provider_req *req, char **body) {
  llm_provider *p = (llm_provider *)base;
  if (!base || base->ops != &llm_ops || !req || !req->text)
    return -EINVAL;
  /* a call that only lives here: no handles, nothing sent */
  job_call c = {.p = p, .text = (char *)req->text, .text_len = req->text_len};
  snprintf(c.job_id, sizeof c.job_id, "%s", req->job_id ? req->job_id : "-");
  if (req->document_date)
    snprintf(c.date, sizeof c.date, "%.10s", req->document_date);
  c.ex[0].owner = &c;
  const char *msg;
  cw_errcode code;
  int rc = parse_prepare(&c, &code, &msg);
  if (rc == 0 && !(*body = build_body(p, &c.ex[0])))
    rc = -ENOMEM;
  json_decref(c.ex[0].messages);
  json_decref(c.found);
  return rc;
}

static const char *const entry_lists[] = {"work_experience", "education", "projects", "certifications"};

static int llm_enrich(cw_provider *base, const cw_provider_req *req, cw_provider_cb cb, void *arg,
                      cw_provider_call **out) {
  llm_provider *p = (llm_provider *)base;
  if (!req || !cb || p->closing)
    return -EINVAL;
  job_call *c = call_new(p, req, cb, arg, true);
  if (!c)
    return -ENOMEM;
  *out = c;
  if (!json_is_object(req->parsed)) {
    fail_early(c, CW_ERR_INTERNAL, -EINVAL, "no parsed document to enrich");
    return 0;
  }
  /* shared with the caller and read only: a payload over the input
   * budget is cut in a copy of its own (payload_within) */
  c->doc = json_incref(req->parsed);
  c->entries_sent = json_array();
  for (size_t l = 0; l < sizeof entry_lists / sizeof entry_lists[0]; l++) {
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(c->doc, entry_lists[l]), i, e) {
      char path[64];
      snprintf(path, sizeof path, "%s.%zu", entry_lists[l], i);
      json_array_append_new(c->entries_sent, json_pack("{s:s,s:O}", "path", path, "entry", e));
    }
  }
  int slot = 0;
  if (json_array_size(c->entries_sent) > 0) {
    bool trunc = false;
    json_t *payload = json_pack("{s:O}", "entries", c->entries_sent);
    char *js = payload_within(payload, input_budget(p, CALL_ENTRIES), &trunc);
    json_decref(payload);
    char *user = js ? fmt_user(c->date, "Entries (JSON):\n", js, strlen(js), "") : NULL;
    free(js);
    if (!user) {
      fail_early(c, CW_ERR_INTERNAL, -ENOMEM, "out of memory");
      return 0;
    }
    ex_init(c, slot, CALL_ENTRIES, user, trunc);
    json_t *all = json_pack("{s:O}", "entries", c->entries_sent);
    cw__llm_fingerprint(c->date, all, c->ex[slot++].input_hash);
    json_decref(all);
    c->input_truncated |= trunc;
    free(user);
  }
  bool trunc = false;
  char *js = payload_within(c->doc, input_budget(p, CALL_CAREER), &trunc);
  char *user = js ? fmt_user(c->date, "Resume (JSON):\n", js, strlen(js), "") : NULL;
  free(js);
  if (!user) {
    c->n_ex = 0;
    fail_early(c, CW_ERR_INTERNAL, -ENOMEM, "out of memory");
    return 0;
  }
  ex_init(c, slot, CALL_CAREER, user, trunc);
  cw__llm_fingerprint(c->date, c->doc, c->ex[slot].input_hash);
  c->input_truncated |= trunc;
  free(user);
  int reused = 0;
  for (int i = 0; i < c->n_ex; i++) {
    if (req->checkpoint && ex_reuse(&c->ex[i], req->checkpoint))
      reused++;
    else
      ex_admit(&c->ex[i]);
  }
  if (reused == c->n_ex) /* nothing to ask: delivered from the loop */
    call_maybe_finish(c);
  return 0;
}

static void llm_cancel(cw_provider *base, cw_provider_call *c) {
  llm_provider *p = (llm_provider *)base;
  if (!c || c->cancelled || c->delivered)
    return;
  c->cancelled = true;
  if (c->fb_call) {
    cw_provider_cancel(p->fallback, c->fb_call);
    return;
  }
  for (int i = 0; i < c->n_ex; i++) {
    exchange *e = &c->ex[i];
    if (e->done)
      continue;
    if (e->req) {
      cw_http_cancel(e->req); /* on_http_done reports -ECANCELED */
      continue;
    }
    if (e->waiter.queued)
      cw__lim_cancel(&p->lim, &e->waiter);
    if (e->timer_on) {
      uv_timer_stop(&e->timer);
      e->timer_on = false;
    }
    e->done = true;
    e->status = -ECANCELED;
    e->code = CW_ERR_SHUTDOWN;
  }
  if (c->delivering && !c->delivered) {
    /* an outcome is waiting in the defer timer: turn it into a cancel */
    json_decref(c->out.result);
    json_decref(c->out.checkpoint);
    c->out.result = c->out.checkpoint = NULL;
    c->out.status = -ECANCELED;
    c->out.code = CW_ERR_SHUTDOWN;
    snprintf(c->out.message, sizeof c->out.message, "cancelled");
    return;
  }
  call_maybe_finish(c);
}

static void free_provider(llm_provider *p) {
  for (int i = 0; i < N_CALLS; i++) {
    free(p->specs[i].prompt);
    json_decref(p->specs[i].file);
    json_decref(p->specs[i].api_format);
    free(p->specs[i].head);
    free(p->specs[i].tail);
  }
  free(p->repair);
  free(p->url);
  for (size_t i = 0; i < p->n_headers; i++) {
    explicit_bzero(p->headers[i], strlen(p->headers[i])); /* the key */
    free(p->headers[i]);
  }
  free(p->headers);
  cw_redactor_free(p->redactor);
  free(p);
}

/* For tests: the TPM bucket's level now. */
double cw__llm_tpm_level(cw_provider *base) { return cw__lim_level(&((llm_provider *)base)->lim); }

static void lim_closed(uv_handle_t *h) {
  llm_provider *p = (llm_provider *)((char *)h - offsetof(llm_provider, lim) - offsetof(cw__limiter, timer));
  void (*cb)(void *) = p->close_cb;
  void *arg = p->close_arg;
  free_provider(p);
  if (cb)
    cb(arg);
}

static void llm_close(cw_provider *base, void (*close_cb)(void *), void *arg) {
  llm_provider *p = (llm_provider *)base;
  if (p->closing)
    return;
  p->closing = true;
  p->close_cb = close_cb;
  p->close_arg = arg;
  for (job_call *c = p->calls; c; c = c->next)
    llm_cancel(base, c);
  if (!p->calls)
    cw__lim_close(&p->lim, lim_closed);
}

static const struct cw_provider_ops llm_ops = {
    .name = "openai",
    .parse = llm_parse,
    .enrich = llm_enrich,
    .cancel = llm_cancel,
    .close = llm_close,
};

/* ---- construction ------------------------------------------------------- */

static int load_spec(llm_provider *p, const char *dir, int kind, const char *base) {
  char err[600], name[128];
  spec *s = &p->specs[kind];
  snprintf(name, sizeof name, "%s.%s.prompt.md", base, CW_LLM_PROMPT_VERSION);
  s->prompt = read_file(dir, name, err, sizeof err);
  if (!s->prompt) {
    cw_log_err("llm.prompt_missing", "file=\"%s\"", err);
    return -EINVAL;
  }
  snprintf(name, sizeof name, "%s.%s.schema.json", base, CW_LLM_PROMPT_VERSION);
  char *txt = read_file(dir, name, err, sizeof err);
  if (!txt) {
    cw_log_err("llm.schema_missing", "file=\"%s\"", err);
    return -EINVAL;
  }
  json_error_t je;
  s->file = json_loads(txt, 0, &je);
  free(txt);
  if (!json_is_object(s->file)) {
    cw_log_err("llm.schema_invalid", "file=\"%s/%s\" line=%d reason=\"%s\"", dir, name, je.line, je.text);
    return -EINVAL;
  }
  s->name = json_string_value(json_object_get(s->file, "name"));
  s->schema = json_object_get(s->file, "schema");
  if (!s->name || !json_is_true(json_object_get(s->file, "strict")) || !json_is_object(s->schema)) {
    cw_log_err("llm.schema_invalid", "file=\"%s/%s\" reason=\"needs name, strict true and schema\"", dir, name);
    return -EINVAL;
  }
  if (cw__schema_check_strict(s->schema, err, sizeof err) < 0) {
    cw_log_err("llm.schema_not_strict", "file=\"%s/%s\" reason=\"%s\"", dir, name, err);
    return -EINVAL;
  }
  s->api_format = cw__schema_for_api(s->file);
  s->api_bytes = json_dumps_size(s->api_format);
  return 0;
}

static char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *str_printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = NULL;
  if (vasprintf(&s, fmt, ap) < 0)
    s = NULL;
  va_end(ap);
  return s;
}

static const char *prompt_dir_of(const cw_config *cfg) {
  return cfg->llm.prompt_dir && cfg->llm.prompt_dir[0] ? cfg->llm.prompt_dir : CW_DATADIR "/llm";
}

int cw_llm_check_prompts(const cw_config *cfg) {
  llm_provider *p = calloc(1, sizeof *p);
  if (!p)
    return -ENOMEM;
  p->cfg = cfg;
  const char *dir = prompt_dir_of(cfg);
  static const char *bases[N_CALLS] = {"parse", "enrich_entries", "enrich_career"};
  int rc = 0;
  for (int k = 0; k < N_CALLS && rc == 0; k++)
    rc = load_spec(p, dir, k, bases[k]);
  char err[600], name[64];
  snprintf(name, sizeof name, "repair.%s.prompt.md", CW_LLM_PROMPT_VERSION);
  if (rc == 0 && !(p->repair = read_file(dir, name, err, sizeof err))) {
    cw_log_err("llm.prompt_missing", "file=\"%s\"", err);
    rc = -EINVAL;
  }
  free_provider(p);
  return rc;
}

int cw_llm_provider_new(uv_loop_t *loop, const cw_config *cfg, cw_http *http, cw_provider *fallback,
                        cw_provider **out) {
  if (!loop || !cfg || !http || !out)
    return -EINVAL;
  llm_provider *p = calloc(1, sizeof *p);
  if (!p)
    return -ENOMEM;
  p->base.ops = &llm_ops;
  p->loop = loop;
  p->cfg = cfg;
  p->http = http;
  p->fallback = fallback;
  p->rng = (uint64_t)time(NULL) * 2654435761u ^ (uint64_t)getpid() ^ 0x9E3779B97F4A7C15ull;
  p->tools = cfg->llm.output_mode && !strcmp(cfg->llm.output_mode, "tools");
  p->azure = cfg->llm.api_style && !strcmp(cfg->llm.api_style, "azure");
  const char *dir = prompt_dir_of(cfg);
  static const char *bases[N_CALLS] = {"parse", "enrich_entries", "enrich_career"};
  for (int k = 0; k < N_CALLS; k++)
    if (load_spec(p, dir, k, bases[k]) < 0)
      goto fail;
  char err[600], name[64];
  snprintf(name, sizeof name, "repair.%s.prompt.md", CW_LLM_PROMPT_VERSION);
  if (!(p->repair = read_file(dir, name, err, sizeof err))) {
    cw_log_err("llm.prompt_missing", "file=\"%s\"", err);
    goto fail;
  }
  const char *base = cfg->llm.base_url ? cfg->llm.base_url : "";
  size_t bl = strlen(base);
  while (bl > 0 && base[bl - 1] == '/')
    bl--;
  if (bl == 0) {
    cw_log_err("llm.config_invalid", "key=llm.base_url reason=\"empty\"");
    goto fail;
  }
  if (p->azure)
    p->url = str_printf("%.*s/openai/deployments/%s/chat/completions?api-version=%s", (int)bl, base,
                        cfg->llm.model, cfg->llm.azure_api_version ? cfg->llm.azure_api_version : "2024-10-21");
  else
    p->url = str_printf("%.*s/chat/completions", (int)bl, base);
  p->headers = calloc((size_t)cfg->llm.n_headers + 4, sizeof *p->headers);
  if (!p->url || !p->headers)
    goto fail;
  p->headers[p->n_headers++] = strdup("Content-Type: application/json");
  p->headers[p->n_headers++] = strdup("Accept: application/json");
  if (cfg->llm.api_key && cfg->llm.api_key[0])
    p->headers[p->n_headers++] = p->azure ? str_printf("api-key: %s", cfg->llm.api_key)
                                          : str_printf("Authorization: Bearer %s", cfg->llm.api_key);
  for (int i = 0; i < cfg->llm.n_headers; i++)
    p->headers[p->n_headers++] = strdup(cfg->llm.headers[i]);
  for (size_t i = 0; i < p->n_headers; i++)
    if (!p->headers[i])
      goto fail;
  if (cfg->llm.redact_contacts && cw_redactor_new(&p->redactor) < 0) {
    cw_log_err("llm.redactor_failed", "reason=\"%s\"", "cannot compile the contact patterns");
    goto fail;
  }
  cw__lim_init(&p->lim, loop, cfg->llm.max_in_flight, cfg->llm.rpm, cfg->llm.tpm);
  cw_log_info("llm.ready", "style=%s mode=%s model=%s prompts=%s version=%s redact=%d max_in_flight=%d rpm=%d tpm=%d",
              p->azure ? "azure" : "openai", p->tools ? "tools" : "json_schema", cfg->llm.model, dir,
              CW_LLM_PROMPT_VERSION, cfg->llm.redact_contacts, cfg->llm.max_in_flight, cfg->llm.rpm, cfg->llm.tpm);
  *out = &p->base;
  return 0;
fail:
  free_provider(p);
  return -EINVAL;
}
