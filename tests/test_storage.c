/* Storage: the local backend against a real directory tree (symlinks, FIFOs,
 * '..'), and the Supabase backend against a real HTTP server on 127.0.0.1
 * (libmicrohttpd) answering like Supabase Storage: 200, 403, 404, 400
 * not_found, 500, a stall past the timeout, and oversized bodies. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "careeros/config.h"
#include "careeros/http.h"
#include "careeros/storage.h"

int cw__storage_open_walk(int root_fd, const char *file_path);

static char root[256];
static char outside[256];

static void write_file(const char *dir, const char *name, const void *data, size_t len) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "wb");
  ck_assert_ptr_nonnull(f);
  if (len)
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
  fclose(f);
}

static void sha256_hex(const void *d, size_t n, char out[65]) {
  unsigned char md[32];
  unsigned int mn;
  EVP_Digest(d, n, md, &mn, EVP_sha256(), NULL);
  for (int i = 0; i < 32; i++)
    sprintf(out + 2 * i, "%02x", md[i]);
}

static void setup_tree(void) {
  snprintf(root, sizeof root, "/tmp/cw-storage-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(root));
  snprintf(outside, sizeof outside, "/tmp/cw-outside-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(outside));
  char p[512];
  snprintf(p, sizeof p, "%s/user1", root);
  mkdir(p, 0755);
  write_file(root, "user1/cv.txt", "hello resume\n", 13);
  snprintf(p, sizeof p, "%s/user2", root);
  mkdir(p, 0755);
  write_file(root, "user2/cv.txt", "hello resume\n", 13);
  write_file(root, "empty.txt", "", 0);
  write_file(outside, "secret.txt", "top secret\n", 11);
  char t[512];
  snprintf(p, sizeof p, "%s/link.txt", root);
  snprintf(t, sizeof t, "%s/secret.txt", outside);
  ck_assert_int_eq(symlink(t, p), 0);
  snprintf(p, sizeof p, "%s/inner-link.txt", root);
  ck_assert_int_eq(symlink("user1/cv.txt", p), 0);
  snprintf(p, sizeof p, "%s/linkdir", root);
  ck_assert_int_eq(symlink(outside, p), 0);
  snprintf(p, sizeof p, "%s/fifo", root);
  ck_assert_int_eq(mkfifo(p, 0600), 0);
}

static void teardown_tree(void) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", root, outside);
  ck_assert_int_eq(system(cmd), 0);
}

/* ---- open_beneath, both implementations ---- */

static void both_open(const char *path, int want) {
  int rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  ck_assert_int_ge(rfd, 0);
  int a = cw_storage_open_beneath(rfd, path);
  int b = cw__storage_open_walk(rfd, path);
  if (want >= 0) {
    ck_assert_msg(a >= 0, "openat2 %s: %d", path, a);
    ck_assert_msg(b >= 0, "walk %s: %d", path, b);
    close(a);
    close(b);
  } else {
    /* the two may name the refusal differently (EXDEV/ELOOP/EPERM), never success */
    ck_assert_msg(a < 0, "openat2 opened %s", path);
    ck_assert_msg(b < 0, "walk opened %s", path);
    if (want == -ENOENT) {
      ck_assert_int_eq(a, -ENOENT);
      ck_assert_int_eq(b, -ENOENT);
    } else if (strcmp(path, "user1") != 0) {
      ck_assert_msg(a == -EPERM, "%s: %d", path, a); /* the header's contract */
    }
  }
  close(rfd);
}

