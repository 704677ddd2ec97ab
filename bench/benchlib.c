#include "benchlib.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int g_argc;
static char **g_argv;

void bench_set_argv(int argc, char **argv) {
  g_argc = argc;
  g_argv = argv;
}

void bench_print_command(void) {
  printf("command:");
  for (int i = 0; i < g_argc; i++)
    printf(" %s", g_argv[i]);
  printf("\n");
}

void bench_load(char *out, size_t n) {
  char buf[128] = "";
  FILE *f = fopen("/proc/loadavg", "re");
  if (f) {
    if (!fgets(buf, sizeof buf, f))
      buf[0] = 0;
    fclose(f);
  }
  double a = 0, b = 0, c = 0;
  if (sscanf(buf, "%lf %lf %lf", &a, &b, &c) == 3)
    snprintf(out, n, "%.2f %.2f %.2f", a, b, c);
  else
    snprintf(out, n, "?");
}

double bench_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void bench_die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "bench: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  exit(2);
}

const char *bench_worker_exe(void) {
  const char *e = getenv("CW_WORKER_EXE");
  return e && *e ? e : CW_BENCH_WORKER;
}

const char *bench_source_root(void) {
  const char *e = getenv("CW_SOURCE_ROOT");
  return e && *e ? e : CW_BENCH_SOURCE_ROOT;
}

const char *bench_build_root(void) {
  const char *e = getenv("CW_BUILD_ROOT");
  return e && *e ? e : CW_BENCH_BUILD_ROOT;
}

PGconn *bench_connect(const char *conninfo) {
  PGconn *c = PQconnectdb(conninfo);
  if (PQstatus(c) != CONNECTION_OK)
    bench_die("connect %s: %s", conninfo, PQerrorMessage(c));
  PQclear(PQexec(c, "SET client_min_messages = warning"));
  return c;
}

void bench_exec(PGconn *c, const char *sql) {
  PGresult *r = PQexec(c, sql);
  ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    bench_die("%.200s: %s", sql, PQerrorMessage(c));
  PQclear(r);
}

char *bench_value(PGconn *c, const char *sql) {
  PGresult *r = PQexec(c, sql);
  if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) < 1)
    bench_die("%.200s: %s", sql, PQerrorMessage(c));
  char *v = strdup(PQgetisnull(r, 0, 0) ? "" : PQgetvalue(r, 0, 0));
  PQclear(r);
  return v;
}

double bench_value_d(PGconn *c, const char *sql) {
  char *v = bench_value(c, sql);
  double d = atof(v);
  free(v);
  return d;
}

char *bench_value_f(PGconn *c, const char *fmt, ...) {
  char sql[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(sql, sizeof sql, fmt, ap);
  va_end(ap);
  return bench_value(c, sql);
}

static int run_wait(pid_t pid) {
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR)
      return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void start_cluster(bench_pg *pg) {
  /* "start" reuses a cluster left running by an earlier run. */
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "sh '%s/tests/pgcluster.sh' start '%s'", bench_source_root(),
           pg->pgdir);
  FILE *f = popen(cmd, "r");
  if (!f)
    bench_die("cannot run %s", cmd);
  char line[256];
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    if (strncmp(line, "PGPORT=", 7) == 0)
      snprintf(pg->port, sizeof pg->port, "%.15s", line + 7);
    if (strncmp(line, "PGHOST=", 7) == 0)
      snprintf(pg->host, sizeof pg->host, "%.200s", line + 7);
  }
  if (pclose(f) != 0 || !*pg->port)
    bench_die("%s failed", cmd);
}

static pid_t parent_of(pid_t pid) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  FILE *f = fopen(path, "re");
  if (!f)
    return -1;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char *p = strrchr(buf, ')');
  int ppid = -1;
  if (p)
    sscanf(p + 2, "%*c %d", &ppid);
  return ppid;
}

