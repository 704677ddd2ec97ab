/* The worker under faults, as processes (`careeros-worker run`, offline
 * provider, generated resumes): kill -9 in the middle of a stage, a paused
 * worker whose jobs were taken over, PostgreSQL restarted under load (on a
 * private cluster), permanent and retryable errors with backoff, max
 * attempts and requeue.
 *
 * "Mid-stage" is made deterministic with a table lock held by the test:
 * the parse stage's commit (INSERT INTO parsed_resume_entities) waits on
 * it, so a worker is provably inside its parse stage, with upload
 * committed, when it is killed or stopped. */
#include <check.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"
#include "workerfx.h"

/* lease 1.5 s, heartbeat 0.3 s: rescues within seconds */
#define SHORT_LEASE "[worker]\nlease_ms = 1500\nheartbeat_ms = 300\npoll_interval_ms = 300\n"

/* id -> value of one SQL expression per version, as "id=value;" text. */
static char *per_version(wfx *f, const char *expr) {
  return wfx_value(f,
                   "SELECT string_agg(id || '=' || coalesce((%s)::text, 'NULL'), ';' ORDER BY id) "
                   "FROM public.resume_versions",
                   expr);
}

/* The value for one id out of per_version()'s text (static buffer). */
static const char *value_of(const char *map, const char *id) {
  static char v[256];
  const char *p = strstr(map, id);
  ck_assert_msg(p != NULL, "%s not in snapshot", id);
  p += 37;
  size_t n = strcspn(p, ";");
  snprintf(v, sizeof v, "%.*s", (int)n, p);
  return v;
}

/* ---- kill -9 in the middle of a stage --------------------------------------- */

START_TEST(kill_9_mid_stage_jobs_are_rescued_and_resume_at_the_right_stage) {
  const int n = 6;
  wfx f;
  wfx_init(&f, "wkill", 3, NULL);
  /* A killed client's backend must notice at once even while it waits on a
   * lock (as it would if it were running any query): otherwise the orphan
   * would commit the dead worker's stage when the lock goes. */
  wfx_exec(&f, "DO $$BEGIN EXECUTE format('ALTER DATABASE %%I SET "
               "client_connection_check_interval = ''100ms''', current_database()); END$$");
  PGconn *blk = wfx_block_table(&f, "public.parsed_resume_entities");
  char(*ids)[37] = wfx_enqueue(&f, n, 0);
  /* the query timeout (default: half the lease) must not end the blocked
   * commit before the kill does */
  wfx_worker *a = wfx_start(&f, "killA", SHORT_LEASE "[database]\nquery_timeout_ms = 1400\n");
  ck_assert_int_eq(wfx_wait_count(&f, n, 10000,
                                  "SELECT count(*) FROM public.resume_versions WHERE "
                                  "processing_status = 'processing' AND locked_by = 'killA'"),
                   n);
  ck_assert_int_eq(wfx_wait_count(&f, 1, 10000, WFX_LOCK_WAITERS), 1);
  wfx_sleep_ms(200);

  wfx_signal(a, SIGKILL);
  ck_assert_int_eq(wfx_wait_exit(a, 5000), 128 + SIGKILL);
  long t_kill_ms = wfx_now_ms();
  /* the dead worker's backends go away (their transactions roll back) */
  long left = wfx_wait_count(&f, 0, 10000, WFX_WORKER_BACKENDS);
  ck_assert_msg(left == 0, "%ld backends of the killed worker still there", left);

  /* What the dead worker had committed, per version. */
  char *stage_at_kill = per_version(&f, WFX_FIRST_OPEN_STAGE);
  char *upload_done = per_version(&f, "processing_stages->'upload'->>'completed_at'");
  char *upload_tel = per_version(&f, "md5(processing_telemetry->'stages'->>'upload')");
  char *text_made = per_version(&f, "(SELECT t.created_at FROM public.resume_version_texts t "
                                    "WHERE t.resume_version_id = resume_versions.id)");
  char *entities = per_version(&f, "(SELECT count(*) FROM public.parsed_resume_entities p "
                                   "WHERE p.resume_version_id = resume_versions.id)");
  int beyond_upload = 0;
  for (int i = 0; i < n; i++)
    beyond_upload += strcmp(value_of(stage_at_kill, ids[i]), "upload") != 0;
  ck_assert_msg(beyond_upload > 0, "no job got past upload before the kill: %s", stage_at_kill);
  /* still held by the dead worker's lease: nobody else may take them yet */
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE "
                                 "processing_status = 'processing' AND locked_by = 'killA'"),
                   n);

  int mport = wfx_free_port();
  char bcfg[256];
  snprintf(bcfg, sizeof bcfg, "%s[metrics]\nlisten = 127.0.0.1:%d\n", SHORT_LEASE, mport);
  wfx_worker *b = wfx_start(&f, "killB", bcfg);
  wfx_unblock(blk);
  left = wfx_wait_count(&f, 0, 20000, WFX_UNFINISHED);
  long ms = wfx_now_ms() - t_kill_ms;
  if (left)
    wfx_dump_logs(&f);
  ck_assert_msg(left == 0, "%ld versions not rescued", left);
  fprintf(stderr, "kill: %d jobs rescued and completed %ld ms after kill -9\n", n, ms);
  wfx_assert_outputs_once(&f, n);
  ck_assert_int_eq((long)wfx_metric(mport, "careeros_lease_rescues_total"), n);

  for (int i = 0; i < n; i++) {
    char stage[32];
    snprintf(stage, sizeof stage, "%s", value_of(stage_at_kill, ids[i]));
    /* rescued by B at the stage the dead worker had not finished */
    char want[160];
    snprintf(want, sizeof want, "job.start job=%s stage=%s attempt=2 rescued=1", ids[i], stage);
    ck_assert_msg(wfx_log_count(b, want) == 1, "B did not rescue %s at %s", ids[i], stage);
    /* one error: the lease expiry, at that stage, naming the dead worker */
    char *err = wfx_value(&f,
                          "SELECT jsonb_array_length(processing_errors) || ' ' || "
                          "(processing_errors->0->>'code') || ' ' || "
                          "(processing_errors->0->>'stage') || ' ' || "
                          "(processing_errors->0->>'message') || ' ' || attempts "
                          "FROM public.resume_versions WHERE id = '%s'",
                          ids[i]);
    char expect[200];
    snprintf(expect, sizeof expect, "1 LEASE_EXPIRED %s lease of killA expired 2", stage);
    ck_assert_msg(strcmp(err, expect) == 0, "%s: '%s', want '%s'", ids[i], err, expect);
    free(err);
  }
  /* stages committed before the kill were not redone */
  char *upload_after = per_version(&f, "processing_stages->'upload'->>'completed_at'");
  char *upload_tel_after = per_version(&f, "md5(processing_telemetry->'stages'->>'upload')");
  char *text_after = per_version(&f, "(SELECT t.created_at FROM public.resume_version_texts t "
                                     "WHERE t.resume_version_id = resume_versions.id)");
  char *entities_after = per_version(&f, "(SELECT count(*) FROM public.parsed_resume_entities p "
                                         "WHERE p.resume_version_id = resume_versions.id)");
  for (int i = 0; i < n; i++) {
    const char *st = value_of(stage_at_kill, ids[i]);
    if (strcmp(st, "upload") != 0) {
      char before[128];
      snprintf(before, sizeof before, "%s", value_of(upload_done, ids[i]));
      ck_assert_str_eq(value_of(upload_after, ids[i]), before);
      /* the upload stage's telemetry is the dead worker's, not a second run's */
      snprintf(before, sizeof before, "%s", value_of(upload_tel, ids[i]));
      ck_assert_str_eq(value_of(upload_tel_after, ids[i]), before);
      snprintf(before, sizeof before, "%s", value_of(text_made, ids[i]));
      ck_assert_str_eq(value_of(text_after, ids[i]), before);
      char want[128];
      snprintf(want, sizeof want, "job.start job=%s stage=upload", ids[i]);
      ck_assert_int_eq(wfx_log_count(b, want), 0);
    }
    if (strcmp(st, "enrich") == 0 || strcmp(st, "complete") == 0) {
      char before[64];
      snprintf(before, sizeof before, "%s", value_of(entities, ids[i]));
      ck_assert_str_eq(value_of(entities_after, ids[i]), before);
    }
  }
  ck_assert_int_eq(wfx_stop(b, 15000), 0);
  free(stage_at_kill);
  free(upload_done);
  free(upload_tel);
  free(upload_tel_after);
  free(text_made);
  free(entities);
  free(upload_after);
  free(text_after);
  free(entities_after);
  free(ids);
  wfx_done(&f);
}
END_TEST

