/* `careeros-worker migrate`: run as a subprocess against scratch databases
 * that start empty (migrate must work from nothing), with small migration
 * directories written by each test (flat, or migrations/ + definitions/ as
 * the project's) plus the project's own sql/. */
#include <check.h>
#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "careeros/migrate.h"
#include "clirun.h"
#include "testlib.h"

/* A new empty database; returns its conninfo (malloc'd). */
static char *scratch_db(void) {
  static unsigned seq;
  const char *host = getenv("PGHOST"), *port = getenv("PGPORT"), *user = getenv("PGUSER");
  ck_assert_msg(host && *host, "PGHOST is not set: run the suite through scripts/test");
  char admin[512], name[64], sql[160];
  snprintf(admin, sizeof admin, "host=%s port=%s user=%s dbname=postgres", host, port ? port : "5432",
           user ? user : "postgres");
  snprintf(name, sizeof name, "cwmig_%d_%u", (int)getpid(), seq++);
  PGconn *c = cw_test_connect(admin);
  snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE template0", name);
  cw_test_exec(c, sql);
  PQfinish(c);
  char *ci;
  ck_assert_int_ge(asprintf(&ci, "host=%s port=%s user=%s dbname=%s", host, port ? port : "5432",
                            user ? user : "postgres", name), 0);
  return ci;
}

static void put(const char *dir, const char *name, const char *text) {
  char *p;
  ck_assert_int_ge(asprintf(&p, "%s/%s", dir, name), 0);
  cw_cli_write_file(p, text);
  free(p);
}

static cw_cli_result migrate(const char *conninfo, const char *dir, const char *extra) {
  char env[600];
  snprintf(env, sizeof env, "CAREEROS_DATABASE_CONNINFO=%s", conninfo);
  const char *e[] = {env, NULL};
  const char *a[] = {"migrate", "--dir", dir, extra, NULL};
  return cw_cli_run(e, a);
}

/* Three migrations; the second inserts a row without any guard, so running
 * it twice would show up as two rows. */
static char *three_file_dir(void) {
  char *d = cw_test_tmpdir("mig");
  put(d, "20260101000000_a.sql", "CREATE TABLE t_a (id int PRIMARY KEY);\nCREATE TABLE t_log (n int);\n");
  put(d, "20260101000001_b.sql", "INSERT INTO t_log VALUES (1);\n-- a comment\nINSERT INTO t_a VALUES (1);\n");
  put(d, "20260102000000_c.sql",
      "CREATE FUNCTION f_c() RETURNS int LANGUAGE sql AS $$ SELECT 42 $$;\n");
  /* Not migrations: ignored. */
  put(d, "README.sql", "THIS IS NOT SQL;\n");
  char sub[512];
  snprintf(sub, sizeof sub, "%s/tests", d);
  mkdir(sub, 0700);
  put(sub, "20260101000000_x.sql", "THIS IS NOT SQL EITHER;\n");
  return d;
}

START_TEST(applies_all_in_order_and_records_checksums) {
  char *ci = scratch_db(), *d = three_file_dir();
  cw_cli_result r = migrate(ci, d, NULL);
  ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
  ck_assert_ptr_nonnull(strstr(r.out, "applied 20260101000000_a.sql\napplied 20260101000001_b.sql\n"
                                      "applied 20260102000000_c.sql\n"));
  ck_assert_ptr_nonnull(strstr(r.out, "3 applied, 0 already applied"));
  PGconn *c = cw_test_connect(ci);
  ck_assert_int_eq(cw_test_scalar_long(c, "SELECT count(*) FROM careeros_meta.schema_migrations"), 3);
  ck_assert_int_eq(cw_test_scalar_long(c, "SELECT f_c()"), 42);
  ck_assert_int_eq(cw_test_scalar_long(c, "SELECT count(*) FROM t_log"), 1);
  char p[512], sha[65];
  snprintf(p, sizeof p, "%s/20260101000001_b.sql", d);
  size_t len;
  char *text = cw_cli_slurp(p, &len);
  ck_assert_int_eq(cw_sha256_hex(text, len, sha), 0);
  char *stored = cw_test_scalar(c, "SELECT sha256 FROM careeros_meta.schema_migrations "
                                   "WHERE name = '20260101000001_b.sql'");
  ck_assert_str_eq(stored, sha);
  char *by = cw_test_scalar(c, "SELECT applied_by FROM careeros_meta.schema_migrations LIMIT 1");
  ck_assert_ptr_nonnull(strstr(by, "@"));
  free(by);
  free(stored);
  free(text);
  PQfinish(c);
  cw_cli_result_free(&r);
  free(d);
  free(ci);
}
END_TEST

