/* The LLM provider against the fake OpenAI-compatible server over real HTTP
 * on 127.0.0.1: answers in both modes, every fault's documented outcome
 * (attempts, status, error code, telemetry), pacing (RPM, in-flight cap,
 * header steering, 429 pause), retry/duration parsing, redaction, the
 * startup schema check, and that the API key never reaches the logs. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "careeros/config.h"
#include "careeros/http.h"
#include "careeros/llm.h"
#include "careeros/metrics.h"
#include "careeros/log.h"
#include "careeros/offline.h"
#include "careeros/provider.h"
#include "fake_llm/fake_client.h"
#include "../src/llm_int.h"

static const char *RESUME =
    "Jane Doe\n"
    "jane.doe@example.com\n"
    "+1 555 123 4567\n"
    "EXPERIENCE\n"
    "Senior Engineer at Acme Corp, Berlin (2019-03 - Present)\n"
    "- Built the billing platform\n"
    "Engineer at Globex (2015 - 2019)\n"
    "EDUCATION\n"
    "MIT, BSc Computer Science (2011 - 2015)\n"
    "SKILLS\n"
    "Languages: C, Python, Go\n";

#define SECRET_KEY "sk-test-SECRETKEY1234567890abcdef"

typedef struct {
  uv_loop_t loop;
  cw_config cfg;
  cw_http *http;
  cw_provider *prov, *fallback;
  fake_llm fake;
  int closed;
} env;

typedef struct {
  bool done;
  int calls;
  cw_provider_outcome o;
  double ms;
} result;

static void setstr(char **dst, const char *v) {
  free(*dst);
  *dst = strdup(v);
}

static void env_start_fake(env *e, const char *const *fake_args) {
  memset(e, 0, sizeof *e);
  fake_llm_start(&e->fake, fake_args);
  ck_assert_int_eq(cw_config_load(&e->cfg, NULL), 0);
  setstr(&e->cfg.provider.name, "openai");
  char url[128];
  snprintf(url, sizeof url, "%s/v1", e->fake.base);
  setstr(&e->cfg.llm.base_url, url);
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/config/llm", getenv("CW_SOURCE_ROOT") ? getenv("CW_SOURCE_ROOT") : ".");
  setstr(&e->cfg.llm.prompt_dir, dir);
  e->cfg.llm.timeout_ms = 10000;
  e->cfg.llm.max_retries = 2;
  e->cfg.worker.quota_backoff_ms = 3600000;
}

static void env_open(env *e, bool with_fallback) {
  ck_assert_int_eq(uv_loop_init(&e->loop), 0);
  ck_assert_int_eq(cw_http_new(&e->loop, NULL, &e->http), 0);
  if (with_fallback)
    ck_assert_int_eq(cw_offline_provider_new(&e->loop, &e->cfg, &e->fallback), 0);
  ck_assert_int_eq(cw_llm_provider_new(&e->loop, &e->cfg, e->http, e->fallback, &e->prov), 0);
}

static void env_init(env *e, const char *const *fake_args) {
  env_start_fake(e, fake_args);
  env_open(e, false);
}

static void on_closed(void *arg) { ((env *)arg)->closed++; }

static void env_close(env *e) {
  int want = 1;
  cw_provider_close(e->prov, on_closed, e);
  if (e->fallback) {
    cw_provider_close(e->fallback, on_closed, e);
    want++;
  }
  while (e->closed < want)
    uv_run(&e->loop, UV_RUN_ONCE);
  cw_http_close(e->http, on_closed, e);
  while (e->closed < want + 1)
    uv_run(&e->loop, UV_RUN_ONCE);
  uv_run(&e->loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(uv_loop_close(&e->loop), 0);
  fake_llm_stop(&e->fake);
  cw_config_free(&e->cfg);
}

static void on_outcome(void *arg, cw_provider_outcome *o) {
  result *r = arg;
  r->calls++;
  r->o = *o;
  r->done = true;
}

static void result_free(result *r) {
  json_decref(r->o.result);
  json_decref(r->o.telemetry);
  json_decref(r->o.checkpoint);
}

static result run_call_kept(env *e, const char *text, bool enrich, json_t *parsed, json_t *checkpoint) {
  result r = {0};
  cw_provider_call *call = NULL;
  cw_provider_req req = {.job_id = "job-1", .text = text, .text_len = strlen(text), .document_date = "2024-05-01",
                         .parsed = parsed, .checkpoint = checkpoint};
  uint64_t t0 = uv_hrtime();
  int rc = enrich ? cw_provider_enrich(e->prov, &req, on_outcome, &r, &call)
                  : cw_provider_parse(e->prov, &req, on_outcome, &r, &call);
  ck_assert_int_eq(rc, 0);
  ck_assert_msg(!r.done, "the callback ran inside parse()/enrich()");
  while (!r.done)
    uv_run(&e->loop, UV_RUN_ONCE);
  r.ms = (double)(uv_hrtime() - t0) / 1e6;
  ck_assert_int_eq(r.calls, 1);
  return r;
}

static result run_call(env *e, const char *text, bool enrich, json_t *parsed) {
  return run_call_kept(e, text, enrich, parsed, NULL);
}

static char *with_marker(const char *marker) {
  char *s = NULL;
  if (asprintf(&s, "%s%s\n", RESUME, marker) < 0)
    abort();
  return s;
}

/* A parse call on RESUME with a marker line appended. */
static result run_marked(env *e, const char *marker) {
  char *text = with_marker(marker);
  result r = run_call(e, text, false, NULL);
  free(text);
  return r;
}

static json_t *call_tel(const result *r, int i) {
  return json_array_get(json_object_get(r->o.telemetry, "llm_calls"), (size_t)i);
}

static long tel_int(const result *r, int i, const char *k) {
  return (long)json_integer_value(json_object_get(call_tel(r, i), k));
}

/* ---- answers --------------------------------------------------------------- */

START_TEST(test_parse_json_schema) {
  env e;
  env_init(&e, NULL);
  result r = run_call(&e, RESUME, false, NULL);
  ck_assert_msg(r.o.status == 0, "status %d %s", r.o.status, r.o.message);
  json_t *res = r.o.result;
  ck_assert_str_eq(json_string_value(json_object_get(res, "source_type")), "openai_json_schema");
  ck_assert_str_eq(json_string_value(json_object_get(res, "model_version")), "gpt-4o-mini-2024-07-18");
  json_t *doc = json_object_get(res, "document");
  json_t *w0 = json_array_get(json_object_get(doc, "work_experience"), 0);
  ck_assert_str_eq(json_string_value(json_object_get(w0, "company")), "Acme Corp");
  ck_assert(json_is_true(json_object_get(w0, "is_current")));
  ck_assert(json_is_null(json_object_get(w0, "end_date")));
  ck_assert_int_eq(tel_int(&r, 0, "attempts"), 1);
  ck_assert_int_eq(tel_int(&r, 0, "retries"), 0);
  ck_assert_int_eq(tel_int(&r, 0, "http_status"), 200);
  ck_assert_int_gt(tel_int(&r, 0, "prompt_tokens"), 100);
  ck_assert_int_gt(tel_int(&r, 0, "completion_tokens"), 10);
  ck_assert(json_real_value(json_object_get(call_tel(&r, 0), "cost_usd")) > 0);
  ck_assert_ptr_nonnull(json_string_value(json_object_get(call_tel(&r, 0), "request_id")));
  ck_assert_int_eq(json_integer_value(json_object_get(r.o.telemetry, "total_llm_calls")), 1);
  ck_assert_str_eq(json_string_value(json_object_get(r.o.telemetry, "prompt_version")), CW_LLM_PROMPT_VERSION);

  /* the request: static instructions first, date, resume last, strict schema */
  json_t *last = fake_llm_get(&e.fake, "/last");
  json_t *body = json_loads(json_string_value(json_object_get(last, "body")), 0, NULL);
  ck_assert_str_eq(json_string_value(json_object_get(last, "path")), "/v1/chat/completions");
  json_t *msgs = json_object_get(body, "messages");
  ck_assert_int_eq(json_array_size(msgs), 2);
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(msgs, 0), "role")), "system");
  const char *user = json_string_value(json_object_get(json_array_get(msgs, 1), "content"));
  ck_assert_ptr_nonnull(strstr(user, "Document date: 2024-05-01"));
  ck_assert_ptr_nonnull(strstr(user, "Senior Engineer at Acme Corp"));
  json_t *rf = json_object_get(body, "response_format");
  ck_assert_str_eq(json_string_value(json_object_get(rf, "type")), "json_schema");
  ck_assert(json_is_true(json_object_get(json_object_get(rf, "json_schema"), "strict")));
  char *dump = json_dumps(rf, 0);
  ck_assert_msg(strstr(dump, "x-cw-") == NULL, "local keywords must not be sent");
  free(dump);
  json_decref(body);
  json_decref(last);
  result_free(&r);
  env_close(&e);
}
END_TEST

/* The JSON body of the last request the fake server received. */
static json_t *last_body(env *e) {
  json_t *last = fake_llm_get(&e->fake, "/last");
  json_t *body = json_loads(json_string_value(json_object_get(last, "body")), 0, NULL);
  json_decref(last);
  ck_assert_ptr_nonnull(body);
  return body;
}

/* A repair round resends the whole conversation: the system prompt exactly
 * as the file holds it, the resume, the answer, then the complaint. */
START_TEST(test_repair_request_carries_the_conversation) {
  env e;
  env_init(&e, NULL);
  result r = run_marked(&e, "[[fault:schemax1]]");
  ck_assert_msg(r.o.status == 0, "%s", r.o.message);
  ck_assert(json_is_true(json_object_get(call_tel(&r, 0), "repair_round")));
  json_t *body = last_body(&e);
  ck_assert_str_eq(json_string_value(json_object_get(body, "model")), e.cfg.llm.model);
  json_t *msgs = json_object_get(body, "messages");
  static const char *const roles[] = {"system", "user", "assistant", "user"};
  ck_assert_int_eq(json_array_size(msgs), 4);
  for (size_t i = 0; i < 4; i++)
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(msgs, i), "role")), roles[i]);
  char path[1200];
  snprintf(path, sizeof path, "%s/parse.%s.prompt.md", e.cfg.llm.prompt_dir, CW_LLM_PROMPT_VERSION);
  FILE *f = fopen(path, "rb");
  ck_assert_ptr_nonnull(f);
  static char prompt[65536];
  size_t n = fread(prompt, 1, sizeof prompt - 1, f);
  fclose(f);
  prompt[n] = '\0';
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(msgs, 0), "content")), prompt);
  ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(json_array_get(msgs, 1), "content")),
                               "Senior Engineer at Acme Corp"));
  /* the answer as the model gave it (the fake's wrong type), then what is
   * wrong with it, by path */
  json_t *answer = json_loads(json_string_value(json_object_get(json_array_get(msgs, 2), "content")), 0, NULL);
  ck_assert_ptr_nonnull(answer);
  ck_assert_str_eq(json_string_value(json_object_get(answer, "work_experience")), "not an array");
  json_decref(answer);
  const char *complaint = json_string_value(json_object_get(json_array_get(msgs, 3), "content"));
  ck_assert_ptr_nonnull(complaint);
  ck_assert_ptr_nonnull(strstr(complaint, "$.work_experience: expected array, got string"));
  /* the unknown property was dropped, not complained about */
  ck_assert_ptr_null(strstr(complaint, "unexpected_field"));
  ck_assert_int_eq(tel_int(&r, 0, "extra_properties_dropped"), 1);
  ck_assert(json_is_integer(json_object_get(body, "max_tokens")));
  ck_assert_ptr_nonnull(json_object_get(body, "response_format"));
  json_decref(body);
  result_free(&r);
  env_close(&e);
}
END_TEST