/* ---- SIGSTOP: the paused worker's late writes are fenced ---------------------- */

#define OUTPUT_COUNTS                                                                              \
  "SELECT (SELECT count(*) FROM public.parsed_resume_entities) || '/' || "                         \
  "(SELECT count(*) FROM public.entry_enrichment) || '/' || "                                      \
  "(SELECT count(*) FROM public.career_enrichment) || '/' || "                                     \
  "(SELECT count(*) FROM public.career_narratives) || '/' || "                                     \
  "(SELECT count(*) FROM public.resume_version_texts) || '/' || "                                  \
  "(SELECT count(*) FROM public.merge_decisions) || '/' || "                                       \
  "(SELECT string_agg(id || processing_status || attempts || updated_at, ',' ORDER BY id) "        \
  "FROM public.resume_versions)"

START_TEST(sigstopped_worker_taken_over_is_fenced_after_sigcont) {
  const int n = 4;
  wfx f;
  wfx_init(&f, "wstop", 2, NULL);
  PGconn *blk = wfx_block_table(&f, "public.parsed_resume_entities");
  char(*first)[37] = wfx_enqueue(&f, 1, 0);
  int mport = wfx_free_port();
  char acfg[512];
  /* (a query timeout that outlasts the wait below: the commit is still in
   * flight when the process stops) */
  snprintf(acfg, sizeof acfg,
           "%s[metrics]\nlisten = 127.0.0.1:%d\n[database]\nquery_timeout_ms = 1400\n", SHORT_LEASE,
           mport);
  wfx_worker *a = wfx_start(&f, "stopA", acfg);
  /* One job's parse commit blocks alone (one commit call at a time with
   * pool_size 2); the other jobs come after it, so that their commits wait
   * in the process behind it. */
  ck_assert_int_eq(wfx_wait_count(&f, 1, 10000, WFX_LOCK_WAITERS), 1);
  char(*rest)[37] = wfx_enqueue(&f, n - 1, 0);
  char(*ids)[37] = calloc((size_t)n, sizeof *ids);
  memcpy(ids[0], first[0], sizeof ids[0]);
  memcpy(ids + 1, rest, (size_t)(n - 1) * sizeof *ids);
  free(first);
  free(rest);
  ck_assert_int_eq(wfx_wait_count(&f, n, 10000,
                                  "SELECT count(*) FROM public.resume_versions WHERE "
                                  "processing_status = 'processing' AND locked_by = 'stopA'"),
                   n);
  wfx_sleep_ms(200);

  /* Paused with its parse commit in flight; the commit then goes through
   * while it sleeps, so on waking it carries on with a lease it lost. */
  wfx_signal(a, SIGSTOP);
  wfx_unblock(blk);
  wfx_worker *b = wfx_start(&f, "stopB", SHORT_LEASE);
  long left = wfx_wait_count(&f, 0, 20000, WFX_UNFINISHED);
  if (left)
    wfx_dump_logs(&f);
  ck_assert_msg(left == 0, "%ld versions not taken over", left);
  wfx_assert_outputs_once(&f, n);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE attempts = 2 "
                                 "AND processing_errors->0->>'code' = 'LEASE_EXPIRED' AND "
                                 "jsonb_array_length(processing_errors) = 1"),
                   n);
  char *before = wfx_value(&f, OUTPUT_COUNTS);

  int lines_before = wfx_log_count(a, "job.");
  wfx_signal(a, SIGCONT);
  /* every job it held ends as lost to another worker: its late write was
   * fenced or its heartbeat found the lease gone ("fenced"), or the commit
   * outlived a query timeout and its release then found nothing to release
   * ("uncertain"); none ends completed */
  for (int i = 0; i < n; i++) {
    char fenced[128], uncertain[128];
    snprintf(fenced, sizeof fenced, "job.end job=%s outcome=fenced", ids[i]);
    snprintf(uncertain, sizeof uncertain, "job.end job=%s outcome=uncertain", ids[i]);
    long t0 = wfx_now_ms();
    while (wfx_log_count(a, fenced) + wfx_log_count(a, uncertain) == 0 && wfx_now_ms() - t0 < 10000)
      wfx_sleep_ms(50);
    if (wfx_log_count(a, fenced) + wfx_log_count(a, uncertain) != 1)
      wfx_dump_logs(&f);
    ck_assert_msg(wfx_log_count(a, fenced) + wfx_log_count(a, uncertain) == 1,
                  "A never noticed it lost %s", ids[i]);
  }
  ck_assert_int_gt(wfx_log_count(a, "job.fenced job=") + wfx_log_count(a, "job.lease_lost job="),
                   0);
  ck_assert_int_gt(wfx_log_count(a, "job."), lines_before);
  ck_assert_int_eq(wfx_log_count(a, "outcome=completed"), 0);
  /* the refused writes are counted */
  double fenced = wfx_metric(mport, "careeros_fenced_writes_total");
  fprintf(stderr, "stop: A's fenced_writes_total = %.0f\n", fenced);
  ck_assert_msg(fenced >= 1 || wfx_log_count(a, "job.lease_lost job=") > 0,
                "no fenced write counted (%.0f) and no lease loss logged", fenced);
  /* late writes refused: not one row more, no status change */
  wfx_sleep_ms(1000);
  char *after = wfx_value(&f, OUTPUT_COUNTS);
  ck_assert_str_eq(after, before);
  wfx_assert_outputs_once(&f, n);
  ck_assert_int_eq(wfx_stop(a, 15000), 0);
  ck_assert_int_eq(wfx_stop(b, 15000), 0);
  free(before);
  free(after);
  free(ids);
  wfx_done(&f);
}
END_TEST

/* ---- a query connection killed under a stage commit ----------------------------- */

/* The commit's outcome is unknown to the worker (the connection died under
 * it): the job must be released as soon as the database answers again,
 * not left to a two-minute lease. */
