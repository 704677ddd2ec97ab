/* The heuristic parser on fixture resumes (tests/fixtures/resumes/, written
 * for these tests, several layouts and languages) and on small inline texts. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careeros/entities.h"
#include "careeros/heuristic.h"
#include "careeros/skills.h"

static cw_skills *skills;
static cw_heuristic *h;

static const char *src_root(void) {
  const char *r = getenv("CW_SOURCE_ROOT");
  return r && *r ? r : ".";
}

static void setup(void) {
  char path[1024];
  snprintf(path, sizeof path, "%s/config/skills.ini", src_root());
  ck_assert_int_eq(cw_skills_load(path, &skills), 0);
  ck_assert_int_eq(cw_heuristic_new(skills, &h), 0);
}

static void teardown(void) {
  cw_heuristic_free(h);
  cw_skills_free(skills);
}

static char *read_fixture(const char *name, size_t *len) {
  char path[1024];
  snprintf(path, sizeof path, "%s/tests/fixtures/resumes/%s", src_root(), name);
  FILE *f = fopen(path, "rb");
  ck_assert_msg(f != NULL, "cannot open %s", path);
  char *buf = malloc(1 << 20);
  *len = fread(buf, 1, 1 << 20, f);
  fclose(f);
  return buf;
}

static json_t *parse_text(const char *text) {
  json_t *doc = NULL;
  ck_assert_int_eq(cw_heuristic_parse(h, text, strlen(text), &doc), 0);
  char err[160];
  ck_assert_msg(cw_entities_validate_document(doc, err, sizeof err) == 0, "invalid: %s", err);
  return doc;
}

static json_t *parse_fixture(const char *name) {
  size_t len;
  char *text = read_fixture(name, &len);
  json_t *doc = NULL;
  ck_assert_int_eq(cw_heuristic_parse(h, text, len, &doc), 0);
  free(text);
  char err[160];
  ck_assert_msg(cw_entities_validate_document(doc, err, sizeof err) == 0, "invalid: %s", err);
  return doc;
}

static const char *get(json_t *doc, const char *path) {
  json_t *v = doc;
  char buf[128];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *tok = strtok(buf, "."); tok && v; tok = strtok(NULL, ".")) {
    if (json_is_array(v)) v = json_array_get(v, (size_t)atoi(tok));
    else v = json_object_get(v, tok);
  }
  if (!v || json_is_null(v)) return NULL;
  if (json_is_true(v)) return "true";
  if (json_is_false(v)) return "false";
  return json_string_value(v);
}

#define ASSERT_FIELD(doc, path, want)                                                   \
  do {                                                                                  \
    const char *got_ = get(doc, path);                                                  \
    const char *want_ = (want);                                                         \
    if (want_ == NULL) ck_assert_msg(got_ == NULL, "%s: expected null, got '%s'", path, got_); \
    else ck_assert_msg(got_ && strcmp(got_, want_) == 0, "%s: expected '%s', got '%s'", path, \
                       want_, got_ ? got_ : "(null)");                                  \
  } while (0)

static size_t count(json_t *doc, const char *key) { return json_array_size(json_object_get(doc, key)); }

START_TEST(test_pipe_layout_company_title_place_dates) {
  json_t *d = parse_fixture("pipe_layout.txt");
  ASSERT_FIELD(d, "contact.name", "Maria Schmidt");
  ASSERT_FIELD(d, "contact.headline", "Senior Backend Engineer");
  ASSERT_FIELD(d, "contact.email", "maria.schmidt@example.org");
  ASSERT_FIELD(d, "contact.phone", "+49 30 12345678");
  ASSERT_FIELD(d, "contact.location", "Berlin, Germany");
  ASSERT_FIELD(d, "contact.urls.0", "linkedin.com/in/mariaschmidt");
  ASSERT_FIELD(d, "contact.urls.1", "github.com/mschmidt");
  ck_assert_uint_eq(count(d, "work_experience"), 3);
  ASSERT_FIELD(d, "work_experience.0.company", "Lieferfix GmbH");
  ASSERT_FIELD(d, "work_experience.0.title", "Senior Backend Engineer");
  ASSERT_FIELD(d, "work_experience.0.location", "Berlin");
  ASSERT_FIELD(d, "work_experience.0.start_date", "2021-03");
  ASSERT_FIELD(d, "work_experience.0.end_date", NULL);
  ASSERT_FIELD(d, "work_experience.0.is_current", "true");
  ASSERT_FIELD(d, "work_experience.0.date_text", "03/2021 - Present");
  ASSERT_FIELD(d, "work_experience.1.company", "Paymento AG");
  ASSERT_FIELD(d, "work_experience.1.end_date", "2021-02");
  ASSERT_FIELD(d, "work_experience.2.company", "Datenwerk");
  ASSERT_FIELD(d, "work_experience.2.title", "Working Student");
  ASSERT_FIELD(d, "work_experience.2.start_date", "2016");
  const char *desc = get(d, "work_experience.0.description");
  ck_assert_ptr_nonnull(desc);
  ck_assert_ptr_nonnull(strstr(desc, "Kubernetes, cutting deploy time by 70%.\nMentored four engineers."));
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.0.institution", "Technische Universität München");
  ASSERT_FIELD(d, "education.0.degree", "M.Sc.");
  ASSERT_FIELD(d, "education.0.field_of_study", "Informatics");
  ASSERT_FIELD(d, "education.1.degree", "B.Sc.");
  ASSERT_FIELD(d, "education.1.field_of_study", "Computer Science");
  ck_assert_uint_eq(count(d, "skills"), 9);
  ASSERT_FIELD(d, "skills.0.name", "Go");
  ASSERT_FIELD(d, "skills.0.category", "Languages");
  ASSERT_FIELD(d, "skills.8.name", "Redis");
  ck_assert_uint_eq(count(d, "languages"), 3);
  ASSERT_FIELD(d, "languages.1.name", "English");
  ASSERT_FIELD(d, "languages.1.proficiency", "C1");
  ck_assert_uint_eq(count(d, "certifications"), 2);
  ASSERT_FIELD(d, "certifications.0.issuer", "Cloud Native Computing Foundation");
  ASSERT_FIELD(d, "certifications.0.date", "2022");
  ASSERT_FIELD(d, "certifications.1.name", "AWS Certified Solutions Architect");
  ck_assert_ptr_nonnull(strstr(get(d, "summary"), "eight years"));
  json_decref(d);
}
END_TEST

START_TEST(test_markdown_title_and_company_on_separate_lines) {
  json_t *d = parse_fixture("markdown_lines.md");
  ASSERT_FIELD(d, "contact.name", "James O'Connor");
  ASSERT_FIELD(d, "contact.headline", "Product Designer");
  ASSERT_FIELD(d, "contact.location", "Dublin, Ireland");
  ASSERT_FIELD(d, "contact.phone", "+353 1 234 5678");
  ASSERT_FIELD(d, "contact.urls.0", "https://jamesoconnor.design");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.title", "Lead Product Designer");
  ASSERT_FIELD(d, "work_experience.0.company", "Brightwave Labs");
  ASSERT_FIELD(d, "work_experience.0.location", "Dublin, Ireland");
  ASSERT_FIELD(d, "work_experience.0.start_date", "2019-09");
  ASSERT_FIELD(d, "work_experience.0.is_current", "true");
  ASSERT_FIELD(d, "work_experience.1.company", "Kilnfield Studio");
  ASSERT_FIELD(d, "work_experience.1.start_date", "2017"); /* season: year precision */
  ASSERT_FIELD(d, "work_experience.1.end_date", "2019-08");
  ASSERT_FIELD(d, "education.0.institution", "National College of Art and Design");
  ASSERT_FIELD(d, "education.0.degree", "BA");
  ASSERT_FIELD(d, "education.0.field_of_study", "Visual Communication");
  ck_assert_uint_eq(count(d, "skills"), 5);
  ASSERT_FIELD(d, "skills.0.name", "Figma");
  ASSERT_FIELD(d, "skills.0.category", "Tools");
  ASSERT_FIELD(d, "languages.1.name", "Irish");
  ASSERT_FIELD(d, "languages.1.proficiency", "Conversational");
  json_decref(d);
}
END_TEST

