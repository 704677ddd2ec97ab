/* Configuration: one INI file per instance.  Every key can be overridden by
 * an environment variable CAREEROS_<SECTION>_<KEY> (upper case).  Secrets
 * never come from the INI: *_file keys name files, and a relative name is
 * looked up in $CREDENTIALS_DIRECTORY (systemd LoadCredential=).
 *
 * The key table lives in config.c; README.md documents every key. */
#ifndef CAREEROS_CONFIG_H
#define CAREEROS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CW_CONFIG_MAX_HEADERS 8

struct cw_config {
  char *path; /* the file that was loaded, or NULL for defaults only */

  struct {
    char *conninfo;        /* libpq keywords/URI without password */
    char *password;        /* loaded from password_file; never logged */
    char *password_file;
    int pool_size;         /* query connections (plus one LISTEN connection) */
    int connect_timeout_ms;
    int query_timeout_ms;  /* a query running longer drops its connection */
    int reconnect_min_ms;
    int reconnect_max_ms;
  } database;

  struct {
    char *id;              /* worker id; default host:pid */
    int concurrency;       /* jobs in flight per process */
    int claim_batch;       /* max jobs per claim statement */
    int poll_interval_ms;
    int lease_ms;
    int heartbeat_ms;
    int max_attempts;
    int backoff_base_ms;
    int backoff_max_ms;
    int quota_backoff_ms;  /* reschedule delay for LLM_QUOTA_EXCEEDED */
    int shutdown_deadline_ms;
    bool noop_stages;      /* benchmarks only: stages do nothing */
  } worker;

  struct {
    char *backend;         /* "local" or "supabase" */
    char *root;            /* local: directory holding the files */
    char *url;             /* supabase: project URL */
    char *bucket;
    char *key;             /* loaded from key_file */
    char *key_file;
    int64_t max_file_bytes;
    int timeout_ms;
  } storage;

  struct {
    char *helper;          /* path of careeros-extract */
    int cpu_seconds;
    int wall_seconds;
    int memory_mb;
    int64_t max_output_bytes;
    int64_t max_text_bytes;
    int max_pages;
    bool ocr;
    int zip_max_entries;
    int64_t zip_max_uncompressed;
    int zip_max_ratio;
  } extract;

  struct {
    char *name;            /* "offline" or "openai" */
    bool fallback_offline; /* LLM down after retries -> offline fills the stage */
    char *skills_file;     /* skills dictionary for the offline provider */
  } provider;

  struct {
    char *base_url;
    char *model;
    char *api_key;         /* loaded from api_key_file; never logged */
    char *api_key_file;
    char *api_style;       /* "openai" or "azure" */
    char *azure_api_version;
    char *output_mode;     /* "json_schema" or "tools" */
    char *prompt_dir;
    char *headers[CW_CONFIG_MAX_HEADERS]; /* "Name: value" */
    int n_headers;
    int max_retries;
    int connect_timeout_ms;
    int timeout_ms;
    int low_speed_bytes;
    int low_speed_seconds;
    int max_in_flight;
    int rpm;
    int tpm;
    int max_input_tokens;
    int max_output_tokens;
    bool redact_contacts;
    double price_input;    /* USD per 1M tokens */
    double price_cached_input;
    double price_output;
    /* Batch API mode (batch.h) */
    char *batch;           /* "off", "on" or "auto" */
    int batch_max_priority; /* jobs with priority <= this may be batched */
    int batch_min_backlog; /* auto: ready jobs needed before batching */
    int batch_max_jobs;    /* requests per batch */
    int batch_collect_ms;  /* how long a batch collects jobs before it is sent */
    int batch_poll_ms;     /* how often each unfinished batch is checked */
    double batch_price_factor; /* batch price / live price */
  } llm;

  struct {
    char *listen;          /* "127.0.0.1:9464"; empty = off */
  } metrics;

  struct {
    int level;
  } log;
};

typedef struct cw_config cw_config;

/* Fills cfg with defaults, then the file (if path != NULL), then the
 * environment, then loads secret files.  Every problem is reported on
 * stderr as "file:line: section.key: reason"; returns 0 or -EINVAL when any
 * key was bad (all are reported, not just the first). */
int cw_config_load(cw_config *cfg, const char *path);
void cw_config_free(cw_config *cfg);

/* Prints every key with its effective value (secrets masked) to f. */
struct _IO_FILE;
void cw_config_dump(const cw_config *cfg, struct _IO_FILE *f);

#endif
