/* The careeros-worker command line, run as a subprocess: usage and exit
 * codes, configuration errors, check-config, enqueue into local storage,
 * status and requeue against a real database cloned from the migrated
 * template. */
#include <check.h>
#include <dirent.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "careeros/migrate.h"
#include "clirun.h"
#include "testlib.h"

#define USER_A "0a0a0a0a-0000-4000-8000-00000000000a"
#define USER_B "0b0b0b0b-0000-4000-8000-00000000000b"

/* One fresh database, a storage root and the env pointing the CLI at them. */
struct fx {
  char *conninfo;
  char *root;
  char env_db[600];
  char env_root[600];
  const char *env[3];
  PGconn *c;
};

static void fx_init(struct fx *f) {
  f->conninfo = cw_test_fresh_db("cli");
  f->root = cw_test_tmpdir("cliroot");
  snprintf(f->env_db, sizeof f->env_db, "CAREEROS_DATABASE_CONNINFO=%s", f->conninfo);
  snprintf(f->env_root, sizeof f->env_root, "CAREEROS_STORAGE_ROOT=%s", f->root);
  f->env[0] = f->env_db;
  f->env[1] = f->env_root;
  f->env[2] = NULL;
  f->c = cw_test_connect(f->conninfo);
  cw_test_exec(f->c, "INSERT INTO auth.users (id, email) VALUES ('" USER_A "', 'a@example.test'), "
                     "('" USER_B "', 'b@example.test')");
}

static void fx_free(struct fx *f) {
  PQfinish(f->c);
  free(f->conninfo);
  free(f->root);
}

static char *tmpfile_with(const char *dir, const char *name, const char *text) {
  char *p;
  ck_assert_int_ge(asprintf(&p, "%s/%s", dir, name), 0);
  cw_cli_write_file(p, text);
  return p;
}

static long count_files(const char *dir) {
  long n = 0;
  DIR *d = opendir(dir);
  if (!d)
    return 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (de->d_name[0] == '.')
      continue;
    char p[2048];
    snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
    struct stat st;
    if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
      n += count_files(p);
    else
      n++;
  }
  closedir(d);
  return n;
}

/* Enqueues n small text files for USER_A; returns the ids output. */
static char *enqueue_n(struct fx *f, int n) {
  char *src = cw_test_tmpdir("clisrc");
  const char *args[16] = {"enqueue"};
  char *paths[8];
  int k = 1;
  for (int i = 0; i < n; i++) {
    char name[32], body[64];
    snprintf(name, sizeof name, "cv%d.txt", i);
    snprintf(body, sizeof body, "Resume number %d\nEngineer\n", i);
    paths[i] = tmpfile_with(src, name, body);
    args[k++] = paths[i];
  }
  args[k++] = "--user";
  args[k++] = USER_A;
  args[k] = NULL;
  cw_cli_result r = cw_cli_run(f->env, args);
  ck_assert_msg(r.code == 0, "enqueue exit %d: %s", r.code, r.err);
  for (int i = 0; i < n; i++)
    free(paths[i]);
  free(src);
  free(r.err);
  return r.out;
}

/* ---- usage, help, version ---- */

