/* The daemon with the LLM provider, end to end: the sample resumes shipped
 * in samples/ (plain text, Markdown, PDF, DOCX) go through `careeros-worker
 * run` against the fake OpenAI-compatible server, and what lands in the
 * database is checked against DESIGN.md's parsed-entity contract: the
 * paths, entry rows as JSON objects with their leaves beside them, partial
 * ISO dates, labels of who produced the values, one enrichment row per
 * entry, the career scores and the three narratives, the calls (three at
 * most) and their cost in the telemetry.  And an exhausted quota, which
 * reschedules the job instead of retrying the call. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "workerfx.h"

#define FAKE_MODEL "gpt-4o-mini-2024-07-18" /* what the fake server says answered */

/* Sections whose entries are enriched, one entry_enrichment row each. */
#define ENRICHED "'work_experience', 'education', 'projects', 'certifications'"

static char *read_all(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  ck_assert_msg(fp != NULL, "cannot open %s", path);
  ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
  long n = ftell(fp);
  ck_assert_int_ge(n, 0);
  rewind(fp);
  char *buf = malloc((size_t)n + 1);
  ck_assert_ptr_nonnull(buf);
  ck_assert_uint_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
  fclose(fp);
  *len = (size_t)n;
  return buf;
}

/* Writes the bytes under the storage root, in user's folder, and inserts a
 * version of user that names them, with their true size and hash. */
static void add_version(wfx *f, int user, const char *name, const char *data, size_t len, int max_attempts) {
  char hex[65], id[37], rel[600];
  snprintf(rel, sizeof rel, "%s/%s", f->users[user], name);
  wfx_write_file(f, rel, data, len);
  wfx_sha256_hex(data, len, hex);
  wfx_insert_version(f, user, rel, (long)len, hex, max_attempts, id);
}

/* Copies every file of samples/ into the storage root and inserts a
 * version for each (one user each), with the mime type a browser would
 * declare.  Returns how many. */
static int enqueue_samples(wfx *f) {
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/samples", cw_test_source_root());
  DIR *d = opendir(dir);
  ck_assert_msg(d != NULL, "cannot open %s", dir);
  int n = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.')
      continue;
    ck_assert_int_lt(n, f->nusers);
    char path[1536], rel[512];
    snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
    snprintf(rel, sizeof rel, "samples/%s", de->d_name);
    size_t len;
    char *data = read_all(path, &len);
    add_version(f, n, rel, data, len, 3);
    free(data);
    n++;
  }
  closedir(d);
  wfx_exec(f, "UPDATE public.resume_versions SET mime_type = CASE "
              "WHEN file_name LIKE '%%.pdf' THEN 'application/pdf' "
              "WHEN file_name LIKE '%%.docx' THEN "
              "'application/vnd.openxmlformats-officedocument.wordprocessingml.document' "
              "WHEN file_name LIKE '%%.md' THEN 'text/markdown' ELSE 'text/plain' END");
  return n;
}

/* Asserts that a query counting offending rows finds none, and names it. */
#define ASSERT_NONE(f, what, ...)                                                                  \
  do {                                                                                             \
    long bad_ = wfx_count((f), __VA_ARGS__);                                                       \
    ck_assert_msg(bad_ == 0, "%ld %s", bad_, (what));                                              \
  } while (0)

