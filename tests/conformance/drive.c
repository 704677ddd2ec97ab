/* Conformance driver: makes the LLM client produce every kind of request it
 * can send — json_schema and tools modes; parse, enrich entries, enrich
 * career; first requests, repair rounds (after a broken answer) and length
 * retries — against the fake server, which records each request body in DIR.
 * run.sh then submits every recorded body to the Prism mock of the OpenAI
 * description.
 *
 *   conformance-drive DIR        (needs CW_FAKE_LLM and CW_SOURCE_ROOT)
 * Then the Batch API requests (batch.h): a JSONL input file of parse
 * requests uploaded, a batch created, retrieved until it ends, its output
 * file downloaded; the fake records those too.
 *
 * Exit 0 when every call succeeded and the repair rounds and length retries
 * happened (so their bodies are among the recorded ones), and the batch
 * completed with an answer per line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "careeros/batch.h"
#include "careeros/config.h"
#include "careeros/http.h"
#include "careeros/llm.h"
#include "fake_llm/fake_client.h"

/* the mode appears on the marker line too: the fake counts faults per
 * conversation, and the enrich payloads carry only that line */
static const char *RESUME = "Jane Doe\nRun %s\njane@example.com\nEXPERIENCE\nEngineer at Acme (2019 - Present)\n"
                            "- Built things\n%s run %s\nEDUCATION\nMIT, BSc (2015)\nSKILLS\nC, Go\n";

typedef struct {
  bool done;
  cw_provider_outcome o;
} box;

static int bad, repairs, length_retries, calls;

static void on_out(void *arg, cw_provider_outcome *o) {
  box *b = arg;
  b->o = *o;
  b->done = true;
}

static json_t *run_one(uv_loop_t *loop, cw_provider *p, const char *text, json_t *doc) {
  box b = {0};
  cw_provider_req req = {.job_id = "conformance", .text = text, .text_len = strlen(text),
                         .document_date = "2024-05-01", .parsed = doc};
  cw_provider_call *call;
  int rc = doc ? cw_provider_enrich(p, &req, on_out, &b, &call) : cw_provider_parse(p, &req, on_out, &b, &call);
  if (rc < 0)
    exit(2);
  while (!b.done)
    uv_run(loop, UV_RUN_ONCE);
  size_t i;
  json_t *c;
  json_array_foreach(json_object_get(b.o.telemetry, "llm_calls"), i, c) {
    calls++;
    repairs += json_is_true(json_object_get(c, "repair_round"));
    length_retries += json_is_true(json_object_get(c, "length_retry"));
  }
  if (b.o.status != 0) {
    printf("unexpected failure: %s\n", b.o.message);
    bad++;
  }
  json_t *out = json_incref(json_object_get(b.o.result, "document"));
  json_decref(b.o.result);
  json_decref(b.o.telemetry);
  return out;
}

static void on_closed(void *arg) { (*(int *)arg)++; }

typedef struct {
  bool done;
  int status;
  json_t *json;
  char *body;
} api_box;

static void on_api(void *arg, const cw_batch_api_result *r) {
  api_box *b = arg;
  b->done = true;
  b->status = r->status;
  b->json = json_incref(r->json);
  b->body = r->body ? strndup(r->body, r->body_len) : NULL;
}

static int batch_answers;

/* One batch of parse requests through the Batch API client. */
static void run_batch(uv_loop_t *loop, cw_http *http, cw_provider *p, const cw_config *cfg) {
  cw_batch_api *api;
  if (cw_batch_api_new(cfg, http, &api) < 0)
    exit(2);
  char *jsonl = NULL;
  size_t len = 0;
  for (int i = 0; i < 2; i++) {
    char *t, id[40];
    if (asprintf(&t, RESUME, "batch", i ? "[[fault:schemax1]]" : "", "batch") < 0)
      exit(2);
    snprintf(id, sizeof id, "00000000-0000-4000-8000-00000000000%d", i);
    cw_provider_req req = {.job_id = id, .text = t, .text_len = strlen(t), .document_date = "2024-05-01"};
    char *body, *line;
    if (cw_llm_batch_body(p, &req, &body) < 0 || !(line = cw_batch_line(id, body)))
      exit(2);
    jsonl = realloc(jsonl, len + strlen(line) + 1);
    memcpy(jsonl + len, line, strlen(line) + 1);
    len += strlen(line);
    free(line);
    free(body);
    free(t);
  }
  api_box b = {0};
#define WAIT(call)                                                                                 \
  do {                                                                                             \
    json_decref(b.json);                                                                           \
    free(b.body);                                                                                  \
    b = (api_box){0};                                                                              \
    if ((call) < 0)                                                                                \
      exit(2);                                                                                     \
    while (!b.done)                                                                                \
      uv_run(loop, UV_RUN_ONCE);                                                                   \
    if (b.status < 0) {                                                                            \
      printf("batch request failed: %d\n", b.status);                                              \
      bad++;                                                                                       \
      goto out;                                                                                    \
    }                                                                                              \
  } while (0)
  WAIT(cw_batch_api_upload(api, jsonl, len, on_api, &b, NULL));
  char file[128], batch[128];
  snprintf(file, sizeof file, "%s", json_string_value(json_object_get(b.json, "id")) ?: "");
  WAIT(cw_batch_api_create(api, file, on_api, &b, NULL));
  snprintf(batch, sizeof batch, "%s", json_string_value(json_object_get(b.json, "id")) ?: "");
  for (int i = 0; i < 20; i++) {
    WAIT(cw_batch_api_get(api, batch, on_api, &b, NULL));
    if (!strcmp(json_string_value(json_object_get(b.json, "status")) ?: "", "completed"))
      break;
  }
  char out[128];
  snprintf(out, sizeof out, "%s", json_string_value(json_object_get(b.json, "output_file_id")) ?: "");
  WAIT(cw_batch_api_content(api, out, 1u << 20, on_api, &b, NULL));
  json_t *answers = json_object(), *errors = json_object();
  if (cw_batch_read_results(b.body ? b.body : "", b.body ? strlen(b.body) : 0, answers, errors) >= 0)
    batch_answers = (int)json_object_size(answers);
  json_decref(answers);
  json_decref(errors);
out:
  json_decref(b.json);
  free(b.body);
  free(jsonl);
  cw_batch_api_free(api);
}

