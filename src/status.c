/* Fleet status page and worker reports (see status.h). */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include "careeros/log.h"
#include "careeros/status.h"
#include "cw_build.h"

/* A snapshot younger than this is served again: a page left open in many
 * browsers, or a scrape loop, must not turn into one query per hit. */
#define CACHE_MS 2000
#define REFRESH_S 10
#define MAX_WAITERS 32

struct cw_status {
  cw_db *db;
  char worker_id[300];
  char host[256];
  char started_at[40]; /* this process's start, as Postgres reads it */
  int concurrency;
  int outstanding; /* our queries the database has not answered */
  bool reporting, fetching, closing;
  cw_metrics_reply *waiters[MAX_WAITERS];
  int nwaiters;
  char *cache;
  uint64_t cache_at;
};

static const char html_type[] = "text/html; charset=utf-8";

int cw_status_new(cw_db *db, const char *worker_id, const char *host, int concurrency, cw_status **out) {
  cw_status *st = calloc(1, sizeof *st);
  if (!st)
    return -ENOMEM;
  st->db = db;
  snprintf(st->worker_id, sizeof st->worker_id, "%s", worker_id);
  snprintf(st->host, sizeof st->host, "%s", host);
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(st->started_at, sizeof st->started_at, "%Y-%m-%dT%H:%M:%SZ", &tm);
  st->concurrency = concurrency;
  *out = st;
  return 0;
}

void cw_status_set_concurrency(cw_status *st, int concurrency) {
  if (st)
    st->concurrency = concurrency;
}

static void reply_all(cw_status *st, unsigned code, const char *body) {
  for (int i = 0; i < st->nwaiters; i++) {
    char *copy = strdup(body);
    cw_metrics_reply_send(st->waiters[i], copy ? code : 500, html_type, copy ? copy : strdup(""));
  }
  st->nwaiters = 0;
}

/* The last callback of a closed object frees it. */
static bool query_done(cw_status *st) {
  st->outstanding--;
  if (st->closing && st->outstanding == 0) {
    free(st->cache);
    free(st);
    return true;
  }
  return st->closing;
}

void cw_status_free(cw_status *st) {
  if (!st)
    return;
  reply_all(st, 503, "<!doctype html><title>careeros-worker</title><p>shutting down</p>\n");
  st->closing = true;
  if (st->outstanding == 0) {
    free(st->cache);
    free(st);
  }
}

/* ---- reports -------------------------------------------------------------- */

static void on_reported(void *arg, int status, const PGresult *res, const char *msg) {
  (void)res;
  cw_status *st = arg;
  if (query_done(st))
    return;
  st->reporting = false;
  if (status < 0 && status != -ECONNRESET)
    cw_log_warn("status.report_failed", "error=\"%s\"", msg ? msg : "unknown");
}

void cw_status_report(cw_status *st, int inflight, unsigned long done, unsigned long failed) {
  if (!st || st->closing || st->reporting || !cw_db_is_up(st->db))
    return;
  char in[16], conc[16], d[24], f[24];
  snprintf(in, sizeof in, "%d", inflight);
  snprintf(conc, sizeof conc, "%d", st->concurrency);
  snprintf(d, sizeof d, "%lu", done);
  snprintf(f, sizeof f, "%lu", failed);
  const char *p[8] = {st->worker_id, st->host, CW_VERSION, in, conc, d, f, st->started_at};
  if (cw_db_query(st->db, "SELECT queue.report_worker($1, $2, $3, $4, $5, $6, $7, $8)", 8, p, on_reported,
                  st) == 0) {
    st->reporting = true;
    st->outstanding++;
  }
}

/* ---- the page --------------------------------------------------------------- */