/* A truncated answer is asked for again once, with twice the output
 * tokens on the wire, and the call's telemetry says so. */
START_TEST(test_length_retry_doubles_max_tokens) {
  env e;
  env_init(&e, NULL);
  result r = run_marked(&e, "[[fault:lengthx1]]");
  ck_assert_msg(r.o.status == 0, "%s", r.o.message);
  json_t *body = last_body(&e);
  ck_assert_int_eq(json_integer_value(json_object_get(body, "max_tokens")), 2 * e.cfg.llm.max_output_tokens);
  ck_assert_int_eq(tel_int(&r, 0, "max_tokens"), 2 * e.cfg.llm.max_output_tokens);
  ck_assert_int_eq(tel_int(&r, 0, "attempts"), 2);
  json_decref(body);
  result_free(&r);
  env_close(&e);
}
END_TEST

/* The cost of a call from the default price table (gpt-4o-mini per 1M
 * tokens: $0.15 input, $0.075 cached input, $0.60 output), with cached
 * prompt tokens (the fake reports some for prompts of 1,024 tokens or more)
 * priced as such. */
START_TEST(test_cost_from_the_price_table) {
  env e;
  env_init(&e, NULL);
  ck_assert(e.cfg.llm.price_input == 0.15 && e.cfg.llm.price_cached_input == 0.075 &&
            e.cfg.llm.price_output == 0.60);
  char *text = malloc(16384);
  size_t n = (size_t)snprintf(text, 16384, "%s\nPROJECTS\n", RESUME);
  for (int i = 0; n < 9000; i++)
    n += (size_t)snprintf(text + n, 16384 - n, "- Built tool number %d for the data platform team.\n", i);
  result r = run_call(&e, text, false, NULL);
  free(text);
  ck_assert_msg(r.o.status == 0, "%s", r.o.message);
  long pt = tel_int(&r, 0, "prompt_tokens"), cached = tel_int(&r, 0, "cached_tokens"),
       ct = tel_int(&r, 0, "completion_tokens");
  ck_assert_int_ge(pt, 1024);
  ck_assert_int_gt(cached, 0);
  ck_assert_int_lt(cached, pt);
  double want = ((double)(pt - cached) * 0.15 + (double)cached * 0.075 + (double)ct * 0.60) / 1e6;
  double got = json_real_value(json_object_get(call_tel(&r, 0), "cost_usd"));
  ck_assert_msg(fabs(got - want) < 1e-12, "cost %.10f, want %.10f", got, want);
  ck_assert(fabs(json_real_value(json_object_get(r.o.telemetry, "total_cost_usd")) - want) < 1e-12);
  result_free(&r);
  env_close(&e);
}
END_TEST

/* The value of one sample line of the metrics text, or -1. */
static double metric(const char *text, const char *series) {
  size_t n = strlen(series);
  for (const char *p = text; (p = strstr(p, series)) != NULL; p += n)
    if ((p == text || p[-1] == '\n') && p[n] == ' ')
      return strtod(p + n + 1, NULL);
  return -1;
}

/* What the calls did shows in /metrics: requests by status, the latency
 * histogram, tokens by kind and the cost, as the telemetry has them. */
START_TEST(test_metrics_follow_the_calls) {
  env e;
  env_init(&e, NULL);
  result r = run_marked(&e, "[[fault:500x1]]");
  ck_assert_msg(r.o.status == 0, "%s", r.o.message);
  char *m = cw_metrics_render();
  ck_assert_ptr_nonnull(m);
  ck_assert(metric(m, "careeros_llm_requests_total{status=\"500\"}") == 1);
  ck_assert(metric(m, "careeros_llm_requests_total{status=\"200\"}") == 1);
  ck_assert(metric(m, "careeros_llm_request_duration_seconds_count") == 2);
  ck_assert(metric(m, "careeros_llm_tokens_total{kind=\"prompt\"}") == (double)tel_int(&r, 0, "prompt_tokens"));
  ck_assert(metric(m, "careeros_llm_tokens_total{kind=\"completion\"}") ==
            (double)tel_int(&r, 0, "completion_tokens"));
  double cost = json_real_value(json_object_get(call_tel(&r, 0), "cost_usd"));
  ck_assert(cost > 0 && fabs(metric(m, "careeros_llm_cost_usd_total") - cost) < 1e-12);
  free(m);
  result_free(&r);
  env_close(&e);
}
END_TEST

START_TEST(test_parse_tools_mode) {
  env e;
  env_start_fake(&e, NULL);
  setstr(&e.cfg.llm.output_mode, "tools");
  env_open(&e, false);
  result r = run_call(&e, RESUME, false, NULL);
  ck_assert_msg(r.o.status == 0, "status %d %s", r.o.status, r.o.message);
  ck_assert_str_eq(json_string_value(json_object_get(r.o.result, "source_type")), "openai_function_call");
  json_t *body = last_body(&e);
  ck_assert(json_is_false(json_object_get(body, "parallel_tool_calls")));
  ck_assert_str_eq(
      json_string_value(json_object_get(json_object_get(json_object_get(body, "tool_choice"), "function"), "name")),
      "resume_parse");
  ck_assert_ptr_null(json_object_get(body, "response_format"));
  json_decref(body);
  result_free(&r);
  env_close(&e);
}
END_TEST

static void check_enrich(env *e) {
  result p = run_call(e, RESUME, false, NULL);
  ck_assert_int_eq(p.o.status, 0);
  json_t *doc = json_object_get(p.o.result, "document");
  size_t n_entries = json_array_size(json_object_get(doc, "work_experience")) +
                     json_array_size(json_object_get(doc, "education"));
  result r = run_call(e, RESUME, true, doc);
  ck_assert_msg(r.o.status == 0, "status %d %s", r.o.status, r.o.message);
  json_t *entries = json_object_get(r.o.result, "entries");
  ck_assert_int_eq(json_array_size(entries), n_entries);
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(entries, 0), "path")), "work_experience.0");
  ck_assert(json_is_object(json_object_get(json_array_get(entries, 0), "parsed_structure")));
  json_t *career = json_object_get(r.o.result, "career");
  long ls = (long)json_integer_value(json_object_get(career, "leadership_score"));
  ck_assert(ls >= 0 && ls <= 100);
  ck_assert_int_eq(json_array_size(json_object_get(r.o.result, "narratives")), 3);
  ck_assert_int_eq(json_integer_value(json_object_get(r.o.telemetry, "total_llm_calls")), 2);
  ck_assert_ptr_nonnull(json_string_value(json_object_get(r.o.result, "model_version")));
  result_free(&r);
  result_free(&p);
}

START_TEST(test_enrich_two_calls) {
  env e;
  env_init(&e, NULL);
  check_enrich(&e);
  ck_assert_int_eq(fake_llm_stat(&e.fake, "chat_requests", 60000), 3); /* parse + 2: three per resume */
  env_close(&e);
}
END_TEST

START_TEST(test_enrich_without_entries_and_long_payload) {
  env e;
  env_start_fake(&e, NULL);
  e.cfg.llm.max_input_tokens = 2000;
  env_open(&e, false);
  /* no entries: only the career call */
  json_t *empty = json_pack("{s:{s:s,s:n,s:n,s:n,s:n,s:[]},s:n,s:[],s:[],s:[],s:[],s:[],s:[]}", "contact", "name",
                            "Jane Doe", "headline", "email", "phone", "location", "urls", "summary",
                            "work_experience", "education", "skills", "projects", "certifications", "languages");
  result r = run_call(&e, RESUME, true, empty);
  ck_assert_msg(r.o.status == 0, "%s", r.o.message);
  ck_assert_int_eq(json_array_size(json_object_get(r.o.result, "entries")), 0);
  ck_assert_int_eq(json_integer_value(json_object_get(r.o.telemetry, "total_llm_calls")), 1);
  ck_assert_str_eq(json_string_value(json_object_get(call_tel(&r, 0), "call")), "enrich_career");
  result_free(&r);
  /* a document larger than the budget: long descriptions are shortened, recorded */
  json_t *doc = json_deep_copy(empty);
  char *longdesc = malloc(30001);
  memset(longdesc, 'x', 30000);
  longdesc[30000] = '\0';
  for (int i = 0; i < 3; i++)
    json_array_append_new(json_object_get(doc, "work_experience"),
                          json_pack("{s:s,s:s,s:n,s:s,s:n,s:b,s:s,s:s,s:f}", "company", "Acme", "title", "Engineer",
                                    "location", "start_date", "2019", "end_date", "is_current", 1, "date_text",
                                    "2019 - Present", "description", longdesc, "confidence", 0.9));
  free(longdesc);
  r = run_call(&e, RESUME, true, doc);
  ck_assert_msg(r.o.status == 0, "%s", r.o.message);
  ck_assert(json_is_true(json_object_get(r.o.telemetry, "input_truncated")));
  ck_assert(json_is_true(json_object_get(call_tel(&r, 0), "input_truncated")));
  ck_assert_int_le(tel_int(&r, 0, "prompt_tokens"), 2600);
  ck_assert_int_eq(json_array_size(json_object_get(r.o.result, "entries")), 3);
  /* parsed_structure keeps the full entry, not the shortened one */
  const char *d = json_string_value(json_object_get(
      json_object_get(json_array_get(json_object_get(r.o.result, "entries"), 0), "parsed_structure"), "description"));
  ck_assert_int_eq(strlen(d), 30000);
  /* and the caller's document, which the call shares, is left as it was */
  d = json_string_value(json_object_get(json_array_get(json_object_get(doc, "work_experience"), 2), "description"));
  ck_assert_int_eq(strlen(d), 30000);
  result_free(&r);
  json_decref(doc);
  json_decref(empty);
  env_close(&e);
}
END_TEST

START_TEST(test_enrich_tools_mode) {
  env e;
  env_start_fake(&e, NULL);
  setstr(&e.cfg.llm.output_mode, "tools");
  env_open(&e, false);
  check_enrich(&e);
  env_close(&e);
}
END_TEST

/* ---- lenient reading, bounded repair ------------------------------------------ */

/* Whether any object in v has a property named k. */
static bool has_key_anywhere(json_t *v, const char *k) {
  if (json_is_object(v)) {
    if (json_object_get(v, k))
      return true;
    const char *kk;
    json_t *x;
    json_object_foreach(v, kk, x) if (has_key_anywhere(x, k)) return true;
  } else if (json_is_array(v)) {
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) if (has_key_anywhere(x, k)) return true;
  }
  return false;
}

/* Fenced and prose-wrapped answers are read in one request, in both modes,
 * and telemetry says how each was unwrapped; unknown properties are
 * dropped (and counted) before anything leaves the provider. */