START_TEST(killed_commit_connection_releases_jobs_without_waiting_for_the_lease) {
  const int n = 3;
  wfx f;
  wfx_init(&f, "wconn", 1, NULL);
  PGconn *blk = wfx_block_table(&f, "public.parsed_resume_entities");
  char(*ids)[37] = wfx_enqueue(&f, n, 0);
  wfx_worker *a = wfx_start(&f, "connA", "[worker]\nlease_ms = 120000\nheartbeat_ms = 60000\n");
  ck_assert_int_eq(wfx_wait_count(&f, 1, 10000, WFX_LOCK_WAITERS), 1);
  /* the backend running the blocked commit dies: its transaction rolls back */
  ck_assert_int_eq(wfx_kill_lock_waiters(&f), 1);
  wfx_unblock(blk);
  long t0 = wfx_now_ms();
  long left = wfx_wait_count(&f, 0, 15000, WFX_UNFINISHED);
  long ms = wfx_now_ms() - t0;
  if (left)
    wfx_dump_logs(&f);
  ck_assert_msg(left == 0, "%ld versions still waiting (lease 120 s)", left);
  fprintf(stderr, "conn: %d versions completed %ld ms after their commit's connection died\n", n,
          ms);
  wfx_assert_outputs_once(&f, n);
  /* released, not rescued: no lease expiry.  The job whose commit died
   * keeps that attempt (a job that kills connections must still run out of
   * attempts); the others were never touched by the failure. */
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE "
                                 "processing_errors <> '[]'::jsonb OR attempts > 2"),
                   0);
  ck_assert_int_ge(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE attempts = 2"),
                   1);
  ck_assert_int_ge(wfx_log_count(a, "reason=uncertain"), 1);
  ck_assert_int_eq(wfx_stop(a, 15000), 0);
  free(ids);
  wfx_done(&f);
}
END_TEST

/* Several commits cut at once (one batched stage commit, or several
 * connections killed together, as a restart does): every job whose outcome
 * became unknown is released as soon as the database answers, not only the
 * first one.  Poll interval and lease are a minute, so neither can be what
 * makes the rows claimable again. */
START_TEST(several_cut_commits_are_all_released_at_once) {
  const int n = 3;
  wfx f;
  wfx_init(&f, "wcut", 3, NULL);
  PGconn *blk = wfx_block_table(&f, "public.parsed_resume_entities");
  char(*ids)[37] = wfx_enqueue(&f, n, 0);
  wfx_worker *a = wfx_start(&f, "cutA", "[worker]\nconcurrency = 3\nlease_ms = 120000\n"
                                        "heartbeat_ms = 60000\npoll_interval_ms = 60000\n"
                                        "[database]\npool_size = 4\n");
  /* all three parse commits are out, waiting on the lock */
  ck_assert_int_eq(wfx_wait_count(&f, n, 10000,
                                  "SELECT count(*) FROM public.resume_versions WHERE "
                                  "processing_stages->'upload'->>'status' = 'completed'"),
                   n);
  ck_assert_int_eq(wfx_wait_count(&f, 1, 10000, WFX_LOCK_WAITERS), 1);
  wfx_sleep_ms(300); /* the last upload commit's answer reached the worker */
  ck_assert_int_ge(wfx_kill_lock_waiters(&f), 1);
  wfx_unblock(blk);
  long left = wfx_wait_count(&f, 0, 20000, WFX_UNFINISHED);
  if (left)
    wfx_dump_logs(&f);
  ck_assert_msg(left == 0, "%ld versions still waiting (poll and lease 60 s and more)", left);
  wfx_assert_outputs_once(&f, n);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE "
                                 "processing_errors <> '[]'::jsonb"),
                   0);
  ck_assert_int_eq(wfx_log_count(a, "outcome=uncertain"), n);
  ck_assert_int_eq(wfx_stop(a, 15000), 0);
  free(ids);
  wfx_done(&f);
}
END_TEST

/* A heartbeat that runs after a job's final commit went through, but whose
 * answer the worker reads before the commit's, does not find the lease
 * (the commit ended it) and must not call the job lost: the commit's own
 * answer says what happened.  The race is made deterministic here: the
 * final commit waits on the user's merge lock, held by the test, while the
 * test puts the row in the state that commit leaves it in (completed, no
 * lease); heartbeats run every 100 ms meanwhile. */
START_TEST(heartbeat_does_not_call_a_job_with_its_commit_out_lost) {
  wfx f;
  wfx_init(&f, "whb", 1, NULL);
  /* the user's merge lock, held by a session of the test (as the worker's
   * merge takes it: queue.lock_merges, a row lock no API role can reach) */
  PGconn *lk = PQconnectdb(f.conninfo);
  ck_assert_int_eq(PQstatus(lk), CONNECTION_OK);
  char sql[200];
  snprintf(sql, sizeof sql, "BEGIN; SELECT queue.lock_merges(ARRAY['%s']::uuid[])", f.users[0]);
  PGresult *lr = PQexec(lk, sql);
  ck_assert_int_eq(PQresultStatus(lr), PGRES_TUPLES_OK);
  PQclear(lr);
  char(*ids)[37] = wfx_enqueue(&f, 1, 0);
  wfx_worker *a = wfx_start(&f, "hbA", "[worker]\nlease_ms = 60000\nheartbeat_ms = 100\n");
  /* the final (chained) commit waits on that session (a heartbeat may wait
   * on a row lock of the job meanwhile: that is not it) */
  ck_assert_int_eq(wfx_wait_count(&f, 1, 10000,
                                  "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                  "current_database() AND application_name = 'careeros-worker' AND "
                                  "%d = ANY (pg_blocking_pids(pid))",
                                  PQbackendPID(lk)),
                   1);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE "
                                 "processing_stages->'parse'->>'status' = 'completed'"),
                   1);
  wfx_exec(&f, "UPDATE public.resume_versions SET processing_status = 'completed', "
               "lease_token = NULL, locked_by = NULL, lease_expires_at = NULL");
  /* heartbeats that do not renew it: the worker asks every 100 ms */
  ck_assert(!wfx_wait_log(a, "job.lease_lost", 1, 1500));
  PQclear(PQexec(lk, "COMMIT"));
  PQfinish(lk);
  char want[160];
  snprintf(want, sizeof want, "job.end job=%s outcome=fenced", ids[0]);
  ck_assert_msg(wfx_wait_log(a, want, 1, 10000), "no '%s'", want);
  ck_assert_int_eq(wfx_log_count(a, "job.lease_lost"), 0);
  ck_assert_int_eq(wfx_stop(a, 15000), 0);
  free(ids);
  wfx_done(&f);
}
END_TEST

/* [worker] max_attempts is the limit for every job the worker claims,
 * whatever the row's column says (its default is 5), lower or higher. */
START_TEST(worker_max_attempts_applies_to_the_jobs_it_claims) {
  wfx f;
  wfx_init(&f, "wmax", 2, NULL);
  wfx_exec(&f, "ALTER TABLE public.merge_decisions ADD CONSTRAINT cw_test_merge_blocked "
               "CHECK (false) NOT VALID");
  char(*ids)[37] = wfx_enqueue(&f, 2, 0); /* the column default */
  wfx_exec(&f, "UPDATE public.resume_versions SET max_attempts = 1 WHERE id = '%s'", ids[1]);
  wfx_worker *w = wfx_start(&f, "max1", "[worker]\nmax_attempts = 2\npoll_interval_ms = 100\n"
                                        "backoff_base_ms = 0\nbackoff_max_ms = 0\n");
  wfx_wait_all_finished(&f, 20000);
  char *rows = wfx_value(&f, "SELECT string_agg(processing_status || ' ' || attempts || '/' || "
                             "max_attempts || ' ' || (processing_errors->-1->>'code'), ',' "
                             "ORDER BY id = '%s') FROM public.resume_versions",
                         ids[1]);
  ck_assert_str_eq(rows, "failed 2/2 MAX_ATTEMPTS,failed 2/2 MAX_ATTEMPTS");
  free(rows);
  ck_assert_int_eq(wfx_log_count(w, "attempt=3"), 0);
  ck_assert_int_eq(wfx_stop(w, 15000), 0);
  free(ids);
  wfx_done(&f);
}
END_TEST

