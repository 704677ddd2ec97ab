#include "workerfx.h"

#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"

extern char **environ;

static char binary[4096];

void wfx_set_binary(int argc, char **argv) {
  const char *b = argc > 1 ? argv[1] : getenv("CW_BIN");
  if (b && *b)
    snprintf(binary, sizeof binary, "%s", b);
  else
    snprintf(binary, sizeof binary, "%s/src/careeros-worker", cw_test_build_root());
  if (access(binary, X_OK) != 0) {
    fprintf(stderr, "workerfx: %s is not executable: %s\n", binary, strerror(errno));
    abort();
  }
}

const char *wfx_binary(void) { return binary; }

long wfx_now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

void wfx_sleep_ms(int ms) {
  struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
  while (nanosleep(&t, &t) < 0 && errno == EINTR) {
  }
}

/* ---- SQL ------------------------------------------------------------------ */

static char *vfmt(const char *fmt, va_list ap) {
  char *s;
  if (vasprintf(&s, fmt, ap) < 0)
    abort();
  return s;
}

long wfx_count(wfx *f, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *sql = vfmt(fmt, ap);
  va_end(ap);
  long n = cw_test_scalar_long(f->c, sql);
  free(sql);
  return n;
}

char *wfx_value(wfx *f, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *sql = vfmt(fmt, ap);
  va_end(ap);
  char *v = cw_test_scalar(f->c, sql);
  free(sql);
  return v;
}

void wfx_exec(wfx *f, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *sql = vfmt(fmt, ap);
  va_end(ap);
  cw_test_exec(f->c, sql);
  free(sql);
}

long wfx_wait_count(wfx *f, long want, int timeout_ms, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *sql = vfmt(fmt, ap);
  va_end(ap);
  long t0 = wfx_now_ms(), n;
  for (;;) {
    n = cw_test_scalar_long(f->c, sql);
    if (n == want || wfx_now_ms() - t0 > timeout_ms)
      break;
    wfx_sleep_ms(50);
  }
  free(sql);
  return n;
}

long wfx_unfinished(wfx *f) {
  return cw_test_scalar_long(f->c, "SELECT count(*) FROM public.resume_versions "
                                   "WHERE processing_status NOT IN ('completed', 'failed')");
}

/* ---- files ---------------------------------------------------------------- */

void wfx_sha256_hex(const void *data, size_t len, char out[65]) {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (!EVP_Digest(data, len, d, &n, EVP_sha256(), NULL) || n != 32)
    abort();
  for (unsigned i = 0; i < n; i++)
    snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void mkdirs(const char *path) {
  char tmp[1024];
  snprintf(tmp, sizeof tmp, "%s", path);
  for (char *p = tmp + 1; *p; p++)
    if (*p == '/') {
      *p = 0;
      mkdir(tmp, 0700);
      *p = '/';
    }
  mkdir(tmp, 0700);
}

void wfx_write_file(wfx *f, const char *rel, const void *data, size_t len) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", f->root, rel);
  char dir[1024];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash) {
    *slash = 0;
    mkdirs(dir);
  }
  FILE *fp = fopen(path, "wb");
  ck_assert_msg(fp != NULL, "cannot write %s: %s", path, strerror(errno));
  ck_assert_uint_eq(fwrite(data, 1, len, fp), len);
  ck_assert_int_eq(fclose(fp), 0);
}

static const char *first_names[] = {"Jane",  "Omar",  "Mei",   "Lucas",  "Amara", "Pavel", "Sofia",
                                    "Kenji", "Nadia", "Diego", "Ingrid", "Tariq", "Chloe"};
static const char *last_names[] = {"Doe",   "Haddad", "Lin",    "Moreau",  "Okafor",
                                   "Novak", "Rossi",  "Tanaka", "Petrova", "Alvarez",
                                   "Berg",  "Khan",   "Martin"};
static const char *titles[] = {
    "Software Engineer", "Data Scientist",      "Product Manager",    "DevOps Engineer",
    "Backend Developer", "Engineering Manager", "Frontend Developer", "Site Reliability Engineer"};
static const char *companies[] = {
    "Acme Corp",       "Globex", "Initech",          "Umbrella Health", "Stark Industries",
    "Wayne Logistics", "Hooli",  "Vandelay Imports", "Soylent Foods",   "Cyberdyne Systems",
    "Tyrell Labs"};