START_TEST(test_lenient_reading) {
  static const struct {
    const char *marker, *mode, *unwrapped;
    long extras;
  } cases[] = {
      {"[[fault:fenced]]", "json_schema", "fence", 0},  {"[[fault:fencedplain]]", "tools", "fence", 0},
      {"[[fault:prose]]", "tools", "prose", 0},         {"[[fault:fencedprose]]", "json_schema", "fence+prose", 0},
      {"[[fault:extra]]", "json_schema", NULL, 2},      {"[[fault:extra]]", "tools", NULL, 2},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    env e;
    env_start_fake(&e, NULL);
    setstr(&e.cfg.llm.output_mode, cases[i].mode);
    env_open(&e, false);
    result r = run_marked(&e, cases[i].marker);
    ck_assert_msg(r.o.status == 0, "%s: %s", cases[i].marker, r.o.message);
    ck_assert_int_eq(fake_llm_stat(&e.fake, "chat_requests", 60000), 1);
    ck_assert(json_is_false(json_object_get(call_tel(&r, 0), "repair_round")));
    const char *how = json_string_value(json_object_get(call_tel(&r, 0), "answer_unwrapped"));
    if (cases[i].unwrapped)
      ck_assert_msg(how && !strcmp(how, cases[i].unwrapped), "%s: unwrapped %s", cases[i].marker, how);
    else
      ck_assert_ptr_null(how);
    ck_assert_int_eq(tel_int(&r, 0, "extra_properties_dropped"), cases[i].extras);
    ck_assert_int_eq(json_integer_value(json_object_get(r.o.telemetry, "total_extra_properties_dropped")),
                     cases[i].extras);
    json_t *doc = json_object_get(r.o.result, "document");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(doc, "work_experience"), 0),
                                                       "company")),
                     "Acme Corp");
    ck_assert(!has_key_anywhere(r.o.result, "_reasoning") && !has_key_anywhere(r.o.result, "_note"));
    result_free(&r);
    env_close(&e);
  }
}
END_TEST

/* Both enrich calls drop what their schemas do not name. */
START_TEST(test_lenient_enrich_drops_extras) {
  env e;
  env_init(&e, NULL);
  /* under a work entry, so that the entries call sees the marker too */
  const char *text =
      "Jane Doe\nEXPERIENCE\nEngineer at Globex (2015 - 2019)\n[[fault:extra]]\nEDUCATION\nMIT, BSc (2011)\n";
  result p = run_call(&e, text, false, NULL);
  ck_assert_int_eq(p.o.status, 0);
  result r = run_call(&e, text, true, json_object_get(p.o.result, "document"));
  ck_assert_msg(r.o.status == 0, "%s", r.o.message);
  ck_assert_int_eq(fake_llm_stat(&e.fake, "chat_requests", 60000), 3);
  ck_assert_int_eq(tel_int(&r, 0, "extra_properties_dropped"), 2);
  ck_assert_int_eq(tel_int(&r, 1, "extra_properties_dropped"), 2);
  ck_assert_int_eq(json_integer_value(json_object_get(r.o.telemetry, "total_extra_properties_dropped")), 4);
  ck_assert(!has_key_anywhere(r.o.result, "_reasoning") && !has_key_anywhere(r.o.result, "_note"));
  ck_assert_int_eq(json_array_size(json_object_get(r.o.result, "narratives")), 3);
  result_free(&r);
  result_free(&p);
  env_close(&e);
}
END_TEST

/* The repair round of a long resume whose answer is large and breaks the
 * schema sixty times (the last request the fake saw): it quotes the first 4 KiB of the answer and
 * twenty problems, and the whole body stays within max_input_tokens at 4
 * bytes per token. */
START_TEST(test_repair_is_bounded) {
  env e;
  env_start_fake(&e, NULL);
  e.cfg.llm.max_input_tokens = 3000;
  env_open(&e, false);
  size_t n = 60000;
  char *big = malloc(n + 64);
  size_t k = (size_t)snprintf(big, n + 64, "%s[[fault:bloat]]\nPROJECTS\n", RESUME);
  while (k + 40 < n) {
    memcpy(big + k, "- Did a lot of \"useful\" work every day.\n", 40);
    k += 40;
  }
  big[k] = '\0';
  result r = run_call(&e, big, false, NULL);
  free(big);
  ck_assert_int_eq(r.o.code, CW_ERR_LLM_INVALID_OUTPUT); /* the fake breaks the schema again */
  ck_assert(json_is_true(json_object_get(call_tel(&r, 0), "repair_round")));
  ck_assert_int_eq(fake_llm_stat(&e.fake, "chat_requests", 60000), 2);
  json_t *last = fake_llm_get(&e.fake, "/last");
  const char *raw = json_string_value(json_object_get(last, "body"));
  ck_assert_msg(strlen(raw) <= 4 * 3000, "repair request of %zu bytes", strlen(raw));
  json_t *body = json_loads(raw, 0, NULL);
  json_t *msgs = json_object_get(body, "messages");
  ck_assert_int_eq(json_array_size(msgs), 4);
  const char *quote = json_string_value(json_object_get(json_array_get(msgs, 2), "content"));
  ck_assert_ptr_nonnull(strstr(quote, "more bytes of the answer not shown"));
  ck_assert_int_le(strlen(quote), 4096 + 64);
  const char *complaint = json_string_value(json_object_get(json_array_get(msgs, 3), "content"));
  int problems = 0;
  for (const char *q = complaint; (q = strstr(q, "\n- $")) != NULL; q++)
    problems++;
  ck_assert_int_ge(problems, 5);
  ck_assert_int_le(problems, 20);
  json_decref(body);
  json_decref(last);
  result_free(&r);
  env_close(&e);
}
END_TEST

