/* `careeros-worker export`: versions processed by the real daemon, then
 * exported as the parsed document (every parsed_resume_entities value is
 * where its path says) and as JSON Resume (the same person, validated
 * against the official schema where npm is reachable); exit codes for a
 * missing version, an unparsed one and bad arguments. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "workerfx.h"

/* The value at a contract path ("work_experience.0.company") of doc, as
 * text the way parsed_resume_entities stores it; NULL when absent. */
static char *value_at(json_t *doc, const char *path) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s", path);
  json_t *v = doc;
  for (char *save = NULL, *tok = strtok_r(buf, ".", &save); tok && v; tok = strtok_r(NULL, ".", &save))
    v = json_is_array(v) ? json_array_get(v, strtoul(tok, NULL, 10)) : json_object_get(v, tok);
  if (!v || json_is_null(v))
    return NULL;
  if (json_is_string(v))
    return strdup(json_string_value(v));
  return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
}

/* Every stored value of the version is in the exported document at its
 * path: scalars equal, entries equal as JSON.  Returns how many compared. */
static int assert_rows_in_document(wfx *f, const char *id, json_t *doc) {
  PGresult *r = PQexecParams(f->c,
                             "SELECT field_name, raw_value FROM public.parsed_resume_entities "
                             "WHERE resume_version_id = $1 AND raw_value IS NOT NULL",
                             1, NULL, (const char *const[]){id}, NULL, NULL, 0);
  ck_assert_int_eq(PQresultStatus(r), PGRES_TUPLES_OK);
  int n = PQntuples(r);
  for (int i = 0; i < n; i++) {
    const char *path = PQgetvalue(r, i, 0), *raw = PQgetvalue(r, i, 1);
    char *got = value_at(doc, path);
    ck_assert_msg(got != NULL, "%s: missing from the export", path);
    json_t *a = json_loads(raw, JSON_DECODE_ANY, NULL), *b = json_loads(got, JSON_DECODE_ANY, NULL);
    bool same = (json_is_object(a) && b) ? json_equal(a, b) : strcmp(got, raw) == 0 ||
                                                                   (a && b && json_equal(a, b));
    ck_assert_msg(same, "%s: exported %s, stored %s", path, got, raw);
    json_decref(a);
    json_decref(b);
    free(got);
  }
  PQclear(r);
  return n;
}

START_TEST(export_prints_the_parsed_document_and_json_resume) {
  wfx f;
  wfx_init(&f, "wexport", 1, NULL);
  const int n = 3;
  char (*ids)[37] = wfx_enqueue(&f, n, 0);
  wfx_worker *w = wfx_start(&f, "exp", "");
  wfx_wait_all_finished(&f, 60000);
  ck_assert_int_eq(wfx_stop(w, 15000), 0);

  char docs[600];
  snprintf(docs, sizeof docs, "%s/jsonresume.jsonl", f.dir);
  FILE *jl = fopen(docs, "w");
  ck_assert_ptr_nonnull(jl);
  for (int i = 0; i < n; i++) {
    char *out = NULL;
    ck_assert_int_eq(wfx_cli(&f, w, &out, "export", ids[i], "--format", "json", NULL), 0);
    json_error_t err;
    json_t *doc = json_loads(out, 0, &err);
    ck_assert_msg(doc != NULL, "export --format json is not JSON (%s): %.200s", err.text, out);
    const char *keys[] = {"contact", "summary", "work_experience", "education", "skills",
                          "projects", "certifications", "languages"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
      ck_assert_msg(json_object_get(doc, keys[k]) != NULL, "no %s", keys[k]);
    ck_assert_int_gt(json_array_size(json_object_get(doc, "work_experience")), 0);
    ck_assert_int_gt(assert_rows_in_document(&f, ids[i], doc), 5);
    const char *name = json_string_value(json_object_get(json_object_get(doc, "contact"), "name"));
    ck_assert_ptr_nonnull(name);
    free(out);

    out = NULL;
    ck_assert_int_eq(wfx_cli(&f, w, &out, "export", ids[i], NULL), 0); /* jsonresume by default */
    json_t *jr = json_loads(out, 0, &err);
    ck_assert_msg(jr != NULL, "export is not JSON (%s): %.200s", err.text, out);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(jr, "basics"), "name")), name);
    ck_assert_int_eq(json_array_size(json_object_get(jr, "work")),
                     json_array_size(json_object_get(doc, "work_experience")));
    json_dumpf(jr, jl, JSON_COMPACT);
    fputc('\n', jl);
    json_decref(jr);
    json_decref(doc);
    free(out);
  }
  ck_assert_int_eq(fclose(jl), 0);
  char cmd[1400];
  snprintf(cmd, sizeof cmd, "sh '%s/tests/jsonresume-check.sh' '%s' %d", cw_test_source_root(), docs, n);
  ck_assert_msg(system(cmd) == 0, "the exported JSON Resume documents do not validate");
  free(ids);
  wfx_done(&f);
}
END_TEST

START_TEST(export_exit_codes) {
  wfx f;
  wfx_init(&f, "wexport2", 1, NULL);
  char (*ids)[37] = wfx_enqueue(&f, 1, 0);
  wfx_worker *w = wfx_start(&f, "exp2", "[worker]\nconcurrency = 1\n");
  wfx_wait_all_finished(&f, 60000);
  ck_assert_int_eq(wfx_stop(w, 15000), 0);
  wfx_exec(&f, "DELETE FROM public.parsed_resume_entities WHERE resume_version_id = '%s'", ids[0]);
  char *out = NULL;
  ck_assert_int_eq(wfx_cli(&f, w, &out, "export", ids[0], NULL), 4);
  ck_assert_ptr_nonnull(strstr(out, "has no parsed data yet"));
  free(out);
  out = NULL;
  ck_assert_int_eq(wfx_cli(&f, w, &out, "export", "00000000-0000-4000-8000-000000000000", NULL), 4);
  ck_assert_ptr_nonnull(strstr(out, "no resume version"));
  free(out);
  ck_assert_int_eq(wfx_cli(&f, w, NULL, "export", "not-a-uuid", NULL), 2);
  ck_assert_int_eq(wfx_cli(&f, w, NULL, "export", ids[0], "--format", "xml", NULL), 2);
  ck_assert_int_eq(wfx_cli(&f, w, NULL, "export", NULL), 2);
  ck_assert_int_eq(wfx_cli(&f, w, NULL, "export", ids[0], ids[0], NULL), 2);
  free(ids);
  wfx_done(&f);
}
END_TEST

int main(int argc, char **argv) {
  wfx_set_binary(argc, argv);
  Suite *s = suite_create("export");
  TCase *t = tcase_create("export");
  tcase_set_timeout(t, 400);
  tcase_add_test(t, export_prints_the_parsed_document_and_json_resume);
  tcase_add_test(t, export_exit_codes);
  suite_add_tcase(s, t);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
