/* Configuration loading.  The key table below is the single source of
 * truth: defaults, types, bounds and environment names all come from it. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "careeros/config.h"
#include "careeros/ini.h"
#include "careeros/log.h"

enum ktype { K_STR, K_INT, K_I64, K_BOOL, K_DBL, K_LEVEL, K_HEADER, K_SECRET, K_ENUM };

struct key {
  const char *section;
  const char *name;
  enum ktype type;
  size_t off;
  const char *def;
  double min, max;       /* numeric bounds */
  const char *choices;   /* K_ENUM: '|'-separated */
  size_t secret_off;     /* K_SECRET: where the loaded secret goes */
};

#define OFF(f) offsetof(struct cw_config, f)
#define STR(s, k, f, d) {s, k, K_STR, OFF(f), d, 0, 0, NULL, 0}
#define INT(s, k, f, d, lo, hi) {s, k, K_INT, OFF(f), d, lo, hi, NULL, 0}
#define I64(s, k, f, d, lo, hi) {s, k, K_I64, OFF(f), d, lo, hi, NULL, 0}
#define BOOL(s, k, f, d) {s, k, K_BOOL, OFF(f), d, 0, 0, NULL, 0}
#define DBL(s, k, f, d, lo, hi) {s, k, K_DBL, OFF(f), d, lo, hi, NULL, 0}
#define ENUM(s, k, f, d, c) {s, k, K_ENUM, OFF(f), d, 0, 0, c, 0}
#define SECRET(s, k, f, d, into) {s, k, K_SECRET, OFF(f), d, 0, 0, NULL, OFF(into)}