START_TEST(second_run_applies_nothing) {
  char *ci = scratch_db(), *d = three_file_dir();
  cw_cli_result r = migrate(ci, d, NULL);
  ck_assert_int_eq(r.code, 0);
  cw_cli_result_free(&r);
  r = migrate(ci, d, NULL);
  ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
  ck_assert_ptr_nonnull(strstr(r.out, "0 applied, 3 already applied"));
  ck_assert_ptr_null(strstr(r.out, "applied 2026"));
  PGconn *c = cw_test_connect(ci);
  ck_assert_int_eq(cw_test_scalar_long(c, "SELECT count(*) FROM t_log"), 1);
  PQfinish(c);
  cw_cli_result_free(&r);
  free(d);
  free(ci);
}
END_TEST

START_TEST(changed_file_is_refused_and_nothing_applied) {
  char *ci = scratch_db(), *d = three_file_dir();
  cw_cli_result r = migrate(ci, d, NULL);
  ck_assert_int_eq(r.code, 0);
  cw_cli_result_free(&r);
  put(d, "20260101000001_b.sql", "INSERT INTO t_log VALUES (2);\n");
  put(d, "20260103000000_d.sql", "CREATE TABLE t_d (x int);\n");
  r = migrate(ci, d, NULL);
  ck_assert_int_eq(r.code, 1);
  ck_assert_msg(strstr(r.err, "20260101000001_b.sql") && strstr(r.err, "refusing"), "stderr: %s", r.err);
  PGconn *c = cw_test_connect(ci);
  /* The pending file behind the refusal was not applied either. */
  ck_assert_ptr_null(cw_test_scalar(c, "SELECT to_regclass('t_d')::text"));
  ck_assert_int_eq(cw_test_scalar_long(c, "SELECT count(*) FROM careeros_meta.schema_migrations"), 3);
  cw_cli_result_free(&r);
  r = migrate(ci, d, "--status");
  ck_assert_int_eq(r.code, 1);
  ck_assert_ptr_nonnull(strstr(r.out, "CHANGED  20260101000001_b.sql"));
  ck_assert_ptr_nonnull(strstr(r.out, "pending  20260103000000_d.sql"));
  ck_assert_ptr_nonnull(strstr(r.out, "applied  20260101000000_a.sql"));
  PQfinish(c);
  cw_cli_result_free(&r);
  free(d);
  free(ci);
}
END_TEST

START_TEST(failing_file_rolls_back_and_names_file_and_line) {
  char *ci = scratch_db(), *d = cw_test_tmpdir("mig");
  put(d, "20260101000000_ok.sql", "CREATE TABLE t_ok (x int);\n");
  put(d, "20260101000001_bad.sql", "CREATE TABLE t_half (x int);\n\nSELECT no_such_column FROM t_half;\n");
  put(d, "20260101000002_later.sql", "CREATE TABLE t_later (x int);\n");
  cw_cli_result r = migrate(ci, d, NULL);
  ck_assert_int_eq(r.code, 1);
  ck_assert_msg(strstr(r.err, "20260101000001_bad.sql:3:") != NULL, "stderr: %s", r.err);
  PGconn *c = cw_test_connect(ci);
  char *ok = cw_test_scalar(c, "SELECT to_regclass('t_ok')::text");
  ck_assert_str_eq(ok, "t_ok");
  free(ok);
  ck_assert_ptr_null(cw_test_scalar(c, "SELECT to_regclass('t_half')::text"));
  ck_assert_ptr_null(cw_test_scalar(c, "SELECT to_regclass('t_later')::text"));
  ck_assert_int_eq(cw_test_scalar_long(c, "SELECT count(*) FROM careeros_meta.schema_migrations"), 1);
  PQfinish(c);
  cw_cli_result_free(&r);
  free(d);
  free(ci);
}
END_TEST

