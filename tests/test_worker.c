/* The worker as processes: the real `careeros-worker run` binary against a
 * fresh database and a temporary storage root with generated plain-text
 * resumes, offline provider.  Pools of processes on 1,000 versions, lost
 * notifications, graceful drain, bad configuration and escaping paths,
 * SIGHUP reload.  (Crashes, pauses, Postgres restarts and retries are in
 * test_worker_faults.c.) */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"
#include "workerfx.h"

static int cmp_id(const void *a, const void *b) { return strcmp(a, b); }

/* Ids from "job.end job=<id> outcome=<outcome>" lines of a log, appended
 * to *ids (grown as needed). */
static int collect_ends(const wfx_worker *w, const char *outcome, char (**ids)[37], int *n,
                        int *cap) {
  char *log = wfx_log(w);
  int found = 0;
  char want[64];
  snprintf(want, sizeof want, " outcome=%s ", outcome);
  for (char *line = log; line && *line;) {
    char *nl = strchr(line, '\n');
    if (nl)
      *nl = 0;
    char *p = strstr(line, "job.end job=");
    if (p && strstr(line, want)) {
      if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        *ids = realloc(*ids, (size_t)*cap * 37);
      }
      snprintf((*ids)[*n], 37, "%.36s", p + strlen("job.end job="));
      (*n)++;
      found++;
    }
    line = nl ? nl + 1 : NULL;
  }
  free(log);
  return found;
}

/* Every version completed once, by the numbers the database keeps, and no
 * error on the way. */
static void assert_all_completed_once(wfx *f, long n) {
  wfx_assert_outputs_once(f, n);
  ck_assert_int_eq(wfx_count(f, "SELECT count(*) FROM public.resume_versions WHERE "
                                "processing_errors <> '[]'::jsonb"),
                   0);
}

/* ---- pools of processes ------------------------------------------------ */

static void pool_run(int nworkers) {
  const int n = 1000;
  wfx f;
  wfx_init(&f, "wpool", 100, NULL);
  free(wfx_enqueue(&f, n, 0));
  long t0 = wfx_now_ms();
  for (int i = 0; i < nworkers; i++) {
    char name[16];
    snprintf(name, sizeof name, "pool%d", i);
    wfx_start(&f, name,
              "[worker]\nconcurrency = 16\nclaim_batch = 16\npoll_interval_ms = 500\n"
              "lease_ms = 10000\nheartbeat_ms = 3000\n");
  }
  /* while they run: no process ever holds more jobs than its concurrency */
  long left, most = 0;
  while ((left = wfx_unfinished(&f)) > 0 && wfx_now_ms() - t0 < 240000) {
    long held = wfx_count(&f, "SELECT coalesce(max(c), 0) FROM (SELECT count(*) c FROM "
                              "public.resume_versions WHERE processing_status = 'processing' "
                              "GROUP BY locked_by) x");
    if (held > most)
      most = held;
    wfx_sleep_ms(20);
  }
  long ms = wfx_now_ms() - t0;
  if (left != 0)
    wfx_dump_logs(&f);
  ck_assert_msg(left == 0, "%ld versions unfinished after %ld ms", left, ms);
  for (int i = 0; i < nworkers; i++)
    ck_assert_int_eq(wfx_stop(&f.w[i], 15000), 0);
  ck_assert_msg(most <= 16, "a worker held %ld jobs at once (concurrency 16)", most);
  ck_assert_int_gt(most, 0);

  assert_all_completed_once(&f, n);
  /* each version was claimed once: one attempt, never rescued */
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE attempts <> 1"),
                   0);
  /* the telemetry names one of our workers */
  char in[256] = "";
  for (int i = 0; i < nworkers; i++)
    snprintf(in + strlen(in), sizeof in - strlen(in), "%s'pool%d'", i ? "," : "", i);
  ck_assert_int_eq(wfx_count(&f,
                             "SELECT count(*) FROM public.resume_versions WHERE "
                             "processing_telemetry->>'worker_id' IN (%s)",
                             in),
                   n);

  /* The logs agree: n completions, each version exactly once, and the work
   * was shared (every process completed some). */
  char(*ids)[37] = NULL;
  int nids = 0, cap = 0;
  for (int i = 0; i < nworkers; i++) {
    int mine = collect_ends(&f.w[i], "completed", &ids, &nids, &cap);
    ck_assert_msg(mine > 0, "worker %s completed nothing", f.w[i].name);
    fprintf(stderr, "pool: %s completed %d\n", f.w[i].name, mine);
    ck_assert_int_eq(wfx_log_count(&f.w[i], "outcome=fenced"), 0);
    ck_assert_int_eq(wfx_log_count(&f.w[i], "daemon.loop_not_empty"), 0);
  }
  ck_assert_int_eq(nids, n);
  qsort(ids, (size_t)nids, 37, cmp_id);
  for (int i = 1; i < nids; i++)
    ck_assert_msg(strcmp(ids[i - 1], ids[i]) != 0, "version %s completed twice", ids[i]);
  free(ids);
  fprintf(stderr,
          "pool: %d workers, %d versions in %.2f s (%.0f versions/s), at most %ld in flight "
          "per worker\n",
          nworkers, n, ms / 1000.0, n * 1000.0 / (double)(ms ? ms : 1), most);
  wfx_done(&f);
}

