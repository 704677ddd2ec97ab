/* Batch API mode end to end: `careeros-worker run` processes against the
 * fake OpenAI server's Files and Batch API (tests/fake_llm/fake_batch.c).
 *
 *  - jobs are batched (no live parse call), wait without a lease or a slot
 *    while their worker is stopped, and two other workers finish them: one
 *    of them takes the batch, neither writes anything twice; the parse
 *    cost in the telemetry is half the live price; a job above
 *    llm.batch_max_priority runs live meanwhile;
 *  - a line answered with a 500 and a line whose answer breaks the schema:
 *    the first job goes back to the normal path, the second gets its
 *    repair round live, the others are answered from the batch;
 *  - an expired, a failed, a cancelled and a vanished (404) batch send
 *    their jobs back to the normal path;
 *  - under the workers, a batch check is held by one worker, and a checker
 *    overtaken by another writes nothing;
 *  - auto mode below its backlog threshold batches nothing. */
#include <check.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "workerfx.h"

/* the fake's test control: batches held by --batch-hold end now */
static void release_batches(const wfx_llm *l) {
  char url[128];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/batch/release", l->port);
  CURL *c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(c, CURLOPT_NOBODY, 0L);
  FILE *null = fopen("/dev/null", "w");
  curl_easy_setopt(c, CURLOPT_WRITEDATA, null);
  ck_assert_int_eq(curl_easy_perform(c), CURLE_OK);
  curl_easy_cleanup(c);
  fclose(null);
}

/* A generated resume, with extra lines (fault markers) at its end. */
static void add_resume(wfx *f, int i, const char *extra, char id[37]) {
  char *t = wfx_resume_text(1000 + i);
  char *text;
  ck_assert_int_ge(asprintf(&text, "%s%s\n", t, extra ? extra : ""), 0);
  char rel[96], hex[65];
  snprintf(rel, sizeof rel, "%s/batch/%d.txt", f->users[i % f->nusers], i); /* the owner's folder */
  wfx_write_file(f, rel, text, strlen(text));
  wfx_sha256_hex(text, strlen(text), hex);
  wfx_insert_version(f, i % f->nusers, rel, (long)strlen(text), hex, 5, id);
  free(text);
  free(t);
}

static void batch_ini(const wfx_llm *l, char *buf, size_t n, const char *extra) {
  char base[1024];
  wfx_llm_ini(l, base, sizeof base);
  snprintf(buf, n,
           "%sbatch = on\nbatch_collect_ms = 400\nbatch_poll_ms = 100\n%s"
           "[worker]\nlease_ms = 4000\nheartbeat_ms = 500\npoll_interval_ms = 200\n",
           base, extra ? extra : "");
}

/* The parse call of every finished row: live, or read from a batch at
 * batch_price_factor (0.5) of the live price of its tokens. */
#define PARSE_CALL "processing_telemetry #> '{stages,parse,llm_calls,0}'"
#define HALF_PRICE                                                                                 \
  "abs((" PARSE_CALL " ->> 'cost_usd')::numeric - 0.5 * (((" PARSE_CALL                               \
  " ->> 'prompt_tokens')::numeric - (" PARSE_CALL " ->> 'cached_tokens')::numeric) * 0.15 + (" PARSE_CALL \
  " ->> 'cached_tokens')::numeric * 0.075 + (" PARSE_CALL " ->> 'completion_tokens')::numeric * 0.6) / 1e6) < 1e-9"

