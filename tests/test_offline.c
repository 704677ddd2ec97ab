/* The offline provider on a real libuv loop: deferred callbacks, result
 * shapes, enrichment, cancel, close with and without calls in flight. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careeros/config.h"
#include "careeros/entities.h"
#include "careeros/offline.h"

static const char resume[] =
    "Nadia Haddad\nEngineering Manager\nnadia@example.com | +1 415 555 0100\n\n"
    "Experience\n"
    "Engineering Manager, Cobalt Robotics – San Francisco, CA     Jan 2021 – Present\n"
    "• Led a team of 9 engineers and hired 5.\n• Cut cloud spend by $1.2M per year.\n"
    "Senior Software Engineer, Lumen Maps – Oakland, CA     Jun 2017 – Dec 2020\n"
    "• Built the routing service in Go and PostgreSQL used by 3M users.\n"
    "Software Engineer, Tidepool Labs – Berkeley, CA     2015 – 2017\n"
    "• Wrote Python data pipelines.\n\n"
    "Education\nUniversity of California, Berkeley — BS in Computer Science     2011 – 2015\n\n"
    "Skills\nLanguages: Go, Python, SQL\nPlatforms: Kubernetes, AWS, PostgreSQL\n";

typedef struct {
  int calls;
  cw_provider_outcome out;
  bool inside; /* set while parse()/enrich() runs */
  bool called_inside;
} probe;

static uv_loop_t loop;
static cw_provider *prov;
static int closed;

static void on_done(void *arg, cw_provider_outcome *o) {
  probe *p = arg;
  p->calls++;
  if (p->inside) p->called_inside = true;
  p->out = *o;
}

static void on_closed(void *arg) { (*(int *)arg)++; }

static void setup(void) {
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  static char path[1024];
  const char *root = getenv("CW_SOURCE_ROOT");
  snprintf(path, sizeof path, "%s/config/skills.ini", root && *root ? root : ".");
  cw_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.provider.skills_file = path;
  ck_assert_int_eq(cw_offline_provider_new(&loop, &cfg, &prov), 0);
  closed = 0;
}

static void teardown(void) {
  if (prov) {
    cw_provider_close(prov, on_closed, &closed);
    ck_assert_int_eq(closed, 0); /* deferred */
    uv_run(&loop, UV_RUN_DEFAULT);
    ck_assert_int_eq(closed, 1);
  }
  ck_assert_int_eq(uv_loop_close(&loop), 0);
}

static cw_provider_req req_of(const char *text) {
  cw_provider_req r = {.job_id = "test-job", .text = text, .text_len = strlen(text),
                       .document_date = "2025-06-01"};
  return r;
}

static void free_outcome(cw_provider_outcome *o) {
  json_decref(o->result);
  json_decref(o->telemetry);
}

START_TEST(test_parse_is_deferred_and_shaped) {
  probe p = {0};
  cw_provider_req r = req_of(resume);
  cw_provider_call *call = NULL;
  p.inside = true;
  ck_assert_int_eq(cw_provider_parse(prov, &r, on_done, &p, &call), 0);
  p.inside = false;
  ck_assert_int_eq(p.calls, 0);
  ck_assert_ptr_nonnull(call);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(p.calls, 1);
  ck_assert(!p.called_inside);
  ck_assert_int_eq(p.out.status, 0);
  json_t *res = p.out.result;
  ck_assert_str_eq(json_string_value(json_object_get(res, "source_type")), "heuristic");
  ck_assert_str_eq(json_string_value(json_object_get(res, "model_version")), "heuristic-v1");
  double conf = json_number_value(json_object_get(res, "confidence"));
  ck_assert(conf > 0 && conf <= 1);
  json_t *doc = json_object_get(res, "document");
  char err[160];
  ck_assert_int_eq(cw_entities_validate_document(doc, err, sizeof err), 0);
  json_t *work = json_object_get(doc, "work_experience");
  ck_assert_uint_eq(json_array_size(work), 3);
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(work, 1), "company")), "Lumen Maps");
  ck_assert_ptr_nonnull(json_object_get(res, "telemetry"));
  ck_assert_ptr_nonnull(p.out.telemetry);
  ck_assert_str_eq(json_string_value(json_object_get(p.out.telemetry, "provider")), "offline");
  /* The flattener takes the document as is. */
  json_t *rows = NULL;
  ck_assert_int_eq(cw_entities_flatten(doc, conf, &rows), 0);
  ck_assert_uint_gt(json_array_size(rows), 40);
  json_decref(rows);
  free_outcome(&p.out);
}
END_TEST

