/* Asynchronous libpq on libuv.  Each connection owns a uv_poll on the
 * libpq socket; the socket can change during connection setup (libpq may
 * try several addresses), so the poll handle is re-created whenever
 * PQsocket() returns a different fd. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "careeros/db.h"
#include "careeros/log.h"
#include "careeros/metrics.h"

enum conn_state { C_DOWN, C_RESOLVING, C_CONNECTING, C_SETUP, C_IDLE, C_BUSY, C_CLOSING };

struct query {
  struct query *next;
  char *sql;
  int nparams;
  char **params;
  cw_db_cb cb;
  void *arg;
};

struct pollh {
  uv_poll_t poll;
  int fd;
};

struct conn {
  cw_db *db;
  int index;          /* -1: the LISTEN connection */
  enum conn_state state;
  PGconn *pg;
  struct pollh *ph;   /* heap: closed asynchronously when the socket changes */
  uv_timer_t timer;   /* reconnect backoff and connect timeout */
  uv_getaddrinfo_t gai;
  bool gai_active;
  char hosts[8][256];            /* the host list being resolved */
  char addrs[8][INET6_ADDRSTRLEN];
  int nhosts, res_idx;
  int backoff_ms;
  bool ever_up;
  struct query *q;    /* in flight */
  PGresult *last;     /* result being collected */
};

struct cw_db {
  uv_loop_t *loop;
  const cw_config *cfg;
  char *channel;
  cw_db_events ev;
  struct conn listen;
  struct conn *pool;
  int npool;
  struct query *head, *tail;
  int queued;
  bool closing;
  int open_handles;
  void (*close_cb)(void *);
  void *close_arg;
  bool last_up, last_listening;
};

static void conn_connect(struct conn *c);
static void conn_fail(struct conn *c, const char *why);
static void conn_on_poll(uv_poll_t *h, int status, int events);
static void dispatch(cw_db *db);

/* ---- bookkeeping ------------------------------------------------------ */

static void db_freed(cw_db *db);

/* Every handle's data is its connection; the last handle to close frees
 * the db once cw_db_close() was called. */
static void handle_released(cw_db *db) {
  if (--db->open_handles == 0 && db->closing)
    db_freed(db);
}

static void handle_closed(uv_handle_t *h) {
  struct conn *c = h->data;
  handle_released(c->db);
}

static void pollh_closed(uv_handle_t *h) {
  struct conn *c = h->data;
  cw_db *db = c->db;
  free((struct pollh *)h);
  handle_released(db);
}

static void query_free(struct query *q) {
  for (int i = 0; i < q->nparams; i++)
    free(q->params[i]);
  free(q->params);
  free(q->sql);
  free(q);
}

bool cw_db_is_up(const cw_db *db) {
  for (int i = 0; i < db->npool; i++)
    if (db->pool[i].state == C_IDLE || db->pool[i].state == C_BUSY)
      return true;
  return false;
}

bool cw_db_is_listening(const cw_db *db) { return db->listen.state == C_IDLE; }

int cw_db_pending(const cw_db *db) {
  int n = db->queued;
  for (int i = 0; i < db->npool; i++)
    n += db->pool[i].q != NULL;
  return n;
}

static void report_health(cw_db *db) {
  bool up = cw_db_is_up(db), lis = cw_db_is_listening(db);
  if (up == db->last_up && lis == db->last_listening)
    return;
  db->last_up = up;
  db->last_listening = lis;
  cw_metrics_set_health(up, lis);
  if (db->ev.on_health)
    db->ev.on_health(db->ev.arg, up, lis);
}

/* ---- polling ---------------------------------------------------------- */

static void poll_drop(struct conn *c) {
  if (!c->ph)
    return;
  uv_poll_stop(&c->ph->poll);
  uv_close((uv_handle_t *)&c->ph->poll, pollh_closed);
  c->ph = NULL;
}

/* Watches the current libpq socket for the given events, re-creating the
 * poll handle if libpq switched sockets. */