/* ---- PostgreSQL restarted mid-run (private cluster) -------------------------- */

static char *run_capture(const char *cmd) {
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  char *buf = calloc(1, 8192);
  size_t n = fread(buf, 1, 8191, p);
  buf[n] = 0;
  int st = pclose(p);
  ck_assert_msg(st == 0, "'%s' failed (%d): %s", cmd, st, buf);
  return buf;
}

/* A private cluster (tests/pgcluster.sh) in a temporary directory, stopped
 * and removed however the test ends, migrated with our own migrate
 * command.  Returns the directory (malloc'd); the script's path in *script
 * (static), the conninfo in conninfo. */
static char *private_cluster(const char **script, char conninfo[256]) {
  static char def[1024];
  *script = getenv("CW_PGCLUSTER");
  if (!*script || !**script) {
    snprintf(def, sizeof def, "%s/tests/pgcluster.sh", cw_test_source_root());
    *script = def;
  }
  char *dir = cw_test_tmpdir("pgpriv");
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "sh '%s' stop '%s' >/dev/null 2>&1; rm -rf '%s'", *script, dir, dir);
  wfx_on_death(cmd);
  snprintf(cmd, sizeof cmd, "sh '%s' start '%s' 2>&1", *script, dir);
  char *env = run_capture(cmd);
  const char *pp = strstr(env, "PGPORT=");
  ck_assert_ptr_nonnull(pp);
  int port = atoi(pp + 7);
  free(env);
  snprintf(conninfo, 256, "host=127.0.0.1 port=%d user=postgres dbname=careeros", port);
  snprintf(
      cmd, sizeof cmd,
      "env -u CAREEROS_CONFIG CAREEROS_DATABASE_CONNINFO='%s' '%s' migrate --dir '%s/sql' 2>&1",
      conninfo, wfx_binary(), cw_test_source_root());
  free(run_capture(cmd));
  return dir;
}

START_TEST(postgres_restart_mid_run_workers_reconnect_and_everything_completes) {
  const int n = 400;
  const char *script;
  char conninfo[256], cmd[4096];
  long t0 = wfx_now_ms();
  char *dir = private_cluster(&script, conninfo);
  fprintf(stderr, "restart: private cluster ready in %ld ms\n", wfx_now_ms() - t0);

  wfx f;
  wfx_init(&f, "wrestart", 20, conninfo);
  free(wfx_enqueue(&f, n, 0));
  const char *cfg = "[worker]\nconcurrency = 8\nlease_ms = 4000\nheartbeat_ms = 1000\n"
                    "poll_interval_ms = 500\n[database]\nreconnect_min_ms = 100\n"
                    "reconnect_max_ms = 1000\n";
  wfx_worker *w1 = wfx_start(&f, "rs1", cfg);
  wfx_worker *w2 = wfx_start(&f, "rs2", cfg);
  /* restart while a good part is still to do */
  long done = 0;
  long t1 = wfx_now_ms();
  while ((done = wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE "
                               "processing_status = 'completed'")) < 30 &&
         wfx_now_ms() - t1 < 30000)
    wfx_sleep_ms(20);
  ck_assert_int_ge(done, 30);
  ck_assert_int_lt(done, n);
  snprintf(cmd, sizeof cmd, "sh '%s' restart '%s' 2>&1", script, dir);
  free(run_capture(cmd));
  long t_restart = wfx_now_ms();
  PQreset(f.c);
  ck_assert_int_eq(PQstatus(f.c), CONNECTION_OK);
  long before = done;

  /* and then an outage of two seconds: down, not just restarted */
  t1 = wfx_now_ms();
  while ((done = wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE "
                               "processing_status = 'completed'")) < before + 100 &&
         wfx_now_ms() - t1 < 30000)
    wfx_sleep_ms(20);
  ck_assert_int_lt(done, n);
  snprintf(cmd, sizeof cmd, "sh '%s' stop '%s' 2>&1", script, dir);
  free(run_capture(cmd));
  wfx_sleep_ms(2000);
  snprintf(cmd, sizeof cmd, "sh '%s' start '%s' 2>&1", script, dir);
  free(run_capture(cmd));
  PQreset(f.c);
  ck_assert_int_eq(PQstatus(f.c), CONNECTION_OK);
  long before_outage = done;

  long left = wfx_wait_count(&f, 0, 60000, WFX_UNFINISHED);
  if (left)
    wfx_dump_logs(&f);
  ck_assert_msg(left == 0, "%ld versions unfinished after the restart", left);
  fprintf(stderr,
          "restart: %ld completed before the restart, %ld before the outage, all %d done %ld ms "
          "after the restart\n",
          before, before_outage, n, wfx_now_ms() - t_restart);
  wfx_assert_outputs_once(&f, n);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE "
                                 "processing_status = 'failed'"),
                   0);
  /* both reconnected and listen again */
  ck_assert_int_ge(wfx_log_count(w1, "db.listening"), 3);
  ck_assert_int_ge(wfx_log_count(w2, "db.listening"), 3);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                                 "'careeros-worker' AND query LIKE 'LISTEN%%'"),
                   2);
  ck_assert_int_eq(wfx_stop(w1, 15000), 0);
  ck_assert_int_eq(wfx_stop(w2, 15000), 0);
  wfx_done(&f);
  snprintf(cmd, sizeof cmd, "sh '%s' stop '%s' >/dev/null 2>&1", script, dir);
  ck_assert_int_eq(system(cmd), 0);
  free(dir);
}
END_TEST

/* ---- retries, backoff, max attempts, permanent failure, requeue --------------- */