START_TEST(two_workers_complete_1000_versions_exactly_once) { pool_run(2); }
END_TEST

START_TEST(four_workers_complete_1000_versions_exactly_once) { pool_run(4); }
END_TEST

/* ---- lost notifications ----------------------------------------------- */

#define LISTEN_BACKENDS                                                                            \
  "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "                  \
  "application_name = 'careeros-worker' AND query LIKE 'LISTEN%%'"

/* Terminates the worker's LISTEN connection and waits until the backend is
 * gone, so that a notification sent afterwards reaches nobody. */
static void kill_listen_connection(wfx *f) {
  ck_assert_int_eq(wfx_count(f, LISTEN_BACKENDS), 1);
  ck_assert_int_eq(wfx_count(f, "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) AS ok FROM "
                                "pg_stat_activity WHERE datname = current_database() AND "
                                "application_name = 'careeros-worker' AND query LIKE 'LISTEN%%') "
                                "t WHERE ok"),
                   1);
  ck_assert_int_eq(wfx_wait_count(f, 0, 5000, LISTEN_BACKENDS), 0);
}

START_TEST(killed_listen_connection_is_reestablished_and_jobs_complete) {
  wfx f;
  wfx_init(&f, "wlisten", 2, NULL);
  wfx_worker *w = wfx_start(&f, "listen1", "[worker]\npoll_interval_ms = 2000\n");
  ck_assert(wfx_wait_log(w, "db.listening", 1, 10000));
  free(wfx_enqueue(&f, 3, 0));
  ck_assert_int_eq(wfx_wait_count(&f, 0, 10000, WFX_UNFINISHED), 0);

  kill_listen_connection(&f);
  free(wfx_enqueue(&f, 10, 0));
  long t0 = wfx_now_ms();
  wfx_wait_all_finished(&f, 15000);
  fprintf(stderr, "listen: 10 versions completed %ld ms after the lost notification\n",
          wfx_now_ms() - t0);
  /* LISTEN again after the reconnect */
  ck_assert(wfx_wait_log(w, "db.listening", 2, 10000));
  ck_assert_int_eq(wfx_wait_count(&f, 1, 5000, LISTEN_BACKENDS), 1);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE "
                                 "processing_status = 'completed'"),
                   13);
  ck_assert_int_eq(wfx_stop(w, 15000), 0);
  wfx_done(&f);
}
END_TEST

/* The LISTEN connection stays down (its reconnect backoff is longer than the
 * test): only the poll timer can find the versions. */
