/* fake-llm: an OpenAI-compatible Chat Completions server on 127.0.0.1 for
 * the tests and benchmarks (no real API is reachable from CI).
 *
 *   fake-llm [--port N] [--threads N] [--latency-ms N] [--jitter-ms N]
 *            [--fault SPEC]... [--model NAME] [--api-key KEY] [--rpm N] [--tpm N]
 *            [--hang-ms N] [--drip-ms N] [--drip-bytes N]
 *            [--retry-after S] [--retry-after-ms N] [--record DIR]
 *            [--tls-cert PEM --tls-key PEM]
 *
 * Prints the bound port on stdout when ready (use --port 0).  Endpoints:
 *   POST /v1/chat/completions, POST /chat/completions,
 *   POST /openai/deployments/{name}/chat/completions?api-version=...  (Azure)
 *   GET  /stats[?window_ms=N]   counters for pacing tests
 *   GET  /last                   the last chat request (body, path, headers minus credentials)
 *   the Files and Batch API, with faults: see fake_batch.c
 *            (--batch-ms N, --batch-hold, --batch-fault expire|fail|cancel)
 *
 * Faults come from markers in the user messages, "[[fault:SPEC]]", or from
 * --fault SPEC (every request).  SPEC = NAME[xN][@parse|@entries|@career]:
 * xN limits the fault to the first N requests of the same conversation and
 * call kind (so "500x1" fails once and then succeeds); @kind limits it to one
 * of the three calls.  NAMEs:
 *   429 (retry-after seconds), 429ms (retry-after-ms), 429date (HTTP-date),
 *   quota (429 insufficient_quota), 500, 503, 500noretry (x-should-retry: false),
 *   400, 401, azure429 / azure500 (Azure error shape), azurefilter (Azure's 400 content_filter),
 *   openrouter (502, OpenRouter shape),
 *   timeout (no answer), reset (connection reset), badbody (HTTP body not JSON),
 *   malformed (answer not JSON), length (finish_reason length), refusal,
 *   filter (content_filter), schema (answer breaks the schema),
 *   hallucinate (an employer not in the text), drip (slow body),
 *   fenced / fencedplain (the JSON in ```json or ``` fences), prose (a line of
 *   prose before and one after it), fencedprose (both), prose2 (two lines
 *   before it), double (a second object after it), extra (unknown properties
 *   at the top and in the first entry), big (a 40,000-byte extra property),
 *   huge (12 MiB of it), bloat (breaks the schema sixty times, plus 20,000
 *   bytes of padding),
 *   ratelow (success, but x-ratelimit-remaining-requests 0 / reset 1s),
 *   tokenslow (success, but x-ratelimit-remaining-tokens 10 / reset 1.5s).
 * "[[latency:MS]]" adds latency to one request. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fake_llm.h"

#define MAX_FAULTS 8

/* ---- options ----------------------------------------------------------- */

static struct {
  unsigned port;
  unsigned threads;
  long latency_ms, jitter_ms;
  const char *faults[MAX_FAULTS];
  int n_faults;
  const char *model;
  const char *api_key;
  long rpm, tpm;
  long hang_ms, drip_ms, drip_bytes;
  const char *retry_after;
  long retry_after_ms;
  const char *record_dir; /* --record DIR: every chat request body is saved there */
  const char *tls_cert, *tls_key; /* --tls-cert/--tls-key PEM files: serve HTTPS */
} opt = {.port = 0, .threads = 4, .model = "gpt-4o-mini-2024-07-18", .hang_ms = 600000, .drip_ms = 200,
         .drip_bytes = 16, .retry_after = "1", .retry_after_ms = 50};

/* ---- stats ------------------------------------------------------------- */

static atomic_long n_requests, n_chat, in_flight, max_in_flight;
static pthread_mutex_t stats_mu = PTHREAD_MUTEX_INITIALIZER;
static long *stamps; /* ms since start of each chat request */
static size_t n_stamps, cap_stamps;
static struct timespec t0;

static long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
}

static void record_chat(void) {
  long t = now_ms();
  pthread_mutex_lock(&stats_mu);
  if (n_stamps == cap_stamps) {
    size_t nc = cap_stamps ? cap_stamps * 2 : 4096;
    long *ns = realloc(stamps, nc * sizeof *ns);
    if (ns) {
      stamps = ns;
      cap_stamps = nc;
    }
  }
  if (n_stamps < cap_stamps)
    stamps[n_stamps++] = t;
  pthread_mutex_unlock(&stats_mu);
}

/* requests within the current minute window, for the server-side limiter */
static long requests_in_last(long window_ms, long t) {
  long c = 0;
  for (size_t i = n_stamps; i-- > 0;) {
    if (stamps[i] <= t - window_ms)
      break;
    c++;
  }
  return c;
}