void bench_pg_setup(bench_pg *pg) {
  if (!pg->dbname)
    pg->dbname = "careeros_bench";
  char base[512];
  if (pg->conninfo) {
    snprintf(base, sizeof base, "%s", pg->conninfo);
  } else {
    if (!pg->pgdir)
      pg->pgdir = "/tmp/pg-bench";
    start_cluster(pg);
    snprintf(base, sizeof base, "host=%s port=%s user=postgres", pg->host, pg->port);
  }
  char tmp[700];
  snprintf(tmp, sizeof tmp, "%s dbname=postgres", base);
  PGconn *c = bench_connect(tmp);
  char sql[512];
  snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", pg->dbname);
  bench_exec(c, sql);
  snprintf(sql, sizeof sql, "CREATE DATABASE %s", pg->dbname);
  bench_exec(c, sql);
  /* The postmaster is the parent of any backend. */
  pg->postmaster = parent_of((pid_t)PQbackendPID(c));
  PQfinish(c);

  snprintf(pg->admin, sizeof pg->admin, "%.400s dbname=%.64s", base, pg->dbname);
  pid_t pid = fork();
  if (pid == 0) {
    setenv("CAREEROS_DATABASE_CONNINFO", pg->admin, 1);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    char dir[600];
    snprintf(dir, sizeof dir, "%s/sql", bench_source_root());
    execl(bench_worker_exe(), "careeros-worker", "migrate", "--dir", dir, (char *)NULL);
    _exit(127);
  }
  if (run_wait(pid) != 0)
    bench_die("migrate failed (%s migrate --dir %s/sql)", bench_worker_exe(), bench_source_root());

  /* The worker logs in as its own least-privilege role (trust auth here). */
  c = bench_connect(pg->admin);
  bench_exec(c, "ALTER ROLE careeros_worker LOGIN");
  bench_exec(c, "INSERT INTO auth.users (id, email) VALUES ('" BENCH_USER "', 'bench@example.com') "
                "ON CONFLICT DO NOTHING");
  bench_exec(c, "INSERT INTO public.resume_streams (id, user_id, name) VALUES ('" BENCH_STREAM
                "', '" BENCH_USER "', 'bench') ON CONFLICT DO NOTHING");
  PQfinish(c);
  /* Replace the user= of the admin conninfo: later keywords win in libpq. */
  snprintf(pg->worker, sizeof pg->worker, "%.480s user=careeros_worker", pg->admin);
}

pid_t bench_worker_start(const bench_pg *pg, const char *const *env, int *err_fd,
                         const char *log_path) {
  int fds[2] = {-1, -1};
  if (err_fd && pipe2(fds, O_CLOEXEC) < 0)
    bench_die("pipe: %s", strerror(errno));
  pid_t pid = fork();
  if (pid < 0)
    bench_die("fork: %s", strerror(errno));
  if (pid == 0) {
    setenv("CAREEROS_DATABASE_CONNINFO", pg->worker, 1);
    for (int i = 0; env && env[i]; i++) {
      char *kv = strdup(env[i]);
      char *eq = strchr(kv, '=');
      if (!eq)
        _exit(126);
      *eq = 0;
      setenv(kv, eq + 1, 1);
    }
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    if (err_fd) {
      dup2(fds[1], 2);
    } else if (log_path) {
      int lf = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(lf >= 0 ? lf : null, 2);
    } else {
      dup2(null, 2);
    }
    execl(bench_worker_exe(), "careeros-worker", "run", (char *)NULL);
    _exit(127);
  }
  if (err_fd) {
    close(fds[1]);
    *err_fd = fds[0];
  }
  return pid;
}