static const struct key keys[] = {
    STR("database", "conninfo", database.conninfo, "dbname=careeros"),
    SECRET("database", "password_file", database.password_file, "", database.password),
    INT("database", "pool_size", database.pool_size, "4", 1, 32),
    INT("database", "connect_timeout_ms", database.connect_timeout_ms, "10000", 100, 600000),
    INT("database", "query_timeout_ms", database.query_timeout_ms, "0", 0, 3600000),
    INT("database", "reconnect_min_ms", database.reconnect_min_ms, "100", 10, 60000),
    INT("database", "reconnect_max_ms", database.reconnect_max_ms, "10000", 100, 600000),

    STR("worker", "id", worker.id, ""),
    INT("worker", "concurrency", worker.concurrency, "8", 1, 100000),
    INT("worker", "claim_batch", worker.claim_batch, "64", 1, 10000),
    INT("worker", "poll_interval_ms", worker.poll_interval_ms, "3000", 10, 3600000),
    INT("worker", "lease_ms", worker.lease_ms, "60000", 200, 86400000),
    INT("worker", "heartbeat_ms", worker.heartbeat_ms, "15000", 50, 3600000),
    INT("worker", "max_attempts", worker.max_attempts, "5", 1, 100),
    INT("worker", "backoff_base_ms", worker.backoff_base_ms, "2000", 0, 86400000),
    INT("worker", "backoff_max_ms", worker.backoff_max_ms, "600000", 0, 86400000),
    INT("worker", "quota_backoff_ms", worker.quota_backoff_ms, "3600000", 0, 86400000),
    INT("worker", "shutdown_deadline_ms", worker.shutdown_deadline_ms, "20000", 0, 3600000),
    BOOL("worker", "noop_stages", worker.noop_stages, "false"),

    ENUM("storage", "backend", storage.backend, "local", "local|supabase"),
    STR("storage", "root", storage.root, "/var/lib/careeros/uploads"),
    STR("storage", "url", storage.url, ""),
    STR("storage", "bucket", storage.bucket, "resumes"),
    SECRET("storage", "key_file", storage.key_file, "", storage.key),
    I64("storage", "max_file_bytes", storage.max_file_bytes, "20971520", 1, 1e12),
    INT("storage", "timeout_ms", storage.timeout_ms, "30000", 100, 3600000),

    STR("extract", "helper", extract.helper, ""),
    INT("extract", "cpu_seconds", extract.cpu_seconds, "20", 1, 3600),
    INT("extract", "wall_seconds", extract.wall_seconds, "30", 1, 3600),
    INT("extract", "memory_mb", extract.memory_mb, "512", 16, 65536),
    I64("extract", "max_output_bytes", extract.max_output_bytes, "4194304", 1024, 1e10),
    I64("extract", "max_text_bytes", extract.max_text_bytes, "1048576", 1024, 1e10),
    INT("extract", "max_pages", extract.max_pages, "50", 1, 100000),
    BOOL("extract", "ocr", extract.ocr, "false"),
    INT("extract", "zip_max_entries", extract.zip_max_entries, "1000", 1, 1000000),
    I64("extract", "zip_max_uncompressed", extract.zip_max_uncompressed, "52428800", 1024, 1e11),
    INT("extract", "zip_max_ratio", extract.zip_max_ratio, "100", 2, 100000),

    ENUM("provider", "name", provider.name, "offline", "offline|openai"),
    BOOL("provider", "fallback_offline", provider.fallback_offline, "false"),
    STR("provider", "skills_file", provider.skills_file, ""),

    STR("llm", "base_url", llm.base_url, "https://api.openai.com/v1"),
    STR("llm", "model", llm.model, "gpt-4o-mini"),
    SECRET("llm", "api_key_file", llm.api_key_file, "", llm.api_key),
    ENUM("llm", "api_style", llm.api_style, "openai", "openai|azure"),
    STR("llm", "azure_api_version", llm.azure_api_version, "2024-10-21"),
    ENUM("llm", "output_mode", llm.output_mode, "json_schema", "json_schema|tools"),
    STR("llm", "prompt_dir", llm.prompt_dir, ""),
    {"llm", "header", K_HEADER, OFF(llm.headers), "", 0, 0, NULL, 0},
    INT("llm", "max_retries", llm.max_retries, "2", 0, 20),
    INT("llm", "connect_timeout_ms", llm.connect_timeout_ms, "10000", 100, 600000),
    INT("llm", "timeout_ms", llm.timeout_ms, "120000", 100, 3600000),
    INT("llm", "low_speed_bytes", llm.low_speed_bytes, "1", 0, 1000000),
    INT("llm", "low_speed_seconds", llm.low_speed_seconds, "60", 0, 3600),
    INT("llm", "max_in_flight", llm.max_in_flight, "64", 1, 100000),
    INT("llm", "rpm", llm.rpm, "0", 0, 100000000),
    INT("llm", "tpm", llm.tpm, "0", 0, 1000000000),
    INT("llm", "max_input_tokens", llm.max_input_tokens, "24000", 256, 2000000),
    INT("llm", "max_output_tokens", llm.max_output_tokens, "4096", 16, 200000),
    BOOL("llm", "redact_contacts", llm.redact_contacts, "false"),
    DBL("llm", "price_input", llm.price_input, "0.15", 0, 1e6),
    DBL("llm", "price_cached_input", llm.price_cached_input, "0.075", 0, 1e6),
    DBL("llm", "price_output", llm.price_output, "0.60", 0, 1e6),
    ENUM("llm", "batch", llm.batch, "off", "off|on|auto"),
    INT("llm", "batch_max_priority", llm.batch_max_priority, "0", -32768, 32767),
    INT("llm", "batch_min_backlog", llm.batch_min_backlog, "100", 1, 1000000),
    INT("llm", "batch_max_jobs", llm.batch_max_jobs, "1000", 1, 50000),
    INT("llm", "batch_collect_ms", llm.batch_collect_ms, "10000", 10, 3600000),
    INT("llm", "batch_poll_ms", llm.batch_poll_ms, "60000", 50, 86400000),
    DBL("llm", "batch_price_factor", llm.batch_price_factor, "0.5", 0, 1),

    STR("metrics", "listen", metrics.listen, ""),
    {"log", "level", K_LEVEL, OFF(log.level), "info", 0, 0, NULL, 0},
};

#define NKEYS (sizeof keys / sizeof keys[0])

struct loader {
  cw_config *cfg;
  const char *origin; /* file name or "environment" */
  int errors;
  bool unknown_section; /* the file's current section is not ours: reported once */
};

/* Values and names from the file reach the terminal: control bytes are
 * escaped and long ones cut. */
#define SHOWN_BYTES 64
#define SHOWN_SIZE (SHOWN_BYTES * 4 + 32)

static void show(const char *in, char out[SHOWN_SIZE]) { cw_ini_printable(in, SHOWN_BYTES, out, SHOWN_SIZE); }

static void where(const struct loader *L, int line) {
  if (line > 0)
    fprintf(stderr, "%s:%d: ", L->origin, line);
  else
    fprintf(stderr, "%s: ", L->origin);
}