START_TEST(unknown_command_is_a_usage_error) {
  const char *a[] = {"frobnicate", NULL};
  cw_cli_result r = cw_cli_run(NULL, a);
  ck_assert_int_eq(r.code, 2);
  ck_assert_ptr_nonnull(strstr(r.err, "unknown command 'frobnicate'"));
  cw_cli_result_free(&r);

  const char *none[] = {NULL};
  r = cw_cli_run(NULL, none);
  ck_assert_int_eq(r.code, 2);
  cw_cli_result_free(&r);

  const char *badopt[] = {"--frob", "status", NULL};
  r = cw_cli_run(NULL, badopt);
  ck_assert_int_eq(r.code, 2);
  cw_cli_result_free(&r);

  const char *nouser[] = {"enqueue", "/etc/hostname", NULL};
  r = cw_cli_run(NULL, nouser);
  ck_assert_int_eq(r.code, 2);
  ck_assert_ptr_nonnull(strstr(r.err, "--user"));
  cw_cli_result_free(&r);

  const char *bare_requeue[] = {"requeue", NULL};
  r = cw_cli_run(NULL, bare_requeue);
  ck_assert_int_eq(r.code, 2);
  cw_cli_result_free(&r);

  const char *bad_code[] = {"requeue", "--code", "NO_SUCH_CODE", NULL};
  r = cw_cli_run(NULL, bad_code);
  ck_assert_int_eq(r.code, 2);
  cw_cli_result_free(&r);

  const char *bad_prio[] = {"enqueue", "x", "--user", USER_A, "--priority", "99999", NULL};
  r = cw_cli_run(NULL, bad_prio);
  ck_assert_int_eq(r.code, 2);
  cw_cli_result_free(&r);
}
END_TEST

START_TEST(help_and_version) {
  const char *v[] = {"--version", NULL};
  cw_cli_result r = cw_cli_run(NULL, v);
  ck_assert_int_eq(r.code, 0);
  ck_assert_ptr_nonnull(strstr(r.out, "careeros-worker "));
  cw_cli_result_free(&r);
  const char *h[] = {"--help", NULL};
  r = cw_cli_run(NULL, h);
  ck_assert_int_eq(r.code, 0);
  const char *cmds[] = {"run", "check-config", "migrate", "enqueue", "status", "requeue", "exit codes"};
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
    ck_assert_msg(strstr(r.out, cmds[i]), "--help lacks %s", cmds[i]);
  cw_cli_result_free(&r);
  const char *mh[] = {"migrate", "--help", NULL};
  r = cw_cli_run(NULL, mh);
  ck_assert_int_eq(r.code, 0);
  ck_assert_ptr_nonnull(strstr(r.out, "--dir DIR"));
  cw_cli_result_free(&r);
}
END_TEST

/* ---- configuration ---- */

START_TEST(bad_config_exits_3_naming_file_and_line) {
  char *d = cw_test_tmpdir("clicfg");
  char *ini = tmpfile_with(d, "bad.ini",
                           "[database]\n"
                           "conninfo = dbname=x\n"
                           "pool_size = 0\n"
                           "[worker]\n"
                           "concurrency = lots\n"
                           "no_such_key = 1\n");
  const char *cmds[] = {"check-config", "run", "status", "migrate"};
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
    const char *a[] = {"--config", ini, cmds[i], NULL};
    cw_cli_result r = cw_cli_run(NULL, a);
    ck_assert_msg(r.code == 3, "%s: exit %d", cmds[i], r.code);
    char want[1200];
    snprintf(want, sizeof want, "%s:3: database.pool_size:", ini);
    ck_assert_msg(strstr(r.err, want), "%s: stderr lacks '%s': %s", cmds[i], want, r.err);
    snprintf(want, sizeof want, "%s:5: worker.concurrency:", ini);
    ck_assert_msg(strstr(r.err, want), "stderr: %s", r.err);
    snprintf(want, sizeof want, "%s:6: worker.no_such_key: unknown key", ini);
    ck_assert_msg(strstr(r.err, want), "stderr: %s", r.err);
    cw_cli_result_free(&r);
  }
  /* The same through the environment, and via $CAREEROS_CONFIG. */
  const char *e[] = {"CAREEROS_WORKER_LEASE_MS=soon", NULL};
  const char *a[] = {"check-config", NULL};
  cw_cli_result r = cw_cli_run(e, a);
  ck_assert_int_eq(r.code, 3);
  ck_assert_ptr_nonnull(strstr(r.err, "environment: worker.lease_ms"));
  cw_cli_result_free(&r);
  char envcfg[1200];
  snprintf(envcfg, sizeof envcfg, "CAREEROS_CONFIG=%s", ini);
  const char *e2[] = {envcfg, NULL};
  r = cw_cli_run(e2, a);
  ck_assert_int_eq(r.code, 3);
  ck_assert_ptr_nonnull(strstr(r.err, ":5: worker.concurrency"));
  cw_cli_result_free(&r);
  const char *missing[] = {"--config", "/nonexistent/careeros.ini", "check-config", NULL};
  r = cw_cli_run(NULL, missing);
  ck_assert_int_eq(r.code, 3);
  ck_assert_ptr_nonnull(strstr(r.err, "/nonexistent/careeros.ini"));
  cw_cli_result_free(&r);
  free(ini);
  free(d);
}
END_TEST