/* Two hosts migrating at once: the first holds the advisory lock through a
 * slow file; the second waits, then finds everything applied. */
START_TEST(concurrent_runs_apply_each_file_once) {
  char *ci = scratch_db(), *d = cw_test_tmpdir("mig");
  put(d, "20260101000000_a.sql", "CREATE TABLE t_log (n int);\n");
  put(d, "20260101000001_slow.sql", "SELECT pg_sleep(1);\nINSERT INTO t_log VALUES (1);\n");
  put(d, "20260101000002_c.sql", "INSERT INTO t_log VALUES (2);\n");
  char env[600];
  snprintf(env, sizeof env, "CAREEROS_DATABASE_CONNINFO=%s", ci);
  const char *e[] = {env, NULL};
  const char *a[] = {"migrate", "--dir", d, NULL};
  char o1[512], e1[512], o2[512], e2[512];
  snprintf(o1, sizeof o1, "%s/out1", d);
  snprintf(e1, sizeof e1, "%s/err1", d);
  snprintf(o2, sizeof o2, "%s/out2", d);
  snprintf(e2, sizeof e2, "%s/err2", d);
  pid_t p1 = cw_cli_spawn(e, a, o1, e1);
  pid_t p2 = cw_cli_spawn(e, a, o2, e2);
  int c1 = cw_cli_wait(p1), c2 = cw_cli_wait(p2);
  char *out1 = cw_cli_slurp(o1, NULL), *out2 = cw_cli_slurp(o2, NULL);
  char *err1 = cw_cli_slurp(e1, NULL), *err2 = cw_cli_slurp(e2, NULL);
  ck_assert_msg(c1 == 0 && c2 == 0, "exits %d %d: %s / %s", c1, c2, err1, err2);
  /* One run applied all three, the other none. */
  bool first = strstr(out1, "3 applied, 0 already") != NULL;
  ck_assert_msg(first ? strstr(out2, "0 applied, 3 already") != NULL
                      : (strstr(out2, "3 applied, 0 already") && strstr(out1, "0 applied, 3 already")),
                "outputs: %s / %s", out1, out2);
  PGconn *c = cw_test_connect(ci);
  ck_assert_int_eq(cw_test_scalar_long(c, "SELECT count(*) FROM t_log"), 2);
  ck_assert_int_eq(cw_test_scalar_long(c, "SELECT count(*) FROM careeros_meta.schema_migrations"), 3);
  PQfinish(c);
  free(out1);
  free(out2);
  free(err1);
  free(err2);
  free(d);
  free(ci);
}
END_TEST

/* The project's layout: DIR/migrations (ordered, immutable) and
 * DIR/definitions (re-applied when changed).  Each definition appends to
 * t_log, so the log shows every time a file was applied. */
static char *layout_dir(void) {
  char *d = cw_test_tmpdir("mig"), sub[512];
  snprintf(sub, sizeof sub, "%s/migrations", d);
  mkdir(sub, 0700);
  snprintf(sub, sizeof sub, "%s/definitions", d);
  mkdir(sub, 0700);
  snprintf(sub, sizeof sub, "%s/definitions/10_functions", d);
  mkdir(sub, 0700);
  snprintf(sub, sizeof sub, "%s/definitions/20_views", d);
  mkdir(sub, 0700);
  put(d, "migrations/20260101000000_base.sql", "CREATE TABLE t_log (what text);\n");
  put(d, "definitions/10_functions/f.sql",
      "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\n"
      "INSERT INTO t_log VALUES ('f1');\n");
  /* a SQL function naming one that a later file defines */
  put(d, "definitions/10_functions/a.sql",
      "CREATE OR REPLACE FUNCTION a() RETURNS int LANGUAGE sql AS $$ SELECT g() $$;\n"
      "INSERT INTO t_log VALUES ('a');\n");
  put(d, "definitions/10_functions/g.sql",
      "CREATE OR REPLACE FUNCTION g() RETURNS int LANGUAGE sql AS $$ SELECT 7 $$;\n"
      "INSERT INTO t_log VALUES ('g');\n");
  put(d, "definitions/20_views/v.sql",
      "CREATE OR REPLACE VIEW v AS SELECT f() AS x;\nINSERT INTO t_log VALUES ('v');\n");
  return d;
}