START_TEST(test_german_cv_dates_left_and_seit) {
  json_t *d = parse_fixture("german_cv.txt");
  ASSERT_FIELD(d, "contact.name", "Jonas Weber");
  ASSERT_FIELD(d, "contact.email", "jonas.weber@example.de");
  ASSERT_FIELD(d, "contact.phone", "+49 151 23456789");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.title", "Softwareentwickler");
  ASSERT_FIELD(d, "work_experience.0.company", "Nordlicht Software GmbH");
  ASSERT_FIELD(d, "work_experience.0.location", "Hamburg");
  ASSERT_FIELD(d, "work_experience.0.start_date", "2020-04");
  ASSERT_FIELD(d, "work_experience.0.is_current", "true");
  ASSERT_FIELD(d, "work_experience.0.date_text", "seit 04/2020");
  ASSERT_FIELD(d, "work_experience.1.company", "Hansa Logistik AG");
  ASSERT_FIELD(d, "work_experience.1.end_date", "2020-03");
  ASSERT_FIELD(d, "education.0.institution", "Universität Bremen");
  ASSERT_FIELD(d, "education.0.degree", "Bachelor of Science");
  ASSERT_FIELD(d, "education.0.field_of_study", "Informatik");
  ck_assert_uint_eq(count(d, "skills"), 5);
  ASSERT_FIELD(d, "languages.0.name", "Deutsch");
  ASSERT_FIELD(d, "languages.0.proficiency", "Muttersprache");
  json_decref(d);
}
END_TEST

START_TEST(test_title_at_company_expected_and_short_year) {
  json_t *d = parse_fixture("title_at_company.txt");
  ASSERT_FIELD(d, "contact.name", "Priya Nair"); /* title-cased from capitals */
  ASSERT_FIELD(d, "contact.headline", "Data Scientist");
  ASSERT_FIELD(d, "contact.phone", "+91 98765 43210");
  ASSERT_FIELD(d, "work_experience.0.title", "Data Scientist");
  ASSERT_FIELD(d, "work_experience.0.company", "Quantifyr Analytics");
  ASSERT_FIELD(d, "work_experience.0.date_text", "2019 to date");
  ASSERT_FIELD(d, "work_experience.0.is_current", "true");
  ASSERT_FIELD(d, "work_experience.1.title", "Analyst");
  ASSERT_FIELD(d, "work_experience.1.company", "Meridian Bank");
  ASSERT_FIELD(d, "work_experience.1.start_date", "2018");
  ASSERT_FIELD(d, "work_experience.1.end_date", "2020");
  ASSERT_FIELD(d, "education.0.institution", "Indian Institute of Science");
  ASSERT_FIELD(d, "education.0.start_date", NULL);
  ASSERT_FIELD(d, "education.0.end_date", "2025-05");
  ASSERT_FIELD(d, "education.0.is_current", "false");
  ASSERT_FIELD(d, "education.1.institution", "Anna University");
  ASSERT_FIELD(d, "skills.0.name", "Python");
  json_t *years = json_object_get(json_array_get(json_object_get(d, "skills"), 0), "years_of_experience");
  ck_assert_int_eq(json_integer_value(years), 5);
  ASSERT_FIELD(d, "certifications.0.issuer", "Google");
  ASSERT_FIELD(d, "certifications.0.date", "2021");
  json_decref(d);
  d = parse_text("Certifications\nAWS Solutions Architect (2021) - Amazon Web Services\nCKA, CNCF, 2022\n");
  ASSERT_FIELD(d, "certifications.0.name", "AWS Solutions Architect");
  ASSERT_FIELD(d, "certifications.0.issuer", "Amazon Web Services");
  ASSERT_FIELD(d, "certifications.0.date", "2021");
  ASSERT_FIELD(d, "certifications.1.name", "CKA");
  ASSERT_FIELD(d, "certifications.1.issuer", "CNCF");
  json_decref(d);
}
END_TEST

START_TEST(test_french_headings_and_months) {
  json_t *d = parse_fixture("french_cv.txt");
  ASSERT_FIELD(d, "contact.name", "Camille Dubois");
  ASSERT_FIELD(d, "contact.location", "Lyon, France");
  ASSERT_FIELD(d, "contact.phone", "+33 6 12 34 56 78");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Agence Pixelia");
  ASSERT_FIELD(d, "work_experience.0.title", "Cheffe de projet");
  ASSERT_FIELD(d, "work_experience.0.start_date", "2020-01");
  ASSERT_FIELD(d, "work_experience.0.is_current", "true");
  ASSERT_FIELD(d, "work_experience.1.company", "Mairie de Villeurbanne");
  ASSERT_FIELD(d, "work_experience.1.end_date", "2019-12");
  ASSERT_FIELD(d, "education.0.institution", "Université Lumière Lyon 2");
  ASSERT_FIELD(d, "education.0.degree", "Master");
  ck_assert_uint_eq(count(d, "languages"), 3);
  ASSERT_FIELD(d, "languages.2.proficiency", "intermédiaire");
  json_decref(d);
}
END_TEST

START_TEST(test_linkedin_roles_under_one_company) {
  json_t *d = parse_fixture("linkedin_export.txt");
  ASSERT_FIELD(d, "contact.name", "Samuel Berg");
  ASSERT_FIELD(d, "contact.headline", "Engineering Manager at Polar Systems");
  ASSERT_FIELD(d, "contact.urls.0", "www.linkedin.com/in/samuel-berg");
  ck_assert_uint_eq(count(d, "work_experience"), 3);
  ASSERT_FIELD(d, "work_experience.0.company", "Polar Systems");
  ASSERT_FIELD(d, "work_experience.0.title", "Engineering Manager");
  ASSERT_FIELD(d, "work_experience.0.location", "Oslo, Norway");
  ASSERT_FIELD(d, "work_experience.0.date_text", "January 2021 - Present");
  ASSERT_FIELD(d, "work_experience.0.description", "Managing two platform teams.");
  ASSERT_FIELD(d, "work_experience.1.company", "Polar Systems"); /* inherited */
  ASSERT_FIELD(d, "work_experience.1.title", "Senior Software Engineer");
  ASSERT_FIELD(d, "work_experience.1.end_date", "2020-12");
  ASSERT_FIELD(d, "work_experience.2.company", "Fjord Bank");
  ASSERT_FIELD(d, "work_experience.2.location", "Bergen, Norway");
  ASSERT_FIELD(d, "education.0.degree", "Master of Science");
  ASSERT_FIELD(d, "education.0.field_of_study", "Computer Science");
  ASSERT_FIELD(d, "education.0.start_date", "2009");
  json_decref(d);
}
END_TEST

START_TEST(test_roles_without_descriptions_split_at_second_date) {
  json_t *d = parse_text("Experience\nNorthbeam\nData Analyst\nMay 2020 - Present\n"
                         "Oslo, Norway\nFjord Bank\nJunior Analyst\n2018 - 2020\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Northbeam");
  ASSERT_FIELD(d, "work_experience.0.location", "Oslo, Norway");
  ASSERT_FIELD(d, "work_experience.1.company", "Fjord Bank");
  ASSERT_FIELD(d, "work_experience.1.title", "Junior Analyst");
  ASSERT_FIELD(d, "work_experience.1.start_date", "2018");
  json_decref(d);
}
END_TEST

START_TEST(test_title_only_role_keeps_no_employer) {
  /* Only a company written on a line of its own is carried over to the
   * roles below it; a freelance role after "Title, Company" has none. */
  json_t *d = parse_text("Experience\nSoftware Engineer, Acme Inc     2019 - 2021\n- Built things.\n"
                         "Freelance Web Developer     2017 - 2019\n- Sites.\n\n"
                         "Technical Proficiencies\nPython, Go\n\nEducation History\n"
                         "University of Leeds, BA History, 2016\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.1.title", "Freelance Web Developer");
  ASSERT_FIELD(d, "work_experience.1.company", NULL);
  ASSERT_FIELD(d, "skills.1.name", "Go");
  ASSERT_FIELD(d, "education.0.institution", "University of Leeds");
  ASSERT_FIELD(d, "education.0.end_date", "2016");
  json_decref(d);
}
END_TEST

