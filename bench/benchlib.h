/* Shared plumbing of the benchmarks: a throwaway (or given) PostgreSQL, a
 * fresh migrated database, the worker as a child process configured through
 * CAREEROS_* environment variables, percentiles and CPU accounting from
 * /proc.  Benchmarks are plain programs: they print their figures and the
 * command line that produced them, and exit non-zero only when they could
 * not measure (a missed target is a finding, not a failure). */
#ifndef CW_BENCHLIB_H
#define CW_BENCHLIB_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define BENCH_USER "00000000-0000-4000-8000-0000000be7c0"
#define BENCH_STREAM "00000000-0000-4000-8000-0000000be7c1"

/* Versions not finished yet, counted through the queue's two partial
 * indexes (a plain IN would scan the whole table every poll and steal the
 * CPU being measured). */
#define BENCH_LEFT_SQL                                                                          \
  "SELECT (SELECT count(*) FROM public.resume_versions WHERE processing_status = 'pending') + " \
  "(SELECT count(*) FROM public.resume_versions WHERE processing_status = 'processing')"

typedef struct {
  const char *pgdir;     /* cluster directory (started when no conninfo is given) */
  const char *conninfo;  /* an existing server's admin conninfo (without dbname) */
  const char *dbname;    /* database created afresh for the run */
  char admin[512];       /* admin (superuser) conninfo of dbname */
  char worker[512];      /* conninfo the worker uses: careeros_worker role */
  char host[256], port[16];
  pid_t postmaster;
} bench_pg;

/* "a b c" load averages (1/5/15 min) from /proc/loadavg: the machine may
 * be shared, and a busy one moves every figure, so every bench prints it. */
void bench_load(char *out, size_t n);

/* Program arguments, for the "command:" line. */
void bench_set_argv(int argc, char **argv);
void bench_print_command(void);

double bench_now(void); /* CLOCK_MONOTONIC seconds */
void bench_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Starts the cluster (if needed), creates dbname afresh, migrates it with the
 * worker binary, lets careeros_worker log in and creates the bench user and
 * stream. */
void bench_pg_setup(bench_pg *pg);
PGconn *bench_connect(const char *conninfo);
void bench_exec(PGconn *c, const char *sql);
/* First column of the first row as a newly allocated string. */
char *bench_value(PGconn *c, const char *sql);
double bench_value_d(PGconn *c, const char *sql);
char *bench_value_f(PGconn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Spawns `careeros-worker run` with extra NAME=VALUE environment entries
 * (NULL-terminated).  stderr goes to *err_fd (a pipe, when err_fd != NULL)
 * or to log_path (or /dev/null when NULL). */
pid_t bench_worker_start(const bench_pg *pg, const char *const *env, int *err_fd,
                         const char *log_path);
int bench_worker_stop(pid_t pid); /* SIGTERM, wait; returns the exit status */

/* `careeros-worker enqueue FILE... --user USER` into storage root (the
 * user's default stream); the user must exist in auth.users. */
void bench_enqueue(const bench_pg *pg, const char *root, const char *user, char **files, int n);

/* Enqueues n files as versions of ceil(n / per_user) different users
 * (users and streams md5('u' || k) / md5('s' || k), k = 1..): one enqueue
 * run per 500 files for BENCH_USER, then the rows are handed to their
 * users in one UPDATE, which is much faster than an enqueue run per user. */
void bench_enqueue_spread(const bench_pg *pg, const char *root, char **files, int n, int per_user);

/* Environment for a worker running the real offline pipeline: storage root,
 * extract helper and skills file when they exist.  Appends NAME=VALUE
 * strings to env (static storage) and returns the new count. */
int bench_pipeline_env(const char *root, const char **env, int n);

/* Percentile (0..100) of a sorted array. */
double bench_pct(const double *sorted, size_t n, double p);
void bench_sort(double *v, size_t n);

/* CPU seconds (utime+stime) of one process, and of its waited-for children
 * when with_children. Returns -1 when the process is gone. */
double bench_proc_cpu(pid_t pid, bool with_children);
/* Sum of the CPU seconds of the postmaster and all its children. */
double bench_pg_cpu(const bench_pg *pg);
/* Peak resident set (VmHWM) in kB, -1 if unknown. */
long bench_proc_hwm_kb(pid_t pid);

/* Polls every poll_ms until BENCH_LEFT_SQL counts nothing left, sampling
 * the worker's CPU seconds (with its children when with_children) into
 * *worker_cpu; dies after timeout_s.  Returns the time it saw the queue
 * drained (bench_now() clock). */
double bench_wait_drained(PGconn *db, pid_t worker, bool with_children, int poll_ms,
                          double t0, double timeout_s, double *worker_cpu);

/* A stretch of a run between two counts of jobs left: the time and the
 * worker's CPU seconds at the first poll that saw at most from_left, then
 * at most to_left, jobs left. */
typedef struct {
  int from_left, to_left;
  double t_from, cpu_from, t_to, cpu_to;
  bool seen_from, seen_to;
} bench_window;

/* bench_wait_drained, also filling *win (its two counts set by the caller). */
double bench_wait_drained_window(PGconn *db, pid_t worker, bool with_children, int poll_ms,
                                 double t0, double timeout_s, double *worker_cpu, bench_window *win);

/* A fresh work directory PREFIX.XXXXXX (0755) holding uploads/ (the
 * storage root) and in/ (the input files); the three paths go to the
 * buffers, each of 600 bytes. */
void bench_workdir(const char *prefix, char work[600], char root[600], char in[600]);

/* Writes a synthetic plain-text resume, different for every seed (name,
 * contacts, 2-5 jobs with dates, education, skills); returns its size. */
long bench_write_resume(const char *path, unsigned seed);

const char *bench_worker_exe(void);
const char *bench_source_root(void);
const char *bench_build_root(void);

#endif
