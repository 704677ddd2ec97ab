/* Pickup latency: INSERT commit -> upload stage started, on an idle worker.
 *
 *   pickup-latency [--samples N] [--warmup N] [--gap-ms N] [--noop]
 *                  [--pgdir DIR | --conninfo "host=... port=... user=..."]
 *
 * One worker runs the real offline pipeline (or no-op stages with --noop)
 * at log level debug.  For each sample the bench inserts one pending
 * version in an explicit transaction, takes t0 just before it sends COMMIT,
 * and reads the worker's stderr until the line
 *   job.stage job=<id> stage=upload        (stage=noop with --noop)
 * arrives; that read's time is t1.  Both clocks are this process's
 * CLOCK_MONOTONIC, so no clock agreement is needed; the figure includes the
 * COMMIT itself (its round trip is printed too) and the pipe hop from the
 * worker, so it slightly overstates what the worker adds.  After the job
 * ends (job.end) the bench waits --gap-ms so the worker is idle again.
 *
 * To show where the time goes, the bench also LISTENs on the queue's
 * channel itself: COMMIT -> notification received (what Postgres and the
 * kernel take, the same for any listener) and notification -> stage
 * started (what the worker takes: wake-up, claim round trip, job start).
 * The claim's own execution time comes from pg_stat_user_functions
 * (track_functions is switched on for the bench database). */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "benchlib.h"

struct linebuf {
  int fd;
  char buf[65536];
  size_t len;
  bool eof;
};

/* Reads what is available; calls on_line for each complete line. */
static void read_lines(struct linebuf *lb, void (*on_line)(const char *, void *), void *arg) {
  ssize_t n = read(lb->fd, lb->buf + lb->len, sizeof lb->buf - lb->len - 1);
  if (n <= 0) {
    if (n == 0 || (errno != EAGAIN && errno != EINTR))
      lb->eof = true;
    return;
  }
  lb->len += (size_t)n;
  lb->buf[lb->len] = 0;
  char *start = lb->buf, *nl;
  while ((nl = memchr(start, '\n', lb->len - (size_t)(start - lb->buf)))) {
    *nl = 0;
    on_line(start, arg);
    start = nl + 1;
  }
  size_t rest = lb->len - (size_t)(start - lb->buf);
  memmove(lb->buf, start, rest);
  lb->len = rest;
  if (lb->len == sizeof lb->buf - 1)
    lb->len = 0; /* an absurd line: drop it */
}

struct sample {
  const char *id;
  const char *stage;
  double t_stage, t_end;
  bool failed;
};

static void on_line(const char *line, void *arg) {
  struct sample *s = arg;
  const char *p = strstr(line, "job=");
  if (!p || strncmp(p + 4, s->id, 36) != 0)
    return;
  if (strstr(line, "job.stage ") && s->t_stage == 0) {
    char want[32];
    snprintf(want, sizeof want, "stage=%s", s->stage);
    if (strstr(line, want))
      s->t_stage = bench_now();
  } else if (strstr(line, "job.end ")) {
    s->t_end = bench_now();
    if (!strstr(line, "outcome=completed"))
      s->failed = true;
  }
}