static char *stats_json(long window_ms) {
  pthread_mutex_lock(&stats_mu);
  /* stamps are appended under the lock in time order (nearly: threads may
   * interleave by a millisecond), so a two-pointer sweep finds the busiest
   * window */
  long best = 0;
  size_t j = 0;
  for (size_t i = 0; i < n_stamps; i++) {
    while (stamps[i] - stamps[j] >= window_ms)
      j++;
    if ((long)(i - j + 1) > best)
      best = (long)(i - j + 1);
  }
  json_t *pm = json_array();
  long t = now_ms();
  for (long m = 0; m <= t / 60000; m++) {
    long c = 0;
    for (size_t i = 0; i < n_stamps; i++)
      if (stamps[i] / 60000 == m)
        c++;
    json_array_append_new(pm, json_integer(c));
  }
  pthread_mutex_unlock(&stats_mu);
  json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:o}", "requests", (json_int_t)n_requests, "chat_requests",
                        (json_int_t)n_chat, "in_flight", (json_int_t)in_flight, "max_concurrent",
                        (json_int_t)max_in_flight, "window_ms", (json_int_t)window_ms, "max_in_window",
                        (json_int_t)best, "per_minute", pm);
  fake_batch_stats(o);
  char *s = json_dumps(o, JSON_COMPACT);
  json_decref(o);
  return s;
}

/* The last chat request, for GET /last.  Kept as a tree and written out
 * only when asked for: escaping every body into a JSON string cost more
 * than answering it. */
static pthread_mutex_t last_mu = PTHREAD_MUTEX_INITIALIZER;
static json_t *last_request;

/* ---- per-conversation fault counters ----------------------------------- */

#define NKEYS 65536
static pthread_mutex_t keys_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
  uint64_t key;
  int count;
} keys[NKEYS];

static uint64_t fnv(const char *s, size_t n, uint64_t h) {
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ull;
  }
  return h;
}

/* how many requests of this conversation+kind+fault came before, plus one */
static int bump(uint64_t key) {
  pthread_mutex_lock(&keys_mu);
  size_t i = key % NKEYS;
  for (size_t k = 0; k < NKEYS; k++, i = (i + 1) % NKEYS) {
    if (keys[i].key == key || keys[i].key == 0) {
      keys[i].key = key;
      int c = ++keys[i].count;
      pthread_mutex_unlock(&keys_mu);
      return c;
    }
  }
  pthread_mutex_unlock(&keys_mu);
  return 1;
}

/* ---- delayed resumption ------------------------------------------------ */

typedef struct {
  long due;
  struct MHD_Connection *conn;
} delayed;

static pthread_mutex_t dq_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t dq_cv = PTHREAD_COND_INITIALIZER;
static delayed *dq;
static size_t dq_n, dq_cap;

