/* The profile is the user's (DESIGN.md invariant 7), through the daemon:
 * two versions of one user's resume processed by `careeros-worker run`
 * with the offline provider, and between them the user edits a job's
 * description, corrects another job's title, retires one skill and
 * deletes another, as a signed-in SQL session (role authenticated, RLS
 * on).  The second version is the same resume: it must not bring back
 * what the user changed, and the edited description comes back only as a
 * proposal, which the user then accepts. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workerfx.h"

/* A generated resume with three jobs and five skills (workerfx.c). */
#define RESUME_INDEX 5

/* Runs sql as the signed-in user 0 of the fixture, in one transaction. */
static void as_user(wfx *f, const char *sql) {
  wfx_exec(f,
           "BEGIN; SELECT set_config('request.jwt.claims', "
           "json_build_object('sub', '%s', 'role', 'authenticated')::text, true); "
           "SET LOCAL ROLE authenticated; %s; COMMIT",
           f->users[0], sql);
}

static void add_version(wfx *f, const char *name, const char *text, char id[37]) {
  char rel[128], hex[65];
  snprintf(rel, sizeof rel, "%s/%s", f->users[0], name);
  wfx_write_file(f, rel, text, strlen(text));
  wfx_sha256_hex(text, strlen(text), hex);
  wfx_insert_version(f, 0, rel, (long)strlen(text), hex, 0, id);
}

static void wait_completed(wfx *f, const char *id) {
  long n = wfx_wait_count(f, 1, 30000,
                          "SELECT count(*) FROM public.resume_versions WHERE id = '%s' "
                          "AND processing_status = 'completed'",
                          id);
  if (n != 1)
    wfx_dump_logs(f);
  ck_assert_int_eq(n, 1);
}

START_TEST(second_version_respects_hand_edits_corrections_and_removals) {
  wfx f;
  wfx_init(&f, "merge", 1, NULL);
  char *text = wfx_resume_text(RESUME_INDEX);
  char v1[37], v2[37];
  add_version(&f, "cv-1.txt", text, v1);
  wfx_worker *w = wfx_start(&f, "m1", NULL);
  wait_completed(&f, v1);

  const char *u = f.users[0];
  long jobs = wfx_count(&f, "SELECT count(*) FROM public.work_experience WHERE user_id = '%s' AND is_active", u);
  long skills = wfx_count(&f, "SELECT count(*) FROM public.skill WHERE user_id = '%s' AND is_active", u);
  ck_assert_int_ge(jobs, 2);
  ck_assert_int_ge(skills, 3);

  /* The hand edits, as the user: the newest job's description, the
   * oldest job's title, one skill retired, one deleted. */
  as_user(&f,
          "INSERT INTO public.work_experience (logical_entity_id, version, user_id, company, title, "
          "  location, start_date, end_date, date_text, is_current, description, source) "
          "SELECT logical_entity_id, version + 1, user_id, company, title, location, start_date, "
          "  end_date, date_text, is_current, 'Written by hand', 'manual' "
          "  FROM public.work_experience WHERE is_active ORDER BY start_on DESC LIMIT 1");
  as_user(&f,
          "INSERT INTO public.work_experience (logical_entity_id, version, user_id, company, title, "
          "  location, start_date, end_date, date_text, is_current, description, source) "
          "SELECT logical_entity_id, version + 1, user_id, company, 'Principal ' || title, location, "
          "  start_date, end_date, date_text, is_current, description, 'manual' "
          "  FROM public.work_experience WHERE is_active ORDER BY start_on LIMIT 1");
  char *old_title = wfx_value(&f,
                              "SELECT title FROM public.work_experience WHERE user_id = '%s' AND "
                              "NOT is_active AND source = 'upload' ORDER BY start_on LIMIT 1",
                              u);
  char *retired = wfx_value(&f, "SELECT name FROM public.skill WHERE user_id = '%s' ORDER BY name LIMIT 1", u);
  char *deleted = wfx_value(&f, "SELECT name FROM public.skill WHERE user_id = '%s' ORDER BY name OFFSET 1 LIMIT 1", u);
  char sql[512];
  snprintf(sql, sizeof sql, "UPDATE public.skill SET is_active = false WHERE name = '%s'", retired);
  as_user(&f, sql);
  snprintf(sql, sizeof sql, "DELETE FROM public.skill WHERE name = '%s'", deleted);
  as_user(&f, sql);

  /* The same resume again. */
  add_version(&f, "cv-2.txt", text, v2);
  wait_completed(&f, v2);

  /* Nothing inserted or superseded: every entry is unchanged, proposed or
   * suppressed, and says by which rule. */
  ck_assert_int_eq(wfx_count(&f,
                             "SELECT count(*) FROM public.merge_decisions WHERE resume_version_id = '%s' "
                             "AND decision IN ('inserted', 'new_version')",
                             v2),
                   0);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.merge_decisions WHERE resume_version_id = '%s' "
                                 "AND rule IS NULL", v2),
                   0);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.work_experience WHERE user_id = '%s' AND is_active", u),
                   jobs);
  /* the correction stays: no job under the old title */
  ck_assert_int_eq(wfx_count(&f,
                             "SELECT count(*) FROM public.work_experience WHERE user_id = '%s' AND is_active "
                             "AND title = '%s'",
                             u, old_title),
                   0);
  /* the removed skills stay removed */
  ck_assert_int_eq(wfx_count(&f,
                             "SELECT count(*) FROM public.skill WHERE user_id = '%s' AND is_active "
                             "AND name IN ('%s', '%s')",
                             u, retired, deleted),
                   0);
  ck_assert_int_eq(wfx_count(&f,
                             "SELECT count(*) FROM public.merge_decisions WHERE resume_version_id = '%s' "
                             "AND decision = 'suppressed' AND rule = 'removed_by_user'",
                             v2),
                   2);
  /* the hand-written description stays, and the resume's comes as a proposal */
  ck_assert_int_eq(wfx_count(&f,
                             "SELECT count(*) FROM public.work_experience WHERE user_id = '%s' AND is_active "
                             "AND source = 'manual' AND description = 'Written by hand'",
                             u),
                   1);
  char *proposal = wfx_value(&f,
                             "SELECT id FROM public.merge_decisions WHERE resume_version_id = '%s' "
                             "AND decision = 'proposed' AND rule = 'manual_wins' "
                             "AND proposal ? 'description'",
                             v2);
  ck_assert_ptr_nonnull(proposal);

  /* The user accepts it. */
  snprintf(sql, sizeof sql, "SELECT public.accept_merge_proposal('%s')", proposal);
  as_user(&f, sql);
  ck_assert_int_eq(wfx_count(&f,
                             "SELECT count(*) FROM public.work_experience WHERE user_id = '%s' AND is_active "
                             "AND description = 'Written by hand'",
                             u),
                   0);
  ck_assert_int_eq(wfx_count(&f,
                             "SELECT count(*) FROM public.merge_decisions WHERE id = '%s' "
                             "AND proposal_status = 'accepted'",
                             proposal),
                   1);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.work_experience WHERE user_id = '%s' AND is_active", u),
                   jobs);

  ck_assert_int_eq(wfx_stop(w, 15000), 0);
  free(proposal);
  free(old_title);
  free(retired);
  free(deleted);
  free(text);
  wfx_done(&f);
}
END_TEST

