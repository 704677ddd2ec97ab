/* Fixture for the process-level worker suites: a fresh database cloned from
 * the migrated template, a temporary storage root with generated plain-text
 * resumes, `careeros-worker run` processes started from per-worker INI
 * files, and helpers to read their logs and wait on the database.
 *
 * Worker processes get PR_SET_PDEATHSIG=SIGKILL, so a failed or timed-out
 * test (Check _exit()s its forked child) never leaves a daemon behind. */
#ifndef CW_WORKERFX_H
#define CW_WORKERFX_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <sys/types.h>

#define WFX_MAX_WORKERS 8
#define WFX_MAX_USERS 128

typedef struct {
  char name[32]; /* also the worker id (worker.id) */
  char ini[512];
  char log[512]; /* stdout and stderr */
  pid_t pid;
  bool running;
  int status; /* exit code, or 128+signal, once reaped */
} wfx_worker;

typedef struct {
  char *conninfo; /* the test's own database */
  char *dir;      /* temporary directory: configs, logs, storage root */
  char root[512]; /* storage root (dir/root) */
  PGconn *c;      /* superuser connection to the test database */
  int nusers;
  char users[WFX_MAX_USERS][37];
  char streams[WFX_MAX_USERS][37];
  int nfiles; /* resumes generated so far (names stay unique) */
  wfx_worker w[WFX_MAX_WORKERS];
  int nw;
} wfx;

/* The binary under test: argv[1] (meson passes cw_exe), else $CW_BIN, else
 * $CW_BUILD_ROOT/src/careeros-worker. */
void wfx_set_binary(int argc, char **argv);
const char *wfx_binary(void);

/* conninfo NULL: a fresh database from the template. */
void wfx_init(wfx *f, const char *prefix, int nusers, const char *conninfo);
/* Kills what still runs, drops the database (when wfx_init made it) and
 * removes the directory. */
void wfx_done(wfx *f);

/* A plain-text resume, different for every index (names, employers,
 * dates, skills, section layout).  malloc'd. */
char *wfx_resume_text(int index);
/* sha256 of the bytes as lower-case hex (65 bytes with the NUL). */
void wfx_sha256_hex(const void *data, size_t len, char out[65]);
/* Writes bytes to root/<rel> (creating directories). */
void wfx_write_file(wfx *f, const char *rel, const void *data, size_t len);

/* Generates n resumes into the storage root and inserts their versions in
 * ONE statement (one NOTIFY, like a bulk upload), spread over the users.
 * max_attempts <= 0 keeps the column default.  Returns the ids (malloc'd
 * array of n 37-byte strings, in insertion order). */
char (*wfx_enqueue(wfx *f, int n, int max_attempts))[37];
/* Inserts one version row with the given path, size and hash (any of them
 * may be wrong on purpose); returns the id in out. */
void wfx_insert_version(wfx *f, int user, const char *rel_path, long size, const char *sha256,
                        int max_attempts, char out[37]);

/* Starts `careeros-worker --config <ini> run` with a config made of the
 * base keys (database, storage, offline provider, short poll, worker id =
 * name, log level info) followed by extra (INI text, may repeat sections:
 * later keys win).  Returns the worker. */
wfx_worker *wfx_start(wfx *f, const char *name, const char *extra);
/* Writes the INI for a worker without starting it (for SIGHUP tests). */
void wfx_write_ini(wfx *f, wfx_worker *w, const char *extra);
void wfx_signal(wfx_worker *w, int sig);
/* Waits for the process to exit; returns its status or -1 on timeout. */
int wfx_wait_exit(wfx_worker *w, int timeout_ms);
/* SIGTERM, then SIGKILL after timeout_ms; returns the exit status. */
int wfx_stop(wfx_worker *w, int timeout_ms);

/* The worker's log so far (malloc'd). */
char *wfx_log(const wfx_worker *w);
/* Occurrences of needle in the log. */
int wfx_log_count(const wfx_worker *w, const char *needle);
/* Waits until the log holds at least n occurrences of needle. */
bool wfx_wait_log(const wfx_worker *w, const char *needle, int n, int timeout_ms);
/* Prints the last lines of every worker's log to stderr (for failures). */
void wfx_dump_logs(const wfx *f);

