/* The command-line front end: `careeros-worker [--config FILE] COMMAND ...`.
 *
 * main.c parses the global options and hands the rest to cw_cli_dispatch(),
 * which looks the command up in one table (name, handler, summary, usage).
 * The commands other than `run` are short-lived administration tools: they
 * use blocking libpq, which is fine because they are not on the daemon's
 * event loop. */
#ifndef CAREEROS_CLI_H
#define CAREEROS_CLI_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>

#include "careeros/config.h"

/* Process exit codes (documented in README.md, section CLI). */
enum cw_exit {
  CW_EXIT_OK = 0,       /* success */
  CW_EXIT_FAILURE = 1,  /* runtime failure: database, file, refused migration, ... */
  CW_EXIT_USAGE = 2,    /* bad command line */
  CW_EXIT_CONFIG = 3,   /* bad configuration (every problem reported as file:line: key: reason) */
  CW_EXIT_NOT_FOUND = 4, /* export: no such version, or nothing parsed for it yet */
};

/* What the global options decided, shared by every command. */
typedef struct {
  const char *config_path; /* explicit --config or $CAREEROS_CONFIG; NULL: default lookup */
  const char *argv0;
} cw_cli_ctx;

/* Runs COMMAND with argv[0] == the command name.  Returns an exit code. */
int cw_cli_dispatch(const cw_cli_ctx *ctx, int argc, char **argv);

/* Prints the global usage with the list of commands. */
void cw_cli_usage(FILE *f);

/* Loads the configuration the global options designate (explicit file,
 * $CAREEROS_CONFIG, or CW_SYSCONFDIR/careeros-worker.ini when it exists).
 * Returns CW_EXIT_OK or CW_EXIT_CONFIG (problems already on stderr). */
int cw_cli_load_config(const cw_cli_ctx *ctx, cw_config *cfg);

/* Blocking connection from database.conninfo; the password from
 * database.password_file travels as its own keyword, never inside a
 * conninfo string.  On failure prints the libpq message and returns NULL. */
PGconn *cw_cli_connect(const cw_config *cfg);

/* Both of the above, for the commands that only need the database: the
 * connection, or NULL with *rc set to the exit code. */
PGconn *cw_cli_open_db(const cw_cli_ctx *ctx, int *rc);

/* Prints "careeros-worker: <what>: <libpq message>" for a failed result. */
void cw_cli_pg_error(const char *what, PGconn *conn, const PGresult *res);

/* True for the canonical 8-4-4-4-12 hex form. */
bool cw_cli_is_uuid(const char *s);

/* Reports the option getopt_long just refused; returns CW_EXIT_USAGE. */
int cw_cli_bad_option(const char *cmd, char **argv);

/* Subcommands: argv[0] is the command name, getopt-style parsing from 1. */
int cw_cmd_run(const cw_cli_ctx *ctx, int argc, char **argv);
int cw_cmd_check_config(const cw_cli_ctx *ctx, int argc, char **argv);
int cw_cmd_migrate(const cw_cli_ctx *ctx, int argc, char **argv);
int cw_cmd_enqueue(const cw_cli_ctx *ctx, int argc, char **argv);
int cw_cmd_status(const cw_cli_ctx *ctx, int argc, char **argv);
int cw_cmd_requeue(const cw_cli_ctx *ctx, int argc, char **argv);
int cw_cmd_export(const cw_cli_ctx *ctx, int argc, char **argv);

#endif