static void esc(FILE *f, const char *s) {
  for (; s && *s; s++) {
    switch (*s) {
    case '&': fputs("&amp;", f); break;
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '"': fputs("&quot;", f); break;
    case '\'': fputs("&#39;", f); break;
    default:
      /* control bytes would only garble the page */
      if ((unsigned char)*s >= 0x20 || *s == '\t')
        fputc(*s, f);
    }
  }
}

static const char *jstr(const json_t *o, const char *key) {
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

static double jnum(const json_t *o, const char *key) { return json_number_value(json_object_get(o, key)); }

/* "2026-12-07T12:55:03.123+00:00" -> "2026-12-07 12:55:03" */
static void time_cell(FILE *f, const char *iso) {
  char t[20];
  snprintf(t, sizeof t, "%s", iso);
  if (strlen(t) > 10 && t[10] == 'T')
    t[10] = ' ';
  esc(f, t);
}

static void age(FILE *f, double s) {
  if (!(s >= 0))
    fputs("&ndash;", f);
  else if (s < 120)
    fprintf(f, "%.0f s", s);
  else if (s < 7200)
    fprintf(f, "%.1f min", s / 60);
  else if (s < 172800)
    fprintf(f, "%.1f h", s / 3600);
  else
    fprintf(f, "%.1f d", s / 86400);
}

static const char style[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1d2430;background:#f6f7f9}"
    "h1{font-size:1.3em;margin:0 0 .2em}h2{font-size:1.05em;margin:1.4em 0 .5em}"
    ".sub{color:#5b6472;margin:0 0 1em}"
    ".cards{display:flex;flex-wrap:wrap;gap:.8em}"
    ".card{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:.6em 1em;min-width:9em}"
    ".card b{display:block;font-size:1.5em}.card span{color:#5b6472}"
    "table{border-collapse:collapse;background:#fff;border:1px solid #dde1e7}"
    "th,td{padding:.3em .8em;text-align:left;border-bottom:1px solid #eef0f3}"
    "th{background:#eef0f3;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "code{font-size:.92em}.bad{color:#b42318}.none{color:#5b6472}"
    "svg{background:#fff;border:1px solid #dde1e7;border-radius:6px}";

static void card(FILE *f, const char *label, const char *cls, double v) {
  fprintf(f, "<div class=\"card\"><b%s>%.0f</b><span>", cls, v);
  esc(f, label);
  fputs("</span></div>", f);
}

/* 60 bars, one per minute, oldest left; each bar says its minute and
 * value in a tooltip (<title>), so no script is needed. */
static void chart(FILE *f, const json_t *minutes, const char *key, const char *color, const char *label) {
  const int w = 600, h = 120, pad = 18;
  double max = 0;
  size_t n = json_array_size(minutes), i;
  json_t *m;
  json_array_foreach(minutes, i, m) max = fmax(max, jnum(m, key));
  double top = max > 0 ? max : 1;
  fprintf(f, "<svg role=\"img\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\"><title>", w, h + 2 * pad, w,
          h + 2 * pad);
  esc(f, label);
  fputs("</title>", f);
  double bw = n ? (double)(w - 40) / (double)n : 0;
  json_array_foreach(minutes, i, m) {
    double v = jnum(m, key), bh = v / top * h;
    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>", 30 + i * bw,
            pad + h - bh, bw > 2 ? bw - 1 : bw, bh, color);
    time_cell(f, jstr(m, "minute"));
    fprintf(f, ": %.0f</title></rect>", v);
  }
  fprintf(f,
          "<line x1=\"30\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#9aa3af\"/>"
          "<text x=\"2\" y=\"%d\" font-size=\"11\" fill=\"#5b6472\">%.0f</text>"
          "<text x=\"2\" y=\"%d\" font-size=\"11\" fill=\"#5b6472\">0</text>"
          "<text x=\"30\" y=\"%d\" font-size=\"11\" fill=\"#5b6472\">-60 min</text>"
          "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#5b6472\" text-anchor=\"end\">now</text></svg>\n",
          pad + h, w - 10, pad + h, pad + 10, max, pad + h, h + 2 * pad - 3, w - 10, h + 2 * pad - 3);
}

static void depth_table(FILE *f, const json_t *depth) {
  fputs("<h2>Queue depth by status and stage</h2>", f);
  if (json_array_size(depth) == 0) {
    fputs("<p class=\"none\">The queue is empty.</p>", f);
    return;
  }
  fputs("<table><tr><th>status</th><th>stage</th><th>versions</th></tr>", f);
  size_t i;
  json_t *d;
  json_array_foreach(depth, i, d) {
    fputs("<tr><td>", f);
    esc(f, jstr(d, "status"));
    fputs("</td><td>", f);
    esc(f, jstr(d, "stage"));
    fprintf(f, "</td><td class=\"n\">%.0f</td></tr>", jnum(d, "count"));
  }
  fputs("</table>\n", f);
}

static void workers_table(FILE *f, const json_t *workers) {
  fprintf(f, "<h2>Workers seen in the last minute (%zu)</h2>", json_array_size(workers));
  if (json_array_size(workers) == 0) {
    fputs("<p class=\"bad\">No worker has reported in the last minute.</p>", f);
    return;
  }
  fputs("<table><tr><th>worker</th><th>host</th><th>version</th><th>in flight</th><th>completed</th>"
        "<th>failed</th><th>last report</th><th>up since</th></tr>",
        f);
  size_t i;
  json_t *w;
  json_array_foreach(workers, i, w) {
    fputs("<tr><td><code>", f);
    esc(f, jstr(w, "id"));
    fputs("</code></td><td>", f);
    esc(f, jstr(w, "host"));
    fputs("</td><td>", f);
    esc(f, jstr(w, "version"));
    fprintf(f, "</td><td class=\"n\">%.0f / %.0f</td><td class=\"n\">%.0f</td><td class=\"n\">%.0f</td><td>",
            jnum(w, "inflight"), jnum(w, "concurrency"), jnum(w, "completed"), jnum(w, "failed"));
    age(f, jnum(w, "seen_seconds_ago"));
    fputs(" ago</td><td>", f);
    time_cell(f, jstr(w, "started_at"));
    fputs("</td></tr>", f);
  }
  fputs("</table>\n", f);
}

static void failures_table(FILE *f, const json_t *failures) {
  fputs("<h2>Last 20 failures</h2>", f);
  if (json_array_size(failures) == 0) {
    fputs("<p class=\"none\">No failure in the last 7 days.</p>", f);
    return;
  }
  fputs("<table><tr><th>time (UTC)</th><th>code</th><th>stage</th><th>resume version</th></tr>", f);
  size_t i;
  json_t *x;
  json_array_foreach(failures, i, x) {
    fputs("<tr><td>", f);
    time_cell(f, jstr(x, "at"));
    fputs("</td><td class=\"bad\"><code>", f);
    esc(f, jstr(x, "code"));
    fputs("</code></td><td>", f);
    esc(f, jstr(x, "stage"));
    fputs("</td><td><code>", f);
    esc(f, jstr(x, "id"));
    fputs("</code></td></tr>", f);
  }
  fputs("</table>\n", f);
}

static double sum_of(const json_t *arr, const char *key) {
  double t = 0;
  size_t i;
  json_t *m;
  json_array_foreach(arr, i, m) t += jnum(m, key);
  return t;
}

static double depth_of(const json_t *depth, const char *status) {
  double t = 0;
  size_t i;
  json_t *d;
  json_array_foreach(depth, i, d) if (strcmp(jstr(d, "status"), status) == 0) t += jnum(d, "count");
  return t;
}

char *cw_status_render(const json_t *snap) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f)
    return NULL;
  const json_t *depth = json_object_get(snap, "depth"), *pending = json_object_get(snap, "pending"),
               *minutes = json_object_get(snap, "minutes"), *workers = json_object_get(snap, "workers");
  fprintf(f,
          "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta http-equiv=\"refresh\" content=\"%d\"><title>careeros-worker fleet status</title>"
          "<style>%s</style></head><body>\n<h1>careeros-worker fleet status</h1><p class=\"sub\">",
          REFRESH_S, style);
  time_cell(f, jstr(snap, "generated_at"));
  fprintf(f, " UTC &middot; refreshes every %d s &middot; served by version %s</p>\n<div class=\"cards\">",
          REFRESH_S, CW_VERSION);
  card(f, "pending, ready", "", jnum(pending, "ready"));
  card(f, "pending, waiting to retry", "", jnum(pending, "waiting_retry"));
  card(f, "processing", "", depth_of(depth, "processing"));
  fputs("<div class=\"card\"><b>", f);
  json_t *oldest = json_object_get(pending, "oldest_age_seconds");
  age(f, json_is_number(oldest) ? json_number_value(oldest) : -1);
  fputs("</b><span>oldest pending</span></div>", f);
  card(f, "completed, last hour", "", sum_of(minutes, "completed"));
  double failed = sum_of(minutes, "failed");
  card(f, "failed, last hour", failed > 0 ? " class=\"bad\"" : "", failed);
  card(f, "workers", json_array_size(workers) ? "" : " class=\"bad\"", (double)json_array_size(workers));
  fputs("</div>\n<h2>Jobs completed per minute, last hour</h2>", f);
  chart(f, minutes, "completed", "#2f6fdf", "jobs completed per minute over the last hour");
  fputs("<h2>Failures per minute, last hour</h2>", f);
  chart(f, minutes, "failed", "#d64545", "failures per minute over the last hour");
  depth_table(f, depth);
  workers_table(f, workers);
  failures_table(f, json_object_get(snap, "failures"));
  fputs("</body></html>\n", f);
  if (fclose(f) != 0) {
    free(buf);
    return NULL;
  }
  return buf;
}