static int poll_watch(struct conn *c, int events) {
  int fd = PQsocket(c->pg);
  if (fd < 0)
    return -EBADF;
  if (c->ph && c->ph->fd != fd)
    poll_drop(c);
  if (!c->ph) {
    c->ph = calloc(1, sizeof *c->ph);
    if (!c->ph)
      return -ENOMEM;
    int rc = uv_poll_init(c->db->loop, &c->ph->poll, fd);
    if (rc < 0) {
      free(c->ph);
      c->ph = NULL;
      return rc;
    }
    c->ph->fd = fd;
    c->ph->poll.data = c;
    c->db->open_handles++;
  }
  return uv_poll_start(&c->ph->poll, events, conn_on_poll);
}

/* ---- connection life cycle -------------------------------------------- */

/* Lets go of the libpq side of a connection: its poll, the PGconn, any
 * half-collected result. */
static void conn_drop_pg(struct conn *c) {
  poll_drop(c);
  if (c->pg) {
    PQfinish(c->pg);
    c->pg = NULL;
  }
  if (c->last) {
    PQclear(c->last);
    c->last = NULL;
  }
}

static void on_retry_timer(uv_timer_t *t) {
  struct conn *c = t->data;
  conn_connect(c);
}

static void schedule_reconnect(struct conn *c) {
  const cw_config *cfg = c->db->cfg;
  if (c->db->closing)
    return;
  if (c->backoff_ms == 0)
    c->backoff_ms = cfg->database.reconnect_min_ms;
  /* Up to 50% jitter, so a pool of workers does not reconnect in lockstep
   * after a Postgres restart. */
  int delay = c->backoff_ms / 2 + rand() % (c->backoff_ms / 2 + 1);
  c->backoff_ms *= 2;
  if (c->backoff_ms > cfg->database.reconnect_max_ms)
    c->backoff_ms = cfg->database.reconnect_max_ms;
  uv_timer_start(&c->timer, on_retry_timer, (uint64_t)delay, 0);
}

static void conn_fail(struct conn *c, const char *why) {
  cw_db *db = c->db;
  bool was_up = c->state == C_IDLE || c->state == C_BUSY;
  cw_log(db->closing ? CW_LOG_DEBUG : CW_LOG_WARNING, "db.connection_lost",
         "conn=%d state=%d reason=\"%s\"", c->index, c->state, why ? why : "");
  conn_drop_pg(c);
  uv_timer_stop(&c->timer);
  c->state = db->closing ? C_CLOSING : C_DOWN;
  struct query *q = c->q;
  c->q = NULL;
  if (was_up)
    cw_metrics_db_reconnect();
  report_health(db);
  if (q) {
    q->cb(q->arg, -ECONNRESET, NULL, "connection lost");
    query_free(q);
  }
  schedule_reconnect(c);
}

static void on_connect_timeout(uv_timer_t *t) {
  conn_fail(t->data, "connect timeout");
}

static void connected(struct conn *c) {
  cw_db *db = c->db;
  uv_timer_stop(&c->timer);
  c->backoff_ms = 0;
  if (c->index < 0) {
    /* The LISTEN connection sends its LISTEN before it counts as up. */
    char *ch = PQescapeIdentifier(c->pg, db->channel, strlen(db->channel));
    char sql[160];
    snprintf(sql, sizeof sql, "LISTEN %s", ch ? ch : "careeros_jobs");
    PQfreemem(ch);
    if (!PQsendQuery(c->pg, sql)) {
      conn_fail(c, PQerrorMessage(c->pg));
      return;
    }
    c->state = C_SETUP;
    int f = PQflush(c->pg);
    if (f < 0 || poll_watch(c, f == 1 ? UV_READABLE | UV_WRITABLE : UV_READABLE) < 0) {
      conn_fail(c, "cannot send LISTEN");
      return;
    }
    uv_timer_start(&c->timer, on_connect_timeout, (uint64_t)db->cfg->database.connect_timeout_ms, 0);
    return;
  }
  c->state = C_IDLE;
  /* Idle connections are watched too, so that a server restart is noticed
   * at once rather than by the next query failing on a dead socket. */
  if (poll_watch(c, UV_READABLE) < 0) {
    conn_fail(c, "poll");
    return;
  }
  cw_log_info("db.connected", "conn=%d", c->index);
  report_health(db);
  dispatch(db);
}