int bench_worker_stop(pid_t pid) {
  kill(pid, SIGTERM);
  return run_wait(pid);
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

void bench_sort(double *v, size_t n) { qsort(v, n, sizeof *v, cmp_d); }

/* Nearest-rank percentile. */
double bench_pct(const double *sorted, size_t n, double p) {
  if (n == 0)
    return 0;
  size_t k = (size_t)((p / 100.0) * (double)n + 0.999999);
  if (k < 1)
    k = 1;
  if (k > n)
    k = n;
  return sorted[k - 1];
}

/* Fields 14..17 of /proc/PID/stat: utime stime cutime cstime (ticks). */
static int read_stat(pid_t pid, pid_t *ppid, double *self, double *children) {
  char path[64], buf[2048];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  FILE *f = fopen(path, "re");
  if (!f)
    return -1;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char *p = strrchr(buf, ')');
  if (!p)
    return -1;
  int pp;
  unsigned long long ut, st;
  long long cut, cst;
  if (sscanf(p + 2, "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %lld %lld", &pp, &ut,
             &st, &cut, &cst) != 5)
    return -1;
  double hz = (double)sysconf(_SC_CLK_TCK);
  if (ppid)
    *ppid = pp;
  if (self)
    *self = (double)(ut + st) / hz;
  if (children)
    *children = (double)(cut + cst) / hz;
  return 0;
}

double bench_proc_cpu(pid_t pid, bool with_children) {
  double s, c;
  if (read_stat(pid, NULL, &s, &c) < 0)
    return -1;
  return with_children ? s + c : s;
}

double bench_pg_cpu(const bench_pg *pg) {
  double total = 0, s, c;
  pid_t pp;
  if (read_stat(pg->postmaster, NULL, &s, &c) == 0)
    total += s + c; /* c: backends that already exited */
  DIR *d = opendir("/proc");
  struct dirent *e;
  while (d && (e = readdir(d))) {
    pid_t pid = (pid_t)atoi(e->d_name);
    if (pid <= 0)
      continue;
    if (read_stat(pid, &pp, &s, NULL) == 0 && pp == pg->postmaster)
      total += s;
  }
  if (d)
    closedir(d);
  return total;
}

long bench_proc_hwm_kb(pid_t pid) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
  FILE *f = fopen(path, "re");
  if (!f)
    return -1;
  long kb = -1;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, "VmHWM:", 6) == 0)
      kb = atol(line + 6);
  fclose(f);
  return kb;
}

void bench_enqueue(const bench_pg *pg, const char *root, const char *user, char **files, int n) {
  const char **argv = calloc((size_t)n + 8, sizeof *argv);
  int k = 0;
  argv[k++] = "careeros-worker";
  argv[k++] = "enqueue";
  argv[k++] = "--user";
  argv[k++] = user;
  for (int i = 0; i < n; i++)
    argv[k++] = files[i];
  argv[k] = NULL;
  pid_t pid = fork();
  if (pid == 0) {
    setenv("CAREEROS_DATABASE_CONNINFO", pg->admin, 1);
    setenv("CAREEROS_STORAGE_ROOT", root, 1);
    setenv("CAREEROS_STORAGE_BACKEND", "local", 1);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    execv(bench_worker_exe(), (char *const *)argv);
    _exit(127);
  }
  free(argv);
  if (run_wait(pid) != 0)
    bench_die("enqueue of %d file(s) failed", n);
}

void bench_enqueue_spread(const bench_pg *pg, const char *root, char **files, int n, int per_user) {
  for (int i = 0; i < n; i += 500)
    bench_enqueue(pg, root, BENCH_USER, files + i, n - i < 500 ? n - i : 500);
  int users = (n + per_user - 1) / per_user;
  PGconn *c = bench_connect(pg->admin);
  char sql[1024];
  snprintf(sql, sizeof sql,
           "INSERT INTO auth.users (id, email) SELECT md5('u' || g)::uuid, 'u' || g || "
           "'@example.com' FROM generate_series(1, %d) g",
           users);
  bench_exec(c, sql);
  snprintf(sql, sizeof sql,
           "INSERT INTO public.resume_streams (id, user_id, name) SELECT md5('s' || g)::uuid, "
           "md5('u' || g)::uuid, 'bench' FROM generate_series(1, %d) g",
           users);
  bench_exec(c, sql);
  /* A version's file lies in its owner's folder: each moves with its row. */
  snprintf(sql, sizeof sql,
           "UPDATE public.resume_versions rv SET user_id = md5('u' || x.k)::uuid, "
           "stream_id = md5('s' || x.k)::uuid, "
           "file_path = md5('u' || x.k)::uuid || '/' || split_part(rv.file_path, '/', 2) "
           "FROM (SELECT id, (row_number() OVER (ORDER BY "
           "version_number) - 1) / %d + 1 AS k FROM public.resume_versions WHERE user_id = '"
           BENCH_USER "') x WHERE rv.id = x.id RETURNING rv.file_path",
           per_user);
  PGresult *r = PQexec(c, sql);
  if (PQresultStatus(r) != PGRES_TUPLES_OK)
    bench_die("spreading versions over users: %s", PQerrorMessage(c));
  for (int i = 0; i < PQntuples(r); i++) {
    const char *to = PQgetvalue(r, i, 0);
    char from[1024], dst[1024], dir[1024];
    snprintf(from, sizeof from, "%s/" BENCH_USER "/%s", root, strchr(to, '/') + 1);
    snprintf(dst, sizeof dst, "%s/%s", root, to);
    snprintf(dir, sizeof dir, "%s/%.36s", root, to);
    if ((mkdir(dir, 0700) < 0 && errno != EEXIST) || rename(from, dst) < 0)
      bench_die("moving %s to %s: %s", from, dst, strerror(errno));
  }
  PQclear(r);
  PQfinish(c);
}