/* A resume that lists a job twice and a skill in two spellings, then a
 * second resume that spells the skills and the degree differently: one
 * job, one skill per spelling family, and the repeats are recorded as
 * duplicate_entry. */
static const char *SPELLED_1 = "Ada Lovelace\nSoftware Engineer\n"
                               "ada.lovelace@example.com | +1 415 555 0101 | Boston, MA\n\n"
                               "EXPERIENCE\n"
                               "Google - Software Engineer\nMar 2019 - Present\n"
                               "- Built search ranking for the web index.\n- Ran ranking experiments.\n\n"
                               "Google - Software Engineer\nMar 2019 - Present\n"
                               "- Built search ranking for the web index.\n- Ran ranking experiments.\n\n"
                               "EDUCATION\nB.Sc. Computer Science, MIT, 2014 - 2018\n\n"
                               "SKILLS\nPostgreSQL, Python, Postgres, JavaScript, Java\n";
static const char *SPELLED_2 = "Ada Lovelace\nSoftware Engineer\n"
                               "ada.lovelace@example.com | +1 415 555 0101 | Boston, MA\n\n"
                               "EXPERIENCE\n"
                               "Google LLC - Software Engineer\nMar 2019 - Present\n"
                               "- Built search ranking for the web index.\n- Ran ranking experiments.\n\n"
                               "EDUCATION\nB.S. Computer Science, MIT, 2014 - 2018\n\n"
                               "SKILLS\npostgres, python, JS, Java, Golang\n";

START_TEST(spelling_variants_and_repeated_entries_stay_one_entity) {
  wfx f;
  wfx_init(&f, "merge", 1, NULL);
  char v1[37], v2[37];
  add_version(&f, "cv-1.txt", SPELLED_1, v1);
  wfx_worker *w = wfx_start(&f, "m2", NULL);
  wait_completed(&f, v1);
  const char *u = f.users[0];
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.work_experience WHERE user_id = '%s'", u), 1);
  ck_assert_int_eq(wfx_count(&f,
                             "SELECT count(*) FROM public.merge_decisions WHERE resume_version_id = '%s' "
                             "AND rule = 'duplicate_entry'",
                             v1),
                   2);

  add_version(&f, "cv-2.txt", SPELLED_2, v2);
  wait_completed(&f, v2);
  /* one entity per key, the first resume's spelling kept */
  ck_assert_int_eq(wfx_count(&f,
                             "SELECT count(*) FROM (SELECT public.skill_key(name) FROM public.skill "
                             "WHERE user_id = '%s' GROUP BY 1 HAVING count(DISTINCT logical_entity_id) > 1) d",
                             u),
                   0);
  ck_assert_int_eq(wfx_count(&f,
                             "SELECT count(*) FROM public.skill WHERE user_id = '%s' AND is_active "
                             "AND name IN ('PostgreSQL', 'Python', 'JavaScript', 'Java', 'Golang')",
                             u),
                   5);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.skill WHERE user_id = '%s'", u), 5);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.work_experience WHERE user_id = '%s'", u), 1);
  ck_assert_int_eq(wfx_count(&f, "SELECT count(*) FROM public.education WHERE user_id = '%s'", u), 1);
  ck_assert_int_eq(wfx_count(&f,
                             "SELECT count(*) FROM public.merge_decisions WHERE resume_version_id = '%s' "
                             "AND decision IN ('inserted', 'new_version')",
                             v2),
                   1);

  ck_assert_int_eq(wfx_stop(w, 15000), 0);
  wfx_done(&f);
}
END_TEST

int main(int argc, char **argv) {
  wfx_set_binary(argc, argv);
  Suite *s = suite_create("worker-merge");
  TCase *tc = tcase_create("merge");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, second_version_respects_hand_edits_corrections_and_removals);
  tcase_add_test(tc, spelling_variants_and_repeated_entries_stay_one_entity);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
