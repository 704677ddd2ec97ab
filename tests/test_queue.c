/* The queue's SQL contract, against a real Postgres: claim order and
 * exclusivity, fencing, retry and failure, lease rescue, heartbeats,
 * release, requeue, notifications and the claim's index.  Then the C
 * module's order of stage commits. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>

#include "careeros/config.h"
#include "careeros/db.h"
#include "careeros/queue.h"
#include "testlib.h"

static char *conninfo;
static PGconn *db;

#define USER_A "11111111-1111-4111-8111-111111111111"
#define STREAM "22222222-2222-4222-8222-222222222222"
#define USER_B "44444444-4444-4444-8444-444444444444"
#define STREAM_B "55555555-5555-4555-8555-555555555555"

static void setup(void) {
  conninfo = cw_test_fresh_db("queue");
  db = cw_test_connect(conninfo);
  cw_test_exec(db, "INSERT INTO auth.users (id, email) VALUES ('" USER_A "', 'a@example.com')");
  cw_test_exec(db, "INSERT INTO public.resume_streams (id, user_id, name) VALUES ('" STREAM
                   "', '" USER_A "', 's')");
  cw_test_exec(db, "INSERT INTO auth.users (id, email) VALUES ('" USER_B "', 'b@example.com')");
  cw_test_exec(db, "INSERT INTO public.resume_streams (id, user_id, name) VALUES ('" STREAM_B
                   "', '" USER_B "', 's')");
}

static void teardown(void) {
  PQfinish(db);
  free(conninfo);
}

/* Inserts n pending versions with the given priority; returns nothing. */
static void enqueue(int n, int priority) {
  char sql[1024];
  snprintf(sql, sizeof sql,
           "INSERT INTO public.resume_versions (stream_id, user_id, version_number, file_name, "
           "file_path, file_size, file_hash, mime_type, priority) "
           "SELECT '" STREAM "', '" USER_A "', coalesce((SELECT max(version_number) FROM "
           "public.resume_versions), 0) + g, 'r.txt', '" USER_A "/r.txt', 10, "
           "repeat('0', 64), 'text/plain', %d FROM generate_series(1, %d) g",
           priority, n);
  cw_test_exec(db, sql);
}

static PGresult *q(PGconn *c, const char *sql) {
  PGresult *r = PQexec(c, sql);
  ck_assert_msg(PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK,
                "%s: %s", sql, PQerrorMessage(c));
  return r;
}

START_TEST(claim_takes_priority_then_age_and_limit) {
  enqueue(3, 0);
  enqueue(2, 5);
  PGresult *r = q(db, "SELECT id, attempts FROM queue.claim('w1', 3, 60000)");
  ck_assert_int_eq(PQntuples(r), 3);
  PQclear(r);
  /* Both priority-5 rows were taken, and exactly one of the others. */
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT count(*) FROM resume_versions WHERE "
                                           "processing_status='processing' AND priority=5"), 2);
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT count(*) FROM resume_versions WHERE "
                                           "processing_status='processing'"), 3);
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT count(*) FROM resume_versions WHERE "
                                           "processing_status='processing' AND attempts=1 AND "
                                           "lease_token IS NOT NULL AND locked_by='w1'"), 3);
}
END_TEST

/* One user's backlog does not hold back another user's upload: claims go
 * by each user's place in their own queue, then by age. */
START_TEST(a_backlog_does_not_delay_another_users_upload) {
  enqueue(200, 0);
  cw_test_exec(db, "INSERT INTO public.resume_versions (stream_id, user_id, version_number, file_name, file_path, "
                   "file_size, file_hash, mime_type) VALUES ('" STREAM_B "', '" USER_B "', 1, 'b.txt', '" USER_B
                   "/b.txt', 10, repeat('0', 64), 'text/plain')");
  cw_test_exec(db, "CREATE TEMP TABLE got AS SELECT * FROM queue.claim('w1', 5, 60000)");
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT count(*) FROM got WHERE user_id = '" USER_B "'"), 1);
  /* the backlog itself stays in order: A's four oldest */
  char *a = cw_test_scalar(db, "SELECT array_agg(rv.version_number ORDER BY rv.version_number)::text FROM got "
                               "JOIN public.resume_versions rv USING (id) WHERE rv.user_id = '" USER_A "'");
  ck_assert_str_eq(a, "{1,2,3,4}");
  free(a);
  /* B uploads again with nothing of B's pending: first in line again */
  cw_test_exec(db, "INSERT INTO public.resume_versions (stream_id, user_id, version_number, file_name, file_path, "
                   "file_size, file_hash, mime_type) VALUES ('" STREAM_B "', '" USER_B "', 2, 'b.txt', '" USER_B
                   "/b2.txt', 10, repeat('0', 64), 'text/plain')");
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT count(*) FROM queue.claim('w1', 1, 60000) WHERE user_id = '" USER_B "'"), 1);
  /* a bulk upload is ranked in its own order */
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT count(DISTINCT queue_rank) FROM public.resume_versions "
                                           "WHERE user_id = '" USER_A "' AND processing_status = 'pending'"), 196);
}
END_TEST