static void continue_connect(struct conn *c) {
  PostgresPollingStatusType st = PQconnectPoll(c->pg);
  switch (st) {
  case PGRES_POLLING_READING:
    if (poll_watch(c, UV_READABLE) < 0)
      conn_fail(c, "poll");
    break;
  case PGRES_POLLING_WRITING:
    if (poll_watch(c, UV_WRITABLE) < 0)
      conn_fail(c, "poll");
    break;
  case PGRES_POLLING_OK:
    if (PQsetnonblocking(c->pg, 1) != 0) {
      conn_fail(c, "setnonblocking");
      break;
    }
    connected(c);
    break;
  default:
    conn_fail(c, PQerrorMessage(c->pg));
  }
}

/* Keyword arrays for libpq: the conninfo's own keywords, the password
 * loaded from its secret file, and hostaddr when we resolved the host. */
static PGconn *start_params(const cw_config *cfg, const char *hostaddr, bool async) {
  char *err = NULL;
  PQconninfoOption *opts = PQconninfoParse(cfg->database.conninfo, &err);
  if (!opts) {
    cw_log_err("db.conninfo_invalid", "reason=\"%s\"", err ? err : "?");
    PQfreemem(err);
    return NULL;
  }
  const char *kw[64], *val[64];
  int n = 0;
  for (PQconninfoOption *o = opts; o->keyword && n < 60; o++) {
    if (!o->val)
      continue;
    if (strcmp(o->keyword, "hostaddr") == 0 && hostaddr)
      continue;
    kw[n] = o->keyword;
    val[n++] = o->val;
  }
  if (hostaddr) {
    kw[n] = "hostaddr";
    val[n++] = hostaddr;
  }
  if (cfg->database.password) {
    kw[n] = "password";
    val[n++] = cfg->database.password;
  }
  /* Our defaults go first: later keywords win in libpq, so the conninfo's
   * own settings override them.  Keepalives and tcp_user_timeout make a
   * half-open connection (a partition, a frozen host) fail instead of
   * hanging a query forever. */
  char user_timeout[16];
  snprintf(user_timeout, sizeof user_timeout, "%d", cfg->database.query_timeout_ms);
  const char *defaults[][2] = {
      {"application_name", "careeros-worker"}, {"keepalives", "1"},
      {"keepalives_idle", "30"}, {"keepalives_interval", "10"}, {"keepalives_count", "3"},
      {"tcp_user_timeout", user_timeout},
  };
  const int nd = (int)(sizeof defaults / sizeof defaults[0]);
  const char *kw2[72], *val2[72];
  for (int i = 0; i < nd; i++) {
    kw2[i] = defaults[i][0];
    val2[i] = defaults[i][1];
  }
  for (int i = 0; i < n; i++) {
    kw2[nd + i] = kw[i];
    val2[nd + i] = val[i];
  }
  kw2[nd + n] = NULL;
  val2[nd + n] = NULL;
  PGconn *pg = async ? PQconnectStartParams(kw2, val2, 0) : PQconnectdbParams(kw2, val2, 0);
  PQconninfoFree(opts);
  return pg;
}

PGconn *cw_db_connect_blocking(const cw_config *cfg) { return start_params(cfg, NULL, false); }

/* Server notices (e.g. "terminating connection") are not ours to print on
 * stderr unformatted; connection problems are logged as events instead. */
static void ignore_notice(void *arg, const char *message) {
  (void)arg;
  (void)message;
}

static void begin_connect(struct conn *c, const char *hostaddr) {
  cw_db *db = c->db;
  c->pg = start_params(db->cfg, hostaddr, true);
  if (!c->pg || PQstatus(c->pg) == CONNECTION_BAD) {
    conn_fail(c, c->pg ? PQerrorMessage(c->pg) : "out of memory");
    return;
  }
  PQsetNoticeProcessor(c->pg, ignore_notice, NULL);
  c->state = C_CONNECTING;
  uv_timer_start(&c->timer, on_connect_timeout, (uint64_t)db->cfg->database.connect_timeout_ms, 0);
  continue_connect(c);
}

#define MAX_HOSTS 8

/* The host list libpq will use: the conninfo's, else $PGHOST (libpq reads
 * the environment too).  NULL when libpq needs no name resolution: no host,
 * an explicit hostaddr, or only IP addresses and socket directories. */
