/* Command table, usage texts, shared helpers (configuration, connection) and
 * the small commands: run, check-config, migrate. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "careeros/cli.h"
#include "careeros/llm.h"
#include "careeros/daemon.h"
#include "careeros/ini.h"
#include "careeros/log.h"
#include "careeros/migrate.h"
#include "cw_build.h"

struct command {
  const char *name;
  int (*fn)(const cw_cli_ctx *ctx, int argc, char **argv);
  const char *summary;
  const char *usage; /* options after the command name, one per line */
};

static const struct command commands[] = {
    {"run", cw_cmd_run, "run the worker daemon until SIGTERM/SIGINT",
     "run\n"
     "  Claims pending resume versions and runs them through the pipeline.\n"
     "  SIGTERM/SIGINT drain and exit 0; SIGHUP reloads log level, concurrency, poll interval, max attempts.\n"},
    {"check-config", cw_cmd_check_config, "validate the configuration and print it (secrets masked)",
     "check-config [--connect]\n"
     "  Loads the configuration, checks that referenced files and directories exist,\n"
     "  prints \"configuration OK\" and the effective configuration, or exits 3.\n"
     "  --connect   also open a database connection\n"},
    {"migrate", cw_cmd_migrate, "apply the SQL migrations (advisory-locked, checksummed)",
     "migrate [--dir DIR] [--status]\n"
     "  Applies DIR/<digits>_*.sql in name order, each in its own transaction, and records\n"
     "  it in careeros_meta.schema_migrations.  Refuses (exit 1) when an applied file changed.\n"
     "  --dir DIR   migration directory (default " CW_DATADIR "/sql)\n"
     "  --status    list applied, pending and changed migrations; apply nothing\n"},
    {"enqueue", cw_cmd_enqueue, "store files and queue them as new resume versions",
     "enqueue FILE... --user UUID [--stream UUID | --stream-name NAME] [--priority N] [--mime TYPE]\n"
     "  Copies each FILE into storage.root/<user>/<version-id>-<name> and inserts the stream\n"
     "  (reused if it exists) and one pending version per file, in one transaction.\n"
     "  Prints the new version ids, one per line.\n"
     "  --user UUID          owner (must exist in auth.users)\n"
     "  --stream UUID        add the versions to this stream of the user\n"
     "  --stream-name NAME   stream to use or create (default \"Default Resume\")\n"
     "  --priority N         queue priority, -32768..32767 (default 0)\n"
     "  --mime TYPE          MIME type to record (default: detected with libmagic)\n"},
    {"status", cw_cmd_status, "show queue depth, leases and recent failures",
     "status [--json] [--failures N]\n"
     "  --json         machine-readable output\n"
     "  --failures N   how many recent failures to list (default 10)\n"},
    {"requeue", cw_cmd_requeue, "put failed versions back to pending",
     "requeue [ID...] [--code CODE] [--all-failed]\n"
     "  Resets failed versions (by id, by error code, or all) to pending; prints the count.\n"
     "  --code CODE    failed versions that recorded an error with this code\n"
     "  --all-failed   every failed version\n"},
    {"export", cw_cmd_export, "print one version's parsed resume as JSON Resume or JSON",
     "export VERSION_ID [--format jsonresume|json]\n"
     "  Prints the version's parsed resume on stdout: a JSON Resume v1.0.0 document\n"
     "  (default), or the parsed document (contact, summary, work_experience, ...).\n"
     "  Exits 4 when the version does not exist or has not been parsed yet.\n"
     "  --format F   jsonresume (default) or json\n"},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

void cw_cli_usage(FILE *f) {
  fprintf(f,
          "usage: careeros-worker [--config FILE] COMMAND [ARGS]\n"
          "       careeros-worker COMMAND --help\n"
          "       careeros-worker --help | --version\n\n"
          "commands:\n");
  for (size_t i = 0; i < NCOMMANDS; i++)
    fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].summary);
  fprintf(f,
          "\noptions:\n"
          "  -c, --config FILE  configuration file (default: $CAREEROS_CONFIG, else\n"
          "                     " CW_SYSCONFDIR "/careeros-worker.ini if it exists)\n"
          "  -h, --help         this help\n"
          "  -V, --version      print the version\n\n"
          "exit codes: 0 success, 1 runtime failure, 2 usage error, 3 configuration error,\n"
          "            4 export: version not found or not parsed yet\n");
}

