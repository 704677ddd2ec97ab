/* The HTTP client on the loop (http.h), against the fake LLM server over
 * real sockets on 127.0.0.1: buffered and streamed bodies, response headers
 * before the body, connection reuse, timeouts, low-speed limit, refused and
 * reset connections, body limits, aborts, cancel, TLS verification, many
 * concurrent transfers, and a clean close with requests pending. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

#include "careeros/http.h"
#include "fake_llm/fake_client.h"

typedef struct {
  int done;
  int status;
  long http_status;
  char *body;
  size_t body_len;
  uint64_t body_bytes;
  char request_id[64];
  bool reused;
  bool headers_seen_before_body;
  int headers_calls;
  long header_status;
  size_t streamed;
  int abort_after; /* on_body: abort once this many bytes arrived (0: never) */
  bool saw_body;
  cw_http_req *self;
  bool cancel_in_body;
  int http_version;
} rq;

static void on_done(void *arg, const cw_http_response *r) {
  rq *q = arg;
  q->done++;
  q->status = r->status;
  q->http_status = r->http_status;
  q->body_len = r->body_len;
  q->body_bytes = r->body_bytes;
  q->reused = r->connection_reused;
  q->http_version = r->http_version;
  free(q->body);
  q->body = r->body ? strndup(r->body, r->body_len) : NULL;
  const char *rid = cw_http_response_header(r, "X-Request-Id");
  snprintf(q->request_id, sizeof q->request_id, "%s", rid ? rid : "");
}

static int on_headers(void *arg, const cw_http_response *r) {
  rq *q = arg;
  q->headers_calls++;
  q->header_status = r->http_status;
  q->headers_seen_before_body = !q->saw_body && cw_http_response_header(r, "content-type") != NULL;
  return 0;
}

static int on_body(void *arg, const char *d, size_t n) {
  (void)d;
  rq *q = arg;
  q->saw_body = true;
  q->streamed += n;
  if (q->cancel_in_body) {
    cw_http_cancel(q->self);
    return 0;
  }
  if (q->abort_after && q->streamed >= (size_t)q->abort_after)
    return 1;
  return 0;
}

static uv_loop_t loop;
static cw_http *http;
static fake_llm fake;
static int closed;

static void on_close(void *arg) { (void)arg; closed++; }

static void setup_with(const char *const *args) {
  fake_llm_start(&fake, args);
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  ck_assert_int_eq(cw_http_new(&loop, NULL, &http), 0);
  closed = 0;
}