START_TEST(test_enrich_scores_and_narratives) {
  probe p = {0}, q = {0};
  cw_provider_req r = req_of(resume);
  ck_assert_int_eq(cw_provider_parse(prov, &r, on_done, &p, NULL), 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(p.out.status, 0);
  r.parsed = json_object_get(p.out.result, "document");
  q.inside = true;
  ck_assert_int_eq(cw_provider_enrich(prov, &r, on_done, &q, NULL), 0);
  q.inside = false;
  ck_assert_int_eq(q.calls, 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(q.calls, 1);
  ck_assert(!q.called_inside);
  ck_assert_int_eq(q.out.status, 0);
  json_t *res = q.out.result;
  ck_assert_str_eq(json_string_value(json_object_get(res, "source_type")), "heuristic");
  json_t *entries = json_object_get(res, "entries");
  ck_assert_uint_eq(json_array_size(entries), 3 + 1); /* work entries + education */
  json_t *e0 = json_array_get(entries, 0);
  ck_assert_str_eq(json_string_value(json_object_get(e0, "path")), "work_experience.0");
  ck_assert_str_eq(json_string_value(json_object_get(e0, "experience_level")), "lead");
  ck_assert_str_eq(json_string_value(json_object_get(e0, "career_progression")), "promotion");
  ck_assert(json_is_array(json_object_get(e0, "insights")));
  ck_assert(json_is_array(json_object_get(e0, "recommendations")));
  ck_assert(json_is_object(json_object_get(e0, "parsed_structure")));
  json_t *e1 = json_array_get(entries, 1);
  ck_assert_str_eq(json_string_value(json_object_get(e1, "experience_level")), "senior");
  bool go = false;
  size_t i;
  json_t *s;
  json_array_foreach(json_object_get(e1, "skills_identified"), i, s) go |= strcmp(json_string_value(s), "PostgreSQL") == 0;
  ck_assert(go);
  json_t *c = json_object_get(res, "career");
  const char *scores[] = {"leadership_score", "scope_score", "technical_depth_score"};
  for (int k = 0; k < 3; k++) {
    json_t *v = json_object_get(c, scores[k]);
    ck_assert_msg(json_is_integer(v), "%s not an integer", scores[k]);
    ck_assert(json_integer_value(v) >= 0 && json_integer_value(v) <= 100);
  }
  ck_assert_int_gt(json_integer_value(json_object_get(c, "leadership_score")), 40);
  ck_assert_ptr_nonnull(json_string_value(json_object_get(c, "leadership_explanation")));
  ck_assert_ptr_nonnull(json_string_value(json_object_get(c, "role_archetype")));
  json_t *n = json_object_get(res, "narratives");
  ck_assert_uint_eq(json_array_size(n), 3);
  const char *types[] = {"career_summary", "key_strengths", "growth_trajectory"};
  for (int k = 0; k < 3; k++)
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(n, (size_t)k), "narrative_type")), types[k]);
  const char *summary = json_string_value(json_object_get(json_array_get(n, 0), "narrative_text"));
  ck_assert_ptr_nonnull(strstr(summary, "Nadia Haddad"));
  ck_assert_ptr_nonnull(strstr(summary, "Cobalt Robotics"));
  /* Jun 2017 - Dec 2020 and 2015 - 2017 overlap in 2017: about 10 years in all
   * (2015-01 .. 2025-06), not the sum of the three roles. */
  ck_assert_ptr_nonnull(strstr(summary, "about 10 year(s)"));
  const char *growth = json_string_value(json_object_get(json_array_get(n, 2), "narrative_text"));
  ck_assert_ptr_nonnull(strstr(growth, "2015"));
  free_outcome(&p.out);
  free_outcome(&q.out);
}
END_TEST