START_TEST(batched_jobs_wait_without_a_lease_survive_a_restart_and_finish_at_half_price) {
  wfx_llm llm;
  wfx_llm_start(&llm, (const char *const[]){"--batch-hold", NULL});
  wfx f;
  wfx_init(&f, "batchon", 4, NULL);
  char ids[5][37];
  for (int i = 0; i < 4; i++)
    add_resume(&f, i, NULL, ids[i]);
  char urgent[37];
  add_resume(&f, 4, NULL, urgent);
  wfx_exec(&f, "UPDATE public.resume_versions SET priority = 5 WHERE id = '%s'", urgent);
  char ini[2048];
  batch_ini(&llm, ini, sizeof ini, NULL);
  wfx_worker *a = wfx_start(&f, "A", ini);
  /* parked: pending, no lease, never claimable, the batch named on the row */
  ck_assert_int_eq(wfx_wait_count(&f, 4, 30000,
                                  "SELECT count(*) FROM public.resume_versions WHERE llm_batch_state = "
                                  "'waiting' AND processing_status = 'pending' AND lease_token IS NULL AND "
                                  "locked_by IS NULL AND run_after = 'infinity' AND llm_batch_id IS NOT NULL "
                                  "AND processing_stages #>> '{parse,status}' = 'batched' AND "
                                  "processing_stages #>> '{upload,status}' = 'completed'"),
                   4);
  /* the urgent job ran live meanwhile */
  wfx_wait_count(&f, 1, 30000, "SELECT count(*) FROM public.resume_versions WHERE processing_status = "
                               "'completed' AND id = '%s' AND llm_batch_state IS NULL", urgent);
  ck_assert_int_ge(wfx_llm_stat(&llm, "batches_created"), 1);
  ck_assert_int_eq(wfx_llm_stat(&llm, "batch_lines"), 0);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE attempts <> 0 AND "
                                 "llm_batch_state = 'waiting'"),
                   0);
  /* the worker goes while its batch runs: nothing of the jobs goes with it */
  ck_assert_int_eq(wfx_stop(a, 15000), 0);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE llm_batch_state = "
                                 "'waiting' AND processing_status = 'pending'"),
                   4);
  long live_before = wfx_llm_stat(&llm, "chat_requests");
  release_batches(&llm);
  /* two other workers: each batch is checked and finished by one of them */
  wfx_worker *b = wfx_start(&f, "B", ini);
  wfx_worker *c = wfx_start(&f, "C", ini);
  wfx_wait_all_finished(&f, 60000);
  wfx_assert_outputs_once(&f, 5);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE llm_batch_state = "
                                 "'answered' AND processing_status = 'completed' AND processing_errors = "
                                 "'[]'::jsonb AND (" PARSE_CALL " ->> 'batch') = 'true' AND " HALF_PRICE),
                   4);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM queue.llm_batches WHERE status = 'completed' AND "
                                 "finished_at IS NOT NULL AND checked_by IN ('B', 'C') AND submitted_by = 'A'"),
                   wfx_count(&f, "SELECT count(*) FROM queue.llm_batches"));
  ck_assert_int_eq(wfx_count(&f, "SELECT sum(answered) FROM queue.llm_batches"), 4);
  ck_assert_int_eq(wfx_llm_stat(&llm, "batch_lines"), 4);
  /* the four parse calls came from the batch: only enrich calls went live */
  long live_after = wfx_llm_stat(&llm, "chat_requests");
  ck_assert_int_eq(live_after - live_before,
                   wfx_count(&f, "SELECT sum((processing_telemetry #>> '{stages,enrich,total_llm_calls}')::int) "
                                 "FROM public.resume_versions WHERE llm_batch_state = 'answered'"));
  /* the urgent job's parse was live, at the full price */
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE id = '%s' AND " PARSE_CALL
                                 " ->> 'batch' IS NULL AND NOT " HALF_PRICE, urgent),
                   1);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM queue.llm_batch_answers"), 0);
  ck_assert_int_eq(wfx_stop(b, 15000), 0);
  ck_assert_int_eq(wfx_stop(c, 15000), 0);
  ck_assert_int_ge(wfx_log_count(b, "batch.finished") + wfx_log_count(c, "batch.finished"), 1);
  wfx_llm_stop(&llm);
  wfx_done(&f);
}
END_TEST

