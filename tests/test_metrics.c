/* Metrics registry, the HTTP endpoints served on a libuv loop, and the
 * systemd notify wrappers.  Real HTTP on 127.0.0.1 with libcurl; a real
 * unix datagram socket standing in for systemd's NOTIFY_SOCKET. */
#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <uv.h>

#include "careeros/metrics.h"
#include "careeros/notify.h"

/* ---- helpers ---------------------------------------------------------- */

/* A port nobody listens on right now (the kernel picks it). */
static int free_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_int_ge(fd, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
  socklen_t len = sizeof a;
  ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
  close(fd);
  return ntohs(a.sin_port);
}

struct fetch {
  char url[128];
  const char *method; /* NULL: GET */
  long status;
  char *body;
  size_t len;
  char content_type[128];
  int curl_rc;
  uv_async_t done;
};

static size_t on_body(char *p, size_t sz, size_t n, void *arg) {
  struct fetch *f = arg;
  char *b = realloc(f->body, f->len + sz * n + 1);
  if (!b)
    return 0;
  memcpy(b + f->len, p, sz * n);
  f->body = b;
  f->len += sz * n;
  f->body[f->len] = 0;
  return sz * n;
}

/* The client runs on a thread of the test so that the loop (and with it the
 * server under test) runs on the main thread exactly as in the daemon. */
static void *client(void *arg) {
  struct fetch *f = arg;
  CURL *c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, f->url);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (f->method)
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, f->method);
  f->curl_rc = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &f->status);
  char *ct = NULL;
  curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
  snprintf(f->content_type, sizeof f->content_type, "%s", ct ? ct : "");
  curl_easy_cleanup(c);
  uv_async_send(&f->done);
  return NULL;
}

static void on_fetched(uv_async_t *a) { uv_stop(a->loop); }

static void fetch(uv_loop_t *loop, int port, const char *path, const char *method, struct fetch *f) {
  memset(f, 0, sizeof *f);
  snprintf(f->url, sizeof f->url, "http://127.0.0.1:%d%s", port, path);
  f->method = method;
  ck_assert_int_eq(uv_async_init(loop, &f->done, on_fetched), 0);
  pthread_t t;
  ck_assert_int_eq(pthread_create(&t, NULL, client, f), 0);
  uv_run(loop, UV_RUN_DEFAULT); /* until on_fetched stops it */
  pthread_join(t, NULL);
  uv_close((uv_handle_t *)&f->done, NULL);
  uv_run(loop, UV_RUN_NOWAIT);
  ck_assert_msg(f->curl_rc == CURLE_OK, "curl %s: %s", f->url, curl_easy_strerror(f->curl_rc));
}

struct server {
  uv_loop_t loop;
  cw_metrics_server *srv;
  int port;
  int closed;
};

static void start(struct server *s) {
  memset(s, 0, sizeof *s);
  ck_assert_int_eq(uv_loop_init(&s->loop), 0);
  s->port = free_port();
  char listen[64];
  snprintf(listen, sizeof listen, "127.0.0.1:%d", s->port);
  ck_assert_int_eq(cw_metrics_server_start(&s->loop, listen, &s->srv), 0);
  ck_assert_ptr_nonnull(s->srv);
}

static void on_closed(void *arg) { ((struct server *)arg)->closed++; }

/* Closing must leave no handle behind: uv_loop_close returns 0. */
static void stop(struct server *s) {
  cw_metrics_server_close(s->srv, on_closed, s);
  uv_run(&s->loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(s->closed, 1);
  ck_assert_int_eq(uv_loop_close(&s->loop), 0);
}

/* The value on the exposition line that starts with `series ` (exact
 * series name with labels), or -1 when absent. */
static double value_of(const char *text, const char *series) {
  size_t n = strlen(series);
  for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
    if (strncmp(p, series, n) == 0 && p[n] == ' ')
      return strtod(p + n + 1, NULL);
  }
  return -1;
}