/* With the LLM provider, check-config loads the prompts and schemas the
 * way start-up does: a directory without them is a configuration error. */
/* Syntax errors are reported like bad keys: every one, with its line; the
 * keys after a header without ']' belong to that section; an unknown
 * section is named once and its keys (even one called "key") ignored;
 * control bytes are escaped and long values cut. */
START_TEST(config_syntax_errors_every_one_with_file_and_line) {
  char *d = cw_test_tmpdir("clisyn");
  char *ini = tmpfile_with(d, "syn.ini",
                           "[database]\n"          /* 1 */
                           "conninfo = dbname=x\n" /* 2 */
                           "this line is junk\n"   /* 3 */
                           "[worker\n"             /* 4 */
                           "concurrency = lots\n"  /* 5 */
                           "max_attempts = 3\n"    /* 6 */
                           "[mystery]\n"           /* 7 */
                           "key = hunter2\n"       /* 8 */
                           "[llm]\n"               /* 9 */
                           "model\n"               /* 10 */
                           "= 4\n");               /* 11 */
  const char *a[] = {"--config", ini, "check-config", NULL};
  cw_cli_result r = cw_cli_run(NULL, a);
  ck_assert_int_eq(r.code, 3);
  const char *want[] = {":3: syntax error: expected 'key = value': this line is junk",
                        ":4: syntax error: section header without ']': [worker",
                        ":5: worker.concurrency: 'lots' is not a number",
                        ":7: [mystery]: unknown section",
                        ":10: syntax error: expected 'key = value': model",
                        ":11: syntax error: no key before '='"};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    char line[1400];
    snprintf(line, sizeof line, "%s%s", ini, want[i]);
    ck_assert_msg(strstr(r.err, line), "stderr lacks '%s': %s", line, r.err);
  }
  ck_assert_msg(!strstr(r.err, ".concurrency: unknown key"), "%s", r.err);
  ck_assert_msg(!strstr(r.err, ":6:"), "%s", r.err);
  ck_assert_msg(!strstr(r.err, "secrets"), "%s", r.err);
  ck_assert_msg(!strstr(r.err, "hunter2"), "%s", r.err);
  cw_cli_result_free(&r);
  free(ini);

  /* control bytes and a 70,000-byte value */
  char *big = malloc(70100);
  ck_assert_ptr_nonnull(big);
  int n = snprintf(big, 70100, "[worker]\nconcurrency = \033[31m");
  memset(big + n, '9', 70000);
  snprintf(big + n + 70000, 100, "\n[wor\007ker]\nx = 1\n");
  ini = tmpfile_with(d, "ctl.ini", big);
  free(big);
  const char *b[] = {"--config", ini, "check-config", NULL};
  r = cw_cli_run(NULL, b);
  ck_assert_int_eq(r.code, 3);
  ck_assert_msg(strlen(r.err) < 2000, "%zu bytes of errors", strlen(r.err));
  ck_assert_msg(!strchr(r.err, '\033') && !strchr(r.err, '\007'), "raw control bytes: %s", r.err);
  ck_assert_msg(strstr(r.err, ":2: worker.concurrency: '\\x1b[31m999"), "%s", r.err);
  ck_assert_msg(strstr(r.err, "...(70005 bytes)"), "%s", r.err);
  ck_assert_msg(strstr(r.err, ":3: [wor\\x07ker]: unknown section"), "%s", r.err);
  cw_cli_result_free(&r);
  free(ini);
  free(d);
}
END_TEST