START_TEST(test_place_and_dates_after_bullets_reading_order) {
  /* A two-column PDF read in text order: bullets first, then the right
   * column (place, dates, duration); bullets wrapped at the page width. */
  json_t *d = parse_text(
      "Education\nBS\n\nRiverside University, Physics\n\xe2\x80\xa2 Thesis on optics\n\n"
      "Leeds, UK\nSept 2012 \xe2\x80\x93 June 2016\n\nExperience\n"
      "Harbor Labs, Research Engineer\n"
      "\xe2\x80\xa2 Raised funding for the photonics programme together with partners from Asian\n"
      "Markets\n\xe2\x80\xa2 Built the lab's data pipeline\n\nBristol, UK\nJuly 2016 \xe2\x80\x93 present\n"
      "8 years 2 months\n\nQuarry Optics, Intern\n\xe2\x80\xa2 Calibrated lenses\n\n"
      "Bath, UK\nJune 2015 \xe2\x80\x93 Aug 2015\n3 months\n");
  ck_assert_uint_eq(count(d, "education"), 1);
  ASSERT_FIELD(d, "education.0.institution", "Riverside University");
  ASSERT_FIELD(d, "education.0.degree", "BS");
  ASSERT_FIELD(d, "education.0.end_date", "2016-06");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Harbor Labs");
  ASSERT_FIELD(d, "work_experience.0.location", "Bristol, UK");
  ASSERT_FIELD(d, "work_experience.0.start_date", "2016-07");
  ASSERT_FIELD(d, "work_experience.0.is_current", "true");
  ck_assert_ptr_nonnull(strstr(get(d, "work_experience.0.description"), "from Asian Markets\n"));
  ASSERT_FIELD(d, "work_experience.1.company", "Quarry Optics");
  ASSERT_FIELD(d, "work_experience.1.end_date", "2015-08");
  json_decref(d);
}
END_TEST

START_TEST(test_caps_employer_with_several_roles) {
  json_t *d = parse_fixture("classic_us.txt");
  ASSERT_FIELD(d, "contact.name", "John Smith");
  ASSERT_FIELD(d, "contact.phone", "(217) 555-0134");
  ck_assert_uint_eq(count(d, "work_experience"), 3);
  ASSERT_FIELD(d, "work_experience.0.company", "ACME CORPORATION");
  ASSERT_FIELD(d, "work_experience.0.location", "Springfield, IL");
  ASSERT_FIELD(d, "work_experience.0.title", "Senior Accountant");
  ASSERT_FIELD(d, "work_experience.1.company", "ACME CORPORATION");
  ASSERT_FIELD(d, "work_experience.1.title", "Staff Accountant");
  ASSERT_FIELD(d, "work_experience.1.start_date", "2015-07");
  /* An ALL-CAPS employer on a line of its own is not a section heading. */
  ASSERT_FIELD(d, "work_experience.2.company", "BETA INDUSTRIES");
  ASSERT_FIELD(d, "work_experience.2.location", "Chicago, IL");
  ASSERT_FIELD(d, "work_experience.2.start_date", "2014");
  ASSERT_FIELD(d, "education.0.institution", "University of Illinois at Urbana-Champaign");
  ASSERT_FIELD(d, "education.0.degree", "Bachelor of Science");
  ASSERT_FIELD(d, "education.0.field_of_study", "Accounting");
  ASSERT_FIELD(d, "education.0.end_date", "2015-05");
  ASSERT_FIELD(d, "certifications.0.name", "Certified Public Accountant (CPA)");
  json_decref(d);
}
END_TEST

START_TEST(test_skills_written_as_sentences) {
  json_t *d = parse_text("Skills\nProficient in Python and SQL; experienced with AWS.\n"
                         "Neural architecture search, Public Speaking\n");
  ck_assert_uint_eq(count(d, "skills"), 5);
  ASSERT_FIELD(d, "skills.0.name", "Python");
  ASSERT_FIELD(d, "skills.2.name", "AWS");
  ASSERT_FIELD(d, "skills.2.category", "Cloud & DevOps");
  ASSERT_FIELD(d, "skills.3.name", "Neural architecture search");
  json_decref(d);
}
END_TEST

START_TEST(test_dictionary_scan_skips_ordinary_words) {
  /* No skills section: dictionary skills found in running text, but words
   * such as "Spring", "excel" or "Go" are only taken from a skills list. */
  json_t *d = parse_text("Experience\nData Analyst, Northbeam    2019 - 2021\n"
                         "- In Spring 2020 I built Python and PostgreSQL reports; we excel at Go-to-market.\n");
  bool python = false, pg = false, bad = false;
  size_t i;
  json_t *s;
  json_array_foreach(json_object_get(d, "skills"), i, s) {
    const char *n = json_string_value(json_object_get(s, "name"));
    python |= strcmp(n, "Python") == 0;
    pg |= strcmp(n, "PostgreSQL") == 0;
    bad |= strcmp(n, "Spring") == 0 || strcmp(n, "Excel") == 0 || strcmp(n, "Go") == 0;
  }
  ck_assert(python && pg);
  ck_assert(!bad);
  json_decref(d);
}
END_TEST

START_TEST(test_academic_positions_and_inline_markup) {
  json_t *d = parse_fixture("academic_positions.txt");
  ASSERT_FIELD(d, "contact.name", "Dr. Hana Kim");
  ck_assert_uint_eq(count(d, "work_experience"), 4);
  /* The university, not its department, is the employer. */
  ASSERT_FIELD(d, "work_experience.0.company", "Seoul Science University");
  ASSERT_FIELD(d, "work_experience.0.title", "Assistant Professor");
  ASSERT_FIELD(d, "work_experience.0.is_current", "true");
  ASSERT_FIELD(d, "work_experience.1.company", "Max Planck Institute for Quantum Optics");
  ASSERT_FIELD(d, "work_experience.1.location", "Garching");
  ASSERT_FIELD(d, "work_experience.2.company", "Lumen Devices");
  ASSERT_FIELD(d, "work_experience.2.title", "Optics Consultant");
  ASSERT_FIELD(d, "work_experience.3.company", "Hanbit Photonics");
  ASSERT_FIELD(d, "work_experience.3.start_date", "2012");
  ASSERT_FIELD(d, "education.0.institution", "KAIST");
  ASSERT_FIELD(d, "education.0.degree", "Ph.D.");
  ASSERT_FIELD(d, "education.1.institution", "Yonsei University");
  json_decref(d);
}
END_TEST

START_TEST(test_latex_rows_title_date_then_org_place) {
  /* The common LaTeX layout: "Title        Dates" / "Organisation    City, ST". */
  json_t *d = parse_fixture("latex_two_column_rows.txt");
  ASSERT_FIELD(d, "contact.name", "Jake Ryan");
  ASSERT_FIELD(d, "contact.phone", "123-456-7890");
  ASSERT_FIELD(d, "contact.urls.1", "github.com/jake");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.0.institution", "Southwestern University");
  ASSERT_FIELD(d, "education.0.degree", "Bachelor of Arts");
  ASSERT_FIELD(d, "education.0.start_date", "2018-08");
  ASSERT_FIELD(d, "education.1.institution", "Blinn College");
  ASSERT_FIELD(d, "education.1.field_of_study", "Liberal Arts");
  ASSERT_FIELD(d, "education.1.end_date", "2018-05");
  ck_assert_uint_eq(count(d, "work_experience"), 3);
  ASSERT_FIELD(d, "work_experience.0.company", "Texas A&M University");
  ASSERT_FIELD(d, "work_experience.0.title", "Undergraduate Research Assistant");
  ASSERT_FIELD(d, "work_experience.0.location", "College Station, TX");
  ASSERT_FIELD(d, "work_experience.2.title", "Artificial Intelligence Research Assistant");
  ASSERT_FIELD(d, "work_experience.2.end_date", "2019-07");
  ck_assert_uint_eq(count(d, "projects"), 2);
  ASSERT_FIELD(d, "projects.0.name", "Gitlytics");
  ASSERT_FIELD(d, "projects.0.is_current", "true");
  ck_assert_ptr_nonnull(strstr(get(d, "projects.0.description"), "Python, Flask, React, PostgreSQL, Docker\n"));
  ck_assert_uint_eq(count(d, "skills"), 26);
  json_decref(d);
}
END_TEST