START_TEST(claims_in_concurrent_transactions_do_not_overlap) {
  enqueue(10, 0);
  PGconn *other = cw_test_connect(conninfo);
  cw_test_exec(db, "BEGIN");
  cw_test_exec(other, "BEGIN");
  PGresult *a = q(db, "SELECT id FROM queue.claim('w1', 6, 60000)");
  PGresult *b = q(other, "SELECT id FROM queue.claim('w2', 6, 60000)");
  ck_assert_int_eq(PQntuples(a), 6);
  ck_assert_int_eq(PQntuples(b), 4); /* SKIP LOCKED: only what w1 did not lock */
  for (int i = 0; i < PQntuples(a); i++)
    for (int k = 0; k < PQntuples(b); k++)
      ck_assert_str_ne(PQgetvalue(a, i, 0), PQgetvalue(b, k, 0));
  PQclear(a);
  PQclear(b);
  cw_test_exec(db, "COMMIT");
  cw_test_exec(other, "COMMIT");
  PQfinish(other);
}
END_TEST

START_TEST(finish_with_a_stale_token_is_fenced_and_writes_nothing) {
  enqueue(1, 0);
  PGresult *c = q(db, "SELECT id, lease_token FROM queue.claim('w1', 1, 60000)");
  char sql[1024];
  snprintf(sql, sizeof sql,
           "SELECT result FROM queue.finish_stages(jsonb_build_array(jsonb_build_object("
           "'id', '%s', 'token', gen_random_uuid(), 'stage', 'upload', 'next_stage', 'parse', "
           "'output', jsonb_build_object('text', 'hello'))))",
           PQgetvalue(c, 0, 0));
  char *res = cw_test_scalar(db, sql);
  ck_assert_str_eq(res, "fenced");
  free(res);
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT count(*) FROM resume_version_texts"), 0);
  /* With the right token the same call writes text and advances the stage. */
  snprintf(sql, sizeof sql,
           "SELECT result FROM queue.finish_stages(jsonb_build_array(jsonb_build_object("
           "'id', '%s', 'token', '%s', 'stage', 'upload', 'next_stage', 'parse', 'progress', 20, "
           "'output', jsonb_build_object('text', 'hello', 'char_count', 5))))",
           PQgetvalue(c, 0, 0), PQgetvalue(c, 0, 1));
  res = cw_test_scalar(db, sql);
  ck_assert_str_eq(res, "ok");
  free(res);
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT count(*) FROM resume_version_texts"), 1);
  char *stage = cw_test_scalar(db, "SELECT current_stage || ':' || (processing_stages->'upload'->>'status')"
                                   " || ':' || (processing_stages->'parse'->>'status') FROM resume_versions");
  ck_assert_str_eq(stage, "parse:completed:running");
  free(stage);
  /* A second upload for the same version: the job is at parse now, so the
   * stage fence refuses it before the unique key would. */
  res = cw_test_scalar(db, sql);
  ck_assert_str_eq(res, "stale");
  free(res);
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT count(*) FROM resume_version_texts"), 1);
  PQclear(c);
}
END_TEST

/* The stage fence: with the right lease, a stage commits only when the job
 * is at that stage.  A database that lost the upload's commit (asynchronous
 * commit and a crash, or a failover) still has the job at upload; the
 * parse commit that follows must not land on top of it ('stale', nothing
 * written), and the job can be released and redone from upload. */
START_TEST(a_stage_does_not_commit_on_top_of_a_lost_predecessor) {
  enqueue(1, 0);
  PGresult *c = q(db, "SELECT id, lease_token FROM queue.claim('w1', 1, 60000)");
  const char *id = PQgetvalue(c, 0, 0), *token = PQgetvalue(c, 0, 1);
  char sql[1024];
  snprintf(sql, sizeof sql,
           "SELECT string_agg(result, ',') FROM queue.finish_stages(jsonb_build_array("
           "jsonb_build_object('id', '%s', 'token', '%s', 'stage', 'parse', 'next_stage', 'enrich', "
           "'progress', 60, 'output', jsonb_build_object('rows', jsonb_build_array("
           "jsonb_build_array('contact.name', 'A', 0.9)), 'source_type', 'llm', 'model_version', 'm'))))",
           id, token);
  char *res = cw_test_scalar(db, sql);
  ck_assert_str_eq(res, "stale");
  free(res);
  /* chained (enrich + complete) on top of a job at upload: the same */
  char chained[1024];
  snprintf(chained, sizeof chained,
           "SELECT string_agg(result, ',') FROM queue.finish_stages(jsonb_build_array("
           "jsonb_build_object('id', '%s', 'token', '%s', 'stage', 'enrich', 'next_stage', 'complete', "
           "'chain', true, 'output', '{}'::jsonb)))",
           id, token);
  res = cw_test_scalar(db, chained);
  ck_assert_str_eq(res, "stale");
  free(res);
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT count(*) FROM parsed_resume_entities"), 0);
  char *st = cw_test_scalar(db, "SELECT processing_status || ':' || current_stage || ':' || "
                                "(processing_stages->'upload'->>'status') || ':' || "
                                "coalesce(processing_stages->'parse'->>'status', '-') FROM resume_versions");
  ck_assert_str_eq(st, "processing:upload:running:pending");
  free(st);
  /* the lease is still ours: the worker releases the job */
  snprintf(sql, sizeof sql, "SELECT queue.release(ARRAY['%s']::uuid[], ARRAY['%s']::uuid[], false)", id,
           token);
  res = cw_test_scalar(db, sql);
  ck_assert_str_eq(res, "1");
  free(res);
  PQclear(c);
}
END_TEST

/* A batch commits in one go; when one item fails, the others still commit
 * and the answers keep the items' order, whatever the ids' order. */
