#include "testlib.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what, const char *detail) {
  fprintf(stderr, "testlib: %s: %s\n", what, detail ? detail : "");
  abort();
}

static char *base_conninfo(const char *dbname) {
  const char *host = getenv("PGHOST"), *port = getenv("PGPORT"), *user = getenv("PGUSER");
  if (!host || !*host)
    die("PGHOST is not set", "run the suite through scripts/test, which starts PostgreSQL");
  char *s;
  if (asprintf(&s, "host=%s port=%s user=%s dbname=%s", host, port ? port : "5432",
               user ? user : "postgres", dbname) < 0)
    die("asprintf", NULL);
  return s;
}

static void quiet(void *arg, const char *message) {
  (void)arg;
  (void)message;
}

PGconn *cw_test_connect(const char *conninfo) {
  PGconn *c = PQconnectdb(conninfo);
  if (PQstatus(c) != CONNECTION_OK)
    die("connect", PQerrorMessage(c));
  PQsetNoticeProcessor(c, quiet, NULL); /* NULL would keep libpq's printer */
  return c;
}

void cw_test_exec(PGconn *c, const char *sql) {
  PGresult *r = PQexec(c, sql);
  ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    fprintf(stderr, "testlib: SQL failed: %s\n%s\n", sql, PQerrorMessage(c));
    abort();
  }
  PQclear(r);
}

char *cw_test_scalar(PGconn *c, const char *sql) {
  PGresult *r = PQexec(c, sql);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    fprintf(stderr, "testlib: SQL failed: %s\n%s\n", sql, PQerrorMessage(c));
    abort();
  }
  char *v = NULL;
  if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
    v = strdup(PQgetvalue(r, 0, 0));
  PQclear(r);
  return v;
}

long cw_test_scalar_long(PGconn *c, const char *sql) {
  char *v = cw_test_scalar(c, sql);
  long n = v ? strtol(v, NULL, 10) : -1;
  free(v);
  return n;
}

char *cw_test_fresh_db(const char *prefix) {
  static unsigned seq;
  const char *tmpl = getenv("CW_TEST_TEMPLATE");
  if (!tmpl || !*tmpl)
    tmpl = "cw_template";
  char name[64];
  snprintf(name, sizeof name, "%s_%d_%u", prefix, (int)getpid(), seq++);
  char *admin = base_conninfo("postgres");
  PGconn *c = cw_test_connect(admin);
  free(admin);
  char sql[256];
  snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", name);
  cw_test_exec(c, sql);
  /* CREATE DATABASE ... TEMPLATE fails while anyone is connected to the
   * template; retry briefly in case another suite is cloning it now. */
  snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE %s", name, tmpl);
  for (int i = 0;; i++) {
    PGresult *r = PQexec(c, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (ok)
      break;
    if (i == 100)
      die("create database", PQerrorMessage(c));
    usleep(50000 + (useconds_t)(rand() % 50000));
  }
  PQfinish(c);
  return base_conninfo(name);
}

const char *cw_test_source_root(void) {
  const char *s = getenv("CW_SOURCE_ROOT");
  return s ? s : ".";
}

const char *cw_test_build_root(void) {
  const char *s = getenv("CW_BUILD_ROOT");
  return s ? s : ".";
}

char *cw_test_tmpdir(const char *prefix) {
  char *t;
  const char *base = getenv("TMPDIR");
  if (!base || !*base)
    base = "/tmp";
  if (asprintf(&t, "%s/cwtest-%s-XXXXXX", base, prefix) < 0 || !mkdtemp(t))
    die("mkdtemp", strerror(errno));
  return t;
}

bool cw_test_wait(bool (*pred)(void *), void *arg, int timeout_ms) {
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    if (pred(arg))
      return true;
    clock_gettime(CLOCK_MONOTONIC, &t);
    long el = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
    if (el > timeout_ms)
      return pred(arg);
    usleep(20000);
  }
}