START_TEST(permanent_errors_fail_at_once_and_requeue_after_the_fix_completes) {
  wfx f;
  wfx_init(&f, "wperm", 1, NULL);
  char *good = wfx_resume_text(3);
  size_t len = strlen(good);
  char hex[65];
  wfx_sha256_hex(good, len, hex);
  /* missing: the row names a file that is not there */
  char missing[37], mismatch[37];
  char rel_missing[128], rel_mismatch[128];
  snprintf(rel_missing, sizeof rel_missing, "%s/missing.txt", f.users[0]);
  snprintf(rel_mismatch, sizeof rel_mismatch, "%s/mismatch.txt", f.users[0]);
  wfx_insert_version(&f, 0, rel_missing, (long)len, hex, 5, missing);
  /* mismatch: same size, one byte different */
  char *bad = strdup(good);
  bad[len / 2] = bad[len / 2] == 'x' ? 'y' : 'x';
  wfx_write_file(&f, rel_mismatch, bad, len);
  wfx_insert_version(&f, 0, rel_mismatch, (long)len, hex, 5, mismatch);

  wfx_worker *w = wfx_start(&f, "perm1", "[worker]\npoll_interval_ms = 300\n");
  wfx_wait_all_finished(&f, 15000);
  struct {
    const char *id, *code;
  } cases[] = {{missing, "STORAGE_NOT_FOUND"}, {mismatch, "FILE_HASH_MISMATCH"}};
  for (int i = 0; i < 2; i++) {
    char *row = wfx_value(&f,
                          "SELECT processing_status || ' ' || attempts || ' ' || "
                          "jsonb_array_length(processing_errors) || ' ' || "
                          "(processing_errors->0->>'code') || ' ' || "
                          "(processing_errors->0->>'stage') || ' ' || "
                          "(processing_errors->0->>'retryable') || ' ' || "
                          "(processing_stages->'upload'->>'status') || ' ' || "
                          "(processing_stages->'upload'->>'error') "
                          "FROM public.resume_versions WHERE id = '%s'",
                          cases[i].id);
    char want[200];
    snprintf(want, sizeof want, "failed 1 1 %s upload false failed %s", cases[i].code,
             cases[i].code);
    ck_assert_msg(strcmp(row, want) == 0, "'%s', want '%s'", row, want);
    free(row);
  }
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_version_texts"), 0);

  /* fix the causes, then requeue: by code, and by id */
  wfx_write_file(&f, rel_missing, good, len);
  wfx_write_file(&f, rel_mismatch, good, len);
  char *out = NULL;
  int st = wfx_cli(&f, w, &out, "requeue", "--code", "STORAGE_NOT_FOUND", (char *)NULL);
  ck_assert_msg(st == 0, "requeue --code: %d %s", st, out);
  free(out);
  st = wfx_cli(&f, w, &out, "requeue", mismatch, (char *)NULL);
  ck_assert_msg(st == 0, "requeue id: %d %s", st, out);
  free(out);
  /* the NOTIFY of the requeue wakes the running worker */
  long left = wfx_wait_count(&f, 0, 10000,
                        "SELECT count(*) FROM public.resume_versions WHERE processing_status <> "
                        "'completed'");
  if (left)
    wfx_dump_logs(&f);
  ck_assert_int_eq(left, 0);
  wfx_assert_outputs_once(&f, 2);
  /* the history stays: the old error, attempts counted afresh */
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE attempts = 1 "
                                 "AND jsonb_array_length(processing_errors) = 1"),
                   2);
  ck_assert_int_eq(wfx_stop(w, 15000), 0);
  free(good);
  free(bad);
  wfx_done(&f);
}
END_TEST

static double epoch_of(wfx *f, const char *id, int k) {
  char *v = wfx_value(f,
                      "SELECT extract(epoch FROM (processing_errors->%d->>'at')::timestamptz) "
                      "FROM public.resume_versions WHERE id = '%s'",
                      k, id);
  ck_assert_ptr_nonnull(v);
  double d = atof(v);
  free(v);
  return d;
}

START_TEST(retryable_error_backs_off_to_max_attempts_and_requeue_resumes_at_the_failed_stage) {
  const int n = 2;
  wfx f;
  wfx_init(&f, "wretry", 2, NULL);
  /* The merge (complete stage) fails, a retryable MERGE_FAILED, until the
   * constraint goes: a fault in the database, fixed by an operator. */
  wfx_exec(&f, "ALTER TABLE public.merge_decisions ADD CONSTRAINT cw_test_merge_blocked "
               "CHECK (false) NOT VALID");
  char(*ids)[37] = wfx_enqueue(&f, n, 0);
  wfx_worker *w = wfx_start(&f, "retry1",
                            "[worker]\nmax_attempts = 3\npoll_interval_ms = 100\nbackoff_base_ms = 400\n"
                            "backoff_max_ms = 5000\n");
  wfx_wait_all_finished(&f, 20000);
  for (int i = 0; i < n; i++) {
    char *row = wfx_value(&f,
                          "SELECT processing_status || ' ' || attempts || ' ' || current_stage || "
                          "' ' || (SELECT string_agg((e->>'code') || ':' || (e->>'stage') || ':' "
                          "|| (e->>'attempt') || ':' || (e->>'retryable'), ',' ORDER BY o) FROM "
                          "jsonb_array_elements(processing_errors) WITH ORDINALITY x(e, o)) || ' ' "
                          "|| (processing_stages->'complete'->>'status') || ' ' || "
                          "(processing_stages->'complete'->>'error') FROM public.resume_versions "
                          "WHERE id = '%s'",
                          ids[i]);
    ck_assert_str_eq(row, "failed 3 complete MERGE_FAILED:complete:1:true,"
                          "MERGE_FAILED:complete:2:true,MERGE_FAILED:complete:3:true,"
                          "MAX_ATTEMPTS:complete:3:false failed MERGE_FAILED");
    free(row);
    /* exponential backoff with at most 25% jitter below: >= 300, >= 600 ms */
    double g1 = epoch_of(&f, ids[i], 1) - epoch_of(&f, ids[i], 0);
    double g2 = epoch_of(&f, ids[i], 2) - epoch_of(&f, ids[i], 1);
    fprintf(stderr, "retry: backoff gaps %.0f ms, %.0f ms\n", g1 * 1000, g2 * 1000);
    ck_assert_msg(g1 >= 0.300 && g1 < 3.0, "first gap %.3f s", g1);
    ck_assert_msg(g2 >= 0.600 && g2 < 4.0, "second gap %.3f s", g2);
    /* each retry resumed at the failed stage, not from the start */
    for (int k = 2; k <= 3; k++) {
      char want[160];
      snprintf(want, sizeof want, "job.start job=%s stage=complete attempt=%d", ids[i], k);
      ck_assert_msg(wfx_log_count(w, want) == 1, "no '%s'", want);
    }
    char want[160];
    snprintf(want, sizeof want, "job.start job=%s stage=upload", ids[i]);
    ck_assert_int_eq(wfx_log_count(w, want), 1);
  }
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE "
                                 "processing_stages->'upload'->>'status' = 'completed' AND "
                                 "processing_stages->'parse'->>'status' = 'completed' AND "
                                 "processing_stages->'enrich'->>'status' = 'completed'"),
                   n);
  char *texts = wfx_value(&f, "SELECT string_agg(resume_version_id::text || created_at::text, ',' "
                              "ORDER BY resume_version_id) "
                              "FROM public.resume_version_texts");
  long entities = wfx_count(&f, "SELECT count(*) FROM public.parsed_resume_entities");
  long enrich = wfx_count(&f, "SELECT count(*) FROM public.entry_enrichment");

  /* fix, requeue by code: back to pending at once, resumed at complete */
  wfx_exec(&f, "ALTER TABLE public.merge_decisions DROP CONSTRAINT cw_test_merge_blocked");
  char *out = NULL;
  int st = wfx_cli(&f, w, &out, "requeue", "--code", "MAX_ATTEMPTS", (char *)NULL);
  ck_assert_msg(st == 0, "requeue: %d %s", st, out);
  free(out);
  long left = wfx_wait_count(&f, 0, 10000,
                        "SELECT count(*) FROM public.resume_versions WHERE processing_status <> "
                        "'completed'");
  if (left)
    wfx_dump_logs(&f);
  ck_assert_int_eq(left, 0);
  wfx_assert_outputs_once(&f, n);
  for (int i = 0; i < n; i++) {
    char want[160];
    snprintf(want, sizeof want, "job.start job=%s stage=complete attempt=1", ids[i]);
    ck_assert_msg(wfx_log_count(w, want) == 1, "no '%s'", want);
  }
  char *texts_after =
      wfx_value(&f, "SELECT string_agg(resume_version_id::text || created_at::text, ',' ORDER "
                    "BY resume_version_id) FROM public.resume_version_texts");
  ck_assert_str_eq(texts_after, texts);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.parsed_resume_entities"), entities);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.entry_enrichment"), enrich);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(DISTINCT resume_version_id) FROM "
                                 "public.merge_decisions"),
                   n);
  ck_assert_int_eq(wfx_stop(w, 15000), 0);
  free(texts);
  free(texts_after);
  free(ids);
  wfx_done(&f);
}
END_TEST

