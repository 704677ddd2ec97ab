/* The fleet status page: GET /status on a worker's metrics listener shows
 * the whole fleet out of Postgres (queue depth, rates, workers, failures),
 * escapes what it prints, shows no resume text, and a worker stopped while
 * a page waits for the database still shuts down cleanly.  The renderer is
 * also checked on its own, on a snapshot written here. */
#include <check.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "careeros/status.h"
#include "testlib.h"
#include "workerfx.h"

static int count_of(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
    n++;
  return n;
}

/* ---- the renderer alone -------------------------------------------------- */

static json_t *snapshot(void) {
  json_t *minutes = json_array();
  for (int i = 0; i < 60; i++)
    json_array_append_new(minutes, json_pack("{s:s, s:i, s:i}", "minute", "2026-12-07T12:00:00+00:00",
                                             "completed", i == 59 ? 42 : 0, "failed", i == 10 ? 3 : 0));
  return json_pack(
      "{s:s, s:[{s:s, s:s, s:i}], s:{s:i, s:i, s:f}, s:o, s:[{s:s, s:s, s:s, s:s}], "
      "s:[{s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:s, s:f}]}",
      "generated_at", "2026-12-07T12:00:01.5+00:00", "depth", "status", "pending", "stage", "upload", "count",
      17, "pending", "ready", 15, "waiting_retry", 2, "oldest_age_seconds", 4000.0, "minutes", minutes,
      "failures", "id", "0b9f5a52-0000-4000-8000-000000000001", "stage", "parse", "code", "<img src=x>",
      "at", "2026-12-07T11:59:00+00:00", "workers", "id", "w1\"><script>alert(1)</script>", "host", "h&st",
      "version", "0.1.0", "inflight", 3, "concurrency", 8, "completed", 42, "failed", 3, "started_at",
      "2026-12-07T10:00:00+00:00", "seen_seconds_ago", 1.5);
}