START_TEST(poll_timer_picks_up_jobs_while_listen_is_down) {
  wfx f;
  wfx_init(&f, "wpoll", 2, NULL);
  wfx_worker *w = wfx_start(&f, "poll1",
                            "[worker]\npoll_interval_ms = 500\n"
                            "[database]\nreconnect_min_ms = 60000\nreconnect_max_ms = 60000\n");
  ck_assert(wfx_wait_log(w, "db.listening", 1, 10000));
  /* idle: the startup claim found nothing */
  wfx_sleep_ms(300);
  kill_listen_connection(&f);
  free(wfx_enqueue(&f, 10, 0));
  long t0 = wfx_now_ms();
  long left = wfx_wait_count(&f, 0, 10000, WFX_UNFINISHED);
  long ms = wfx_now_ms() - t0;
  if (left)
    wfx_dump_logs(&f);
  ck_assert_msg(left == 0, "%ld versions left after %ld ms with LISTEN down", left, ms);
  /* ...and it really was the poll timer: no LISTEN connection meanwhile */
  ck_assert_int_eq(wfx_count(&f, LISTEN_BACKENDS), 0);
  ck_assert_int_eq(wfx_log_count(w, "db.listening"), 1);
  fprintf(stderr, "poll: 10 versions completed %ld ms after insert with LISTEN down\n", ms);
  ck_assert_int_eq(wfx_stop(w, 15000), 0);
  wfx_done(&f);
}
END_TEST

/* ---- graceful drain ------------------------------------------------------ */

START_TEST(sigterm_drains_releases_unfinished_jobs_and_exits_0) {
  const int n = 6;
  wfx f;
  wfx_init(&f, "wdrain", 2, NULL);
  /* The first upload commit waits on our lock, and every other commit
   * waits behind it (one call at a time).  The parse stages run ahead and
   * are done, each held until its upload commit answers. */
  PGconn *blk = wfx_block_table(&f, "public.resume_version_texts");
  char(*ids)[37] = wfx_enqueue(&f, n, 0);
  /* A long lease: the released jobs must not depend on its expiry. */
  wfx_worker *a = wfx_start(&f, "drainA",
                            "[worker]\nconcurrency = 8\nlease_ms = 120000\nheartbeat_ms = 60000\n"
                            "shutdown_deadline_ms = 8000\n");
  /* every job claimed, and the upload commit waiting on our lock */
  ck_assert_int_eq(wfx_wait_count(&f, n, 10000,
                                  "SELECT count(*) FROM public.resume_versions WHERE "
                                  "processing_status = 'processing' AND locked_by = 'drainA'"),
                   n);
  ck_assert_int_eq(wfx_wait_count(&f, 1, 10000, WFX_LOCK_WAITERS), 1);
  wfx_sleep_ms(300);

  long t0 = wfx_now_ms();
  wfx_signal(a, SIGTERM);
  ck_assert(wfx_wait_log(a, "daemon.stopping", 1, 5000));
  /* draining: the in-flight stage is allowed to finish */
  wfx_sleep_ms(500);
  ck_assert_msg(wfx_wait_exit(a, 0) < 0, "exited before its in-flight stage finished");
  wfx_unblock(blk);
  int st = wfx_wait_exit(a, 10000);
  long ms = wfx_now_ms() - t0;
  if (st != 0)
    wfx_dump_logs(&f);
  ck_assert_msg(st == 0, "drain exit status %d", st);
  ck_assert_msg(ms < 8000 + 2000, "drain took %ld ms", ms);
  ck_assert_int_eq(wfx_log_count(a, "daemon.loop_not_empty"), 0);
  ck_assert_int_eq(wfx_log_count(a, "daemon.drain_deadline"), 0);
  /* A stage already running when the drain began (one that started ahead
   * of the blocked commit) may finish, and its job with it; no stage
   * starts after it: the others are released. */
  long done_by_a = wfx_log_count(a, "outcome=completed");
  ck_assert_int_eq(wfx_log_count(a, "outcome=released") + done_by_a, n);
  ck_assert_int_lt(done_by_a, n);

  /* released: pending, no lease, claimable now, the attempt not counted,
   * positioned at the first stage that did not complete */
  ck_assert_int_eq(
      wfx_count(&f,
                "SELECT count(*) FROM public.resume_versions WHERE "
                "processing_status = 'pending' AND locked_by IS NULL AND "
                "lease_token IS NULL AND lease_expires_at IS NULL AND "
                "run_after <= now() AND attempts = 0 AND current_stage = " WFX_FIRST_OPEN_STAGE),
      n - done_by_a);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE "
                                 "processing_stages->'upload'->>'status' = 'completed'"),
                   n);
  long entities = wfx_count(&f, "SELECT count(*) FROM public.parsed_resume_entities");
  ck_assert_int_gt(entities, 0);
  char *stages_before = wfx_value(&f, "SELECT string_agg(id || ':' || CASE WHEN processing_status = "
                                      "'completed' THEN 'done' ELSE current_stage END, ',' ORDER BY "
                                      "id) FROM public.resume_versions");

  /* another worker finishes them at once (the lease would hold them for 2 min) */
  t0 = wfx_now_ms();
  wfx_worker *b = wfx_start(&f, "drainB", "");
  wfx_wait_all_finished(&f, 15000);
  ck_assert_int_lt(wfx_now_ms() - t0, 15000);
  assert_all_completed_once(&f, n);
  /* each resumed where it was released: B started it at that stage */
  for (int i = 0; i < n; i++) {
    char want[128];
    const char *p = strstr(stages_before, ids[i]);
    ck_assert_ptr_nonnull(p);
    char stage[16];
    sscanf(p + 37, "%15[a-z]", stage);
    if (strcmp(stage, "done") == 0)
      continue;
    snprintf(want, sizeof want, "job.start job=%s stage=%s attempt=1", ids[i], stage);
    ck_assert_msg(wfx_log_count(b, want) == 1, "B did not resume %s at %s", ids[i], stage);
  }
  ck_assert_int_eq(wfx_stop(b, 15000), 0);
  free(stages_before);
  free(ids);
  wfx_done(&f);
}
END_TEST

