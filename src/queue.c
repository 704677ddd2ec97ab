#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careeros/log.h"
#include "careeros/queue.h"

/* After cw_queue_detach() every call fails at once instead of touching the
 * database handle, which is being closed. */
#define DB_OR_CANCEL(q) \
  do {                     \
    if (!(q)->db)          \
      return -ECANCELED;   \
  } while (0)

struct pending_finish {
  struct pending_finish *next;
  char id[37];
  cw_queue_finish_cb cb;
  void *arg;
  /* The item as JSON text, until its call is sent: a thousand jobs' items
   * waiting as text take a third of the memory of jansson trees. */
  char *json;
  size_t len;
  bool noop;
  bool ends_job; /* its answer frees a job slot */
  char user[37]; /* the job's user ("user_id" of the item), "" if not given */
};

/* Waiting items in submission order.  Two lanes: a commit that ends a job
 * (the last stage, or one the merge rides along with) is what a free slot,
 * and so the next claim, waits for; the commits of earlier stages are not
 * (the next stage's call runs ahead of them), so they go second, unless
 * that call has answered meanwhile (cw_queue_hurry). */
struct lane {
  struct pending_finish *head;
  struct pending_finish **tail;
};

struct cw_queue {
  cw_db *db;
  char *worker_id;
  struct lane ending; /* items that end their job */
  struct lane other;  /* the rest */
  /* Users with an ending item in a call now running.  An ending item runs
   * the merge, which takes its user's lock: a second item of that user in
   * another call would wait for the whole first call, and hold up every
   * item of its own.  It waits here instead, for a later call. */
  char (*busy)[37];
  size_t n_busy, cap_busy;
  int in_flight;                 /* finish_stages calls running */
  int max_in_flight;             /* leave one pool connection for claims and heartbeats */
};

int cw_queue_new(cw_db *db, const char *worker_id, int pool_size, cw_queue **out) {
  cw_queue *q = calloc(1, sizeof *q);
  if (!q)
    return -ENOMEM;
  q->db = db;
  /* Several stage commits run at once on a bigger pool (their locks are
   * taken in one global order, so they cannot deadlock each other). */
  q->max_in_flight = pool_size > 1 ? pool_size - 1 : 1;
  q->worker_id = strdup(worker_id);
  q->ending.tail = &q->ending.head;
  q->other.tail = &q->other.head;
  *out = q;
  return 0;
}

void cw_queue_detach(cw_queue *q) { q->db = NULL; }

static void cancel_lane(struct lane *l) {
  struct pending_finish *p = l->head;
  while (p) {
    struct pending_finish *n = p->next;
    p->cb(p->arg, -ECANCELED, "shutting down");
    free(p->json);
    free(p);
    p = n;
  }
  l->head = NULL;
  l->tail = &l->head;
}

void cw_queue_free(cw_queue *q) {
  if (!q)
    return;
  cancel_lane(&q->ending);
  cancel_lane(&q->other);
  free(q->busy);
  free(q->worker_id);
  free(q);
}

static void copy_id(char dst[37], const char *src) {
  snprintf(dst, 37, "%s", src ? src : "");
}

static char *dup_or_empty(const char *s) { return strdup(s ? s : ""); }

void cw_claimed_clear(cw_claimed *c) {
  free(c->file_path);
  free(c->file_name);
  free(c->file_hash);
  free(c->mime_type);
  memset(c, 0, sizeof *c);
}

/* ---- claim ------------------------------------------------------------- */

struct claim_ctx {
  cw_queue_claim_cb cb;
  void *arg;
};