int bench_pipeline_env(const char *root, const char **env, int n) {
  static char s_root[700], s_helper[700], s_skills[700];
  snprintf(s_root, sizeof s_root, "CAREEROS_STORAGE_ROOT=%s", root);
  env[n++] = s_root;
  env[n++] = "CAREEROS_STORAGE_BACKEND=local";
  env[n++] = "CAREEROS_PROVIDER_NAME=offline";
  char path[600];
  snprintf(path, sizeof path, "%s/src/extract/careeros-extract", bench_build_root());
  if (access(path, X_OK) == 0) {
    snprintf(s_helper, sizeof s_helper, "CAREEROS_EXTRACT_HELPER=%s", path);
    env[n++] = s_helper;
  }
  snprintf(path, sizeof path, "%s/config/skills.ini", bench_source_root());
  if (access(path, R_OK) == 0) {
    snprintf(s_skills, sizeof s_skills, "CAREEROS_PROVIDER_SKILLS_FILE=%s", path);
    env[n++] = s_skills;
  }
  return n;
}

/* ---- synthetic resumes ---------------------------------------------------- */

static const char *first_names[] = {"Alice", "Bilal", "Chen", "Dana", "Emeka", "Farah", "Goran",
                                    "Hana", "Ivan", "Jun", "Kofi", "Lena", "Mateo", "Nadia",
                                    "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara"};
static const char *last_names[] = {"Anders", "Brook", "Castillo", "Dubois", "Eriksen", "Fischer",
                                   "Gupta", "Haddad", "Ito", "Jansen", "Kowalski", "Larsen",
                                   "Moreau", "Novak", "Okafor", "Petrov", "Rossi", "Silva"};
static const char *companies[] = {"Acme Corp", "Globex", "Initech", "Umbrella Health",
                                  "Stark Industries", "Wayne Logistics", "Hooli", "Vandelay Imports",
                                  "Soylent Foods", "Tyrell Systems", "Cyberdyne", "Wonka Labs",
                                  "Aperture Science", "Massive Dynamic", "Pied Piper"};
static const char *titles[] = {"Software Engineer", "Senior Software Engineer", "Data Analyst",
                               "Product Manager", "Engineering Manager", "DevOps Engineer",
                               "Backend Developer", "Frontend Developer", "Data Scientist",
                               "QA Engineer", "Technical Lead", "Site Reliability Engineer"};
static const char *skills[] = {"Python", "Java", "C", "C++", "Go", "Rust", "JavaScript",
                               "TypeScript", "React", "PostgreSQL", "Kubernetes", "Docker",
                               "AWS", "Terraform", "Linux", "SQL", "Kafka", "Redis",
                               "Machine Learning", "Git", "GraphQL", "Node.js", "Spark"};
static const char *schools[] = {"University of Lisbon", "MIT", "ETH Zurich", "University of Lagos",
                                "Tsinghua University", "University of Toronto", "TU Munich",
                                "University of Cape Town", "Sorbonne University"};
static const char *verbs[] = {"Built", "Led", "Designed", "Migrated", "Reduced", "Automated",
                              "Scaled", "Launched", "Improved", "Mentored"};
static const char *objects[] = {"the billing pipeline", "a team of 5 engineers",
                                "the search service", "CI from Jenkins to GitHub Actions",
                                "p99 latency by 40%", "nightly data loads", "the mobile API",
                                "an internal analytics platform", "the on-call process",
                                "customer onboarding flows"};
static const char *months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

#define PICK(a, r) (a[(r) % (sizeof a / sizeof a[0])])

static unsigned next_rand(unsigned *s) {
  *s = *s * 1103515245u + 12345u;
  return (*s >> 8) & 0xffffff;
}