START_TEST(check_config_checks_llm_prompts) {
  char *d = cw_test_tmpdir("cliprompt");
  char ini_text[2048];
  snprintf(ini_text, sizeof ini_text,
           "[provider]\nname = openai\n[llm]\nbase_url = http://127.0.0.1:9/v1\n"
           "prompt_dir = %s\n[storage]\nroot = %s\n",
           d, d);
  char *ini = tmpfile_with(d, "llm.ini", ini_text);
  const char *a[] = {"--config", ini, "check-config", NULL};
  cw_cli_result r = cw_cli_run(NULL, a);
  ck_assert_msg(r.code == 3, "exit %d: %s", r.code, r.err);
  ck_assert_msg(strstr(r.err, "llm.prompt_dir"), "stderr: %s", r.err);
  cw_cli_result_free(&r);
  /* The shipped prompts pass. */
  char good[2048];
  snprintf(good, sizeof good,
           "[provider]\nname = openai\n[llm]\nbase_url = http://127.0.0.1:9/v1\n"
           "prompt_dir = %s/config/llm\n[storage]\nroot = %s\n",
           cw_test_source_root(), d);
  char *ini2 = tmpfile_with(d, "llm-good.ini", good);
  const char *a2[] = {"--config", ini2, "check-config", NULL};
  r = cw_cli_run(NULL, a2);
  ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
  cw_cli_result_free(&r);
  free(ini);
  free(ini2);
  free(d);
}
END_TEST

START_TEST(check_config_ok_prints_config_without_secrets) {
  struct fx f;
  fx_init(&f);
  char *creds = cw_test_tmpdir("clicreds");
  char *pw = tmpfile_with(creds, "dbpw", "s3cret-password-value\n");
  char *key = tmpfile_with(creds, "llmkey", "sk-test-secret-key\n");
  char *ini;
  ck_assert_int_ge(asprintf(&ini, "%s/ok.ini", creds), 0);
  char text[2048];
  snprintf(text, sizeof text,
           "[database]\npassword_file = dbpw\n[storage]\nroot = %s\n[llm]\napi_key_file = llmkey\n"
           "header = X-Api-Token: hdr-secret\n",
           f.root);
  cw_cli_write_file(ini, text);
  char credenv[1200];
  snprintf(credenv, sizeof credenv, "CREDENTIALS_DIRECTORY=%s", creds);
  const char *e[] = {f.env_db, credenv, NULL};
  const char *a[] = {"--config", ini, "check-config", "--connect", NULL};
  cw_cli_result r = cw_cli_run(e, a);
  ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
  ck_assert_ptr_nonnull(strstr(r.out, "configuration OK"));
  ck_assert_ptr_nonnull(strstr(r.out, "database connection OK"));
  ck_assert_ptr_nonnull(strstr(r.out, "[storage]"));
  ck_assert_ptr_null(strstr(r.out, "s3cret-password-value"));
  ck_assert_ptr_null(strstr(r.out, "sk-test-secret-key"));
  ck_assert_ptr_null(strstr(r.out, "hdr-secret"));
  ck_assert_ptr_null(strstr(r.err, "s3cret"));
  cw_cli_result_free(&r);

  /* A storage root that does not exist is a configuration error. */
  const char *e2[] = {f.env_db, credenv, "CAREEROS_STORAGE_ROOT=/nonexistent/uploads", NULL};
  r = cw_cli_run(e2, a);
  ck_assert_int_eq(r.code, 3);
  ck_assert_ptr_nonnull(strstr(r.err, "storage.root: /nonexistent/uploads"));
  cw_cli_result_free(&r);
  free(ini);
  free(pw);
  free(key);
  free(creds);
  fx_free(&f);
}
END_TEST