/* ---- registry / exposition text -------------------------------------- */

START_TEST(test_counters_with_labels) {
  cw_metrics_jobs_claimed(3);
  cw_metrics_jobs_claimed(2);
  cw_metrics_job_completed();
  cw_metrics_job_failed("EXTRACT_CORRUPT");
  cw_metrics_job_failed("EXTRACT_CORRUPT");
  cw_metrics_job_failed("HASH_MISMATCH");
  cw_metrics_job_retried("LLM_RATE_LIMITED");
  cw_metrics_inflight_set(4);
  cw_metrics_queue_depth_set("pending", 17);
  cw_metrics_queue_depth_set("pending", 12); /* a gauge: set, not added */
  cw_metrics_queue_depth_set("failed", 2);
  cw_metrics_db_reconnect();
  cw_metrics_lease_rescued(2);
  cw_metrics_fenced_write();
  cw_metrics_llm_request(200, 1.5);
  cw_metrics_llm_request(429, 0.2);
  cw_metrics_llm_request(0, 30);
  cw_metrics_llm_tokens("prompt", 1000);
  cw_metrics_llm_tokens("completion", 250);
  cw_metrics_llm_tokens("prompt", 24);
  cw_metrics_llm_cost(0.25);
  cw_metrics_llm_cost(0.5);

  char *t = cw_metrics_render();
  ck_assert_ptr_nonnull(t);
  ck_assert_double_eq(value_of(t, "careeros_jobs_claimed_total"), 5);
  ck_assert_double_eq(value_of(t, "careeros_jobs_completed_total"), 1);
  ck_assert_double_eq(value_of(t, "careeros_jobs_failed_total{code=\"EXTRACT_CORRUPT\"}"), 2);
  ck_assert_double_eq(value_of(t, "careeros_jobs_failed_total{code=\"HASH_MISMATCH\"}"), 1);
  ck_assert_double_eq(value_of(t, "careeros_jobs_retried_total{code=\"LLM_RATE_LIMITED\"}"), 1);
  ck_assert_double_eq(value_of(t, "careeros_jobs_in_flight"), 4);
  ck_assert_double_eq(value_of(t, "careeros_queue_depth{status=\"pending\"}"), 12);
  ck_assert_double_eq(value_of(t, "careeros_queue_depth{status=\"failed\"}"), 2);
  ck_assert_double_eq(value_of(t, "careeros_db_reconnects_total"), 1);
  ck_assert_double_eq(value_of(t, "careeros_lease_rescues_total"), 2);
  ck_assert_double_eq(value_of(t, "careeros_fenced_writes_total"), 1);
  ck_assert_double_eq(value_of(t, "careeros_llm_requests_total{status=\"200\"}"), 1);
  ck_assert_double_eq(value_of(t, "careeros_llm_requests_total{status=\"429\"}"), 1);
  ck_assert_double_eq(value_of(t, "careeros_llm_requests_total{status=\"none\"}"), 1);
  ck_assert_double_eq(value_of(t, "careeros_llm_request_duration_seconds_count"), 3);
  ck_assert_double_eq_tol(value_of(t, "careeros_llm_request_duration_seconds_sum"), 31.7, 1e-9);
  ck_assert_double_eq(value_of(t, "careeros_llm_tokens_total{kind=\"prompt\"}"), 1024);
  ck_assert_double_eq(value_of(t, "careeros_llm_tokens_total{kind=\"completion\"}"), 250);
  ck_assert_double_eq_tol(value_of(t, "careeros_llm_cost_usd_total"), 0.75, 1e-12);
  /* Every family is announced with HELP and TYPE. */
  ck_assert_ptr_nonnull(strstr(t, "# TYPE careeros_jobs_failed_total counter\n"));
  ck_assert_ptr_nonnull(strstr(t, "# TYPE careeros_jobs_in_flight gauge\n"));
  ck_assert_ptr_nonnull(strstr(t, "# TYPE careeros_stage_duration_seconds histogram\n"));
  ck_assert_ptr_nonnull(strstr(t, "# HELP careeros_llm_cost_usd_total "));
  ck_assert_ptr_nonnull(strstr(t, "careeros_build_info{version=\""));
  ck_assert_double_gt(value_of(t, "careeros_start_time_seconds"), 1.5e9);
  free(t);
}
END_TEST

