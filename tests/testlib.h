/* Helpers shared by the Check suites: real Postgres databases cloned from
 * the migrated template, paths into the source and build trees. */
#ifndef CW_TESTLIB_H
#define CW_TESTLIB_H

#include <libpq-fe.h>
#include <stdbool.h>

/* Creates a new database from the template that the test command migrated
 * (env CW_TEST_TEMPLATE, default "cw_template") and returns its conninfo
 * (static buffer per call site is NOT used: the string is malloc'd).  Aborts
 * the test run when PGHOST is unset: these suites need a real server. */
char *cw_test_fresh_db(const char *prefix);

/* A superuser connection to the given conninfo; aborts on failure. */
PGconn *cw_test_connect(const char *conninfo);

/* Runs SQL with no parameters and returns the first value of the first row
 * as a malloc'd string (NULL for SQL NULL or no rows); aborts on error. */
char *cw_test_scalar(PGconn *c, const char *sql);
long cw_test_scalar_long(PGconn *c, const char *sql);
void cw_test_exec(PGconn *c, const char *sql);

/* Paths: env CW_SOURCE_ROOT / CW_BUILD_ROOT set by tests/meson.build. */
const char *cw_test_source_root(void);
const char *cw_test_build_root(void);

/* A fresh temporary directory (removed by the caller if wanted). */
char *cw_test_tmpdir(const char *prefix);

/* Waits until pred(arg) is true or timeout_ms passes; returns the predicate. */
bool cw_test_wait(bool (*pred)(void *), void *arg, int timeout_ms);

#endif
