/* `requeue [ID...] [--code CODE] [--all-failed]`: failed versions back to
 * pending through queue.requeue(), which keeps completed stages (the job
 * resumes where it failed) and sends the NOTIFY.  Without any selector the
 * command refuses, so that a bare `requeue` never requeues everything. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careeros/cli.h"
#include "careeros/errors.h"

int cw_cmd_requeue(const cw_cli_ctx *ctx, int argc, char **argv) {
  static const struct option opts[] = {
      {"code", required_argument, NULL, 'c'},
      {"all-failed", no_argument, NULL, 'a'},
      {NULL, 0, NULL, 0},
  };
  const char *code = NULL;
  bool all = false;
  int c;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == 'c')
      code = optarg;
    else if (c == 'a')
      all = true;
    else
      return cw_cli_bad_option(argv[0], argv);
  }
  int nids = argc - optind;
  if (!all && !code && nids == 0) {
    fprintf(stderr, "careeros-worker requeue: name version ids, --code CODE or --all-failed\n");
    return CW_EXIT_USAGE;
  }
  if (all && (code || nids)) {
    fprintf(stderr, "careeros-worker requeue: --all-failed excludes ids and --code\n");
    return CW_EXIT_USAGE;
  }
  if (code && cw_error_from_name(code) < 0) {
    fprintf(stderr, "careeros-worker requeue: --code: '%s' is not in the error catalogue\n", code);
    return CW_EXIT_USAGE;
  }
  /* A uuid[] literal "{a,b}"; every id was checked, so nothing needs quoting. */
  char *ids = NULL;
  if (nids) {
    ids = malloc((size_t)nids * 37 + 3);
    if (!ids)
      return CW_EXIT_FAILURE;
    char *p = ids;
    *p++ = '{';
    for (int i = 0; i < nids; i++) {
      const char *id = argv[optind + i];
      if (!cw_cli_is_uuid(id)) {
        fprintf(stderr, "careeros-worker requeue: '%s' is not a version id (UUID)\n", id);
        free(ids);
        return CW_EXIT_USAGE;
      }
      p += sprintf(p, "%s%s", i ? "," : "", id);
    }
    *p++ = '}';
    *p = 0;
  }
  int rc;
  PGconn *conn = cw_cli_open_db(ctx, &rc);
  if (!conn) {
    free(ids);
    return rc;
  }
  const char *params[2] = {ids, code};
  PGresult *r = PQexecParams(conn, "SELECT queue.requeue($1::uuid[], $2::text)", 2, NULL, params, NULL, NULL, 0);
  rc = CW_EXIT_FAILURE;
  if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
    printf("%s\n", PQgetvalue(r, 0, 0));
    rc = CW_EXIT_OK;
  } else {
    cw_cli_pg_error("requeue", conn, r);
  }
  PQclear(r);
  PQfinish(conn);
  free(ids);
  return rc;
}
