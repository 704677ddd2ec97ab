/* The asynchronous Postgres layer on a real loop and a real server:
 * queries, notifications, and recovery when connections are killed. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "careeros/config.h"
#include "careeros/db.h"
#include "testlib.h"

struct state {
  uv_loop_t loop;
  cw_config cfg;
  cw_db *db;
  int listening;   /* times on_listening fired */
  int notifies;
  int answers;
  int errors;
  char last[64];
  uv_timer_t timer;
  bool (*until)(struct state *);
  bool closed;
};

static void on_notify(void *arg, const char *channel, const char *payload) {
  struct state *s = arg;
  (void)payload;
  if (strcmp(channel, "cw_test") == 0)
    s->notifies++;
}

static void on_listening(void *arg) { ((struct state *)arg)->listening++; }

static void on_answer(void *arg, int status, const PGresult *res, const char *msg) {
  struct state *s = arg;
  (void)msg;
  if (status == 0) {
    s->answers++;
    snprintf(s->last, sizeof s->last, "%s", PQntuples(res) ? PQgetvalue(res, 0, 0) : "");
  } else {
    s->errors++;
    snprintf(s->last, sizeof s->last, "%d", status);
  }
}

static void on_tick(uv_timer_t *t) {
  struct state *s = t->data;
  if (s->until(s))
    uv_stop(&s->loop);
}

/* Runs the loop until cond holds or 20 s pass. */
static bool run_until(struct state *s, bool (*cond)(struct state *)) {
  s->until = cond;
  uv_timer_start(&s->timer, on_tick, 5, 5);
  uint64_t t0 = uv_now(&s->loop);
  while (!cond(s) && uv_now(&s->loop) - t0 < 20000)
    uv_run(&s->loop, UV_RUN_ONCE);
  uv_timer_stop(&s->timer);
  return cond(s);
}

/* host_override: replaces "host=127.0.0.1" in the conninfo (NULL: keep). */
static struct state *start_with(const char *host_override) {
  struct state *s = calloc(1, sizeof *s);
  uv_loop_init(&s->loop);
  uv_timer_init(&s->loop, &s->timer);
  s->timer.data = s;
  char *ci = cw_test_fresh_db("db");
  if (host_override) {
    char *rest = strstr(ci, " port=");
    char *alt;
    ck_assert_int_ge(asprintf(&alt, "host=%s%s", host_override, rest), 0);
    free(ci);
    ci = alt;
  }
  setenv("CAREEROS_DATABASE_CONNINFO", ci, 1);
  setenv("CAREEROS_DATABASE_RECONNECT_MIN_MS", "20", 1);
  setenv("CAREEROS_DATABASE_POOL_SIZE", "2", 1);
  free(ci);
  ck_assert_int_eq(cw_config_load(&s->cfg, NULL), 0);
  cw_db_events ev = {.on_notify = on_notify, .on_listening = on_listening, .arg = s};
  ck_assert_int_eq(cw_db_new(&s->loop, &s->cfg, "cw_test", &ev, &s->db), 0);
  cw_db_start(s->db);
  return s;
}

static struct state *start(void) { return start_with(NULL); }

static void on_db_closed(void *arg) { ((struct state *)arg)->closed = true; }

static void stop(struct state *s) {
  cw_db_close(s->db, on_db_closed, s);
  uv_close((uv_handle_t *)&s->timer, NULL);
  uv_run(&s->loop, UV_RUN_DEFAULT);
  ck_assert(s->closed);
  ck_assert_int_eq(uv_loop_close(&s->loop), 0); /* every handle was closed */
  cw_config_free(&s->cfg);
  free(s);
}

static bool is_listening(struct state *s) { return s->listening > 0 && cw_db_is_up(s->db); }
static bool got_answers_3(struct state *s) { return s->answers >= 3; }
static bool got_notify(struct state *s) { return s->notifies >= 1; }
static bool relistened(struct state *s) { return s->listening >= 2; }
static bool got_error_or_answer(struct state *s) { return s->errors + s->answers >= 1; }

START_TEST(queries_run_with_parameters_and_notifications_arrive) {
  struct state *s = start();
  ck_assert(run_until(s, is_listening));
  const char *p[] = {"41"};
  for (int i = 0; i < 3; i++)
    cw_db_query(s->db, "SELECT $1::int + 1", 1, p, on_answer, s);
  ck_assert(run_until(s, got_answers_3));
  ck_assert_str_eq(s->last, "42");
  ck_assert_int_eq(s->errors, 0);
  cw_db_query(s->db, "SELECT pg_notify('cw_test', 'x')", 0, NULL, on_answer, s);
  ck_assert(run_until(s, got_notify));
  stop(s);
}
END_TEST

START_TEST(sql_error_is_reported_not_fatal) {
  struct state *s = start();
  ck_assert(run_until(s, is_listening));
  cw_db_query(s->db, "SELECT * FROM no_such_table", 0, NULL, on_answer, s);
  ck_assert(run_until(s, got_error_or_answer));
  ck_assert_int_eq(s->errors, 1);
  ck_assert_str_eq(s->last, "-5"); /* -EIO */
  s->errors = 0;
  cw_db_query(s->db, "SELECT 'still fine'", 0, NULL, on_answer, s);
  ck_assert(run_until(s, got_error_or_answer));
  ck_assert_str_eq(s->last, "still fine");
  stop(s);
}
END_TEST

