/* Triggered by uploads, end to end: Supabase Storage simulated in the test
 * database (tests/sql/storage-sim.sql), the upload trigger attached, files
 * "uploaded" by writing them under the storage root and inserting their
 * storage.objects rows as Storage does.  The worker, which nobody told
 * about the files, processes them: the one whose eTag matches completes,
 * the one whose content changed after Storage hashed it fails with
 * FILE_HASH_MISMATCH, and a file in another user's folder is ignored. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "workerfx.h"

static char *read_all(const char *path) {
  FILE *fp = fopen(path, "rb");
  ck_assert_msg(fp != NULL, "cannot read %s", path);
  fseek(fp, 0, SEEK_END);
  long n = ftell(fp);
  rewind(fp);
  char *buf = malloc((size_t)n + 1);
  ck_assert_uint_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
  buf[n] = 0;
  fclose(fp);
  return buf;
}

/* Writes the file and inserts the object row the way Storage does after an
 * upload: metadata with size, mimetype and the MD5 eTag of `hashed`. */
static void upload(wfx *f, int user, const char *owner, const char *name, const char *content,
                   const char *hashed) {
  char rel[256];
  snprintf(rel, sizeof rel, "%s/%s", f->users[user], name);
  wfx_write_file(f, rel, content, strlen(content));
  const char *p[4] = {rel, owner, hashed, content};
  PGresult *r = PQexecParams(f->c,
                             "INSERT INTO storage.objects (bucket_id, name, owner, metadata) VALUES "
                             "('resumes', $1, $2::uuid, jsonb_build_object('eTag', '\"' || md5($3) || '\"', "
                             "'size', octet_length($4), 'mimetype', 'text/plain'))",
                             4, NULL, p, NULL, NULL, 0);
  ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK, "upload: %s", PQerrorMessage(f->c));
  PQclear(r);
}

START_TEST(an_upload_to_the_resumes_bucket_is_processed_without_application_code) {
  wfx f;
  wfx_init(&f, "wuploads", 2, NULL);
  char path[1024];
  snprintf(path, sizeof path, "%s/tests/sql/storage-sim.sql", cw_test_source_root());
  char *sim = read_all(path);
  PGresult *r = PQexec(f.c, sim);
  ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK,
                "storage simulation: %s", PQerrorMessage(f.c));
  PQclear(r);
  free(sim);
  char *installed = wfx_value(&f, "SELECT queue.install_storage_upload_trigger()::text");
  ck_assert_str_eq(installed, "true");
  free(installed);

  wfx_start(&f, "up", "");
  char *good = wfx_resume_text(1), *other = wfx_resume_text(2);
  upload(&f, 0, f.users[0], "cv.txt", good, good);
  upload(&f, 0, f.users[0], "changed.txt", good, other); /* Storage hashed other bytes */
  upload(&f, 1, f.users[0], "planted.txt", other, other); /* user 0 writing into user 1's folder */
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions"), 2);
  wfx_wait_all_finished(&f, 60000);

  char *row = wfx_value(&f,
                        "SELECT processing_status || ' ' || version_number || ' ' || mime_type FROM "
                        "public.resume_versions WHERE file_name = 'cv.txt'");
  ck_assert_str_eq(row, "completed 1 text/plain");
  free(row);
  ck_assert_int_gt(wfx_count(&f,
                             "SELECT count(*) FROM public.parsed_resume_entities p JOIN public.resume_versions v "
                             "ON v.id = p.resume_version_id WHERE v.file_name = 'cv.txt'"),
                   5);
  row = wfx_value(&f, "SELECT processing_status || ' ' || (processing_errors -> -1 ->> 'code') FROM "
                      "public.resume_versions WHERE file_name = 'changed.txt'");
  ck_assert_str_eq(row, "failed FILE_HASH_MISMATCH");
  free(row);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.resume_versions WHERE user_id = '%s'", f.users[1]),
                   0);
  ck_assert_int_eq(wfx_stop(&f.w[0], 15000), 0);
  free(good);
  free(other);
  wfx_done(&f);
}
END_TEST

int main(int argc, char **argv) {
  wfx_set_binary(argc, argv);
  Suite *s = suite_create("uploads");
  TCase *t = tcase_create("uploads");
  tcase_set_timeout(t, 180);
  tcase_add_test(t, an_upload_to_the_resumes_bucket_is_processed_without_application_code);
  suite_add_tcase(s, t);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