static char *hosts_needing_dns(const cw_config *cfg) {
  char *err = NULL;
  PQconninfoOption *opts = PQconninfoParse(cfg->database.conninfo, &err);
  PQfreemem(err);
  const char *host = NULL;
  bool has_hostaddr = false;
  for (PQconninfoOption *o = opts; o && o->keyword; o++) {
    if (strcmp(o->keyword, "host") == 0 && o->val && *o->val)
      host = o->val;
    if (strcmp(o->keyword, "hostaddr") == 0 && o->val && *o->val)
      has_hostaddr = true;
  }
  if (!host && !has_hostaddr)
    host = getenv("PGHOST");
  if (!has_hostaddr && !getenv("PGHOSTADDR") && host && *host) {
    char *copy = strdup(host);
    PQconninfoFree(opts);
    return copy;
  }
  PQconninfoFree(opts);
  return NULL;
}

static bool is_literal_host(const char *h) {
  unsigned char tmp[16];
  return !*h || h[0] == '/' || inet_pton(AF_INET, h, tmp) == 1 || inet_pton(AF_INET6, h, tmp) == 1;
}

static void resolve_next(struct conn *c);

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res) {
  struct conn *c = req->data;
  c->gai_active = false;
  if (c->db->closing) {
    uv_freeaddrinfo(res);
    handle_released(c->db);
    return;
  }
  c->db->open_handles--; /* the request counted as a handle while active */
  char *buf = c->addrs[c->res_idx];
  buf[0] = 0;
  if (status == 0 && res) {
    if (res->ai_family == AF_INET)
      inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, buf, INET6_ADDRSTRLEN);
    else
      inet_ntop(AF_INET6, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, buf, INET6_ADDRSTRLEN);
  }
  uv_freeaddrinfo(res);
  if (!*buf) {
    cw_log_warn("db.resolve_failed", "conn=%d host=%s reason=\"%s\"", c->index,
                c->hosts[c->res_idx], status ? uv_strerror(status) : "no address");
    /* Leave it to libpq's own list handling: an unresolvable entry in a
     * list must not stop the others from being tried. */
  }
  c->res_idx++;
  resolve_next(c);
}

/* Resolves the host list one entry at a time, then connects with a
 * matching hostaddr list, so that libpq itself never calls getaddrinfo. */
static void resolve_next(struct conn *c) {
  while (c->res_idx < c->nhosts && is_literal_host(c->hosts[c->res_idx])) {
    snprintf(c->addrs[c->res_idx], INET6_ADDRSTRLEN, "%.*s", INET6_ADDRSTRLEN - 1,
             c->hosts[c->res_idx][0] == '/' ? "" : c->hosts[c->res_idx]);
    c->res_idx++;
  }
  if (c->res_idx < c->nhosts) {
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM};
    c->state = C_RESOLVING;
    c->gai.data = c;
    int rc = uv_getaddrinfo(c->db->loop, &c->gai, on_resolved, c->hosts[c->res_idx], NULL, &hints);
    if (rc < 0) {
      conn_fail(c, uv_strerror(rc));
      return;
    }
    c->gai_active = true;
    c->db->open_handles++;
    return;
  }
  char list[MAX_HOSTS * (INET6_ADDRSTRLEN + 1)] = "";
  bool any = false;
  for (int i = 0; i < c->nhosts; i++) {
    if (i)
      strcat(list, ",");
    strcat(list, c->addrs[i]);
    any |= c->addrs[i][0] != 0;
  }
  if (!any) {
    conn_fail(c, "cannot resolve database host");
    return;
  }
  begin_connect(c, list);
}

/* Host names are resolved with uv_getaddrinfo (libpq would block the loop
 * on DNS); IP addresses, socket directories and an explicit hostaddr go
 * straight in. */
static void conn_connect(struct conn *c) {
  cw_db *db = c->db;
  if (db->closing)
    return;
  char *hosts = hosts_needing_dns(db->cfg);
  c->nhosts = 0;
  c->res_idx = 0;
  bool needs_dns = false;
  for (char *save = NULL, *h = hosts ? strtok_r(hosts, ",", &save) : NULL; h && c->nhosts < MAX_HOSTS;
       h = strtok_r(NULL, ",", &save)) {
    snprintf(c->hosts[c->nhosts], sizeof c->hosts[0], "%s", h);
    needs_dns |= !is_literal_host(h);
    c->nhosts++;
  }
  free(hosts);
  if (!needs_dns) {
    begin_connect(c, NULL);
    return;
  }
  resolve_next(c);
}