static void command_usage(const struct command *c, FILE *f) {
  fprintf(f, "usage: careeros-worker [--config FILE] %s", c->usage);
}

int cw_cli_dispatch(const cw_cli_ctx *ctx, int argc, char **argv) {
  const struct command *c = NULL;
  for (size_t i = 0; i < NCOMMANDS; i++)
    if (strcmp(argv[0], commands[i].name) == 0)
      c = &commands[i];
  if (!c && strcmp(argv[0], "help") == 0) {
    if (argc > 1)
      for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
          return command_usage(&commands[i], stdout), CW_EXIT_OK;
    cw_cli_usage(stdout);
    return CW_EXIT_OK;
  }
  if (!c) {
    fprintf(stderr, "careeros-worker: unknown command '%s' (see careeros-worker --help)\n", argv[0]);
    return CW_EXIT_USAGE;
  }
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0)
      break;
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      command_usage(c, stdout);
      return CW_EXIT_OK;
    }
  }
  optind = 0; /* GNU getopt: full re-initialisation for the command's options */
  opterr = 0; /* the commands report bad options themselves, then the usage */
  int rc = c->fn(ctx, argc, argv);
  if (rc == CW_EXIT_USAGE)
    command_usage(c, stderr);
  return rc;
}

/* Reports an option getopt refused (opterr is off so the message names the
 * command, not argv[0]). */
static int bad_option(const char *cmd, char **argv) {
  if (optopt)
    fprintf(stderr, "careeros-worker %s: bad or incomplete option -%c\n", cmd, optopt);
  else
    fprintf(stderr, "careeros-worker %s: bad or incomplete option %s\n", cmd, argv[optind - 1]);
  return CW_EXIT_USAGE;
}

static const char *config_path(const cw_cli_ctx *ctx, char *buf, size_t n) {
  if (ctx->config_path)
    return ctx->config_path;
  snprintf(buf, n, "%s/careeros-worker.ini", CW_SYSCONFDIR);
  return access(buf, F_OK) == 0 ? buf : NULL;
}

int cw_cli_load_config(const cw_cli_ctx *ctx, cw_config *cfg) {
  char def[PATH_MAX];
  const char *path = config_path(ctx, def, sizeof def);
  if (cw_config_load(cfg, path) < 0) {
    fprintf(stderr, "careeros-worker: configuration %s is invalid\n", path ? path : "(defaults and environment)");
    return CW_EXIT_CONFIG;
  }
  cw_log_set_level(cfg->log.level);
  return CW_EXIT_OK;
}

PGconn *cw_cli_connect(const cw_config *cfg) {
  /* dbname is expanded as a conninfo string; the password keyword comes
   * after it so that it wins, and it never has to be spliced into text. */
  const char *keys[4] = {"dbname", "fallback_application_name", NULL, NULL};
  const char *vals[4] = {cfg->database.conninfo, "careeros-worker-cli", NULL, NULL};
  if (cfg->database.password && *cfg->database.password) {
    keys[2] = "password";
    vals[2] = cfg->database.password;
  }
  PGconn *conn = PQconnectdbParams(keys, vals, 1);
  if (!conn) {
    fprintf(stderr, "careeros-worker: database: out of memory\n");
    return NULL;
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    fprintf(stderr, "careeros-worker: cannot connect to the database: %s", PQerrorMessage(conn));
    PQfinish(conn);
    return NULL;
  }
  return conn;
}

PGconn *cw_cli_open_db(const cw_cli_ctx *ctx, int *rc) {
  cw_config cfg;
  *rc = cw_cli_load_config(ctx, &cfg);
  PGconn *conn = *rc == CW_EXIT_OK ? cw_cli_connect(&cfg) : NULL;
  cw_config_free(&cfg);
  if (*rc == CW_EXIT_OK && !conn)
    *rc = CW_EXIT_FAILURE;
  return conn;
}

void cw_cli_pg_error(const char *what, PGconn *conn, const PGresult *res) {
  const char *msg = res ? PQresultErrorMessage(res) : NULL;
  if (!msg || !*msg)
    msg = PQerrorMessage(conn);
  fprintf(stderr, "careeros-worker: %s: %s%s", what, msg, msg[strlen(msg) ? strlen(msg) - 1 : 0] == '\n' ? "" : "\n");
}