/* A stage that cannot finish (its commit waits on a lock held elsewhere)
 * must not hold the process past the drain deadline: systemd would
 * SIGKILL it after TimeoutStopSec. */
START_TEST(drain_deadline_bounds_the_shutdown_of_a_stuck_stage) {
  wfx f;
  wfx_init(&f, "wstuck", 1, NULL);
  PGconn *blk = wfx_block_table(&f, "public.parsed_resume_entities");
  free(wfx_enqueue(&f, 2, 0));
  wfx_worker *a = wfx_start(&f, "stuckA",
                            "[worker]\nlease_ms = 3000\nheartbeat_ms = 500\n"
                            "shutdown_deadline_ms = 1500\n");
  ck_assert_int_eq(wfx_wait_count(&f, 1, 10000, WFX_LOCK_WAITERS), 1);
  long t0 = wfx_now_ms();
  wfx_signal(a, SIGTERM);
  int st = wfx_wait_exit(a, 1500 + 4000);
  long ms = wfx_now_ms() - t0;
  wfx_unblock(blk);
  if (st < 0)
    st = wfx_wait_exit(a, 10000);
  if (st != 0 || ms > 5500)
    wfx_dump_logs(&f);
  ck_assert_msg(ms <= 5500, "still running %ld ms after SIGTERM (deadline 1500 ms)", ms);
  ck_assert_int_eq(st, 0);
  ck_assert_int_eq(wfx_log_count(a, "daemon.loop_not_empty"), 0);
  /* nothing stranded: another worker completes both, once (a job it
   * could not release is rescued when its lease expires) */
  wfx_start(&f, "stuckB", "[worker]\nlease_ms = 3000\nheartbeat_ms = 500\n");
  wfx_wait_all_finished(&f, 20000);
  wfx_assert_outputs_once(&f, 2);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions, "
                                 "jsonb_array_elements(processing_errors) e WHERE e->>'code' <> "
                                 "'LEASE_EXPIRED'"),
                   0);
  wfx_done(&f);
}
END_TEST

/* ---- bad configuration, escaping paths ---------------------------------- */

