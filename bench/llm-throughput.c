/* LLM provider throughput: N resumes through the whole pipeline with the
 * OpenAI-compatible provider talking to the fake LLM server, which answers
 * every call after a fixed latency (default 2 s), with --inflight jobs in
 * one worker process.
 *
 *   llm-throughput [--resumes N] [--inflight N] [--latency-ms MS] [--mode json_schema|tools]
 *                  [--pgdir DIR | --conninfo STR] [--log FILE]
 *
 * Little's law: with L jobs in flight and W seconds per job, the best rate
 * is L / W.  A job makes two sequential LLM rounds (parse; then the two
 * enrich calls side by side), so W = 2 x latency plus the upload and
 * complete stages (measured: the stage times the worker records).  The
 * report gives resumes/s against L / (2 x latency), the worker's CPU share
 * of one core over the run, its peak RSS (VmHWM), and the CPU time per
 * resume of the worker, Postgres and the fake server. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "benchlib.h"

static pid_t fake_start(int latency_ms, int *port) {
  char bin[1024], lat[32];
  snprintf(bin, sizeof bin, "%s/tests/fake-llm", bench_build_root());
  snprintf(lat, sizeof lat, "%d", latency_ms);
  int pfd[2];
  if (pipe(pfd) < 0)
    bench_die("pipe: %s", strerror(errno));
  pid_t pid = fork();
  if (pid == 0) {
    dup2(pfd[1], 1);
    close(pfd[0]);
    close(pfd[1]);
    execl(bin, bin, "--port", "0", "--latency-ms", lat, "--threads", "2", (char *)NULL);
    _exit(127);
  }
  close(pfd[1]);
  char buf[32] = {0};
  if (read(pfd[0], buf, sizeof buf - 1) <= 0)
    bench_die("%s did not start (build the tests: meson setup -Dtests=true)", bin);
  close(pfd[0]);
  *port = atoi(buf);
  return pid;
}

int main(int argc, char **argv) {
  bench_set_argv(argc, argv);
  int n = 5000, inflight = 1000, latency = 2000;
  const char *log = NULL, *mode = "json_schema";
  bench_pg pg = {0};
  static const struct option opts[] = {
      {"resumes", required_argument, NULL, 'n'}, {"inflight", required_argument, NULL, 'i'},
      {"latency-ms", required_argument, NULL, 'L'}, {"mode", required_argument, NULL, 'm'},
      {"pgdir", required_argument, NULL, 'd'},   {"conninfo", required_argument, NULL, 'C'},
      {"log", required_argument, NULL, 'l'},     {NULL, 0, NULL, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case 'n': n = atoi(optarg); break;
    case 'i': inflight = atoi(optarg); break;
    case 'L': latency = atoi(optarg); break;
    case 'm': mode = optarg; break;
    case 'd': pg.pgdir = optarg; break;
    case 'C': pg.conninfo = optarg; break;
    case 'l': log = optarg; break;
    default:
      fprintf(stderr, "usage: %s [--resumes N] [--inflight N] [--latency-ms MS] [--mode json_schema|tools] "
                      "[--pgdir DIR | --conninfo STR] [--log FILE]\n", argv[0]);
      return 2;
    }
  }
  pg.dbname = "careeros_bench_llm";
  bench_pg_setup(&pg);

  char work[600], root[600], in[600];
  bench_workdir("/tmp/cw-bench-llm", work, root, in);
  char **files = calloc((size_t)n, sizeof *files);
  long bytes = 0;
  for (int i = 0; i < n; i++) {
    files[i] = malloc(700);
    snprintf(files[i], 700, "%s/resume-%05d.txt", in, i);
    bytes += bench_write_resume(files[i], (unsigned)i + 1);
  }
  /* two versions per user, enqueued in file order (as e2e-offline) */
  bench_enqueue_spread(&pg, root, files, n, 2);
  PGconn *db = bench_connect(pg.admin);
  bench_exec(db, "VACUUM ANALYZE public.resume_versions");
  bench_exec(db, "SET enable_seqscan = off");

  int port;
  pid_t fake = fake_start(latency, &port);
  const char *env[40];
  int ne = 0;
  char e_conc[64], e_batch[64], e_url[128], e_prompts[1200], e_inflight[64], e_mode[64], e_lease[64];
  snprintf(e_conc, sizeof e_conc, "CAREEROS_WORKER_CONCURRENCY=%d", inflight);
  snprintf(e_batch, sizeof e_batch, "CAREEROS_WORKER_CLAIM_BATCH=%d", inflight < 200 ? inflight : 200);
  snprintf(e_url, sizeof e_url, "CAREEROS_LLM_BASE_URL=http://127.0.0.1:%d/v1", port);
  snprintf(e_prompts, sizeof e_prompts, "CAREEROS_LLM_PROMPT_DIR=%s/config/llm", bench_source_root());
  snprintf(e_inflight, sizeof e_inflight, "CAREEROS_LLM_MAX_IN_FLIGHT=%d", inflight * 2 + 16);
  snprintf(e_mode, sizeof e_mode, "CAREEROS_LLM_OUTPUT_MODE=%s", mode);
  snprintf(e_lease, sizeof e_lease, "CAREEROS_WORKER_LEASE_MS=%d", 60000 + 4 * latency);
  env[ne++] = log ? "CAREEROS_LOG_LEVEL=info" : "CAREEROS_LOG_LEVEL=notice";
  env[ne++] = "CAREEROS_WORKER_NOOP_STAGES=false";
  env[ne++] = e_conc;
  env[ne++] = e_batch;
  env[ne++] = e_url;
  env[ne++] = e_prompts;
  env[ne++] = e_inflight;
  env[ne++] = e_mode;
  env[ne++] = e_lease;
  env[ne++] = "CAREEROS_DATABASE_POOL_SIZE=4";
  ne = bench_pipeline_env(root, env, ne);
  env[ne++] = "CAREEROS_PROVIDER_NAME=openai"; /* after the pipeline's offline default */
  env[ne] = NULL;

  char load0[64];
  bench_load(load0, sizeof load0);
  double pg_cpu0 = bench_pg_cpu(&pg), fake_cpu0 = bench_proc_cpu(fake, false);
  double t0 = bench_now();
  pid_t worker = bench_worker_start(&pg, env, NULL, log);
  double worker_cpu = 0;
  bench_window win = {.from_left = n - inflight, .to_left = inflight};
  double t_done = bench_wait_drained_window(db, worker, true, 100, t0, 1800, &worker_cpu, &win);
  /* CPU seconds vary less than wall time on a shared machine: per resume,
   * they show what a change costs or saves whatever the run's luck */
  double pg_cpu = bench_pg_cpu(&pg) - pg_cpu0, fake_cpu = bench_proc_cpu(fake, false) - fake_cpu0;
  long hwm = bench_proc_hwm_kb(worker);
  char load1[64];
  bench_load(load1, sizeof load1);
  int st = bench_worker_stop(worker);
  char stats_cmd[256];
  snprintf(stats_cmd, sizeof stats_cmd, "curl -s http://127.0.0.1:%d/stats", port);
  FILE *sp = popen(stats_cmd, "r");
  char stats[4096] = "";
  if (sp) {
    size_t r = fread(stats, 1, sizeof stats - 1, sp);
    stats[r] = '\0';
    pclose(sp);
  }
  kill(fake, SIGTERM);
  waitpid(fake, NULL, 0);

  double span = bench_value_d(db,
      "SELECT extract(epoch FROM max(updated_at) - "
      "min((processing_stages -> 'upload' ->> 'started_at')::timestamptz)) "
      "FROM public.resume_versions");
  /* Little's law holds for a steady state: from the L-th completion (the
   * first wave is through) to the (N - L)-th (the queue runs dry: the
   * worker can no longer keep L jobs), the worker holds L jobs all along.
   * Before it the first wave ramps up with no completion for W seconds;
   * after it the last wave drains, with fewer than L jobs in flight, for as
   * long as its commits take. */
  double steady = 0;
  if (n > 2 * inflight) {
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT extract(epoch FROM max(t) FILTER (WHERE k = %d) - max(t) FILTER (WHERE k = %d)) "
             "FROM (SELECT updated_at AS t, row_number() OVER (ORDER BY updated_at) AS k "
             "FROM public.resume_versions WHERE processing_status = 'completed') c",
             n - inflight, inflight);
    double d = bench_value_d(db, sql);
    steady = d > 0 ? (n - 2.0 * inflight) / d : 0;
  }
  char *done = bench_value(db, "SELECT count(*) FROM public.resume_versions WHERE processing_status = 'completed'");
  char *failed = bench_value(db, "SELECT count(*) FROM public.resume_versions WHERE processing_status = 'failed'");
  char *codes = bench_value(db, "SELECT coalesce(string_agg(code || ' x' || k, ', '), '') FROM "
                                "(SELECT e ->> 'code' AS code, count(*) AS k FROM "
                                "public.resume_versions, jsonb_array_elements(processing_errors) e "
                                "GROUP BY 1) x");
  char *stage_ms = bench_value(db,
      "SELECT string_agg(s || ' ' || round(v::numeric, 1) || ' ms', ', ' ORDER BY o) FROM ("
      "SELECT s.key AS s, avg((s.value ->> 'duration_ms')::float8) AS v, "
      "min(array_position(ARRAY['upload','parse','enrich','complete'], s.key)) AS o "
      "FROM public.resume_versions rv, jsonb_each(rv.processing_telemetry -> 'stages') s "
      "GROUP BY 1) x");
  char *calls = bench_value(db, "SELECT coalesce(sum((processing_telemetry ->> 'total_llm_calls')::int), 0) "
                                "FROM public.resume_versions");
  PQfinish(db);

  double ideal = (double)inflight / (2.0 * latency / 1000.0);
  double rate = span > 0 ? (double)atoi(done) / span : 0;
  /* the first and last W seconds ramp up and drain: the ideal span of N
   * jobs is (N / L + 1) rounds of W */
  double w = 2.0 * latency / 1000.0;
  double ideal_span = ((double)n / inflight) * w + (n % inflight ? w : 0);
  double wall = t_done - t0;
  printf("LLM provider end to end, fake LLM with %d ms latency per call, mode %s, one worker process\n", latency,
         mode);
  printf("resumes: %d (%ld bytes), completed: %s, failed: %s%s%s, LLM calls (telemetry): %s, worker exit: %d\n", n,
         bytes, done, failed, *codes ? ", errors: " : "", codes, calls, st);
  printf("in flight: %d jobs; W = 2 x %d ms LLM rounds; Little's law: %.1f resumes/s\n", inflight, latency, ideal);
  printf("first claim -> last completion: %.2f s = %.1f resumes/s = %.0f%% of the ideal "
         "(ideal span with ramp-up and drain: %.2f s -> %.0f%%)\n",
         span, rate, ideal > 0 ? 100 * rate / ideal : 0, ideal_span, span > 0 ? 100 * ideal_span / span : 0);
  if (steady > 0) {
    double ws = win.seen_from && win.seen_to ? win.t_to - win.t_from : 0;
    printf("steady state, completion %d -> %d (%d jobs in flight throughout): %.1f resumes/s = %.0f%% of the ideal",
           inflight, n - inflight, inflight, steady, ideal > 0 ? 100 * steady / ideal : 0);
    if (ws > 0)
      printf("; worker CPU %.1f%% of one core\n", 100 * (win.cpu_to - win.cpu_from) / ws);
    else
      printf("; worker CPU not sampled (too short)\n");
  } else {
    printf("steady state: not measured (needs more than 2 x %d resumes, at least %d of them completed)\n", inflight,
           n - inflight);
  }
  printf("mean stage time: %s\n", stage_ms);
  printf("worker CPU: %.2f s over %.2f s wall = %.1f%% of one core; worker peak RSS (VmHWM): %ld kB\n", worker_cpu,
         wall, wall > 0 ? 100 * worker_cpu / wall : 0, hwm);
  int nd = atoi(done);
  printf("CPU per resume: worker %.2f ms, Postgres %.2f ms, fake server %.2f ms\n", nd ? 1000 * worker_cpu / nd : 0,
         nd ? 1000 * pg_cpu / nd : 0, nd ? 1000 * fake_cpu / nd : 0);
  printf("fake server: %s\n", stats);
  printf("load average %s at start, %s at end (1/5/15 min), %ld CPUs\n", load0, load1,
         sysconf(_SC_NPROCESSORS_ONLN));
  bench_print_command();
  char rm[700];
  snprintf(rm, sizeof rm, "rm -rf '%s'", work);
  if (system(rm) != 0)
    fprintf(stderr, "bench: could not remove %s\n", work);
  return 0;
}