/* ---- the LLM down: LLM_UNAVAILABLE retried, then failed; requeue resumes -------- */

START_TEST(llm_outage_retries_to_max_attempts_and_requeue_resumes_at_parse) {
  const int n = 2;
  wfx_llm down;
  const char *fault[] = {"--fault", "500", NULL};
  wfx_llm_start(&down, fault);
  wfx f;
  wfx_init(&f, "wllm", 2, NULL);
  char(*ids)[37] = wfx_enqueue(&f, n, 0);
  char ini[2048], llm[1024];
  wfx_llm_ini(&down, llm, sizeof llm);
  snprintf(ini, sizeof ini,
           "%s[worker]\nmax_attempts = 3\npoll_interval_ms = 100\nbackoff_base_ms = 400\n"
           "backoff_max_ms = 5000\n",
           llm);
  wfx_worker *w = wfx_start(&f, "llm1", ini);
  wfx_wait_all_finished(&f, 20000);
  for (int i = 0; i < n; i++) {
    char *row = wfx_value(&f,
                          "SELECT processing_status || ' ' || attempts || ' ' || current_stage || "
                          "' ' || (SELECT string_agg((e->>'code') || ':' || (e->>'stage') || ':' "
                          "|| (e->>'attempt') || ':' || (e->>'retryable'), ',' ORDER BY o) FROM "
                          "jsonb_array_elements(processing_errors) WITH ORDINALITY x(e, o)) || ' ' "
                          "|| (processing_stages->'parse'->>'status') || ' ' || "
                          "(processing_stages->'parse'->>'error') || ' ' || "
                          "(processing_stages->'upload'->>'status') FROM public.resume_versions "
                          "WHERE id = '%s'",
                          ids[i]);
    ck_assert_str_eq(row, "failed 3 parse LLM_UNAVAILABLE:parse:1:true,"
                          "LLM_UNAVAILABLE:parse:2:true,LLM_UNAVAILABLE:parse:3:true,"
                          "MAX_ATTEMPTS:parse:3:false failed LLM_UNAVAILABLE completed");
    free(row);
    double g1 = epoch_of(&f, ids[i], 1) - epoch_of(&f, ids[i], 0);
    double g2 = epoch_of(&f, ids[i], 2) - epoch_of(&f, ids[i], 1);
    fprintf(stderr, "llm: backoff gaps %.0f ms, %.0f ms\n", g1 * 1000, g2 * 1000);
    ck_assert_msg(g1 >= 0.300 && g1 < 3.0, "first gap %.3f s", g1);
    ck_assert_msg(g2 >= 0.600 && g2 < 4.0, "second gap %.3f s", g2);
    char want[160];
    snprintf(want, sizeof want, "job.start job=%s stage=upload", ids[i]);
    ck_assert_int_eq(wfx_log_count(w, want), 1);
  }
  /* max_retries 0: one request per attempt, nothing more */
  ck_assert_int_eq(wfx_llm_stat(&down, "chat_requests"), 3 * n);
  ck_assert_int_eq(wfx_stop(w, 15000), 0);
  char *texts = wfx_value(&f, "SELECT string_agg(resume_version_id::text || created_at::text, ',' "
                              "ORDER BY resume_version_id) FROM public.resume_version_texts");
  ck_assert_ptr_nonnull(texts);

  /* the API is back (a healthy server); requeue what failed on it */
  wfx_llm up;
  wfx_llm_start(&up, NULL);
  wfx_llm_ini(&up, llm, sizeof llm);
  snprintf(ini, sizeof ini, "%s[worker]\npoll_interval_ms = 100\n", llm);
  wfx_worker *w2 = wfx_start(&f, "llm2", ini);
  ck_assert(wfx_wait_log(w2, "db.listening", 1, 10000));
  char *out = NULL;
  int st = wfx_cli(&f, w2, &out, "requeue", "--code", "LLM_UNAVAILABLE", (char *)NULL);
  ck_assert_msg(st == 0, "requeue: %d %s", st, out);
  free(out);
  long left = wfx_wait_count(&f, 0, 20000,
                        "SELECT count(*) FROM public.resume_versions WHERE processing_status <> "
                        "'completed'");
  if (left)
    wfx_dump_logs(&f);
  ck_assert_int_eq(left, 0);
  wfx_assert_outputs_once(&f, n);
  for (int i = 0; i < n; i++) {
    char want[160];
    snprintf(want, sizeof want, "job.start job=%s stage=parse attempt=1", ids[i]);
    ck_assert_msg(wfx_log_count(w2, want) == 1, "no '%s'", want);
  }
  ck_assert_int_eq(wfx_log_count(w2, "stage=upload"), 0);
  char *texts_after = wfx_value(&f, "SELECT string_agg(resume_version_id::text || "
                                    "created_at::text, ',' ORDER BY resume_version_id) FROM "
                                    "public.resume_version_texts");
  ck_assert_str_eq(texts_after, texts);
  /* at most three calls per resume */
  long calls = wfx_llm_stat(&up, "chat_requests");
  ck_assert_msg(calls >= 2 * n && calls <= 3 * n, "%ld calls for %d resumes", calls, n);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.parsed_resume_entities WHERE "
                                 "source_type <> 'heuristic'"),
                   wfx_count(&f, "SELECT count(*) FROM public.parsed_resume_entities"));
  ck_assert_int_eq(wfx_stop(w2, 15000), 0);
  wfx_llm_stop(&up);
  wfx_llm_stop(&down);
  free(texts);
  free(texts_after);
  free(ids);
  wfx_done(&f);
}
END_TEST

/* ---- kill -9 while an LLM call is in flight: the paid parse is not repeated ---- */