/* What the repair round quotes and lists, piece by piece. */
START_TEST(test_repair_pieces) {
  char *q = cw__repair_quote("{\"a\":\"\xc3\xa9\xc3\xa9\"}", 12, 7);
  ck_assert_ptr_nonnull(q);
  ck_assert(!strncmp(q, "{\"a\":\"\n", 7)); /* cut before the character 7 bytes would split */
  ck_assert_ptr_nonnull(strstr(q, "[... 6 more bytes of the answer not shown]"));
  free(q);
  q = cw__repair_quote("{}", 2, 7);
  ck_assert_str_eq(q, "{}");
  free(q);
  json_t *errs = json_array();
  char big[1000];
  memset(big, 'y', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  for (int i = 0; i < 30; i++)
    json_array_append_new(errs, json_string(big));
  char *c = cw__repair_complaint("Problems:\n{{ERRORS}}Again.", errs);
  ck_assert_ptr_nonnull(c);
  ck_assert(!strncmp(c, "Problems:\n- y", 13));
  ck_assert_ptr_nonnull(strstr(c, "- ... and 10 more problems\nAgain."));
  ck_assert_int_le(strlen(c), 20 * (300 + 3) + 64);
  free(c);
  json_decref(errs);
}
END_TEST

/* What is unwrapped and what is not. */
START_TEST(test_answer_unwrapping) {
  static const struct {
    const char *text;
    int how; /* -1: not read */
  } cases[] = {
      {"{\"a\":1}", 0},
      {"  {\"a\":1}\n", 0},
      {"```json\n{\"a\":1}\n```", CW__ANSWER_FENCED},
      {"```\n{\"a\":1}\n```\n", CW__ANSWER_FENCED},
      {"```JSON\r\n{\"a\": {\"b\": [1, 2]}}\r\n```", CW__ANSWER_FENCED},
      {"Here you go:\n{\"a\":1}", CW__ANSWER_PROSE},
      {"{\"a\":1}\nHope this helps!", CW__ANSWER_PROSE},
      {"Sure:\n```json\n{\"a\":1}\n```\nDone.", CW__ANSWER_FENCED | CW__ANSWER_PROSE},
      {"Result: {\"a\":1}", CW__ANSWER_PROSE},
      {"```json\n{\"a\":1}", -1},                /* an opener without its closer */
      {"{\"a\":1}\n```", -1},                    /* a closer without its opener */
      {"One.\nTwo.\n{\"a\":1}", -1},            /* two prose lines */
      {"{\"a\":1}\nOne.\nTwo.", -1},
      {"{\"a\":1}\n{\"b\":2}", -1},            /* two objects */
      {"{\"a\":1} and [1]", -1},
      {"Here:\n{\"a\":", -1},                    /* not JSON inside */
      {"no JSON at all", -1},
      {"```python\nprint(1)\n```", -1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int how = -2;
    char err[200] = "";
    json_t *v = cw__answer_load(cases[i].text, strlen(cases[i].text), &how, err, sizeof err);
    if (cases[i].how < 0) {
      ck_assert_msg(v == NULL, "case %zu read", i);
      ck_assert_msg(!strncmp(err, "$: not valid JSON", 17), "case %zu: %s", i, err);
    } else {
      ck_assert_msg(json_is_object(v), "case %zu not read: %s", i, err);
      ck_assert_msg(how == cases[i].how, "case %zu: how %d", i, how);
      ck_assert_ptr_nonnull(json_object_get(v, "a"));
    }
    json_decref(v);
  }
}
END_TEST

/* Only closed objects lose their unknown properties; the rest is kept for
 * the validation to judge. */
START_TEST(test_drop_unknown_properties) {
  json_t *schema = json_loads("{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"a\",\"l\"],"
                              "\"properties\":{\"a\":{\"type\":\"integer\"},\"l\":{\"type\":\"array\",\"items\":"
                              "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"x\"],"
                              "\"properties\":{\"x\":{\"type\":\"string\"}}}}}}",
                              0, NULL);
  ck_assert_ptr_nonnull(schema);
  json_t *v = json_loads("{\"a\":1,\"z\":{\"deep\":1},\"l\":[{\"x\":\"s\",\"y\":2},{\"x\":\"t\"},3]}", 0, NULL);
  ck_assert_int_eq(cw__schema_drop_unknown(schema, v), 2);
  json_t *errors = json_array();
  ck_assert_int_eq(cw__schema_validate(schema, v, errors, 20), 1); /* the 3 is still wrong */
  ck_assert_ptr_null(json_object_get(v, "z"));
  ck_assert_ptr_null(json_object_get(json_array_get(json_object_get(v, "l"), 0), "y"));
  json_decref(errors);
  json_decref(v);
  json_decref(schema);
}
END_TEST

/* ---- the checkpoint between the enrich calls ---------------------------------- */

/* The career call fails once: the failed outcome keeps the entries' answer,
 * and the retry given it asks for the career only, then delivers the same
 * entries.  Telemetry shows the reuse; the fake server counts the calls. */
START_TEST(test_enrich_checkpoint_spares_the_entries_call) {
  env e;
  env_start_fake(&e, NULL);
  e.cfg.llm.max_retries = 0;
  env_open(&e, false);
  const char *text = "Jane Doe\nEXPERIENCE\nEngineer at Globex (2015 - 2019)\n[[fault:500x1@career]]\nEDUCATION\n"
                     "MIT, BSc (2011)\n";
  result p = run_call(&e, text, false, NULL);
  ck_assert_int_eq(p.o.status, 0);
  json_t *doc = json_object_get(p.o.result, "document");
  result r1 = run_call(&e, text, true, doc);
  ck_assert_int_eq(r1.o.code, CW_ERR_LLM_UNAVAILABLE);
  ck_assert_int_eq(fake_llm_stat(&e.fake, "chat_requests", 60000), 3);
  json_t *kept = json_object_get(r1.o.checkpoint, "enrich_entries");
  ck_assert_msg(json_is_object(json_object_get(kept, "answer")), "no entries answer kept");
  ck_assert_ptr_null(json_object_get(r1.o.checkpoint, "enrich_career"));

  result r2 = run_call_kept(&e, text, true, doc, r1.o.checkpoint);
  ck_assert_msg(r2.o.status == 0, "%s", r2.o.message);
  ck_assert_int_eq(fake_llm_stat(&e.fake, "chat_requests", 60000), 4); /* the career call alone */
  ck_assert_ptr_null(r2.o.checkpoint);
  json_t *c0 = call_tel(&r2, 0);
  ck_assert_str_eq(json_string_value(json_object_get(c0, "call")), "enrich_entries");
  ck_assert(json_is_true(json_object_get(c0, "reused")));
  ck_assert_int_eq(tel_int(&r2, 0, "attempts"), 0);
  ck_assert(json_is_false(json_object_get(call_tel(&r2, 1), "reused")));
  ck_assert_int_eq(json_integer_value(json_object_get(r2.o.telemetry, "total_llm_calls")), 1);
  ck_assert_int_eq(json_integer_value(json_object_get(r2.o.telemetry, "total_llm_calls_reused")), 1);
  json_t *entries = json_object_get(r2.o.result, "entries");
  ck_assert_int_eq(json_array_size(entries), 2);
  ck_assert(json_equal(json_object_get(json_array_get(entries, 0), "insights"),
                       json_object_get(json_array_get(json_object_get(json_object_get(kept, "answer"), "entries"), 0),
                                       "insights")));
  ck_assert(json_is_object(json_object_get(json_array_get(entries, 0), "parsed_structure")));
  ck_assert_str_eq(json_string_value(json_object_get(r2.o.result, "model_version")), "gpt-4o-mini-2024-07-18");

  /* both answers kept: nothing is asked, and the outcome still comes from
   * the loop (run_call checks it is not delivered inside enrich()) */
  char hex[17];
  cw__llm_fingerprint("2024-05-01", doc, hex); /* what the career call is asked about */
  json_t *all = json_deep_copy(r1.o.checkpoint);
  json_object_set_new(all, "enrich_career",
                      json_pack("{s:s,s:{s:O,s:O}}", "input", hex, "answer", "career",
                                json_object_get(r2.o.result, "career"), "narratives",
                                json_object_get(r2.o.result, "narratives")));
  result r5 = run_call_kept(&e, text, true, doc, all);
  ck_assert_msg(r5.o.status == 0, "%s", r5.o.message);
  ck_assert_int_eq(fake_llm_stat(&e.fake, "chat_requests", 60000), 4);
  ck_assert_int_eq(json_integer_value(json_object_get(r5.o.telemetry, "total_llm_calls")), 0);
  ck_assert_int_eq(json_integer_value(json_object_get(r5.o.telemetry, "total_llm_calls_reused")), 2);
  ck_assert(json_equal(json_object_get(r5.o.result, "career"), json_object_get(r2.o.result, "career")));
  result_free(&r5);
  json_decref(all);
  result_free(&r2);

  /* a kept answer for other input, or one that no longer passes the
   * checks, is not used: the call is made again */
  json_t *other = json_deep_copy(r1.o.checkpoint);
  json_object_set_new(json_object_get(other, "enrich_entries"), "input", json_string("0000000000000000"));
  result r3 = run_call_kept(&e, text, true, doc, other);
  ck_assert_int_eq(r3.o.status, 0);
  ck_assert_int_eq(fake_llm_stat(&e.fake, "chat_requests", 60000), 6);
  ck_assert(json_is_false(json_object_get(call_tel(&r3, 0), "reused")));
  result_free(&r3);
  json_decref(other);
  json_t *bad = json_deep_copy(r1.o.checkpoint);
  json_object_set_new(json_object_get(json_object_get(bad, "enrich_entries"), "answer"), "entries", json_array());
  result r4 = run_call_kept(&e, text, true, doc, bad);
  ck_assert_int_eq(r4.o.status, 0);
  ck_assert_int_eq(fake_llm_stat(&e.fake, "chat_requests", 60000), 8);
  ck_assert_int_eq(json_array_size(json_object_get(r4.o.result, "entries")), 2);
  result_free(&r4);
  json_decref(bad);
  result_free(&r1);
  result_free(&p);
  env_close(&e);
}
END_TEST

/* The document a first attempt holds in memory and the one its retry
 * rebuilds from the stored entities (keys in jsonb's order, empty lists
 * left out) have one fingerprint; other content or another date do not. */
START_TEST(test_fingerprint_ignores_form) {
  json_t *mem = json_loads("{\"contact\":{\"name\":\"Jane\",\"email\":null,\"urls\":[]},\"summary\":null,"
                           "\"work_experience\":[{\"title\":\"Engineer\",\"company\":\"Globex\",\"end_date\":null,"
                           "\"confidence\":0.90000000000000002}],\"skills\":[],\"projects\":[]}",
                           0, NULL);
  json_t *db = json_loads("{\"contact\":{\"urls\":[],\"name\":\"Jane\"},\"work_experience\":[{\"company\":"
                          "\"Globex\",\"confidence\":0.9,\"title\":\"Engineer\",\"end_date\":null}]}",
                          0, NULL);
  json_t *other = json_loads("{\"contact\":{\"name\":\"Jane\"},\"work_experience\":[{\"company\":\"Initech\","
                             "\"confidence\":0.9,\"title\":\"Engineer\"}]}",
                             0, NULL);
  char a[17], b[17], c[17], d[17];
  cw__llm_fingerprint("2024-05-01", mem, a);
  cw__llm_fingerprint("2024-05-01", db, b);
  cw__llm_fingerprint("2024-05-01", other, c);
  cw__llm_fingerprint("2024-06-01", db, d);
  ck_assert_int_eq(strlen(a), 16);
  ck_assert_str_eq(a, b);
  ck_assert_str_ne(a, c);
  ck_assert_str_ne(a, d);
  json_decref(mem);
  json_decref(db);
  json_decref(other);
}
END_TEST

/* ---- the fault battery ------------------------------------------------------ */

typedef struct {
  const char *marker;
  const char *fake_flag; /* extra flag for the fake server (with value in fake_val) */
  const char *fake_val;
  int max_retries;       /* -1: default 2 */
  int timeout_ms;        /* 0: default */
  int status_ok;         /* 1: expect success */
  const char *code;      /* expected error code otherwise */
  int attempts;          /* HTTP attempts seen in telemetry */
  const char *flag;      /* telemetry flag that must be true, or NULL */
  double min_ms, max_ms;
} fault_case;

static const fault_case faults[] = {
    {"[[fault:500x1]]", NULL, NULL, -1, 0, 1, NULL, 2, NULL, 0, 5000},
    {"[[fault:500]]", NULL, NULL, -1, 0, 0, "LLM_UNAVAILABLE", 3, NULL, 0, 10000},
    {"[[fault:503x2]]", NULL, NULL, -1, 0, 1, NULL, 3, NULL, 0, 10000},
    {"[[fault:500noretry]]", NULL, NULL, -1, 0, 0, "LLM_UNAVAILABLE", 1, NULL, 0, 2000},
    {"[[fault:429x1]]", NULL, NULL, -1, 0, 1, NULL, 2, NULL, 900, 5000},      /* retry-after: 1 (s) */
    {"[[fault:429msx1]]", NULL, NULL, -1, 0, 1, NULL, 2, NULL, 40, 3000},     /* retry-after-ms wins over 30 s */
    {"[[fault:429datex1]]", NULL, NULL, -1, 0, 1, NULL, 2, NULL, 900, 5000},  /* HTTP-date two seconds ahead */
    {"[[fault:429]]", NULL, NULL, 1, 0, 0, "LLM_RATE_LIMITED", 2, NULL, 900, 5000},
    {"[[fault:quota]]", NULL, NULL, -1, 0, 0, "LLM_QUOTA_EXCEEDED", 1, NULL, 0, 2000},
    {"[[fault:400]]", NULL, NULL, -1, 0, 0, "LLM_BAD_REQUEST", 1, NULL, 0, 2000},
    {"[[fault:401]]", NULL, NULL, -1, 0, 0, "LLM_AUTH", 1, NULL, 0, 2000},
    {"[[fault:azure429x1]]", NULL, NULL, -1, 0, 1, NULL, 2, NULL, 900, 5000},
    {"[[fault:azure500x1]]", NULL, NULL, -1, 0, 1, NULL, 2, NULL, 0, 5000},
    {"[[fault:openrouter]]", NULL, NULL, 1, 0, 0, "LLM_UNAVAILABLE", 2, NULL, 0, 5000},
    {"[[fault:azurefilter]]", NULL, NULL, -1, 0, 0, "LLM_CONTENT_FILTER", 1, NULL, 0, 2000},
    {"[[fault:timeout]]", NULL, NULL, 1, 400, 0, "LLM_UNAVAILABLE", 2, NULL, 700, 5000},
    {"[[fault:timeoutx1]]", NULL, NULL, 1, 400, 1, NULL, 2, NULL, 350, 5000},
    {"[[fault:resetx1]]", NULL, NULL, -1, 0, 1, NULL, 2, NULL, 0, 5000},
    {"[[fault:reset]]", NULL, NULL, -1, 0, 0, "LLM_UNAVAILABLE", 3, NULL, 0, 10000},
    {"[[fault:badbody]]", NULL, NULL, 1, 0, 0, "LLM_UNAVAILABLE", 2, NULL, 0, 5000},
    {"[[fault:malformedx1]]", NULL, NULL, -1, 0, 1, NULL, 2, "repair_round", 0, 5000},
    {"[[fault:malformed]]", NULL, NULL, -1, 0, 0, "LLM_INVALID_OUTPUT", 2, "repair_round", 0, 5000},
    {"[[fault:schemax1]]", NULL, NULL, -1, 0, 1, NULL, 2, "repair_round", 0, 5000},
    {"[[fault:schema]]", NULL, NULL, -1, 0, 0, "LLM_INVALID_OUTPUT", 2, "repair_round", 0, 5000},
    {"[[fault:lengthx1]]", NULL, NULL, -1, 0, 1, NULL, 2, "length_retry", 0, 5000},
    {"[[fault:length]]", NULL, NULL, -1, 0, 0, "LLM_TRUNCATED", 2, "length_retry", 0, 5000},
    {"[[fault:refusal]]", NULL, NULL, -1, 0, 0, "LLM_REFUSED", 1, NULL, 0, 2000},
    {"[[fault:filter]]", NULL, NULL, -1, 0, 0, "LLM_CONTENT_FILTER", 1, NULL, 0, 2000},
    {"[[fault:drip]]", "--drip-ms", "100", 0, 600, 0, "LLM_UNAVAILABLE", 1, NULL, 500, 3000},
    {"[[fault:drip]]", "--drip-ms", "1", 0, 0, 1, NULL, 1, NULL, 0, 8000},
    {"", "--fault", "500x1@parse", -1, 0, 1, NULL, 2, NULL, 0, 5000},
    /* read leniently: one request, no repair round */
    {"[[fault:fenced]]", NULL, NULL, -1, 0, 1, NULL, 1, NULL, 0, 5000},
    {"[[fault:fencedplain]]", NULL, NULL, -1, 0, 1, NULL, 1, NULL, 0, 5000},
    {"[[fault:prose]]", NULL, NULL, -1, 0, 1, NULL, 1, NULL, 0, 5000},
    {"[[fault:fencedprose]]", NULL, NULL, -1, 0, 1, NULL, 1, NULL, 0, 5000},
    {"[[fault:extra]]", NULL, NULL, -1, 0, 1, NULL, 1, NULL, 0, 5000},
    /* anything else still gets its repair round */
    {"[[fault:prose2]]", NULL, NULL, -1, 0, 0, "LLM_INVALID_OUTPUT", 2, "repair_round", 0, 5000},
    {"[[fault:double]]", NULL, NULL, -1, 0, 0, "LLM_INVALID_OUTPUT", 2, "repair_round", 0, 5000},
    {"[[fault:prose2x1]]", NULL, NULL, -1, 0, 1, NULL, 2, "repair_round", 0, 5000},
    /* over 8 bytes per max_tokens: at once, no repair round, no retry */
    {"[[fault:big]]", NULL, NULL, -1, 0, 0, "LLM_OUTPUT_TOO_LARGE", 1, NULL, 0, 5000},
    {"[[fault:huge]]", NULL, NULL, -1, 0, 0, "LLM_OUTPUT_TOO_LARGE", 1, NULL, 0, 10000},
};

START_TEST(test_fault) {
  const fault_case *fc = &faults[_i];
  env e;
  const char *args[3] = {fc->fake_flag, fc->fake_val, NULL};
  env_start_fake(&e, fc->fake_flag ? args : NULL);
  if (fc->max_retries >= 0)
    e.cfg.llm.max_retries = fc->max_retries;
  if (fc->timeout_ms)
    e.cfg.llm.timeout_ms = fc->timeout_ms;
  env_open(&e, false);
  result r = run_marked(&e, fc->marker);
  if (fc->status_ok) {
    ck_assert_msg(r.o.status == 0, "%s: status %d %s", fc->marker, r.o.status, r.o.message);
    ck_assert_ptr_nonnull(json_object_get(r.o.result, "document"));
  } else {
    ck_assert_msg(r.o.status < 0, "%s: expected failure", fc->marker);
    ck_assert_msg(!strcmp(cw_error_name(r.o.code), fc->code), "%s: code %s, want %s (%s)", fc->marker,
                  cw_error_name(r.o.code), fc->code, r.o.message);
    ck_assert_ptr_null(r.o.result);
    ck_assert_str_eq(json_string_value(json_object_get(call_tel(&r, 0), "error")), fc->code);
  }
  ck_assert_msg(tel_int(&r, 0, "attempts") == fc->attempts, "%s: attempts %ld want %d", fc->marker,
                tel_int(&r, 0, "attempts"), fc->attempts);
  ck_assert_int_eq(fake_llm_stat(&e.fake, "chat_requests", 60000), fc->attempts);
  if (fc->flag)
    ck_assert_msg(json_is_true(json_object_get(call_tel(&r, 0), fc->flag)), "%s: %s not set", fc->marker, fc->flag);
  ck_assert_msg(r.ms >= fc->min_ms && r.ms <= fc->max_ms, "%s: took %.0f ms, want %.0f..%.0f", fc->marker, r.ms,
                fc->min_ms, fc->max_ms);
  result_free(&r);
  env_close(&e);
}
END_TEST

START_TEST(test_quota_reschedules_long) {
  env e;
  env_init(&e, NULL);
  result r = run_marked(&e, "[[fault:quota]]");
  ck_assert_int_eq(r.o.code, CW_ERR_LLM_QUOTA_EXCEEDED);
  ck_assert_int_eq(r.o.retry_after_ms, 3600000);
  ck_assert_ptr_nonnull(strstr(r.o.message, "insufficient_quota"));
  result_free(&r);
  env_close(&e);
}
END_TEST

START_TEST(test_rate_limited_keeps_advice) {
  env e;
  env_start_fake(&e, (const char *const[]){"--retry-after", "3", NULL});
  e.cfg.llm.max_retries = 0;
  env_open(&e, false);
  result r = run_marked(&e, "[[fault:429]]");
  ck_assert_int_eq(r.o.code, CW_ERR_LLM_RATE_LIMITED);
  ck_assert_int_eq(r.o.retry_after_ms, 3000); /* the job layer waits as long as the server asked */
  result_free(&r);
  env_close(&e);
}
END_TEST

/* error bodies of OpenAI, Azure and OpenRouter end up in the outcome message */
START_TEST(test_error_bodies) {
  static const struct {
    const char *marker, *code, *needle;
  } cases[] = {
      {"[[fault:500]]", "LLM_UNAVAILABLE", "HTTP 500: The server had an error"},
      {"[[fault:400]]", "LLM_BAD_REQUEST", "HTTP 400 invalid_schema: Invalid schema"},
      {"[[fault:azure500]]", "LLM_UNAVAILABLE", "HTTP 500 InternalServerError: The service is temporarily"},
      {"[[fault:azure429]]", "LLM_RATE_LIMITED", "HTTP 429 429: Requests to the ChatCompletions_Create"},
      {"[[fault:openrouter]]", "LLM_UNAVAILABLE", "HTTP 502 502: Provider returned error"},
      {"[[fault:quota]]", "LLM_QUOTA_EXCEEDED", "HTTP 429 insufficient_quota: You exceeded your current quota"},
  };
  env e;
  env_start_fake(&e, NULL);
  e.cfg.llm.max_retries = 0;
  env_open(&e, false);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    result r = run_marked(&e, cases[i].marker);
    ck_assert_str_eq(cw_error_name(r.o.code), cases[i].code);
    ck_assert_msg(strstr(r.o.message, cases[i].needle), "%s: message \"%s\"", cases[i].marker, r.o.message);
    result_free(&r);
  }
  env_close(&e);
}
END_TEST

START_TEST(test_hallucinated_employer_dropped) {
  env e;
  env_init(&e, NULL);
  result r = run_marked(&e, "[[fault:hallucinate]]");
  ck_assert_int_eq(r.o.status, 0);
  json_t *work = json_object_get(json_object_get(r.o.result, "document"), "work_experience");
  size_t i;
  json_t *w;
  json_array_foreach(work, i, w) ck_assert_str_ne(json_string_value(json_object_get(w, "company")) ?: "",
                                                  "Initech Global Holdings");
  ck_assert_int_eq(json_array_size(work), 2);
  json_t *g = json_object_get(r.o.telemetry, "grounding");
  ck_assert_int_eq(json_integer_value(json_object_get(g, "dropped")), 1);
  ck_assert_int_ge(json_integer_value(json_object_get(g, "checked")), 3);
  ck_assert_int_eq(json_integer_value(json_object_get(r.o.telemetry, "total_grounding_dropped")), 1);
  result_free(&r);
  env_close(&e);
}
END_TEST

START_TEST(test_enrich_fault_in_one_call) {
  /* the marker sits under a work entry, so the entries call sees it */
  env e;
  env_init(&e, NULL);
  const char *text =
      "Jane Doe\nEXPERIENCE\nEngineer at Globex (2015 - 2019)\n[[fault:schemax1@entries]]\nEDUCATION\nMIT, BSc (2011)\n";
  result p = run_call(&e, text, false, NULL);
  ck_assert_int_eq(p.o.status, 0);
  result r = run_call(&e, text, true, json_object_get(p.o.result, "document"));
  ck_assert_msg(r.o.status == 0, "%s", r.o.message);
  json_t *c0 = call_tel(&r, 0);
  ck_assert_str_eq(json_string_value(json_object_get(c0, "call")), "enrich_entries");
  ck_assert(json_is_true(json_object_get(c0, "repair_round")));
  ck_assert(json_is_false(json_object_get(call_tel(&r, 1), "repair_round")));
  result_free(&r);
  result_free(&p);
  env_close(&e);
}
END_TEST

START_TEST(test_fallback_offline) {
  env e;
  env_start_fake(&e, NULL);
  e.cfg.llm.max_retries = 1;
  e.cfg.provider.fallback_offline = true;
  env_open(&e, true);
  result r = run_marked(&e, "[[fault:503]]");
  ck_assert_msg(r.o.status == 0, "%s", r.o.message);
  ck_assert_str_eq(json_string_value(json_object_get(r.o.result, "source_type")), CW_HEURISTIC_SOURCE);
  ck_assert_str_eq(json_string_value(json_object_get(r.o.result, "fallback_from")), "openai");
  json_t *fb = json_object_get(r.o.telemetry, "fallback");
  ck_assert_str_eq(json_string_value(json_object_get(fb, "reason")), "LLM_UNAVAILABLE");
  ck_assert_int_eq(tel_int(&r, 0, "attempts"), 2);
  result_free(&r);
  /* permanent errors do not fall back */
  r = run_marked(&e, "[[fault:refusal]]");
  ck_assert_int_eq(r.o.code, CW_ERR_LLM_REFUSED);
  result_free(&r);
  env_close(&e);
}
END_TEST

START_TEST(test_empty_text_never_sent) {
  env e;
  env_init(&e, NULL);
  result r = run_call(&e, "  \n\t\n", false, NULL);
  ck_assert_int_eq(r.o.code, CW_ERR_TEXT_EMPTY);
  ck_assert_int_eq(fake_llm_stat(&e.fake, "chat_requests", 60000), 0);
  result_free(&r);
  env_close(&e);
}
END_TEST

START_TEST(test_input_budget_truncation) {
  env e;
  env_start_fake(&e, NULL);
  e.cfg.llm.max_input_tokens = 2000;
  env_open(&e, false);
  size_t n = 200000;
  char *big = malloc(n + strlen(RESUME) + 1);
  strcpy(big, RESUME);
  size_t k = strlen(big);
  while (k + 40 < n) {
    memcpy(big + k, "- Did a lot of useful work every day.\n", 38);
    k += 38;
  }
  big[k] = '\0';
  result r = run_call(&e, big, false, NULL);
  free(big);
  ck_assert_msg(r.o.status == 0, "%s", r.o.message);
  ck_assert(json_is_true(json_object_get(r.o.telemetry, "input_truncated")));
  ck_assert(json_is_true(json_object_get(call_tel(&r, 0), "input_truncated")));
  ck_assert_int_lt(json_integer_value(json_object_get(r.o.telemetry, "input_chars")), 8000);
  ck_assert_int_le(tel_int(&r, 0, "prompt_tokens"), 2600);
  result_free(&r);
  env_close(&e);
}
END_TEST

START_TEST(test_azure_style_and_headers) {
  env e;
  env_start_fake(&e, (const char *const[]){"--api-key", SECRET_KEY, NULL});
  setstr(&e.cfg.llm.api_style, "azure");
  setstr(&e.cfg.llm.base_url, e.fake.base);
  setstr(&e.cfg.llm.model, "my-deployment");
  e.cfg.llm.api_key = strdup(SECRET_KEY);
  e.cfg.llm.headers[e.cfg.llm.n_headers++] = strdup("X-Title: careeros-test");
  env_open(&e, false);
  result r = run_call(&e, RESUME, false, NULL);
  ck_assert_msg(r.o.status == 0, "%s", r.o.message);
  json_t *last = fake_llm_get(&e.fake, "/last");
  ck_assert_str_eq(json_string_value(json_object_get(last, "path")),
                   "/openai/deployments/my-deployment/chat/completions");
  ck_assert_str_eq(json_string_value(json_object_get(last, "api_version")), e.cfg.llm.azure_api_version);
  ck_assert_str_eq(json_string_value(json_object_get(json_object_get(last, "headers"), "X-Title")), "careeros-test");
  json_decref(last);
  result_free(&r);
  env_close(&e);
}
END_TEST

START_TEST(test_openai_bearer_and_wrong_key) {
  env e;
  env_start_fake(&e, (const char *const[]){"--api-key", "sk-right-key-000000000000", NULL});
  e.cfg.llm.api_key = strdup(SECRET_KEY);
  env_open(&e, false);
  result r = run_call(&e, RESUME, false, NULL);
  ck_assert_int_eq(r.o.code, CW_ERR_LLM_AUTH);
  ck_assert_int_eq(tel_int(&r, 0, "attempts"), 1);
  result_free(&r);
  env_close(&e);
}
END_TEST

/* ---- the key never reaches logs, errors or telemetry ----------------------- */

START_TEST(test_key_never_logged) {
  char path[] = "/tmp/cw-llm-log-XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  fflush(stderr);
  int saved = dup(2);
  dup2(fd, 2);
  cw_log_set_level(CW_LOG_DEBUG);
  env e;
  env_start_fake(&e, (const char *const[]){"--api-key", SECRET_KEY, NULL});
  e.cfg.llm.api_key = strdup(SECRET_KEY);
  e.cfg.llm.max_retries = 1;
  env_open(&e, false);
  const char *markers[] = {"", "[[fault:500]]", "[[fault:401]]", "[[fault:schema]]", "[[fault:400]]"};
  for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++) {
    result r = run_marked(&e, markers[i]);
    if (i == 0) /* the key goes out as "Authorization: Bearer" and is taken */
      ck_assert_msg(r.o.status == 0, "with the right key: %s", r.o.message);
    ck_assert_ptr_null(strstr(r.o.message, SECRET_KEY));
    ck_assert_ptr_null(strstr(r.o.message, "SECRETKEY"));
    char *t = json_dumps(r.o.telemetry, 0);
    ck_assert_ptr_null(strstr(t, "SECRETKEY"));
    free(t);
    if (r.o.result) {
      char *s = json_dumps(r.o.result, 0);
      ck_assert_ptr_null(strstr(s, "SECRETKEY"));
      free(s);
    }
    result_free(&r);
  }
  env_close(&e);
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  FILE *f = fopen(path, "r");
  char line[4096];
  int lines = 0;
  while (fgets(line, sizeof line, f)) {
    lines++;
    ck_assert_msg(strstr(line, "SECRETKEY") == NULL, "key in log line: %s", line);
  }
  fclose(f);
  unlink(path);
  ck_assert_int_gt(lines, 5); /* the logs were captured at all */
}
END_TEST