START_TEST(one_bad_item_in_a_batch_leaves_the_others_committed) {
  enqueue(3, 0);
  PGresult *c = q(db, "SELECT id, lease_token FROM queue.claim('w1', 3, 60000) ORDER BY id DESC");
  ck_assert_int_eq(PQntuples(c), 3);
  char sql[2048];
  /* items in descending id order; the middle one is an upload whose
   * char_count is not a number */
  snprintf(sql, sizeof sql,
           "SELECT string_agg(f.id::text || '=' || f.result, ',' ORDER BY o) FROM ("
           "SELECT r.*, row_number() OVER () AS o FROM queue.finish_stages(jsonb_build_array("
           "jsonb_build_object('id', '%s', 'token', '%s', 'stage', 'upload', 'next_stage', 'parse', "
           "'output', jsonb_build_object('text', 'a', 'char_count', 1)), "
           "jsonb_build_object('id', '%s', 'token', '%s', 'stage', 'upload', 'next_stage', 'parse', "
           "'output', jsonb_build_object('text', 'b', 'char_count', 'many')), "
           "jsonb_build_object('id', '%s', 'token', gen_random_uuid(), 'stage', 'upload', "
           "'next_stage', 'parse', 'output', jsonb_build_object('text', 'c', 'char_count', 1)))) r) f",
           PQgetvalue(c, 0, 0), PQgetvalue(c, 0, 1), PQgetvalue(c, 1, 0), PQgetvalue(c, 1, 1),
           PQgetvalue(c, 2, 0));
  char *res = cw_test_scalar(db, sql);
  char want[512];
  snprintf(want, sizeof want, "%s=ok,%s=error,%s=fenced", PQgetvalue(c, 0, 0), PQgetvalue(c, 1, 0),
           PQgetvalue(c, 2, 0));
  ck_assert_str_eq(res, want);
  free(res);
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT count(*) FROM resume_version_texts"), 1);
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT count(*) FROM resume_versions WHERE current_stage = 'parse'"), 1);
  PQclear(c);
}
END_TEST

/* The same job twice in one batch: the items run in order, so the second
 * stage sees the first one's state. */
START_TEST(the_same_job_twice_in_a_batch_runs_in_item_order) {
  enqueue(1, 0);
  PGresult *c = q(db, "SELECT id, lease_token FROM queue.claim('w1', 1, 60000)");
  char sql[2048];
  snprintf(sql, sizeof sql,
           "SELECT string_agg(result, ',') FROM queue.finish_stages(jsonb_build_array("
           "jsonb_build_object('id', '%1$s', 'token', '%2$s', 'stage', 'upload', 'next_stage', 'parse', "
           "'output', jsonb_build_object('text', 'a', 'char_count', 1)), "
           "jsonb_build_object('id', '%1$s', 'token', '%2$s', 'stage', 'parse', 'next_stage', NULL, "
           "'output', jsonb_build_object('rows', '[]'::jsonb))))",
           PQgetvalue(c, 0, 0), PQgetvalue(c, 0, 1));
  char *res = cw_test_scalar(db, sql);
  ck_assert_str_eq(res, "ok,ok");
  free(res);
  char *st = cw_test_scalar(db, "SELECT processing_status || ':' || (processing_stages->'upload'->>'status') || ':' "
                                "|| (processing_stages->'parse'->>'status') FROM resume_versions");
  ck_assert_str_eq(st, "completed:completed:completed");
  free(st);
  PQclear(c);
}
END_TEST

/* "chain": the complete stage (the merge) runs in the same commit as
 * enrich and the job is done; when the merge fails, enrich still commits
 * and the complete stage is left to run on its own. */
START_TEST(a_chained_item_completes_the_job_in_one_commit) {
  enqueue(2, 0);
  PGresult *c = q(db, "SELECT id, lease_token FROM queue.claim('w1', 2, 60000) ORDER BY id");
  ck_assert_int_eq(PQntuples(c), 2);
  cw_test_exec(db, "UPDATE resume_versions SET current_stage = 'enrich'"); /* the stage fence */
  char sql[2048];
  for (int i = 0; i < 2; i++) {
    snprintf(sql, sizeof sql,
             "SELECT result FROM queue.finish_stages(jsonb_build_array(jsonb_build_object("
             "'id', '%s', 'token', '%s', 'stage', 'enrich', 'next_stage', 'complete', 'chain', true, "
             "'output', '{}'::jsonb)))",
             PQgetvalue(c, i, 0), PQgetvalue(c, i, 1));
    if (i == 1) { /* the second one has an entry to merge, and its merge fails */
      char ins[512];
      snprintf(ins, sizeof ins,
               "INSERT INTO public.parsed_resume_entities (resume_version_id, user_id, field_name, "
               "raw_value, confidence_score, source_type, model_version) VALUES ('%s', '" USER_A "', "
               "'skills.0', '{\"name\": \"Go\"}', 0.9, 'heuristic', 'h')",
               PQgetvalue(c, i, 0));
      cw_test_exec(db, ins);
      cw_test_exec(db, "ALTER TABLE public.merge_decisions ADD CONSTRAINT cw_test_no_merge CHECK (false) NOT VALID");
    }
    char *res = cw_test_scalar(db, sql);
    ck_assert_str_eq(res, i == 0 ? "completed" : "ok");
    free(res);
  }
  snprintf(sql, sizeof sql,
           "SELECT string_agg(processing_status || ':' || current_stage || ':' || processing_progress || ':' "
           "|| (processing_stages->'enrich'->>'status') || ':' || (processing_stages->'complete'->>'status') "
           "|| ':' || (lease_token IS NULL), ',' ORDER BY id) FROM resume_versions");
  char *st = cw_test_scalar(db, sql);
  ck_assert_str_eq(st, "completed:complete:100:completed:completed:true,"
                       "processing:complete:0:completed:running:false");
  free(st);
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT count(*) FROM resume_versions WHERE "
                                           "processing_telemetry->'stages'->'complete'->>'chained' = 'true'"),
                   1);
  PQclear(c);
}
END_TEST