START_TEST(killed_connections_reconnect_and_listen_again) {
  struct state *s = start();
  ck_assert(run_until(s, is_listening));
  char *ci = strdup(getenv("CAREEROS_DATABASE_CONNINFO"));
  PGconn *admin = cw_test_connect(ci);
  /* Kill every worker connection, LISTEN included. */
  cw_test_exec(admin, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                      "application_name = 'careeros-worker' AND datname = current_database()");
  ck_assert(run_until(s, relistened));
  /* Notifications flow again on the new LISTEN connection. */
  s->notifies = 0;
  cw_test_exec(admin, "SELECT pg_notify('cw_test', 'again')");
  ck_assert(run_until(s, got_notify));
  s->answers = 0;
  cw_db_query(s->db, "SELECT 1", 0, NULL, on_answer, s);
  cw_db_query(s->db, "SELECT 2", 0, NULL, on_answer, s);
  cw_db_query(s->db, "SELECT 3", 0, NULL, on_answer, s);
  ck_assert(run_until(s, got_answers_3));
  PQfinish(admin);
  free(ci);
  stop(s);
}
END_TEST

START_TEST(a_query_on_a_dying_connection_fails_with_econnreset) {
  struct state *s = start();
  ck_assert(run_until(s, is_listening));
  /* The backend kills itself mid-query: the caller learns the outcome is
   * unknown, and the pool recovers. */
  cw_db_query(s->db, "SELECT pg_terminate_backend(pg_backend_pid())", 0, NULL, on_answer, s);
  ck_assert(run_until(s, got_error_or_answer));
  ck_assert_int_eq(s->errors, 1);
  char want[16];
  snprintf(want, sizeof want, "%d", -ECONNRESET);
  ck_assert_str_eq(s->last, want);
  s->answers = 0;
  for (int i = 0; i < 3; i++)
    cw_db_query(s->db, "SELECT 'ok'", 0, NULL, on_answer, s);
  ck_assert(run_until(s, got_answers_3));
  stop(s);
}
END_TEST

START_TEST(queued_queries_are_cancelled_at_close) {
  struct state *s = start();
  for (int i = 0; i < 5; i++)
    cw_db_query(s->db, "SELECT pg_sleep(0.01)", 0, NULL, on_answer, s);
  cw_db_close(s->db, on_db_closed, s);
  uv_close((uv_handle_t *)&s->timer, NULL);
  uv_run(&s->loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(s->errors + s->answers, 5);
  ck_assert(s->closed);
  ck_assert_int_eq(uv_loop_close(&s->loop), 0);
  cw_config_free(&s->cfg);
  free(s);
}
END_TEST

/* Names are resolved with uv_getaddrinfo, a list entry at a time, and the
 * connections work with the resulting hostaddr list. */
START_TEST(a_host_name_list_is_resolved_off_the_loop) {
  struct state *s = start_with("localhost,127.0.0.1");
  ck_assert(run_until(s, is_listening));
  const char *p[] = {"7"};
  for (int i = 0; i < 3; i++)
    cw_db_query(s->db, "SELECT $1::int * 6", 1, p, on_answer, s);
  ck_assert(run_until(s, got_answers_3));
  ck_assert_str_eq(s->last, "42");
  stop(s);
}
END_TEST

START_TEST(a_hung_query_times_out_and_the_pool_recovers) {
  setenv("CAREEROS_DATABASE_QUERY_TIMEOUT_MS", "300", 1);
  struct state *s = start();
  unsetenv("CAREEROS_DATABASE_QUERY_TIMEOUT_MS");
  ck_assert_int_eq(s->cfg.database.query_timeout_ms, 300);
  ck_assert(run_until(s, is_listening));
  uint64_t t0 = uv_now(&s->loop);
  cw_db_query(s->db, "SELECT pg_sleep(10)", 0, NULL, on_answer, s);
  ck_assert(run_until(s, got_error_or_answer));
  ck_assert_int_eq(s->errors, 1);
  char want[16];
  snprintf(want, sizeof want, "%d", -ECONNRESET);
  ck_assert_str_eq(s->last, want);
  ck_assert_uint_lt(uv_now(&s->loop) - t0, 3000);
  s->answers = 0;
  for (int i = 0; i < 3; i++)
    cw_db_query(s->db, "SELECT 'after'", 0, NULL, on_answer, s);
  ck_assert(run_until(s, got_answers_3));
  ck_assert_str_eq(s->last, "after");
  stop(s);
}
END_TEST

int main(void) {
  Suite *su = suite_create("db");
  TCase *tc = tcase_create("async");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, queries_run_with_parameters_and_notifications_arrive);
  tcase_add_test(tc, sql_error_is_reported_not_fatal);
  tcase_add_test(tc, killed_connections_reconnect_and_listen_again);
  tcase_add_test(tc, a_query_on_a_dying_connection_fails_with_econnreset);
  tcase_add_test(tc, queued_queries_are_cancelled_at_close);
  tcase_add_test(tc, a_host_name_list_is_resolved_off_the_loop);
  tcase_add_test(tc, a_hung_query_times_out_and_the_pool_recovers);
  suite_add_tcase(su, tc);
  SRunner *sr = srunner_create(su);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