static char *log_of(PGconn *c) {
  return cw_test_scalar(c, "SELECT string_agg(what, ',' ORDER BY ctid) FROM t_log");
}

START_TEST(definitions_follow_migrations_in_path_order_and_rerun_when_changed) {
  char *ci = scratch_db(), *d = layout_dir();
  cw_cli_result r = migrate(ci, d, NULL);
  ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
  ck_assert_ptr_nonnull(strstr(r.out, "applied 20260101000000_base.sql\ndefined 10_functions/a.sql\n"
                                      "defined 10_functions/f.sql\ndefined 10_functions/g.sql\n"
                                      "defined 20_views/v.sql\n"));
  ck_assert_ptr_nonnull(strstr(r.out, "migrations: 1 applied, 0 already applied; definitions: 4 applied, 0 unchanged"));
  cw_cli_result_free(&r);
  PGconn *c = cw_test_connect(ci);
  char *log = log_of(c);
  ck_assert_str_eq(log, "a,f1,g,v");
  free(log);
  ck_assert_int_eq(cw_test_scalar_long(c, "SELECT a() + (SELECT x FROM v)"), 8);
  char p[512], sha[65];
  snprintf(p, sizeof p, "%s/definitions/20_views/v.sql", d);
  size_t len;
  char *text = cw_cli_slurp(p, &len);
  ck_assert_int_eq(cw_sha256_hex(text, len, sha), 0);
  char *stored = cw_test_scalar(c, "SELECT sha256 FROM careeros_meta.schema_definitions WHERE name = '20_views/v.sql'");
  ck_assert_str_eq(stored, sha);
  free(stored);
  free(text);

  /* unchanged: nothing runs again */
  r = migrate(ci, d, NULL);
  ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
  ck_assert_ptr_nonnull(strstr(r.out, "migrations: 0 applied, 1 already applied; definitions: 0 applied, 4 unchanged"));
  cw_cli_result_free(&r);
  log = log_of(c);
  ck_assert_str_eq(log, "a,f1,g,v");
  free(log);

  /* one file changed: only that one runs, and the database has its new text */
  put(d, "definitions/10_functions/f.sql",
      "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 2 $$;\n"
      "INSERT INTO t_log VALUES ('f2');\n");
  r = migrate(ci, d, "--status");
  ck_assert_int_eq(r.code, 0);
  ck_assert_ptr_nonnull(strstr(r.out, "changed  10_functions/f.sql"));
  ck_assert_ptr_nonnull(strstr(r.out, "current  10_functions/g.sql"));
  ck_assert_ptr_nonnull(strstr(r.out, "4 definitions: 3 current, 1 to apply (0 new, 1 changed)"));
  cw_cli_result_free(&r);
  r = migrate(ci, d, NULL);
  ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
  ck_assert_ptr_nonnull(strstr(r.out, "defined 10_functions/f.sql\nmigrations: 0 applied, 1 already applied; "
                                      "definitions: 1 applied, 3 unchanged"));
  cw_cli_result_free(&r);
  log = log_of(c);
  ck_assert_str_eq(log, "a,f1,g,v,f2");
  free(log);
  ck_assert_int_eq(cw_test_scalar_long(c, "SELECT x FROM v"), 2);

  /* a new migration may drop what definitions attach to: all run again */
  put(d, "migrations/20260102000000_more.sql", "DROP VIEW v;\n");
  r = migrate(ci, d, NULL);
  ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
  ck_assert_ptr_nonnull(strstr(r.out, "migrations: 1 applied, 1 already applied; definitions: 4 applied, 0 unchanged"));
  cw_cli_result_free(&r);
  log = log_of(c);
  ck_assert_str_eq(log, "a,f1,g,v,f2,a,f2,g,v");
  free(log);
  ck_assert_int_eq(cw_test_scalar_long(c, "SELECT x FROM v"), 2);
  PQfinish(c);
  free(d);
  free(ci);
}
END_TEST