START_TEST(open_beneath_rules) {
  both_open("user1/cv.txt", 0);
  both_open("./user1/cv.txt", 0);
  both_open("user1//cv.txt", 0);
  both_open("../" "cw-outside/secret.txt", -EPERM);
  both_open("user1/../user1/cv.txt", -EPERM); /* '..' is refused even when it stays inside */
  both_open("/etc/passwd", -EPERM);
  both_open("link.txt", -EPERM);
  both_open("inner-link.txt", -EPERM); /* no symlink at all, even inside the root */
  both_open("linkdir/secret.txt", -EPERM);
  both_open("fifo", -EPERM);           /* returns at once: O_NONBLOCK, then not a regular file */
  both_open("user1", -EPERM);
  both_open("nope/cv.txt", -ENOENT);
  both_open("user1/missing.txt", -ENOENT);
  both_open("", -EPERM);
  both_open("a\\b", -EPERM);
}
END_TEST

/* ---- fetches on a loop ---- */

typedef struct {
  int done;
  cw_storage_result res;
  char body[256];
} fetch_out;

static void on_fetch(void *arg, cw_storage_result *r) {
  fetch_out *o = arg;
  o->done++;
  o->res = *r;
  if (r->status == 0) {
    ssize_t n = read(r->fd, o->body, sizeof o->body - 1);
    o->body[n > 0 ? n : 0] = 0;
    close(r->fd);
  }
}

static void closed_cb(void *arg) { (*(int *)arg)++; }

static cw_config cfg;

static void init_cfg(const char *backend) {
  memset(&cfg, 0, sizeof cfg);
  ck_assert_int_eq(cw_config_load(&cfg, NULL), 0);
  free(cfg.storage.backend);
  cfg.storage.backend = strdup(backend);
  free(cfg.storage.root);
  cfg.storage.root = strdup(root);
  cfg.storage.max_file_bytes = 1000;
  cfg.storage.timeout_ms = 400;
}

static fetch_out fetch_local_as(const char *owner, const char *path, int64_t size, const char *sha) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  init_cfg("local");
  cw_storage *s;
  ck_assert_int_eq(cw_storage_new(&loop, &cfg, NULL, &s), 0);
  fetch_out o = {0};
  cw_storage_req rq = {.job_id = "t", .file_path = path, .expected_size = size,
                       .expected_sha256 = sha, .owner = owner};
  ck_assert_int_eq(cw_storage_fetch_start(s, &rq, on_fetch, &o, NULL), 0);
  ck_assert_int_eq(o.done, 0); /* never synchronous */
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(o.done, 1);
  int closed = 0;
  cw_storage_close(s, closed_cb, &closed);
  ck_assert_int_eq(closed, 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(closed, 1);
  ck_assert_int_eq(uv_loop_close(&loop), 0);
  cw_config_free(&cfg);
  return o;
}

static fetch_out fetch_local(const char *path, int64_t size, const char *sha) {
  return fetch_local_as(NULL, path, size, sha);
}