START_TEST(run_with_bad_config_exits_3_naming_file_line_key_and_reason) {
  wfx f;
  wfx_init(&f, "wbadcfg", 1, NULL);
  wfx_worker *w = wfx_start(&f, "bad",
                            "[worker]\n"
                            "concurrency = 0\n"
                            "lease_ms = soon\n"
                            "frobnicate = 1\n"
                            "[log]\n"
                            "level = chatty\n");
  int st = wfx_wait_exit(w, 10000);
  char *log = wfx_log(w);
  ck_assert_msg(st == 3, "exit %d, log:\n%s", st, log);
  /* each bad key is reported as "<file>:<line>: <section.key>: <reason>" */
  FILE *fp = fopen(w->ini, "r");
  ck_assert_ptr_nonnull(fp);
  const char *keys[] = {"concurrency = 0", "lease_ms = soon", "frobnicate = 1", "level = chatty"};
  const char *names[] = {"worker.concurrency", "worker.lease_ms", "worker.frobnicate", "log.level"};
  char line[1024];
  int no = 0, found = 0;
  while (fgets(line, sizeof line, fp)) {
    no++;
    for (int k = 0; k < 4; k++)
      if (strncmp(line, keys[k], strlen(keys[k])) == 0) {
        char want[1024];
        snprintf(want, sizeof want, "%s:%d: %s: ", w->ini, no, names[k]);
        const char *at = strstr(log, want);
        ck_assert_msg(at != NULL, "no '%s' in:\n%s", want, log);
        at += strlen(want);
        ck_assert_msg(*at && *at != '\n', "no reason after '%s'", want);
        found++;
      }
  }
  fclose(fp);
  ck_assert_int_eq(found, 4);
  ck_assert_ptr_nonnull(strstr(log, "is invalid"));
  /* it never got as far as starting */
  ck_assert_ptr_null(strstr(log, "daemon.started"));
  free(log);

  /* a storage root that does not exist */
  wfx_worker *w2 = wfx_start(&f, "bad2", "[storage]\nroot = /nonexistent/careeros-root\n");
  st = wfx_wait_exit(w2, 10000);
  log = wfx_log(w2);
  ck_assert_msg(st == 3, "exit %d, log:\n%s", st, log);
  ck_assert_msg(strstr(log, "storage.root") && strstr(log, "/nonexistent/careeros-root"),
                "log:\n%s", log);
  free(log);
  wfx_done(&f);
}
END_TEST

/* Paths out of the root, and a path into another user's folder: every one
 * fails at the upload stage without reading the file, and the error says
 * nothing about it.  The database refuses such rows now (the trigger
 * resume_versions_path_in_owner_folder): the test disables it to stand for rows
 * from before it. */