static void teardown_all(void) {
  cw_http_close(http, on_close, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(closed, 1);
  ck_assert_int_eq(uv_loop_close(&loop), 0);
  fake_llm_stop(&fake);
}

static const char *CHAT_BODY_TMPL =
    "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"x\"},{\"role\":\"user\",\"content\":"
    "\"<<<RESUME\\nJane Doe\\nEXPERIENCE\\nEngineer at Acme (2020 - Present)\\n%s\\nRESUME>>>\"}],"
    "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"resume_parse\",\"schema\":{}}}}";

static void start(rq *q, const char *path, const char *marker, cw_http_request_opts extra) {
  char url[256];
  snprintf(url, sizeof url, "%s%s", fake.base, path);
  char *body = NULL;
  if (marker && asprintf(&body, CHAT_BODY_TMPL, marker) < 0)
    abort();
  static const char *hdrs[] = {"Content-Type: application/json"};
  cw_http_request_opts o = extra;
  o.url = url;
  o.headers = hdrs;
  o.n_headers = 1;
  o.body = body;
  o.body_len = body ? strlen(body) : 0;
  o.on_done = on_done;
  o.arg = q;
  ck_assert_int_eq(cw_http_request(http, &o, &q->self), 0);
  free(body); /* copied */
  ck_assert_int_eq(q->done, 0); /* never completes inside cw_http_request() */
}

static void wait_for(rq *q) {
  while (!q->done)
    uv_run(&loop, UV_RUN_ONCE);
}

START_TEST(test_buffered_post_and_headers) {
  setup_with(NULL);
  rq q = {0};
  start(&q, "/v1/chat/completions", "", (cw_http_request_opts){.timeout_ms = 5000, .on_headers = on_headers});
  wait_for(&q);
  ck_assert_int_eq(q.done, 1);
  ck_assert_int_eq(q.status, 0);
  ck_assert_int_eq(q.http_status, 200);
  ck_assert_int_eq(q.headers_calls, 1);
  ck_assert_int_eq(q.header_status, 200);
  ck_assert_ptr_nonnull(strstr(q.body, "chat.completion"));
  ck_assert_int_eq(q.body_len, strlen(q.body));
  ck_assert_int_eq(strncmp(q.request_id, "req_fake", 8), 0);
  json_t *j = json_loads(q.body, 0, NULL);
  ck_assert_ptr_nonnull(j);
  json_decref(j);
  free(q.body);
  teardown_all();
}
END_TEST

START_TEST(test_error_status_is_not_a_transport_error) {
  setup_with(NULL);
  rq q = {0};
  start(&q, "/v1/chat/completions", "[[fault:503]]", (cw_http_request_opts){0});
  wait_for(&q);
  ck_assert_int_eq(q.status, 0);
  ck_assert_int_eq(q.http_status, 503);
  ck_assert_ptr_nonnull(strstr(q.body, "overloaded"));
  free(q.body);
  rq g = {0};
  start(&g, "/nope", NULL, (cw_http_request_opts){0});
  wait_for(&g);
  ck_assert_int_eq(g.http_status, 404);
  free(g.body);
  teardown_all();
}
END_TEST

START_TEST(test_connection_reuse) {
  setup_with(NULL);
  int reused = 0;
  for (int i = 0; i < 5; i++) {
    rq q = {0};
    start(&q, "/stats", NULL, (cw_http_request_opts){0});
    wait_for(&q);
    ck_assert_int_eq(q.http_status, 200);
    if (q.reused)
      reused++;
    free(q.body);
  }
  ck_assert_int_eq(reused, 4); /* one connection for all five */
  teardown_all();
}
END_TEST

START_TEST(test_streaming_body) {
  setup_with(NULL);
  rq q = {0};
  start(&q, "/v1/chat/completions", "", (cw_http_request_opts){.on_headers = on_headers, .on_body = on_body});
  wait_for(&q);
  ck_assert_int_eq(q.status, 0);
  ck_assert(q.headers_seen_before_body);
  ck_assert_int_gt(q.streamed, 100);
  ck_assert_int_eq(q.body_len, 0); /* not buffered */
  ck_assert_int_eq(q.body_bytes, q.streamed);
  free(q.body);
  /* the body callback aborts */
  rq a = {0};
  a.abort_after = 1;
  start(&a, "/v1/chat/completions", "[[fault:drip]]", (cw_http_request_opts){.on_body = on_body});
  wait_for(&a);
  ck_assert_int_eq(a.status, -ECONNABORTED);
  free(a.body);
  teardown_all();
}
END_TEST

START_TEST(test_timeouts) {
  setup_with((const char *const[]){"--drip-ms", "300", "--drip-bytes", "1", NULL});
  rq q = {0};
  uint64_t t0 = uv_hrtime();
  start(&q, "/v1/chat/completions", "[[fault:timeout]]", (cw_http_request_opts){.timeout_ms = 300});
  wait_for(&q);
  double ms = (double)(uv_hrtime() - t0) / 1e6;
  ck_assert_int_eq(q.status, -ETIMEDOUT);
  ck_assert_int_eq(q.http_status, 0);
  ck_assert(ms >= 280 && ms < 2000);
  free(q.body);
  /* low-speed limit: 1 byte per 300 ms is below 1,000 bytes/s for 1 s.
   * libcurl averages the speed over the last seconds, response headers
   * included, so a limit near the header rate (100 bytes/s) would only
   * trip after ~5 s, once the headers age out of that window. */
  rq s = {0};
  t0 = uv_hrtime();
  start(&s, "/v1/chat/completions", "[[fault:drip]]",
        (cw_http_request_opts){.low_speed_bytes = 1000, .low_speed_seconds = 1});
  wait_for(&s);
  ms = (double)(uv_hrtime() - t0) / 1e6;
  ck_assert_int_eq(s.status, -ETIMEDOUT);
  ck_assert_msg(ms >= 900 && ms < 5000, "low-speed abort after %.0f ms", ms);
  fprintf(stderr, "low-speed abort after %.0f ms\n", ms);
  free(s.body);
  teardown_all();
}
END_TEST

/* connect_timeout_ms bounds the TCP handshake alone: a listener whose
 * accept queue is full drops further SYNs, so the connect hangs until the
 * timeout cuts it, long before the total timeout. */
START_TEST(test_connect_timeout) {
  setup_with(NULL);
  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t al = sizeof a;
  ck_assert_int_eq(bind(l, (struct sockaddr *)&a, sizeof a), 0);
  ck_assert_int_eq(listen(l, 0), 0);
  ck_assert_int_eq(getsockname(l, (struct sockaddr *)&a, &al), 0);
  int filler = socket(AF_INET, SOCK_STREAM, 0); /* takes the one place in the queue */
  ck_assert_int_eq(connect(filler, (struct sockaddr *)&a, sizeof a), 0);
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/x", ntohs(a.sin_port));
  rq q = {0};
  uint64_t t0 = uv_hrtime();
  ck_assert_int_eq(cw_http_request(http,
                                   &(cw_http_request_opts){.url = url, .connect_timeout_ms = 300,
                                                           .timeout_ms = 10000, .on_done = on_done, .arg = &q},
                                   NULL),
                   0);
  wait_for(&q);
  double ms = (double)(uv_hrtime() - t0) / 1e6;
  ck_assert_int_eq(q.status, -ETIMEDOUT);
  ck_assert_int_eq(q.http_status, 0);
  ck_assert_msg(ms >= 280 && ms < 2000, "connect cut after %.0f ms", ms);
  free(q.body);
  close(filler);
  close(l);
  teardown_all();
}
END_TEST

START_TEST(test_refused_and_reset) {
  setup_with(NULL);
  rq q = {0};
  start(&q, "/v1/chat/completions", "[[fault:reset]]", (cw_http_request_opts){0});
  wait_for(&q);
  ck_assert_int_eq(q.status, -ECONNRESET);
  free(q.body);
  int port = fake.port;
  fake_llm_stop(&fake);
  rq r = {0};
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/x", port);
  ck_assert_int_eq(cw_http_request(http, &(cw_http_request_opts){.url = url, .on_done = on_done, .arg = &r}, NULL), 0);
  wait_for(&r);
  ck_assert_int_eq(r.status, -ECONNREFUSED);
  free(r.body);
  cw_http_close(http, on_close, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(uv_loop_close(&loop), 0);
}
END_TEST

START_TEST(test_tls_verification_on) {
  setup_with(NULL);
  /* a plain-HTTP server spoken to with TLS: the handshake fails */
  rq q = {0};
  char url[64];
  snprintf(url, sizeof url, "https://127.0.0.1:%d/stats", fake.port);
  ck_assert_int_eq(cw_http_request(http, &(cw_http_request_opts){.url = url, .on_done = on_done, .arg = &q}, NULL), 0);
  wait_for(&q);
  ck_assert_int_eq(q.status, -EPROTO);
  free(q.body);
  teardown_all();
}
END_TEST

/* A temporary directory (dir, from a mkdtemp template) holding a
 * self-signed certificate for 127.0.0.1 and its key. */
static void make_test_cert(char *dir, char cert[128], char key[128]) {
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(cert, 128, "%s/cert.pem", dir);
  snprintf(key, 128, "%s/key.pem", dir);
  char cmd[512];
  snprintf(cmd, sizeof cmd,
           "openssl req -x509 -newkey rsa:2048 -nodes -keyout %s -out %s -days 2 -subj /CN=127.0.0.1 "
           "-addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1",
           key, cert);
  ck_assert_msg(system(cmd) == 0, "openssl could not make a test certificate");
}

static void remove_dir(const char *dir) {
  char cmd[160];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

/* A real TLS server (self-signed certificate for 127.0.0.1): trusted through
 * ca_file it answers; without it, verification refuses the peer. */
START_TEST(test_tls_with_trust_anchor) {
  char dir[] = "/tmp/cw-http-tls-XXXXXX";
  char cert[128], key[128];
  make_test_cert(dir, cert, key);
  setup_with((const char *const[]){"--tls-cert", cert, "--tls-key", key, NULL});
  char url[96];
  snprintf(url, sizeof url, "https://127.0.0.1:%d/stats", fake.port);
  rq a = {0}, b = {0}, c = {0};
  ck_assert_int_eq(cw_http_request(http, &(cw_http_request_opts){.url = url, .ca_file = cert, .on_done = on_done,
                                                                   .arg = &a},
                                   NULL),
                   0);
  wait_for(&a);
  ck_assert_msg(a.status == 0, "status %d", a.status);
  ck_assert_int_eq(a.http_status, 200);
  ck_assert_ptr_nonnull(strstr(a.body, "max_concurrent"));
  ck_assert_int_eq(cw_http_request(http, &(cw_http_request_opts){.url = url, .ca_file = cert, .on_done = on_done,
                                                                   .arg = &b},
                                   NULL),
                   0);
  wait_for(&b);
  ck_assert_int_eq(b.http_status, 200);
  ck_assert(b.reused); /* the TLS connection is kept */
  ck_assert_int_eq(cw_http_request(http, &(cw_http_request_opts){.url = url, .on_done = on_done, .arg = &c}, NULL), 0);
  wait_for(&c);
  ck_assert_int_eq(c.status, -EPROTO); /* self-signed, not in the system store */
  free(a.body);
  free(b.body);
  free(c.body);
  teardown_all();
  remove_dir(dir);
}
END_TEST

START_TEST(test_body_limit) {
  setup_with(NULL);
  rq q = {0};
  start(&q, "/v1/chat/completions", "", (cw_http_request_opts){.max_body_bytes = 64});
  wait_for(&q);
  ck_assert_int_eq(q.status, -EMSGSIZE);
  free(q.body);
  teardown_all();
}
END_TEST

START_TEST(test_cancel) {
  setup_with(NULL);
  rq q = {0};
  start(&q, "/v1/chat/completions", "[[fault:timeout]]", (cw_http_request_opts){0});
  for (int i = 0; i < 20; i++)
    uv_run(&loop, UV_RUN_NOWAIT);
  cw_http_cancel(q.self);
  ck_assert_int_eq(q.done, 0);
  wait_for(&q);
  ck_assert_int_eq(q.status, -ECANCELED);
  free(q.body);
  /* cancel from inside the body callback */
  rq b = {0};
  b.cancel_in_body = true;
  start(&b, "/v1/chat/completions", "", (cw_http_request_opts){.on_body = on_body});
  wait_for(&b);
  ck_assert_int_eq(b.status, -ECANCELED);
  ck_assert_int_eq(b.done, 1);
  free(b.body);
  /* the handle is still usable */
  rq c = {0};
  start(&c, "/stats", NULL, (cw_http_request_opts){0});
  wait_for(&c);
  ck_assert_int_eq(c.http_status, 200);
  free(c.body);
  teardown_all();
}
END_TEST

START_TEST(test_many_concurrent) {
  setup_with((const char *const[]){"--latency-ms", "100", NULL});
  enum { N = 300 };
  static rq qs[N];
  memset(qs, 0, sizeof qs);
  for (int i = 0; i < N; i++)
    start(&qs[i], "/v1/chat/completions", "", (cw_http_request_opts){.timeout_ms = 20000});
  ck_assert_int_eq(cw_http_active(http), N);
  int done = 0;
  uint64_t t0 = uv_hrtime();
  while (done < N) {
    uv_run(&loop, UV_RUN_ONCE);
    done = 0;
    for (int i = 0; i < N; i++)
      done += qs[i].done;
  }
  double ms = (double)(uv_hrtime() - t0) / 1e6;
  for (int i = 0; i < N; i++) {
    ck_assert_int_eq(qs[i].done, 1);
    ck_assert_int_eq(qs[i].http_status, 200);
    free(qs[i].body);
  }
  ck_assert_msg(ms < 5000, "300 concurrent 100 ms requests took %.0f ms", ms);
  ck_assert_int_ge(fake_llm_stat(&fake, "max_concurrent", 60000), 100);
  ck_assert_int_eq(cw_http_active(http), 0);
  teardown_all();
}
END_TEST

/* Concurrent requests to one cleartext HTTP/1.1 host run side by side: none
 * waits for another's answer to find out whether the connection could be
 * shared (libcurl's PIPEWAIT would make them queue behind the first). */
START_TEST(test_concurrent_requests_do_not_queue) {
  setup_with((const char *const[]){"--latency-ms", "1000", NULL});
  enum { N = 40 };
  static rq qs[N];
  memset(qs, 0, sizeof qs);
  uint64_t t0 = uv_hrtime();
  for (int i = 0; i < N; i++)
    start(&qs[i], "/v1/chat/completions", "", (cw_http_request_opts){0});
  int done = 0;
  while (done < N) {
    uv_run(&loop, UV_RUN_ONCE);
    done = 0;
    for (int i = 0; i < N; i++)
      done += qs[i].done;
  }
  double ms = (double)(uv_hrtime() - t0) / 1e6;
  for (int i = 0; i < N; i++)
    free(qs[i].body);
  ck_assert_msg(ms < 1800, "40 concurrent 1 s requests took %.0f ms", ms);
  ck_assert_int_eq(fake_llm_stat(&fake, "max_concurrent", 60000), N + 0);
  teardown_all();
}
END_TEST

START_TEST(test_close_with_pending) {
  setup_with(NULL);
  rq a = {0}, b = {0};
  start(&a, "/v1/chat/completions", "[[fault:timeout]]", (cw_http_request_opts){0});
  start(&b, "/v1/chat/completions", "[[fault:timeout]]", (cw_http_request_opts){0});
  for (int i = 0; i < 20; i++)
    uv_run(&loop, UV_RUN_NOWAIT);
  cw_http_close(http, on_close, NULL);
  rq c = {0};
  ck_assert_int_eq(cw_http_request(http, &(cw_http_request_opts){.url = "http://127.0.0.1:1/", .on_done = on_done,
                                                                   .arg = &c},
                                   NULL),
                   -ESHUTDOWN);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(a.done, 1);
  ck_assert_int_eq(b.done, 1);
  ck_assert_int_eq(a.status, -ECANCELED);
  ck_assert_int_eq(b.status, -ECANCELED);
  ck_assert_int_eq(closed, 1);
  ck_assert_int_eq(uv_loop_close(&loop), 0);
  free(a.body);
  free(b.body);
  fake_llm_stop(&fake);
}
END_TEST

START_TEST(test_bad_options) {
  setup_with(NULL);
  ck_assert_int_eq(cw_http_request(http, &(cw_http_request_opts){.url = NULL, .on_done = on_done}, NULL), -EINVAL);
  ck_assert_int_eq(cw_http_request(http, &(cw_http_request_opts){.url = "http://x/"}, NULL), -EINVAL);
  teardown_all();
}
END_TEST

/* A server that offers HTTP/2 (nghttpd, TLS with ALPN) gets it. */
START_TEST(test_http2_when_offered) {
  const char *nghttpd = "/usr/sbin/nghttpd";
  ck_assert_msg(access(nghttpd, X_OK) == 0, "%s missing: scripts/deps.sh installs nghttp2-server", nghttpd);
  char dir[] = "/tmp/cw-http-h2-XXXXXX";
  char cert[128], key[128], file[128];
  make_test_cert(dir, cert, key);
  snprintf(file, sizeof file, "%s/hello.txt", dir);
  FILE *f = fopen(file, "w");
  ck_assert_ptr_nonnull(f);
  fputs("hello over h2\n", f);
  fclose(f);
  /* a free port: bound, read, released */
  int sfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t sl = sizeof sa;
  ck_assert_int_eq(bind(sfd, (struct sockaddr *)&sa, sizeof sa), 0);
  ck_assert_int_eq(getsockname(sfd, (struct sockaddr *)&sa, &sl), 0);
  int port = ntohs(sa.sin_port);
  close(sfd);
  char portstr[16];
  snprintf(portstr, sizeof portstr, "%d", port);
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    execl(nghttpd, "nghttpd", "-a", "127.0.0.1", "-d", dir, portstr, key, cert, (char *)NULL);
    _exit(127);
  }
  ck_assert_int_gt(pid, 0);
  bool up = false;
  for (int i = 0; i < 100 && !up; i++) { /* until it listens, 5 s at most */
    int c = socket(AF_INET, SOCK_STREAM, 0);
    up = connect(c, (struct sockaddr *)&sa, sizeof sa) == 0;
    close(c);
    if (!up)
      usleep(50000);
  }
  ck_assert_msg(up, "nghttpd did not start on port %d", port);
  setup_with(NULL);
  char url[96];
  snprintf(url, sizeof url, "https://127.0.0.1:%d/hello.txt", port);
  rq a = {0};
  ck_assert_int_eq(cw_http_request(http, &(cw_http_request_opts){.url = url, .ca_file = cert, .on_done = on_done,
                                                                   .arg = &a},
                                   NULL),
                   0);
  wait_for(&a);
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0);
  ck_assert_msg(a.status == 0, "status %d", a.status);
  ck_assert_int_eq(a.http_status, 200);
  ck_assert_int_eq(a.http_version, 2);
  ck_assert_str_eq(a.body, "hello over h2\n");
  free(a.body);
  teardown_all();
  remove_dir(dir);
}
END_TEST

int main(void) {
  Suite *s = suite_create("http");
  TCase *t = tcase_create("http");
  tcase_set_timeout(t, 60);
  tcase_add_test(t, test_buffered_post_and_headers);
  tcase_add_test(t, test_error_status_is_not_a_transport_error);
  tcase_add_test(t, test_connection_reuse);
  tcase_add_test(t, test_streaming_body);
  tcase_add_test(t, test_timeouts);
  tcase_add_test(t, test_connect_timeout);
  tcase_add_test(t, test_refused_and_reset);
  tcase_add_test(t, test_tls_verification_on);
  tcase_add_test(t, test_tls_with_trust_anchor);
  tcase_add_test(t, test_http2_when_offered);
  tcase_add_test(t, test_body_limit);
  tcase_add_test(t, test_cancel);
  tcase_add_test(t, test_many_concurrent);
  tcase_add_test(t, test_concurrent_requests_do_not_queue);
  tcase_add_test(t, test_close_with_pending);
  tcase_add_test(t, test_bad_options);
  suite_add_tcase(s, t);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