static void run_mode(const fake_llm *f, const char *mode) {
  cw_config cfg;
  if (cw_config_load(&cfg, NULL) < 0)
    exit(2);
  char url[128], dir[1024];
  snprintf(url, sizeof url, "%s/v1", f->base);
  free(cfg.llm.base_url);
  cfg.llm.base_url = strdup(url);
  free(cfg.llm.output_mode);
  cfg.llm.output_mode = strdup(mode);
  snprintf(dir, sizeof dir, "%s/config/llm", getenv("CW_SOURCE_ROOT") ? getenv("CW_SOURCE_ROOT") : ".");
  free(cfg.llm.prompt_dir);
  cfg.llm.prompt_dir = strdup(dir);
  cfg.llm.api_key = strdup("sk-conformance-test");
  uv_loop_t loop;
  uv_loop_init(&loop);
  cw_http *http;
  cw_provider *p;
  if (cw_http_new(&loop, NULL, &http) < 0 || cw_llm_provider_new(&loop, &cfg, http, NULL, &p) < 0)
    exit(2);
  /* parse: plain, repair after a schema violation, repair after invalid JSON, length retry */
  static const char *markers[] = {"", "[[fault:schemax1]]", "[[fault:malformedx1]]", "[[fault:lengthx1]]"};
  for (int m = 0; m < 4; m++) {
    char *t;
    if (asprintf(&t, RESUME, mode, markers[m], mode) < 0)
      exit(2);
    json_decref(run_one(&loop, p, t, NULL));
    free(t);
  }
  /* enrich: plain, and a repair round in each of the two calls (the marker
   * travels from the resume into the document the fake parse returns) */
  static const char *emarkers[] = {"", "[[fault:schemax1@entries]]", "[[fault:schemax1@career]]"};
  for (int m = 0; m < 3; m++) {
    char *t;
    if (asprintf(&t, RESUME, mode, emarkers[m], mode) < 0)
      exit(2);
    json_t *doc = run_one(&loop, p, t, NULL);
    if (doc)
      json_decref(run_one(&loop, p, t, doc));
    json_decref(doc);
    free(t);
  }
  if (!strcmp(mode, "json_schema"))
    run_batch(&loop, http, p, &cfg);
  int closed = 0;
  cw_provider_close(p, on_closed, &closed);
  while (closed < 1)
    uv_run(&loop, UV_RUN_ONCE);
  cw_http_close(http, on_closed, &closed);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  cw_config_free(&cfg);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s RECORD_DIR\n", argv[0]);
    return 2;
  }
  fake_llm f;
  fake_llm_start(&f, (const char *const[]){"--record", argv[1], NULL});
  run_mode(&f, "json_schema");
  run_mode(&f, "tools");
  long requests = fake_llm_stat(&f, "chat_requests", 60000);
  fake_llm_stop(&f);
  printf("calls=%d requests=%ld repair_rounds=%d length_retries=%d failures=%d batch_answers=%d\n", calls,
         requests, repairs, length_retries, bad, batch_answers);
  /* per mode: 2 parse repairs + 2 enrich repairs, 1 length retry; the batch
   * answers both its lines (the schema fault shows in an answer, not as an
   * error) */
  return bad == 0 && repairs == 8 && length_retries == 2 && batch_answers == 2 ? 0 : 1;
}