int main(int argc, char **argv) {
  bench_set_argv(argc, argv);
  int samples = 1000, warmup = 50, gap_ms = 10;
  bool noop = false;
  bench_pg pg = {0};
  static const struct option opts[] = {
      {"samples", required_argument, NULL, 's'}, {"warmup", required_argument, NULL, 'w'},
      {"gap-ms", required_argument, NULL, 'g'},  {"noop", no_argument, NULL, 'n'},
      {"pgdir", required_argument, NULL, 'd'},   {"conninfo", required_argument, NULL, 'c'},
      {NULL, 0, NULL, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case 's': samples = atoi(optarg); break;
    case 'w': warmup = atoi(optarg); break;
    case 'g': gap_ms = atoi(optarg); break;
    case 'n': noop = true; break;
    case 'd': pg.pgdir = optarg; break;
    case 'c': pg.conninfo = optarg; break;
    default:
      fprintf(stderr, "usage: %s [--samples N] [--warmup N] [--gap-ms N] [--noop] "
                      "[--pgdir DIR | --conninfo STR]\n", argv[0]);
      return 2;
    }
  }
  pg.dbname = "careeros_bench_latency";
  bench_pg_setup(&pg);

  /* One stored file that every sample's version points at. */
  char work[] = "/tmp/cw-bench-latency.XXXXXX";
  if (!mkdtemp(work))
    bench_die("mkdtemp: %s", strerror(errno));
  chmod(work, 0755);
  char root[600], file[700];
  snprintf(root, sizeof root, "%s/uploads", work);
  mkdir(root, 0755);
  snprintf(file, sizeof file, "%s/resume.txt", work);
  bench_write_resume(file, 1);
  char *files[] = {file};
  bench_enqueue(&pg, root, BENCH_USER, files, 1);

  PGconn *db = bench_connect(pg.admin);
  char sqlset[256];
  snprintf(sqlset, sizeof sqlset, "ALTER DATABASE %s SET track_functions = 'pl'", pg.dbname);
  bench_exec(db, sqlset);
  PGconn *lis = bench_connect(pg.admin);
  bench_exec(lis, "LISTEN careeros_jobs");
  int lisfd = PQsocket(lis);
  char load0[64];
  bench_load(load0, sizeof load0);
  char *tmpl = bench_value(db, "SELECT id FROM public.resume_versions LIMIT 1");

  const char *env[32];
  int ne = 0;
  env[ne++] = "CAREEROS_LOG_LEVEL=debug";
  env[ne++] = "CAREEROS_WORKER_CONCURRENCY=8";
  env[ne++] = noop ? "CAREEROS_WORKER_NOOP_STAGES=true" : "CAREEROS_WORKER_NOOP_STAGES=false";
  ne = bench_pipeline_env(root, env, ne);
  env[ne] = NULL;
  int errfd;
  pid_t worker = bench_worker_start(&pg, env, &errfd, NULL);
  struct linebuf lb = {.fd = errfd};

  /* The enqueued template job runs first: wait for it (warms the worker). */
  struct sample first = {.id = tmpl, .stage = noop ? "noop" : "upload"};
  double deadline = bench_now() + 30;
  while (first.t_end == 0 && !lb.eof && bench_now() < deadline) {
    struct pollfd p = {.fd = errfd, .events = POLLIN};
    if (poll(&p, 1, 1000) > 0)
      read_lines(&lb, on_line, &first);
  }
  if (first.t_end == 0 || first.failed)
    bench_die("the worker did not complete the first job (%s)",
              lb.eof ? "it exited" : first.failed ? "it failed; run with the same env to see why"
                                                  : "timeout");

  int total = warmup + samples;
  double *lat = calloc((size_t)samples, sizeof *lat);
  double *commit = calloc((size_t)samples, sizeof *commit);
  double *to_notify = calloc((size_t)samples, sizeof *to_notify);
  double *in_worker = calloc((size_t)samples, sizeof *in_worker);
  int failed = 0, got = 0;
  char sql[1024];
  for (int i = 0; i < total; i++) {
    bench_exec(db, "BEGIN");
    snprintf(sql, sizeof sql,
             "INSERT INTO public.resume_versions (stream_id, user_id, version_number, file_name, "
             "file_path, file_size, file_hash, mime_type) "
             "SELECT stream_id, user_id, %d, file_name, file_path, file_size, file_hash, mime_type "
             "FROM public.resume_versions WHERE id = '%s' RETURNING id",
             i + 2, tmpl);
    char *id = bench_value(db, sql);
    struct sample s = {.id = id, .stage = noop ? "noop" : "upload"};
    double t0 = bench_now(), t_ack = 0, t_notify = 0;
    if (!PQsendQuery(db, "COMMIT"))
      bench_die("COMMIT: %s", PQerrorMessage(db));
    int pgfd = PQsocket(db);
    deadline = t0 + 30;
    while ((t_ack == 0 || t_notify == 0 || s.t_end == 0) && !lb.eof && bench_now() < deadline) {
      struct pollfd p[3] = {{.fd = errfd, .events = POLLIN},
                            {.fd = lisfd, .events = t_notify == 0 ? POLLIN : 0},
                            {.fd = pgfd, .events = POLLIN}};
      if (poll(p, t_ack == 0 ? 3 : 2, 1000) <= 0)
        continue;
      if (p[0].revents)
        read_lines(&lb, on_line, &s);
      if (p[1].revents) {
        double t = bench_now();
        if (!PQconsumeInput(lis))
          bench_die("LISTEN: %s", PQerrorMessage(lis));
        PGnotify *nt;
        while ((nt = PQnotifies(lis))) {
          if (t_notify == 0)
            t_notify = t;
          PQfreemem(nt);
        }
      }
      if (t_ack == 0 && p[2].revents) {
        if (!PQconsumeInput(db))
          bench_die("COMMIT: %s", PQerrorMessage(db));
        if (!PQisBusy(db)) {
          double t = bench_now();
          PGresult *r;
          while ((r = PQgetResult(db))) {
            if (PQresultStatus(r) != PGRES_COMMAND_OK)
              bench_die("COMMIT: %s", PQerrorMessage(db));
            PQclear(r);
          }
          t_ack = t;
        }
      }
    }
    if (lb.eof)
      bench_die("the worker exited");
    if (s.t_stage == 0 || s.t_end == 0)
      bench_die("sample %d: no %s/job.end line within 30 s", i, s.stage);
    if (s.failed)
      failed++;
    if (i >= warmup) {
      lat[got] = (s.t_stage - t0) * 1e3;
      commit[got] = (t_ack - t0) * 1e3;
      to_notify[got] = (t_notify - t0) * 1e3;
      in_worker[got] = (s.t_stage - t_notify) * 1e3;
      got++;
    }
    free(id);
    usleep((useconds_t)gap_ms * 1000);
  }
  char load1[64];
  bench_load(load1, sizeof load1);
  int st = bench_worker_stop(worker);
  PQfinish(lis);
  /* The worker's backends flushed their function statistics on exit. */
  usleep(200000);
  PGresult *fr = PQexec(db, "SELECT calls, total_time / nullif(calls, 0) FROM pg_stat_user_functions "
                            "WHERE schemaname = 'queue' AND funcname = 'claim'");
  double claim_ms = -1;
  long claim_calls = 0;
  if (PQresultStatus(fr) == PGRES_TUPLES_OK && PQntuples(fr) == 1) {
    claim_calls = atol(PQgetvalue(fr, 0, 0));
    claim_ms = atof(PQgetvalue(fr, 0, 1));
  }
  PQclear(fr);
  PQfinish(db);

  bench_sort(lat, (size_t)got);
  bench_sort(commit, (size_t)got);
  bench_sort(to_notify, (size_t)got);
  bench_sort(in_worker, (size_t)got);
  printf("pickup latency, INSERT commit -> %s stage started (idle worker, %s pipeline)\n",
         noop ? "noop" : "upload", noop ? "no-op" : "offline");
  printf("samples: %d (after %d warm-up), jobs not completed: %d, worker exit: %d\n", got, warmup,
         failed, st);
  printf("p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms  (target p50 <= 1 ms, p99 <= 5 ms)\n",
         bench_pct(lat, (size_t)got, 50), bench_pct(lat, (size_t)got, 90),
         bench_pct(lat, (size_t)got, 99), lat[got - 1]);
  printf("COMMIT round trip (included above): p50 %.3f ms  p99 %.3f ms\n",
         bench_pct(commit, (size_t)got, 50), bench_pct(commit, (size_t)got, 99));
  printf("  COMMIT sent -> notification at a second listener: p50 %.3f ms  p99 %.3f ms\n",
         bench_pct(to_notify, (size_t)got, 50), bench_pct(to_notify, (size_t)got, 99));
  printf("  notification -> stage started (the worker's share): p50 %.3f ms  p99 %.3f ms\n",
         bench_pct(in_worker, (size_t)got, 50), bench_pct(in_worker, (size_t)got, 99));
  if (claim_ms >= 0)
    printf("  queue.claim execution in Postgres: %.3f ms mean over %ld calls (idle re-claims included)\n",
           claim_ms, claim_calls);
  printf("machine: %ld online CPUs, load average %s at start, %s at end (1/5/15 min)\n",
         sysconf(_SC_NPROCESSORS_ONLN), load0, load1);
  bench_print_command();
  char rm[700];
  snprintf(rm, sizeof rm, "rm -rf '%s'", work);
  if (system(rm) != 0)
    fprintf(stderr, "bench: could not remove %s\n", work);
  free(lat);
  free(commit);
  free(to_notify);
  free(in_worker);
  free(tmpl);
  return 0;
}