static const char *schools[] = {"University of Washington",
                                "Stanford University",
                                "University of Toronto",
                                "Technical University of Munich",
                                "MIT",
                                "University of Edinburgh",
                                "National University of Singapore"};
static const char *degrees[] = {"B.Sc. Computer Science", "M.Sc. Data Science", "B.A. Economics",
                                "M.Eng. Software Engineering", "B.Sc. Mathematics"};
static const char *cities[] = {"San Francisco, CA", "Berlin, Germany", "Toronto, ON",
                               "London, UK",        "Austin, TX",      "Singapore",
                               "Lisbon, Portugal"};
static const char *skills[] = {
    "Python", "Go",        "PostgreSQL", "Kubernetes", "AWS", "Docker", "React",   "TypeScript",
    "Java",   "Terraform", "Kafka",      "Rust",       "SQL", "Linux",  "GraphQL", "Redis"};
static const char *months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *bullets[] = {
    "Led the migration of the billing platform to PostgreSQL, cutting costs by 30%.",
    "Built streaming data pipelines processing 2 billion events per day.",
    "Mentored five engineers and ran the hiring loop for the platform team.",
    "Designed a public REST API used by 400 partner companies.",
    "Reduced p99 latency of the search service from 900 ms to 120 ms.",
    "Automated infrastructure with Terraform across three cloud regions.",
    "Shipped a React dashboard used daily by the operations team.",
};

#define PICK(a, i) a[(unsigned)(i) % (sizeof a / sizeof a[0])]

struct sbuf {
  char *s;
  size_t n, cap;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *piece = vfmt(fmt, ap);
  va_end(ap);
  size_t l = strlen(piece);
  if (b->n + l + 1 > b->cap) {
    b->cap = (b->n + l + 1) * 2;
    b->s = realloc(b->s, b->cap);
  }
  memcpy(b->s + b->n, piece, l + 1);
  b->n += l;
  free(piece);
}

char *wfx_resume_text(int i) {
  struct sbuf b = {0};
  const char *first = PICK(first_names, i), *last = PICK(last_names, i / 13);
  sb_printf(&b, "%s %s\n%s\n", first, last, PICK(titles, i));
  sb_printf(&b, "%c%s.%c%s%d@example.com | +1 415 555 %04d | %s\n\n", first[0] | 0x20, first + 1,
            last[0] | 0x20, last + 1, i, i % 10000, PICK(cities, i));
  if (i % 3 != 0)
    sb_printf(&b, "SUMMARY\n%s with %d years of experience in %s and %s.\n\n", PICK(titles, i),
              3 + i % 12, PICK(skills, i), PICK(skills, i + 5));
  sb_printf(&b, "%s\n", i % 2 ? "EXPERIENCE" : "WORK EXPERIENCE");
  int jobs = 1 + i % 3, year = 2024;
  for (int k = 0; k < jobs; k++) {
    int len = 1 + (i + k) % 4;
    int start = year - len;
    if (i % 4 == 0)
      sb_printf(&b, "%s, %s\n", PICK(titles, i + k), PICK(companies, i + 3 * k));
    else
      sb_printf(&b, "%s - %s\n", PICK(companies, i + 3 * k), PICK(titles, i + k));
    if (k == 0)
      sb_printf(&b, "%s %d - Present\n", PICK(months, i), start);
    else
      sb_printf(&b, "%s %d - %s %d\n", PICK(months, i + k), start, PICK(months, i + k + 4), year);
    sb_printf(&b, "- %s\n- %s\n\n", PICK(bullets, i + k), PICK(bullets, i + k + 3));
    year = start;
  }
  sb_printf(&b, "EDUCATION\n%s, %s, %d - %d\n\n", PICK(degrees, i), PICK(schools, i), year - 4,
            year);
  sb_printf(&b, "SKILLS\n%s, %s, %s, %s, %s\n", PICK(skills, i), PICK(skills, i + 3),
            PICK(skills, i + 7), PICK(skills, i + 11), PICK(skills, i + 2));
  if (i % 5 == 0)
    sb_printf(&b, "\nCERTIFICATIONS\nAWS Certified Solutions Architect, Amazon, %d\n",
              2015 + i % 9);
  return b.s;
}