START_TEST(test_skills_category_line_wrapped) {
  json_t *d = parse_text("Skills\nLanguages: Python, C++\nResearch Areas: model compression, efficient inference,\n"
                         "multi-agent RL\nTools (daily): Git, Vim\n");
  ck_assert_uint_eq(count(d, "skills"), 7);
  ASSERT_FIELD(d, "skills.4.name", "multi-agent RL");
  ASSERT_FIELD(d, "skills.4.category", "Research Areas");
  ASSERT_FIELD(d, "skills.5.name", "Git");
  ASSERT_FIELD(d, "skills.5.category", "Tools");
  ASSERT_FIELD(d, "skills.5.proficiency_level", "daily");
  ck_assert_uint_eq(count(d, "languages"), 0); /* "Languages:" here is programming languages */
  json_decref(d);
}
END_TEST

START_TEST(test_date_first_pipes_and_degree_abbreviations) {
  json_t *d = parse_fixture("date_first_pipes.txt");
  ASSERT_FIELD(d, "contact.phone", "+81 90-1234-5678");
  ASSERT_FIELD(d, "work_experience.0.company", "Sakura Commerce K.K.");
  ASSERT_FIELD(d, "work_experience.0.title", "Backend Engineer");
  ASSERT_FIELD(d, "work_experience.0.is_current", "true");
  ASSERT_FIELD(d, "work_experience.1.company", "Hikari Games Inc.");
  ASSERT_FIELD(d, "education.0.institution", "Keio University");
  ASSERT_FIELD(d, "education.0.degree", "Master of Science");
  ASSERT_FIELD(d, "education.0.field_of_study", "Computer Science");
  ASSERT_FIELD(d, "education.0.end_date", "2016");
  ASSERT_FIELD(d, "education.1.degree", "B.Eng.");
  ASSERT_FIELD(d, "education.1.field_of_study", "Information Engineering");
  ck_assert_uint_eq(count(d, "skills"), 5);
  ASSERT_FIELD(d, "skills.2.name", "C#");
  json_decref(d);
}
END_TEST

/* A narrow education column: a school name cut after "de" or before its
 * school word, "at School" on its own line, "Degree - School, City". */
START_TEST(test_narrow_education_column_wraps) {
  json_t *d = parse_fixture("narrow_education_column.txt");
  ck_assert_uint_eq(count(d, "education"), 4);
  ASSERT_FIELD(d, "education.0.institution", "Instituto Superior de Agronomia");
  ASSERT_FIELD(d, "education.0.degree", "Master of Science");
  ASSERT_FIELD(d, "education.0.field_of_study", "Applied Statistics");
  ASSERT_FIELD(d, "education.1.institution", "Riverbend University, Lagos, Nigeria");
  ASSERT_FIELD(d, "education.1.degree", "Bachelor of Arts");
  ASSERT_FIELD(d, "education.2.institution", "Northfield State Technical College");
  ASSERT_FIELD(d, "education.3.institution", "Escola Secundária de Camões");
  json_decref(d);
}
END_TEST

/* "Role, Organisation" above the dates and a sentence under them: the
 * sentence opens the description, it names neither. */
START_TEST(test_sentence_under_dates_is_description) {
  json_t *d = parse_fixture("sentence_under_dates.txt");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.title", "Proprietor");
  ASSERT_FIELD(d, "work_experience.0.company", "Harbourline Studio");
  ASSERT_FIELD(d, "work_experience.0.start_date", "2016-05");
  ASSERT_FIELD(d, "work_experience.1.title", "Shift Supervisor");
  ASSERT_FIELD(d, "work_experience.1.company", "Quayside Freight");
  json_decref(d);
}
END_TEST

/* "Role, Organisation" cut by the column width: the organisation's last
 * word on the next line still belongs to it. */
START_TEST(test_organisation_cut_by_column) {
  json_t *d = parse_fixture("org_cut_by_column.txt");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.title", "Senior Regional Coordinator for Volunteer Programmes");
  ASSERT_FIELD(d, "work_experience.0.company", "Lisbon Maritime Heritage Foundation");
  ASSERT_FIELD(d, "work_experience.1.company", "Atlantic Coastal Trust");
  json_decref(d);
}
END_TEST

/* "Company ∙ link" and "Company ⋅ Place": any middle dot separates; "Degree
 * at School" in education. */
START_TEST(test_dot_separators_and_degree_at_school) {
  json_t *d = parse_fixture("dot_separators.txt");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Harbor Analytics");
  ASSERT_FIELD(d, "work_experience.0.title", "Lead Data Engineer");
  ASSERT_FIELD(d, "work_experience.1.company", "Kestrel Games");
  ASSERT_FIELD(d, "work_experience.1.title", "Backend Developer");
  ASSERT_FIELD(d, "education.0.institution", "Northgate Polytechnic Institute");
  ASSERT_FIELD(d, "education.0.degree", "Master of Science");
  json_decref(d);
}
END_TEST

/* A link line between organisation and role is neither; a bullet that
 * stops on a comma goes on below, and that line opens no entry. */
START_TEST(test_link_lines_and_comma_bullets) {
  json_t *d = parse_fixture("links_and_comma_bullets.txt");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Quillwork");
  ASSERT_FIELD(d, "work_experience.0.title", "Platform Engineer");
  ASSERT_FIELD(d, "work_experience.1.company", "Ferrowind");
  ASSERT_FIELD(d, "work_experience.1.title", "Stagehand");
  json_decref(d);
}
END_TEST

/* A narrow sidebar prints the given name and the family name on two
 * lines. */
START_TEST(test_name_over_two_lines) {
  json_t *d = parse_fixture("name_over_two_lines.txt");
  ASSERT_FIELD(d, "contact.name", "Marguerite Okafor-Lindqvist");
  ASSERT_FIELD(d, "contact.headline", "Field Epidemiologist");
  ASSERT_FIELD(d, "contact.email", "m.okafor@example.org");
  json_decref(d);
}
END_TEST

START_TEST(test_title_then_company_place_dates_line) {
  json_t *d = parse_fixture("title_then_company_line.txt");
  ASSERT_FIELD(d, "contact.name", "Olivia Martin");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.title", "Marketing Director");
  ASSERT_FIELD(d, "work_experience.0.company", "Greenleaf Foods");
  ASSERT_FIELD(d, "work_experience.0.location", "Chicago, IL");
  ASSERT_FIELD(d, "work_experience.0.start_date", "2019-01");
  ASSERT_FIELD(d, "work_experience.0.end_date", "2024-03");
  ASSERT_FIELD(d, "work_experience.1.title", "Senior Brand Manager");
  /* the school and its part, as on a line without a degree */
  ASSERT_FIELD(d, "education.0.institution", "Northwestern University, Kellogg School of Management");
  ASSERT_FIELD(d, "education.0.degree", "MBA");
  ASSERT_FIELD(d, "education.1.field_of_study", "Communications");
  json_decref(d);
}
END_TEST

