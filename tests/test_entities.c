/* Flattener (DESIGN.md paths) and document validator. */
#include <check.h>
#include <math.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careeros/entities.h"
#include "careeros/heuristic.h"

static json_t *sample_doc(void) {
  json_error_t e;
  json_t *d = json_loads(
      "{\"contact\": {\"name\": \"Ada Byron\", \"headline\": null, \"email\": \"ada@example.com\","
      "  \"phone\": \"+44 20 7946 0000\", \"location\": \"London, UK\","
      "  \"urls\": [\"github.com/ada\", \"https://ada.dev\"]},"
      " \"summary\": \"Engineer.\","
      " \"work_experience\": [{\"company\": \"Analytical Engines Ltd\", \"title\": \"Engineer\","
      "   \"location\": null, \"start_date\": \"2019-03\", \"end_date\": null, \"is_current\": true,"
      "   \"date_text\": \"Mar 2019 – Present\", \"description\": \"Built it\\nShipped it\","
      "   \"confidence\": 0.8},"
      "  {\"company\": \"Babbage & Co\", \"title\": \"Intern\", \"location\": \"London\","
      "   \"start_date\": \"2018\", \"end_date\": \"2018\", \"is_current\": false,"
      "   \"date_text\": \"2018\", \"description\": null}],"
      " \"education\": [{\"institution\": \"University of London\", \"degree\": \"BSc\","
      "   \"field_of_study\": \"Mathematics\", \"start_date\": \"2015\", \"end_date\": \"2018\","
      "   \"is_current\": false, \"date_text\": \"2015 – 2018\", \"gpa\": \"3.9/4.0\"}],"
      " \"skills\": [{\"name\": \"C\", \"category\": \"Programming Languages\","
      "   \"proficiency_level\": null, \"years_of_experience\": 7}],"
      " \"projects\": [{\"name\": \"Difference\", \"role\": null, \"url\": null,"
      "   \"start_date\": null, \"end_date\": null, \"is_current\": false, \"date_text\": null,"
      "   \"description\": [\"a\", \"b\"]}],"
      " \"certifications\": [{\"name\": \"CKA\", \"issuer\": \"CNCF\", \"date\": \"2022-05\"}],"
      " \"languages\": [{\"name\": \"English\", \"proficiency\": \"Native\"}]}",
      0, &e);
  ck_assert_msg(d != NULL, "fixture JSON: %s", e.text);
  return d;
}

static json_t *row(json_t *rows, const char *field) {
  size_t i;
  json_t *r;
  json_array_foreach(rows, i, r) if (strcmp(json_string_value(json_array_get(r, 0)), field) == 0) return r;
  return NULL;
}

static const char *raw(json_t *rows, const char *field) {
  json_t *r = row(rows, field);
  ck_assert_msg(r != NULL, "no row %s", field);
  return json_string_value(json_array_get(r, 1));
}

START_TEST(test_flatten_paths_and_values) {
  json_t *d = sample_doc(), *rows = NULL;
  ck_assert_int_eq(cw_entities_flatten(d, 0.6, &rows), 0);
  ck_assert_str_eq(raw(rows, "contact.name"), "Ada Byron");
  ck_assert_ptr_null(row(rows, "contact.headline")); /* null: no row */
  ck_assert_str_eq(raw(rows, "contact.urls.1"), "https://ada.dev");
  ck_assert_str_eq(raw(rows, "summary"), "Engineer.");
  ck_assert_str_eq(raw(rows, "work_experience.0.company"), "Analytical Engines Ltd");
  ck_assert_str_eq(raw(rows, "work_experience.0.is_current"), "true");
  ck_assert_str_eq(raw(rows, "work_experience.1.is_current"), "false");
  ck_assert_ptr_null(row(rows, "work_experience.0.end_date"));
  ck_assert_str_eq(raw(rows, "work_experience.1.location"), "London");
  ck_assert_str_eq(raw(rows, "education.0.gpa"), "3.9/4.0");
  ck_assert_str_eq(raw(rows, "skills.0.years_of_experience"), "7");
  ck_assert_str_eq(raw(rows, "projects.0.description"), "a\nb");
  ck_assert_str_eq(raw(rows, "certifications.0.date"), "2022-05");
  ck_assert_str_eq(raw(rows, "languages.0.proficiency"), "Native");
  ck_assert_ptr_null(row(rows, "work_experience.0.confidence"));
  json_decref(rows);
  json_decref(d);
}
END_TEST