static void report(struct loader *L, int line, const struct key *k, const char *sect,
                   const char *name, const char *why) {
  char s[SHOWN_SIZE], n[SHOWN_SIZE];
  L->errors++;
  where(L, line);
  show(k ? k->section : sect, s);
  show(k ? k->name : name, n);
  fprintf(stderr, "%s.%s: %s\n", s, n, why);
}

static const struct key *find_key(const char *section, const char *name) {
  for (size_t i = 0; i < NKEYS; i++)
    if (strcasecmp(keys[i].section, section) == 0 && strcasecmp(keys[i].name, name) == 0)
      return &keys[i];
  return NULL;
}

static int parse_bool(const char *v, bool *out) {
  static const char *yes[] = {"1", "true", "yes", "on"}, *no[] = {"0", "false", "no", "off"};
  for (int i = 0; i < 4; i++) {
    if (strcasecmp(v, yes[i]) == 0)
      return *out = true, 0;
    if (strcasecmp(v, no[i]) == 0)
      return *out = false, 0;
  }
  return -EINVAL;
}

/* Integers accept k/M/G suffixes (powers of 1024) so sizes read naturally. */
static int parse_num(const char *v, double *out) {
  char *end;
  errno = 0;
  double d = strtod(v, &end);
  if (end == v || errno)
    return -EINVAL;
  switch (*end) {
  case 'k': case 'K': d *= 1024; end++; break;
  case 'm': case 'M': d *= 1024 * 1024; end++; break;
  case 'g': case 'G': d *= 1024.0 * 1024 * 1024; end++; break;
  default: break;
  }
  while (isspace((unsigned char)*end))
    end++;
  if (*end)
    return -EINVAL;
  *out = d;
  return 0;
}

static bool in_choices(const char *choices, const char *v) {
  size_t n = strlen(v);
  for (const char *p = choices; p && *p;) {
    const char *bar = strchr(p, '|');
    size_t len = bar ? (size_t)(bar - p) : strlen(p);
    if (len == n && strncmp(p, v, n) == 0)
      return true;
    p = bar ? bar + 1 : NULL;
  }
  return false;
}

static void set_str(char **slot, const char *v) {
  free(*slot);
  *slot = strdup(v);
}

static int apply(struct loader *L, const struct key *k, const char *v, int line) {
  char *base = (char *)L->cfg;
  char why[SHOWN_SIZE + 160], shown[SHOWN_SIZE];
  double d;
  show(v, shown);
  switch (k->type) {
  case K_STR:
  case K_SECRET:
    set_str((char **)(base + k->off), v);
    return 0;
  case K_ENUM:
    if (!in_choices(k->choices, v)) {
      snprintf(why, sizeof why, "'%s' is not one of %s", shown, k->choices);
      report(L, line, k, NULL, NULL, why);
      return -EINVAL;
    }
    set_str((char **)(base + k->off), v);
    return 0;
  case K_BOOL:
    if (parse_bool(v, (bool *)(base + k->off)) < 0) {
      report(L, line, k, NULL, NULL, "expected true or false");
      return -EINVAL;
    }
    return 0;
  case K_LEVEL: {
    int lvl = cw_log_level_parse(v);
    if (lvl < 0) {
      report(L, line, k, NULL, NULL, "expected error, warning, notice, info or debug");
      return -EINVAL;
    }
    *(int *)(base + k->off) = lvl;
    return 0;
  }
  case K_HEADER: {
    cw_config *c = L->cfg;
    if (!strchr(v, ':') || strpbrk(v, "\r\n")) {
      report(L, line, k, NULL, NULL, "expected 'Name: value'");
      return -EINVAL;
    }
    if (c->llm.n_headers >= CW_CONFIG_MAX_HEADERS) {
      report(L, line, k, NULL, NULL, "too many headers (at most 8)");
      return -EINVAL;
    }
    c->llm.headers[c->llm.n_headers++] = strdup(v);
    return 0;
  }
  case K_INT:
  case K_I64:
  case K_DBL:
    if (parse_num(v, &d) < 0 || d < k->min || d > k->max) {
      snprintf(why, sizeof why, "'%s' is not a number in [%.0f, %.0f]", shown, k->min, k->max);
      report(L, line, k, NULL, NULL, why);
      return -EINVAL;
    }
    if (k->type == K_INT)
      *(int *)(base + k->off) = (int)d;
    else if (k->type == K_I64)
      *(int64_t *)(base + k->off) = (int64_t)d;
    else
      *(double *)(base + k->off) = d;
    return 0;
  }
  return -EINVAL;
}