static void on_claim(void *arg, int status, const PGresult *res, const char *msg) {
  struct claim_ctx *ctx = arg;
  if (status < 0) {
    cw_log_warn("queue.claim_failed", "reason=\"%s\"", msg ? msg : "");
    ctx->cb(ctx->arg, status, NULL, 0);
    free(ctx);
    return;
  }
  int n = PQntuples(res);
  cw_claimed *rows = n ? calloc((size_t)n, sizeof *rows) : NULL;
  for (int i = 0; i < n && rows; i++) {
    cw_claimed *r = &rows[i];
    copy_id(r->id, PQgetvalue(res, i, 0));
    copy_id(r->token, PQgetvalue(res, i, 1));
    r->attempts = atoi(PQgetvalue(res, i, 2));
    r->max_attempts = atoi(PQgetvalue(res, i, 3));
    snprintf(r->stage, sizeof r->stage, "%s", PQgetvalue(res, i, 4));
    copy_id(r->user_id, PQgetvalue(res, i, 5));
    r->file_path = dup_or_empty(PQgetvalue(res, i, 6));
    r->file_name = dup_or_empty(PQgetvalue(res, i, 7));
    r->file_size = strtoll(PQgetvalue(res, i, 8), NULL, 10);
    r->file_hash = dup_or_empty(PQgetvalue(res, i, 9));
    r->mime_type = dup_or_empty(PQgetvalue(res, i, 10));
    snprintf(r->created_at, sizeof r->created_at, "%s", PQgetvalue(res, i, 11));
    r->rescued = PQgetvalue(res, i, 12)[0] == 't';
  }
  ctx->cb(ctx->arg, rows || !n ? 0 : -ENOMEM, rows, rows ? n : 0);
  for (int i = 0; i < n && rows; i++)
    cw_claimed_clear(&rows[i]);
  free(rows);
  free(ctx);
}

int cw_queue_claim(cw_queue *q, int limit, int lease_ms, int max_attempts, cw_queue_claim_cb cb,
                   void *arg) {
  DB_OR_CANCEL(q);
  struct claim_ctx *ctx = malloc(sizeof *ctx);
  if (!ctx)
    return -ENOMEM;
  ctx->cb = cb;
  ctx->arg = arg;
  char lim[16], lease[16], max[16];
  snprintf(lim, sizeof lim, "%d", limit);
  snprintf(lease, sizeof lease, "%d", lease_ms);
  snprintf(max, sizeof max, "%d", max_attempts);
  const char *p[] = {q->worker_id, lim, lease, max_attempts > 0 ? max : NULL};
  int rc = cw_db_query(q->db, "SELECT * FROM queue.claim($1, $2, $3, $4::int)", 4, p, on_claim, ctx);
  if (rc < 0)
    free(ctx);
  return rc;
}

/* ---- finish (batched) --------------------------------------------------- */

static void flush_finishes(cw_queue *q);

/* The link to the item of job id in a list, or NULL. */
static struct pending_finish **find_waiting(struct pending_finish **list, const char *id) {
  for (struct pending_finish **pp = list; *pp; pp = &(*pp)->next)
    if (strcmp((*pp)->id, id) == 0)
      return pp;
  return NULL;
}

static struct pending_finish *take_waiting(struct pending_finish **list, const char *id) {
  struct pending_finish **pp = find_waiting(list, id);
  if (!pp)
    return NULL;
  struct pending_finish *p = *pp;
  *pp = p->next;
  return p;
}

/* A lane keeps its end: items are appended there and taken from anywhere. */
static void lane_push(struct lane *l, struct pending_finish *p) {
  p->next = NULL;
  *l->tail = p;
  l->tail = &p->next;
}

static struct pending_finish *lane_unlink(struct lane *l, struct pending_finish **pp) {
  struct pending_finish *p = *pp;
  if (!p->next)
    l->tail = pp; /* the lane's last item goes: its slot is the new end */
  *pp = p->next;
  p->next = NULL;
  return p;
}

struct finish_ctx {
  cw_queue *q;
  struct pending_finish *sent;
  uint64_t t0;
  int items;
  bool ending; /* its items' users are in q->busy */
};

static bool user_busy(const cw_queue *q, const char *user) {
  for (size_t i = 0; user[0] && i < q->n_busy; i++)
    if (strcmp(q->busy[i], user) == 0)
      return true;
  return false;
}

