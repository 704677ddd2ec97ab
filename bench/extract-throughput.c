/* Extraction throughput: runs the given documents through the extractor
 * (libmagic detection, the sandboxed careeros-extract child for PDF/DOCX/
 * ODT/RTF/HTML, in-process plain text, normalisation) on one libuv loop with
 * a fixed number of extractions in flight, and prints per-file latency and
 * overall documents per second.
 *
 *   extract-throughput [-n ROUNDS] [-c CONCURRENCY] FILE...
 *
 * The helper is the one in this build tree unless CAREEROS_EXTRACT_HELPER
 * is set. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "careeros/config.h"
#include "careeros/extract.h"
#include "careeros/log.h"

#ifndef CW_BENCH_BUILD_ROOT
#define CW_BENCH_BUILD_ROOT "."
#endif

typedef struct {
  const char *path;
  double *ms;
  int n;
  int failed;
  char extractor[64];
  size_t chars;
} file_stat;

static cw_extractor *x;
static file_stat *files;
static int nfiles, rounds = 20, conc = 4, next_job, total_jobs, done_jobs;

static void start_next(void);

typedef struct {
  int file;
} job_arg;

static void on_done(void *arg, cw_extract_result *r) {
  job_arg *a = arg;
  file_stat *f = &files[a->file];
  f->ms[f->n++] = r->extract_ms;
  if (r->status)
    f->failed++;
  else {
    snprintf(f->extractor, sizeof f->extractor, "%s", r->extractor);
    f->chars = r->text_len;
  }
  free(r->text);
  free(a);
  done_jobs++;
  start_next();
}

static void start_next(void) {
  if (next_job >= total_jobs)
    return;
  int fi = next_job++ % nfiles;
  int fd = open(files[fi].path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    perror(files[fi].path);
    exit(1);
  }
  job_arg *a = malloc(sizeof *a);
  a->file = fi;
  cw_extract_req rq = {.job_id = "bench", .fd = fd};
  if (cw_extract_start(x, &rq, on_done, a, NULL) < 0) {
    fprintf(stderr, "cannot start extraction\n");
    exit(1);
  }
  close(fd);
}

static int cmp_d(const void *a, const void *b) {
  double x1 = *(const double *)a, x2 = *(const double *)b;
  return x1 < x2 ? -1 : x1 > x2;
}

static void closed(void *arg) { (void)arg; }

int main(int argc, char **argv) {
  int c;
  while ((c = getopt(argc, argv, "n:c:")) != -1) {
    if (c == 'n')
      rounds = atoi(optarg);
    else if (c == 'c')
      conc = atoi(optarg);
    else {
      fprintf(stderr, "usage: extract-throughput [-n ROUNDS] [-c CONCURRENCY] FILE...\n");
      return 2;
    }
  }
  nfiles = argc - optind;
  if (nfiles < 1 || rounds < 1 || conc < 1) {
    fprintf(stderr, "usage: extract-throughput [-n ROUNDS] [-c CONCURRENCY] FILE...\n");
    return 2;
  }
  cw_log_set_level(CW_LOG_WARNING);
  files = calloc((size_t)nfiles, sizeof *files);
  for (int i = 0; i < nfiles; i++) {
    files[i].path = argv[optind + i];
    files[i].ms = calloc((size_t)rounds, sizeof(double));
  }
  cw_config cfg;
  memset(&cfg, 0, sizeof cfg);
  if (cw_config_load(&cfg, NULL) < 0)
    return 1;
  if (!getenv("CAREEROS_EXTRACT_HELPER")) {
    free(cfg.extract.helper);
    cfg.extract.helper = strdup(CW_BENCH_BUILD_ROOT "/src/extract/careeros-extract");
  }
  uv_loop_t loop;
  uv_loop_init(&loop);
  if (cw_extractor_new(&loop, &cfg, &x) < 0)
    return 1;
  total_jobs = nfiles * rounds;
  uint64_t t0 = uv_hrtime();
  for (int i = 0; i < conc; i++)
    start_next();
  uv_run(&loop, UV_RUN_DEFAULT);
  double secs = (double)(uv_hrtime() - t0) / 1e9;
  printf("%-40s %-18s %8s %8s %8s %7s %6s\n", "file", "extractor", "p50_ms", "p95_ms", "max_ms",
         "chars", "failed");
  for (int i = 0; i < nfiles; i++) {
    file_stat *f = &files[i];
    qsort(f->ms, (size_t)f->n, sizeof(double), cmp_d);
    const char *base = strrchr(f->path, '/');
    printf("%-40.40s %-18s %8.1f %8.1f %8.1f %7zu %6d\n", base ? base + 1 : f->path,
           f->extractor[0] ? f->extractor : "-", f->ms[f->n / 2], f->ms[(f->n * 95) / 100],
           f->ms[f->n - 1], f->chars, f->failed);
  }
  printf("documents: %d  concurrency: %d  wall: %.2f s  throughput: %.1f documents/s\n", done_jobs,
         conc, secs, done_jobs / secs);
  cw_extractor_close(x, closed, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  cw_config_free(&cfg);
  for (int i = 0; i < nfiles; i++)
    free(files[i].ms);
  free(files);
  return 0;
}