START_TEST(line_errors_go_back_and_bad_answers_are_repaired_live) {
  wfx_llm llm;
  wfx_llm_start(&llm, NULL);
  wfx f;
  wfx_init(&f, "batchlines", 4, NULL);
  char ok[37], err[37], bad[37];
  add_resume(&f, 0, NULL, ok);
  add_resume(&f, 1, "[[batch:lineerror]]", err);
  add_resume(&f, 2, "[[fault:schemax1@parse]]", bad);
  char ini[2048];
  batch_ini(&llm, ini, sizeof ini, NULL);
  wfx_worker *w = wfx_start(&f, "W", ini);
  wfx_wait_all_finished(&f, 60000);
  wfx_assert_outputs_once(&f, 3);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE processing_status = "
                                 "'completed' AND processing_errors = '[]'::jsonb"),
                   3);
  /* the 500 line: back to the normal path, with the reason on the row */
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE id = '%s' AND "
                                 "llm_batch_state = 'returned' AND processing_telemetry #>> "
                                 "'{llm_batch,reason}' LIKE 'HTTP 500%%' AND " PARSE_CALL " ->> 'batch' IS NULL",
                             err),
                   1);
  /* the answer that broke the schema: read from the batch, found wrong
   * like a live one, repaired by a live request */
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE id = '%s' AND "
                                 "llm_batch_state = 'answered' AND (" PARSE_CALL " ->> 'batch') = 'true' AND "
                                 "(" PARSE_CALL " ->> 'repair_round') = 'true' AND (" PARSE_CALL
                                 " ->> 'attempts')::int = 2",
                             bad),
                   1);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE id = '%s' AND "
                                 "llm_batch_state = 'answered' AND (" PARSE_CALL " ->> 'batch') = 'true' AND "
                                 "(" PARSE_CALL " ->> 'repair_round') = 'false'",
                             ok),
                   1);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM queue.llm_batches WHERE status = 'completed' AND "
                                 "answered = 2 AND returned = 1"),
                   1);
  ck_assert_int_eq(wfx_stop(w, 15000), 0);
  wfx_llm_stop(&llm);
  wfx_done(&f);
}
END_TEST

/* expired, failed, cancelled: every job of the batch ends on the normal path */
static void ended_batch_sends_jobs_back(const char *fault, const char *status) {
  wfx_llm llm;
  wfx_llm_start(&llm, (const char *const[]){"--batch-fault", fault, NULL});
  wfx f;
  wfx_init(&f, "batchend", 3, NULL);
  char id[37];
  for (int i = 0; i < 3; i++)
    add_resume(&f, i, NULL, id);
  char ini[2048];
  batch_ini(&llm, ini, sizeof ini, NULL);
  wfx_worker *w = wfx_start(&f, "W", ini);
  wfx_wait_all_finished(&f, 60000);
  wfx_assert_outputs_once(&f, 3);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE processing_status = "
                                 "'completed' AND llm_batch_state = 'returned' AND llm_batch_id IS NOT NULL "
                                 "AND processing_telemetry #>> '{llm_batch,status}' = '%s' AND " PARSE_CALL
                                 " ->> 'batch' IS NULL AND attempts = 1",
                             status),
                   3);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM queue.llm_batches WHERE status <> '%s' OR answered <> 0",
                             status),
                   0);
  ck_assert_int_eq(wfx_stop(w, 15000), 0);
  wfx_llm_stop(&llm);
  wfx_done(&f);
}

START_TEST(an_expired_batch_sends_its_jobs_back_to_the_normal_path) {
  ended_batch_sends_jobs_back("expire", "expired");
}
END_TEST

START_TEST(a_failed_batch_sends_its_jobs_back_to_the_normal_path) {
  ended_batch_sends_jobs_back("fail", "failed");
}
END_TEST

START_TEST(a_cancelled_batch_sends_its_jobs_back_to_the_normal_path) {
  ended_batch_sends_jobs_back("cancel", "cancelled");
}
END_TEST

/* a batch the provider no longer knows (404) counts as failed */
START_TEST(a_vanished_batch_sends_its_jobs_back_to_the_normal_path) {
  ended_batch_sends_jobs_back("vanish", "failed");
}
END_TEST

/* The SQL contract under the workers: one check of a batch at a time, and
 * a checker whose check was taken over (it was too slow) writes nothing. */