bool cw_cli_is_uuid(const char *s) {
  static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
  if (strlen(s) != sizeof shape - 1)
    return false;
  for (size_t i = 0; shape[i]; i++) {
    if (shape[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
      return false;
  }
  return true;
}

int cw_cli_bad_option(const char *cmd, char **argv) { return bad_option(cmd, argv); }

/* ---- check-config ---- */

/* Values from the configuration, fit for the terminal (control bytes
 * escaped, long ones cut). */
#define SHOWN 160
static const char *shown(const char *v, char buf[SHOWN * 4 + 32]) {
  cw_ini_printable(v, SHOWN, buf, SHOWN * 4 + 32);
  return buf;
}

static int check_dir(const char *origin, const char *key, const char *path, int mode) {
  char buf[SHOWN * 4 + 32];
  struct stat st;
  if (stat(path, &st) < 0) {
    fprintf(stderr, "%s: %s: %s: %s\n", origin, key, shown(path, buf), strerror(errno));
    return 1;
  }
  if (!S_ISDIR(st.st_mode)) {
    fprintf(stderr, "%s: %s: %s: not a directory\n", origin, key, shown(path, buf));
    return 1;
  }
  if (access(path, mode) < 0) {
    fprintf(stderr, "%s: %s: %s: %s\n", origin, key, shown(path, buf), strerror(errno));
    return 1;
  }
  return 0;
}

static int check_file(const char *origin, const char *key, const char *path, int mode) {
  char buf[SHOWN * 4 + 32];
  struct stat st;
  if (stat(path, &st) < 0 || access(path, mode) < 0) {
    fprintf(stderr, "%s: %s: %s: %s\n", origin, key, shown(path, buf), strerror(errno));
    return 1;
  }
  if (!S_ISREG(st.st_mode)) {
    fprintf(stderr, "%s: %s: %s: not a regular file\n", origin, key, shown(path, buf));
    return 1;
  }
  return 0;
}

/* Checks that need the file system or libpq, beyond what config.c validates
 * key by key. */
static int check_environment(const cw_config *cfg) {
  const char *origin = cfg->path ? cfg->path : "configuration";
  int bad = 0;
  char *err = NULL;
  PQconninfoOption *opts = PQconninfoParse(cfg->database.conninfo, &err);
  if (!opts) {
    fprintf(stderr, "%s: database.conninfo: %s", origin, err ? err : "cannot parse\n");
    PQfreemem(err);
    bad++;
  } else {
    for (PQconninfoOption *o = opts; o->keyword; o++)
      if (strcmp(o->keyword, "password") == 0 && o->val && *o->val) {
        fprintf(stderr, "%s: database.conninfo: contains a password; use database.password_file\n", origin);
        bad++;
      }
    PQconninfoFree(opts);
  }
  if (strcmp(cfg->storage.backend, "local") == 0)
    bad += check_dir(origin, "storage.root", cfg->storage.root, R_OK | X_OK);
  if (*cfg->provider.skills_file)
    bad += check_file(origin, "provider.skills_file", cfg->provider.skills_file, R_OK);
  if (*cfg->llm.prompt_dir)
    bad += check_dir(origin, "llm.prompt_dir", cfg->llm.prompt_dir, R_OK | X_OK);
  if (*cfg->extract.helper)
    bad += check_file(origin, "extract.helper", cfg->extract.helper, X_OK);
  /* The LLM's prompts and schemas get the same checks as at start-up. */
  if (strcmp(cfg->provider.name, "openai") == 0 && cw_llm_check_prompts(cfg) < 0) {
    fprintf(stderr, "%s: llm.prompt_dir: prompts or schemas are missing or not strict (see above)\n",
            origin);
    bad++;
  }
  if (*cfg->metrics.listen) {
    const char *colon = strrchr(cfg->metrics.listen, ':');
    char *end = NULL;
    long port = colon ? strtol(colon + 1, &end, 10) : -1;
    if (!colon || colon == cfg->metrics.listen || !end || *end || port < 1 || port > 65535) {
      char buf[SHOWN * 4 + 32];
      fprintf(stderr, "%s: metrics.listen: '%s' is not HOST:PORT\n", origin, shown(cfg->metrics.listen, buf));
      bad++;
    }
  }
  return bad;
}

int cw_cmd_check_config(const cw_cli_ctx *ctx, int argc, char **argv) {
  static const struct option opts[] = {{"connect", no_argument, NULL, 'C'}, {NULL, 0, NULL, 0}};
  bool connect = false;
  int c;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == 'C')
      connect = true;
    else
      return bad_option(argv[0], argv);
  }
  if (optind < argc) {
    fprintf(stderr, "careeros-worker check-config: unexpected argument '%s'\n", argv[optind]);
    return CW_EXIT_USAGE;
  }
  cw_config cfg;
  char def[PATH_MAX];
  const char *path = config_path(ctx, def, sizeof def);
  int rc = cw_config_load(&cfg, path);
  /* The file-system checks run even after key errors, so that one run
   * reports every problem. */
  int bad = cfg.database.conninfo && cfg.storage.backend ? check_environment(&cfg) : 0;
  if (rc < 0 || bad > 0) {
    fprintf(stderr, "careeros-worker: configuration %s is invalid\n", cfg.path ? cfg.path : "(defaults and environment)");
    cw_config_free(&cfg);
    return CW_EXIT_CONFIG;
  }
  if (connect) {
    PGconn *conn = cw_cli_connect(&cfg);
    if (!conn) {
      cw_config_free(&cfg);
      return CW_EXIT_FAILURE;
    }
    printf("database connection OK (server %d, user %s)\n", PQserverVersion(conn), PQuser(conn));
    PQfinish(conn);
  }
  printf("configuration OK\n# file: %s\n", cfg.path ? cfg.path : "(none: defaults and environment)");
  cw_config_dump(&cfg, stdout);
  cw_config_free(&cfg);
  return CW_EXIT_OK;
}