/* A failing definition undoes every definition of that run (they are one
 * transaction), names the file and line, and keeps the recorded checksums,
 * so the next run tries the same files again. */
START_TEST(failing_definition_rolls_back_all_definitions_of_the_run) {
  char *ci = scratch_db(), *d = layout_dir();
  cw_cli_result r = migrate(ci, d, NULL);
  ck_assert_int_eq(r.code, 0);
  cw_cli_result_free(&r);
  put(d, "definitions/10_functions/f.sql",
      "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 3 $$;\n"
      "INSERT INTO t_log VALUES ('f3');\n");
  put(d, "definitions/20_views/v.sql", "INSERT INTO t_log VALUES ('v2');\n\nSELECT no_such_column FROM t_log;\n");
  r = migrate(ci, d, NULL);
  ck_assert_int_eq(r.code, 1);
  ck_assert_msg(strstr(r.err, "20_views/v.sql:3:") != NULL, "stderr: %s", r.err);
  cw_cli_result_free(&r);
  PGconn *c = cw_test_connect(ci);
  char *log = log_of(c);
  ck_assert_str_eq(log, "a,f1,g,v");
  free(log);
  ck_assert_int_eq(cw_test_scalar_long(c, "SELECT f()"), 1);
  r = migrate(ci, d, "--status");
  ck_assert_ptr_nonnull(strstr(r.out, "changed  10_functions/f.sql"));
  ck_assert_ptr_nonnull(strstr(r.out, "changed  20_views/v.sql"));
  cw_cli_result_free(&r);
  PQfinish(c);
  free(d);
  free(ci);
}
END_TEST

/* The project's own migrations apply to an empty PostgreSQL 15 database,
 * and a second run is a no-op. */
START_TEST(project_sql_applies_to_empty_database) {
  char *ci = scratch_db();
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/sql", cw_test_source_root());
  cw_cli_result r = migrate(ci, dir, NULL);
  ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
  cw_cli_result_free(&r);
  r = migrate(ci, dir, NULL);
  ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
  ck_assert_ptr_nonnull(strstr(r.out, "migrations: 0 applied,"));
  ck_assert_ptr_nonnull(strstr(r.out, "definitions: 0 applied,"));
  cw_cli_result_free(&r);
  r = migrate(ci, dir, "--status");
  ck_assert_int_eq(r.code, 0);
  ck_assert_ptr_nonnull(strstr(r.out, " 0 pending, 0 changed"));
  ck_assert_ptr_nonnull(strstr(r.out, " 0 to apply (0 new, 0 changed); 0 applied without a file"));
  cw_cli_result_free(&r);
  free(ci);
}
END_TEST

START_TEST(missing_dir_and_bad_connection_fail) {
  char *ci = scratch_db();
  cw_cli_result r = migrate(ci, "/nonexistent/sql", NULL);
  ck_assert_int_eq(r.code, 1);
  ck_assert_ptr_nonnull(strstr(r.err, "/nonexistent/sql"));
  cw_cli_result_free(&r);
  r = migrate("host=127.0.0.1 port=1 dbname=x connect_timeout=2", "/tmp", NULL);
  ck_assert_int_eq(r.code, 1);
  ck_assert_ptr_nonnull(strstr(r.err, "cannot connect"));
  cw_cli_result_free(&r);
  free(ci);
}
END_TEST

int main(int argc, char **argv) {
  cw_cli_set_binary(argc, argv);
  Suite *s = suite_create("migrate");
  TCase *tc = tcase_create("migrate");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, applies_all_in_order_and_records_checksums);
  tcase_add_test(tc, second_run_applies_nothing);
  tcase_add_test(tc, changed_file_is_refused_and_nothing_applied);
  tcase_add_test(tc, failing_file_rolls_back_and_names_file_and_line);
  tcase_add_test(tc, concurrent_runs_apply_each_file_once);
  tcase_add_test(tc, definitions_follow_migrations_in_path_order_and_rerun_when_changed);
  tcase_add_test(tc, failing_definition_rolls_back_all_definitions_of_the_run);
  tcase_add_test(tc, project_sql_applies_to_empty_database);
  tcase_add_test(tc, missing_dir_and_bad_connection_fail);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