/* ---- database and directories -------------------------------------------- */

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  remove(p);
  return 0;
}

void wfx_init(wfx *f, const char *prefix, int nusers, const char *conninfo) {
  memset(f, 0, sizeof *f);
  f->conninfo = conninfo ? strdup(conninfo) : cw_test_fresh_db(prefix);
  f->dir = cw_test_tmpdir(prefix);
  snprintf(f->root, sizeof f->root, "%s/root", f->dir);
  mkdir(f->root, 0700);
  f->c = cw_test_connect(f->conninfo);
  if (nusers > WFX_MAX_USERS)
    nusers = WFX_MAX_USERS;
  f->nusers = nusers;
  for (int u = 0; u < nusers; u++) {
    snprintf(f->users[u], 37, "%08x-0000-4000-8000-%012x", 0x5eed0000u + (unsigned)u, (unsigned)u);
    wfx_exec(f, "INSERT INTO auth.users (id, email) VALUES ('%s', 'user%d@example.test')",
             f->users[u], u);
    char *s = wfx_value(f,
                        "INSERT INTO public.resume_streams (user_id, name) VALUES ('%s', 'Resume') "
                        "RETURNING id",
                        f->users[u]);
    snprintf(f->streams[u], 37, "%s", s);
    free(s);
  }
}

void wfx_done(wfx *f) {
  for (int i = 0; i < f->nw; i++)
    if (f->w[i].running) {
      kill(f->w[i].pid, SIGKILL);
      wfx_wait_exit(&f->w[i], 5000);
    }
  PQfinish(f->c);
  f->c = NULL;
  /* Drop the clone so that a long suite does not fill the cluster. */
  const char *db = strstr(f->conninfo, "dbname=");
  if (db) {
    char name[128], admin[1024];
    sscanf(db + 7, "%127s", name);
    snprintf(admin, sizeof admin, "%.*sdbname=postgres", (int)(db - f->conninfo), f->conninfo);
    PGconn *a = PQconnectdb(admin);
    if (PQstatus(a) == CONNECTION_OK) {
      char sql[256];
      snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
      PQclear(PQexec(a, sql));
    }
    PQfinish(a);
  }
  /* WFX_KEEP=1 keeps configs and logs for a look after a passing run */
  if (!getenv("WFX_KEEP"))
    nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  else
    fprintf(stderr, "workerfx: kept %s\n", f->dir);
  free(f->dir);
  free(f->conninfo);
}

/* ---- versions ---------------------------------------------------------------- */

char (*wfx_enqueue(wfx *f, int n, int max_attempts))[37] {
  struct sbuf streams = {0}, users = {0}, paths = {0}, sizes = {0}, hashes = {0};
  for (int k = 0; k < n; k++) {
    int i = f->nfiles++;
    int u = i % f->nusers;
    char rel[256];
    snprintf(rel, sizeof rel, "%s/cv-%05d.txt", f->users[u], i);
    char *text = wfx_resume_text(i);
    size_t len = strlen(text);
    wfx_write_file(f, rel, text, len);
    char hex[65];
    wfx_sha256_hex(text, len, hex);
    free(text);
    const char *sep = k ? "," : "{";
    sb_printf(&streams, "%s%s", sep, f->streams[u]);
    sb_printf(&users, "%s%s", sep, f->users[u]);
    sb_printf(&paths, "%s%s", sep, rel);
    sb_printf(&sizes, "%s%zu", sep, len);
    sb_printf(&hashes, "%s%s", sep, hex);
  }
  sb_printf(&streams, "}");
  sb_printf(&users, "}");
  sb_printf(&paths, "}");
  sb_printf(&sizes, "}");
  sb_printf(&hashes, "}");
  char ma[16];
  snprintf(ma, sizeof ma, "%d", max_attempts > 0 ? max_attempts : 5);
  const char *p[] = {streams.s, users.s, paths.s, sizes.s, hashes.s, ma};
  PGresult *r = PQexecParams(
      f->c,
      "INSERT INTO public.resume_versions (stream_id, user_id, version_number, file_name, "
      "file_path, file_size, file_hash, mime_type, max_attempts) "
      "SELECT s, u, 1, regexp_replace(p, '^.*/', ''), p, z, h, 'text/plain', $6::int "
      "FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::text[]) "
      "WITH ORDINALITY AS t(s, u, p, z, h, o) ORDER BY o RETURNING id",
      6, NULL, p, NULL, NULL, 0);
  ck_assert_msg(PQresultStatus(r) == PGRES_TUPLES_OK, "enqueue: %s", PQerrorMessage(f->c));
  ck_assert_int_eq(PQntuples(r), n);
  char(*ids)[37] = calloc((size_t)n, 37);
  for (int k = 0; k < n; k++)
    snprintf(ids[k], 37, "%s", PQgetvalue(r, k, 0));
  PQclear(r);
  free(streams.s);
  free(users.s);
  free(paths.s);
  free(sizes.s);
  free(hashes.s);
  return ids;
}