static void assert_entity_contract(wfx *f) {
  ASSERT_NONE(f, "rows with a path outside the contract",
              "SELECT count(*) FROM public.parsed_resume_entities WHERE field_name !~ '^("
              "contact\\.(name|headline|email|phone|location)|contact\\.urls\\.[0-9]+|summary|"
              "work_experience\\.[0-9]+(\\.(company|title|location|start_date|end_date|is_current|"
              "date_text|description))?|"
              "education\\.[0-9]+(\\.(institution|degree|field_of_study|start_date|end_date|"
              "is_current|date_text|gpa))?|"
              "skills\\.[0-9]+(\\.(name|category|proficiency_level|years_of_experience))?|"
              "projects\\.[0-9]+(\\.(name|role|url|start_date|end_date|is_current|date_text|"
              "description))?|"
              "certifications\\.[0-9]+(\\.(name|issuer|date))?|"
              "languages\\.[0-9]+(\\.(name|proficiency))?)$'");
  ASSERT_NONE(f, "entry rows whose raw_value is not a JSON object",
              "SELECT count(*) FROM public.parsed_resume_entities WHERE field_name ~ "
              "'^[a-z_]+\\.[0-9]+$' AND field_name !~ '^contact' AND (raw_value IS NULL OR "
              "jsonb_typeof(public.try_jsonb(raw_value)) IS DISTINCT FROM 'object')");
  /* every leaf says what its entry says (booleans and numbers as text) */
  ASSERT_NONE(f, "leaf rows that differ from their entry",
              "SELECT count(*) FROM public.parsed_resume_entities l "
              "JOIN public.parsed_resume_entities e ON e.resume_version_id = l.resume_version_id "
              "AND e.field_name = regexp_replace(l.field_name, '\\.[a-z_]+$', '') "
              "WHERE l.field_name ~ '^[a-z_]+\\.[0-9]+\\.[a-z_]+$' AND l.field_name !~ '^contact' "
              "AND (public.try_jsonb(e.raw_value) ->> regexp_replace(l.field_name, '^.*\\.', '')) "
              "IS DISTINCT FROM l.raw_value");
  /* an entry row has all eight fields, and a leaf row for each that has
   * a value and for no other */
  ASSERT_NONE(f, "entries without all their fields",
              "SELECT count(*) FROM public.parsed_resume_entities e WHERE e.field_name ~ "
              "'^(work_experience|education|projects)\\.[0-9]+$' AND (SELECT count(*) FROM "
              "jsonb_object_keys(public.try_jsonb(e.raw_value))) <> 8");
  ASSERT_NONE(f, "entries whose leaf rows are not their fields with a value",
              "SELECT count(*) FROM public.parsed_resume_entities e WHERE e.field_name ~ "
              "'^(work_experience|education|skills|projects|certifications|languages)\\.[0-9]+$' "
              "AND (SELECT count(*) FROM public.parsed_resume_entities l "
              "WHERE l.resume_version_id = e.resume_version_id AND l.field_name LIKE e.field_name || '.%%') "
              "<> (SELECT count(*) FROM jsonb_each(public.try_jsonb(e.raw_value)) k WHERE k.value <> 'null')");
  ASSERT_NONE(f, "rows without a value",
              "SELECT count(*) FROM public.parsed_resume_entities WHERE raw_value IS NULL OR btrim(raw_value) = ''");
  ASSERT_NONE(f, "dates that are not partial ISO 8601",
              "SELECT count(*) FROM public.parsed_resume_entities WHERE field_name ~ "
              "'\\.(start_date|end_date|date)$' AND raw_value IS NOT NULL AND raw_value !~ "
              "'^[0-9]{4}(-(0[1-9]|1[0-2]))?$'");
  ASSERT_NONE(f, "current entries with an end date",
              "SELECT count(*) FROM public.parsed_resume_entities e WHERE e.field_name ~ "
              "'^[a-z_]+\\.[0-9]+$' AND e.field_name !~ '^contact' "
              "AND (public.try_jsonb(e.raw_value) ->> 'is_current') = 'true' "
              "AND (public.try_jsonb(e.raw_value) ->> 'end_date') IS NOT NULL");
  ASSERT_NONE(f, "rows not labelled as the LLM's in json_schema mode",
              "SELECT count(*) FROM public.parsed_resume_entities WHERE source_type IS DISTINCT "
              "FROM 'openai_json_schema' OR model_version IS DISTINCT FROM '" FAKE_MODEL "' "
              "OR NOT confidence_score BETWEEN 0 AND 1");
  ASSERT_NONE(f, "versions without a name",
              "SELECT count(*) FROM public.resume_versions v WHERE NOT EXISTS (SELECT 1 FROM "
              "public.parsed_resume_entities p WHERE p.resume_version_id = v.id AND p.field_name "
              "= 'contact.name' AND p.raw_value <> '')");
  /* the checks above and below are about something: every kind of entry
   * the enrichment maps back is among the samples' */
  ck_assert_int_eq(wfx_count(f, "SELECT count(DISTINCT split_part(field_name, '.', 1)) FROM "
                                "public.parsed_resume_entities WHERE field_name ~ "
                                "'^[a-z_]+\\.[0-9]+$' AND split_part(field_name, '.', 1) IN (" ENRICHED ")"),
                   4);
}