/* ---- queries ---------------------------------------------------------- */

static void on_query_timeout(uv_timer_t *t) {
  /* The server may still run it; the caller treats the outcome as unknown,
   * and the job's lease fence keeps a late commit harmless. */
  conn_fail(t->data, "query timeout");
}

static void send_query(struct conn *c, struct query *q) {
  c->q = q;
  c->state = C_BUSY;
  uv_timer_start(&c->timer, on_query_timeout, (uint64_t)c->db->cfg->database.query_timeout_ms, 0);
  if (!PQsendQueryParams(c->pg, q->sql, q->nparams, NULL, (const char *const *)q->params, NULL,
                         NULL, 0)) {
    conn_fail(c, PQerrorMessage(c->pg));
    return;
  }
  int f = PQflush(c->pg);
  if (f < 0) {
    conn_fail(c, PQerrorMessage(c->pg));
    return;
  }
  poll_watch(c, f == 1 ? UV_READABLE | UV_WRITABLE : UV_READABLE);
}

static void dispatch(cw_db *db) {
  for (int i = 0; i < db->npool && db->head; i++) {
    struct conn *c = &db->pool[i];
    if (c->state != C_IDLE)
      continue;
    struct query *q = db->head;
    db->head = q->next;
    if (!db->head)
      db->tail = NULL;
    db->queued--;
    q->next = NULL;
    send_query(c, q);
  }
}

static void drain_notifies(struct conn *c) {
  PGnotify *n;
  while ((n = PQnotifies(c->pg)) != NULL) {
    if (c->db->ev.on_notify)
      c->db->ev.on_notify(c->db->ev.arg, n->relname, n->extra);
    PQfreemem(n);
  }
}

/* Collects results until libpq would block; delivers when the query ends.
 * The first error result wins over later ones. */
static void collect(struct conn *c) {
  while (!PQisBusy(c->pg)) {
    PGresult *r = PQgetResult(c->pg);
    if (!r)
      break;
    ExecStatusType st = PQresultStatus(r);
    if (c->last && PQresultStatus(c->last) == PGRES_FATAL_ERROR) {
      PQclear(r);
      continue;
    }
    if (c->last)
      PQclear(c->last);
    c->last = r;
    (void)st;
  }
  if (PQisBusy(c->pg))
    return;
  PGresult *r = c->last;
  c->last = NULL;
  if (c->state == C_SETUP) {
    /* LISTEN answered. */
    bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
      conn_fail(c, PQerrorMessage(c->pg));
      return;
    }
    uv_timer_stop(&c->timer);
    c->state = C_IDLE;
    cw_log_info("db.listening", "channel=%s", c->db->channel);
    report_health(c->db);
    if (c->db->ev.on_listening)
      c->db->ev.on_listening(c->db->ev.arg);
    return;
  }
  struct query *q = c->q;
  if (!q) {
    PQclear(r);
    return;
  }
  uv_timer_stop(&c->timer);
  c->q = NULL;
  c->state = C_IDLE;
  ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
    q->cb(q->arg, 0, r, NULL);
  else
    q->cb(q->arg, -EIO, NULL, r ? PQresultErrorMessage(r) : PQerrorMessage(c->pg));
  PQclear(r);
  query_free(q);
}

static void conn_on_poll(uv_poll_t *h, int status, int events) {
  struct conn *c = h->data;
  if (status < 0 && c->state != C_CONNECTING) {
    conn_fail(c, uv_strerror(status));
    return;
  }
  if (c->state == C_CONNECTING) {
    continue_connect(c);
    return;
  }
  if (events & UV_WRITABLE) {
    int f = PQflush(c->pg);
    if (f < 0) {
      conn_fail(c, PQerrorMessage(c->pg));
      return;
    }
    if (f == 0)
      poll_watch(c, UV_READABLE);
  }
  if (events & UV_READABLE) {
    if (!PQconsumeInput(c->pg)) {
      conn_fail(c, PQerrorMessage(c->pg));
      return;
    }
    drain_notifies(c);
    if (c->state == C_BUSY || c->state == C_SETUP)
      collect(c);
    if (c->state == C_IDLE && c->index >= 0)
      dispatch(c->db);
  }
}