static int mark_busy(cw_queue *q, const struct pending_finish *sent) {
  for (const struct pending_finish *p = sent; p; p = p->next) {
    if (!p->ends_job || !p->user[0] || user_busy(q, p->user))
      continue;
    if (q->n_busy == q->cap_busy) {
      size_t cap = q->cap_busy ? 2 * q->cap_busy : 64;
      char(*b)[37] = realloc(q->busy, cap * sizeof *b);
      if (!b)
        return -ENOMEM;
      q->busy = b;
      q->cap_busy = cap;
    }
    memcpy(q->busy[q->n_busy++], p->user, 37);
  }
  return 0;
}

static void unmark_busy(cw_queue *q, const struct pending_finish *sent) {
  for (const struct pending_finish *p = sent; p; p = p->next)
    for (size_t i = 0; p->ends_job && p->user[0] && i < q->n_busy; i++)
      if (strcmp(q->busy[i], p->user) == 0) {
        memcpy(q->busy[i], q->busy[--q->n_busy], 37);
        break;
      }
}

/* Slow queue calls are worth a warning: they eat into leases. */
#define SLOW_CALL_MS 1000

static void note_slow(const char *what, uint64_t t0, int items) {
  double ms = (double)(uv_hrtime() - t0) / 1e6;
  if (ms >= SLOW_CALL_MS)
    cw_log_warn("queue.slow_call", "call=%s items=%d ms=%.0f", what, items, ms);
}

static void on_finish(void *arg, int status, const PGresult *res, const char *msg) {
  struct finish_ctx *ctx = arg;
  cw_queue *q = ctx->q;
  struct pending_finish *sent = ctx->sent;
  note_slow("finish_stages", ctx->t0, ctx->items);
  if (q && ctx->ending)
    unmark_busy(q, sent);
  free(ctx);
  if (status == 0) {
    for (int i = 0; i < PQntuples(res); i++) {
      struct pending_finish *p = take_waiting(&sent, PQgetvalue(res, i, 0));
      if (!p)
        continue;
      const char *r = PQgetvalue(res, i, 1);
      int result = strcmp(r, "ok") == 0          ? CW_FINISH_OK
                   : strcmp(r, "completed") == 0 ? CW_FINISH_DONE
                   : strcmp(r, "fenced") == 0    ? CW_FINISH_FENCED
                   : strcmp(r, "stale") == 0     ? CW_FINISH_STALE
                                                 : CW_FINISH_REFUSED;
      p->cb(p->arg, result, PQgetisnull(res, i, 2) ? NULL : PQgetvalue(res, i, 2));
      free(p);
    }
  }
  /* Whatever is left got no answer: the connection died (outcome unknown)
   * or the call failed as a whole. */
  while (sent) {
    struct pending_finish *n = sent->next;
    sent->cb(sent->arg, status < 0 ? status : -EIO, msg ? msg : "no result for item");
    free(sent->json); /* NULL unless the call could not be built */
    free(sent);
    sent = n;
  }
  if (q) {
    q->in_flight--;
    flush_finishes(q);
  }
}

/* Items per finish_stages call.  A batch in which one item fails is done
 * again one subtransaction per item, and past 64 of them in one transaction
 * Postgres' snapshots overflow and every backend in the cluster slows down;
 * bigger backlogs go in several calls. */
#define MAX_BATCH 60
/* A batch answers when its last item is written, and an ending item's job
 * slot stays taken until then: smaller batches free slots sooner, but each
 * call has its own cost (LLM benchmark: 16 beat 8, 24 and 60). */
#define MAX_ENDING_BATCH 16
#define MAX_NOOP_BATCH 1024