START_TEST(bad_output_is_refused_not_clamped) {
  enqueue(1, 0);
  PGresult *c = q(db, "SELECT id, lease_token FROM queue.claim('w1', 1, 60000)");
  cw_test_exec(db, "UPDATE resume_versions SET current_stage = 'enrich'"); /* the stage fence */
  char sql[2048];
  snprintf(sql, sizeof sql,
           "SELECT result || ' ' || coalesce(message, '') FROM queue.finish_stages(jsonb_build_array(jsonb_build_object("
           "'id', '%s', 'token', '%s', 'stage', 'enrich', 'next_stage', 'complete', 'output', "
           "'{\"career\": {\"role_archetype\": \"x\", \"persona_type\": \"Builder\", "
           "\"leadership_score\": 140, \"scope_score\": 1, \"technical_depth_score\": 1}}'::jsonb)))",
           PQgetvalue(c, 0, 0), PQgetvalue(c, 0, 1));
  char *res = cw_test_scalar(db, sql);
  ck_assert_msg(strncmp(res, "error 23514", 11) == 0, "got %s", res);
  ck_assert_msg(strstr(res, "leadership") != NULL, "constraint name should say what: %s", res);
  free(res);
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT count(*) FROM career_enrichment"), 0);
  PQclear(c);
}
END_TEST

static char *fail_job(const char *code, const char *retryable) {
  PGresult *c = q(db, "SELECT id, lease_token FROM queue.claim('w1', 1, 60000)");
  ck_assert_int_eq(PQntuples(c), 1);
  char sql[1024];
  snprintf(sql, sizeof sql,
           "SELECT queue.fail('%s', '%s', 'upload', '%s', 'm', %s, NULL, 0, 0, NULL)",
           PQgetvalue(c, 0, 0), PQgetvalue(c, 0, 1), code, retryable);
  PQclear(c);
  return cw_test_scalar(db, sql);
}

START_TEST(retryable_errors_retry_until_max_attempts_then_fail) {
  enqueue(1, 0);
  cw_test_exec(db, "UPDATE resume_versions SET max_attempts = 3");
  for (int i = 0; i < 2; i++) {
    char *r = fail_job("STORAGE_UNAVAILABLE", "true");
    ck_assert_str_eq(r, "retry");
    free(r);
  }
  char *r = fail_job("STORAGE_UNAVAILABLE", "true");
  ck_assert_str_eq(r, "failed");
  free(r);
  char *codes = cw_test_scalar(db, "SELECT string_agg(e->>'code', ',' ORDER BY ord) FROM resume_versions, "
                                   "jsonb_array_elements(processing_errors) WITH ORDINALITY AS t(e, ord)");
  ck_assert_str_eq(codes, "STORAGE_UNAVAILABLE,STORAGE_UNAVAILABLE,STORAGE_UNAVAILABLE,MAX_ATTEMPTS");
  free(codes);
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT count(*) FROM resume_versions WHERE "
                                           "processing_status='failed' AND lease_token IS NULL"), 1);
}
END_TEST

START_TEST(permanent_error_fails_at_once) {
  enqueue(1, 0);
  char *r = fail_job("FILE_HASH_MISMATCH", "false");
  ck_assert_str_eq(r, "failed");
  free(r);
  char *st = cw_test_scalar(db, "SELECT processing_stages->'upload'->>'status' || ':' || "
                                "(processing_stages->'upload'->>'error') FROM resume_versions");
  ck_assert_str_eq(st, "failed:FILE_HASH_MISMATCH");
  free(st);
}
END_TEST

START_TEST(backoff_grows_and_honours_retry_after) {
  enqueue(1, 0);
  PGresult *c = q(db, "SELECT id, lease_token FROM queue.claim('w1', 1, 60000)");
  char sql[1024];
  snprintf(sql, sizeof sql,
           "SELECT queue.fail('%s', '%s', 'parse', 'LLM_RATE_LIMITED', 'm', true, 120000, 1000, "
           "600000, NULL)",
           PQgetvalue(c, 0, 0), PQgetvalue(c, 0, 1));
  PQclear(c);
  free(cw_test_scalar(db, sql));
  long secs = cw_test_scalar_long(db, "SELECT extract(epoch FROM run_after - now())::int FROM resume_versions");
  ck_assert_msg(secs >= 118 && secs <= 121, "retry-after of 120 s not honoured: %ld", secs);
  /* Nothing is claimable before run_after. */
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT count(*) FROM queue.claim('w1', 1, 60000)"), 0);
}
END_TEST

