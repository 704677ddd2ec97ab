/* Conformance driver: makes the LLM client produce every kind of request it
 * can send — json_schema and tools modes; parse, enrich entries, enrich
 * career; first requests, repair rounds (after a broken answer) and length
 * retries — against the fake server, which records each request body in DIR.
 * run.sh then submits every recorded body to the Prism mock of the OpenAI
 * description.
 *
 *   conformance-drive DIR        (needs CW_FAKE_LLM and CW_SOURCE_ROOT)
 * Exit 0 when every call succeeded and the repair rounds and length retries
 * happened (so their bodies are among the recorded ones). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

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
  printf("calls=%d requests=%ld repair_rounds=%d length_retries=%d failures=%d\n", calls, requests, repairs,
         length_retries, bad);
  /* per mode: 2 parse repairs + 2 enrich repairs, 1 length retry */
  return bad == 0 && repairs == 8 && length_retries == 2 ? 0 : 1;
}