/* The first k waiting items (at most cap) as one JSON array. */
static char *batch_body(struct pending_finish *first, size_t cap, size_t *k) {
  size_t len = 2, n = 0;
  for (struct pending_finish *p = first; p && n < cap; p = p->next, n++)
    len += p->len + 1;
  char *body = malloc(len + 1), *w = body;
  if (!body)
    return NULL;
  *w++ = '[';
  n = 0;
  for (struct pending_finish *p = first; p && n < cap; p = p->next, n++) {
    if (n)
      *w++ = ',';
    memcpy(w, p->json, p->len);
    w += p->len;
    free(p->json);
    p->json = NULL;
  }
  *w++ = ']';
  *w = '\0';
  *k = n;
  return body;
}

/* Takes up to cap items off a lane, in order, as the list of one call.
 * From the ending lane it passes over items whose user is busy. */
static struct pending_finish *pick(cw_queue *q, struct lane *l, size_t cap, size_t *k) {
  struct lane call = {NULL, &call.head};
  bool ending = l == &q->ending;
  *k = 0;
  for (struct pending_finish **pp = &l->head; *pp && *k < cap;) {
    if (ending && (*pp)->ends_job && user_busy(q, (*pp)->user)) {
      pp = &(*pp)->next;
      continue;
    }
    lane_push(&call, lane_unlink(l, pp));
    (*k)++;
  }
  return call.head;
}

/* Sends one call with items of a lane; 1 if it sent one, 0 if every item
 * there must wait, negative on error. */
static int send_batch(cw_queue *q, struct lane *l) {
  /* No-op items (benchmarks) are finished set-based, without
   * subtransactions, so they need no cap of that kind. */
  size_t cap = l->head->noop ? MAX_NOOP_BATCH : l == &q->ending ? MAX_ENDING_BATCH : MAX_BATCH, k = 0;
  struct finish_ctx *ctx = malloc(sizeof *ctx);
  if (!ctx)
    return -ENOMEM;
  struct pending_finish *sent = pick(q, l, cap, &k);
  if (!sent) {
    free(ctx);
    return 0;
  }
  char *body = batch_body(sent, k, &k);
  ctx->q = q;
  ctx->t0 = uv_hrtime();
  ctx->items = (int)k;
  ctx->sent = sent;
  ctx->ending = l == &q->ending;
  if (ctx->ending && mark_busy(q, sent) < 0) {
    unmark_busy(q, sent); /* none of them was busy before: pick() saw to it */
    ctx->ending = false;
  }
  q->in_flight++;
  const char *p[] = {body};
  int rc = body ? cw_db_query(q->db, "SELECT * FROM queue.finish_stages($1::jsonb)", 1, p, on_finish, ctx) : -ENOMEM;
  free(body);
  if (rc < 0) {
    q->in_flight--;
    if (ctx->ending)
      unmark_busy(q, sent);
    ctx->ending = false;
    ctx->q = NULL;
    on_finish(ctx, rc, NULL, body ? "database closed" : "out of memory");
  }
  return rc < 0 ? rc : 1;
}

static void flush_finishes(cw_queue *q) {
  while (q->db && q->in_flight < q->max_in_flight) {
    int rc = q->ending.head ? send_batch(q, &q->ending) : 0;
    if (rc == 0 && q->other.head)
      rc = send_batch(q, &q->other);
    if (rc <= 0)
      return;
  }
}

int cw_queue_finish(cw_queue *q, json_t *item, cw_queue_finish_cb cb, void *arg) {
  if (!q->db) {
    json_decref(item); /* stolen, whatever the outcome */
    return -ECANCELED;
  }
  struct pending_finish *p = calloc(1, sizeof *p);
  if (!p) {
    json_decref(item);
    return -ENOMEM;
  }
  copy_id(p->id, json_string_value(json_object_get(item, "id")));
  const char *stage = json_string_value(json_object_get(item, "stage"));
  p->noop = stage && strcmp(stage, "noop") == 0;
  p->ends_job = json_is_null(json_object_get(item, "next_stage")) || !json_object_get(item, "next_stage") ||
                json_is_true(json_object_get(item, "chain"));
  copy_id(p->user, json_string_value(json_object_get(item, "user_id")));
  /* Nine significant digits: latencies to the microsecond, costs to a
   * billionth of a dollar, without the 17-digit tails of doubles. */
  p->json = json_dumps(item, JSON_COMPACT | JSON_REAL_PRECISION(9));
  json_decref(item);
  if (!p->json) {
    free(p);
    return -ENOMEM;
  }
  p->len = strlen(p->json);
  p->cb = cb;
  p->arg = arg;
  /* Appended: a lane's calls go in submission order. */
  lane_push(p->ends_job ? &q->ending : &q->other, p);
  flush_finishes(q);
  return 0;
}