static bool known_section(const char *section) {
  for (size_t i = 0; i < NKEYS; i++)
    if (strcasecmp(keys[i].section, section) == 0)
      return true;
  return false;
}

static void on_section(void *arg, int line, const char *name) {
  struct loader *L = arg;
  char s[SHOWN_SIZE];
  L->unknown_section = !known_section(name);
  if (L->unknown_section && *name) {
    L->errors++;
    where(L, line);
    show(name, s);
    fprintf(stderr, "[%s]: unknown section; its keys are ignored\n", s);
  }
}

static void on_syntax(void *arg, int line, const char *what, const char *text) {
  struct loader *L = arg;
  char t[SHOWN_SIZE];
  L->errors++;
  where(L, line);
  show(text, t);
  fprintf(stderr, "syntax error: %s: %s\n", what, t);
}

/* Every bad key is reported, not only the first. */
static void on_key(void *arg, int line, const char *section, const char *name, const char *value) {
  struct loader *L = arg;
  if (L->unknown_section)
    return; /* the section was reported; none of its keys is ours, secret-looking or not */
  if (strcasecmp(name, "password") == 0 || strcasecmp(name, "api_key") == 0 ||
      strcasecmp(name, "key") == 0) {
    report(L, line, NULL, section, name,
           "secrets are not read from the configuration file; name a file with the *_file key");
    return;
  }
  const struct key *k = find_key(section, name);
  if (!k) {
    report(L, line, NULL, section, name, "unknown key");
    return;
  }
  apply(L, k, value, line);
}

static void env_name(const struct key *k, char *buf, size_t n) {
  snprintf(buf, n, "CAREEROS_%s_%s", k->section, k->name);
  for (char *p = buf; *p; p++)
    *p = (char)toupper((unsigned char)*p);
}

/* A secret file name without a slash is taken from $CREDENTIALS_DIRECTORY. */
static int read_secret(struct loader *L, const struct key *k, const char *file, char **out) {
  char path[PATH_MAX];
  const char *creds = getenv("CREDENTIALS_DIRECTORY");
  if (!strchr(file, '/') && creds && *creds)
    snprintf(path, sizeof path, "%s/%s", creds, file);
  else
    snprintf(path, sizeof path, "%s", file);
  FILE *f = fopen(path, "re");
  if (!f) {
    char why[SHOWN_SIZE + 128], shown[SHOWN_SIZE];
    int err = errno;
    show(path, shown);
    snprintf(why, sizeof why, "cannot read secret file %s: %s", shown, strerror(err));
    errno = err;
    report(L, 0, k, NULL, NULL, why);
    return -errno;
  }
  char buf[4096];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
    buf[--n] = 0;
  free(*out);
  *out = strdup(buf);
  explicit_bzero(buf, sizeof buf);
  return 0;
}

static void cross_checks(struct loader *L) {
  cw_config *c = L->cfg;
  L->origin = c->path ? c->path : "configuration";
  if (c->worker.heartbeat_ms * 2 > c->worker.lease_ms)
    report(L, 0, find_key("worker", "heartbeat_ms"), NULL, NULL,
           "must be at most half of worker.lease_ms, or leases expire between heartbeats");
  if (c->worker.backoff_max_ms < c->worker.backoff_base_ms)
    report(L, 0, find_key("worker", "backoff_max_ms"), NULL, NULL,
           "must not be below worker.backoff_base_ms");
  if (strcmp(c->storage.backend, "supabase") == 0 && (!*c->storage.url || !c->storage.key))
    report(L, 0, find_key("storage", "url"), NULL, NULL,
           "the supabase backend needs storage.url and storage.key_file");
  if (strcmp(c->provider.name, "openai") == 0 && !c->llm.api_key && !strstr(c->llm.base_url, "127.0.0.1") &&
      !strstr(c->llm.base_url, "localhost"))
    report(L, 0, find_key("llm", "api_key_file"), NULL, NULL,
           "provider openai needs llm.api_key_file (local servers may do without)");
  if (strcmp(c->llm.batch, "off") != 0 && strcmp(c->llm.api_style, "openai") != 0)
    report(L, 0, find_key("llm", "batch"), NULL, NULL, "the Batch API mode needs llm.api_style = openai");
  /* 0: half the lease, at most 30 s. */
  if (c->database.query_timeout_ms == 0) {
    c->database.query_timeout_ms = c->worker.lease_ms / 2;
    if (c->database.query_timeout_ms > 30000)
      c->database.query_timeout_ms = 30000;
  } else if (c->database.query_timeout_ms >= c->worker.lease_ms) {
    report(L, 0, find_key("database", "query_timeout_ms"), NULL, NULL,
           "must be below worker.lease_ms, or a hung query outlives the lease it protects");
  }
  if (c->database.reconnect_max_ms < c->database.reconnect_min_ms)
    report(L, 0, find_key("database", "reconnect_max_ms"), NULL, NULL,
           "must not be below database.reconnect_min_ms");
}