START_TEST(test_histogram_cumulative) {
  double obs[] = {0.001, 0.004, 0.02, 0.3, 0.3, 2, 7, 1000};
  for (size_t i = 0; i < sizeof obs / sizeof obs[0]; i++)
    cw_metrics_stage_duration("parse", obs[i]);
  cw_metrics_stage_duration("upload", 0.05);

  char *t = cw_metrics_render();
  const char *p = "careeros_stage_duration_seconds_bucket{stage=\"parse\",le=\"";
  ck_assert_double_eq(value_of(t, "careeros_stage_duration_seconds_bucket{stage=\"parse\",le=\"0.005\"}"), 2);
  ck_assert_double_eq(value_of(t, "careeros_stage_duration_seconds_bucket{stage=\"parse\",le=\"0.025\"}"), 3);
  ck_assert_double_eq(value_of(t, "careeros_stage_duration_seconds_bucket{stage=\"parse\",le=\"0.5\"}"), 5);
  ck_assert_double_eq(value_of(t, "careeros_stage_duration_seconds_bucket{stage=\"parse\",le=\"2.5\"}"), 6);
  ck_assert_double_eq(value_of(t, "careeros_stage_duration_seconds_bucket{stage=\"parse\",le=\"300\"}"), 7);
  ck_assert_double_eq(value_of(t, "careeros_stage_duration_seconds_bucket{stage=\"parse\",le=\"+Inf\"}"), 8);
  ck_assert_double_eq(value_of(t, "careeros_stage_duration_seconds_count{stage=\"parse\"}"), 8);
  ck_assert_double_eq_tol(value_of(t, "careeros_stage_duration_seconds_sum{stage=\"parse\"}"), 1009.625, 1e-9);
  ck_assert_double_eq(value_of(t, "careeros_stage_duration_seconds_count{stage=\"upload\"}"), 1);
  ck_assert_double_eq(value_of(t, "careeros_stage_duration_seconds_bucket{stage=\"upload\",le=\"0.025\"}"), 0);
  ck_assert_double_eq(value_of(t, "careeros_stage_duration_seconds_bucket{stage=\"upload\",le=\"0.05\"}"), 1);

  /* Walk every bucket line of "parse": non-decreasing, ending at +Inf. */
  double prev = -1;
  int lines = 0;
  for (const char *q = strstr(t, p); q; q = strstr(q + 1, p)) {
    const char *sp = strchr(q, ' ');
    double v = strtod(sp + 1, NULL);
    ck_assert_msg(v >= prev, "bucket counts must be cumulative: %.0f after %.0f", v, prev);
    prev = v;
    lines++;
  }
  ck_assert_int_ge(lines, 10);
  ck_assert_double_eq(prev, 8);
  free(t);
}
END_TEST

/* A caller inventing label values cannot grow the registry without bound:
 * the excess is folded into "other". */
START_TEST(test_label_values_bounded) {
  char code[32];
  for (int i = 0; i < 1000; i++) {
    snprintf(code, sizeof code, "CODE_%d", i);
    cw_metrics_job_failed(code);
  }
  char *t = cw_metrics_render();
  int series = 0;
  for (const char *q = strstr(t, "careeros_jobs_failed_total{"); q; q = strstr(q + 1, "careeros_jobs_failed_total{"))
    series++;
  ck_assert_int_le(series, 64);
  ck_assert_double_eq(value_of(t, "careeros_jobs_failed_total{code=\"CODE_0\"}"), 1);
  ck_assert_double_gt(value_of(t, "careeros_jobs_failed_total{code=\"other\"}"), 900);
  free(t);
}
END_TEST