/* ---- enqueue ---- */

START_TEST(enqueue_copies_files_and_inserts_rows) {
  struct fx f;
  fx_init(&f);
  char *src = cw_test_tmpdir("clisrc");
  const char *body1 = "Jane Doe\njane@example.test\nSenior Engineer, Acme 2019-2024\n";
  char *p1 = tmpfile_with(src, "jane doe cv.txt", body1);
  char *p2 = tmpfile_with(src, "second.md", "# Second\n\nSome text.\n");
  const char *a[] = {"enqueue", p1, p2, "--user", USER_A, "--priority", "5", NULL};
  cw_cli_result r = cw_cli_run(f.env, a);
  ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
  char id1[37], id2[37];
  ck_assert_int_eq(sscanf(r.out, "%36s %36s", id1, id2), 2);
  cw_cli_result_free(&r);

  char sql[1024];
  snprintf(sql, sizeof sql,
           "SELECT file_size || '|' || file_hash || '|' || file_path || '|' || file_name || '|' || "
           "mime_type || '|' || version_number || '|' || processing_status || '|' || priority || '|' || "
           "(user_id = '" USER_A "') FROM public.resume_versions WHERE id = '%s'",
           id1);
  char *row = cw_test_scalar(f.c, sql);
  ck_assert_ptr_nonnull(row);
  char sha[65];
  cw_sha256_hex(body1, strlen(body1), sha);
  char want[1024];
  snprintf(want, sizeof want, "%zu|%s|%s/%s-jane_doe_cv.txt|jane doe cv.txt|text/plain|1|pending|5|true",
           strlen(body1), sha, USER_A, id1);
  ck_assert_str_eq(row, want);
  free(row);

  /* The stored copy: same bytes, private mode, under the root. */
  char stored[2048];
  snprintf(stored, sizeof stored, "%s/%s/%s-jane_doe_cv.txt", f.root, USER_A, id1);
  struct stat st;
  ck_assert_int_eq(stat(stored, &st), 0);
  ck_assert_int_eq(st.st_mode & 0777, 0600);
  char *copy = cw_cli_slurp(stored, NULL);
  ck_assert_str_eq(copy, body1);
  free(copy);
  ck_assert_int_eq(count_files(f.root), 2);

  snprintf(sql, sizeof sql, "SELECT version_number FROM public.resume_versions WHERE id = '%s'", id2);
  ck_assert_int_eq(cw_test_scalar_long(f.c, sql), 2);
  ck_assert_int_eq(cw_test_scalar_long(f.c, "SELECT count(*) FROM public.resume_streams WHERE user_id = '" USER_A
                                            "' AND name = 'Default Resume'"),
                   1);

  /* Again: the stream is reused and numbering continues. */
  const char *again[] = {"enqueue", p2, "--user", USER_A, "--mime", "text/markdown", NULL};
  r = cw_cli_run(f.env, again);
  ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
  char id3[37];
  ck_assert_int_eq(sscanf(r.out, "%36s", id3), 1);
  cw_cli_result_free(&r);
  snprintf(sql, sizeof sql, "SELECT version_number || ' ' || mime_type FROM public.resume_versions WHERE id = '%s'",
           id3);
  row = cw_test_scalar(f.c, sql);
  ck_assert_str_eq(row, "3 text/markdown");
  free(row);
  ck_assert_int_eq(cw_test_scalar_long(f.c, "SELECT count(*) FROM public.resume_streams"), 1);

  /* A named stream is created on first use. */
  const char *named[] = {"enqueue", p1, "--user", USER_A, "--stream-name", "Design roles", NULL};
  r = cw_cli_run(f.env, named);
  ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
  cw_cli_result_free(&r);
  ck_assert_int_eq(cw_test_scalar_long(f.c, "SELECT v.version_number FROM public.resume_versions v JOIN "
                                            "public.resume_streams s ON s.id = v.stream_id "
                                            "WHERE s.name = 'Design roles'"),
                   1);

  /* Another user's stream is refused, and nothing is left behind. */
  char *stream_a = cw_test_scalar(f.c, "SELECT id FROM public.resume_streams WHERE name = 'Design roles'");
  const char *foreign[] = {"enqueue", p1, "--user", USER_B, "--stream", stream_a, NULL};
  r = cw_cli_run(f.env, foreign);
  ck_assert_int_eq(r.code, 1);
  ck_assert_ptr_nonnull(strstr(r.err, "belongs to another user"));
  cw_cli_result_free(&r);
  ck_assert_int_eq(count_files(f.root), 4);
  free(stream_a);
  free(p1);
  free(p2);
  free(src);
  fx_free(&f);
}
END_TEST