START_TEST(test_entry_rows_hold_compact_json) {
  json_t *d = sample_doc(), *rows = NULL;
  ck_assert_int_eq(cw_entities_flatten(d, 0.6, &rows), 0);
  const char *entry = raw(rows, "work_experience.0");
  ck_assert_ptr_null(strchr(entry, '\n')); /* compact */
  json_t *back = json_loads(entry, 0, NULL);
  ck_assert_ptr_nonnull(back);
  /* every field of the section, in contract order, null where absent;
   * nothing else (the entry's confidence is the row's) */
  const char *keys[] = {"company", "title", "location", "start_date", "end_date",
                        "is_current", "date_text", "description"};
  ck_assert_uint_eq(json_object_size(back), 8);
  const char *k;
  json_t *v;
  size_t n = 0;
  json_object_foreach(back, k, v) ck_assert_str_eq(k, keys[n++]);
  ck_assert_str_eq(json_string_value(json_object_get(back, "company")), "Analytical Engines Ltd");
  ck_assert(json_is_null(json_object_get(back, "location")));
  ck_assert(json_is_null(json_object_get(back, "end_date")));
  ck_assert(json_is_true(json_object_get(back, "is_current")));
  json_decref(back);
  /* a description given as a list is one string there too */
  back = json_loads(raw(rows, "projects.0"), 0, NULL);
  ck_assert_ptr_nonnull(back);
  ck_assert_str_eq(json_string_value(json_object_get(back, "description")), "a\nb");
  ck_assert(json_is_false(json_object_get(back, "is_current")));
  ck_assert(json_is_null(json_object_get(back, "role")));
  json_decref(back);
  /* Entry rows come before their leaves, in document order. */
  size_t i_entry = 0, i_leaf = 0, i_second = 0, i;
  json_t *r;
  json_array_foreach(rows, i, r) {
    const char *f = json_string_value(json_array_get(r, 0));
    if (strcmp(f, "work_experience.0") == 0) i_entry = i;
    if (strcmp(f, "work_experience.0.company") == 0) i_leaf = i;
    if (strcmp(f, "work_experience.1") == 0) i_second = i;
  }
  ck_assert_uint_lt(i_entry, i_leaf);
  ck_assert_uint_lt(i_leaf, i_second);
  ck_assert_ptr_nonnull(row(rows, "skills.0"));
  ck_assert_ptr_nonnull(row(rows, "education.0"));
  json_decref(rows);
  json_decref(d);
}
END_TEST

START_TEST(test_no_rows_for_absent_values) {
  /* DESIGN.md: a field with no value gets no leaf row: null, missing, an
   * empty or blank string, a list without text.  false and 0 are values. */
  json_error_t e;
  json_t *d = json_loads(
      "{\"contact\": {\"name\": \"  \", \"email\": null, \"urls\": [\"\", \"https://a.dev\"]},"
      " \"summary\": \"\","
      " \"work_experience\": [{\"company\": \"Acme\", \"title\": \"Dev\", \"location\": \"\","
      "   \"is_current\": false, \"description\": [\" \", \"\"]}],"
      " \"education\": [], \"skills\": [{\"name\": \"C\", \"years_of_experience\": 0}],"
      " \"projects\": [], \"certifications\": [], \"languages\": []}",
      0, &e);
  ck_assert_msg(d != NULL, "fixture JSON: %s", e.text);
  json_t *rows = NULL;
  ck_assert_int_eq(cw_entities_flatten(d, 0.6, &rows), 0);
  const char *want[] = {"contact.urls.1", "work_experience.0", "work_experience.0.company",
                        "work_experience.0.title", "work_experience.0.is_current", "skills.0",
                        "skills.0.name", "skills.0.years_of_experience"};
  ck_assert_uint_eq(json_array_size(rows), sizeof want / sizeof *want);
  for (size_t i = 0; i < sizeof want / sizeof *want; i++)
    ck_assert_str_eq(json_string_value(json_array_get(json_array_get(rows, i), 0)), want[i]);
  ck_assert_str_eq(raw(rows, "work_experience.0.is_current"), "false");
  ck_assert_str_eq(raw(rows, "skills.0.years_of_experience"), "0");
  json_t *back = json_loads(raw(rows, "work_experience.0"), 0, NULL);
  ck_assert(json_is_null(json_object_get(back, "location")));
  ck_assert(json_is_null(json_object_get(back, "description")));
  json_decref(back);
  json_decref(rows);
  json_decref(d);
}
END_TEST