static void dq_push(long due, struct MHD_Connection *c) {
  pthread_mutex_lock(&dq_mu);
  if (dq_n == dq_cap) {
    dq_cap = dq_cap ? dq_cap * 2 : 1024;
    dq = realloc(dq, dq_cap * sizeof *dq);
  }
  size_t i = dq_n++;
  while (i > 0 && dq[(i - 1) / 2].due > due) { /* min-heap sift up */
    dq[i] = dq[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  dq[i].due = due;
  dq[i].conn = c;
  pthread_cond_signal(&dq_cv);
  pthread_mutex_unlock(&dq_mu);
}

static void *dq_thread(void *arg) {
  (void)arg;
  pthread_mutex_lock(&dq_mu);
  for (;;) {
    if (dq_n == 0) {
      pthread_cond_wait(&dq_cv, &dq_mu);
      continue;
    }
    long t = now_ms();
    if (dq[0].due > t) {
      long wait = dq[0].due - t;
      struct timespec ts;
      clock_gettime(CLOCK_REALTIME, &ts);
      ts.tv_sec += wait / 1000;
      ts.tv_nsec += (wait % 1000) * 1000000;
      if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
      }
      pthread_cond_timedwait(&dq_cv, &dq_mu, &ts);
      continue;
    }
    struct MHD_Connection *c = dq[0].conn;
    delayed last = dq[--dq_n];
    size_t i = 0;
    for (;;) { /* sift down */
      size_t l = 2 * i + 1, r = l + 1, m = i;
      if (l < dq_n && dq[l].due < last.due)
        m = l;
      if (r < dq_n && dq[r].due < (m == i ? last.due : dq[m].due))
        m = r;
      if (m == i)
        break;
      dq[i] = dq[m];
      i = m;
    }
    if (dq_n)
      dq[i] = last;
    pthread_mutex_unlock(&dq_mu);
    MHD_resume_connection(c);
    pthread_mutex_lock(&dq_mu);
  }
  return NULL;
}

/* ---- request state ----------------------------------------------------- */

typedef struct {
  char *body;
  size_t len, cap;
  int phase; /* 0 reading, 1 suspended, 2 answer ready */
  int status;
  char *resp;
  size_t resp_len;
  char *hdr_names[8], *hdr_vals[8];
  int n_hdr;
  bool drip, reset, is_chat;
  size_t drip_off;
} req_state;

static void add_hdr(req_state *st, const char *n, const char *v) {
  if (st->n_hdr < 8) {
    st->hdr_names[st->n_hdr] = strdup(n);
    st->hdr_vals[st->n_hdr] = strdup(v);
    st->n_hdr++;
  }
}

static void set_error(req_state *st, int status, const char *message, const char *type, const char *code) {
  st->status = status;
  json_t *o = json_pack("{s:{s:s,s:s,s:n,s:s}}", "error", "message", message, "type", type, "param", "code",
                        code ? code : "");
  if (!code)
    json_object_set_new(json_object_get(o, "error"), "code", json_null());
  st->resp = json_dumps(o, JSON_COMPACT);
  st->resp_len = strlen(st->resp);
  json_decref(o);
}

typedef struct {
  char name[32];
  int times; /* 0: always */
  char kind[16];
} fault;

static bool parse_fault(const char *s, size_t n, fault *f) {
  memset(f, 0, sizeof *f);
  const char *at = memchr(s, '@', n);
  size_t body = at ? (size_t)(at - s) : n;
  if (at) {
    size_t kl = n - body - 1;
    if (kl >= sizeof f->kind)
      return false;
    memcpy(f->kind, at + 1, kl);
  }
  /* trailing xN */
  size_t nl = body;
  for (size_t i = body; i-- > 0;) {
    if (s[i] >= '0' && s[i] <= '9')
      continue;
    if (s[i] == 'x' && i + 1 < body) {
      f->times = atoi(s + i + 1);
      nl = i;
    }
    break;
  }
  if (nl == 0 || nl >= sizeof f->name)
    return false;
  memcpy(f->name, s, nl);
  return true;
}

static const char *kind_of(const char *schema_name) {
  if (!schema_name)
    return "unknown";
  if (strcmp(schema_name, "resume_parse") == 0)
    return "parse";
  if (strcmp(schema_name, "entry_enrichment") == 0)
    return "entries";
  if (strcmp(schema_name, "career_enrichment") == 0)
    return "career";
  return "unknown";
}

static void http_date(long secs_from_now, char *buf, size_t n) {
  time_t t = time(NULL) + secs_from_now;
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, n, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static void go_duration(long ms, char *buf, size_t n) {
  if (ms < 1000)
    snprintf(buf, n, "%ldms", ms);
  else if (ms < 60000)
    snprintf(buf, n, "%ld.%03lds", ms / 1000, ms % 1000);
  else
    snprintf(buf, n, "%ldm%lds", ms / 60000, (ms % 60000) / 1000);
}

static long estimate_tokens(size_t chars) { return (long)(chars / 4 + 1); }

/* Builds the whole answer (or fault) for one chat request into st. */
static void plan_chat(req_state *st, long *delay_ms) {
  json_error_t jerr;
  json_t *req = json_loadb(st->body, st->len, 0, &jerr);
  if (!req || !json_is_object(req)) {
    json_decref(req);
    set_error(st, 400, "We could not parse the JSON body of your request.", "invalid_request_error", NULL);
    return;
  }
  json_t *msgs = json_object_get(req, "messages");
  const char *schema_name = json_string_value(
      json_object_get(json_object_get(json_object_get(req, "response_format"), "json_schema"), "name"));
  bool tools = json_object_get(req, "tools") != NULL;
  if (tools)
    schema_name = json_string_value(json_object_get(
        json_object_get(json_array_get(json_object_get(req, "tools"), 0), "function"), "name"));
  const char *kind = kind_of(schema_name);
  if (!json_is_array(msgs) || json_array_size(msgs) == 0) {
    json_decref(req);
    set_error(st, 400, "messages is required", "invalid_request_error", NULL);
    return;
  }
  /* the first user message identifies the conversation; markers come from
   * every user message */
  const char *first_user = NULL;
  size_t total_chars = 0;
  fault faults[MAX_FAULTS * 2];
  int nf = 0;
  long extra_latency = 0;
  size_t i;
  json_t *m;
  json_array_foreach(msgs, i, m) {
    const char *c = json_string_value(json_object_get(m, "content"));
    const char *role = json_string_value(json_object_get(m, "role"));
    if (!c)
      continue;
    total_chars += strlen(c);
    if (!role || strcmp(role, "user") != 0)
      continue;
    if (!first_user)
      first_user = c;
    for (const char *p = c; (p = strstr(p, "[[")) != NULL; p += 2) {
      const char *e = strstr(p, "]]");
      if (!e)
        break;
      if (strncmp(p, "[[fault:", 8) == 0 && nf < MAX_FAULTS * 2 &&
          parse_fault(p + 8, (size_t)(e - p - 8), &faults[nf]))
        nf++;
      else if (strncmp(p, "[[latency:", 10) == 0)
        extra_latency = atol(p + 10);
    }
  }
  for (int k = 0; k < opt.n_faults && nf < MAX_FAULTS * 2; k++)
    if (parse_fault(opt.faults[k], strlen(opt.faults[k]), &faults[nf]))
      nf++;
  uint64_t conv = fnv(kind, strlen(kind), 1469598103934665603ull);
  if (first_user)
    conv = fnv(first_user, strlen(first_user), conv);
  int attempt = bump(conv);

  /* the active fault: the first whose kind matches and whose count allows */
  const char *f = NULL;
  for (int k = 0; k < nf; k++) {
    if (faults[k].kind[0] && strcmp(faults[k].kind, kind) != 0)
      continue;
    if (faults[k].times > 0 && attempt > faults[k].times)
      continue;
    f = faults[k].name;
    break;
  }
  *delay_ms = opt.latency_ms + extra_latency;
  if (opt.jitter_ms > 0)
    *delay_ms += random() % (opt.jitter_ms + 1);

  long prompt_tokens = estimate_tokens(total_chars);
  /* server-side limiter (--rpm/--tpm) */
  long limit_r = opt.rpm ? opt.rpm : 10000, rem_r = limit_r;
  long limit_t = opt.tpm ? opt.tpm : 10000000, rem_t = limit_t;
  long used = 0;
  if (opt.rpm) { /* O(requests in the last minute): only when limiting */
    pthread_mutex_lock(&stats_mu);
    used = requests_in_last(60000, now_ms());
    pthread_mutex_unlock(&stats_mu);
  }
  rem_r = limit_r - used;
  if (rem_r < 0)
    rem_r = 0;
  char buf[64];
  snprintf(buf, sizeof buf, "%ld", limit_r);
  add_hdr(st, "x-ratelimit-limit-requests", buf);
  snprintf(buf, sizeof buf, "%ld", limit_t);
  add_hdr(st, "x-ratelimit-limit-tokens", buf);
  bool ratelow = f && strcmp(f, "ratelow") == 0;
  snprintf(buf, sizeof buf, "%ld", ratelow ? 0 : rem_r);
  add_hdr(st, "x-ratelimit-remaining-requests", buf);
  bool tokenslow = f && strcmp(f, "tokenslow") == 0;
  snprintf(buf, sizeof buf, "%ld", tokenslow ? 10 : rem_t - prompt_tokens > 0 ? rem_t - prompt_tokens : 0);
  add_hdr(st, "x-ratelimit-remaining-tokens", buf);
  go_duration(ratelow ? 1000 : 60000 / (limit_r ? limit_r : 1), buf, sizeof buf);
  add_hdr(st, "x-ratelimit-reset-requests", buf);
  add_hdr(st, "x-ratelimit-reset-tokens", tokenslow ? "1.5s" : "6m0s");

  if (opt.rpm && used > opt.rpm) {
    set_error(st, 429, "Rate limit reached for requests", "requests", "rate_limit_exceeded");
    add_hdr(st, "retry-after", "1");
    json_decref(req);
    return;
  }
  if (f) {
    if (!strcmp(f, "429")) {
      set_error(st, 429, "Rate limit reached for gpt-4o-mini on requests per min (RPM).", "requests",
                "rate_limit_exceeded");
      add_hdr(st, "retry-after", opt.retry_after);
    } else if (!strcmp(f, "429ms")) {
      set_error(st, 429, "Rate limit reached for gpt-4o-mini on tokens per min (TPM).", "tokens",
                "rate_limit_exceeded");
      snprintf(buf, sizeof buf, "%ld", opt.retry_after_ms);
      add_hdr(st, "retry-after-ms", buf);
      add_hdr(st, "retry-after", "30");
    } else if (!strcmp(f, "429date")) {
      set_error(st, 429, "Rate limit reached.", "requests", "rate_limit_exceeded");
      http_date(2, buf, sizeof buf);
      add_hdr(st, "retry-after", buf);
    } else if (!strcmp(f, "quota")) {
      set_error(st, 429,
                "You exceeded your current quota, please check your plan and billing details.",
                "insufficient_quota", "insufficient_quota");
    } else if (!strcmp(f, "500")) {
      set_error(st, 500, "The server had an error while processing your request.", "server_error", NULL);
    } else if (!strcmp(f, "503")) {
      set_error(st, 503, "The engine is currently overloaded, please try again later.", "server_error", NULL);
    } else if (!strcmp(f, "500noretry")) {
      set_error(st, 500, "The server had an error while processing your request.", "server_error", NULL);
      add_hdr(st, "x-should-retry", "false");
    } else if (!strcmp(f, "400")) {
      set_error(st, 400, "Invalid schema for response_format.", "invalid_request_error", "invalid_schema");
    } else if (!strcmp(f, "401")) {
      set_error(st, 401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
    } else if (!strcmp(f, "azure429") || !strcmp(f, "azure500")) {
      bool r = f[5] == '4';
      st->status = r ? 429 : 500;
      json_t *o = json_pack("{s:{s:s,s:s}}", "error", "code", r ? "429" : "InternalServerError", "message",
                            r ? "Requests to the ChatCompletions_Create Operation have exceeded call rate limit."
                              : "The service is temporarily unable to process your request.");
      st->resp = json_dumps(o, JSON_COMPACT);
      st->resp_len = strlen(st->resp);
      json_decref(o);
      if (r)
        add_hdr(st, "retry-after", "1");
    } else if (!strcmp(f, "azurefilter")) {
      st->status = 400;
      json_t *o = json_pack("{s:{s:s,s:s,s:n,s:i,s:{s:s}}}", "error", "code", "content_filter", "message",
                            "The response was filtered due to the prompt triggering Azure OpenAI's content "
                            "management policy.",
                            "param", "status", 400, "innererror", "code", "ResponsibleAIPolicyViolation");
      st->resp = json_dumps(o, JSON_COMPACT);
      st->resp_len = strlen(st->resp);
      json_decref(o);
    } else if (!strcmp(f, "openrouter")) {
      st->status = 502;
      json_t *o = json_pack("{s:{s:i,s:s,s:{s:s}}}", "error", "code", 502, "message", "Provider returned error",
                            "metadata", "provider_name", "Fake");
      st->resp = json_dumps(o, JSON_COMPACT);
      st->resp_len = strlen(st->resp);
      json_decref(o);
    } else if (!strcmp(f, "timeout")) {
      *delay_ms = opt.hang_ms;
    } else if (!strcmp(f, "reset")) {
      st->reset = true;
    } else if (!strcmp(f, "badbody")) {
      st->status = 200;
      st->resp = strdup("<html><body>502 Bad Gateway</body></html>");
      st->resp_len = strlen(st->resp);
    }
    if (st->resp || st->reset) {
      json_decref(req);
      return;
    }
  }

  /* the answer */
  json_t *answer = NULL;
  const char *user_text = first_user ? first_user : "";
  if (!strcmp(kind, "parse")) {
    const char *b = strstr(user_text, "<<<RESUME\n");
    const char *e = b ? strstr(b, "\nRESUME>>>") : NULL;
    if (b && e)
      answer = fake_parse_answer(b + 10, (size_t)(e - b - 10), f && !strcmp(f, "hallucinate"));
    else
      answer = fake_parse_answer(user_text, strlen(user_text), f && !strcmp(f, "hallucinate"));
  } else if (!strcmp(kind, "entries")) {
    const char *b = strstr(user_text, "Entries (JSON):\n");
    json_t *in = b ? json_loads(b + 16, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
    answer = fake_entries_answer(json_object_get(in, "entries"));
    json_decref(in);
  } else {
    const char *b = strstr(user_text, "Resume (JSON):\n");
    json_t *in = b ? json_loads(b + 15, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
    answer = fake_career_answer(in);
    json_decref(in);
  }
  bool bloat = f && !strcmp(f, "bloat");
  if (f && (!strcmp(f, "schema") || bloat)) {
    /* wrong type and an unknown property */
    json_object_set_new(answer, "unexpected_field", json_integer(1));
    if (!strcmp(kind, "parse") && bloat) { /* sixty problems */
      json_t *a = json_array();
      for (int k = 0; k < 60; k++)
        json_array_append_new(a, json_integer(k));
      json_object_set_new(answer, "work_experience", a);
    } else if (!strcmp(kind, "parse"))
      json_object_set_new(answer, "work_experience", json_string("not an array"));
    else if (!strcmp(kind, "career"))
      json_object_set_new(json_object_get(answer, "career"), "leadership_score", json_integer(250));
    else
      json_object_set_new(answer, "entries", json_integer(3));
  }
  if (f && !strcmp(f, "extra")) {
    /* what providers without strict mode add: at the top and inside */
    json_object_set_new(answer, "_reasoning", json_string("Read the resume section by section."));
    json_t *first = json_array_get(json_object_get(answer, !strcmp(kind, "parse")     ? "work_experience"
                                                           : !strcmp(kind, "entries") ? "entries"
                                                                                      : "narratives"),
                                   0);
    if (json_is_object(first))
      json_object_set_new(first, "_note", json_string("an extra property"));
  }
  if (f && (!strcmp(f, "big") || !strcmp(f, "huge") || bloat)) {
    size_t n = !strcmp(f, "huge") ? (size_t)12 << 20 : !strcmp(f, "big") ? 40000 : 20000;
    char *pad = malloc(n + 1);
    memset(pad, 'x', n);
    pad[n] = '\0';
    json_object_set_new(answer, "_padding", json_string(pad));
    free(pad);
  }
  char *content = json_dumps(answer, JSON_COMPACT | JSON_REAL_PRECISION(6));
  json_decref(answer);
  static const char *const wraps[][2] = {
      {"fenced", "```json\n%s\n```"},
      {"fencedplain", "```\n%s\n```\n"},
      {"prose", "Here is the JSON you asked for:\n%s\nLet me know if you need anything else."},
      {"fencedprose", "Sure! Here is the result:\n\n```json\n%s\n```\n\nI hope this helps."},
      {"prose2", "Here is the JSON.\nI read the resume carefully.\n%s"},
      {"double", "%s\n{\"again\": true}"},
  };
  for (size_t k = 0; f && k < sizeof wraps / sizeof wraps[0]; k++) {
    char *w = NULL;
    if (!strcmp(f, wraps[k][0]) && asprintf(&w, wraps[k][1], content) >= 0) {
      free(content);
      content = w;
    }
  }
  const char *finish = "stop";
  json_t *content_j = NULL;
  json_t *refusal_j = json_null();
  if (f && !strcmp(f, "malformed")) {
    size_t cl = strlen(content);
    content[cl / 2] = '\0'; /* cut in half: not JSON, but finish_reason stop */
    content_j = json_string(content);
  } else if (f && !strcmp(f, "length")) {
    size_t cl = strlen(content);
    content[cl * 2 / 3] = '\0';
    content_j = json_string(content);
    finish = "length";
  } else if (f && !strcmp(f, "refusal")) {
    content_j = json_null();
    json_decref(refusal_j);
    refusal_j = json_string("I'm sorry, I can't help with that request.");
  } else if (f && !strcmp(f, "filter")) {
    content_j = json_null();
    finish = "content_filter";
  } else {
    content_j = json_string(content);
  }
  long completion_tokens = estimate_tokens(strlen(content));
  json_t *message = json_pack("{s:s,s:o,s:o}", "role", "assistant", "content", content_j, "refusal", refusal_j);
  if (tools && json_is_string(content_j)) {
    char id[32];
    snprintf(id, sizeof id, "call_%ld", (long)n_chat);
    json_object_set_new(message, "content", json_null());
    json_object_set_new(message, "tool_calls",
                        json_pack("[{s:s,s:s,s:{s:s,s:s}}]", "id", id, "type", "function", "function", "name",
                                  schema_name ? schema_name : "unknown", "arguments", content));
  }
  free(content);
  long cached = prompt_tokens >= 1024 ? (prompt_tokens / 128) * 128 / 2 : 0;
  char idbuf[48];
  snprintf(idbuf, sizeof idbuf, "chatcmpl-fake%ld", (long)n_chat);
  json_t *resp = json_pack(
      "{s:s,s:s,s:I,s:s,s:[{s:i,s:o,s:n,s:s}],s:{s:I,s:I,s:I,s:{s:I},s:{s:i}},s:s}", "id", idbuf, "object",
      "chat.completion", "created", (json_int_t)time(NULL), "model", opt.model, "choices", "index", 0, "message",
      message, "logprobs", "finish_reason", finish, "usage", "prompt_tokens", (json_int_t)prompt_tokens,
      "completion_tokens", (json_int_t)completion_tokens, "total_tokens",
      (json_int_t)(prompt_tokens + completion_tokens), "prompt_tokens_details", "cached_tokens",
      (json_int_t)cached, "completion_tokens_details", "reasoning_tokens", 0, "system_fingerprint", "fp_fake");
  st->status = 200;
  st->resp = json_dumps(resp, JSON_COMPACT);
  st->resp_len = strlen(st->resp);
  json_decref(resp);
  if (f && !strcmp(f, "drip"))
    st->drip = true;
  json_decref(req);
}

char *fake_chat_answer(const char *body, size_t len, int *status) {
  req_state st = {0};
  st.body = malloc(len + 1);
  memcpy(st.body, body, len);
  st.body[len] = '\0';
  st.len = len;
  long delay = 0;
  plan_chat(&st, &delay);
  char *out = st.resp;
  *status = st.status ? st.status : 500;
  if (!out) /* reset, timeout: what a batch line shows for a lost request */
    out = strdup("{\"error\":{\"message\":\"The server had an error while processing your request.\","
                 "\"type\":\"server_error\",\"param\":null,\"code\":null}}");
  free(st.body);
  for (int i = 0; i < st.n_hdr; i++) {
    free(st.hdr_names[i]);
    free(st.hdr_vals[i]);
  }
  return out;
}

static ssize_t drip_reader(void *cls, uint64_t pos, char *buf, size_t max) {
  req_state *st = cls;
  if (pos >= st->resp_len)
    return MHD_CONTENT_READER_END_OF_STREAM;
  if (pos > 0)
    usleep((useconds_t)opt.drip_ms * 1000);
  size_t n = st->resp_len - pos;
  if (n > (size_t)opt.drip_bytes)
    n = (size_t)opt.drip_bytes;
  if (n > max)
    n = max;
  memcpy(buf, st->resp + pos, n);
  return (ssize_t)n;
}

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
  (void)kind;
  if (!strcasecmp(key, "authorization") || !strcasecmp(key, "api-key"))
    return MHD_YES;
  json_object_set_new(cls, key, json_string(value ? value : ""));
  return MHD_YES;
}

static enum MHD_Result send_plain(struct MHD_Connection *c, int status, char *body, const char *ctype) {
  struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
  MHD_add_response_header(r, "Content-Type", ctype);
  enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
  MHD_destroy_response(r);
  return ret;
}

static bool authorized(struct MHD_Connection *c, bool azure) {
  if (!opt.api_key)
    return true;
  if (azure) {
    const char *k = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "api-key");
    return k && strcmp(k, opt.api_key) == 0;
  }
  const char *a = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
  return a && strncmp(a, "Bearer ", 7) == 0 && strcmp(a + 7, opt.api_key) == 0;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                               const char *version, const char *upload, size_t *upload_size, void **con_cls) {
  (void)cls;
  (void)version;
  req_state *st = *con_cls;
  if (!st) {
    st = calloc(1, sizeof *st);
    *con_cls = st;
    n_requests++;
    long f = ++in_flight;
    long m = max_in_flight;
    while (f > m && !atomic_compare_exchange_weak(&max_in_flight, &m, f)) {
    }
    return MHD_YES;
  }
  if (*upload_size) {
    if (st->len + *upload_size > st->cap) {
      size_t nc = st->cap ? st->cap : 8192;
      while (nc < st->len + *upload_size)
        nc *= 2;
      st->body = realloc(st->body, nc + 1);
      st->cap = nc;
    }
    memcpy(st->body + st->len, upload, *upload_size);
    st->len += *upload_size;
    *upload_size = 0;
    return MHD_YES;
  }
  if (!strcmp(method, "GET") && !strcmp(url, "/stats")) {
    const char *w = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "window_ms");
    return send_plain(c, 200, stats_json(w ? atol(w) : 60000), "application/json");
  }
  if (!strcmp(method, "GET") && !strcmp(url, "/last")) {
    pthread_mutex_lock(&last_mu);
    char *s = last_request ? json_dumps(last_request, JSON_COMPACT) : NULL;
    if (!s)
      s = strdup("{}");
    pthread_mutex_unlock(&last_mu);
    return send_plain(c, 200, s, "application/json");
  }
  if (fake_batch_path(url)) {
    if (st->body)
      st->body[st->len] = '\0';
    int status = 500;
    const char *ctype = "application/json";
    char *out = fake_batch_handle(c, method, url, st->body, st->len, &status, &ctype);
    return send_plain(c, status, out, ctype);
  }
  bool azure = strncmp(url, "/openai/deployments/", 20) == 0;
  bool chat = !strcmp(method, "POST") &&
              (!strcmp(url, "/v1/chat/completions") || !strcmp(url, "/chat/completions") ||
               (azure && strstr(url, "/chat/completions")));
  if (!chat)
    return send_plain(c, 404, strdup("{\"error\":{\"message\":\"not found\",\"type\":\"invalid_request_error\"}}"),
                      "application/json");
  if (st->phase == 0) {
    st->is_chat = true;
    n_chat++;
    record_chat();
    if (st->body)
      st->body[st->len] = '\0';
    if (opt.record_dir) {
      char path[1024];
      snprintf(path, sizeof path, "%s/%06ld.json", opt.record_dir, (long)n_chat);
      FILE *rf = fopen(path, "wb");
      if (rf) {
        fwrite(st->body ? st->body : "", 1, st->len, rf);
        fclose(rf);
      }
    }
    /* remember the request for /last (credentials left out) */
    json_t *hd = json_object();
    MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, hd);
    const char *apiv = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "api-version");
    json_t *lr = json_pack("{s:s,s:s?,s:o,s:s#}", "path", url, "api_version", apiv, "headers", hd, "body",
                           st->body ? st->body : "", (int)st->len);
    pthread_mutex_lock(&last_mu);
    json_decref(last_request);
    last_request = lr;
    pthread_mutex_unlock(&last_mu);
    long delay = 0;
    if (!authorized(c, azure)) {
      /* like OpenAI, quote the key that was presented (clients must scrub it) */
      const char *k = MHD_lookup_connection_value(c, MHD_HEADER_KIND, azure ? "api-key" : "Authorization");
      char m[300];
      snprintf(m, sizeof m, "Incorrect API key provided: %.200s.", k ? (strncmp(k, "Bearer ", 7) ? k : k + 7) : "");
      set_error(st, 401, m, "invalid_request_error", "invalid_api_key");
    }
    else if (azure && !apiv)
      set_error(st, 404, "Resource not found", "invalid_request_error", "404");
    else
      plan_chat(st, &delay);
    if (delay > 0) {
      st->phase = 1;
      MHD_suspend_connection(c);
      dq_push(now_ms() + delay, c);
      return MHD_YES;
    }
  }
  st->phase = 2;
  if (st->reset) {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (ci) {
      struct linger lg = {1, 0}; /* close with RST */
      setsockopt(ci->connect_fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
    return MHD_NO;
  }
  struct MHD_Response *r;
  if (st->drip)
    r = MHD_create_response_from_callback(st->resp_len, (size_t)opt.drip_bytes, drip_reader, st, NULL);
  else {
    r = MHD_create_response_from_buffer(st->resp_len, st->resp, MHD_RESPMEM_MUST_FREE);
    st->resp = NULL;
  }
  MHD_add_response_header(r, "Content-Type", "application/json");
  char rid[48];
  snprintf(rid, sizeof rid, "req_fake%ld", (long)n_requests);
  MHD_add_response_header(r, "x-request-id", rid);
  MHD_add_response_header(r, "openai-processing-ms", "1");
  for (int i = 0; i < st->n_hdr; i++)
    MHD_add_response_header(r, st->hdr_names[i], st->hdr_vals[i]);
  enum MHD_Result ret = MHD_queue_response(c, (unsigned)(st->status ? st->status : 500), r);
  MHD_destroy_response(r);
  return ret;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe) {
  (void)cls;
  (void)c;
  (void)toe;
  req_state *st = *con_cls;
  if (!st)
    return;
  in_flight--;
  free(st->body);
  free(st->resp);
  for (int i = 0; i < st->n_hdr; i++) {
    free(st->hdr_names[i]);
    free(st->hdr_vals[i]);
  }
  free(st);
  *con_cls = NULL;
}

static char *slurp(const char *path) {
  FILE *f = path ? fopen(path, "rb") : NULL;
  if (!f)
    return NULL;
  char *b = calloc(1, 1 << 16);
  size_t n = fread(b, 1, (1 << 16) - 1, f);
  fclose(f);
  b[n] = '\0';
  return b;
}

static void on_signal(int sig) {
  (void)sig;
  _exit(0); /* suspended "timeout" connections would block a clean stop */
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NUM(flag, field)            \
  if (!strcmp(a, flag) && v) {      \
    opt.field = atol(v);            \
    i++;                            \
    continue;                       \
  }
    NUM("--port", port);
    NUM("--threads", threads);
    NUM("--latency-ms", latency_ms);
    NUM("--jitter-ms", jitter_ms);
    NUM("--rpm", rpm);
    NUM("--tpm", tpm);
    NUM("--hang-ms", hang_ms);
    NUM("--drip-ms", drip_ms);
    NUM("--drip-bytes", drip_bytes);
    NUM("--retry-after-ms", retry_after_ms);
#undef NUM
    if (!strcmp(a, "--batch-ms") && v) {
      fake_batch_opt.batch_ms = atol(v);
      i++;
      continue;
    }
    if (!strcmp(a, "--batch-hold")) {
      fake_batch_opt.hold = true;
      continue;
    }
    if (!strcmp(a, "--batch-fault") && v) {
      fake_batch_opt.fault = v;
      i++;
      continue;
    }
    if (!strcmp(a, "--fault") && v && opt.n_faults < MAX_FAULTS) {
      opt.faults[opt.n_faults++] = v;
      i++;
    } else if (!strcmp(a, "--model") && v) {
      opt.model = v;
      i++;
    } else if (!strcmp(a, "--api-key") && v) {
      opt.api_key = v;
      i++;
    } else if (!strcmp(a, "--tls-cert") && v) {
      opt.tls_cert = v;
      i++;
    } else if (!strcmp(a, "--tls-key") && v) {
      opt.tls_key = v;
      i++;
    } else if (!strcmp(a, "--record") && v) {
      opt.record_dir = v;
      i++;
    } else if (!strcmp(a, "--retry-after") && v) {
      opt.retry_after = v;
      i++;
    } else {
      fprintf(stderr, "fake-llm: unknown or incomplete option %s\n", a);
      return 2;
    }
  }
  if (opt.drip_bytes < 1)
    opt.drip_bytes = 1;
  fake_batch_opt.record_dir = opt.record_dir;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  srandom(42);
  signal(SIGPIPE, SIG_IGN);
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  pthread_t th;
  pthread_create(&th, NULL, dq_thread, NULL);

  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port)};
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME;
  static char *pem_cert, *pem_key;
  if (opt.tls_cert || opt.tls_key) {
    pem_cert = slurp(opt.tls_cert);
    pem_key = slurp(opt.tls_key);
    if (!pem_cert || !pem_key || MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
      fprintf(stderr, "fake-llm: cannot serve TLS (files unreadable or libmicrohttpd without TLS)\n");
      return 1;
    }
    flags |= MHD_USE_TLS;
  }
  /* the TLS options are only valid with MHD_USE_TLS */
  struct MHD_OptionItem tls_opts[] = {
      {MHD_OPTION_HTTPS_MEM_CERT, 0, pem_cert},
      {MHD_OPTION_HTTPS_MEM_KEY, 0, pem_key},
      {MHD_OPTION_END, 0, NULL},
  };
  struct MHD_Daemon *d =
      MHD_start_daemon(flags, (uint16_t)opt.port, NULL, NULL, handler, NULL, MHD_OPTION_SOCK_ADDR, &sa,
                       MHD_OPTION_ARRAY, pem_cert ? tls_opts : &tls_opts[2],
                       MHD_OPTION_THREAD_POOL_SIZE, opt.threads, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
                       MHD_OPTION_CONNECTION_LIMIT, (unsigned)20000, MHD_OPTION_LISTEN_BACKLOG_SIZE,
                       (unsigned)4096, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)0, MHD_OPTION_END);
  if (!d) {
    fprintf(stderr, "fake-llm: cannot start the server: %s\n", strerror(errno));
    return 1;
  }
  const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  printf("%u\n", di ? di->port : opt.port);
  fflush(stdout);
  for (;;)
    pause();
}