START_TEST(test_scrub_key_echoed_by_server) {
  /* an error message that quotes the key (as OpenAI's 401 does) is scrubbed */
  env e;
  env_start_fake(&e, (const char *const[]){"--api-key", "sk-other-0000000000000", NULL});
  e.cfg.llm.api_key = strdup(SECRET_KEY);
  env_open(&e, false);
  result r = run_call(&e, RESUME, false, NULL);
  ck_assert_int_eq(r.o.code, CW_ERR_LLM_AUTH);
  ck_assert_ptr_null(strstr(r.o.message, "SECRETKEY"));
  result_free(&r);
  env_close(&e);
}
END_TEST

/* ---- redaction ----------------------------------------------------------------- */

START_TEST(test_redact_patterns) {
  cw_redactor *rd;
  ck_assert_int_eq(cw_redactor_new(&rd), 0);
  const char *t = "Jane Doe | jane.doe@example.com | +49 (30) 1234 5678 | https://janedoe.dev.\n"
                  "linkedin.com/in/janedoe and @janedoe; again jane.doe@example.com\n"
                  "Engineer at Acme (2019 - 2021), since 2019-03-01, 2015-2019\n";
  char *out;
  size_t n;
  json_t *found;
  ck_assert_int_eq(cw_redact(rd, t, strlen(t), &out, &n, &found), 0);
  ck_assert_ptr_null(strstr(out, "jane.doe@example.com"));
  ck_assert_ptr_null(strstr(out, "1234 5678"));
  ck_assert_ptr_null(strstr(out, "janedoe.dev"));
  ck_assert_ptr_null(strstr(out, "linkedin.com"));
  ck_assert_ptr_null(strstr(out, "@janedoe"));
  ck_assert_ptr_nonnull(strstr(out, "[EMAIL_1]"));
  ck_assert_ptr_null(strstr(out, "[EMAIL_2]")); /* a repeated address keeps its number */
  ck_assert_ptr_nonnull(strstr(out, "[PHONE_1]"));
  ck_assert_ptr_nonnull(strstr(out, "[URL_1]."));  /* the full stop stays outside */
  ck_assert_ptr_nonnull(strstr(out, "[URL_2]"));
  ck_assert_ptr_nonnull(strstr(out, "[HANDLE_1]"));
  /* dates and names stay */
  ck_assert_ptr_nonnull(strstr(out, "(2019 - 2021)"));
  ck_assert_ptr_nonnull(strstr(out, "2019-03-01"));
  ck_assert_ptr_nonnull(strstr(out, "2015-2019"));
  ck_assert_ptr_nonnull(strstr(out, "Engineer at Acme"));
  ck_assert_str_eq(json_string_value(json_array_get(json_object_get(found, "emails"), 0)), "jane.doe@example.com");
  ck_assert_str_eq(json_string_value(json_array_get(json_object_get(found, "phones"), 0)), "+49 (30) 1234 5678");
  json_t *doc = json_pack("{s:s,s:[s]}", "email", "[EMAIL_1]", "urls", "see [URL_2] now");
  cw_redact_restore(doc, found);
  ck_assert_str_eq(json_string_value(json_object_get(doc, "email")), "jane.doe@example.com");
  ck_assert_str_eq(json_string_value(json_array_get(json_object_get(doc, "urls"), 0)),
                   "see linkedin.com/in/janedoe now");
  json_decref(doc);
  json_decref(found);
  free(out);
  cw_redactor_free(rd);
}
END_TEST