void wfx_insert_version(wfx *f, int user, const char *rel_path, long size, const char *sha256,
                        int max_attempts, char out[37]) {
  char sz[32], ma[16];
  snprintf(sz, sizeof sz, "%ld", size);
  snprintf(ma, sizeof ma, "%d", max_attempts > 0 ? max_attempts : 5);
  const char *base = strrchr(rel_path, '/') ? strrchr(rel_path, '/') + 1 : rel_path;
  const char *p[] = {
      f->streams[user], f->users[user], *base ? base : "x", rel_path, sz, sha256, ma};
  PGresult *r = PQexecParams(f->c,
                             "INSERT INTO public.resume_versions (stream_id, user_id, file_name, "
                             "file_path, file_size, file_hash, mime_type, max_attempts) VALUES "
                             "($1, $2, $3, $4, $5::int, $6, 'text/plain', $7::int) RETURNING id",
                             7, NULL, p, NULL, NULL, 0);
  ck_assert_msg(PQresultStatus(r) == PGRES_TUPLES_OK, "insert version: %s", PQerrorMessage(f->c));
  snprintf(out, 37, "%s", PQgetvalue(r, 0, 0));
  PQclear(r);
}

/* ---- worker processes ----------------------------------------------------- */

/* Workers log in as the least-privileged role the README tells operators
 * to use (the later user= overrides the fixture's superuser), so that a
 * missing grant fails here and not in production. */
void wfx_write_ini(wfx *f, wfx_worker *w, const char *extra) {
  char skills[1024], helper[1024];
  snprintf(skills, sizeof skills, "%s/config/skills.ini", cw_test_source_root());
  snprintf(helper, sizeof helper, "%s/src/extract/careeros-extract", cw_test_build_root());
  FILE *fp = fopen(w->ini, "w");
  ck_assert_msg(fp != NULL, "cannot write %s", w->ini);
  fprintf(fp,
          "[database]\nconninfo = %s user=careeros_worker\npool_size = 2\nreconnect_min_ms = 100\n"
          "reconnect_max_ms = 1000\nconnect_timeout_ms = 5000\n\n"
          "[worker]\nid = %s\nconcurrency = 8\npoll_interval_ms = 1000\n"
          "shutdown_deadline_ms = 10000\nbackoff_base_ms = 200\nbackoff_max_ms = 2000\n\n"
          "[storage]\nbackend = local\nroot = %s\n\n"
          "[provider]\nname = offline\n",
          f->conninfo, w->name, f->root);
  if (access(skills, R_OK) == 0)
    fprintf(fp, "skills_file = %s\n", skills);
  if (access(helper, X_OK) == 0)
    fprintf(fp, "\n[extract]\nhelper = %s\n", helper);
  fprintf(fp, "\n[log]\nlevel = info\n\n%s\n", extra ? extra : "");
  ck_assert_int_eq(fclose(fp), 0);
}