START_TEST(test_spanish_cv_accented_capital_headings) {
  json_t *d = parse_fixture("spanish_cv.txt");
  ASSERT_FIELD(d, "contact.name", "Lucía Fernández García");
  ASSERT_FIELD(d, "contact.headline", "Ingeniera de Software");
  ASSERT_FIELD(d, "contact.location", "Madrid, España");
  ASSERT_FIELD(d, "contact.phone", "+34 612 345 678");
  ck_assert_ptr_nonnull(get(d, "summary"));
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Pagos Rápidos S.L.");
  ASSERT_FIELD(d, "work_experience.0.title", "Ingeniera de Software Senior");
  ASSERT_FIELD(d, "work_experience.0.location", "Madrid");
  ASSERT_FIELD(d, "work_experience.0.start_date", "2021-01");
  ASSERT_FIELD(d, "work_experience.0.is_current", "true");
  ASSERT_FIELD(d, "work_experience.1.company", "Tienda Sol S.A.");
  ASSERT_FIELD(d, "work_experience.1.start_date", "2017-09");
  ASSERT_FIELD(d, "work_experience.1.end_date", "2020-12");
  ck_assert_uint_eq(count(d, "education"), 1); /* "FORMACIÓN ACADÉMICA" */
  ASSERT_FIELD(d, "education.0.institution", "Universidad Politécnica de Madrid");
  ASSERT_FIELD(d, "education.0.degree", "Grado");
  ck_assert_uint_eq(count(d, "skills"), 5);
  ck_assert_uint_eq(count(d, "languages"), 3);
  ASSERT_FIELD(d, "languages.1.name", "Inglés");
  json_decref(d);
}
END_TEST

START_TEST(test_date_column_on_first_bullet) {
  /* Date and duration in a right-hand column on the bullet lines. */
  json_t *d = parse_text(
      "Ana Lima\nana@example.com\n\nExperience\n"
      "Orbital Freight, Platform Engineer                          Lisbon, Portugal\n"
      " • Ran the Kafka clusters for 40 services                    Feb 2020 – present\n"
      "   and their schema registry                                  5 years 1 month\n"
      " • On-call lead\n\n"
      "Tagus Bank, Junior Developer                                 Porto, Portugal\n"
      " • Wrote COBOL batch jobs                                     Sep 2017 – Jan 2020\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Orbital Freight");
  ASSERT_FIELD(d, "work_experience.0.title", "Platform Engineer");
  ASSERT_FIELD(d, "work_experience.0.location", "Lisbon, Portugal");
  ASSERT_FIELD(d, "work_experience.0.start_date", "2020-02");
  ASSERT_FIELD(d, "work_experience.0.is_current", "true");
  ASSERT_FIELD(d, "work_experience.0.description",
               "Ran the Kafka clusters for 40 services and their schema registry\nOn-call lead");
  ASSERT_FIELD(d, "work_experience.1.company", "Tagus Bank");
  ASSERT_FIELD(d, "work_experience.1.end_date", "2020-01");
  /* No skills section: the dictionary finds them in the text. */
  bool kafka = false, cobol = false;
  size_t i;
  json_t *s;
  json_array_foreach(json_object_get(d, "skills"), i, s) {
    kafka |= strcmp(json_string_value(json_object_get(s, "name")), "Kafka") == 0;
    cobol |= strcmp(json_string_value(json_object_get(s, "name")), "COBOL") == 0;
  }
  ck_assert(kafka && cobol);
  json_decref(d);
}
END_TEST

START_TEST(test_no_invented_employer) {
  /* Companies named in the summary or references are not work entries, and
   * every company reported occurs in the text. */
  const char *text =
      "Sam Reed\nsam@example.com\n\nSummary\nBefore Initech I consulted for Globex Corporation "
      "and Umbrella Ltd on several data projects over the years.\n\nExperience\n"
      "Software Engineer, Initech Inc – Austin, TX     2019 – 2023\n- Built TPS reports.\n\n"
      "References\nBill Lumbergh, Vice President, Initrode\n";
  json_t *d = parse_text(text);
  ck_assert_uint_eq(count(d, "work_experience"), 1);
  ASSERT_FIELD(d, "work_experience.0.company", "Initech Inc");
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(d, "work_experience"), i, e) {
    const char *c = json_string_value(json_object_get(e, "company"));
    ck_assert(!c || strstr(text, c));
  }
  json_decref(d);
}
END_TEST

START_TEST(test_volunteer_not_work_and_headings_variants) {
  json_t *d = parse_text(
      "Lee Park\n\nPROFESSIONAL EXPERIENCE:\nTeacher, Hillside School    2015 - 2020\n\n"
      "Volunteer Experience\nCoach, Riverside Youth Club    2012 - 2014\n\n"
      "Academic Background\nUniversity of Leeds — BA History    2011 - 2014\n");
  ck_assert_uint_eq(count(d, "work_experience"), 1);
  ASSERT_FIELD(d, "work_experience.0.company", "Hillside School");
  ASSERT_FIELD(d, "work_experience.0.title", "Teacher");
  ck_assert_uint_eq(count(d, "education"), 1);
  ASSERT_FIELD(d, "education.0.institution", "University of Leeds");
  ASSERT_FIELD(d, "education.0.field_of_study", "History");
  json_decref(d);
}
END_TEST

START_TEST(test_contacts_international_and_invisible_chars) {
  json_t *d = parse_text("Zoë Tan\xe2\x80\x8b\nPhone: +65 6123 4567\xe2\x80\x8b\n"
                         "Email: zoe.tan@example.sg\xe2\x80\x8b\nLocation: Singapore\n"
                         "https://www.linkedin.com/in/zoetan | https://github.com/zoetan\n\nSkills\n"
                         "\xe2\x97\x8f\xe2\x80\x8b Public Speaking\n\xe2\x97\x8f\xe2\x80\x8b Negotiation\n");
  ASSERT_FIELD(d, "contact.name", "Zoë Tan");
  ASSERT_FIELD(d, "contact.phone", "+65 6123 4567");
  ASSERT_FIELD(d, "contact.email", "zoe.tan@example.sg");
  ASSERT_FIELD(d, "contact.location", "Singapore");
  ASSERT_FIELD(d, "contact.urls.0", "https://www.linkedin.com/in/zoetan");
  ASSERT_FIELD(d, "contact.urls.1", "https://github.com/zoetan");
  ASSERT_FIELD(d, "skills.0.name", "Public Speaking");
  ASSERT_FIELD(d, "skills.1.name", "Negotiation");
  json_decref(d);
}
END_TEST

START_TEST(test_inline_and_letter_spaced_headings) {
  json_t *d = parse_text("Ana Ruiz\nana@example.com\n\nE X P E R I E N C E\nEngineer, Acme Inc   2019 - 2021\n"
                         "- Built it.\n\nEducation\nUniversity of Leeds, BA History, 2016\n"
                         "Skills: Python, SQL, Docker\nLanguages: Spanish (native), English (C2)\n");
  ASSERT_FIELD(d, "work_experience.0.company", "Acme Inc");
  ck_assert_uint_eq(count(d, "education"), 1);
  ck_assert_uint_eq(count(d, "skills"), 3);
  ASSERT_FIELD(d, "skills.2.name", "Docker");
  ck_assert_uint_eq(count(d, "languages"), 2);
  ASSERT_FIELD(d, "languages.0.name", "Spanish");
  ASSERT_FIELD(d, "languages.1.proficiency", "C2");
  json_decref(d);
  /* Inside a skills section "Languages:" is spoken only when it lists
   * spoken languages; the skills section goes on after it. */
  d = parse_text("Skills\nLanguages: English, German\nTools: Git, Vim\n");
  ck_assert_uint_eq(count(d, "languages"), 2);
  ck_assert_uint_eq(count(d, "skills"), 2);
  ASSERT_FIELD(d, "skills.0.name", "Git");
  ASSERT_FIELD(d, "skills.0.category", "Tools");
  json_decref(d);
}
END_TEST

START_TEST(test_job_title_above_the_name) {
  json_t *d = parse_text("SOFTWARE ENGINEER\nJane Doe\njane@example.com\n\nExperience\n"
                         "Engineer, Acme Inc  2019 - 2020\n");
  ASSERT_FIELD(d, "contact.name", "Jane Doe");
  ASSERT_FIELD(d, "contact.headline", "SOFTWARE ENGINEER");
  json_decref(d);
  /* A surname that is also a job word is still a name when nothing else is. */
  d = parse_text("Anna Baker\nanna@example.com\n\nSkills\nBaking\n");
  ASSERT_FIELD(d, "contact.name", "Anna Baker");
  json_decref(d);
}
END_TEST

