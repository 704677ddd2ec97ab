/* Asynchronous Postgres on the loop: one LISTEN connection and a small pool
 * of query connections, all libpq in non-blocking mode on uv_poll.
 *
 * Lost connections reconnect with exponential backoff and jitter.  A query
 * whose connection dies fails with -ECONNRESET; it is never re-sent behind
 * the caller's back, because the caller alone knows whether that is safe. */
#ifndef CAREEROS_DB_H
#define CAREEROS_DB_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <uv.h>

#include "careeros/config.h"

typedef struct cw_db cw_db;

typedef struct {
  /* A notification on the LISTEN channel arrived. */
  void (*on_notify)(void *arg, const char *channel, const char *payload);
  /* The LISTEN connection is (re)established and listening: notifications
   * sent while it was down are lost, so the owner should claim until empty. */
  void (*on_listening)(void *arg);
  /* Connection health changed (for readiness, watchdog and metrics). */
  void (*on_health)(void *arg, bool db_up, bool listening);
  void *arg;
} cw_db_events;

/* status: 0 and a result (PGRES_TUPLES_OK or PGRES_COMMAND_OK), or a
 * negative errno with res == NULL and a message (connection lost, or
 * -EIO for an SQL error, then msg is the server's message).  The result is
 * freed after the callback returns. */
typedef void (*cw_db_cb)(void *arg, int status, const PGresult *res, const char *msg);

int cw_db_new(uv_loop_t *loop, const cw_config *cfg, const char *channel, const cw_db_events *ev,
              cw_db **out);
/* Starts connecting (returns at once). */
int cw_db_start(cw_db *db);
/* Queues a parameterized query (text parameters); it runs on the next free
 * connection.  Parameters are copied. */
int cw_db_query(cw_db *db, const char *sql, int nparams, const char *const *params, cw_db_cb cb,
                void *arg);
/* The same, ahead of everything queued: for heartbeats, which must not
 * wait behind a backlog of stage commits while leases run out. */
int cw_db_query_first(cw_db *db, const char *sql, int nparams, const char *const *params,
                      cw_db_cb cb, void *arg);
bool cw_db_is_up(const cw_db *db);
bool cw_db_is_listening(const cw_db *db);
/* Number of queries queued or running. */
int cw_db_pending(const cw_db *db);
/* Fails every queued query with -ECANCELED, closes the connections; close_cb
 * runs once every handle is closed. */
void cw_db_close(cw_db *db, void (*close_cb)(void *), void *arg);

/* Builds libpq keyword/value arrays from a conninfo string plus an optional
 * password, never putting the password into a string that could be logged.
 * Exposed for the CLI commands, which connect synchronously. */
PGconn *cw_db_connect_blocking(const cw_config *cfg);

#endif