#define EXPECT_CODE(o, c)                                                                  \
  do {                                                                                     \
    ck_assert_msg((o).res.status < 0, "expected %s, got success", #c);                     \
    ck_assert_msg((o).res.code == CW_ERR_##c, "expected %s, got %s (%s)", #c,              \
                  cw_error_name((o).res.code), (o).res.message);                           \
  } while (0)

START_TEST(local_ok) {
  char sha[65];
  sha256_hex("hello resume\n", 13, sha);
  fetch_out o = fetch_local("user1/cv.txt", 13, sha);
  ck_assert_int_eq(o.res.status, 0);
  ck_assert_int_eq(o.res.size, 13);
  ck_assert_str_eq(o.res.sha256, sha);
  ck_assert_str_eq(o.body, "hello resume\n");
  /* unknown size and hash: not checked; upper case and a sha256: prefix are accepted */
  o = fetch_local("user1/cv.txt", -1, NULL);
  ck_assert_int_eq(o.res.status, 0);
  char up[80] = "SHA256:";
  for (int i = 0; i < 64; i++)
    up[7 + i] = (char)(sha[i] >= 'a' ? sha[i] - 32 : sha[i]);
  up[71] = 0;
  o = fetch_local("user1/cv.txt", 13, up);
  ck_assert_int_eq(o.res.status, 0);
  /* what an upload that made its own row records: Storage's MD5 eTag, or no digest */
  o = fetch_local("user1/cv.txt", 13, "md5:C01DB54145C367DE58951E242C4C6D73");
  ck_assert_int_eq(o.res.status, 0);
  ck_assert_str_eq(o.res.sha256, sha);
  o = fetch_local("user1/cv.txt", 13, "none");
  ck_assert_int_eq(o.res.status, 0);
  ck_assert_str_eq(o.res.sha256, sha);
}
END_TEST

START_TEST(local_refusals) {
  EXPECT_CODE(fetch_local("../cw-outside/secret.txt", -1, NULL), STORAGE_PATH_INVALID);
  EXPECT_CODE(fetch_local("/etc/passwd", -1, NULL), STORAGE_PATH_INVALID);
  EXPECT_CODE(fetch_local("link.txt", -1, NULL), STORAGE_PATH_INVALID);
  EXPECT_CODE(fetch_local("linkdir/secret.txt", -1, NULL), STORAGE_PATH_INVALID);
  EXPECT_CODE(fetch_local("fifo", -1, NULL), STORAGE_PATH_INVALID);
  EXPECT_CODE(fetch_local("user1/missing.pdf", -1, NULL), STORAGE_NOT_FOUND);
  EXPECT_CODE(fetch_local("empty.txt", -1, NULL), FILE_EMPTY);
  EXPECT_CODE(fetch_local("user1/cv.txt", 14, NULL), FILE_SIZE_MISMATCH);
  char sha[65];
  sha256_hex("something else", 14, sha);
  EXPECT_CODE(fetch_local("user1/cv.txt", 13, sha), FILE_HASH_MISMATCH);
  EXPECT_CODE(fetch_local("user1/cv.txt", 13, "d41d8cd98f00b204e9800998ecf8427e"), FILE_HASH_MISMATCH);
  EXPECT_CODE(fetch_local("user1/cv.txt", 13, "md5:d41d8cd98f00b204e9800998ecf8427e"), FILE_HASH_MISMATCH);
  EXPECT_CODE(fetch_local("user1/cv.txt", 13, "md5:xyz"), FILE_HASH_MISMATCH);
  EXPECT_CODE(fetch_local("user1/cv.txt", 13, "nonesuch"), FILE_HASH_MISMATCH);
  char big[1001];
  memset(big, 'x', sizeof big);
  write_file(root, "big.txt", big, sizeof big);
  EXPECT_CODE(fetch_local("big.txt", 1001, NULL), FILE_TOO_LARGE);
  ck_assert(!cw_error_retryable(CW_ERR_STORAGE_PATH_INVALID));
}
END_TEST

/* A version names a file of its owner's folder or nothing is opened: the
 * refusal is the same whether another user's file exists, and with which
 * size, so it tells the version's owner nothing about it. */
START_TEST(local_refuses_files_outside_the_owners_folder) {
  char sha[65];
  sha256_hex("hello resume\n", 13, sha);
  fetch_out o = fetch_local_as("user1", "user1/cv.txt", 13, sha);
  ck_assert_msg(o.res.status == 0, "%s", o.res.message);
  const char *other[] = {"user2/cv.txt", "user2/missing.txt", "user1x/cv.txt", "user1/", "cv.txt", "empty.txt"};
  char first[256] = "";
  for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
    o = fetch_local_as("user1", other[i], 13, sha);
    EXPECT_CODE(o, STORAGE_PATH_NOT_OWNED);
    if (i == 0)
      snprintf(first, sizeof first, "%s", o.res.message);
    ck_assert_str_eq(o.res.message, first);
    ck_assert_ptr_null(strstr(o.res.message, "13"));
  }
  /* path rules come first, as before */
  EXPECT_CODE(fetch_local_as("user1", "user1/../user2/cv.txt", 13, sha), STORAGE_PATH_INVALID);
  ck_assert(!cw_error_retryable(CW_ERR_STORAGE_PATH_NOT_OWNED));
}
END_TEST

