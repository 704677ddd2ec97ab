/* `status [--json]`: a read-only snapshot of the queue for operators:
 * depth by status and stage, the oldest pending job, leases in flight and
 * the most recent failures (last entry of processing_errors). */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careeros/cli.h"

static const char depth_sql[] =
    "SELECT processing_status, coalesce(current_stage, ''), count(*) "
    "FROM public.resume_versions GROUP BY 1, 2 ORDER BY 1, 2";

/* Pending jobs split into ready ones and ones waiting for their backoff. */
static const char pending_sql[] =
    "SELECT count(*) FILTER (WHERE run_after <= now()), count(*) FILTER (WHERE run_after > now()), "
    "       coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8, "
    "       (SELECT id::text FROM public.resume_versions WHERE processing_status = 'pending' "
    "         ORDER BY created_at, id LIMIT 1) "
    "FROM public.resume_versions WHERE processing_status = 'pending'";

static const char leases_sql[] =
    "SELECT id::text, coalesce(locked_by, ''), coalesce(current_stage, ''), attempts, "
    "       to_char(lease_expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
    "       coalesce(extract(epoch FROM lease_expires_at - now()), 0)::float8 "
    "FROM public.resume_versions WHERE processing_status = 'processing' "
    "ORDER BY lease_expires_at NULLS FIRST, id LIMIT 100";

/* The last error is what failed the job; when that is MAX_ATTEMPTS the one
 * before it says what kept going wrong, so both are shown. */
static const char failures_sql[] =
    "SELECT rv.id::text, coalesce(e ->> 'stage', ''), coalesce(e ->> 'code', ''), "
    "       coalesce(e ->> 'message', ''), coalesce(e ->> 'at', to_char(rv.updated_at AT TIME ZONE 'UTC', "
    "       'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')), rv.attempts, coalesce(prev ->> 'code', '') "
    "FROM public.resume_versions rv, "
    "     LATERAL (SELECT rv.processing_errors -> -1 AS e, rv.processing_errors -> -2 AS prev) x "
    "WHERE rv.processing_status = 'failed' "
    "ORDER BY rv.updated_at DESC, rv.id LIMIT $1";

static const char failed_by_code_sql[] =
    "SELECT coalesce(processing_errors -> -1 ->> 'code', '(none)'), count(*) "
    "FROM public.resume_versions WHERE processing_status = 'failed' GROUP BY 1 ORDER BY 2 DESC, 1";

static PGresult *run(PGconn *conn, const char *sql, int n, const char *const *p) {
  PGresult *r = PQexecParams(conn, sql, n, NULL, p, NULL, NULL, 0);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    cw_cli_pg_error("status", conn, r);
    PQclear(r);
    return NULL;
  }
  return r;
}

static void print_age(double s) {
  if (s < 120)
    printf("%.1fs", s);
  else if (s < 7200)
    printf("%.1fmin", s / 60);
  else if (s < 172800)
    printf("%.1fh", s / 3600);
  else
    printf("%.1fd", s / 86400);
}

static void text_report(PGresult *depth, PGresult *pend, PGresult *leases, PGresult *fails,
                        PGresult *bycode) {
  long total = 0;
  printf("queue depth (status / stage):\n");
  for (int i = 0; i < PQntuples(depth); i++) {
    printf("  %-11s %-9s %8s\n", PQgetvalue(depth, i, 0), PQgetvalue(depth, i, 1), PQgetvalue(depth, i, 2));
    total += strtol(PQgetvalue(depth, i, 2), NULL, 10);
  }
  printf("  %-21s %8ld\n", "total", total);
  printf("pending: %s ready, %s waiting for retry", PQgetvalue(pend, 0, 0), PQgetvalue(pend, 0, 1));
  if (!PQgetisnull(pend, 0, 3)) {
    printf("; oldest ");
    print_age(strtod(PQgetvalue(pend, 0, 2), NULL));
    printf(" (%s)", PQgetvalue(pend, 0, 3));
  }
  printf("\n");
  printf("in flight: %d\n", PQntuples(leases));
  if (PQntuples(leases) > 0)
    printf("  %-36s  %-24s %-8s %3s  %s\n", "id", "locked_by", "stage", "try", "lease expires");
  for (int i = 0; i < PQntuples(leases); i++) {
    double left = strtod(PQgetvalue(leases, i, 5), NULL);
    printf("  %-36s  %-24s %-8s %3s  %s (%s%.1fs)\n", PQgetvalue(leases, i, 0), PQgetvalue(leases, i, 1),
           PQgetvalue(leases, i, 2), PQgetvalue(leases, i, 3), PQgetvalue(leases, i, 4),
           left < 0 ? "EXPIRED " : "in ", left < 0 ? -left : left);
  }
  printf("failed by last error code:%s\n", PQntuples(bycode) ? "" : " none");
  for (int i = 0; i < PQntuples(bycode); i++)
    printf("  %-24s %8s\n", PQgetvalue(bycode, i, 0), PQgetvalue(bycode, i, 1));
  if (PQntuples(fails) > 0) {
    printf("recent failures:\n");
    for (int i = 0; i < PQntuples(fails); i++) {
      const char *prev = PQgetvalue(fails, i, 6);
      bool show_prev = strcmp(PQgetvalue(fails, i, 2), "MAX_ATTEMPTS") == 0 && *prev;
      printf("  %s  %s  %s/%s%s%s%s  attempts=%s  %s\n", PQgetvalue(fails, i, 0), PQgetvalue(fails, i, 4),
             PQgetvalue(fails, i, 1), PQgetvalue(fails, i, 2), show_prev ? " (after " : "",
             show_prev ? prev : "", show_prev ? ")" : "", PQgetvalue(fails, i, 5), PQgetvalue(fails, i, 3));
    }
  }
}