long bench_write_resume(const char *path, unsigned seed) {
  unsigned s = seed * 2654435761u + 1;
  FILE *f = fopen(path, "we");
  if (!f)
    bench_die("cannot write %s: %s", path, strerror(errno));
  const char *fn = PICK(first_names, next_rand(&s)), *ln = PICK(last_names, next_rand(&s));
  fprintf(f, "%s %s\n", fn, ln);
  fprintf(f, "%s.%s%u@example.com | +1 555 %03u %04u | linkedin.com/in/%s-%s-%u\n", fn, ln, seed,
          next_rand(&s) % 1000, next_rand(&s) % 10000, fn, ln, seed);
  fprintf(f, "Berlin, Germany\n\nSUMMARY\n");
  fprintf(f, "%s with %u years of experience in %s and %s. %s %s.\n\n",
          PICK(titles, next_rand(&s)), 3 + next_rand(&s) % 15, PICK(skills, next_rand(&s)),
          PICK(skills, next_rand(&s)), PICK(verbs, next_rand(&s)), PICK(objects, next_rand(&s)));
  fprintf(f, "EXPERIENCE\n\n");
  int jobs = 2 + (int)(next_rand(&s) % 4);
  int year = 2025;
  for (int j = 0; j < jobs; j++) {
    int len = 1 + (int)(next_rand(&s) % 4);
    int m0 = (int)(next_rand(&s) % 12), m1 = (int)(next_rand(&s) % 12);
    fprintf(f, "%s\n%s, %s\n", PICK(titles, next_rand(&s)), PICK(companies, next_rand(&s)),
            j % 2 ? "Remote" : "London, UK");
    if (j == 0)
      fprintf(f, "%s %d - Present\n", months[m0], year - len);
    else
      fprintf(f, "%s %d - %s %d\n", months[m0], year - len, months[m1], year);
    int bullets = 2 + (int)(next_rand(&s) % 3);
    for (int b = 0; b < bullets; b++)
      fprintf(f, "- %s %s using %s.\n", PICK(verbs, next_rand(&s)), PICK(objects, next_rand(&s)),
              PICK(skills, next_rand(&s)));
    fprintf(f, "\n");
    year -= len;
  }
  fprintf(f, "EDUCATION\n\n");
  fprintf(f, "%s\n%s in Computer Science\n%d - %d\n\n", PICK(schools, next_rand(&s)),
          next_rand(&s) % 2 ? "BSc" : "MSc", year - 4, year);
  fprintf(f, "SKILLS\n\n");
  int ns = 5 + (int)(next_rand(&s) % 8);
  for (int k = 0; k < ns; k++)
    fprintf(f, "%s%s", k ? ", " : "", PICK(skills, next_rand(&s)));
  fprintf(f, "\n\nLANGUAGES\n\nEnglish (fluent), German (intermediate)\n");
  long size = ftell(f);
  fclose(f);
  return size;
}

double bench_wait_drained(PGconn *db, pid_t worker, bool with_children, int poll_ms,
                          double t0, double timeout_s, double *worker_cpu) {
  return bench_wait_drained_window(db, worker, with_children, poll_ms, t0, timeout_s, worker_cpu, NULL);
}

double bench_wait_drained_window(PGconn *db, pid_t worker, bool with_children, int poll_ms,
                                 double t0, double timeout_s, double *worker_cpu, bench_window *win) {
  for (;;) {
    usleep((useconds_t)poll_ms * 1000);
    double w = bench_proc_cpu(worker, with_children);
    if (w >= 0)
      *worker_cpu = w;
    char *left = bench_value(db, BENCH_LEFT_SQL);
    int k = atoi(left);
    free(left);
    double now = bench_now();
    if (win && !win->seen_from && k <= win->from_left) {
      win->seen_from = true;
      win->t_from = now;
      win->cpu_from = *worker_cpu;
    }
    if (win && !win->seen_to && k <= win->to_left) {
      win->seen_to = true;
      win->t_to = now;
      win->cpu_to = *worker_cpu;
    }
    if (k == 0)
      return now;
    if (now - t0 > timeout_s)
      bench_die("not done after %.0f s (%d left)", timeout_s, k);
  }
}

void bench_workdir(const char *prefix, char work[600], char root[600], char in[600]) {
  snprintf(work, 600, "%s.XXXXXX", prefix);
  if (!mkdtemp(work))
    bench_die("mkdtemp: %s", strerror(errno));
  chmod(work, 0755);
  snprintf(root, 600, "%.580s/uploads", work);
  snprintf(in, 600, "%.580s/in", work);
  mkdir(root, 0755);
  mkdir(in, 0755);
}