START_TEST(local_many_concurrent_and_cancel) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  init_cfg("local");
  cw_storage *s;
  ck_assert_int_eq(cw_storage_new(&loop, &cfg, NULL, &s), 0);
  fetch_out o[40];
  memset(o, 0, sizeof o);
  cw_storage_fetch *h[40];
  for (int i = 0; i < 40; i++) {
    cw_storage_req rq = {.job_id = "t", .file_path = i % 2 ? "user1/cv.txt" : "link.txt",
                         .expected_size = -1};
    ck_assert_int_eq(cw_storage_fetch_start(s, &rq, on_fetch, &o[i], &h[i]), 0);
  }
  cw_storage_fetch_cancel(s, h[39]);
  uv_run(&loop, UV_RUN_DEFAULT);
  for (int i = 0; i < 39; i++) {
    ck_assert_int_eq(o[i].done, 1);
    if (i % 2)
      ck_assert_int_eq(o[i].res.status, 0);
    else
      EXPECT_CODE(o[i], STORAGE_PATH_INVALID);
  }
  ck_assert_int_eq(o[39].done, 1);
  ck_assert_int_eq(o[39].res.status, -ECANCELED);
  /* close with fetches in flight: each is cancelled, then close_cb */
  for (int i = 0; i < 5; i++) {
    memset(&o[i], 0, sizeof o[i]);
    cw_storage_req rq = {.job_id = "t", .file_path = "user1/cv.txt", .expected_size = -1};
    ck_assert_int_eq(cw_storage_fetch_start(s, &rq, on_fetch, &o[i], NULL), 0);
  }
  int closed = 0;
  cw_storage_close(s, closed_cb, &closed);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(closed, 1);
  for (int i = 0; i < 5; i++)
    ck_assert_int_eq(o[i].done, 1);
  ck_assert_int_eq(uv_loop_close(&loop), 0);
  cw_config_free(&cfg);
}
END_TEST

START_TEST(local_bad_root_fails_at_startup) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  init_cfg("local");
  free(cfg.storage.root);
  cfg.storage.root = strdup("/nonexistent/careeros");
  cw_storage *s;
  ck_assert_int_eq(cw_storage_new(&loop, &cfg, NULL, &s), -ENOENT);
  ck_assert_int_eq(uv_loop_close(&loop), 0);
  cw_config_free(&cfg);
}
END_TEST

/* ---- Supabase over real HTTP ---- */

static const char OBJ[] = "%PDF-1.4 pretend resume bytes";
static char seen_apikey[256], seen_auth[256], seen_url[512];

static enum MHD_Result serve(void *cls, struct MHD_Connection *c, const char *url,
                             const char *method, const char *version, const char *upload,
                             size_t *upload_len, void **ctx) {
  (void)cls, (void)method, (void)version, (void)upload, (void)upload_len, (void)ctx;
  const char *k = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "apikey");
  const char *a = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
  snprintf(seen_apikey, sizeof seen_apikey, "%s", k ? k : "");
  snprintf(seen_auth, sizeof seen_auth, "%s", a ? a : "");
  snprintf(seen_url, sizeof seen_url, "%s", url);
  const char *prefix = "/storage/v1/object/authenticated/resumes/";
  unsigned status = 200;
  const char *body = OBJ;
  size_t blen = sizeof OBJ - 1;
  char *big = NULL;
  if (strncmp(url, prefix, strlen(prefix)) != 0) {
    status = 400, body = "{}", blen = 2;
  } else {
    const char *p = url + strlen(prefix);
    if (!strcmp(p, "forbidden.pdf"))
      status = 403, body = "{\"error\":\"Unauthorized\"}", blen = strlen(body);
    else if (!strcmp(p, "missing.pdf"))
      status = 404, body = "{}", blen = 2;
    else if (!strcmp(p, "missing400.pdf"))
      status = 400,
      body = "{\"statusCode\":\"404\",\"error\":\"not_found\",\"message\":\"Object not found\"}",
      blen = strlen(body);
    else if (!strcmp(p, "broken.pdf"))
      status = 500, body = "oops", blen = 4;
    else if (!strcmp(p, "slow.pdf"))
      usleep(1500 * 1000);
    else if (!strcmp(p, "big.pdf")) {
      big = malloc(5000);
      memset(big, 'A', 5000);
      body = big, blen = 5000;
    }
  }
  struct MHD_Response *r;
  if (big && strstr(url, "big.pdf")) {
    r = MHD_create_response_from_buffer(blen, (void *)body, MHD_RESPMEM_MUST_FREE);
  } else {
    r = MHD_create_response_from_buffer(blen, (void *)body, MHD_RESPMEM_MUST_COPY);
  }
  enum MHD_Result ret = MHD_queue_response(c, status, r);
  MHD_destroy_response(r);
  return ret;
}