START_TEST(test_phone_formats) {
  static const char *const ok[][2] = {
      {"+1-415-555-0100", "+1-415-555-0100"}, {"415.555.0100", "415.555.0100"},
      {"+49 (0) 30 1234567", "+49 (0) 30 1234567"}, {"0151 2345 6789", "0151 2345 6789"},
      {"+971 50 123 4567", "+971 50 123 4567"}, {"Tel.: 030/1234567", "030/1234567"},
      {"+44 (0)20 7946 0958", "+44 (0)20 7946 0958"}};
  char buf[128];
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    snprintf(buf, sizeof buf, "Jane Doe\n%s\n", ok[i][0]);
    json_t *d = parse_text(buf);
    ASSERT_FIELD(d, "contact.phone", ok[i][1]);
    json_decref(d);
  }
  static const char *const no[] = {"2019 - 2021", "01/2019 - 03/2021", "GPA 3.97/4.00",
                                   "ID 12345678901234567", "Zip 94115"};
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
    snprintf(buf, sizeof buf, "Jane Doe\n%s\n", no[i]);
    json_t *d = parse_text(buf);
    ASSERT_FIELD(d, "contact.phone", NULL);
    json_decref(d);
  }
}
END_TEST

START_TEST(test_bare_cities_beside_contacts_and_dates) {
  json_t *d = parse_text("Tomas Novak\nProduct Designer - Prague - tomas.novak@example.com - +420 601 234 567\n"
                         "Experience\nSenior Data Engineer, Northwind Analytics\nMar 2021 - Present, London\n"
                         "- Built streaming pipelines\n");
  ASSERT_FIELD(d, "contact.headline", "Product Designer");
  ASSERT_FIELD(d, "contact.location", "Prague");
  ASSERT_FIELD(d, "contact.phone", "+420 601 234 567");
  ASSERT_FIELD(d, "work_experience.0.company", "Northwind Analytics");
  ASSERT_FIELD(d, "work_experience.0.location", "London");
  ASSERT_FIELD(d, "work_experience.0.description", "Built streaming pipelines");
  json_decref(d);
  /* A resume that opens with a section has no contact block to guess from. */
  d = parse_text("Work Experience\nSenator\n\nUnited States Senate\nJanuary 2005 - November 2008\n");
  ASSERT_FIELD(d, "contact.name", NULL);
  ASSERT_FIELD(d, "work_experience.0.title", "Senator");
  ASSERT_FIELD(d, "work_experience.0.company", "United States Senate");
  json_decref(d);
}
END_TEST

START_TEST(test_empty_and_garbage) {
  json_t *d = NULL;
  ck_assert_int_eq(cw_heuristic_parse(h, "", 0, &d), 0);
  ck_assert_uint_eq(count(d, "work_experience"), 0);
  ck_assert(json_is_null(json_object_get(json_object_get(d, "contact"), "name")));
  json_decref(d);
  /* Invalid UTF-8 and NUL bytes come out as valid JSON strings. */
  const char bad[] = "Exp\xff\xfe\0rience\nExperience\nEngineer, Ac\xc3me Corp  2019 - 2020\n";
  ck_assert_int_eq(cw_heuristic_parse(h, bad, sizeof bad - 1, &d), 0);
  char *dump = json_dumps(d, 0);
  ck_assert_ptr_nonnull(dump);
  free(dump);
  json_decref(d);
  /* Bytes that never start a character (F5..FF), overlong forms and
   * surrogates must not reach PCRE2 (it runs without a UTF check). */
  const char worse[] = "Skills\n(  \xf5\x96\x9c \xc0\x80 \xed\xa0\x80 \xf8\x88\x80\x80\x80)\nics201(\n";
  ck_assert_int_eq(cw_heuristic_parse(h, worse, sizeof worse - 1, &d), 0);
  dump = json_dumps(d, 0);
  ck_assert_ptr_nonnull(dump);
  free(dump);
  json_decref(d);
  ck_assert_int_eq(cw_heuristic_parse(NULL, "x", 1, &d), -EINVAL);
  ck_assert_int_eq(cw_heuristic_parse(h, NULL, 5, &d), -EINVAL);
}
END_TEST

START_TEST(test_bounded_output_on_huge_input) {
  /* 20,000 dated roles and a 40,000-item skills list: the output stays
   * within the documented bounds. */
  size_t cap = 4u << 20, n = 0;
  char *t = malloc(cap);
  n += (size_t)snprintf(t + n, cap - n, "Skills\n");
  for (int i = 0; i < 5000; i++)
    n += (size_t)snprintf(t + n, cap - n, "S%da, S%db, S%dc, S%dd, S%de, S%df, S%dg, S%dh\n", i, i, i, i, i, i, i, i);
  n += (size_t)snprintf(t + n, cap - n, "Experience\n");
  for (int i = 0; i < 20000; i++)
    n += (size_t)snprintf(t + n, cap - n, "Engineer, Acme %d Inc   Jan 2019 - Present\n- Did things\n", i);
  json_t *d = NULL;
  ck_assert_int_eq(cw_heuristic_parse(h, t, n, &d), 0);
  ck_assert_uint_eq(count(d, "work_experience"), 200);
  ck_assert_uint_eq(count(d, "skills"), 500);
  json_decref(d);
  free(t);
}
END_TEST

START_TEST(test_deterministic) {
  size_t len;
  char *text = read_fixture("pipe_layout.txt", &len);
  json_t *a, *b;
  ck_assert_int_eq(cw_heuristic_parse(h, text, len, &a), 0);
  ck_assert_int_eq(cw_heuristic_parse(h, text, len, &b), 0);
  ck_assert(json_equal(a, b));
  json_decref(a);
  json_decref(b);
  free(text);
}
END_TEST

START_TEST(test_skills_dictionary_file) {
  cw_skills *d = NULL;
  const char *canon, *cat;
  const char *ini = "# c\n[Lang]    ; languages\nPython = py   # the snake\n!Go = golang\n[Tools]\nGit\nC#\n";
  ck_assert_int_eq(cw_skills_load_buffer(ini, strlen(ini), "t", &d), 0);
  ck_assert_uint_eq(cw_skills_count(d), 4);
  ck_assert(cw_skills_lookup(d, "c#", 2, &canon, &cat));
  ck_assert_str_eq(cat, "Tools");
  ck_assert(cw_skills_lookup(d, "PY", 2, &canon, &cat));
  ck_assert_str_eq(canon, "Python");
  ck_assert_str_eq(cat, "Lang");
  ck_assert(cw_skills_lookup(d, "golang", 6, &canon, &cat));
  ck_assert_str_eq(canon, "Go");
  cw_skills_free(d);
  ck_assert_int_eq(cw_skills_load_buffer("Python\n", 7, "t", &d), -EINVAL);
  ck_assert_int_eq(cw_skills_load_buffer("[bad\n", 5, "t", &d), -EINVAL);
  ck_assert_int_eq(cw_skills_load("/nonexistent/skills.ini", &d), -ENOENT);
  ck_assert_uint_gt(cw_skills_count(skills), 200);
}
END_TEST

/* Organisation / role + dates + link in cells / paragraph and lines without
 * bullet markers: the dated line anchors the entry. */
START_TEST(test_anchors_without_bullets) {
  json_t *d = parse_fixture("anchors_no_bullets.txt");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Vistula Freight");
  ASSERT_FIELD(d, "work_experience.0.title", "Logistics Planner");
  ASSERT_FIELD(d, "work_experience.0.start_date", "2021-04");
  ASSERT_FIELD(d, "work_experience.0.is_current", "true");
  ASSERT_FIELD(d, "work_experience.1.company", "Harbour Office Gdynia");
  ASSERT_FIELD(d, "work_experience.1.title", "Dispatcher");
  ASSERT_FIELD(d, "work_experience.1.end_date", "2021-03");
  const char *desc = json_string_value(json_object_get(json_array_get(json_object_get(d, "work_experience"), 1), "description"));
  ck_assert_ptr_nonnull(strstr(desc, "berth calendar"));
  ck_assert_uint_eq(count(d, "education"), 1);
  json_decref(d);
}
END_TEST