START_TEST(render_escapes_every_value_and_draws_60_bars_per_chart) {
  json_t *snap = snapshot();
  char *html = cw_status_render(snap);
  ck_assert_ptr_nonnull(html);
  ck_assert_ptr_nonnull(strstr(html, "<meta http-equiv=\"refresh\""));
  ck_assert_int_eq(count_of(html, "<svg"), 2);
  ck_assert_int_eq(count_of(html, "<rect"), 120);
  ck_assert_ptr_null(strstr(html, "<script"));
  ck_assert_ptr_null(strstr(html, "<img"));
  ck_assert_ptr_nonnull(strstr(html, "w1&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
  ck_assert_ptr_nonnull(strstr(html, "&lt;img src=x&gt;"));
  ck_assert_ptr_nonnull(strstr(html, "h&amp;st"));
  /* the cards add up the minutes and the depth */
  ck_assert_ptr_nonnull(strstr(html, "<b>42</b><span>completed, last hour"));
  ck_assert_ptr_nonnull(strstr(html, "<b class=\"bad\">3</b><span>failed, last hour"));
  ck_assert_ptr_nonnull(strstr(html, "<b>15</b><span>pending, ready"));
  ck_assert_ptr_nonnull(strstr(html, "<b>66.7 min</b><span>oldest pending"));
  ck_assert_ptr_nonnull(strstr(html, "3 / 8"));
  ck_assert_ptr_nonnull(strstr(html, "<td>pending</td><td>upload</td><td class=\"n\">17</td>"));
  free(html);
  json_decref(snap);
}
END_TEST

START_TEST(render_of_an_idle_fleet_says_so) {
  json_t *snap = json_pack("{s:s, s:[], s:{s:i, s:i, s:n}, s:[], s:[], s:[]}", "generated_at", "x", "depth",
                           "pending", "ready", 0, "waiting_retry", 0, "oldest_age_seconds", "minutes",
                           "failures", "workers");
  char *html = cw_status_render(snap);
  ck_assert_ptr_nonnull(html);
  ck_assert_ptr_nonnull(strstr(html, "The queue is empty."));
  ck_assert_ptr_nonnull(strstr(html, "No worker has reported in the last minute."));
  ck_assert_ptr_nonnull(strstr(html, "No failure in the last 7 days."));
  ck_assert_ptr_nonnull(strstr(html, "<b>&ndash;</b><span>oldest pending"));
  free(html);
  json_decref(snap);
}
END_TEST

/* ---- through the daemon ---------------------------------------------------- */

static char *status_ini(int port) {
  char *s = NULL;
  ck_assert_int_ge(asprintf(&s, "[metrics]\nlisten = 127.0.0.1:%d\n", port), 0);
  return s;
}

START_TEST(status_page_shows_the_whole_fleet_from_any_worker) {
  wfx f;
  wfx_init(&f, "wstatus", 2, NULL);
  char (*ids)[37] = wfx_enqueue(&f, 3, 0);
  /* a version whose file does not match its hash fails at upload */
  char *text = wfx_resume_text(99), rel[64];
  snprintf(rel, sizeof rel, "%s/bad.txt", f.users[0]); /* in its owner's folder, as the schema wants */
  wfx_write_file(&f, rel, text, strlen(text));
  char bad[37];
  wfx_insert_version(&f, 0, rel, (long)strlen(text),
                     "0000000000000000000000000000000000000000000000000000000000000000", 1, bad);
  int port = wfx_free_port();
  char *ini = status_ini(port);
  wfx_start(&f, "front", ini);
  wfx_start(&f, "w<&>", "[worker]\nconcurrency = 2\n"); /* no listener: shown by the other */
  wfx_wait_all_finished(&f, 60000);
  ck_assert_int_eq(wfx_wait_count(&f, 2, 15000, "SELECT count(*) FROM queue.workers"), 2);
  /* both report within one interval of finishing */
  ck_assert_int_eq(wfx_wait_count(&f, 4, 15000,
                                  "SELECT coalesce(sum(completed_total + failed_total), 0) FROM queue.workers"),
                   4);
  /* what the page reads: three completions this minute (or the last) */
  ck_assert_int_eq(wfx_count(&f, "SELECT sum(completed) FROM queue.fleet_minutes"), 3);

  long status = 0;
  char *html = NULL;
  for (int i = 0; i < 50; i++) { /* past the page's 2 s cache of an older snapshot */
    free(html);
    html = wfx_http_get(port, "/status", &status);
    if (html && strstr(html, "<b>3</b><span>completed, last hour"))
      break;
    wfx_sleep_ms(200);
  }
  ck_assert_ptr_nonnull(html);
  ck_assert_int_eq(status, 200);
  ck_assert_ptr_nonnull(strstr(html, "<b>3</b><span>completed, last hour"));
  ck_assert_ptr_nonnull(strstr(html, "<b class=\"bad\">1</b><span>failed, last hour"));
  ck_assert_ptr_nonnull(strstr(html, "<b>2</b><span>workers"));
  ck_assert_ptr_nonnull(strstr(html, "<code>front</code>"));
  ck_assert_ptr_nonnull(strstr(html, "<code>w&lt;&amp;&gt;</code>"));
  ck_assert_ptr_null(strstr(html, "w<&>"));
  ck_assert_ptr_nonnull(strstr(html, "FILE_HASH_MISMATCH"));
  ck_assert_ptr_nonnull(strstr(html, bad));
  ck_assert_int_eq(count_of(html, "<svg"), 2);
  ck_assert_ptr_null(strstr(html, "<script"));
  ck_assert_ptr_null(strstr(html, "http://"));
  ck_assert_ptr_null(strstr(html, "https://"));
  /* no resume text: not even the first line (the name) of any resume */
  for (int i = 0; i < 3; i++) {
    char *t = wfx_resume_text(i);
    char *nl = strchr(t, '\n');
    if (nl)
      *nl = 0;
    ck_assert_msg(strlen(t) > 3 && !strstr(html, t), "resume text '%s' on the page", t);
    free(t);
  }
  free(html);

  /* a backlog shows by status and stage; retries wait */
  wfx_exec(&f, "UPDATE public.resume_versions SET processing_status = 'pending', run_after = now() + "
               "interval '1 hour', current_stage = 'parse' WHERE id IN ('%s', '%s')",
           ids[0], ids[1]);
  html = NULL;
  for (int i = 0; i < 50; i++) {
    free(html);
    html = wfx_http_get(port, "/status", &status);
    if (html && strstr(html, "<td>pending</td><td>parse</td><td class=\"n\">2</td>"))
      break;
    wfx_sleep_ms(200);
  }
  ck_assert_ptr_nonnull(html);
  ck_assert_ptr_nonnull(strstr(html, "<td>pending</td><td>parse</td><td class=\"n\">2</td>"));
  ck_assert_ptr_nonnull(strstr(html, "<b>2</b><span>pending, waiting to retry"));
  free(html);

  ck_assert_int_eq(wfx_stop(&f.w[0], 15000), 0);
  ck_assert_int_eq(wfx_stop(&f.w[1], 15000), 0);
  free(ini);
  free(text);
  free(ids);
  wfx_done(&f);
}
END_TEST

/* A page waits for a query that a lock holds back; SIGTERM must answer it
 * (503 or a closed connection), exit 0 and leave nothing behind (the
 * sanitizer build fails the exit status on a leak). */
START_TEST(sigterm_while_a_status_page_waits_for_the_database_exits_cleanly) {
  wfx f;
  wfx_init(&f, "wstatus2", 1, NULL);
  int port = wfx_free_port();
  char *ini = status_ini(port);
  wfx_worker *w = wfx_start(&f, "front", ini);
  ck_assert_int_eq(wfx_wait_count(&f, 1, 15000, "SELECT count(*) FROM queue.workers"), 1);
  PGconn *lock = PQconnectdb(f.conninfo);
  ck_assert_int_eq(PQstatus(lock), CONNECTION_OK);
  PQclear(PQexec(lock, "BEGIN; LOCK TABLE queue.workers IN ACCESS EXCLUSIVE MODE"));
  pid_t child = fork();
  ck_assert_int_ge(child, 0);
  if (child == 0) {
    long st = 0;
    char *body = wfx_http_get(port, "/status", &st);
    _exit(body ? (st == 503 ? 3 : 4) : 2); /* 2: connection closed, 3: 503 */
  }
  ck_assert_int_eq(wfx_wait_count(&f, 1, 15000, WFX_LOCK_WAITERS), 1); /* the page's query waits */
  wfx_signal(w, SIGTERM);
  int cs = 0;
  ck_assert_int_eq(waitpid(child, &cs, 0), child);
  ck_assert_msg(WIFEXITED(cs) && (WEXITSTATUS(cs) == 2 || WEXITSTATUS(cs) == 3),
                "the waiting page got status %d", WIFEXITED(cs) ? WEXITSTATUS(cs) : -1);
  PQclear(PQexec(lock, "ROLLBACK"));
  PQfinish(lock);
  ck_assert_int_eq(wfx_wait_exit(w, 20000), 0);
  ck_assert_int_eq(wfx_log_count(w, "daemon.loop_not_empty"), 0);
  free(ini);
  wfx_done(&f);
}
END_TEST

int main(int argc, char **argv) {
  wfx_set_binary(argc, argv);
  Suite *s = suite_create("status");
  TCase *r = tcase_create("render");
  tcase_add_test(r, render_escapes_every_value_and_draws_60_bars_per_chart);
  tcase_add_test(r, render_of_an_idle_fleet_says_so);
  suite_add_tcase(s, r);
  TCase *d = tcase_create("daemon");
  tcase_set_timeout(d, 180);
  tcase_add_test(d, status_page_shows_the_whole_fleet_from_any_worker);
  tcase_add_test(d, sigterm_while_a_status_page_waits_for_the_database_exits_cleanly);
  suite_add_tcase(s, d);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