wfx_worker *wfx_start(wfx *f, const char *name, const char *extra) {
  ck_assert_int_lt(f->nw, WFX_MAX_WORKERS);
  wfx_worker *w = &f->w[f->nw++];
  memset(w, 0, sizeof *w);
  snprintf(w->name, sizeof w->name, "%s", name);
  snprintf(w->ini, sizeof w->ini, "%s/%s.ini", f->dir, name);
  snprintf(w->log, sizeof w->log, "%s/%s.log", f->dir, name);
  wfx_write_ini(f, w, extra);
  pid_t parent = getpid();
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    /* The daemon must not outlive the test, whatever ends the test. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
      _exit(125);
    int fd = open(w->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd < 0)
      _exit(126);
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
    int nul = open("/dev/null", O_RDONLY);
    if (nul >= 0) {
      dup2(nul, 0);
      close(nul);
    }
    /* No CAREEROS_* or systemd variables from the caller. */
    for (;;) {
      char **e = environ;
      while (*e && strncmp(*e, "CAREEROS_", 9) != 0 && strncmp(*e, "NOTIFY_SOCKET=", 14) != 0 &&
             strncmp(*e, "WATCHDOG_", 9) != 0 && strncmp(*e, "CREDENTIALS_DIRECTORY=", 22) != 0)
        e++;
      if (!*e)
        break;
      char nm[256];
      size_t n = strcspn(*e, "=");
      snprintf(nm, sizeof nm, "%.*s", (int)n, *e);
      unsetenv(nm);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execl(binary, binary, "--config", w->ini, "run", (char *)NULL);
    _exit(127);
  }
  w->pid = pid;
  w->running = true;
  return w;
}

void wfx_signal(wfx_worker *w, int sig) {
  ck_assert_msg(w->running, "worker %s is not running", w->name);
  ck_assert_int_eq(kill(w->pid, sig), 0);
}

int wfx_wait_exit(wfx_worker *w, int timeout_ms) {
  if (!w->running)
    return w->status;
  long t0 = wfx_now_ms();
  for (;;) {
    int st;
    pid_t r = waitpid(w->pid, &st, WNOHANG);
    if (r == w->pid) {
      w->running = false;
      w->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      return w->status;
    }
    if (r < 0 && errno != EINTR)
      return -1;
    if (wfx_now_ms() - t0 > timeout_ms)
      return -1;
    wfx_sleep_ms(10);
  }
}

int wfx_stop(wfx_worker *w, int timeout_ms) {
  if (!w->running)
    return w->status;
  kill(w->pid, SIGCONT); /* a stopped process cannot handle SIGTERM */
  kill(w->pid, SIGTERM);
  int st = wfx_wait_exit(w, timeout_ms);
  if (st < 0) {
    kill(w->pid, SIGKILL);
    wfx_wait_exit(w, 5000);
    return -1;
  }
  return st;
}

/* ---- logs --------------------------------------------------------------- */

char *wfx_log(const wfx_worker *w) {
  FILE *fp = fopen(w->log, "rb");
  if (!fp)
    return strdup("");
  char *buf = NULL;
  size_t n = 0, cap = 0, got;
  char chunk[65536];
  while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0) {
    if (n + got + 1 > cap) {
      cap = (n + got + 1) * 2;
      buf = realloc(buf, cap);
    }
    memcpy(buf + n, chunk, got);
    n += got;
  }
  fclose(fp);
  if (!buf)
    return strdup("");
  buf[n] = 0;
  return buf;
}

int wfx_log_count(const wfx_worker *w, const char *needle) {
  char *s = wfx_log(w);
  int n = 0;
  size_t l = strlen(needle);
  for (const char *p = s; (p = strstr(p, needle)) != NULL; p += l)
    n++;
  free(s);
  return n;
}

bool wfx_wait_log(const wfx_worker *w, const char *needle, int n, int timeout_ms) {
  long t0 = wfx_now_ms();
  for (;;) {
    if (wfx_log_count(w, needle) >= n)
      return true;
    if (wfx_now_ms() - t0 > timeout_ms)
      return false;
    wfx_sleep_ms(20);
  }
}

void wfx_dump_logs(const wfx *f) {
  for (int i = 0; i < f->nw; i++) {
    char *s = wfx_log(&f->w[i]);
    size_t len = strlen(s);
    /* the last 40 lines */
    const char *p = s + len;
    int lines = 0;
    while (p > s && lines <= 40)
      if (*--p == '\n')
        lines++;
    wfx_worker *w = (wfx_worker *)&f->w[i];
    int st = wfx_wait_exit(w, 0);
    fprintf(stderr, "---- %s (%s, %s %d), last lines ----\n%s\n", w->name, w->log,
            st < 0 ? "running, pid" : "exit status", st < 0 ? (int)w->pid : st, p);
    free(s);
  }
}

/* ---- locks, outputs, CLI ------------------------------------------------------ */