/* SQL helpers on the test's connection; they abort on SQL errors. */
long wfx_count(wfx *f, const char *sql_fmt, ...) __attribute__((format(printf, 2, 3)));
char *wfx_value(wfx *f, const char *sql_fmt, ...) __attribute__((format(printf, 2, 3)));
void wfx_exec(wfx *f, const char *sql_fmt, ...) __attribute__((format(printf, 2, 3)));
/* Waits until the query's count equals want; returns the last count. */
long wfx_wait_count(wfx *f, long want, int timeout_ms, const char *sql_fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Versions not yet completed or failed. */
long wfx_unfinished(wfx *f);
/* Waits until every version is completed or failed; on a timeout, prints
 * the workers' logs and fails the test. */
void wfx_wait_all_finished(wfx *f, int timeout_ms);
/* Terminates the workers' backends that wait on a lock (a commit blocked
 * by wfx_block_table); returns how many. */
long wfx_kill_lock_waiters(wfx *f);

/* Holds a lock that makes every INSERT into the table wait: a stage whose
 * commit writes there stays in flight, deterministically, until
 * wfx_unblock() (COMMIT, close). */
PGconn *wfx_block_table(wfx *f, const char *table);
void wfx_unblock(PGconn *c);

/* 1 while any worker backend of the test database waits on a lock. */
#define WFX_LOCK_WAITERS                                                                           \
  "SELECT least(count(*), 1) FROM pg_stat_activity WHERE datname = current_database() AND "        \
  "application_name = 'careeros-worker' AND wait_event_type = 'Lock'"
#define WFX_WORKER_BACKENDS                                                                        \
  "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "                  \
  "application_name = 'careeros-worker'"
#define WFX_UNFINISHED                                                                             \
  "SELECT count(*) FROM public.resume_versions WHERE processing_status NOT IN ('completed', "      \
  "'failed')"
/* SQL expression: the first stage of a version that is not completed. */
#define WFX_FIRST_OPEN_STAGE                                                                       \
  "CASE WHEN processing_stages->'upload'->>'status' <> 'completed' THEN 'upload' "                 \
  "WHEN processing_stages->'parse'->>'status' <> 'completed' THEN 'parse' "                        \
  "WHEN processing_stages->'enrich'->>'status' <> 'completed' THEN 'enrich' ELSE 'complete' END"

/* All n versions completed, every stage's output exactly once (one text
 * row, one career_enrichment, entities unique per field, narratives
 * unique per type), processing_stages all completed.  Says nothing about
 * processing_errors. */
void wfx_assert_outputs_once(wfx *f, long n);

/* Runs `careeros-worker --config <w's ini> ARGS...` (NULL-terminated) and
 * returns its exit status; its stdout+stderr in *out (malloc'd) if out. */
int wfx_cli(wfx *f, const wfx_worker *w, char **out, ...);

/* The fake OpenAI-compatible server ($CW_FAKE_LLM) on a free port, with
 * extra flags (NULL-terminated); killed with the test like the workers. */
typedef struct {
  pid_t pid;
  int port;
} wfx_llm;
void wfx_llm_start(wfx_llm *l, const char *const *flags);
void wfx_llm_stop(wfx_llm *l);
/* A number from its /stats (e.g. "chat_requests"); -1 on failure. */
long wfx_llm_stat(const wfx_llm *l, const char *key);
/* INI lines selecting the openai provider against it (max_retries 0). */
void wfx_llm_ini(const wfx_llm *l, char *buf, size_t n);

/* A TCP port on 127.0.0.1 that was free a moment ago (for metrics.listen). */
int wfx_free_port(void);
/* The value of an unlabelled sample ("careeros_fenced_writes_total") from
 * http://127.0.0.1:port/metrics; -1 when it cannot be read. */
double wfx_metric(int port, const char *name);

/* GET http://127.0.0.1:port<path>: the body (malloc'd) and the HTTP status,
 * or NULL when no answer came. */
char *wfx_http_get(int port, const char *path, long *status);

/* Milliseconds on the monotonic clock. */
long wfx_now_ms(void);
void wfx_sleep_ms(int ms);

/* Starts a process that, when the calling process dies (however), runs
 * `sh -c cmd`: cleanup that survives Check's _exit() on a failed assert. */
void wfx_on_death(const char *cmd);

#endif