static void assert_enrichment_contract(wfx *f) {
  ASSERT_NONE(f, "entries without exactly one entry_enrichment row",
              "SELECT count(*) FROM public.parsed_resume_entities p WHERE p.field_name ~ "
              "'^[a-z_]+\\.[0-9]+$' AND split_part(p.field_name, '.', 1) IN (" ENRICHED ") "
              "AND (SELECT count(*) FROM public.entry_enrichment e WHERE e.parsed_entity_id = "
              "p.id) <> 1");
  ASSERT_NONE(f, "entry_enrichment rows not on an entry row of their version",
              "SELECT count(*) FROM public.entry_enrichment e LEFT JOIN "
              "public.parsed_resume_entities p ON p.id = e.parsed_entity_id AND "
              "p.resume_version_id = e.resume_version_id WHERE p.id IS NULL OR p.field_name !~ "
              "'^[a-z_]+\\.[0-9]+$' OR split_part(p.field_name, '.', 1) NOT IN (" ENRICHED ") "
              "OR e.model_version IS DISTINCT FROM '" FAKE_MODEL "'");
  ASSERT_NONE(f, "career_enrichment rows with a missing field or a score outside 0..100",
              "SELECT count(*) FROM public.career_enrichment WHERE role_archetype IS NULL OR "
              "persona_type IS NULL OR NOT leadership_score BETWEEN 0 AND 100 OR NOT scope_score "
              "BETWEEN 0 AND 100 OR NOT technical_depth_score BETWEEN 0 AND 100 OR "
              "coalesce(leadership_explanation, '') = '' OR coalesce(scope_explanation, '') = '' "
              "OR coalesce(technical_depth_explanation, '') = '' OR model_version IS DISTINCT "
              "FROM '" FAKE_MODEL "'");
  ASSERT_NONE(f, "versions without three narratives",
              "SELECT count(*) FROM public.resume_versions v WHERE (SELECT count(DISTINCT "
              "narrative_type) FROM public.career_narratives n WHERE n.resume_version_id = v.id "
              "AND n.narrative_text <> '') <> 3");
  /* parse, career; and the entries' call when there is an entry to enrich */
  ASSERT_NONE(f, "versions whose telemetry does not show their calls and their cost",
              "SELECT count(*) FROM public.resume_versions v WHERE (processing_telemetry ->> "
              "'total_llm_calls')::int IS DISTINCT FROM 2 + (SELECT count(*) FILTER (WHERE "
              "split_part(p.field_name, '.', 1) IN (" ENRICHED ")) > 0 FROM "
              "public.parsed_resume_entities p WHERE p.resume_version_id = v.id AND "
              "p.field_name ~ '^[a-z_]+\\.[0-9]+$')::int OR NOT (processing_telemetry ->> "
              "'total_cost_usd')::numeric > 0 OR processing_telemetry #>> "
              "'{stages,parse,source_type}' IS DISTINCT FROM 'openai_json_schema'");
}

START_TEST(llm_provider_completes_the_sample_resumes_with_rows_per_the_contract) {
  wfx_llm llm;
  wfx_llm_start(&llm, NULL);
  wfx f;
  wfx_init(&f, "wllme2e", 16, NULL);
  int n = enqueue_samples(&f);
  ck_assert_int_ge(n, 7); /* .txt, .md, .pdf and .docx among them */
  char ini[1024];
  wfx_llm_ini(&llm, ini, sizeof ini);
  wfx_worker *w = wfx_start(&f, "e2e", ini);
  wfx_wait_all_finished(&f, 60000);
  wfx_assert_outputs_once(&f, n);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE "
                                 "processing_errors <> '[]'::jsonb"),
                   0);
  assert_entity_contract(&f);
  assert_enrichment_contract(&f);
  ck_assert_int_eq(wfx_llm_stat(&llm, "chat_requests"),
                   wfx_count(&f, "SELECT sum((processing_telemetry ->> 'total_llm_calls')::int) "
                                 "FROM public.resume_versions"));
  ck_assert_int_eq(wfx_stop(w, 15000), 0);
  wfx_llm_stop(&llm);
  wfx_done(&f);
}
END_TEST

/* insufficient_quota: one call, no retry within the job; the job goes back
 * to pending an hour out (worker.quota_backoff_ms) with the error on the
 * row, and its upload stays committed. */