START_TEST(test_enrich_progression_by_dates_not_order) {
  /* Listed oldest first: progression still compares with the earlier role. */
  json_error_t err;
  json_t *doc = json_loads(
      "{\"contact\": {\"name\": null}, \"summary\": null, \"education\": [], \"skills\": [],"
      " \"projects\": [], \"certifications\": [], \"languages\": [],"
      " \"work_experience\": ["
      "  {\"company\": \"A\", \"title\": \"Junior Developer\", \"start_date\": \"2015-01\","
      "   \"end_date\": \"2017-12\", \"is_current\": false, \"description\": null},"
      "  {\"company\": \"B\", \"title\": \"Engineering Manager\", \"start_date\": \"2018-01\","
      "   \"end_date\": null, \"is_current\": true, \"description\": \"Led 6 engineers; hired 3.\"}]}",
      0, &err);
  ck_assert_msg(doc != NULL, "%s", err.text);
  json_t *r = NULL;
  ck_assert_int_eq(cw_heuristic_enrich(doc, "2024-01-15", NULL, &r), 0);
  json_t *entries = json_object_get(r, "entries");
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(entries, 0), "career_progression")),
                   "first_recorded_role");
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(entries, 0), "experience_level")),
                   "junior");
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(entries, 1), "career_progression")),
                   "promotion");
  const char *growth = json_string_value(
      json_object_get(json_array_get(json_object_get(r, "narratives"), 2), "narrative_text"));
  ck_assert_str_eq(growth, "Progressed from Junior Developer (2015) to Engineering Manager (2018).");
  json_t *c = json_object_get(r, "career");
  ck_assert_str_eq(json_string_value(json_object_get(c, "role_archetype")), "People Leader");
  ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(c, "scope_explanation")), "9 year(s)"));
  json_decref(r);
  json_decref(doc);
}
END_TEST

START_TEST(test_cancel_reports_ecanceled) {
  probe p = {0};
  cw_provider_req r = req_of(resume);
  cw_provider_call *call = NULL;
  ck_assert_int_eq(cw_provider_parse(prov, &r, on_done, &p, &call), 0);
  cw_provider_cancel(prov, call);
  ck_assert_int_eq(p.calls, 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(p.calls, 1);
  ck_assert_int_eq(p.out.status, -ECANCELED);
  ck_assert_ptr_null(p.out.result);
  free_outcome(&p.out);
}
END_TEST

START_TEST(test_close_with_calls_in_flight) {
  probe p[20];
  memset(p, 0, sizeof p);
  cw_provider_req r = req_of(resume);
  for (int i = 0; i < 20; i++) ck_assert_int_eq(cw_provider_parse(prov, &r, on_done, &p[i], NULL), 0);
  cw_provider_close(prov, on_closed, &closed);
  ck_assert_int_eq(closed, 0);
  /* After close, new calls are refused. */
  prov = NULL;
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(closed, 1);
  for (int i = 0; i < 20; i++) {
    ck_assert_int_eq(p[i].calls, 1);
    ck_assert_int_eq(p[i].out.status, -ECANCELED);
    free_outcome(&p[i].out);
  }
}
END_TEST

START_TEST(test_many_calls_complete) {
  enum { N = 200 };
  probe *p = calloc(N, sizeof *p);
  cw_provider_req r = req_of(resume);
  for (int i = 0; i < N; i++) ck_assert_int_eq(cw_provider_parse(prov, &r, on_done, &p[i], NULL), 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  for (int i = 0; i < N; i++) {
    ck_assert_int_eq(p[i].calls, 1);
    ck_assert_int_eq(p[i].out.status, 0);
    free_outcome(&p[i].out);
  }
  free(p);
}
END_TEST

START_TEST(test_bad_arguments) {
  probe p = {0};
  cw_provider_req r = req_of(resume);
  ck_assert_int_eq(cw_provider_enrich(prov, &r, on_done, &p, NULL), -EINVAL); /* no parsed doc */
  r.text = NULL;
  ck_assert_int_eq(cw_provider_parse(prov, &r, on_done, &p, NULL), -EINVAL);
  ck_assert_int_eq(p.calls, 0);
}
END_TEST

START_TEST(test_missing_skills_file_is_an_error) {
  cw_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.provider.skills_file = "/nonexistent/skills.ini";
  cw_provider *x = NULL;
  ck_assert_int_eq(cw_offline_provider_new(&loop, &cfg, &x), -ENOENT);
  ck_assert_ptr_null(x);
}
END_TEST

int main(void) {
  Suite *s = suite_create("offline");
  TCase *tc = tcase_create("offline");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_parse_is_deferred_and_shaped);
  tcase_add_test(tc, test_enrich_scores_and_narratives);
  tcase_add_test(tc, test_enrich_progression_by_dates_not_order);
  tcase_add_test(tc, test_cancel_reports_ecanceled);
  tcase_add_test(tc, test_close_with_calls_in_flight);
  tcase_add_test(tc, test_many_calls_complete);
  tcase_add_test(tc, test_bad_arguments);
  tcase_add_test(tc, test_missing_skills_file_is_an_error);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