START_TEST(test_redact_end_to_end) {
  env e;
  env_start_fake(&e, NULL);
  e.cfg.llm.redact_contacts = true;
  env_open(&e, false);
  result r = run_call(&e, RESUME, false, NULL);
  ck_assert_msg(r.o.status == 0, "%s", r.o.message);
  json_t *last = fake_llm_get(&e.fake, "/last");
  const char *body = json_string_value(json_object_get(last, "body"));
  ck_assert_ptr_null(strstr(body, "jane.doe@example.com"));
  ck_assert_ptr_null(strstr(body, "555 123"));
  ck_assert_ptr_nonnull(strstr(body, "[EMAIL_1]"));
  json_t *contact = json_object_get(json_object_get(r.o.result, "document"), "contact");
  ck_assert_str_eq(json_string_value(json_object_get(contact, "email")), "jane.doe@example.com");
  ck_assert_str_eq(json_string_value(json_object_get(contact, "phone")), "+1 555 123 4567");
  ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(r.o.telemetry, "redaction"), "emails")), 1);
  json_decref(last);
  result_free(&r);
  env_close(&e);
}
END_TEST

/* ---- parsing helpers ----------------------------------------------------------- */

START_TEST(test_schema_errors_name_the_path) {
  json_t *schema = json_loads(
      "{\"type\": \"object\", \"additionalProperties\": false, \"required\": [\"name\", \"items\"],"
      " \"properties\": {\"name\": {\"type\": \"string\"}, \"items\": {\"type\": \"array\", \"items\":"
      " {\"type\": \"object\", \"additionalProperties\": false, \"required\": [\"date\"], \"properties\":"
      " {\"date\": {\"type\": [\"string\", \"null\"], \"pattern\": \"^[0-9]{4}$\"}}}}}}",
      0, NULL);
  ck_assert_ptr_nonnull(schema);
  json_t *good = json_loads("{\"name\": \"a\", \"items\": [{\"date\": \"2020\"}, {\"date\": null},"
                            " {\"date\": \"1999\"}]}", 0, NULL);
  json_t *errors = json_array();
  ck_assert_uint_eq(cw__schema_validate(schema, good, errors, 10), 0);
  /* the same pattern on three values of one answer: each is checked */
  json_t *bad = json_loads("{\"name\": 5, \"items\": [{\"date\": \"2020\"}, {\"date\": \"20x0\"},"
                           " {\"date\": \"21\", \"extra\": 1}]}", 0, NULL);
  ck_assert_uint_eq(cw__schema_validate(schema, bad, errors, 10), 4);
  ck_assert_str_eq(json_string_value(json_array_get(errors, 0)), "$.name: expected string, got integer");
  ck_assert_str_eq(json_string_value(json_array_get(errors, 1)),
                   "$.items[1].date: does not match the pattern ^[0-9]{4}$");
  ck_assert_str_eq(json_string_value(json_array_get(errors, 2)),
                   "$.items[2].date: does not match the pattern ^[0-9]{4}$");
  ck_assert_str_eq(json_string_value(json_array_get(errors, 3)), "$.items[2]: unknown property \"extra\"");
  json_decref(errors);
  json_decref(good);
  json_decref(bad);
  json_decref(schema);
}
END_TEST

/* Every keyword the validator applies to an answer before anything is
 * written, one violation each, in document order; then the error cap. */
START_TEST(test_schema_keywords_each_reject) {
  json_t *schema = json_loads(
      "{\"type\": \"object\", \"additionalProperties\": false,"
      " \"required\": [\"kind\", \"score\", \"ratio\", \"note\", \"tags\", \"when\", \"gone\"],"
      " \"properties\": {"
      "  \"kind\": {\"type\": \"string\", \"enum\": [\"a\", \"b\"]},"
      "  \"score\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 100},"
      "  \"ratio\": {\"type\": \"number\", \"minimum\": 0, \"maximum\": 1},"
      "  \"note\": {\"type\": [\"string\", \"null\"], \"x-cw-maxLength\": 3},"
      "  \"tags\": {\"type\": \"array\", \"minItems\": 1, \"maxItems\": 2, \"items\": {\"type\": \"string\"}},"
      "  \"when\": {\"anyOf\": [{\"type\": \"null\"}, {\"type\": \"string\", \"pattern\": \"^[0-9]{4}$\"}]},"
      "  \"gone\": {\"type\": \"boolean\"}}}",
      0, NULL);
  ck_assert_ptr_nonnull(schema);
  json_t *errors = json_array();
  /* at the limits, with UTF-8 counted in characters, not bytes */
  json_t *good = json_loads("{\"kind\": \"a\", \"score\": 100, \"ratio\": 0, \"note\": \"\u00e9\u00e9\u00e9\","
                            " \"tags\": [\"x\", \"y\"], \"when\": \"2024\", \"gone\": true}", 0, NULL);
  ck_assert_uint_eq(cw__schema_validate(schema, good, errors, 20), 0);
  json_t *bad = json_loads("{\"kind\": \"c\", \"score\": 101, \"ratio\": -0.5, \"note\": \"abcd\","
                           " \"tags\": [\"x\", \"y\", \"z\"], \"when\": \"24\"}", 0, NULL);
  const char *const want[] = {
      "$: missing required property \"gone\"",
      "$.kind: value is not one of the allowed values",
      "$.score: above the maximum 100",
      "$.ratio: below the minimum 0",
      "$.note: longer than 3 characters",
      "$.tags: more than 2 items",
      "$.when: matches none of the alternatives",
  };
  size_t nwant = sizeof want / sizeof want[0];
  ck_assert_uint_eq(cw__schema_validate(schema, bad, errors, 20), nwant);
  for (size_t i = 0; i < nwant; i++)
    ck_assert_str_eq(json_string_value(json_array_get(errors, i)), want[i]);
  json_t *few = json_loads("{\"kind\": \"b\", \"score\": 1.5, \"ratio\": 1, \"note\": null,"
                           " \"tags\": [], \"when\": null, \"gone\": false}", 0, NULL);
  json_array_clear(errors);
  ck_assert_uint_eq(cw__schema_validate(schema, few, errors, 20), 2);
  ck_assert_str_eq(json_string_value(json_array_get(errors, 0)), "$.score: expected integer, got number");
  ck_assert_str_eq(json_string_value(json_array_get(errors, 1)), "$.tags: fewer than 1 items");
  /* a runaway answer does not make a runaway repair prompt */
  json_array_clear(errors);
  ck_assert_uint_le(cw__schema_validate(schema, bad, errors, 3), 3);
  ck_assert_uint_le(json_array_size(errors), 3);
  json_decref(few);
  json_decref(bad);
  json_decref(good);
  json_decref(errors);
  json_decref(schema);
}
END_TEST