START_TEST(kill_9_during_an_llm_call_does_not_pay_for_the_committed_parse_again) {
  const int n = 2;
  wfx_llm slow;
  const char *flags[] = {"--latency-ms", "1500", "--threads", "8", NULL};
  wfx_llm_start(&slow, flags);
  wfx f;
  wfx_init(&f, "wllmkill", 2, NULL);
  char(*ids)[37] = wfx_enqueue(&f, n, 0);
  char ini[2048], llm[1024];
  wfx_llm_ini(&slow, llm, sizeof llm);
  snprintf(ini, sizeof ini, "%s" SHORT_LEASE, llm);
  wfx_worker *a = wfx_start(&f, "llmkillA", ini);
  /* every parse committed (paid for), an enrich call in flight (1.5 s) */
  ck_assert_int_eq(wfx_wait_count(&f, n, 20000,
                                  "SELECT count(*) FROM public.resume_versions WHERE "
                                  "processing_stages->'parse'->>'status' = 'completed'"),
                   n);
  wfx_signal(a, SIGKILL);
  ck_assert_int_eq(wfx_wait_exit(a, 5000), 128 + SIGKILL);
  /* a statement the dead worker had already sent still commits: wait for
   * its backends to end before looking */
  ck_assert_int_eq(wfx_wait_count(&f, 0, 10000, WFX_WORKER_BACKENDS), 0);
  char *stage_at_kill = per_version(&f, "CASE WHEN processing_status = 'completed' THEN "
                                        "'done' ELSE " WFX_FIRST_OPEN_STAGE " END");
  int in_enrich = 0;
  for (int i = 0; i < n; i++)
    in_enrich += strcmp(value_of(stage_at_kill, ids[i]), "enrich") == 0;
  ck_assert_msg(in_enrich > 0, "no job was inside its enrich call: %s", stage_at_kill);
  ck_assert_int_eq(wfx_log_count(a, "call=parse"), n);
  char *entities =
      wfx_value(&f, "SELECT string_agg(resume_version_id::text || ':' || c, ',' "
                    "ORDER BY resume_version_id) FROM (SELECT resume_version_id, count(*) c FROM "
                    "public.parsed_resume_entities GROUP BY 1) x");

  wfx_worker *b = wfx_start(&f, "llmkillB", ini);
  wfx_wait_all_finished(&f, 30000);
  wfx_assert_outputs_once(&f, n);
  for (int i = 0; i < n; i++) {
    const char *st = value_of(stage_at_kill, ids[i]);
    if (strcmp(st, "done") == 0)
      continue;
    char want[160];
    snprintf(want, sizeof want, "job.start job=%s stage=%s attempt=2 rescued=1", ids[i], st);
    ck_assert_msg(wfx_log_count(b, want) == 1, "no '%s'", want);
  }
  /* B paid for no parse call: the committed one counts */
  ck_assert_int_eq(wfx_log_count(b, "call=parse"), 0);
  ck_assert_int_gt(wfx_log_count(b, "call=enrich"), 0);
  char *entities_after =
      wfx_value(&f, "SELECT string_agg(resume_version_id::text || ':' || c, "
                    "',' ORDER BY resume_version_id) FROM (SELECT resume_version_id, count(*) "
                    "c FROM public.parsed_resume_entities GROUP BY 1) x");
  ck_assert_str_eq(entities_after, entities);
  ck_assert_int_ge(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE "
                                 "processing_errors->0->>'code' = 'LEASE_EXPIRED' AND "
                                 "processing_errors->0->>'stage' = 'enrich'"),
                   in_enrich);
  ck_assert_int_eq(wfx_stop(b, 15000), 0);
  wfx_llm_stop(&slow);
  free(stage_at_kill);
  free(entities);
  free(entities_after);
  free(ids);
  wfx_done(&f);
}
END_TEST

/* ---- a stage running ahead of its predecessor's commit -------------------- */

/* One version, a worker on the fake LLM (answers after latency_ms), and
 * the version's parse commit waiting (within wait_ms) on a lock the test
 * holds (*blk). */
static wfx_worker *start_with_blocked_parse(wfx *f, wfx_llm *llm, const char *latency_ms, int wait_ms,
                                            const char *name, PGconn **blk, char (**ids)[37]) {
  const char *flags[] = {"--latency-ms", latency_ms, NULL};
  wfx_llm_start(llm, flags);
  wfx_init(f, name, 1, NULL);
  *blk = wfx_block_table(f, "public.parsed_resume_entities");
  *ids = wfx_enqueue(f, 1, 0);
  char ini[2048], cfg[1024];
  wfx_llm_ini(llm, cfg, sizeof cfg);
  snprintf(ini, sizeof ini, "%s[worker]\nlease_ms = 60000\n", cfg);
  wfx_worker *w = wfx_start(f, name, ini);
  ck_assert_int_eq(wfx_wait_count(f, 1, wait_ms, WFX_LOCK_WAITERS), 1);
  return w;
}

/* enrich's LLM calls start while the parse commit is still blocked in the
 * database; their outputs wait for that commit, then land once. */
START_TEST(enrich_runs_ahead_of_the_parse_commit_and_waits_for_it) {
  wfx_llm llm;
  wfx f;
  PGconn *blk;
  char(*ids)[37];
  wfx_worker *a = start_with_blocked_parse(&f, &llm, "200", 10000, "wahead", &blk, &ids);
  /* parse, then both enrich calls, with the parse commit still waiting */
  long t0 = wfx_now_ms();
  while (wfx_llm_stat(&llm, "chat_requests") < 3 && wfx_now_ms() - t0 < 10000)
    wfx_sleep_ms(50);
  ck_assert_int_eq(wfx_llm_stat(&llm, "chat_requests"), 3);
  wfx_sleep_ms(500); /* the enrich answers are in: held, not written */
  ck_assert_int_eq(wfx_count(&f, WFX_LOCK_WAITERS), 1);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.entry_enrichment"), 0);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE "
                                 "processing_stages->'parse'->>'status' = 'completed'"),
                   0);
  wfx_unblock(blk);
  wfx_wait_all_finished(&f, 15000);
  wfx_assert_outputs_once(&f, 1);
  ck_assert_int_eq(wfx_llm_stat(&llm, "chat_requests"), 3);
  ck_assert_int_eq(wfx_log_count(a, "outcome=completed"), 1);
  ck_assert_int_eq(wfx_stop(a, 15000), 0);
  wfx_llm_stop(&llm);
  free(ids);
  wfx_done(&f);
}
END_TEST

/* The parse commit dies while enrich runs ahead: the enrich calls are
 * cancelled, nothing of theirs is written, the job goes back as a parse
 * whose commit is uncertain, and it completes later with one set of
 * outputs. */
START_TEST(a_failed_commit_cancels_the_stage_running_ahead) {
  wfx_llm llm;
  wfx f;
  PGconn *blk;
  char(*ids)[37];
  wfx_worker *a = start_with_blocked_parse(&f, &llm, "3000", 15000, "waheadfail", &blk, &ids);
  long t0 = wfx_now_ms();
  /* both enrich calls in flight (the /stats request counts itself) */
  while (wfx_llm_stat(&llm, "in_flight") - 1 < 2 && wfx_now_ms() - t0 < 10000)
    wfx_sleep_ms(20);
  ck_assert_int_eq(wfx_llm_stat(&llm, "in_flight") - 1, 2);
  ck_assert_int_eq(wfx_llm_stat(&llm, "chat_requests"), 3);
  ck_assert_int_eq(wfx_kill_lock_waiters(&f), 1);
  char want[160];
  snprintf(want, sizeof want, "job.end job=%s outcome=uncertain stage=parse", ids[0]);
  /* ended before its enrich calls could answer (3 s) */
  ck_assert_msg(wfx_wait_log(a, want, 1, 2000), "no '%s'", want);
  ck_assert_int_eq(wfx_log_count(a, want), 1);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.entry_enrichment"), 0);
  wfx_unblock(blk);
  wfx_wait_all_finished(&f, 30000);
  wfx_assert_outputs_once(&f, 1);
  ck_assert_int_eq(wfx_log_count(a, "outcome=completed"), 1);
  ck_assert_int_eq(wfx_stop(a, 15000), 0);
  wfx_llm_stop(&llm);
  free(ids);
  wfx_done(&f);
}
END_TEST

/* The stage fence (issue 13): a database that lost an acknowledged stage
 * commit (asynchronous commit and a crash, a failover) must not take the
 * next stage's commit on top of it.  The loss is made deterministic: while
 * the parse call runs (2 s), the test puts the row back where it was before
 * the upload commit and drops that commit's text.  The parse commit is then
 * refused ('stale'), the job handed back and redone from upload, and it
 * completes with every output. */