/* A body without Content-Length that goes on past the limit. */
static ssize_t endless(void *cls, uint64_t pos, char *buf, size_t max) {
  (void)cls;
  if (pos > 1u << 20)
    return MHD_CONTENT_READER_END_OF_STREAM;
  memset(buf, 'B', max);
  return (ssize_t)max;
}

static enum MHD_Result serve_chunked(void *cls, struct MHD_Connection *c, const char *url,
                                     const char *method, const char *version, const char *upload,
                                     size_t *upload_len, void **ctx) {
  (void)cls, (void)url, (void)method, (void)version, (void)upload, (void)upload_len, (void)ctx;
  struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, endless, NULL, NULL);
  enum MHD_Result ret = MHD_queue_response(c, 200, r);
  MHD_destroy_response(r);
  return ret;
}

static struct MHD_Daemon *mhd;
static int port;

static void start_server(MHD_AccessHandlerCallback h) {
  mhd = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0,
                         NULL, NULL, h, NULL, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
                         MHD_OPTION_END);
  ck_assert_ptr_nonnull(mhd);
  port = MHD_get_daemon_info(mhd, MHD_DAEMON_INFO_BIND_PORT)->port;
}

static fetch_out fetch_sb(const char *key, const char *path, int64_t size, const char *sha) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  init_cfg("supabase");
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
  free(cfg.storage.url);
  cfg.storage.url = strdup(url);
  free(cfg.storage.key);
  cfg.storage.key = strdup(key);
  cw_http *http;
  ck_assert_int_eq(cw_http_new(&loop, NULL, &http), 0);
  cw_storage *s;
  ck_assert_int_eq(cw_storage_new(&loop, &cfg, http, &s), 0);
  fetch_out o = {0};
  cw_storage_req rq = {.job_id = "t", .file_path = path, .expected_size = size,
                       .expected_sha256 = sha};
  ck_assert_int_eq(cw_storage_fetch_start(s, &rq, on_fetch, &o, NULL), 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(o.done, 1);
  int closed = 0;
  cw_storage_close(s, closed_cb, &closed);
  cw_http_close(http, closed_cb, &closed);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(closed, 2);
  ck_assert_int_eq(uv_loop_close(&loop), 0);
  cw_config_free(&cfg);
  return o;
}

START_TEST(supabase_ok_and_headers) {
  start_server(serve);
  char sha[65];
  sha256_hex(OBJ, sizeof OBJ - 1, sha);
  const char *jwt = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2ln";
  fetch_out o = fetch_sb(jwt, "user 1/cv é.pdf", sizeof OBJ - 1, sha);
  ck_assert_msg(o.res.status == 0, "%s", o.res.message);
  ck_assert_str_eq(o.body, OBJ);
  ck_assert_str_eq(o.res.sha256, sha);
  ck_assert_str_eq(seen_apikey, jwt);
  char bearer[300];
  snprintf(bearer, sizeof bearer, "Bearer %s", jwt);
  ck_assert_str_eq(seen_auth, bearer);
  ck_assert_str_eq(seen_url, "/storage/v1/object/authenticated/resumes/user 1/cv é.pdf");
  /* new-style secret keys go in apikey only */
  o = fetch_sb("sb_secret_abc123", "cv.pdf", -1, NULL);
  ck_assert_int_eq(o.res.status, 0);
  ck_assert_str_eq(seen_apikey, "sb_secret_abc123");
  ck_assert_str_eq(seen_auth, "");
  MHD_stop_daemon(mhd);
}
END_TEST