/* A job whose next stage ran ahead and is done now waits for this commit
 * as it would for an ending one: the commit moves to the ending lane. */
int cw_queue_hurry(cw_queue *q, const char *id) {
  struct pending_finish **pp = find_waiting(&q->other.head, id);
  if (!pp)
    return -ENOENT;
  lane_push(&q->ending, lane_unlink(&q->other, pp));
  flush_finishes(q);
  return 0;
}

/* ---- fail, release, heartbeat, input ------------------------------------ */

struct text_ctx {
  cw_queue_fail_cb cb;
  void *arg;
};

static void on_text(void *arg, int status, const PGresult *res, const char *msg) {
  struct text_ctx *ctx = arg;
  if (status < 0)
    cw_log_warn("queue.call_failed", "reason=\"%s\"", msg ? msg : "");
  const char *v = status == 0 && PQntuples(res) > 0 ? PQgetvalue(res, 0, 0) : NULL;
  ctx->cb(ctx->arg, status, v);
  free(ctx);
}

static int call_text(cw_queue *q, const char *sql, int n, const char *const *p, cw_queue_fail_cb cb,
                     void *arg) {
  struct text_ctx *ctx = malloc(sizeof *ctx);
  if (!ctx)
    return -ENOMEM;
  ctx->cb = cb;
  ctx->arg = arg;
  int rc = cw_db_query(q->db, sql, n, p, on_text, ctx);
  if (rc < 0)
    free(ctx);
  return rc;
}

int cw_queue_fail(cw_queue *q, const cw_queue_failure *f, cw_queue_fail_cb cb, void *arg) {
  DB_OR_CANCEL(q);
  char after[24], base[16], max[16];
  snprintf(after, sizeof after, "%ld", f->retry_after_ms);
  snprintf(base, sizeof base, "%d", f->backoff_base_ms);
  snprintf(max, sizeof max, "%d", f->backoff_max_ms);
  char *tel = f->telemetry ? json_dumps(f->telemetry, JSON_COMPACT) : NULL;
  char *cp = f->checkpoint ? json_dumps(f->checkpoint, JSON_COMPACT) : NULL;
  const char *p[] = {f->id, f->token, f->stage, f->code, f->message, f->retryable ? "true" : "false",
                     f->retry_after_ms >= 0 ? after : NULL, base, max, tel, cp};
  /* The checkpoint first, while the lease is still ours; one statement, so
   * both or neither (a volatile CTE runs before the query that reads it). */
  int rc = cp ? call_text(q,
                          "WITH kept AS (SELECT queue.save_checkpoint($1::uuid, $2::uuid, $3, $11::jsonb)) "
                          "SELECT queue.fail($1::uuid, $2::uuid, $3, $4, $5, $6::boolean, $7::bigint, "
                          "$8::int, $9::int, $10::jsonb) FROM kept",
                          11, p, cb, arg)
              : call_text(q,
                          "SELECT queue.fail($1::uuid, $2::uuid, $3, $4, $5, $6::boolean, $7::bigint, "
                          "$8::int, $9::int, $10::jsonb)",
                          10, p, cb, arg);
  free(tel);
  free(cp);
  return rc;
}