int cw_config_load(cw_config *cfg, const char *path) {
  memset(cfg, 0, sizeof *cfg);
  struct loader L = {cfg, "defaults", 0, false};
  for (size_t i = 0; i < NKEYS; i++)
    if (keys[i].type != K_HEADER)
      apply(&L, &keys[i], keys[i].def, 0);
  if (path) {
    cfg->path = strdup(path);
    L.origin = path;
    FILE *f = fopen(path, "re");
    cw_ini_handler h = {on_section, on_key, on_syntax, &L};
    int rc = f ? cw_ini_parse(f, &h) : -errno;
    if (f)
      fclose(f);
    if (rc < 0) {
      fprintf(stderr, "%s: cannot %s configuration file: %s\n", path, f ? "read" : "open", strerror(-rc));
      L.errors++;
    }
  }
  L.origin = "environment";
  for (size_t i = 0; i < NKEYS; i++) {
    char name[96];
    env_name(&keys[i], name, sizeof name);
    const char *v = getenv(name);
    if (v)
      apply(&L, &keys[i], v, 0);
  }
  for (size_t i = 0; i < NKEYS; i++) {
    if (keys[i].type != K_SECRET)
      continue; /* only secret slots hold a char *; others may be ints */
    const char *file = *(char **)((char *)cfg + keys[i].off);
    if (file && *file)
      read_secret(&L, &keys[i], file, (char **)((char *)cfg + keys[i].secret_off));
  }
  cross_checks(&L);
  return L.errors ? -EINVAL : 0;
}

static void free_secret(char **s) {
  if (*s) {
    explicit_bzero(*s, strlen(*s));
    free(*s);
    *s = NULL;
  }
}

void cw_config_free(cw_config *cfg) {
  for (size_t i = 0; i < NKEYS; i++) {
    char **slot = (char **)((char *)cfg + keys[i].off);
    if (keys[i].type == K_STR || keys[i].type == K_ENUM || keys[i].type == K_SECRET) {
      free(*slot);
      *slot = NULL;
    }
    if (keys[i].type == K_SECRET)
      free_secret((char **)((char *)cfg + keys[i].secret_off));
  }
  for (int i = 0; i < cfg->llm.n_headers; i++)
    free(cfg->llm.headers[i]);
  cfg->llm.n_headers = 0;
  free(cfg->path);
  cfg->path = NULL;
}

void cw_config_dump(const cw_config *cfg, FILE *f) {
  const char *section = "";
  for (size_t i = 0; i < NKEYS; i++) {
    const struct key *k = &keys[i];
    const char *base = (const char *)cfg;
    if (strcmp(section, k->section) != 0)
      fprintf(f, "%s[%s]\n", i ? "\n" : "", section = k->section);
    switch (k->type) {
    case K_STR: case K_ENUM: case K_SECRET:
      fprintf(f, "%s = %s\n", k->name, *(char *const *)(base + k->off) ? *(char *const *)(base + k->off) : "");
      break;
    case K_INT: fprintf(f, "%s = %d\n", k->name, *(const int *)(base + k->off)); break;
    case K_I64: fprintf(f, "%s = %lld\n", k->name, (long long)*(const int64_t *)(base + k->off)); break;
    case K_DBL: fprintf(f, "%s = %g\n", k->name, *(const double *)(base + k->off)); break;
    case K_BOOL: fprintf(f, "%s = %s\n", k->name, *(const bool *)(base + k->off) ? "true" : "false"); break;
    case K_LEVEL: fprintf(f, "%s = %s\n", k->name, cw_log_level_name(*(const int *)(base + k->off))); break;
    case K_HEADER:
      for (int h = 0; h < cfg->llm.n_headers; h++) {
        /* Header values may carry tokens: print only the name. */
        const char *colon = strchr(cfg->llm.headers[h], ':');
        fprintf(f, "%s = %.*s: ***\n", k->name, (int)(colon - cfg->llm.headers[h]), cfg->llm.headers[h]);
      }
      break;
    }
  }
}
