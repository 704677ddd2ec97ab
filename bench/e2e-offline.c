/* End to end, offline provider: N text resumes through upload (local
 * storage, size and sha256 check, text extraction), parse, enrich and
 * complete (the merge) with one worker process.
 *
 *   e2e-offline [--resumes N] [--concurrency N] [--batch N] [--pool N]
 *               [--per-user N] [--files DIR] [--pgdir DIR | --conninfo STR]
 *               [--log FILE]
 *
 * The resumes are synthetic and all different (bench_write_resume), or the
 * files of --files DIR, cycled.  They are enqueued before the worker starts;
 * the rate is measured with the server's timestamps from the first claim to
 * the last completion.  CPU share: utime+stime of the worker (and its
 * extraction children) against the sum over the postmaster and all its
 * children, both read from /proc before and after. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "benchlib.h"

int main(int argc, char **argv) {
  bench_set_argv(argc, argv);
  int n = 1000, concurrency = 16, batch = 64, pool = 4, per_user = 2;
  const char *log = NULL, *files_dir = NULL;
  bench_pg pg = {0};
  static const struct option opts[] = {
      {"resumes", required_argument, NULL, 'n'}, {"concurrency", required_argument, NULL, 'c'},
      {"batch", required_argument, NULL, 'b'},   {"pool", required_argument, NULL, 'p'},
      {"files", required_argument, NULL, 'f'},   {"pgdir", required_argument, NULL, 'd'},
      {"conninfo", required_argument, NULL, 'C'}, {"log", required_argument, NULL, 'l'},
      {"per-user", required_argument, NULL, 'u'}, {NULL, 0, NULL, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case 'n': n = atoi(optarg); break;
    case 'c': concurrency = atoi(optarg); break;
    case 'b': batch = atoi(optarg); break;
    case 'p': pool = atoi(optarg); break;
    case 'f': files_dir = optarg; break;
    case 'd': pg.pgdir = optarg; break;
    case 'C': pg.conninfo = optarg; break;
    case 'l': log = optarg; break;
    case 'u': per_user = atoi(optarg) > 0 ? atoi(optarg) : 1; break;
    default:
      fprintf(stderr, "usage: %s [--resumes N] [--concurrency N] [--batch N] [--pool N] "
                      "[--per-user N] [--files DIR] [--pgdir DIR | --conninfo STR] [--log FILE]\n", argv[0]);
      return 2;
    }
  }
  pg.dbname = "careeros_bench_e2e";
  bench_pg_setup(&pg);

  char work[600], root[600], in[600];
  bench_workdir("/tmp/cw-bench-e2e", work, root, in);

  /* The inputs: synthetic, or copies of --files cycled. */
  char **given = NULL;
  int ngiven = 0;
  if (files_dir) {
    DIR *d = opendir(files_dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
      if (e->d_name[0] == '.')
        continue;
      given = realloc(given, (size_t)(ngiven + 1) * sizeof *given);
      given[ngiven] = malloc(strlen(files_dir) + strlen(e->d_name) + 2);
      sprintf(given[ngiven++], "%s/%s", files_dir, e->d_name);
    }
    if (d)
      closedir(d);
    if (ngiven == 0)
      bench_die("no files in %s", files_dir);
  }
  char **files = calloc((size_t)n, sizeof *files);
  long bytes = 0;
  for (int i = 0; i < n; i++) {
    files[i] = malloc(700);
    if (given) {
      const char *src = given[i % ngiven];
      const char *base = strrchr(src, '/') + 1;
      snprintf(files[i], 700, "%s/%05d-%s", in, i, base);
      char cmd[1600];
      snprintf(cmd, sizeof cmd, "cp '%s' '%s'", src, files[i]);
      if (system(cmd) != 0)
        bench_die("%s failed", cmd);
      struct stat st;
      stat(files[i], &st);
      bytes += st.st_size;
    } else {
      snprintf(files[i], 700, "%s/resume-%05d.txt", in, i);
      bytes += bench_write_resume(files[i], (unsigned)i + 1);
    }
  }
  /* Every user uploads --per-user versions: the merge compares a version
   * with its user's earlier ones, so one user with all N would measure
   * something no user does. */
  PGconn *db = bench_connect(pg.admin);
  double t = bench_now();
  bench_enqueue_spread(&pg, root, files, n, per_user);
  fprintf(stderr, "enqueued %d resumes, %d per user, in %.1f s\n", n, per_user, bench_now() - t);

  bench_exec(db, "VACUUM ANALYZE public.resume_versions");
  /* Where Postgres spends its share: per-function times of the worker's
   * sessions (they inherit the database setting). */
  char sqlset[256];
  snprintf(sqlset, sizeof sqlset, "ALTER DATABASE %s SET track_functions = 'pl'", pg.dbname);
  bench_exec(db, sqlset);
  char load0[64];
  bench_load(load0, sizeof load0);

  const char *env[32];
  int ne = 0;
  char e_conc[64], e_batch[64], e_pool[64];
  snprintf(e_conc, sizeof e_conc, "CAREEROS_WORKER_CONCURRENCY=%d", concurrency);
  snprintf(e_batch, sizeof e_batch, "CAREEROS_WORKER_CLAIM_BATCH=%d", batch);
  snprintf(e_pool, sizeof e_pool, "CAREEROS_DATABASE_POOL_SIZE=%d", pool);
  env[ne++] = log ? "CAREEROS_LOG_LEVEL=info" : "CAREEROS_LOG_LEVEL=notice";
  env[ne++] = "CAREEROS_WORKER_NOOP_STAGES=false";
  env[ne++] = e_conc;
  env[ne++] = e_batch;
  env[ne++] = e_pool;
  ne = bench_pipeline_env(root, env, ne);
  env[ne] = NULL;

  /* Stale statistics say "all pending": keep the polling on the indexes. */
  bench_exec(db, "SET enable_seqscan = off");
  double pg_cpu0 = bench_pg_cpu(&pg);
  double t0 = bench_now();
  pid_t worker = bench_worker_start(&pg, env, NULL, log);
  double worker_cpu = 0;
  double t_done = bench_wait_drained(db, worker, true, 100, t0, 1800, &worker_cpu);
  double pg_cpu = bench_pg_cpu(&pg) - pg_cpu0;
  long hwm = bench_proc_hwm_kb(worker);
  char load1[64];
  bench_load(load1, sizeof load1);
  int st = bench_worker_stop(worker);
  usleep(200000); /* the worker's backends flush their statistics on exit */

  double span = bench_value_d(db,
      "SELECT extract(epoch FROM max(updated_at) - "
      "min((processing_stages -> 'upload' ->> 'started_at')::timestamptz)) "
      "FROM public.resume_versions");
  char *done = bench_value(db, "SELECT count(*) FROM public.resume_versions "
                               "WHERE processing_status = 'completed'");
  char *failed = bench_value(db, "SELECT count(*) FROM public.resume_versions "
                                 "WHERE processing_status = 'failed'");
  char *codes = bench_value(db, "SELECT coalesce(string_agg(code || ' x' || k, ', '), '') FROM "
                                "(SELECT e ->> 'code' AS code, count(*) AS k FROM "
                                "public.resume_versions, jsonb_array_elements(processing_errors) e "
                                "GROUP BY 1) x");
  char *ents = bench_value(db, "SELECT count(*) FROM public.parsed_resume_entities");
  char *stage_ms = bench_value(db,
      "SELECT string_agg(s || ' ' || round(v::numeric, 2) || ' ms', ', ' ORDER BY o) FROM ("
      "SELECT s.key AS s, avg((s.value ->> 'duration_ms')::float8) AS v, "
      "min(array_position(ARRAY['upload','parse','enrich','complete'], s.key)) AS o "
      "FROM public.resume_versions rv, jsonb_each(rv.processing_telemetry -> 'stages') s "
      "GROUP BY 1) x");
  char *funcs = bench_value(db,
      "SELECT coalesce(string_agg(format('%s.%s %s ms (%s ms own, %s calls)', schemaname, funcname, "
      "round(total_time::numeric), round(self_time::numeric), calls), E'\\n  ' "
      "ORDER BY total_time DESC), '(none: track_functions off?)') FROM (SELECT * FROM "
      "pg_stat_user_functions ORDER BY total_time DESC LIMIT 6) f");
  PQfinish(db);

  double total = worker_cpu + pg_cpu;
  printf("end to end, offline provider, %s resumes, one worker process\n",
         files_dir ? "given" : "synthetic text");
  printf("resumes: %d (%ld bytes), completed: %s, failed: %s%s%s, entity rows: %s, worker exit: %d\n",
         n, bytes, done, failed, *codes ? ", errors: " : "", codes, ents, st);
  printf("concurrency %d, claim_batch %d, pool_size %d, %d version(s) per user\n", concurrency,
         batch, pool, per_user);
  printf("first claim -> last completion: %.3f s = %.1f resumes/s\n", span, (double)n / span);
  printf("mean stage time (as the worker measured it): %s\n", stage_ms);
  printf("CPU seconds: worker %.2f (%.0f%%), postgres %.2f (%.0f%%) of %.2f; "
         "over %.2f s wall on %ld CPUs; worker VmHWM %ld kB\n",
         worker_cpu, total > 0 ? 100 * worker_cpu / total : 0, pg_cpu,
         total > 0 ? 100 * pg_cpu / total : 0, total, t_done - t0,
         sysconf(_SC_NPROCESSORS_ONLN), hwm);
  printf("Postgres time by function (total incl. nested calls):\n  %s\n", funcs);
  printf("load average %s at start, %s at end (1/5/15 min)\n", load0, load1);
  bench_print_command();
  char rm[700];
  snprintf(rm, sizeof rm, "rm -rf '%s'", work);
  if (system(rm) != 0)
    fprintf(stderr, "bench: could not remove %s\n", work);
  return 0;
}
