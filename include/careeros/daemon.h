/* The daemon: one libuv loop that claims jobs from Postgres and runs them
 * through the pipeline until SIGTERM/SIGINT.  SIGHUP reloads what can be
 * reloaded (log level, concurrency, poll interval) from config_path. */
#ifndef CAREEROS_DAEMON_H
#define CAREEROS_DAEMON_H

#include "careeros/config.h"

/* Runs until a stop signal and a clean drain; returns 0 on a clean exit, a
 * negative errno on a startup failure (already reported on stderr). */
int cw_daemon_run(cw_config *cfg);

#endif