START_TEST(test_confidence_per_entry_in_three_decimals) {
  json_t *d = sample_doc(), *rows = NULL;
  ck_assert_int_eq(cw_entities_flatten(d, 0.6, &rows), 0);
  json_t *r = row(rows, "work_experience.0.title");
  ck_assert(json_real_value(json_array_get(r, 2)) > 0.79);
  ck_assert(json_real_value(json_array_get(r, 2)) < 0.81);
  r = row(rows, "work_experience.1.title");
  ck_assert(json_real_value(json_array_get(r, 2)) > 0.59);
  ck_assert(json_real_value(json_array_get(r, 2)) < 0.61);
  /* Every row is [field_name, raw_value, confidence] with three decimals. */
  size_t i;
  json_array_foreach(rows, i, r) {
    ck_assert_uint_eq(json_array_size(r), 3);
    double c = json_real_value(json_array_get(r, 2));
    ck_assert(c >= 0 && c <= 1);
    ck_assert(fabs(c * 1000 - round(c * 1000)) < 1e-6);
  }
  json_decref(rows);
  ck_assert_int_eq(cw_entities_flatten(d, 2.0 / 3.0, &rows), 0);
  ck_assert(fabs(json_real_value(json_array_get(row(rows, "work_experience.1.title"), 2)) - 0.667) < 1e-9);
  json_decref(rows);
  json_decref(d);
}
END_TEST

START_TEST(test_every_path_follows_the_design_grammar) {
  /* DESIGN.md paths, checked on the sample document and on a parsed one. */
  regex_t re;
  ck_assert_int_eq(regcomp(&re,
      "^(contact\\.(name|headline|email|phone|location|urls\\.[0-9]+)|summary|"
      "work_experience\\.[0-9]+(\\.(company|title|location|start_date|end_date|is_current|date_text|description))?|"
      "education\\.[0-9]+(\\.(institution|degree|field_of_study|start_date|end_date|is_current|date_text|gpa))?|"
      "skills\\.[0-9]+(\\.(name|category|proficiency_level|years_of_experience))?|"
      "projects\\.[0-9]+(\\.(name|role|url|start_date|end_date|is_current|date_text|description))?|"
      "certifications\\.[0-9]+(\\.(name|issuer|date))?|languages\\.[0-9]+(\\.(name|proficiency))?)$",
      REG_EXTENDED | REG_NOSUB), 0);
  cw_heuristic *h = NULL;
  ck_assert_int_eq(cw_heuristic_new(NULL, &h), 0);
  const char *text = "Ana Lima\nana@example.com | github.com/ana\n\nExperience\n"
                     "Engineer, Acme Inc   2019 - Present\n- Built it\n\nEducation\n"
                     "University of Porto, BSc Physics, 2018\n\nProjects\nOrbit (2020)\n\n"
                     "Skills\nGo, SQL\n\nCertifications\nCKA, CNCF, 2022\n\nLanguages\nPortuguese (native)\n";
  json_t *docs[2] = {sample_doc(), NULL};
  ck_assert_int_eq(cw_heuristic_parse(h, text, strlen(text), &docs[1]), 0);
  for (int k = 0; k < 2; k++) {
    json_t *rows = NULL;
    ck_assert_int_eq(cw_entities_flatten(docs[k], 0.6, &rows), 0);
    size_t i, n = 0;
    json_t *r;
    json_array_foreach(rows, i, r) {
      const char *f = json_string_value(json_array_get(r, 0));
      ck_assert_msg(regexec(&re, f, 0, NULL, 0) == 0, "path %s", f);
      n++;
    }
    ck_assert_uint_gt(n, 30);
    json_decref(rows);
    json_decref(docs[k]);
  }
  cw_heuristic_free(h);
  regfree(&re);
}
END_TEST

/* What the first enrich attempt sends is what a retry rebuilds from the
 * rows: entries are their entry rows' objects (section fields only, blanks
 * null, description lists joined), contact values without blanks. */
START_TEST(test_canonical_is_what_the_rows_say) {
  json_t *doc = json_loads(
      "{\"contact\": {\"name\": \"Ada\", \"email\": \" \", \"urls\": [\"https://a.example\", \"\"]},"
      " \"summary\": \"\", \"work_experience\": [{\"company\": \"X\", \"title\": \"\", \"confidence\": 0.9,"
      " \"description\": [\"a\", \"b\"], \"is_current\": true, \"_extra\": 1}], \"skills\": []}",
      0, NULL);
  ck_assert_ptr_nonnull(doc);
  json_t *c = cw_entities_canonical(doc);
  ck_assert_ptr_nonnull(c);
  char *got = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
  ck_assert_str_eq(got,
                   "{\"certifications\":[],\"contact\":{\"name\":\"Ada\",\"urls\":[\"https://a.example\"]},"
                   "\"education\":[],\"languages\":[],\"projects\":[],\"skills\":[],\"summary\":null,"
                   "\"work_experience\":[{\"company\":\"X\",\"date_text\":null,\"description\":\"a\\nb\","
                   "\"end_date\":null,\"is_current\":true,\"location\":null,\"start_date\":null,\"title\":null}]}");
  /* the entry object is the entry row's JSON */
  json_t *rows = NULL;
  ck_assert_int_eq(cw_entities_flatten(doc, 0.5, &rows), 0);
  size_t i;
  json_t *r;
  json_array_foreach(rows, i, r) {
    if (strcmp(json_string_value(json_array_get(r, 0)), "work_experience.0") != 0) continue;
    json_t *row = json_loads(json_string_value(json_array_get(r, 1)), 0, NULL);
    ck_assert(json_equal(row, json_array_get(json_object_get(c, "work_experience"), 0)));
    json_decref(row);
  }
  ck_assert_ptr_null(cw_entities_canonical(json_array_get(json_object_get(doc, "skills"), 0)));
  free(got);
  json_decref(rows);
  json_decref(c);
  json_decref(doc);
}
END_TEST