START_TEST(supabase_errors) {
  start_server(serve);
  const char *k = "sb_secret_x";
  fetch_out o = fetch_sb(k, "forbidden.pdf", -1, NULL);
  EXPECT_CODE(o, STORAGE_FORBIDDEN);
  ck_assert(!cw_error_retryable(o.res.code));
  o = fetch_sb(k, "missing.pdf", -1, NULL);
  EXPECT_CODE(o, STORAGE_NOT_FOUND);
  o = fetch_sb(k, "missing400.pdf", -1, NULL);
  EXPECT_CODE(o, STORAGE_NOT_FOUND);
  o = fetch_sb(k, "broken.pdf", -1, NULL);
  EXPECT_CODE(o, STORAGE_UNAVAILABLE);
  ck_assert(cw_error_retryable(o.res.code));
  uint64_t t0 = uv_hrtime();
  o = fetch_sb(k, "slow.pdf", -1, NULL);
  EXPECT_CODE(o, STORAGE_UNAVAILABLE);
  ck_assert(strstr(o.res.message, "timeout") != NULL);
  ck_assert_uint_lt((uv_hrtime() - t0) / 1000000, 1400);
  o = fetch_sb(k, "big.pdf", -1, NULL);
  EXPECT_CODE(o, FILE_TOO_LARGE);
  o = fetch_sb(k, "cv.pdf", 99, NULL);
  EXPECT_CODE(o, FILE_SIZE_MISMATCH);
  o = fetch_sb(k, "cv.pdf", -1, "0000000000000000000000000000000000000000000000000000000000000000");
  EXPECT_CODE(o, FILE_HASH_MISMATCH);
  o = fetch_sb(k, "../cv.pdf", -1, NULL);
  EXPECT_CODE(o, STORAGE_PATH_INVALID);
  o = fetch_sb(k, "/cv.pdf", -1, NULL);
  EXPECT_CODE(o, STORAGE_PATH_INVALID);
  MHD_stop_daemon(mhd);
  /* connection refused once the server is gone */
  o = fetch_sb(k, "cv.pdf", -1, NULL);
  EXPECT_CODE(o, STORAGE_UNAVAILABLE);
}
END_TEST

START_TEST(supabase_stream_cap) {
  start_server(serve_chunked);
  fetch_out o = fetch_sb("sb_secret_x", "endless.pdf", -1, NULL);
  EXPECT_CODE(o, FILE_TOO_LARGE);
  MHD_stop_daemon(mhd);
}
END_TEST

int main(void) {
  Suite *s = suite_create("storage");
  TCase *t = tcase_create("local");
  tcase_add_checked_fixture(t, setup_tree, teardown_tree);
  tcase_add_test(t, open_beneath_rules);
  tcase_add_test(t, local_ok);
  tcase_add_test(t, local_refusals);
  tcase_add_test(t, local_refuses_files_outside_the_owners_folder);
  tcase_add_test(t, local_many_concurrent_and_cancel);
  tcase_add_test(t, local_bad_root_fails_at_startup);
  suite_add_tcase(s, t);
  TCase *sb = tcase_create("supabase");
  tcase_add_checked_fixture(sb, setup_tree, teardown_tree);
  tcase_set_timeout(sb, 60);
  tcase_add_test(sb, supabase_ok_and_headers);
  tcase_add_test(sb, supabase_errors);
  tcase_add_test(sb, supabase_stream_cap);
  suite_add_tcase(s, sb);
  SRunner *r = srunner_create(s);
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? 1 : 0;
}