json_t *cw__ground(json_t *doc, const char *text, size_t len);

/* A name is grounded when it occurs in the text once case (any script),
 * dashes, punctuation and spacing are set aside; otherwise its entry goes
 * and the telemetry counts it. */
START_TEST(test_grounding_folds_case_dashes_and_space) {
  const char text[] = "Engineer at ACME  Corp., Berlin\nIntern, Hewlett\xe2\x80\x93Packard\n"
                      "\xc3\x89" "COLE POLYTECHNIQUE F\xc3\x89" "D\xc3\x89" "RALE (EPFL)\nMIT, 2011\n";
  json_t *doc = json_loads("{\"work_experience\": [{\"company\": \"acme corp\"}, {\"company\": \"Hewlett-Packard\"},"
                           " {\"company\": \"Initrode\"}], \"education\": [{\"institution\":"
                           " \"\u00c9cole Polytechnique F\u00e9d\u00e9rale\"}, {\"institution\": \"M.I.T.\"},"
                           " {\"institution\": \"\u00c9cole Normale\"}]}",
                           0, NULL);
  ck_assert_ptr_nonnull(doc);
  json_t *t = cw__ground(doc, text, sizeof text - 1);
  ck_assert_int_eq(json_integer_value(json_object_get(t, "checked")), 6);
  ck_assert_int_eq(json_integer_value(json_object_get(t, "dropped")), 2);
  json_t *work = json_object_get(doc, "work_experience"), *edu = json_object_get(doc, "education");
  ck_assert_uint_eq(json_array_size(work), 2);
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(work, 1), "company")), "Hewlett-Packard");
  ck_assert_uint_eq(json_array_size(edu), 2);
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(edu, 1), "institution")), "M.I.T.");
  json_t *fields = json_object_get(t, "dropped_fields");
  ck_assert_str_eq(json_string_value(json_array_get(fields, 0)), "work_experience.company");
  ck_assert_str_eq(json_string_value(json_array_get(fields, 1)), "education.institution");
  json_decref(t);
  json_decref(doc);
}
END_TEST

/* What the provider does with no configuration: the OpenAI SDKs' two
 * retries, gpt-4o-mini in strict json_schema mode, TLS to the public API. */
START_TEST(test_defaults) {
  cw_config c;
  ck_assert_int_eq(cw_config_load(&c, NULL), 0);
  ck_assert_int_eq(c.llm.max_retries, 2);
  ck_assert_str_eq(c.llm.model, "gpt-4o-mini");
  ck_assert_str_eq(c.llm.output_mode, "json_schema");
  ck_assert_str_eq(c.llm.api_style, "openai");
  ck_assert_str_eq(c.llm.base_url, "https://api.openai.com/v1");
  ck_assert(c.llm.price_input == 0.15 && c.llm.price_cached_input == 0.075 && c.llm.price_output == 0.60);
  cw_config_free(&c);
}
END_TEST

START_TEST(test_go_durations) {
  ck_assert_int_eq(cw_llm_parse_go_duration("6m0s"), 360000);
  ck_assert_int_eq(cw_llm_parse_go_duration("12ms"), 12);
  ck_assert_int_eq(cw_llm_parse_go_duration("1.5s"), 1500);
  ck_assert_int_eq(cw_llm_parse_go_duration("1h2m3s"), 3723000);
  ck_assert_int_eq(cw_llm_parse_go_duration("2m30.5s"), 150500);
  ck_assert_int_eq(cw_llm_parse_go_duration("250us"), 1);
  ck_assert_int_eq(cw_llm_parse_go_duration("0s"), 0);
  ck_assert_int_eq(cw_llm_parse_go_duration("0"), 0);
  ck_assert_int_eq(cw_llm_parse_go_duration("17.123ms"), 18);
  ck_assert_int_eq(cw_llm_parse_go_duration(""), -1);
  ck_assert_int_eq(cw_llm_parse_go_duration("5"), -1);
  ck_assert_int_eq(cw_llm_parse_go_duration("abc"), -1);
  ck_assert_int_eq(cw_llm_parse_go_duration("3x"), -1);
  ck_assert_int_eq(cw_llm_parse_go_duration("-1s"), -1);
  ck_assert_int_eq(cw_llm_parse_go_duration(NULL), -1);
}
END_TEST

START_TEST(test_retry_after_units) {
  int64_t now = 1700000000;
  ck_assert_int_eq(cw_llm_retry_after_ms("1500", NULL, now), 1500);
  ck_assert_int_eq(cw_llm_retry_after_ms("2.5", "30", now), 3);       /* ms header wins */
  ck_assert_int_eq(cw_llm_retry_after_ms(NULL, "2", now), 2000);      /* seconds */
  ck_assert_int_eq(cw_llm_retry_after_ms(NULL, "0.5", now), 500);
  ck_assert_int_eq(cw_llm_retry_after_ms("junk", "3", now), 3000);
  ck_assert_int_eq(cw_llm_retry_after_ms(NULL, "Tue, 14 Nov 2023 22:13:25 GMT", now), 5000); /* now + 5 s */
  ck_assert_int_eq(cw_llm_retry_after_ms(NULL, "Tue, 14 Nov 2023 22:13:15 GMT", now), 0);    /* in the past */
  ck_assert_int_eq(cw_llm_retry_after_ms(NULL, "soon", now), -1);
  ck_assert_int_eq(cw_llm_retry_after_ms(NULL, NULL, now), -1);
  /* the SDK delay */
  ck_assert_int_eq(cw_llm_retry_delay_ms(1500, 0, 0.5), 1500);
  ck_assert_int_eq(cw_llm_retry_delay_ms(60000, 0, 0), 60000);
  ck_assert_int_eq(cw_llm_retry_delay_ms(61000, 0, 0), 500);  /* advice over a minute: backoff */
  ck_assert_int_eq(cw_llm_retry_delay_ms(0, 0, 0), 500);
  ck_assert_int_eq(cw_llm_retry_delay_ms(-1, 1, 0), 1000);
  ck_assert_int_eq(cw_llm_retry_delay_ms(-1, 2, 0), 2000);
  ck_assert_int_eq(cw_llm_retry_delay_ms(-1, 4, 0), 8000);
  ck_assert_int_eq(cw_llm_retry_delay_ms(-1, 10, 0), 8000);
  long j = cw_llm_retry_delay_ms(-1, 0, 0.999);
  ck_assert(j >= 375 && j < 380); /* at most 25% jitter */
  /* which answers are retried */
  ck_assert(cw_llm_should_retry(408, NULL));
  ck_assert(cw_llm_should_retry(409, NULL));
  ck_assert(cw_llm_should_retry(429, NULL));
  ck_assert(cw_llm_should_retry(500, NULL));
  ck_assert(cw_llm_should_retry(0, NULL));
  ck_assert(!cw_llm_should_retry(400, NULL));
  ck_assert(!cw_llm_should_retry(404, NULL));
  ck_assert(!cw_llm_should_retry(500, "false"));
  ck_assert(cw_llm_should_retry(400, "true"));
}
END_TEST

/* ---- startup checks -------------------------------------------------------------- */