PGconn *wfx_block_table(wfx *f, const char *table) {
  PGconn *c = cw_test_connect(f->conninfo);
  cw_test_exec(c, "BEGIN");
  char sql[256];
  snprintf(sql, sizeof sql, "LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE", table);
  cw_test_exec(c, sql);
  return c;
}

void wfx_unblock(PGconn *c) {
  cw_test_exec(c, "COMMIT");
  PQfinish(c);
}

void wfx_assert_outputs_once(wfx *f, long n) {
  ck_assert_int_eq(wfx_count(f, "SELECT count(*) FROM public.resume_versions"), n);
  ck_assert_int_eq(
      wfx_count(f, "SELECT count(*) FROM public.resume_versions WHERE processing_status = "
                   "'completed' AND current_stage = 'complete' AND processing_progress = 100 "
                   "AND lease_token IS NULL AND locked_by IS NULL"),
      n);
  /* exactly one career_enrichment and one text row per version */
  ck_assert_int_eq(wfx_count(f, "SELECT count(*) FROM public.resume_versions v WHERE (SELECT "
                                "count(*) FROM public.career_enrichment c WHERE "
                                "c.resume_version_id = v.id) <> 1"),
                   0);
  ck_assert_int_eq(wfx_count(f, "SELECT count(*) FROM public.career_enrichment"), n);
  ck_assert_int_eq(wfx_count(f, "SELECT count(*) FROM public.resume_versions v WHERE (SELECT "
                                "count(*) FROM public.resume_version_texts t WHERE "
                                "t.resume_version_id = v.id) <> 1"),
                   0);
  /* entities: some for every version, never two rows for one field */
  ck_assert_int_eq(wfx_count(f, "SELECT count(*) FROM public.resume_versions v WHERE NOT EXISTS "
                                "(SELECT 1 FROM public.parsed_resume_entities p WHERE "
                                "p.resume_version_id = v.id)"),
                   0);
  ck_assert_int_eq(wfx_count(f, "SELECT count(*) FROM (SELECT resume_version_id, field_name FROM "
                                "public.parsed_resume_entities GROUP BY 1, 2 HAVING count(*) > "
                                "1) d"),
                   0);
  ck_assert_int_eq(wfx_count(f, "SELECT count(*) FROM (SELECT resume_version_id, narrative_type "
                                "FROM public.career_narratives GROUP BY 1, 2 HAVING count(*) > "
                                "1) d"),
                   0);
  ck_assert_int_eq(wfx_count(f, "SELECT count(*) FROM public.resume_versions WHERE NOT ("
                                "processing_stages->'upload'->>'status' = 'completed' AND "
                                "processing_stages->'parse'->>'status' = 'completed' AND "
                                "processing_stages->'enrich'->>'status' = 'completed' AND "
                                "processing_stages->'complete'->>'status' = 'completed')"),
                   0);
}

int wfx_cli(wfx *f, const wfx_worker *w, char **out, ...) {
  const char *argv[32];
  int n = 0;
  argv[n++] = binary;
  argv[n++] = "--config";
  argv[n++] = w->ini;
  va_list ap;
  va_start(ap, out);
  const char *a;
  while ((a = va_arg(ap, const char *)) != NULL && n < 31)
    argv[n++] = a;
  va_end(ap);
  argv[n] = NULL;
  char path[400];
  snprintf(path, sizeof path, "%.340s/cli-%ld.out", f->dir, wfx_now_ms());
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
      _exit(126);
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
    execv(binary, (char *const *)argv);
    _exit(127);
  }
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR)
      abort();
  if (out) {
    wfx_worker tmp;
    snprintf(tmp.log, sizeof tmp.log, "%s", path);
    *out = wfx_log(&tmp);
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- fake LLM server ---------------------------------------------------------- */

void wfx_llm_start(wfx_llm *l, const char *const *flags) {
  const char *bin = getenv("CW_FAKE_LLM");
  ck_assert_msg(bin && *bin, "CW_FAKE_LLM is not set (run through meson test)");
  const char *argv[40];
  int n = 0;
  argv[n++] = bin;
  argv[n++] = "--port";
  argv[n++] = "0";
  for (int i = 0; flags && flags[i] && n < 39; i++)
    argv[n++] = flags[i];
  argv[n] = NULL;
  int p[2];
  ck_assert_int_eq(pipe(p), 0);
  pid_t parent = getpid();
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
      _exit(125);
    dup2(p[1], 1);
    close(p[0]);
    close(p[1]);
    execv(bin, (char *const *)argv);
    _exit(127);
  }
  close(p[1]);
  char buf[32] = {0};
  ssize_t r;
  while ((r = read(p[0], buf, sizeof buf - 1)) < 0 && errno == EINTR) {
  }
  close(p[0]);
  ck_assert_msg(r > 0 && atoi(buf) > 0, "fake-llm did not start");
  l->pid = pid;
  l->port = atoi(buf);
}