START_TEST(test_flatten_rejects_non_object) {
  json_t *rows = NULL, *a = json_array();
  ck_assert_int_eq(cw_entities_flatten(a, 0.5, &rows), -EINVAL);
  ck_assert_int_eq(cw_entities_flatten(NULL, 0.5, &rows), -EINVAL);
  json_decref(a);
}
END_TEST

START_TEST(test_validate_accepts_good) {
  json_t *d = sample_doc();
  char err[128];
  ck_assert_int_eq(cw_entities_validate_document(d, err, sizeof err), 0);
  json_decref(d);
}
END_TEST

/* Applies a mutation to a good document and expects a rejection naming path. */
static void expect_bad(const char *section, int idx, const char *key, json_t *value,
                       const char *want) {
  json_t *d = sample_doc();
  json_t *target = idx < 0 ? json_object_get(d, section)
                           : json_array_get(json_object_get(d, section), (size_t)idx);
  if (key) json_object_set_new(target ? target : d, key, value);
  else json_object_set_new(d, section, value);
  char err[160] = "";
  ck_assert_int_eq(cw_entities_validate_document(d, err, sizeof err), -EINVAL);
  ck_assert_msg(strstr(err, want) != NULL, "error '%s' lacks '%s'", err, want);
  json_decref(d);
}

START_TEST(test_validate_rejects_bad) {
  expect_bad("work_experience", 0, "start_date", json_string("March 2019"), "work_experience[0].start_date");
  expect_bad("work_experience", 0, "start_date", json_string("2019-13"), "start_date");
  expect_bad("work_experience", 1, "end_date", json_string("2018-1"), "end_date");
  expect_bad("work_experience", 0, "end_date", json_string("2020"), "is_current with an end_date");
  expect_bad("work_experience", 1, "is_current", json_string("no"), "not a boolean");
  expect_bad("work_experience", 0, "confidence", json_real(1.5), "confidence");
  expect_bad("work_experience", 1, "start_date", json_string("2019"), "start_date after end_date");
  expect_bad("education", 0, "institution", json_integer(3), "education[0].institution");
  expect_bad("skills", 0, "years_of_experience", json_string("7"), "years_of_experience");
  expect_bad("skills", 0, "name", json_null(), "skills[0].name");
  expect_bad("certifications", 0, "date", json_string("05/2022"), "certifications[0].date");
  expect_bad("contact", -1, "urls", json_string("x"), "contact.urls");
  expect_bad("contact", -1, "email", json_integer(1), "contact.email");
  expect_bad("languages", -1, NULL, json_object(), "languages");
  expect_bad("summary", -1, NULL, json_integer(5), "summary");
  expect_bad("work_experience", -1, NULL, json_string("x"), "work_experience");
}
END_TEST

START_TEST(test_partial_date) {
  ck_assert(cw_entities_is_partial_date("2020"));
  ck_assert(cw_entities_is_partial_date("2020-01"));
  ck_assert(cw_entities_is_partial_date("1999-12"));
  ck_assert(!cw_entities_is_partial_date("2020-00"));
  ck_assert(!cw_entities_is_partial_date("2020-1"));
  ck_assert(!cw_entities_is_partial_date("2020-01-05"));
  ck_assert(!cw_entities_is_partial_date("20"));
  ck_assert(!cw_entities_is_partial_date(""));
  ck_assert(!cw_entities_is_partial_date(NULL));
}
END_TEST

int main(void) {
  Suite *s = suite_create("entities");
  TCase *tc = tcase_create("entities");
  tcase_add_test(tc, test_flatten_paths_and_values);
  tcase_add_test(tc, test_entry_rows_hold_compact_json);
  tcase_add_test(tc, test_no_rows_for_absent_values);
  tcase_add_test(tc, test_confidence_per_entry_in_three_decimals);
  tcase_add_test(tc, test_every_path_follows_the_design_grammar);
  tcase_add_test(tc, test_canonical_is_what_the_rows_say);
  tcase_add_test(tc, test_flatten_rejects_non_object);
  tcase_add_test(tc, test_validate_accepts_good);
  tcase_add_test(tc, test_validate_rejects_bad);
  tcase_add_test(tc, test_partial_date);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