START_TEST(expired_lease_is_rescued_and_old_token_fenced) {
  enqueue(1, 0);
  PGresult *c = q(db, "SELECT id, lease_token FROM queue.claim('w1', 1, 60000)");
  char id[37], old[37];
  snprintf(id, sizeof id, "%s", PQgetvalue(c, 0, 0));
  snprintf(old, sizeof old, "%s", PQgetvalue(c, 0, 1));
  PQclear(c);
  cw_test_exec(db, "UPDATE resume_versions SET lease_expires_at = now() - interval '1 second'");
  c = q(db, "SELECT id, lease_token, rescued, attempts FROM queue.claim('w2', 5, 60000)");
  ck_assert_int_eq(PQntuples(c), 1);
  ck_assert_str_eq(PQgetvalue(c, 0, 0), id);
  ck_assert_str_ne(PQgetvalue(c, 0, 1), old);
  ck_assert_str_eq(PQgetvalue(c, 0, 2), "t");
  ck_assert_str_eq(PQgetvalue(c, 0, 3), "2");
  PQclear(c);
  char *e = cw_test_scalar(db, "SELECT processing_errors->-1->>'code' FROM resume_versions");
  ck_assert_str_eq(e, "LEASE_EXPIRED");
  free(e);
  char sql[512];
  snprintf(sql, sizeof sql, "SELECT queue.fail('%s', '%s', 'upload', 'INTERNAL', 'late', true, NULL, 0, 0, NULL)", id, old);
  e = cw_test_scalar(db, sql);
  ck_assert_str_eq(e, "fenced");
  free(e);
}
END_TEST

START_TEST(rescue_past_max_attempts_fails_the_job) {
  enqueue(1, 0);
  cw_test_exec(db, "UPDATE resume_versions SET max_attempts = 1");
  PQclear(q(db, "SELECT * FROM queue.claim('w1', 1, 60000)"));
  cw_test_exec(db, "UPDATE resume_versions SET lease_expires_at = now() - interval '1 second'");
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT count(*) FROM queue.claim('w2', 1, 60000)"), 0);
  char *s = cw_test_scalar(db, "SELECT processing_status || ':' || (processing_errors->-1->>'code') FROM resume_versions");
  ck_assert_str_eq(s, "failed:MAX_ATTEMPTS");
  free(s);
}
END_TEST

START_TEST(heartbeat_extends_only_leases_still_held) {
  enqueue(2, 0);
  PGresult *c = q(db, "SELECT id, lease_token FROM queue.claim('w1', 2, 1000)");
  char sql[1024];
  snprintf(sql, sizeof sql, "SELECT count(*) FROM queue.heartbeat(ARRAY['%s','%s']::uuid[], "
           "ARRAY['%s', gen_random_uuid()]::uuid[], 600000)",
           PQgetvalue(c, 0, 0), PQgetvalue(c, 1, 0), PQgetvalue(c, 0, 1));
  ck_assert_int_eq(cw_test_scalar_long(db, sql), 1);
  PQclear(c);
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT count(*) FROM resume_versions WHERE "
                                           "lease_expires_at > now() + interval '500 seconds'"), 1);
}
END_TEST

static int count_notifies(PGconn *l, int wait_ms) {
  int n = 0;
  fd_set fds;
  struct timeval tv = {wait_ms / 1000, (wait_ms % 1000) * 1000};
  FD_ZERO(&fds);
  FD_SET(PQsocket(l), &fds);
  select(PQsocket(l) + 1, &fds, NULL, NULL, &tv);
  PQconsumeInput(l);
  PGnotify *nt;
  while ((nt = PQnotifies(l)) != NULL) {
    n++;
    PQfreemem(nt);
  }
  return n;
}

START_TEST(bulk_insert_sends_one_notification_and_release_requeue_notify) {
  PGconn *l = cw_test_connect(conninfo);
  cw_test_exec(l, "LISTEN careeros_jobs");
  cw_test_exec(db, "BEGIN");
  enqueue(500, 0);
  enqueue(500, 0);
  cw_test_exec(db, "COMMIT");
  ck_assert_int_eq(count_notifies(l, 500), 1);

  PGresult *c = q(db, "SELECT id, lease_token FROM queue.claim('w1', 1, 60000)");
  char sql[512];
  snprintf(sql, sizeof sql, "SELECT queue.release(ARRAY['%s']::uuid[], ARRAY['%s']::uuid[], true)",
           PQgetvalue(c, 0, 0), PQgetvalue(c, 0, 1));
  ck_assert_int_eq(cw_test_scalar_long(db, sql), 1);
  ck_assert_int_eq(count_notifies(l, 500), 1);
  /* Released: claimable at once, and the attempt did not count. */
  snprintf(sql, sizeof sql, "SELECT attempts FROM resume_versions WHERE id = '%s'", PQgetvalue(c, 0, 0));
  ck_assert_int_eq(cw_test_scalar_long(db, sql), 0);
  PQclear(c);

  cw_test_exec(db, "DELETE FROM resume_versions WHERE processing_status = 'pending' AND id NOT IN "
                   "(SELECT id FROM resume_versions LIMIT 2)");
  char *r = fail_job("FILE_CORRUPT", "false");
  free(r);
  r = fail_job("TEXT_EMPTY", "false");
  free(r);
  count_notifies(l, 50);
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT queue.requeue(NULL, 'TEXT_EMPTY')"), 1);
  ck_assert_int_eq(count_notifies(l, 500), 1);
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT count(*) FROM resume_versions WHERE processing_status='failed'"), 1);
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT queue.requeue(NULL, NULL)"), 1);
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT count(*) FROM resume_versions WHERE processing_status='failed'"), 0);
  PQfinish(l);
}
END_TEST