static json_t *jnum(const char *s) { return json_integer(strtoll(s, NULL, 10)); }

static void json_report(PGresult *depth, PGresult *pend, PGresult *leases, PGresult *fails,
                        PGresult *bycode) {
  json_t *root = json_object();
  json_t *d = json_array();
  long total = 0;
  for (int i = 0; i < PQntuples(depth); i++) {
    json_array_append_new(d, json_pack("{s:s, s:s, s:o}", "status", PQgetvalue(depth, i, 0), "stage",
                                       PQgetvalue(depth, i, 1), "count", jnum(PQgetvalue(depth, i, 2))));
    total += strtol(PQgetvalue(depth, i, 2), NULL, 10);
  }
  json_object_set_new(root, "depth", d);
  json_object_set_new(root, "total", json_integer(total));
  json_object_set_new(root, "pending",
                      json_pack("{s:o, s:o, s:o, s:o}", "ready", jnum(PQgetvalue(pend, 0, 0)), "waiting_retry",
                                jnum(PQgetvalue(pend, 0, 1)), "oldest_age_seconds",
                                PQgetisnull(pend, 0, 3) ? json_null() : json_real(strtod(PQgetvalue(pend, 0, 2), NULL)),
                                "oldest_id", PQgetisnull(pend, 0, 3) ? json_null() : json_string(PQgetvalue(pend, 0, 3))));
  json_t *l = json_array();
  for (int i = 0; i < PQntuples(leases); i++)
    json_array_append_new(
        l, json_pack("{s:s, s:s, s:s, s:o, s:o, s:f}", "id", PQgetvalue(leases, i, 0), "locked_by",
                     PQgetvalue(leases, i, 1), "stage", PQgetvalue(leases, i, 2), "attempts",
                     jnum(PQgetvalue(leases, i, 3)), "lease_expires_at",
                     PQgetisnull(leases, i, 4) ? json_null() : json_string(PQgetvalue(leases, i, 4)),
                     "lease_seconds_left", strtod(PQgetvalue(leases, i, 5), NULL)));
  json_object_set_new(root, "in_flight", l);
  json_t *bc = json_object();
  for (int i = 0; i < PQntuples(bycode); i++)
    json_object_set_new(bc, PQgetvalue(bycode, i, 0), jnum(PQgetvalue(bycode, i, 1)));
  json_object_set_new(root, "failed_by_code", bc);
  json_t *f = json_array();
  for (int i = 0; i < PQntuples(fails); i++) {
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "id", PQgetvalue(fails, i, 0), "stage",
                          PQgetvalue(fails, i, 1), "code", PQgetvalue(fails, i, 2), "message",
                          PQgetvalue(fails, i, 3), "at", PQgetvalue(fails, i, 4), "attempts",
                          jnum(PQgetvalue(fails, i, 5)));
    if (*PQgetvalue(fails, i, 6))
      json_object_set_new(o, "previous_code", json_string(PQgetvalue(fails, i, 6)));
    json_array_append_new(f, o);
  }
  json_object_set_new(root, "recent_failures", f);
  json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  fputc('\n', stdout);
  json_decref(root);
}

int cw_cmd_status(const cw_cli_ctx *ctx, int argc, char **argv) {
  static const struct option opts[] = {
      {"json", no_argument, NULL, 'j'},
      {"failures", required_argument, NULL, 'f'},
      {NULL, 0, NULL, 0},
  };
  bool as_json = false;
  long nfail = 10;
  int c;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    char *end;
    switch (c) {
    case 'j': as_json = true; break;
    case 'f':
      errno = 0;
      nfail = strtol(optarg, &end, 10);
      if (errno || end == optarg || *end || nfail < 0 || nfail > 10000) {
        fprintf(stderr, "careeros-worker status: --failures: '%s' is not a count in [0, 10000]\n", optarg);
        return CW_EXIT_USAGE;
      }
      break;
    default:
      return cw_cli_bad_option(argv[0], argv);
    }
  }
  if (optind < argc) {
    fprintf(stderr, "careeros-worker status: unexpected argument '%s'\n", argv[optind]);
    return CW_EXIT_USAGE;
  }
  int rc;
  PGconn *conn = cw_cli_open_db(ctx, &rc);
  if (!conn)
    return rc;
  /* One snapshot, so that the numbers add up with each other. */
  PGresult *begin = PQexec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  PQclear(begin);
  char lim[24];
  snprintf(lim, sizeof lim, "%ld", nfail);
  const char *p[1] = {lim};
  PGresult *depth = run(conn, depth_sql, 0, NULL);
  PGresult *pend = depth ? run(conn, pending_sql, 0, NULL) : NULL;
  PGresult *leases = pend ? run(conn, leases_sql, 0, NULL) : NULL;
  PGresult *fails = leases ? run(conn, failures_sql, 1, p) : NULL;
  PGresult *bycode = fails ? run(conn, failed_by_code_sql, 0, NULL) : NULL;
  rc = CW_EXIT_FAILURE;
  if (bycode) {
    if (as_json)
      json_report(depth, pend, leases, fails, bycode);
    else
      text_report(depth, pend, leases, fails, bycode);
    rc = CW_EXIT_OK;
  }
  PQclear(depth);
  PQclear(pend);
  PQclear(leases);
  PQclear(fails);
  PQclear(bycode);
  PQclear(PQexec(conn, "COMMIT"));
  PQfinish(conn);
  return rc;
}