/* ---- HTTP ------------------------------------------------------------ */

START_TEST(test_http_endpoints) {
  struct server s;
  start(&s);
  struct fetch f;

  fetch(&s.loop, s.port, "/healthz", NULL, &f);
  ck_assert_int_eq(f.status, 200);
  ck_assert_str_eq(f.body, "ok\n");
  free(f.body);

  cw_metrics_jobs_claimed(7);
  cw_metrics_job_failed("STORAGE_NOT_FOUND");
  cw_metrics_stage_duration("enrich", 0.7);
  fetch(&s.loop, s.port, "/metrics", NULL, &f);
  ck_assert_int_eq(f.status, 200);
  ck_assert_ptr_nonnull(strstr(f.content_type, "text/plain"));
  ck_assert_ptr_nonnull(strstr(f.content_type, "version=0.0.4"));
  ck_assert_double_eq(value_of(f.body, "careeros_jobs_claimed_total"), 7);
  ck_assert_double_eq(value_of(f.body, "careeros_jobs_failed_total{code=\"STORAGE_NOT_FOUND\"}"), 1);
  ck_assert_double_eq(value_of(f.body, "careeros_stage_duration_seconds_bucket{stage=\"enrich\",le=\"0.5\"}"), 0);
  ck_assert_double_eq(value_of(f.body, "careeros_stage_duration_seconds_bucket{stage=\"enrich\",le=\"1\"}"), 1);
  free(f.body);

  /* A second scrape sees the counters move. */
  cw_metrics_jobs_claimed(1);
  fetch(&s.loop, s.port, "/metrics", NULL, &f);
  ck_assert_double_eq(value_of(f.body, "careeros_jobs_claimed_total"), 8);
  free(f.body);

  fetch(&s.loop, s.port, "/nope", NULL, &f);
  ck_assert_int_eq(f.status, 404);
  free(f.body);

  fetch(&s.loop, s.port, "/metrics", "POST", &f);
  ck_assert_int_eq(f.status, 405);
  free(f.body);

  stop(&s);
}
END_TEST

START_TEST(test_readyz_follows_health) {
  struct server s;
  start(&s);
  struct fetch f;

  cw_metrics_set_health(false, false);
  fetch(&s.loop, s.port, "/readyz", NULL, &f);
  ck_assert_int_eq(f.status, 503);
  free(f.body);

  cw_metrics_set_health(true, false); /* DB up but not LISTENing yet */
  fetch(&s.loop, s.port, "/readyz", NULL, &f);
  ck_assert_int_eq(f.status, 503);
  free(f.body);

  cw_metrics_set_health(true, true);
  fetch(&s.loop, s.port, "/readyz", NULL, &f);
  ck_assert_int_eq(f.status, 200);
  ck_assert_str_eq(f.body, "ready\n");
  free(f.body);
  fetch(&s.loop, s.port, "/metrics", NULL, &f);
  ck_assert_double_eq(value_of(f.body, "careeros_ready"), 1);
  free(f.body);

  cw_metrics_set_health(false, true); /* lost the database */
  fetch(&s.loop, s.port, "/readyz", NULL, &f);
  ck_assert_int_eq(f.status, 503);
  free(f.body);
  /* Liveness does not depend on readiness. */
  fetch(&s.loop, s.port, "/healthz", NULL, &f);
  ck_assert_int_eq(f.status, 200);
  free(f.body);

  stop(&s);
}
END_TEST

/* Two requests on one connection: the server keeps HTTP/1.1 connections
 * alive (a scraper does not pay a new TCP handshake per scrape). */
struct keepalive {
  int port;
  long status[2], connects[2];
  uv_async_t done;
};

static size_t discard(char *p, size_t sz, size_t n, void *arg) {
  (void)p, (void)arg;
  return sz * n;
}