/* Postgres array literal of uuids: {a,b,c}.  UUIDs need no quoting. */
static char *uuid_array(char (*v)[37], int n) {
  size_t len = 3 + (size_t)n * 37;
  char *s = malloc(len), *w = s;
  if (!s)
    return NULL;
  *w++ = '{';
  for (int i = 0; i < n; i++) {
    if (i)
      *w++ = ',';
    size_t l = strlen(v[i]);
    memcpy(w, v[i], l);
    w += l;
  }
  *w++ = '}';
  *w = 0;
  return s;
}

int cw_queue_release(cw_queue *q, char (*ids)[37], char (*tokens)[37], int n, bool refund,
                     cw_queue_fail_cb cb, void *arg) {
  DB_OR_CANCEL(q);
  char *a = uuid_array(ids, n), *b = uuid_array(tokens, n);
  const char *p[] = {a, b, refund ? "true" : "false"};
  int rc = a && b ? call_text(q, "SELECT queue.release($1::uuid[], $2::uuid[], $3::boolean)", 3,
                              p, cb, arg)
                  : -ENOMEM;
  free(a);
  free(b);
  return rc;
}

struct ids_ctx {
  cw_queue_ids_cb cb;
  void *arg;
  uint64_t t0;
  int items;
};

static void on_ids(void *arg, int status, const PGresult *res, const char *msg) {
  struct ids_ctx *ctx = arg;
  (void)msg;
  note_slow("heartbeat", ctx->t0, ctx->items);
  int n = status == 0 ? PQntuples(res) : 0;
  char(*ids)[37] = n ? calloc((size_t)n, 37) : NULL;
  for (int i = 0; i < n && ids; i++)
    copy_id(ids[i], PQgetvalue(res, i, 0));
  ctx->cb(ctx->arg, status, ids, ids ? n : 0);
  free(ids);
  free(ctx);
}

int cw_queue_heartbeat(cw_queue *q, char (*ids)[37], char (*tokens)[37], int n, int lease_ms,
                       cw_queue_ids_cb cb, void *arg) {
  DB_OR_CANCEL(q);
  struct ids_ctx *ctx = malloc(sizeof *ctx);
  char *a = uuid_array(ids, n), *b = uuid_array(tokens, n);
  char lease[16];
  snprintf(lease, sizeof lease, "%d", lease_ms);
  int rc = -ENOMEM;
  if (ctx && a && b) {
    ctx->cb = cb;
    ctx->arg = arg;
    ctx->t0 = uv_hrtime();
    ctx->items = n;
    const char *p[] = {a, b, lease};
    rc = cw_db_query_first(q->db, "SELECT * FROM queue.heartbeat($1::uuid[], $2::uuid[], $3)",
                           3, p, on_ids, ctx);
  }
  if (rc < 0)
    free(ctx);
  free(a);
  free(b);
  return rc;
}

struct json_ctx {
  cw_queue_json_cb cb;
  void *arg;
};

static void on_json(void *arg, int status, const PGresult *res, const char *msg) {
  struct json_ctx *ctx = arg;
  json_t *v = NULL;
  if (status == 0 && PQntuples(res) > 0 && !PQgetisnull(res, 0, 0)) {
    json_error_t err;
    v = json_loads(PQgetvalue(res, 0, 0), 0, &err);
    if (!v)
      status = -EBADMSG;
  } else if (status < 0) {
    cw_log_warn("queue.input_failed", "reason=\"%s\"", msg ? msg : "");
  }
  ctx->cb(ctx->arg, status, v);
  json_decref(v);
  free(ctx);
}

int cw_queue_stage_input(cw_queue *q, const char *id, const char *stage, cw_queue_json_cb cb,
                         void *arg) {
  DB_OR_CANCEL(q);
  struct json_ctx *ctx = malloc(sizeof *ctx);
  if (!ctx)
    return -ENOMEM;
  ctx->cb = cb;
  ctx->arg = arg;
  const char *p[] = {id, stage};
  int rc = cw_db_query(q->db, "SELECT queue.stage_input($1::uuid, $2)", 2, p, on_json, ctx);
  if (rc < 0)
    free(ctx);
  return rc;
}