START_TEST(a_stage_commit_does_not_land_on_a_lost_predecessor) {
  wfx_llm llm;
  const char *flags[] = {"--latency-ms", "2000", NULL};
  wfx_llm_start(&llm, flags);
  wfx f;
  wfx_init(&f, "wlost", 1, NULL);
  char(*ids)[37] = wfx_enqueue(&f, 1, 0);
  char ini[2048], cfg[1024];
  wfx_llm_ini(&llm, cfg, sizeof cfg);
  snprintf(ini, sizeof ini, "%s[worker]\nlease_ms = 60000\npoll_interval_ms = 60000\n", cfg);
  wfx_worker *w = wfx_start(&f, "lostA", ini);
  ck_assert_int_eq(wfx_wait_count(&f, 1, 10000,
                                  "SELECT count(*) FROM public.resume_versions WHERE "
                                  "processing_stages->'upload'->>'status' = 'completed'"),
                   1);
  wfx_exec(&f, "DELETE FROM public.resume_version_texts");
  wfx_exec(&f, "UPDATE public.resume_versions SET current_stage = 'upload', processing_progress = 0, "
               "processing_stages = processing_stages || jsonb_build_object('upload', "
               "jsonb_build_object('status', 'running', 'started_at', now()), 'parse', "
               "jsonb_build_object('status', 'pending'))");
  wfx_wait_all_finished(&f, 30000);
  wfx_assert_outputs_once(&f, 1);
  char want[160];
  snprintf(want, sizeof want, "job.stage_lost job=%s stage=parse", ids[0]);
  ck_assert_msg(wfx_log_count(w, want) == 1, "no '%s'", want);
  snprintf(want, sizeof want, "job.start job=%s stage=upload attempt=2", ids[0]);
  ck_assert_msg(wfx_log_count(w, want) == 1, "no '%s'", want);
  ck_assert_int_eq(wfx_stop(w, 15000), 0);
  wfx_llm_stop(&llm);
  free(ids);
  wfx_done(&f);
}
END_TEST

/* The stage fence against a real loss: asynchronous commit (the test
 * cluster runs with synchronous_commit = off; the WAL writer is slowed to
 * every 10 s so that a crash loses more) and Postgres stopped at once three
 * times while jobs run (LLM calls of 300 ms, so stages straddle each
 * crash).  Commits the worker was told went through are lost; whatever
 * came after them must not land on top.  In the end every job is completed
 * with every stage's outputs, and no completed job has a stage still
 * marked running. */
START_TEST(crashes_with_asynchronous_commit_leave_no_completed_job_without_outputs) {
  const int n = 60;
  const char *script;
  char conninfo[256], cmd[4096];
  char *dir = private_cluster(&script, conninfo);
  wfx_llm llm;
  const char *flags[] = {"--latency-ms", "300", NULL};
  wfx_llm_start(&llm, flags);
  wfx f;
  wfx_init(&f, "wcrash", 8, conninfo);
  wfx_exec(&f, "ALTER SYSTEM SET wal_writer_delay = '10s'");
  wfx_exec(&f, "SELECT pg_reload_conf()");
  char *sync = wfx_value(&f, "SHOW synchronous_commit");
  ck_assert_str_eq(sync, "off");
  free(sync);
  free(wfx_enqueue(&f, n, 0));
  char ini[2048], cfg[1024];
  wfx_llm_ini(&llm, cfg, sizeof cfg);
  snprintf(ini, sizeof ini,
           "%s[worker]\nconcurrency = 16\nlease_ms = 3000\nheartbeat_ms = 500\n"
           "poll_interval_ms = 500\n[database]\nreconnect_min_ms = 100\nreconnect_max_ms = 500\n",
           cfg);
  wfx_worker *w = wfx_start(&f, "crashA", ini);
  for (int k = 1; k <= 3; k++) {
    long t1 = wfx_now_ms();
    while (wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE processing_status = "
                         "'completed'") < 12L * k &&
           wfx_now_ms() - t1 < 30000)
      wfx_sleep_ms(20);
    snprintf(cmd, sizeof cmd, "sh '%s' crash '%s' 2>&1 && sh '%s' start '%s' 2>&1", script, dir,
             script, dir);
    free(run_capture(cmd));
    PQreset(f.c);
    ck_assert_int_eq(PQstatus(f.c), CONNECTION_OK);
  }
  wfx_wait_all_finished(&f, 120000);
  fprintf(stderr, "crash: %d stage commits refused on top of a lost one, %d outcomes unknown, %d fenced\n",
          wfx_log_count(w, "job.stage_lost"), wfx_log_count(w, "outcome=uncertain"),
          wfx_log_count(w, "outcome=fenced"));
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions v WHERE "
                                 "processing_status = 'completed' AND (NOT EXISTS (SELECT 1 FROM "
                                 "public.resume_version_texts t WHERE t.resume_version_id = v.id) OR "
                                 "NOT EXISTS (SELECT 1 FROM public.parsed_resume_entities e WHERE "
                                 "e.resume_version_id = v.id) OR NOT EXISTS (SELECT 1 FROM "
                                 "public.career_enrichment c WHERE c.resume_version_id = v.id))"),
                   0);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions v, "
                                 "jsonb_each(v.processing_stages) s WHERE v.processing_status = "
                                 "'completed' AND s.value->>'status' <> 'completed'"),
                   0);
  wfx_assert_outputs_once(&f, n);
  ck_assert_int_eq(wfx_stop(w, 15000), 0);
  wfx_llm_stop(&llm);
  wfx_done(&f);
  snprintf(cmd, sizeof cmd, "sh '%s' stop '%s' >/dev/null 2>&1", script, dir);
  ck_assert_int_eq(system(cmd), 0);
  free(dir);
}
END_TEST

int main(int argc, char **argv) {
  wfx_set_binary(argc, argv);
  Suite *s = suite_create("worker-faults");
  TCase *tc = tcase_create("faults");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, kill_9_mid_stage_jobs_are_rescued_and_resume_at_the_right_stage);
  tcase_add_test(tc, sigstopped_worker_taken_over_is_fenced_after_sigcont);
  tcase_add_test(tc, killed_commit_connection_releases_jobs_without_waiting_for_the_lease);
  tcase_add_test(tc, postgres_restart_mid_run_workers_reconnect_and_everything_completes);
  tcase_add_test(tc, permanent_errors_fail_at_once_and_requeue_after_the_fix_completes);
  tcase_add_test(tc,
                 retryable_error_backs_off_to_max_attempts_and_requeue_resumes_at_the_failed_stage);
  suite_add_tcase(s, tc);
  TCase *edges = tcase_create("edges");
  tcase_set_timeout(edges, 120);
  tcase_add_test(edges, several_cut_commits_are_all_released_at_once);
  tcase_add_test(edges, heartbeat_does_not_call_a_job_with_its_commit_out_lost);
  tcase_add_test(edges, worker_max_attempts_applies_to_the_jobs_it_claims);
  suite_add_tcase(s, edges);
  /* the same faults with the LLM provider against the fake server */
  TCase *llm = tcase_create("llm");
  tcase_set_timeout(llm, 120);
  tcase_add_test(llm, llm_outage_retries_to_max_attempts_and_requeue_resumes_at_parse);
  tcase_add_test(llm, kill_9_during_an_llm_call_does_not_pay_for_the_committed_parse_again);
  tcase_add_test(llm, enrich_runs_ahead_of_the_parse_commit_and_waits_for_it);
  tcase_add_test(llm, a_failed_commit_cancels_the_stage_running_ahead);
  suite_add_tcase(s, llm);
  /* the stage fence, against lost commits */
  TCase *fence = tcase_create("fence");
  /* above the crash test's own waits (three crashes of up to 30 s, each with
   * a cluster restart, then 120 s for the rest): on a loaded machine those
   * waits run long, and then it is their message that should tell why */
  tcase_set_timeout(fence, 300);
  tcase_add_test(fence, a_stage_commit_does_not_land_on_a_lost_predecessor);
  tcase_add_test(fence, crashes_with_asynchronous_commit_leave_no_completed_job_without_outputs);
  suite_add_tcase(s, fence);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