static void *keepalive_client(void *arg) {
  struct keepalive *k = arg;
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/metrics", k->port);
  CURL *c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  for (int i = 0; i < 2; i++) {
    if (curl_easy_perform(c) == CURLE_OK) {
      curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &k->status[i]);
      curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &k->connects[i]);
    }
  }
  curl_easy_cleanup(c);
  uv_async_send(&k->done);
  return NULL;
}

START_TEST(test_keepalive) {
  struct server s;
  start(&s);
  struct keepalive k = {.port = s.port};
  ck_assert_int_eq(uv_async_init(&s.loop, &k.done, on_fetched), 0);
  pthread_t t;
  ck_assert_int_eq(pthread_create(&t, NULL, keepalive_client, &k), 0);
  uv_run(&s.loop, UV_RUN_DEFAULT);
  pthread_join(t, NULL);
  uv_close((uv_handle_t *)&k.done, NULL);
  ck_assert_int_eq(k.status[0], 200);
  ck_assert_int_eq(k.status[1], 200);
  ck_assert_int_eq(k.connects[0], 1);
  ck_assert_int_eq(k.connects[1], 0); /* reused */
  stop(&s);
}
END_TEST

/* The server closes cleanly even with a client connected and idle: MHD's
 * connections go with MHD_stop_daemon, the loop has no handles left. */
START_TEST(test_close_with_idle_client) {
  struct server s;
  start(&s);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s.port),
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
  for (int i = 0; i < 20; i++)
    uv_run(&s.loop, UV_RUN_NOWAIT);
  stop(&s);
  char c;
  ck_assert_int_le(read(fd, &c, 1), 0); /* server side is gone */
  close(fd);
}
END_TEST

START_TEST(test_bad_listen) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  cw_metrics_server *srv = (cw_metrics_server *)1;
  ck_assert_int_eq(cw_metrics_server_start(&loop, "nonsense", &srv), -EINVAL);
  ck_assert_ptr_null(srv);
  ck_assert_int_eq(cw_metrics_server_start(&loop, "example.com:80", &srv), -EINVAL);
  ck_assert_int_eq(cw_metrics_server_start(&loop, "127.0.0.1:99999", &srv), -EINVAL);
  ck_assert_int_eq(cw_metrics_server_start(&loop, "", &srv), -EINVAL);

  /* A port that is taken is a clear startup error. */
  int port = free_port();
  char listen[64];
  snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
  cw_metrics_server *first;
  ck_assert_int_eq(cw_metrics_server_start(&loop, listen, &first), 0);
  int rc = cw_metrics_server_start(&loop, listen, &srv);
  ck_assert_int_lt(rc, 0);
  ck_assert_ptr_null(srv);
  cw_metrics_server_close(first, NULL, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(uv_loop_close(&loop), 0);
}
END_TEST

START_TEST(test_ipv6_listen) {
  int fd = socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0)
    return; /* no IPv6 in this sandbox: nothing to prove */
  close(fd);
  uv_loop_t loop;
  uv_loop_init(&loop);
  cw_metrics_server *srv;
  int rc = cw_metrics_server_start(&loop, "[::1]:0", &srv);
  if (rc == -EADDRNOTAVAIL) { /* ::1 not configured */
    uv_loop_close(&loop);
    return;
  }
  ck_assert_int_eq(rc, 0);
  cw_metrics_server_close(srv, NULL, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(uv_loop_close(&loop), 0);
}
END_TEST

/* ---- systemd notify -------------------------------------------------- */

