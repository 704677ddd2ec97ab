/* /metrics of a running daemon, as Prometheus sees it: one `careeros-worker
 * run` with metrics.listen processes good and bad versions while one more
 * waits for its retry, uploaded an hour ago; the scrape then shows the
 * queue (depth, age of the oldest pending version) and the failures by
 * code, passes `promtool check metrics`, and exports every metric that
 * contrib/prometheus/careeros-worker.rules.yml uses
 * (tests/prometheus/check.sh scrape).  Skipped (77) without promtool. */
#include <check.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"
#include "workerfx.h"

static size_t collect(char *p, size_t sz, size_t n, void *f) { return fwrite(p, sz, n, f); }

/* Saves http://127.0.0.1:port/metrics to path. */
static void scrape_to(int port, const char *path) {
  char url[128];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/metrics", port);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  CURL *c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
  CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(c);
  fclose(f);
  ck_assert_msg(rc == CURLE_OK && status == 200, "GET %s: %s, HTTP %ld", url, curl_easy_strerror(rc), status);
}

START_TEST(live_scrape_shows_the_queue_and_failures_and_passes_promtool) {
  wfx f;
  wfx_init(&f, "mlive", 4, NULL);
  char (*ids)[37] = wfx_enqueue(&f, 6, 0);
  free(ids);
  /* a wrong hash fails at once with FILE_HASH_MISMATCH */
  char bad[37], parked[37];
  const char *text = "Jane Doe\nEngineer\n";
  char rel0[64], rel1[64]; /* in the owners' folders, as the schema wants */
  snprintf(rel0, sizeof rel0, "%s/bad.txt", f.users[0]);
  snprintf(rel1, sizeof rel1, "%s/parked.txt", f.users[1]);
  wfx_write_file(&f, rel0, text, strlen(text));
  wfx_insert_version(&f, 0, rel0, (long)strlen(text),
                     "0000000000000000000000000000000000000000000000000000000000000000", 1, bad);
  /* uploaded an hour ago and waiting a day for its retry: stays pending */
  char hash[65];
  wfx_sha256_hex(text, strlen(text), hash);
  wfx_write_file(&f, rel1, text, strlen(text));
  wfx_insert_version(&f, 1, rel1, (long)strlen(text), hash, 0, parked);
  wfx_exec(&f,
           "UPDATE public.resume_versions SET created_at = now() - interval '1 hour', "
           "run_after = now() + interval '1 day' WHERE id = '%s'",
           parked);

  int port = wfx_free_port();
  char extra[128];
  snprintf(extra, sizeof extra, "[metrics]\nlisten = 127.0.0.1:%d\n", port);
  wfx_worker *w = wfx_start(&f, "mlive", extra);
  long left = wfx_wait_count(&f, 1, 60000, WFX_UNFINISHED);
  if (left != 1)
    wfx_dump_logs(&f);
  ck_assert_int_eq(left, 1);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE id = '%s' AND "
                                 "processing_status = 'failed'", bad), 1);

  /* The queue gauges are sampled every few seconds: wait for a sample
   * taken after the others finished. */
  double depth = -1;
  for (int i = 0; i < 300 && depth != 1; i++) {
    depth = wfx_metric(port, "careeros_queue_depth{status=\"pending\"}");
    if (depth != 1)
      wfx_sleep_ms(100);
  }
  ck_assert_msg(depth == 1, "pending depth %g, want 1", depth);
  double age = wfx_metric(port, "careeros_queue_oldest_pending_age_seconds");
  ck_assert_msg(age >= 3600 && age < 3600 + 600, "oldest pending age %g, want about an hour", age);
  ck_assert_double_eq(wfx_metric(port, "careeros_jobs_failed_total{code=\"FILE_HASH_MISMATCH\"}"), 1);
  ck_assert_double_eq(wfx_metric(port, "careeros_jobs_completed_total"), 6);

  char scrape[600], cmd[2048];
  snprintf(scrape, sizeof scrape, "%s/metrics.txt", f.dir);
  scrape_to(port, scrape);
  snprintf(cmd, sizeof cmd, "sh %s/tests/prometheus/check.sh scrape %s %s/contrib/prometheus/careeros-worker.rules.yml",
           cw_test_source_root(), scrape, cw_test_source_root());
  int rc = system(cmd);
  ck_assert_msg(rc == 0, "%s: status %d", cmd, rc);

  ck_assert_int_eq(wfx_stop(w, 15000), 0);
  wfx_done(&f);
}
END_TEST

int main(int argc, char **argv) {
  if (system("command -v promtool >/dev/null 2>&1") != 0) {
    printf("SKIP: promtool not installed (package prometheus)\n");
    return 77;
  }
  wfx_set_binary(argc, argv);
  Suite *s = suite_create("metrics-live");
  TCase *tc = tcase_create("scrape");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, live_scrape_shows_the_queue_and_failures_and_passes_promtool);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