/* "Title, Company" above a link line and the dates, prose then bullets. */
START_TEST(test_title_first_with_prose_and_links) {
  json_t *d = parse_fixture("title_first_with_prose.txt");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Lumen Analytics");
  ASSERT_FIELD(d, "work_experience.0.title", "Data Engineer");
  ASSERT_FIELD(d, "work_experience.0.is_current", "true");
  ASSERT_FIELD(d, "work_experience.1.company", "Nordlicht Institute");
  ASSERT_FIELD(d, "work_experience.1.title", "Research Assistant");
  ASSERT_FIELD(d, "work_experience.1.start_date", "2016-03");
  ASSERT_FIELD(d, "work_experience.1.end_date", "2019-12");
  json_decref(d);
}
END_TEST

/* One line per entry with em dash, pipe or middle dot; Portuguese and
 * Polish months. */
START_TEST(test_one_line_entries_any_separator) {
  json_t *d = parse_fixture("one_line_separators.txt");
  ck_assert_uint_eq(count(d, "work_experience"), 3);
  ASSERT_FIELD(d, "work_experience.0.company", "Porto Harbour Authority");
  ASSERT_FIELD(d, "work_experience.0.title", "Senior Surveyor");
  ASSERT_FIELD(d, "work_experience.0.start_date", "2019-03");
  ASSERT_FIELD(d, "work_experience.0.is_current", "true");
  ASSERT_FIELD(d, "work_experience.1.company", "Atlântico Engineering");
  ASSERT_FIELD(d, "work_experience.1.end_date", "2019-02");
  ASSERT_FIELD(d, "work_experience.2.company", "Kraków Rail Works");
  ASSERT_FIELD(d, "work_experience.2.start_date", "2014-07");
  ASSERT_FIELD(d, "work_experience.2.end_date", "2014-09");
  json_decref(d);
}
END_TEST

/* Two current roles at once, several roles under one employer, and
 * 03/04/2015 read day first because 25/08/2016 in the same document is. */
START_TEST(test_concurrent_roles_and_day_first_document) {
  json_t *d = parse_fixture("concurrent_and_several_roles.txt");
  ck_assert_uint_eq(count(d, "work_experience"), 4);
  ASSERT_FIELD(d, "work_experience.0.company", "Brightwater Hospital");
  ASSERT_FIELD(d, "work_experience.0.title", "Ward Manager");
  ASSERT_FIELD(d, "work_experience.0.location", "Leeds, UK");
  ASSERT_FIELD(d, "work_experience.0.is_current", "true");
  ASSERT_FIELD(d, "work_experience.1.company", "Northgate College");
  ASSERT_FIELD(d, "work_experience.1.title", "Evening Lecturer");
  ASSERT_FIELD(d, "work_experience.1.is_current", "true");
  ASSERT_FIELD(d, "work_experience.2.start_date", "2016-08");
  ASSERT_FIELD(d, "work_experience.3.company", "Brightwater Hospital"); /* inherited */
  ASSERT_FIELD(d, "work_experience.3.title", "Charge Nurse");
  ASSERT_FIELD(d, "work_experience.3.start_date", "2015-04");
  ASSERT_FIELD(d, "work_experience.3.end_date", "2016-08");
  json_decref(d);
}
END_TEST

/* A prose line taken for a name lowers the entry below the 0.6 that the
 * merge takes as a fact; a clean entry stays above it. */