/* What `file -bi` prints is accepted: the type is stored, its parameters
 * checked and dropped.  The shipped DOCX sample, which libmagic takes for a
 * plain ZIP, is recorded as a DOCX. */
static char *enqueue_mime_of(struct fx *f, const char *path, const char *mime, int *code) {
  const char *a[] = {"enqueue", path, "--user", USER_A, mime ? "--mime" : NULL, mime, NULL};
  cw_cli_result r = cw_cli_run(f->env, a);
  *code = r.code;
  char id[37] = "";
  char *type = NULL;
  if (r.code == 0 && sscanf(r.out, "%36s", id) == 1) {
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT mime_type FROM public.resume_versions WHERE id = '%s'", id);
    type = cw_test_scalar(f->c, sql);
  } else {
    type = strdup(r.err);
  }
  cw_cli_result_free(&r);
  return type;
}

START_TEST(enqueue_mime_parameters_and_the_docx_sample) {
  struct fx f;
  fx_init(&f);
  char *src = cw_test_tmpdir("climime");
  char *p = tmpfile_with(src, "cv.txt", "Jane Doe\n");
  static const struct {
    const char *given, *stored;
  } ok[] = {
      {"application/pdf; charset=binary", "application/pdf"},
      {"Text/Plain;charset=\"utf-8\"", "text/plain"},
      {"text/plain ; charset=us-ascii ; format=flowed;", "text/plain"},
      {"text/markdown", "text/markdown"},
  };
  int code;
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    char *type = enqueue_mime_of(&f, p, ok[i].given, &code);
    ck_assert_msg(code == 0, "%s: exit %d: %s", ok[i].given, code, type);
    ck_assert_str_eq(type, ok[i].stored);
    free(type);
  }
  const char *bad[] = {"pdf", "application/", "/pdf", "application/pdf; charset", "application/pdf charset=x",
                       "application/pdf; =x", "text/plain; charset=\"utf-8", "text/pl ain"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char *err = enqueue_mime_of(&f, p, bad[i], &code);
    ck_assert_msg(code == 2, "%s: exit %d", bad[i], code);
    ck_assert_msg(strstr(err, "is not a MIME type") != NULL, "%s: %s", bad[i], err);
    free(err);
  }
  char sample[1024];
  snprintf(sample, sizeof sample, "%s/samples/tomas-novak.docx", cw_test_source_root());
  char *type = enqueue_mime_of(&f, sample, NULL, &code);
  ck_assert_msg(code == 0, "exit %d: %s", code, type);
  ck_assert_str_eq(type, "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  free(type);
  free(p);
  free(src);
  fx_free(&f);
}
END_TEST