static void copy_prompts(const char *from, const char *to) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "cp %s/*.md %s/*.json %s/", from, from, to);
  ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_schema_must_be_strict) {
  env e;
  env_start_fake(&e, NULL);
  char src[1200], path[1200], cmd[1400];
  snprintf(src, sizeof src, "%s", e.cfg.llm.prompt_dir);
  char tmpl[] = "/tmp/cw-llm-prompts-XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(tmpl));
  snprintf(path, sizeof path, "%s/parse.v1.schema.json", tmpl);
  setstr(&e.cfg.llm.prompt_dir, tmpl);
  ck_assert_int_eq(uv_loop_init(&e.loop), 0);
  ck_assert_int_eq(cw_http_new(&e.loop, NULL, &e.http), 0);
  /* an optional property (missing from required) is not allowed in strict mode */
  copy_prompts(src, tmpl);
  json_t *s = json_load_file(path, 0, NULL);
  json_array_remove(json_object_get(json_object_get(s, "schema"), "required"), 0);
  json_dump_file(s, path, 0);
  json_decref(s);
  ck_assert_int_eq(cw_llm_provider_new(&e.loop, &e.cfg, e.http, NULL, &e.prov), -EINVAL);
  ck_assert_int_eq(cw_llm_check_prompts(&e.cfg), -EINVAL);
  /* neither is an open object */
  copy_prompts(src, tmpl);
  s = json_load_file(path, 0, NULL);
  json_object_set_new(json_object_get(json_object_get(json_object_get(s, "schema"), "properties"), "contact"),
                      "additionalProperties", json_true());
  json_dump_file(s, path, 0);
  json_decref(s);
  ck_assert_int_eq(cw_llm_provider_new(&e.loop, &e.cfg, e.http, NULL, &e.prov), -EINVAL);
  /* a missing prompt file is fatal */
  copy_prompts(src, tmpl);
  snprintf(path, sizeof path, "%s/enrich_career.v1.prompt.md", tmpl);
  unlink(path);
  ck_assert_int_eq(cw_llm_provider_new(&e.loop, &e.cfg, e.http, NULL, &e.prov), -EINVAL);
  /* the shipped files pass */
  copy_prompts(src, tmpl);
  ck_assert_int_eq(cw_llm_check_prompts(&e.cfg), 0);
  ck_assert_int_eq(cw_llm_provider_new(&e.loop, &e.cfg, e.http, NULL, &e.prov), 0);
  env_close(&e);
  snprintf(cmd, sizeof cmd, "rm -rf %s", tmpl);
  ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* ---- pacing -------------------------------------------------------------------- */

typedef struct {
  int done;
  int ok;
  uint64_t first_done_ns, last_done_ns;
} batch;

static double first_done_ms;

static void on_batch(void *arg, cw_provider_outcome *o) {
  batch *b = arg;
  b->done++;
  if (o->status == 0)
    b->ok++;
  b->last_done_ns = uv_hrtime();
  if (!b->first_done_ns)
    b->first_done_ns = b->last_done_ns;
  json_decref(o->result);
  json_decref(o->telemetry);
  json_decref(o->checkpoint);
}

static double run_batch(env *e, int n, const char *marker) {
  batch b = {0};
  char **texts = calloc((size_t)n, sizeof *texts);
  uint64_t t0 = uv_hrtime();
  for (int i = 0; i < n; i++) {
    if (asprintf(&texts[i], "%sNumber %d\n%s\n", RESUME, i, i == 0 && marker ? marker : "") < 0)
      abort();
    cw_provider_req req = {.job_id = "job-b", .text = texts[i], .text_len = strlen(texts[i]),
                           .document_date = "2024-05-01"};
    cw_provider_call *call;
    ck_assert_int_eq(cw_provider_parse(e->prov, &req, on_batch, &b, &call), 0);
  }
  while (b.done < n)
    uv_run(&e->loop, UV_RUN_ONCE);
  ck_assert_int_eq(b.ok, n);
  first_done_ms = (double)(b.first_done_ns - t0) / 1e6;
  for (int i = 0; i < n; i++)
    free(texts[i]);
  free(texts);
  return (double)(b.last_done_ns - t0) / 1e6;
}

START_TEST(test_rpm_never_exceeded) {
  env e;
  env_start_fake(&e, NULL);
  e.cfg.llm.rpm = 1200; /* one request per 50 ms */
  env_open(&e, false);
  double ms = run_batch(&e, 30, NULL);
  ck_assert_int_eq(fake_llm_stat(&e.fake, "chat_requests", 60000), 30);
  /* a second's window never holds more than rpm/60 starts (+1 for the
   * boundary: arrival times jitter by a few ms) */
  long max1s = fake_llm_stat(&e.fake, "max_in_window", 1000);
  ck_assert_msg(max1s <= 21, "max in 1 s: %ld", max1s);
  long max500 = fake_llm_stat(&e.fake, "max_in_window", 500);
  ck_assert_msg(max500 <= 11, "max in 0.5 s: %ld", max500);
  ck_assert_msg(ms >= 29 * 50 * 0.9, "30 requests took only %.0f ms", ms);
  env_close(&e);
}
END_TEST

START_TEST(test_in_flight_cap) {
  env e;
  env_start_fake(&e, (const char *const[]){"--latency-ms", "150", NULL});
  e.cfg.llm.max_in_flight = 3;
  env_open(&e, false);
  double ms = run_batch(&e, 12, NULL);
  ck_assert_int_eq(fake_llm_stat(&e.fake, "max_concurrent", 60000), 3);
  ck_assert_msg(ms >= 4 * 150 * 0.9, "12 requests, 3 at a time, took %.0f ms", ms);
  env_close(&e);
}
END_TEST

START_TEST(test_tpm_bucket) {
  /* each request is estimated at ~9,700 tokens (prompt + schema + the
   * max_tokens the API counts): a 20,000 TPM bucket admits two at a time;
   * the unused estimate comes back when an answer reports its usage */
  env e;
  env_start_fake(&e, (const char *const[]){"--latency-ms", "150", NULL});
  e.cfg.llm.tpm = 20000;
  e.cfg.llm.max_output_tokens = 8000;
  env_open(&e, false);
  double ms = run_batch(&e, 6, NULL);
  ck_assert_int_eq(fake_llm_stat(&e.fake, "max_concurrent", 60000), 2);
  ck_assert_msg(ms >= 3 * 150 * 0.9, "6 requests took %.0f ms", ms);
  env_close(&e);
}
END_TEST

double cw__llm_tpm_level(cw_provider *base);

/* A length retry may be admitted while the truncated answer still holds
 * its slot; the answer's refund must come from its own charge, not the
 * retry's larger one.  After the call the bucket is down by exactly what
 * the two answers used (plus the little it refilled meanwhile). */
START_TEST(test_tpm_refund_after_a_length_retry) {
  env e;
  env_start_fake(&e, NULL);
  e.cfg.llm.tpm = 200000;
  e.cfg.llm.max_in_flight = 4;
  e.cfg.llm.max_output_tokens = 8000;
  env_open(&e, false);
  uint64_t t0 = uv_hrtime();
  result r = run_marked(&e, "[[fault:lengthx1]]");
  ck_assert_msg(r.o.status == 0, "%s", r.o.message);
  ck_assert_int_eq(tel_int(&r, 0, "attempts"), 2);
  double used = (double)(tel_int(&r, 0, "prompt_tokens") + tel_int(&r, 0, "completion_tokens"));
  double level = cw__llm_tpm_level(e.prov), want = 200000.0 - used;
  /* what flowed back since the first charge (the bug is worth 8,000) */
  double refill = ((double)(uv_hrtime() - t0) / 1e6 + 1) * 200000.0 / 60000.0;
  ck_assert_msg(level >= want - 1 && level <= want + refill, "bucket at %.0f, want %.0f (+ up to %.0f refilled)",
                level, want, refill);
  result_free(&r);
  env_close(&e);
}
END_TEST

/* After one answer with the marker's rate-limit headers, how long the next
 * request waits before it goes out. */
static double next_request_ms(const char *marker) {
  env e;
  env_start_fake(&e, NULL);
  env_open(&e, false);
  result r = run_marked(&e, marker);
  ck_assert_int_eq(r.o.status, 0);
  result_free(&r);
  result r2 = run_call(&e, RESUME, false, NULL);
  ck_assert_int_eq(r2.o.status, 0);
  double ms = r2.ms;
  result_free(&r2);
  env_close(&e);
  return ms;
}

START_TEST(test_headers_pause_everyone) {
  /* remaining-requests 0 with reset 1s: nobody is admitted for a second */
  double ms = next_request_ms("[[fault:ratelow]]");
  ck_assert_msg(ms >= 800, "the next request went out after %.0f ms", ms);
}
END_TEST

START_TEST(test_token_headers_pause_everyone) {
  /* remaining-tokens 10, less than any request we send, with reset 1.5s:
   * nobody is admitted until the tokens are back */
  double ms = next_request_ms("[[fault:tokenslow]]");
  ck_assert_msg(ms >= 1300, "the next request went out after %.0f ms", ms);
}
END_TEST

START_TEST(test_429_pauses_the_bucket) {
  /* one request gets 429 with retry-after 1 s: the others wait too, instead
   * of hammering the API */
  env e;
  env_start_fake(&e, (const char *const[]){"--latency-ms", "20", NULL});
  e.cfg.llm.max_in_flight = 1;
  env_open(&e, false);
  run_batch(&e, 4, "[[fault:429x1]]");
  ck_assert_int_eq(fake_llm_stat(&e.fake, "chat_requests", 60000), 5);
  /* without the shared pause the other three would be done in ~60 ms */
  ck_assert_msg(first_done_ms >= 950, "first answer after %.0f ms", first_done_ms);
  env_close(&e);
}
END_TEST

START_TEST(test_cancel) {
  env e;
  env_start_fake(&e, (const char *const[]){"--latency-ms", "3000", NULL});
  env_open(&e, false);
  result r = {0};
  cw_provider_req req = {.job_id = "job-c", .text = RESUME, .text_len = strlen(RESUME), .document_date = "2024-05-01"};
  cw_provider_call *call;
  ck_assert_int_eq(cw_provider_parse(e.prov, &req, on_outcome, &r, &call), 0);
  uint64_t t0 = uv_hrtime();
  while (fake_llm_stat(&e.fake, "chat_requests", 60000) < 1)
    uv_run(&e.loop, UV_RUN_NOWAIT);
  cw_provider_cancel(e.prov, call);
  ck_assert(!r.done);
  while (!r.done)
    uv_run(&e.loop, UV_RUN_ONCE);
  ck_assert_int_eq(r.o.status, -ECANCELED);
  ck_assert_int_eq(r.calls, 1);
  ck_assert((uv_hrtime() - t0) / 1000000 < 2000);
  result_free(&r);
  /* close with a call in flight: its callback runs with -ECANCELED */
  result r2 = {0};
  ck_assert_int_eq(cw_provider_parse(e.prov, &req, on_outcome, &r2, &call), 0);
  env_close(&e);
  ck_assert_int_eq(r2.calls, 1);
  ck_assert_int_eq(r2.o.status, -ECANCELED);
  result_free(&r2);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("llm");
  TCase *t = tcase_create("answers");
  tcase_set_timeout(t, 60);
  tcase_add_test(t, test_parse_json_schema);
  tcase_add_test(t, test_parse_tools_mode);
  tcase_add_test(t, test_repair_request_carries_the_conversation);
  tcase_add_test(t, test_length_retry_doubles_max_tokens);
  tcase_add_test(t, test_cost_from_the_price_table);
  tcase_add_test(t, test_metrics_follow_the_calls);
  tcase_add_test(t, test_enrich_two_calls);
  tcase_add_test(t, test_enrich_tools_mode);
  tcase_add_test(t, test_enrich_without_entries_and_long_payload);
  tcase_add_test(t, test_azure_style_and_headers);
  tcase_add_test(t, test_openai_bearer_and_wrong_key);
  tcase_add_test(t, test_empty_text_never_sent);
  tcase_add_test(t, test_input_budget_truncation);
  tcase_add_test(t, test_schema_must_be_strict);
  tcase_add_test(t, test_cancel);
  tcase_add_test(t, test_lenient_reading);
  tcase_add_test(t, test_lenient_enrich_drops_extras);
  tcase_add_test(t, test_repair_is_bounded);
  tcase_add_test(t, test_enrich_checkpoint_spares_the_entries_call);
  suite_add_tcase(s, t);
  TCase *f = tcase_create("faults");
  tcase_set_timeout(f, 60);
  tcase_add_loop_test(f, test_fault, 0, (int)(sizeof faults / sizeof faults[0]));
  tcase_add_test(f, test_quota_reschedules_long);
  tcase_add_test(f, test_rate_limited_keeps_advice);
  tcase_add_test(f, test_hallucinated_employer_dropped);
  tcase_add_test(f, test_error_bodies);
  tcase_add_test(f, test_enrich_fault_in_one_call);
  tcase_add_test(f, test_fallback_offline);
  suite_add_tcase(s, f);
  TCase *p = tcase_create("pacing");
  tcase_set_timeout(p, 60);
  tcase_add_test(p, test_rpm_never_exceeded);
  tcase_add_test(p, test_in_flight_cap);
  tcase_add_test(p, test_tpm_bucket);
  tcase_add_test(p, test_tpm_refund_after_a_length_retry);
  tcase_add_test(p, test_headers_pause_everyone);
  tcase_add_test(p, test_token_headers_pause_everyone);
  tcase_add_test(p, test_429_pauses_the_bucket);
  suite_add_tcase(s, p);
  TCase *u = tcase_create("units");
  tcase_add_test(u, test_defaults);
  tcase_add_test(u, test_repair_pieces);
  tcase_add_test(u, test_answer_unwrapping);
  tcase_add_test(u, test_drop_unknown_properties);
  tcase_add_test(u, test_fingerprint_ignores_form);
  tcase_add_test(u, test_go_durations);
  tcase_add_test(u, test_schema_errors_name_the_path);
  tcase_add_test(u, test_schema_keywords_each_reject);
  tcase_add_test(u, test_grounding_folds_case_dashes_and_space);
  tcase_add_test(u, test_retry_after_units);
  tcase_add_test(u, test_redact_patterns);
  tcase_add_test(u, test_redact_end_to_end);
  tcase_add_test(u, test_key_never_logged);
  tcase_add_test(u, test_scrub_key_echoed_by_server);
  suite_add_tcase(s, u);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