START_TEST(file_path_escaping_the_storage_root_is_refused) {
  wfx f;
  wfx_init(&f, "wescape", 2, NULL);
  wfx_exec(&f, "ALTER TABLE public.resume_versions DISABLE TRIGGER resume_versions_path_in_owner_folder");
  /* a readable resume OUTSIDE the root, with its true size and hash */
  char *text = wfx_resume_text(7);
  size_t len = strlen(text);
  char hex[65];
  wfx_sha256_hex(text, len, hex);
  char outside[1024];
  snprintf(outside, sizeof outside, "%s/outside.txt", f.dir);
  FILE *fp = fopen(outside, "w");
  ck_assert_ptr_nonnull(fp);
  fputs(text, fp);
  fclose(fp);
  char subdir[1024];
  snprintf(subdir, sizeof subdir, "%s/outdir", f.dir);
  mkdir(subdir, 0700);
  char inner[1100];
  snprintf(inner, sizeof inner, "%s/cv.txt", subdir);
  fp = fopen(inner, "w");
  fputs(text, fp);
  fclose(fp);
  /* the other user's resume, inside the root */
  char rel_other[128];
  snprintf(rel_other, sizeof rel_other, "%s/cv.txt", f.users[1]);
  wfx_write_file(&f, rel_other, text, len);
  /* symlinks in user 0's folder that point out of the root */
  char rel_link[128], rel_dirlink[128], rel_dotdot[128], rel_good[128], link[1100];
  snprintf(rel_link, sizeof rel_link, "%s/link.txt", f.users[0]);
  snprintf(rel_dirlink, sizeof rel_dirlink, "%s/dirlink/cv.txt", f.users[0]);
  snprintf(rel_dotdot, sizeof rel_dotdot, "%s/../../outside.txt", f.users[0]);
  snprintf(rel_good, sizeof rel_good, "%s/cv.txt", f.users[0]);
  wfx_write_file(&f, rel_good, text, len);
  snprintf(link, sizeof link, "%s/%s", f.root, rel_link);
  ck_assert_int_eq(symlink(outside, link), 0);
  snprintf(link, sizeof link, "%s/%s/dirlink", f.root, f.users[0]);
  ck_assert_int_eq(symlink(subdir, link), 0);
  /* /etc/passwd with its real size and hash */
  FILE *pw = fopen("/etc/passwd", "rb");
  ck_assert_ptr_nonnull(pw);
  static char pwbuf[1 << 20];
  size_t pwlen = fread(pwbuf, 1, sizeof pwbuf, pw);
  fclose(pw);
  char pwhex[65];
  wfx_sha256_hex(pwbuf, pwlen, pwhex);

  struct {
    const char *path;
    long size;
    const char *hash;
    const char *code;
    char id[37];
  } bad[] = {
      {"../outside.txt", (long)len, hex, "STORAGE_PATH_INVALID", ""},
      {"/etc/passwd", (long)pwlen, pwhex, "STORAGE_PATH_INVALID", ""},
      {rel_link, (long)len, hex, "STORAGE_PATH_INVALID", ""},
      {rel_dirlink, (long)len, hex, "STORAGE_PATH_INVALID", ""},
      {rel_dotdot, (long)len, hex, "STORAGE_PATH_INVALID", ""},
      {rel_other, (long)len, hex, "STORAGE_PATH_NOT_OWNED", ""},
  };
  const int nbad = (int)(sizeof bad / sizeof bad[0]);
  for (int i = 0; i < nbad; i++)
    wfx_insert_version(&f, 0, bad[i].path, bad[i].size, bad[i].hash, 5, bad[i].id);
  /* a control in the owner's folder completes */
  char good[37];
  wfx_insert_version(&f, 0, rel_good, (long)len, hex, 5, good);

  wfx_worker *w = wfx_start(&f, "esc1", "");
  wfx_wait_all_finished(&f, 15000);
  for (int i = 0; i < nbad; i++) {
    char *row = wfx_value(&f,
                          "SELECT processing_status || ' ' || attempts || ' ' || "
                          "jsonb_array_length(processing_errors) || ' ' || "
                          "(processing_errors->0->>'code') || ' ' || "
                          "(processing_errors->0->>'retryable') || ' ' || "
                          "(processing_stages->'upload'->>'status') || ' ' || "
                          "(processing_stages->'upload'->>'error') "
                          "FROM public.resume_versions WHERE id = '%s'",
                          bad[i].id);
    char want[160];
    snprintf(want, sizeof want, "failed 1 1 %s false failed %s", bad[i].code, bad[i].code);
    ck_assert_msg(row && strcmp(row, want) == 0, "%s: %s", bad[i].path, row ? row : "(null)");
    free(row);
    ck_assert_int_eq(wfx_count(&f,
                               "SELECT count(*) FROM public.resume_version_texts WHERE "
                               "resume_version_id = '%s'",
                               bad[i].id),
                     0);
  }
  /* nothing about the other user's file: no size, no hash, no path */
  char *msg = wfx_value(&f, "SELECT processing_errors::text FROM public.resume_versions WHERE id = '%s'",
                        bad[nbad - 1].id);
  char size_text[32];
  snprintf(size_text, sizeof size_text, "%ld", (long)len);
  ck_assert_msg(msg && !strstr(msg, size_text) && !strstr(msg, hex) && !strstr(msg, f.users[1]), "%s", msg);
  free(msg);
  ck_assert_int_eq(wfx_count(&f,
                             "SELECT count(*) FROM public.resume_versions WHERE id = '%s' AND "
                             "processing_status = 'completed'",
                             good),
                   1);
  /* the refused reads did not take the process down */
  ck_assert_int_eq(wfx_stop(w, 15000), 0);
  free(text);
  wfx_done(&f);
}
END_TEST

/* ---- SIGHUP reload --------------------------------------------------------- */