START_TEST(release_of_an_uncertain_job_keeps_its_attempt) {
  enqueue(1, 0);
  PGresult *c = q(db, "SELECT id, lease_token FROM queue.claim('w1', 1, 60000)");
  char sql[512];
  snprintf(sql, sizeof sql, "SELECT queue.release(ARRAY['%s']::uuid[], ARRAY['%s']::uuid[], false)",
           PQgetvalue(c, 0, 0), PQgetvalue(c, 0, 1));
  PQclear(c);
  ck_assert_int_eq(cw_test_scalar_long(db, sql), 1);
  /* A job whose writes kill the connection must still run out of attempts. */
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT attempts FROM resume_versions"), 1);
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT count(*) FROM resume_versions WHERE "
                                           "processing_status = 'pending' AND lease_token IS NULL"), 1);
}
END_TEST

START_TEST(requeue_by_code_looks_at_the_last_error_only) {
  enqueue(1, 0);
  cw_test_exec(db, "UPDATE resume_versions SET max_attempts = 5");
  free(fail_job("STORAGE_UNAVAILABLE", "true"));   /* retried ... */
  free(fail_job("FILE_CORRUPT", "false"));         /* ... then failed for another reason */
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT queue.requeue(NULL, 'STORAGE_UNAVAILABLE')"), 0);
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT queue.requeue(NULL, 'FILE_CORRUPT')"), 1);
}
END_TEST

START_TEST(rescue_that_gives_up_leaves_no_running_stage) {
  enqueue(1, 0);
  cw_test_exec(db, "UPDATE resume_versions SET max_attempts = 1");
  PQclear(q(db, "SELECT * FROM queue.claim('w1', 1, 60000)"));
  cw_test_exec(db, "UPDATE resume_versions SET lease_expires_at = now() - interval '1 second'");
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT count(*) FROM queue.claim('w2', 1, 60000)"), 0);
  char *s = cw_test_scalar(db, "SELECT (processing_stages->'upload'->>'status') || ':' || "
                               "coalesce(lease_token::text, 'no-lease') || ':' || coalesce(locked_by, 'nobody') "
                               "FROM resume_versions");
  ck_assert_str_eq(s, "failed:no-lease:nobody");
  free(s);
}
END_TEST

START_TEST(claim_uses_the_partial_index_with_many_finished_rows) {
  enqueue(200000, 0);
  cw_test_exec(db, "UPDATE resume_versions SET processing_status = 'completed'");
  enqueue(10, 0);
  cw_test_exec(db, "ANALYZE resume_versions");
  PGresult *r = q(db, "EXPLAIN SELECT rv.id FROM public.resume_versions rv WHERE rv.processing_status = "
                      "'pending' AND rv.run_after <= now() ORDER BY rv.priority DESC, rv.run_after "
                      "LIMIT 64 FOR UPDATE SKIP LOCKED");
  bool uses = false;
  for (int i = 0; i < PQntuples(r); i++)
    uses |= strstr(PQgetvalue(r, i, 0), "resume_versions_queue_pending_idx") != NULL;
  PQclear(r);
  ck_assert_msg(uses, "the claim should be served by resume_versions_queue_pending_idx");
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT count(*) FROM queue.claim('w1', 64, 60000)"), 10);
}
END_TEST

START_TEST(queue_schema_is_for_the_worker_role_only) {
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT count(*) FROM pg_proc p WHERE p.pronamespace = "
                                           "'queue'::regnamespace AND has_function_privilege('authenticated', p.oid, 'EXECUTE')"), 0);
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT count(*) FROM pg_proc p WHERE p.pronamespace = "
                                           "'queue'::regnamespace AND has_function_privilege('anon', p.oid, 'EXECUTE')"), 0);
  ck_assert_int_eq(cw_test_scalar_long(db, "SELECT count(*) FROM pg_proc p WHERE p.pronamespace = "
                                           "'queue'::regnamespace AND p.proname = 'claim' AND "
                                           "has_function_privilege('careeros_worker', p.oid, 'EXECUTE')"), 1);
}
END_TEST

/* SQLSTATE of a statement on c ("" when it succeeded). */
static void exec_state(PGconn *c, const char *sql, char out[6]) {
  PGresult *r = PQexec(c, sql);
  const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  snprintf(out, 6, "%s", PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK
                             ? "" : (st ? st : "?"));
  PQclear(r);
}

/* A signed-in user (another one) takes every lock it can reach for USER_A's
 * merges: the advisory keys the merge used to take, the lock table, the
 * lock function.  USER_A's merge still goes through at once; and a worker
 * that does hold USER_A's merge lock does make it wait, so the merge takes
 * the lock. */