/* ---- run ---- */

int cw_cmd_run(const cw_cli_ctx *ctx, int argc, char **argv) {
  if (argc > 1) {
    fprintf(stderr, "careeros-worker run: unexpected argument '%s'\n", argv[1]);
    return CW_EXIT_USAGE;
  }
  cw_config cfg;
  char def[PATH_MAX];
  const char *path = config_path(ctx, def, sizeof def);
  int rc = cw_config_load(&cfg, path);
  /* Same checks as check-config, so that a unit with a bad file stops at
   * once with status 3 (not restarted) instead of failing every job. */
  int bad = cfg.database.conninfo && cfg.storage.backend ? check_environment(&cfg) : 0;
  if (rc < 0 || bad > 0) {
    fprintf(stderr, "careeros-worker: configuration %s is invalid\n", cfg.path ? cfg.path : "(defaults and environment)");
    cw_config_free(&cfg);
    return CW_EXIT_CONFIG;
  }
  cw_log_set_level(cfg.log.level);
  rc = cw_daemon_run(&cfg) == 0 ? CW_EXIT_OK : CW_EXIT_FAILURE;
  cw_config_free(&cfg);
  return rc;
}

/* ---- migrate ---- */

int cw_cmd_migrate(const cw_cli_ctx *ctx, int argc, char **argv) {
  static const struct option opts[] = {
      {"dir", required_argument, NULL, 'd'},
      {"status", no_argument, NULL, 's'},
      {NULL, 0, NULL, 0},
  };
  const char *dir = CW_DATADIR "/sql";
  bool status = false;
  int c;
  while ((c = getopt_long(argc, argv, "d:", opts, NULL)) != -1) {
    if (c == 'd')
      dir = optarg;
    else if (c == 's')
      status = true;
    else
      return bad_option(argv[0], argv);
  }
  if (optind < argc) {
    fprintf(stderr, "careeros-worker migrate: unexpected argument '%s'\n", argv[optind]);
    return CW_EXIT_USAGE;
  }
  int rc;
  PGconn *conn = cw_cli_open_db(ctx, &rc);
  if (!conn)
    return rc;
  if (status) {
    rc = cw_migrate_status(conn, dir, stdout) == 0 ? CW_EXIT_OK : CW_EXIT_FAILURE;
  } else {
    cw_migrate_stats st;
    int r = cw_migrate_apply(conn, dir, stdout, &st);
    if (r == 0)
      printf("migrations: %d applied, %d already applied; definitions: %d applied, %d unchanged\n",
             st.applied, st.skipped, st.defined, st.unchanged);
    else
      fprintf(stderr, "careeros-worker: migrate failed (%d applied before the failure)\n", st.applied);
    rc = r == 0 ? CW_EXIT_OK : CW_EXIT_FAILURE;
  }
  PQfinish(conn);
  return rc;
}