void wfx_llm_stop(wfx_llm *l) {
  if (l->pid > 0) {
    kill(l->pid, SIGKILL);
    waitpid(l->pid, NULL, 0);
    l->pid = 0;
  }
}

static size_t collect(char *d, size_t s, size_t n, void *u) { return fwrite(d, s, n, u); }

long wfx_llm_stat(const wfx_llm *l, const char *key) {
  char url[128];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/stats", l->port);
  char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&buf, &len);
  CURL *c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, mem);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
  CURLcode rc = curl_easy_perform(c);
  curl_easy_cleanup(c);
  fclose(mem);
  json_t *j = rc == CURLE_OK ? json_loadb(buf, len, 0, NULL) : NULL;
  free(buf);
  long v = j ? (long)json_integer_value(json_object_get(j, key)) : -1;
  json_decref(j);
  return v;
}

int wfx_free_port(void) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_int_ge(s, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof a;
  ck_assert_int_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
  ck_assert_int_eq(getsockname(s, (struct sockaddr *)&a, &len), 0);
  close(s);
  return ntohs(a.sin_port);
}

static char *http_get_status(const char *url, long *status) {
  char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&buf, &len);
  CURL *c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, mem);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
  CURLcode rc = curl_easy_perform(c);
  if (status)
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
  curl_easy_cleanup(c);
  fclose(mem);
  if (rc != CURLE_OK) {
    free(buf);
    return NULL;
  }
  return buf;
}

static char *http_get(const char *url) { return http_get_status(url, NULL); }

char *wfx_http_get(int port, const char *path, long *status) {
  char url[256];
  snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
  if (status)
    *status = 0;
  return http_get_status(url, status);
}

double wfx_metric(int port, const char *name) {
  char url[128];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/metrics", port);
  char *body = http_get(url);
  if (!body)
    return -1;
  double v = -1;
  size_t n = strlen(name);
  for (char *line = body; line && *line;) {
    if (strncmp(line, name, n) == 0 && line[n] == ' ') {
      v = atof(line + n + 1);
      break;
    }
    line = strchr(line, '\n');
    if (line)
      line++;
  }
  free(body);
  return v;
}

void wfx_llm_ini(const wfx_llm *l, char *buf, size_t n) {
  snprintf(buf, n,
           "[provider]\nname = openai\nfallback_offline = false\n"
           "[llm]\nbase_url = http://127.0.0.1:%d/v1\nprompt_dir = %s/config/llm\n"
           "max_retries = 0\ntimeout_ms = 20000\n",
           l->port, cw_test_source_root());
}

/* ---- cleanup at death ----------------------------------------------------- */

void wfx_on_death(const char *cmd) {
  int p[2];
  ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    close(p[1]);
    /* Detach from the test's process group handling: only the pipe matters. */
    setsid();
    char c;
    while (read(p[0], &c, 1) < 0 && errno == EINTR) {
    }
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
  }
  close(p[0]);
  /* p[1] stays open (close-on-exec) for the life of this process. */
}

void wfx_wait_all_finished(wfx *f, int timeout_ms) {
  long left = wfx_wait_count(f, 0, timeout_ms, WFX_UNFINISHED);
  if (left)
    wfx_dump_logs(f);
  ck_assert_msg(left == 0, "%ld versions unfinished after %d ms", left, timeout_ms);
}

long wfx_kill_lock_waiters(wfx *f) {
  return wfx_count(f, "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) AS ok FROM "
                      "pg_stat_activity WHERE datname = current_database() AND "
                      "application_name = 'careeros-worker' AND wait_event_type = 'Lock') t "
                      "WHERE ok");
}