START_TEST(enqueue_unknown_user_leaves_nothing) {
  struct fx f;
  fx_init(&f);
  const char *a[] = {"enqueue", "/etc/hostname", "--user", "0c0c0c0c-0000-4000-8000-00000000000c", NULL};
  cw_cli_result r = cw_cli_run(f.env, a);
  ck_assert_int_eq(r.code, 1);
  ck_assert_ptr_nonnull(strstr(r.err, "auth.users"));
  cw_cli_result_free(&r);
  ck_assert_int_eq(count_files(f.root), 0);
  ck_assert_int_eq(cw_test_scalar_long(f.c, "SELECT count(*) FROM public.resume_versions"), 0);
  const char *missing[] = {"enqueue", "/nonexistent/cv.pdf", "--user", USER_A, NULL};
  r = cw_cli_run(f.env, missing);
  ck_assert_int_eq(r.code, 1);
  ck_assert_ptr_nonnull(strstr(r.err, "/nonexistent/cv.pdf"));
  cw_cli_result_free(&r);
  fx_free(&f);
}
END_TEST

/* ---- status ---- */

static void fail_version(PGconn *c, const char *id, const char *code, const char *msg) {
  char sql[1024];
  snprintf(sql, sizeof sql,
           "UPDATE public.resume_versions SET processing_status = 'failed', attempts = 1, "
           "processing_errors = coalesce(processing_errors, '[]'::jsonb) || jsonb_build_array(jsonb_build_object("
           "'stage', 'parse', 'code', '%s', 'message', '%s', 'attempt', 1, 'at', now(), 'retryable', false)) "
           "WHERE id = '%s'",
           code, msg, id);
  cw_test_exec(c, sql);
}

START_TEST(status_reports_depth_leases_and_failures) {
  struct fx f;
  fx_init(&f);
  char *ids = enqueue_n(&f, 4);
  char id[4][37];
  ck_assert_int_eq(sscanf(ids, "%36s %36s %36s %36s", id[0], id[1], id[2], id[3]), 4);
  free(ids);
  char sql[1024];
  snprintf(sql, sizeof sql,
           "UPDATE public.resume_versions SET processing_status = 'processing', current_stage = 'parse', "
           "attempts = 1, locked_by = 'host-a:4242', lease_token = gen_random_uuid(), "
           "lease_expires_at = now() + interval '1 minute' WHERE id = '%s'",
           id[1]);
  cw_test_exec(f.c, sql);
  fail_version(f.c, id[2], "LLM_INVALID_OUTPUT", "answer was not JSON");

  const char *a[] = {"status", NULL};
  cw_cli_result r = cw_cli_run(f.env, a);
  ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
  ck_assert_ptr_nonnull(strstr(r.out, "pending: 2 ready"));
  ck_assert_ptr_nonnull(strstr(r.out, "in flight: 1"));
  ck_assert_ptr_nonnull(strstr(r.out, "host-a:4242"));
  ck_assert_ptr_nonnull(strstr(r.out, "LLM_INVALID_OUTPUT"));
  ck_assert_ptr_nonnull(strstr(r.out, id[2]));
  ck_assert_ptr_nonnull(strstr(r.out, "answer was not JSON"));
  cw_cli_result_free(&r);

  const char *j[] = {"status", "--json", NULL};
  r = cw_cli_run(f.env, j);
  ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
  json_error_t err;
  json_t *doc = json_loads(r.out, 0, &err);
  ck_assert_msg(doc != NULL, "not JSON: %s", err.text);
  ck_assert_int_eq(json_integer_value(json_object_get(doc, "total")), 4);
  ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(doc, "pending"), "ready")), 2);
  ck_assert(json_is_real(json_object_get(json_object_get(doc, "pending"), "oldest_age_seconds")));
  json_t *inflight = json_object_get(doc, "in_flight");
  ck_assert_int_eq(json_array_size(inflight), 1);
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(inflight, 0), "locked_by")), "host-a:4242");
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(inflight, 0), "id")), id[1]);
  json_t *fails = json_object_get(doc, "recent_failures");
  ck_assert_int_eq(json_array_size(fails), 1);
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(fails, 0), "code")), "LLM_INVALID_OUTPUT");
  ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(doc, "failed_by_code"), "LLM_INVALID_OUTPUT")), 1);
  long processing = 0;
  json_t *row;
  size_t i;
  json_array_foreach(json_object_get(doc, "depth"), i, row) {
    if (strcmp(json_string_value(json_object_get(row, "status")), "processing") == 0)
      processing += json_integer_value(json_object_get(row, "count"));
  }
  ck_assert_int_eq(processing, 1);
  json_decref(doc);
  cw_cli_result_free(&r);
  fx_free(&f);
}
END_TEST