static int notify_socket(char *path, size_t n) {
  snprintf(path, n, "/tmp/cw-notify-%d.sock", (int)getpid());
  unlink(path);
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ck_assert_int_ge(fd, 0);
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
  ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
  struct timeval tv = {2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setenv("NOTIFY_SOCKET", path, 1);
  return fd;
}

static void expect_datagram(int fd, const char *want) {
  char buf[1024];
  ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
  ck_assert_msg(n > 0, "no notification arrived (waiting for %s): %s", want, strerror(errno));
  buf[n] = 0;
  ck_assert_msg(strstr(buf, want) != NULL, "got '%s', want '%s'", buf, want);
}

START_TEST(test_notify_messages) {
  char path[108];
  int fd = notify_socket(path, sizeof path);

  ck_assert_int_eq(cw_notify_ready(), 0);
  expect_datagram(fd, "READY=1");
  ck_assert_int_eq(cw_notify_status("in_flight=%d done=%d failed=%d", 3, 10, 1), 0);
  expect_datagram(fd, "STATUS=in_flight=3 done=10 failed=1");
  ck_assert_int_eq(cw_notify_watchdog(), 0);
  expect_datagram(fd, "WATCHDOG=1");
  ck_assert_int_eq(cw_notify_reloading(), 0);
  expect_datagram(fd, "RELOADING=1");
  ck_assert_int_eq(cw_notify_stopping(), 0);
  expect_datagram(fd, "STOPPING=1");

  /* A newline in a status text cannot smuggle another assignment. */
  ck_assert_int_eq(cw_notify_status("x\nREADY=1"), 0);
  char buf[256];
  ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
  ck_assert_int_gt(n, 0);
  buf[n] = 0;
  ck_assert_str_eq(buf, "STATUS=x READY=1");

  close(fd);
  unlink(path);
}
END_TEST

START_TEST(test_notify_without_socket_is_noop) {
  unsetenv("NOTIFY_SOCKET");
  ck_assert_int_eq(cw_notify_ready(), 0);
  ck_assert_int_eq(cw_notify_status("idle"), 0);
  ck_assert_int_eq(cw_notify_watchdog(), 0);
  ck_assert_int_eq(cw_notify_stopping(), 0);
}
END_TEST

START_TEST(test_watchdog_usec) {
  uint64_t usec = 1;
  unsetenv("WATCHDOG_USEC");
  unsetenv("WATCHDOG_PID");
  ck_assert_int_eq(cw_notify_watchdog_usec(&usec), 0);
  ck_assert_uint_eq(usec, 0);

  char pid[32];
  snprintf(pid, sizeof pid, "%d", (int)getpid());
  setenv("WATCHDOG_USEC", "30000000", 1);
  setenv("WATCHDOG_PID", pid, 1);
  ck_assert_int_eq(cw_notify_watchdog_usec(&usec), 1);
  ck_assert_uint_eq(usec, 30000000);

  /* The watchdog belongs to another process (e.g. we are a child). */
  setenv("WATCHDOG_PID", "1", 1);
  ck_assert_int_eq(cw_notify_watchdog_usec(&usec), 0);
  unsetenv("WATCHDOG_USEC");
  unsetenv("WATCHDOG_PID");
}
END_TEST

int main(void) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  Suite *s = suite_create("metrics");
  TCase *reg = tcase_create("registry");
  tcase_add_test(reg, test_counters_with_labels);
  tcase_add_test(reg, test_histogram_cumulative);
  tcase_add_test(reg, test_label_values_bounded);
  suite_add_tcase(s, reg);
  TCase *http = tcase_create("http");
  tcase_set_timeout(http, 60);
  tcase_add_test(http, test_http_endpoints);
  tcase_add_test(http, test_readyz_follows_health);
  tcase_add_test(http, test_keepalive);
  tcase_add_test(http, test_close_with_idle_client);
  tcase_add_test(http, test_bad_listen);
  tcase_add_test(http, test_ipv6_listen);
  suite_add_tcase(s, http);
  TCase *notify = tcase_create("notify");
  tcase_add_test(notify, test_notify_messages);
  tcase_add_test(notify, test_notify_without_socket_is_noop);
  tcase_add_test(notify, test_watchdog_usec);
  suite_add_tcase(s, notify);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  curl_global_cleanup();
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