START_TEST(an_api_role_cannot_stall_another_users_merge) {
  enqueue(1, 0);
  char *v = cw_test_scalar(db, "SELECT id FROM public.resume_versions LIMIT 1");
  PGconn *api = cw_test_connect(conninfo), *worker = cw_test_connect(conninfo),
         *holder = cw_test_connect(conninfo);
  char st[6];
  cw_test_exec(api, "BEGIN");
  cw_test_exec(api, "SELECT set_config('request.jwt.claims', '{\"sub\":\"33333333-3333-4333-8333-333333333333\","
                    "\"role\":\"authenticated\"}', true)");
  cw_test_exec(api, "SET LOCAL ROLE authenticated");
  cw_test_exec(api, "SELECT pg_advisory_xact_lock(hashtextextended('" USER_A "', 7391)), "
                    "pg_advisory_xact_lock(hashtextextended('careeros.merge:" USER_A "', 0))");
  exec_state(api, "SAVEPOINT s; SELECT queue.lock_merges(ARRAY['" USER_A "'::uuid])", st);
  ck_assert_str_eq(st, "42501");
  cw_test_exec(api, "ROLLBACK TO SAVEPOINT s");
  exec_state(api, "SAVEPOINT s; SELECT 1 FROM queue.merge_locks FOR UPDATE", st);
  ck_assert_str_eq(st, "42501");
  cw_test_exec(api, "ROLLBACK TO SAVEPOINT s");

  char sql[256];
  snprintf(sql, sizeof sql, "SELECT public.merge_resume_version('%s')", v);
  cw_test_exec(worker, "SET lock_timeout = '10s'");
  cw_test_exec(worker, "BEGIN");
  cw_test_exec(worker, "SET LOCAL ROLE careeros_worker");
  exec_state(worker, sql, st);
  ck_assert_msg(st[0] == 0, "the merge waited for the API role's locks: %s", st);
  cw_test_exec(worker, "ROLLBACK");

  cw_test_exec(holder, "BEGIN");
  cw_test_exec(holder, "SET LOCAL ROLE careeros_worker");
  cw_test_exec(holder, "SELECT queue.lock_merges(ARRAY['" USER_A "'::uuid])");
  cw_test_exec(worker, "SET lock_timeout = '200ms'");
  cw_test_exec(worker, "BEGIN");
  cw_test_exec(worker, "SET LOCAL ROLE careeros_worker");
  exec_state(worker, sql, st);
  ck_assert_str_eq(st, "55P03");
  cw_test_exec(worker, "ROLLBACK");
  cw_test_exec(holder, "ROLLBACK");
  cw_test_exec(api, "ROLLBACK");
  PQfinish(api);
  PQfinish(worker);
  PQfinish(holder);
  free(v);
}
END_TEST

/* ---- the C module: which waiting commit goes first ----------------------- */

struct order {
  char seen[8];
  int n;
};

struct finish_arg {
  struct order *o;
  char name;
};

static void on_item(void *arg, int result, const char *message) {
  struct finish_arg *a = arg;
  (void)message;
  ck_assert_int_eq(result, CW_FINISH_FENCED); /* no lease of ours: fenced, as any stale item */
  a->o->seen[a->o->n++] = a->name;
}

/* A stage commit of job id and user with no lease behind it; ends_job:
 * the last stage's.  item(n, ...): job ...0n of USER_A. */
static json_t *item_for(const char *id, const char *user, bool ends_job) {
  return json_pack("{s:s,s:s,s:s,s:s,s:s?}", "id", id, "token", "00000000-0000-4000-8000-000000000000",
                   "user_id", user, "stage", ends_job ? "enrich" : "parse", "next_stage", ends_job ? NULL : "enrich");
}

static json_t *item(int n, bool ends_job) {
  char id[37];
  snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", n);
  return item_for(id, USER_A, ends_job);
}

struct module {
  uv_loop_t loop;
  cw_config cfg;
  cw_db *db;
  cw_queue *q;
};

/* pool: the database pool size; stage commits run pool - 1 at a time. */
static void module_start(struct module *m, const char *pool) {
  uv_loop_init(&m->loop);
  setenv("CAREEROS_DATABASE_CONNINFO", conninfo, 1);
  setenv("CAREEROS_DATABASE_POOL_SIZE", pool, 1);
  ck_assert_int_eq(cw_config_load(&m->cfg, NULL), 0);
  cw_db_events ev = {0};
  ck_assert_int_eq(cw_db_new(&m->loop, &m->cfg, "cw_test", &ev, &m->db), 0);
  cw_db_start(m->db);
  ck_assert_int_eq(cw_queue_new(m->db, "test-worker", m->cfg.database.pool_size, &m->q), 0);
}

static void run_until_seen(struct module *m, struct order *o, int n) {
  uint64_t t0 = uv_now(&m->loop);
  while (o->n < n && uv_now(&m->loop) - t0 < 20000)
    uv_run(&m->loop, UV_RUN_ONCE);
}

static void on_closed(void *arg) { *(bool *)arg = true; }

static void module_stop(struct module *m) {
  cw_queue_detach(m->q);
  cw_queue_free(m->q);
  bool closed = false;
  cw_db_close(m->db, on_closed, &closed);
  uv_run(&m->loop, UV_RUN_DEFAULT);
  ck_assert(closed);
  ck_assert_int_eq(uv_loop_close(&m->loop), 0);
  cw_config_free(&m->cfg);
}

START_TEST(commits_that_end_jobs_go_before_earlier_stages) {
  struct module m;
  module_start(&m, "2"); /* one stage commit at a time */
  struct order o = {{0}, 0};
  /* A takes the one call; B, C and D wait for it.  C ends its job. */
  struct finish_arg a[] = {{&o, 'A'}, {&o, 'B'}, {&o, 'C'}, {&o, 'D'}};
  ck_assert_int_eq(cw_queue_finish(m.q, item(1, false), on_item, &a[0]), 0);
  ck_assert_int_eq(cw_queue_finish(m.q, item(2, false), on_item, &a[1]), 0);
  ck_assert_int_eq(cw_queue_finish(m.q, item(3, true), on_item, &a[2]), 0);
  ck_assert_int_eq(cw_queue_finish(m.q, item(4, false), on_item, &a[3]), 0);
  run_until_seen(&m, &o, 4);
  ck_assert_str_eq(o.seen, "ACBD");
  module_stop(&m);
}
END_TEST