START_TEST(test_confidence_threshold) {
  json_t *d = parse_text("Experience\nAcme Corp\nSoftware Engineer\n2019 - 2021\n"
                         "Experience\nwe built many things for many clients over the years here\n"
                         "2015 - 2017\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  json_t *w = json_object_get(d, "work_experience");
  ck_assert_double_ge(json_real_value(json_object_get(json_array_get(w, 0), "confidence")), 0.6);
  for (size_t i = 1; i < json_array_size(w); i++)
    ck_assert_double_lt(json_real_value(json_object_get(json_array_get(w, i), "confidence")), 0.6);
  json_decref(d);
}
END_TEST

/* "Halvorsen Technologies" above each of its roles is the employer, not a
 * "Technologies" heading; HIGHLIGHTS in every entry does not end the
 * section; "State University of New York at Albany" stays one school; the
 * phone in a contact column at the end is found. */
START_TEST(test_repeated_employer_labels_and_contact_column) {
  json_t *d = parse_fixture("employer_repeated_sidebar_contact.txt");
  ASSERT_FIELD(d, "contact.phone", "(+33) 6 12 34 56 78");
  ASSERT_FIELD(d, "contact.email", "ines.moreau@example.com");
  ck_assert_uint_eq(count(d, "work_experience"), 3);
  ASSERT_FIELD(d, "work_experience.0.company", "Halvorsen Technologies");
  ASSERT_FIELD(d, "work_experience.0.title", "Platform Lead");
  ASSERT_FIELD(d, "work_experience.1.company", "Halvorsen Technologies");
  ASSERT_FIELD(d, "work_experience.1.title", "Build Engineering");
  ASSERT_FIELD(d, "work_experience.2.company", "Kestrel Marine Institute");
  ASSERT_FIELD(d, "work_experience.2.title", "Software Developer");
  ASSERT_FIELD(d, "education.0.institution", "State University of New York at Albany");
  json_decref(d);
}
END_TEST

/* Titles first in the entries whose keywords tell; the same order for
 * the ones whose words do not (Polish titles and organisations);
 * "Kempner Institute, Harvard University" on its own line is one employer. */
START_TEST(test_section_order_and_comma_organisations) {
  json_t *d = parse_text("Experience\n\nKontroler jakości\nZakłady Północ\n2019 - 2021\n\n"
                         "Senior Analyst\nNorthwind Bank\n2016 - 2019\n\n"
                         "Research Assistant\nKempner Institute, Harvard University\n2014 - 2016\n");
  ck_assert_uint_eq(count(d, "work_experience"), 3);
  ASSERT_FIELD(d, "work_experience.0.title", "Kontroler jakości");
  ASSERT_FIELD(d, "work_experience.0.company", "Zakłady Północ");
  ASSERT_FIELD(d, "work_experience.2.company", "Kempner Institute, Harvard University");
  json_decref(d);
  /* "Technology" is an organisation word, but Northwind heads both roles */
  d = parse_text("Experience\n\nNorthwind\nCloud Technology Architecture\n2019 - 2021\n\n"
                 "Northwind\nPlatform Engineer\n2016 - 2019\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Northwind");
  ASSERT_FIELD(d, "work_experience.0.title", "Cloud Technology Architecture");
  json_decref(d);
  d = parse_text("Education\nLeading University, Sylhet, Bangladesh\nBachelor of Science\n2012 - 2016\n");
  ASSERT_FIELD(d, "education.0.institution", "Leading University, Sylhet, Bangladesh");
  json_decref(d);
}
END_TEST

/* A label column: the section's name printed on its first row
 * ("Work   Acme   dates"); "Work" alone is a heading too. */
START_TEST(test_grid_label_column_headings) {
  json_t *d = parse_text("Ada Brook\n\nEducation\tRiverside University\t2010 - 2014\n"
                         "Bachelor of Arts\n\nWork\tQuarry Labs\tMarch 2019 - Present\n"
                         "Platform Engineer\nRan the build farm.\nWrote the release tooling.\n"
                         "Kept the package mirror up.\n\n"
                         "Skills\tPython, SQL\n");
  ck_assert_uint_eq(count(d, "education"), 1);
  ASSERT_FIELD(d, "education.0.institution", "Riverside University");
  ck_assert_uint_eq(count(d, "work_experience"), 1);
  ASSERT_FIELD(d, "work_experience.0.company", "Quarry Labs");
  ASSERT_FIELD(d, "work_experience.0.title", "Platform Engineer");
  ASSERT_FIELD(d, "work_experience.0.is_current", "true");
  json_decref(d);
  d = parse_text("Ada Brook\n\nWork\n\nQuarry Labs\n\nPlatform Engineer\t2019-03-01 - Present\n\n"
                 "Ran the build farm and the package mirror for four teams.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 1);
  ASSERT_FIELD(d, "work_experience.0.company", "Quarry Labs");
  ASSERT_FIELD(d, "work_experience.0.start_date", "2019-03");
  json_decref(d);
}
END_TEST

/* Three columns: the role and dates, then the description beginning on
 * the same row and going on below it; the employer one block above. */
START_TEST(test_description_column_beside_dates) {
  json_t *d = parse_text("Work\n\nBrightline Co\n\nData Analyst 2019-01-01 - 2021-06-30\tBuilt the weekly\n"
                         "sales report, its dashboards\nand the data checks.\nMoved the team to SQL.\n\n"
                         "Harbor Trust\n\nLedger Clerk 2016-01-01 - 2018-12-31\tKept the ledger\n"
                         "Balanced three branches\nTrained two new clerks\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Brightline Co");
  ASSERT_FIELD(d, "work_experience.0.title", "Data Analyst");
  ASSERT_FIELD(d, "work_experience.0.end_date", "2021-06");
  const char *desc = json_string_value(json_object_get(json_array_get(json_object_get(d, "work_experience"), 0), "description"));
  ck_assert_ptr_nonnull(desc);
  ck_assert_msg(strncmp(desc, "Built the weekly", 16) == 0, "description: %s", desc);
  ASSERT_FIELD(d, "work_experience.1.company", "Harbor Trust");
  ASSERT_FIELD(d, "work_experience.1.title", "Ledger Clerk");
  json_decref(d);
  /* a role cut by the width of its column ends on the next line */
  d = parse_text("Work\n\nNordwind\n\nFront-end Developer &\t2016-03-01 - 2018-02-01\thttps://nordwind.example\n"
                 "Designer\n\nBuilt the fax console and its documentation for the developers.\n"
                 "Wrote the style guide.\nRan the design reviews.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 1);
  ASSERT_FIELD(d, "work_experience.0.company", "Nordwind");
  ASSERT_FIELD(d, "work_experience.0.title", "Front-end Developer & Designer");
  json_decref(d);
}
END_TEST

/* A role written in lower case right above its dates, and commas inside
 * brackets, still leave room for the employer one block up. */
START_TEST(test_lower_case_role_and_bracketed_commas) {
  json_t *d = parse_text("Experience\nUrząd Miasta Gdańska\n\nzastępca kierownika wydziału\n2019-04-15 - 2020-10-31\n\n"
                         "Kept the records of the planning office for the whole city and its boroughs.\n"
                         "Answered the questions of the public.\nWrote the yearly report.\n\n"
                         "Northwind\n\nPractice Lead (Portal, Search, Mobile)\n2012-01-01 - 2019-03-31\n\n"
                         "Led the portal team through three platform changes and two reorganisations.\n"
                         "Ran the search project.\nHired four engineers.\n\n"
                         "Tarn Memory Lab, Brightwater University and Kestrel Lab, Oslo University\n\n"
                         "Research Assistant\n2010-01-01 - 2011-12-31\n\n"
                         "Supported the studies of both labs on sleep and memory in older adults.\n"
                         "Cleaned the data.\nBooked the scanner.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 3);
  ASSERT_FIELD(d, "work_experience.2.company",
               "Tarn Memory Lab, Brightwater University and Kestrel Lab, Oslo University");
  ASSERT_FIELD(d, "work_experience.0.company", "Urząd Miasta Gdańska");
  ASSERT_FIELD(d, "work_experience.0.title", "zastępca kierownika wydziału");
  ASSERT_FIELD(d, "work_experience.1.company", "Northwind");
  ASSERT_FIELD(d, "work_experience.1.title", "Practice Lead (Portal, Search, Mobile)");
  json_decref(d);
}
END_TEST

/* The name and the role on one line, with a comma: the role is the
 * headline, not a place. */
START_TEST(test_contact_name_comma_role) {
  json_t *d = parse_text("Jane Roe, Data Engineer\njane.roe@example.org\n(555) 010-4477\n\n"
                         "Experience\nNorthwind Traders\nData Engineer\nJan 2020 - Present\n");
  ASSERT_FIELD(d, "contact.name", "Jane Roe");
  ASSERT_FIELD(d, "contact.headline", "Data Engineer");
  ck_assert(json_is_null(json_object_get(json_object_get(d, "contact"), "location")));
  json_decref(d);
  /* a place after the comma still is one */
  d = parse_text("Jane Roe\nPortland, Oregon\njane.roe@example.org\n");
  ASSERT_FIELD(d, "contact.name", "Jane Roe");
  ASSERT_FIELD(d, "contact.location", "Portland, Oregon");
  json_decref(d);
}
END_TEST

int main(void) {
  Suite *s = suite_create("heuristic");
  TCase *tc = tcase_create("heuristic");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_pipe_layout_company_title_place_dates);
  tcase_add_test(tc, test_markdown_title_and_company_on_separate_lines);
  tcase_add_test(tc, test_german_cv_dates_left_and_seit);
  tcase_add_test(tc, test_title_at_company_expected_and_short_year);
  tcase_add_test(tc, test_french_headings_and_months);
  tcase_add_test(tc, test_linkedin_roles_under_one_company);
  tcase_add_test(tc, test_roles_without_descriptions_split_at_second_date);
  tcase_add_test(tc, test_title_only_role_keeps_no_employer);
  tcase_add_test(tc, test_caps_employer_with_several_roles);
  tcase_add_test(tc, test_skills_category_line_wrapped);
  tcase_add_test(tc, test_latex_rows_title_date_then_org_place);
  tcase_add_test(tc, test_academic_positions_and_inline_markup);
  tcase_add_test(tc, test_dictionary_scan_skips_ordinary_words);
  tcase_add_test(tc, test_skills_written_as_sentences);
  tcase_add_test(tc, test_place_and_dates_after_bullets_reading_order);
  tcase_add_test(tc, test_date_first_pipes_and_degree_abbreviations);
  tcase_add_test(tc, test_title_then_company_place_dates_line);
  tcase_add_test(tc, test_spanish_cv_accented_capital_headings);
  tcase_add_test(tc, test_date_column_on_first_bullet);
  tcase_add_test(tc, test_no_invented_employer);
  tcase_add_test(tc, test_volunteer_not_work_and_headings_variants);
  tcase_add_test(tc, test_contacts_international_and_invisible_chars);
  tcase_add_test(tc, test_job_title_above_the_name);
  tcase_add_test(tc, test_inline_and_letter_spaced_headings);
  tcase_add_test(tc, test_phone_formats);
  tcase_add_test(tc, test_bare_cities_beside_contacts_and_dates);
  tcase_add_test(tc, test_empty_and_garbage);
  tcase_add_test(tc, test_deterministic);
  tcase_add_test(tc, test_bounded_output_on_huge_input);
  tcase_add_test(tc, test_skills_dictionary_file);
  tcase_add_test(tc, test_anchors_without_bullets);
  tcase_add_test(tc, test_title_first_with_prose_and_links);
  tcase_add_test(tc, test_one_line_entries_any_separator);
  tcase_add_test(tc, test_concurrent_roles_and_day_first_document);
  tcase_add_test(tc, test_confidence_threshold);
  tcase_add_test(tc, test_repeated_employer_labels_and_contact_column);
  tcase_add_test(tc, test_section_order_and_comma_organisations);
  tcase_add_test(tc, test_grid_label_column_headings);
  tcase_add_test(tc, test_description_column_beside_dates);
  tcase_add_test(tc, test_lower_case_role_and_bracketed_commas);
  tcase_add_test(tc, test_narrow_education_column_wraps);
  tcase_add_test(tc, test_sentence_under_dates_is_description);
  tcase_add_test(tc, test_organisation_cut_by_column);
  tcase_add_test(tc, test_dot_separators_and_degree_at_school);
  tcase_add_test(tc, test_link_lines_and_comma_bullets);
  tcase_add_test(tc, test_name_over_two_lines);
  tcase_add_test(tc, test_contact_name_comma_role);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