/* ---- public ------------------------------------------------------------ */

static void conn_init(cw_db *db, struct conn *c, int index) {
  c->db = db;
  c->index = index;
  c->state = C_DOWN;
  uv_timer_init(db->loop, &c->timer);
  c->timer.data = c;
  db->open_handles++;
}

int cw_db_new(uv_loop_t *loop, const cw_config *cfg, const char *channel, const cw_db_events *ev,
              cw_db **out) {
  cw_db *db = calloc(1, sizeof *db);
  if (!db)
    return -ENOMEM;
  db->loop = loop;
  db->cfg = cfg;
  db->channel = strdup(channel ? channel : "careeros_jobs");
  if (ev)
    db->ev = *ev;
  db->npool = cfg->database.pool_size;
  db->pool = calloc((size_t)db->npool, sizeof *db->pool);
  if (!db->pool || !db->channel) {
    free(db->pool);
    free(db->channel);
    free(db);
    return -ENOMEM;
  }
  conn_init(db, &db->listen, -1);
  for (int i = 0; i < db->npool; i++)
    conn_init(db, &db->pool[i], i);
  *out = db;
  return 0;
}

int cw_db_start(cw_db *db) {
  conn_connect(&db->listen);
  for (int i = 0; i < db->npool; i++)
    conn_connect(&db->pool[i]);
  return 0;
}

static int enqueue(cw_db *db, bool first, const char *sql, int nparams,
                   const char *const *params, cw_db_cb cb, void *arg) {
  if (db->closing)
    return -ECANCELED;
  struct query *q = calloc(1, sizeof *q);
  if (!q)
    return -ENOMEM;
  q->sql = strdup(sql);
  q->nparams = nparams;
  q->params = nparams ? calloc((size_t)nparams, sizeof *q->params) : NULL;
  q->cb = cb;
  q->arg = arg;
  for (int i = 0; i < nparams; i++)
    if (params[i])
      q->params[i] = strdup(params[i]);
  if (first) {
    q->next = db->head;
    db->head = q;
    if (!db->tail)
      db->tail = q;
  } else {
    if (db->tail)
      db->tail->next = q;
    else
      db->head = q;
    db->tail = q;
  }
  db->queued++;
  dispatch(db);
  return 0;
}

int cw_db_query(cw_db *db, const char *sql, int nparams, const char *const *params, cw_db_cb cb,
                void *arg) {
  return enqueue(db, false, sql, nparams, params, cb, arg);
}

int cw_db_query_first(cw_db *db, const char *sql, int nparams, const char *const *params,
                      cw_db_cb cb, void *arg) {
  return enqueue(db, true, sql, nparams, params, cb, arg);
}

static void db_freed(cw_db *db) {
  void (*cb)(void *) = db->close_cb;
  void *cb_arg = db->close_arg;
  free(db->pool);
  free(db->channel);
  free(db);
  if (cb)
    cb(cb_arg);
}

static void conn_close(struct conn *c) {
  if (c->gai_active) {
    uv_cancel((uv_req_t *)&c->gai);
    c->gai_active = false;
  }
  conn_drop_pg(c);
  if (c->q) {
    c->q->cb(c->q->arg, -ECANCELED, NULL, "shutting down");
    query_free(c->q);
    c->q = NULL;
  }
  c->state = C_CLOSING;
  uv_close((uv_handle_t *)&c->timer, handle_closed);
}

void cw_db_close(cw_db *db, void (*close_cb)(void *), void *arg) {
  db->close_cb = close_cb;
  db->close_arg = arg;
  db->ev.on_health = NULL;
  /* Closing first: callbacks of cancelled queries may try to queue more
   * work, which cw_db_query then refuses. */
  db->closing = true;
  while (db->head) {
    struct query *q = db->head;
    db->head = q->next;
    q->cb(q->arg, -ECANCELED, NULL, "shutting down");
    query_free(q);
  }
  db->tail = NULL;
  db->queued = 0;
  conn_close(&db->listen);
  for (int i = 0; i < db->npool; i++)
    conn_close(&db->pool[i]);
}
