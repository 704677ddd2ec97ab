/* Queue throughput with no-op stages: claim -> one fenced finish per job,
 * the queue alone.
 *
 *   queue-throughput [--jobs N] [--concurrency N] [--batch N] [--pool N]
 *                    [--users N] [--pgdir DIR | --conninfo STR] [--log FILE]
 *
 * Preloads N pending versions (one INSERT ... SELECT), analyses the table,
 * then starts one worker with worker.noop_stages=true and measures with the
 * server's own timestamps: from the first claim (the earliest
 * processing_stages.upload.started_at, which the claim sets) to the last
 * completion (the latest updated_at).  Also prints the wall time the bench
 * saw and the CPU seconds of the worker and of Postgres over the run. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchlib.h"

int main(int argc, char **argv) {
  bench_set_argv(argc, argv);
  int jobs = 100000, concurrency = 512, batch = 256, pool = 4, users = 1000;
  const char *log = NULL;
  bench_pg pg = {0};
  static const struct option opts[] = {
      {"jobs", required_argument, NULL, 'j'},  {"concurrency", required_argument, NULL, 'c'},
      {"batch", required_argument, NULL, 'b'}, {"pool", required_argument, NULL, 'p'},
      {"pgdir", required_argument, NULL, 'd'}, {"conninfo", required_argument, NULL, 'C'},
      {"log", required_argument, NULL, 'l'},   {"users", required_argument, NULL, 'u'},
      {NULL, 0, NULL, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case 'j': jobs = atoi(optarg); break;
    case 'c': concurrency = atoi(optarg); break;
    case 'b': batch = atoi(optarg); break;
    case 'p': pool = atoi(optarg); break;
    case 'd': pg.pgdir = optarg; break;
    case 'C': pg.conninfo = optarg; break;
    case 'l': log = optarg; break;
    case 'u': users = atoi(optarg); break;
    default:
      fprintf(stderr, "usage: %s [--jobs N] [--concurrency N] [--batch N] [--pool N] "
                      "[--users N] [--pgdir DIR | --conninfo STR] [--log FILE]\n", argv[0]);
      return 2;
    }
  }
  pg.dbname = "careeros_bench_queue";
  bench_pg_setup(&pg);
  PGconn *db = bench_connect(pg.admin);

  char sql[1024];
  double t = bench_now();
  /* Versions of many users (as uploads arrive), so that index insertions
   * spread over the user indexes as they would in production. */
  snprintf(sql, sizeof sql,
           "INSERT INTO auth.users (id, email) SELECT b.u, 'u' || g || '@example.com' "
           "FROM generate_series(1, %d) g, LATERAL (SELECT md5('u' || g)::uuid AS u) b",
           users);
  bench_exec(db, sql);
  snprintf(sql, sizeof sql,
           "INSERT INTO public.resume_streams (id, user_id, name) "
           "SELECT md5('s' || g)::uuid, md5('u' || g)::uuid, 's' FROM generate_series(1, %d) g",
           users);
  bench_exec(db, sql);
  snprintf(sql, sizeof sql,
           "INSERT INTO public.resume_versions (stream_id, user_id, version_number, file_name, "
           "file_path, file_size, file_hash, mime_type) "
           "SELECT md5('s' || (g %% %d + 1))::uuid, md5('u' || (g %% %d + 1))::uuid, g, 'r.txt', "
           "md5('u' || (g %% %d + 1))::uuid || '/r.txt', 10, repeat('0', 64), 'text/plain' "
           "FROM generate_series(1, %d) g",
           users, users, users, jobs);
  bench_exec(db, sql);
  bench_exec(db, "VACUUM ANALYZE public.resume_versions");
  fprintf(stderr, "preloaded %d pending versions in %.1f s\n", jobs, bench_now() - t);

  char e_conc[64], e_batch[64], e_pool[64];
  snprintf(e_conc, sizeof e_conc, "CAREEROS_WORKER_CONCURRENCY=%d", concurrency);
  snprintf(e_batch, sizeof e_batch, "CAREEROS_WORKER_CLAIM_BATCH=%d", batch);
  snprintf(e_pool, sizeof e_pool, "CAREEROS_DATABASE_POOL_SIZE=%d", pool);
  /* No stage touches storage, but the configuration wants a root that exists. */
  const char *env[] = {"CAREEROS_WORKER_NOOP_STAGES=true", "CAREEROS_LOG_LEVEL=warning",
                       "CAREEROS_STORAGE_ROOT=/tmp",
                       e_conc, e_batch, e_pool, NULL};
  /* Stale statistics say "all pending": keep the polling on the indexes. */
  bench_exec(db, "SET enable_seqscan = off");
  char load0[64], load1[64];
  bench_load(load0, sizeof load0);
  double pg_cpu0 = bench_pg_cpu(&pg);
  double t0 = bench_now();
  pid_t worker = bench_worker_start(&pg, env, NULL, log);

  double worker_cpu = 0;
  double t_done = bench_wait_drained(db, worker, false, 100, t0, 600, &worker_cpu);
  double pg_cpu = bench_pg_cpu(&pg) - pg_cpu0;
  long hwm = bench_proc_hwm_kb(worker);
  bench_load(load1, sizeof load1);
  int st = bench_worker_stop(worker);

  double span = bench_value_d(db,
      "SELECT extract(epoch FROM max(updated_at) - "
      "min((processing_stages -> 'upload' ->> 'started_at')::timestamptz)) "
      "FROM public.resume_versions");
  char *done = bench_value(db, "SELECT count(*) FROM public.resume_versions "
                               "WHERE processing_status = 'completed' AND attempts = 1");
  char *other = bench_value(db, "SELECT count(*) FROM public.resume_versions "
                                "WHERE processing_status <> 'completed' OR attempts <> 1");
  PQfinish(db);

  printf("queue throughput, no-op stages, one worker process\n");
  printf("jobs: %d, completed once: %s, other: %s, worker exit: %d\n", jobs, done, other, st);
  printf("concurrency %d, claim_batch %d, pool_size %d, versions of %d users\n", concurrency,
         batch, pool, users);
  printf("first claim -> last completion: %.3f s = %.0f jobs/s (target >= 10000)\n", span,
         (double)jobs / span);
  printf("bench wall (worker start -> all done seen, 100 ms polling): %.3f s\n", t_done - t0);
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  double per_job = (worker_cpu + pg_cpu) / jobs;
  printf("CPU seconds: worker %.2f, postgres %.2f (over %.2f s wall, %ld CPUs); worker VmHWM %ld kB\n",
         worker_cpu, pg_cpu, t_done - t0, cpus, hwm);
  printf("CPU per job: %.1f us (worker %.1f, postgres %.1f); %ld CPUs / that = %.0f jobs/s if "
         "the machine were ours alone\n",
         per_job * 1e6, worker_cpu / jobs * 1e6, pg_cpu / jobs * 1e6, cpus,
         per_job > 0 ? (double)cpus / per_job : 0);
  printf("load average %s at start, %s at end (1/5/15 min)\n", load0, load1);
  bench_print_command();
  free(done);
  free(other);
  return 0;
}