/* ---- requeue ---- */

START_TEST(requeue_by_id_and_by_code) {
  struct fx f;
  fx_init(&f);
  char *ids = enqueue_n(&f, 4);
  char id[4][37];
  ck_assert_int_eq(sscanf(ids, "%36s %36s %36s %36s", id[0], id[1], id[2], id[3]), 4);
  free(ids);
  fail_version(f.c, id[0], "FILE_CORRUPT", "truncated");
  fail_version(f.c, id[1], "LLM_UNAVAILABLE", "503");
  fail_version(f.c, id[2], "LLM_UNAVAILABLE", "503");

  const char *byid[] = {"requeue", id[0], NULL};
  cw_cli_result r = cw_cli_run(f.env, byid);
  ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
  ck_assert_str_eq(r.out, "1\n");
  cw_cli_result_free(&r);
  char sql[256];
  snprintf(sql, sizeof sql, "SELECT processing_status FROM public.resume_versions WHERE id = '%s'", id[0]);
  char *st = cw_test_scalar(f.c, sql);
  ck_assert_str_eq(st, "pending");
  free(st);

  const char *bycode[] = {"requeue", "--code", "LLM_UNAVAILABLE", NULL};
  r = cw_cli_run(f.env, bycode);
  ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
  ck_assert_str_eq(r.out, "2\n");
  cw_cli_result_free(&r);
  ck_assert_int_eq(cw_test_scalar_long(f.c, "SELECT count(*) FROM public.resume_versions "
                                            "WHERE processing_status = 'failed'"),
                   0);

  /* Only failed versions move: requeueing the pending id[3] counts 0. */
  const char *notfailed[] = {"requeue", id[3], NULL};
  r = cw_cli_run(f.env, notfailed);
  ck_assert_int_eq(r.code, 0);
  ck_assert_str_eq(r.out, "0\n");
  cw_cli_result_free(&r);

  fail_version(f.c, id[3], "FILE_EMPTY", "empty");
  const char *all[] = {"requeue", "--all-failed", NULL};
  r = cw_cli_run(f.env, all);
  ck_assert_int_eq(r.code, 0);
  ck_assert_str_eq(r.out, "1\n");
  cw_cli_result_free(&r);

  const char *notuuid[] = {"requeue", "42", NULL};
  r = cw_cli_run(f.env, notuuid);
  ck_assert_int_eq(r.code, 2);
  cw_cli_result_free(&r);
  fx_free(&f);
}
END_TEST

int main(int argc, char **argv) {
  cw_cli_set_binary(argc, argv);
  Suite *s = suite_create("cli");
  TCase *u = tcase_create("usage");
  tcase_add_test(u, unknown_command_is_a_usage_error);
  tcase_add_test(u, help_and_version);
  tcase_add_test(u, bad_config_exits_3_naming_file_and_line);
  tcase_add_test(u, config_syntax_errors_every_one_with_file_and_line);
  tcase_add_test(u, check_config_checks_llm_prompts);
  suite_add_tcase(s, u);
  TCase *db = tcase_create("database");
  tcase_set_timeout(db, 60);
  tcase_add_test(db, check_config_ok_prints_config_without_secrets);
  tcase_add_test(db, enqueue_copies_files_and_inserts_rows);
  tcase_add_test(db, enqueue_unknown_user_leaves_nothing);
  tcase_add_test(db, enqueue_mime_parameters_and_the_docx_sample);
  tcase_add_test(db, status_reports_depth_leases_and_failures);
  tcase_add_test(db, requeue_by_id_and_by_code);
  suite_add_tcase(s, db);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