static void on_snapshot(void *arg, int status, const PGresult *res, const char *msg) {
  cw_status *st = arg;
  if (query_done(st))
    return;
  st->fetching = false;
  json_t *snap = NULL;
  if (status == 0 && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
    snap = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
  char *html = snap ? cw_status_render(snap) : NULL;
  json_decref(snap);
  if (!html) {
    cw_log_warn("status.page_failed", "error=\"%s\"", msg ? msg : (status < 0 ? "query failed" : "render"));
    reply_all(st, 503, "<!doctype html><title>careeros-worker</title><p>status unavailable: database error</p>\n");
    return;
  }
  free(st->cache);
  st->cache = html;
  st->cache_at = uv_hrtime() / 1000000;
  reply_all(st, 200, html);
}

void cw_status_page(void *arg, cw_metrics_reply *r) {
  cw_status *st = arg;
  uint64_t now = uv_hrtime() / 1000000;
  if (st->cache && now - st->cache_at < CACHE_MS) {
    char *copy = strdup(st->cache);
    cw_metrics_reply_send(r, copy ? 200 : 500, html_type, copy ? copy : strdup(""));
    return;
  }
  if (st->closing || !cw_db_is_up(st->db) || st->nwaiters == MAX_WAITERS) {
    cw_metrics_reply_send(r, 503, html_type,
                          strdup("<!doctype html><title>careeros-worker</title>"
                                 "<p>status unavailable: the database is not reachable from this worker</p>\n"));
    return;
  }
  st->waiters[st->nwaiters++] = r;
  if (st->fetching)
    return; /* one query serves every page waiting for it */
  if (cw_db_query(st->db, "SELECT queue.fleet_status()", 0, NULL, on_snapshot, st) < 0) {
    reply_all(st, 503, "<!doctype html><title>careeros-worker</title><p>status unavailable</p>\n");
    return;
  }
  st->fetching = true;
  st->outstanding++;
}