START_TEST(a_commit_that_a_job_is_waiting_for_goes_with_the_ending_ones) {
  struct module m;
  module_start(&m, "2"); /* one stage commit at a time */
  struct order o = {{0}, 0};
  /* A takes the one call; B and C wait for it, neither ends its job.  Then
   * C's job has nothing left to do but wait for C. */
  struct finish_arg a[] = {{&o, 'A'}, {&o, 'B'}, {&o, 'C'}};
  ck_assert_int_eq(cw_queue_finish(m.q, item(1, false), on_item, &a[0]), 0);
  ck_assert_int_eq(cw_queue_finish(m.q, item(2, false), on_item, &a[1]), 0);
  ck_assert_int_eq(cw_queue_finish(m.q, item(3, false), on_item, &a[2]), 0);
  ck_assert_int_eq(cw_queue_hurry(m.q, "00000000-0000-4000-8000-000000000003"), 0);
  ck_assert_int_eq(cw_queue_hurry(m.q, "00000000-0000-4000-8000-000000000001"), -ENOENT); /* sent */
  run_until_seen(&m, &o, 3);
  ck_assert_str_eq(o.seen, "ACB");
  module_stop(&m);
}
END_TEST

START_TEST(a_users_second_ending_commit_waits_for_the_first) {
  enqueue(1, 0);
  char *id = cw_test_scalar(db, "SELECT id FROM public.resume_versions");
  /* Another session holds A's row: A's call blocks on it. */
  PGconn *holder = cw_test_connect(conninfo);
  cw_test_exec(holder, "BEGIN");
  char sql[200];
  snprintf(sql, sizeof sql, "SELECT 1 FROM public.resume_versions WHERE id = '%s' FOR UPDATE", id);
  PQclear(q(holder, sql));
  struct module m;
  module_start(&m, "3"); /* two stage commits at a time */
  struct order o = {{0}, 0};
  struct finish_arg a[] = {{&o, 'A'}, {&o, 'B'}, {&o, 'C'}};
  /* A and B end jobs of the same user, C of another. */
  ck_assert_int_eq(cw_queue_finish(m.q, item_for(id, USER_A, true), on_item, &a[0]), 0);
  ck_assert_int_eq(cw_queue_finish(m.q, item(2, true), on_item, &a[1]), 0);
  ck_assert_int_eq(cw_queue_finish(m.q, item_for("00000000-0000-4000-8000-000000000003",
                                                 "33333333-3333-4333-8333-333333333333", true),
                                    on_item, &a[2]), 0);
  run_until_seen(&m, &o, 1);
  ck_assert_str_eq(o.seen, "C"); /* C went in the second call; B waits for A's */
  uv_sleep(300);
  for (int i = 0; i < 20; i++)
    uv_run(&m.loop, UV_RUN_NOWAIT);
  ck_assert_str_eq(o.seen, "C");
  cw_test_exec(holder, "COMMIT");
  run_until_seen(&m, &o, 3);
  ck_assert_str_eq(o.seen, "CAB");
  module_stop(&m);
  PQfinish(holder);
  free(id);
}
END_TEST

int main(void) {
  Suite *s = suite_create("queue");
  TCase *tc = tcase_create("sql");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, claim_takes_priority_then_age_and_limit);
  tcase_add_test(tc, a_backlog_does_not_delay_another_users_upload);
  tcase_add_test(tc, claims_in_concurrent_transactions_do_not_overlap);
  tcase_add_test(tc, finish_with_a_stale_token_is_fenced_and_writes_nothing);
  tcase_add_test(tc, a_stage_does_not_commit_on_top_of_a_lost_predecessor);
  tcase_add_test(tc, one_bad_item_in_a_batch_leaves_the_others_committed);
  tcase_add_test(tc, the_same_job_twice_in_a_batch_runs_in_item_order);
  tcase_add_test(tc, a_chained_item_completes_the_job_in_one_commit);
  tcase_add_test(tc, bad_output_is_refused_not_clamped);
  tcase_add_test(tc, retryable_errors_retry_until_max_attempts_then_fail);
  tcase_add_test(tc, permanent_error_fails_at_once);
  tcase_add_test(tc, backoff_grows_and_honours_retry_after);
  tcase_add_test(tc, expired_lease_is_rescued_and_old_token_fenced);
  tcase_add_test(tc, rescue_past_max_attempts_fails_the_job);
  tcase_add_test(tc, heartbeat_extends_only_leases_still_held);
  tcase_add_test(tc, bulk_insert_sends_one_notification_and_release_requeue_notify);
  tcase_add_test(tc, release_of_an_uncertain_job_keeps_its_attempt);
  tcase_add_test(tc, requeue_by_code_looks_at_the_last_error_only);
  tcase_add_test(tc, rescue_that_gives_up_leaves_no_running_stage);
  tcase_add_test(tc, claim_uses_the_partial_index_with_many_finished_rows);
  tcase_add_test(tc, queue_schema_is_for_the_worker_role_only);
  tcase_add_test(tc, an_api_role_cannot_stall_another_users_merge);
  suite_add_tcase(s, tc);
  TCase *tm = tcase_create("module");
  tcase_add_checked_fixture(tm, setup, teardown);
  tcase_set_timeout(tm, 60);
  tcase_add_test(tm, commits_that_end_jobs_go_before_earlier_stages);
  tcase_add_test(tm, a_users_second_ending_commit_waits_for_the_first);
  tcase_add_test(tm, a_commit_that_a_job_is_waiting_for_goes_with_the_ending_ones);
  suite_add_tcase(s, tm);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