START_TEST(a_batch_is_finished_once_by_the_worker_holding_its_check) {
  wfx f;
  wfx_init(&f, "batchfence", 1, NULL);
  char id[37];
  add_resume(&f, 0, NULL, id);
  wfx_exec(&f, "INSERT INTO queue.llm_batches (id, input_file_id, status, jobs, submitted_by) VALUES "
               "('batch_x', 'file_x', 'in_progress', 1, 'A')");
  wfx_exec(&f, "UPDATE public.resume_versions SET llm_batch_id = 'batch_x', llm_batch_state = 'waiting', "
               "run_after = 'infinity', current_stage = 'parse' WHERE id = '%s'", id);
  char *t1 = wfx_value(&f, "SELECT check_token FROM queue.batch_due('X', 1, 60000)");
  ck_assert_ptr_nonnull(t1);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM queue.batch_due('Y', 1, 60000)"), 0); /* X holds it */
  wfx_exec(&f, "UPDATE queue.llm_batches SET next_check_at = now() - interval '1 second'"); /* X is late */
  char *t2 = wfx_value(&f, "SELECT check_token FROM queue.batch_due('Y', 1, 60000)");
  ck_assert_ptr_nonnull(t2);
  ck_assert_str_ne(t1, t2);
  const char *finish = "SELECT count(*) FROM (SELECT queue.batch_finish('batch_x', '%s', 'completed', '{}', "
                       "jsonb_build_object('%s', '{\"id\": \"chatcmpl-1\"}'::jsonb), '{}') AS r) x WHERE r IS NULL";
  ck_assert_int_eq(wfx_count(&f, finish, t1, id), 1); /* fenced */
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE llm_batch_state = 'waiting' "
                                 "AND run_after = 'infinity'"),
                   1);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM queue.llm_batch_answers"), 0);
  ck_assert_int_eq(wfx_count(&f, finish, t2, id), 0); /* Y's counts */
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE llm_batch_state = "
                                 "'answered' AND run_after <= now() AND processing_status = 'pending'"),
                   1);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM queue.llm_batch_answers"), 1);
  ck_assert_int_eq(wfx_count(&f, finish, t2, id), 1); /* finished: nothing more */
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM queue.batch_due('Z', 1, 60000)"), 0);
  free(t1);
  free(t2);
  wfx_done(&f);
}
END_TEST

/* Azure's batch API differs: the mode is refused at startup, naming the key. */
START_TEST(batch_mode_needs_the_openai_api_style) {
  wfx f;
  wfx_init(&f, "batchcfg", 1, NULL);
  char ini[1024];
  snprintf(ini, sizeof ini,
           "[provider]\nname = openai\n[llm]\nbase_url = http://127.0.0.1:9/v1\nprompt_dir = %s/config/llm\n"
           "api_style = azure\nbatch = auto\n",
           cw_test_source_root());
  wfx_worker *w = wfx_start(&f, "W", ini);
  ck_assert_int_eq(wfx_wait_exit(w, 15000), 3);
  char *log = wfx_log(w);
  ck_assert_msg(strstr(log, "llm.batch: the Batch API mode needs llm.api_style = openai") != NULL, "%s", log);
  free(log);
  wfx_done(&f);
}
END_TEST

START_TEST(auto_mode_below_its_backlog_batches_nothing) {
  wfx_llm llm;
  wfx_llm_start(&llm, NULL);
  wfx f;
  wfx_init(&f, "batchauto", 2, NULL);
  char id[37];
  for (int i = 0; i < 2; i++)
    add_resume(&f, i, NULL, id);
  char ini[2048];
  batch_ini(&llm, ini, sizeof ini, "batch = auto\nbatch_min_backlog = 50\n");
  wfx_worker *w = wfx_start(&f, "W", ini);
  wfx_wait_all_finished(&f, 60000);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE processing_status = "
                                 "'completed' AND llm_batch_state IS NULL"),
                   2);
  ck_assert_int_eq(wfx_llm_stat(&llm, "batches_created"), 0);
  ck_assert_int_eq(wfx_stop(w, 15000), 0);
  wfx_llm_stop(&llm);
  wfx_done(&f);
}
END_TEST

int main(int argc, char **argv) {
  wfx_set_binary(argc, argv);
  Suite *s = suite_create("batch");
  TCase *tc = tcase_create("batch-api");
  tcase_set_timeout(tc, 150);
  tcase_add_test(tc, batched_jobs_wait_without_a_lease_survive_a_restart_and_finish_at_half_price);
  tcase_add_test(tc, line_errors_go_back_and_bad_answers_are_repaired_live);
  tcase_add_test(tc, an_expired_batch_sends_its_jobs_back_to_the_normal_path);
  tcase_add_test(tc, a_failed_batch_sends_its_jobs_back_to_the_normal_path);
  tcase_add_test(tc, a_cancelled_batch_sends_its_jobs_back_to_the_normal_path);
  tcase_add_test(tc, a_vanished_batch_sends_its_jobs_back_to_the_normal_path);
  tcase_add_test(tc, a_batch_is_finished_once_by_the_worker_holding_its_check);
  tcase_add_test(tc, auto_mode_below_its_backlog_batches_nothing);
  tcase_add_test(tc, batch_mode_needs_the_openai_api_style);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