START_TEST(quota_exhausted_reschedules_the_job_an_hour_out) {
  wfx_llm llm;
  wfx_llm_start(&llm, NULL);
  wfx f;
  wfx_init(&f, "wllmquota", 1, NULL);
  const char text[] = "Jane Doe\nEXPERIENCE\nEngineer at Globex (2015 - 2019)\n[[fault:quota]]\n";
  add_version(&f, 0, "quota.txt", text, sizeof text - 1, 5);
  char ini[1024];
  wfx_llm_ini(&llm, ini, sizeof ini);
  wfx_worker *w = wfx_start(&f, "quota", ini);
  ck_assert_int_eq(wfx_wait_count(&f, 1, 20000,
                                  "SELECT count(*) FROM public.resume_versions WHERE "
                                  "jsonb_array_length(processing_errors) > 0 AND processing_status <> "
                                  "'processing'"),
                   1);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE "
                                 "processing_status = 'pending' AND attempts = 1 AND "
                                 "run_after > now() + interval '59 minutes' AND run_after < now() + "
                                 "interval '61 minutes' AND processing_errors -> 0 ->> 'stage' = 'parse' "
                                 "AND processing_errors -> 0 ->> 'code' = 'LLM_QUOTA_EXCEEDED' "
                                 "AND processing_errors -> 0 ->> 'message' LIKE '%%insufficient_quota%%'"),
                   1);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_version_texts"), 1);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.parsed_resume_entities"), 0);
  ck_assert_int_eq(wfx_llm_stat(&llm, "chat_requests"), 1);
  ck_assert_int_eq(wfx_stop(w, 15000), 0);
  wfx_llm_stop(&llm);
  wfx_done(&f);
}
END_TEST

/* The career call fails (HTTP 500, no retry within the job): the job goes
 * back to the queue with the entries' answer kept beside it, and its
 * retries ask for the career alone.  The fake fails the career request
 * twice: the first attempt sends the parse result it holds in memory, the
 * retries the document rebuilt from the stored entities, which the fake
 * takes for another conversation ("500x1" counts per conversation).  So:
 * parse, entries, three career requests; without the checkpoint the
 * entries would have been paid for three times (seven requests).  The
 * telemetry shows the reuse, and every output is there once. */
START_TEST(retry_after_a_failed_career_call_reuses_the_entries_answer) {
  wfx_llm llm;
  wfx_llm_start(&llm, NULL);
  wfx f;
  wfx_init(&f, "wllmcheckpoint", 1, NULL);
  const char text[] = "Jane Doe\nEXPERIENCE\nEngineer at Globex (2015 - 2019)\n[[fault:500x1@career]]\n"
                      "EDUCATION\nMIT, BSc Computer Science (2011 - 2015)\n";
  add_version(&f, 0, "checkpoint.txt", text, sizeof text - 1, 5);
  char ini[1024];
  wfx_llm_ini(&llm, ini, sizeof ini);
  wfx_worker *w = wfx_start(&f, "checkpoint", ini);
  wfx_wait_all_finished(&f, 30000);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE processing_status = "
                                 "'completed' AND attempts = 3 AND jsonb_array_length(processing_errors) = 2 AND "
                                 "processing_errors @> '[{\"stage\": \"enrich\", \"code\": \"LLM_UNAVAILABLE\", "
                                 "\"attempt\": 1}, {\"stage\": \"enrich\", \"code\": \"LLM_UNAVAILABLE\", "
                                 "\"attempt\": 2}]'"),
                   1);
  ck_assert_int_eq(wfx_llm_stat(&llm, "chat_requests"), 5);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE "
                                 "(processing_telemetry ->> 'total_llm_calls_reused')::int = 1 AND "
                                 "processing_telemetry #> '{stages,enrich,llm_calls,0}' @> "
                                 "'{\"call\": \"enrich_entries\", \"reused\": true, \"attempts\": 0}' AND "
                                 "processing_telemetry #> '{stages,enrich,llm_calls,1}' @> "
                                 "'{\"call\": \"enrich_career\", \"reused\": false, \"attempts\": 1}'"),
                   1);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM queue.stage_checkpoints WHERE stage = 'enrich' AND "
                                 "data ? 'enrich_entries' AND NOT data ? 'enrich_career'"),
                   1);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.entry_enrichment"), 2);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.career_enrichment"), 1);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.career_narratives"), 3);
  wfx_assert_outputs_once(&f, 1);
  ck_assert_int_eq(wfx_stop(w, 15000), 0);
  ck_assert_int_eq(wfx_log_count(w, "llm.checkpoint_reused"), 2);
  ck_assert_int_eq(wfx_log_count(w, "call=enrich_entries attempt="), 1);
  wfx_llm_stop(&llm);
  wfx_done(&f);
}
END_TEST

int main(int argc, char **argv) {
  wfx_set_binary(argc, argv);
  Suite *s = suite_create("worker-llm");
  TCase *tc = tcase_create("end-to-end");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, llm_provider_completes_the_sample_resumes_with_rows_per_the_contract);
  tcase_add_test(tc, quota_exhausted_reschedules_the_job_an_hour_out);
  tcase_add_test(tc, retry_after_a_failed_career_call_reuses_the_entries_answer);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