START_TEST(sighup_reloads_concurrency_log_level_and_max_attempts_without_restart) {
  const int n = 6;
  wfx f;
  wfx_init(&f, "whup", 2, NULL);
  PGconn *blk = wfx_block_table(&f, "public.parsed_resume_entities");
  wfx_worker *w = wfx_start(&f, "hup1",
                            "[worker]\nconcurrency = 1\nlease_ms = 120000\nheartbeat_ms = 60000\n"
                            "[log]\nlevel = notice\n");
  ck_assert(wfx_wait_log(w, "daemon.started", 1, 10000));
  pid_t pid = w->pid;
  free(wfx_enqueue(&f, n, 0));
  /* concurrency 1: one job in flight (stuck at its parse commit), the rest wait */
  ck_assert_int_eq(wfx_wait_count(&f, 1, 10000, WFX_LOCK_WAITERS), 1);
  wfx_sleep_ms(700);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE "
                                 "processing_status = 'processing'"),
                   1);
  /* level notice: no info lines so far */
  ck_assert_int_eq(wfx_log_count(w, "<6>"), 0);

  wfx_write_ini(&f, w,
                "[worker]\nconcurrency = 4\nlease_ms = 120000\nheartbeat_ms = 60000\n"
                "max_attempts = 7\n[log]\nlevel = info\n");
  wfx_signal(w, SIGHUP);
  ck_assert(wfx_wait_log(w, "daemon.reloaded concurrency=4", 1, 5000));
  /* four in flight now, same process */
  ck_assert_int_eq(wfx_wait_count(&f, 4, 10000,
                                  "SELECT count(*) FROM public.resume_versions WHERE "
                                  "processing_status = 'processing'"),
                   4);
  wfx_sleep_ms(500);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE "
                                 "processing_status = 'processing'"),
                   4);
  ck_assert(wfx_wait_log(w, "<6>job.start", 3, 5000));
  /* the claims after the reload wrote the new limit; the job claimed before keeps 5 */
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE "
                                 "processing_status = 'processing' AND max_attempts = 7"),
                   3);
  ck_assert_int_eq(w->pid, pid);
  ck_assert_int_lt(wfx_wait_exit(w, 0), 0);

  /* a broken file changes nothing */
  wfx_write_ini(&f, w, "[worker]\nconcurrency = many\n");
  wfx_signal(w, SIGHUP);
  ck_assert(wfx_wait_log(w, "daemon.reload_failed", 1, 5000));

  wfx_unblock(blk);
  wfx_wait_all_finished(&f, 15000);
  assert_all_completed_once(&f, n);
  ck_assert_int_eq(wfx_stop(w, 15000), 0);
  wfx_done(&f);
}
END_TEST

int main(int argc, char **argv) {
  wfx_set_binary(argc, argv);
  Suite *s = suite_create("worker");

  TCase *pool = tcase_create("pool");
  tcase_set_timeout(pool, 300);
  tcase_add_test(pool, two_workers_complete_1000_versions_exactly_once);
  tcase_add_test(pool, four_workers_complete_1000_versions_exactly_once);
  suite_add_tcase(s, pool);

  TCase *ops = tcase_create("operations");
  tcase_set_timeout(ops, 90);
  tcase_add_test(ops, killed_listen_connection_is_reestablished_and_jobs_complete);
  tcase_add_test(ops, poll_timer_picks_up_jobs_while_listen_is_down);
  tcase_add_test(ops, sigterm_drains_releases_unfinished_jobs_and_exits_0);
  tcase_add_test(ops, drain_deadline_bounds_the_shutdown_of_a_stuck_stage);
  tcase_add_test(ops, run_with_bad_config_exits_3_naming_file_line_key_and_reason);
  tcase_add_test(ops, file_path_escaping_the_storage_root_is_refused);
  tcase_add_test(ops, sighup_reloads_concurrency_log_level_and_max_attempts_without_restart);
  suite_add_tcase(s, ops);

  SRunner *sr = srunner_create(s);
  /* argv[2] names one test case (meson runs the heavy "pool" case apart) */
  srunner_run(sr, NULL, argc > 2 ? argv[2] : NULL, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
