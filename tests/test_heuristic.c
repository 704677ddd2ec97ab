/* The heuristic parser on fixture resumes (tests/fixtures/resumes/, written
 * for these tests, several layouts and languages) and on small inline texts. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

START_TEST(test_end_before_start_keeps_document_valid) {
  /* "Mar 2023 - Dec 2005": a slip of the print.  The contract refuses a
   * start after the end (the whole document with it): the start goes, the
   * end and date_text stay.  parse_text validates the document. */
  json_t *d = parse_text("Experience\nData Analyst, Northbeam\nMar 2023 - Dec 2005\n- Built reports.\n\n"
                         "Education\nRiverside University\nBSc Physics\nSep 2016 - Jun 2012\n");
  ck_assert_uint_eq(count(d, "work_experience"), 1);
  ASSERT_FIELD(d, "work_experience.0.start_date", NULL);
  ASSERT_FIELD(d, "work_experience.0.end_date", "2005-12");
  ASSERT_FIELD(d, "work_experience.0.date_text", "Mar 2023 - Dec 2005");
  ASSERT_FIELD(d, "education.0.start_date", NULL);
  ASSERT_FIELD(d, "education.0.end_date", "2012-06");
  json_decref(d);
}
END_TEST

START_TEST(test_school_under_date_opens_next_entry) {
  /* "School / field / degree / dates" repeated without a blank line after
   * the dates: the school line under a date opens the next entry, it is
   * no name of the entry above (which named its school already). */
  json_t *d = parse_text("Education\nRiverside University, Lagos\n\nPhysics\n\nBachelor of Science\n\n"
                         "2012 - 2016\nOakmere College\n\nChemistry\n\nMaster of Science\n\n2016 - 2018\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.0.institution", "Riverside University, Lagos");
  ASSERT_FIELD(d, "education.1.institution", "Oakmere College");
  ASSERT_FIELD(d, "education.1.degree", "Master of Science");
  json_decref(d);
}
END_TEST

START_TEST(test_school_above_names_after_entry_without_school) {
  /* The first entry prints no school ("field / degree / dates"), the next
   * ones do ("School / field / degree / dates"): the school line after the
   * courses opens its entry, and no subject becomes a school. */
  json_t *d = parse_text("Education\nweb development\n\nVocational training\n\n2017 - 2018\n\n"
                         "- JavaScript\n- accessibility\n\nRiverside University\n\nlinguistics\n\n"
                         "undergraduate courses\n\n2004 - 2007\n\n- syntax\n- semantics\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.1.institution", "Riverside University");
  ASSERT_FIELD(d, "education.1.end_date", "2007");
  json_decref(d);
}
END_TEST

START_TEST(test_school_list_line_wrapped) {
  /* "Field, Degree, School" cut by the page width inside the school's
   * name or its place: the next line goes on with the list's last item. */
  json_t *d = parse_text("Education\n\nPhysics, Bachelor of Science, Riverside University,\nLagos, Nigeria\n"
                         "Oct, 2016 - Mar, 2019\n\nChemistry, Bachelor of Science, Oakmere International\n"
                         "University\nApr, 2014 - Oct, 2016\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.0.institution", "Riverside University, Lagos, Nigeria");
  ASSERT_FIELD(d, "education.1.institution", "Oakmere International University");
  json_decref(d);
}
END_TEST

START_TEST(test_school_name_wrapped_after_abbreviation) {
  /* A narrow column wraps a long school name: after the school word comes
   * a piece that cannot end a name ("im.", "w"), or a piece joined by a
   * one-letter word ("Nowaka w Krakowie"). */
  json_t *d = parse_text("Education\n1995\n1999\n\nXII Liceum\nMiejskie im.\nJana Nowaka w\nKrakowie\n\n"
                         "Projects\nRiverside Games\n");
  ck_assert_uint_eq(count(d, "education"), 1);
  ASSERT_FIELD(d, "education.0.institution", "XII Liceum Miejskie im. Jana Nowaka w Krakowie");
  json_decref(d);
  d = parse_text("Education\nXII Liceum Miejskie im. Jana\nNowaka w Krakowie\nSep 1995 - Jun 1999\n");
  ck_assert_uint_eq(count(d, "education"), 1);
  ASSERT_FIELD(d, "education.0.institution", "XII Liceum Miejskie im. Jana Nowaka w Krakowie");
  json_decref(d);
}
END_TEST

START_TEST(test_school_name_cut_by_narrow_column) {
  /* A narrow column (no line longer than 22 characters) had no room for
   * the school's last word: the short line under it completes the name.
   * Where lines run longer, "Riverside University" / "Boston" is a school
   * and its town, two lines the author wrote. */
  json_t *d = parse_text("Education\n2011\n2013\n\nUniversit\xc3\xa9 Henri Verne\nNantes 2\nMaster\n"
                         "Informatique\nGrade: Mention bien\nCourses\nSyst\xc3\xa8mes r\xc3\xa9partis\n");
  ck_assert_uint_eq(count(d, "education"), 1);
  ASSERT_FIELD(d, "education.0.institution", "Universit\xc3\xa9 Henri Verne Nantes 2");
  json_decref(d);
  d = parse_text("Education\n2011\n2013\n\nRiverside University\nBoston\nMaster of Science\nInformatics\n"
                 "Courses: Distributed Systems, Databases, Compilers\n");
  ck_assert_uint_eq(count(d, "education"), 1);
  ASSERT_FIELD(d, "education.0.institution", "Riverside University");
  json_decref(d);
  /* (nor a place with its region under the name: "Springfield, Ohio") */
  d = parse_text("Education\n2011\n2013\n\nRiverside University\nSpringfield, Ohio\nMaster\nInformatics\n"
                 "Grade: 1.3\nCourses\nCompilers\n");
  ck_assert_uint_eq(count(d, "education"), 1);
  ASSERT_FIELD(d, "education.0.institution", "Riverside University");
  json_decref(d);
}
END_TEST

START_TEST(test_long_field_degree_school_line) {
  /* "Field, Degree, School" runs past 60 bytes with accents: still the
   * entry's name line, not a note of the entry above. */
  json_t *d = parse_text("Education\n\nPhysique, Master, Universit\xc3\xa9 de Riverside\n\nSep, 2011 - Jun, 2013\n\n"
                         "Mention bien\n\nG\xc3\xa9nie civil, Licence, \xc3\x89\x63ole nationale "
                         "sup\xc3\xa9rieure d'ing\xc3\xa9nieurs\n\nSep, 2008 - Jun, 2011\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.1.institution", "\xc3\x89\x63ole nationale sup\xc3\xa9rieure d'ing\xc3\xa9nieurs");
  ASSERT_FIELD(d, "education.1.degree", "Licence");
  json_decref(d);
}
END_TEST

START_TEST(test_degree_after_empty_field_is_no_school) {
  /* ", High School Diploma": the template left the field before the
   * degree empty; the line names a degree, no school, so the school under
   * the dates is this entry's, not a second one. */
  json_t *d = parse_text("Education\n\n, High School Diploma\n2009 - 2013\nOakmere High School\n\n"
                         "Skills\nPython\n");
  ck_assert_uint_eq(count(d, "education"), 1);
  ASSERT_FIELD(d, "education.0.institution", "Oakmere High School");
  ASSERT_FIELD(d, "education.0.degree", "High School Diploma");
  ASSERT_FIELD(d, "education.0.end_date", "2013");
  json_decref(d);
}
END_TEST

START_TEST(test_course_list_runs_into_next_entry) {
  /* A "Courses" list printed without a blank line before the next entry
   * ("Degree, Field - School" / dates): its lines are the courses of the
   * entry above, not the names of the next one (the entry keeps no more
   * than six name lines: the courses crowded the school out). */
  json_t *d = parse_text("Education\nBachelor of Science, physics - Riverside University\nMarch 2004 - June 2007\n\n"
                         "COURSES\n\noptics\nquantum mechanics\nthermodynamics\nelectronics\nmechanics\nastronomy\n"
                         "Master of Science, chemistry - Oakmere College\nSeptember 2007 - June 2009\n\n"
                         "COURSES\n\nspectroscopy\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.0.institution", "Riverside University");
  ASSERT_FIELD(d, "education.1.institution", "Oakmere College");
  ASSERT_FIELD(d, "education.1.degree", "Master of Science");
  json_decref(d);
}
END_TEST

START_TEST(test_dashed_school_line_above_dates) {
  /* "Training, Field - School" wrapped before the dash: "- Harbour Makers
   * Guild" between the name line and its dates is the school, not a
   * bullet of the description. */
  json_t *d = parse_text("Education\nVocational training and apprenticeship, carpentry\n- Harbour Makers Guild\n"
                         "May 2017 - February 2018\n\nCOURSES\n\njoinery\n\n"
                         "Bachelor of Arts, history - Riverside University\nMarch 2004 - June 2007\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.0.institution", "Harbour Makers Guild");
  ASSERT_FIELD(d, "education.1.institution", "Riverside University");
  json_decref(d);
}
END_TEST

START_TEST(test_stacked_years_are_one_range) {
  /* A narrow date column stacks "2011 - 2013" as "2011" / "2013" above
   * the names: one range, and the names under it are its entry's. */
  json_t *d = parse_text("Education\n2011\n2013\n\nRiverside University\nMaster\nPhysics\n\n"
                         "2008\nPresent\n\nOakmere College\nLicence\nChemistry\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.0.institution", "Riverside University");
  ASSERT_FIELD(d, "education.0.start_date", "2011");
  ASSERT_FIELD(d, "education.0.end_date", "2013");
  ASSERT_FIELD(d, "education.1.institution", "Oakmere College");
  ASSERT_FIELD(d, "education.1.start_date", "2008");
  ASSERT_FIELD(d, "education.1.is_current", "true");
  json_decref(d);
}
END_TEST

START_TEST(test_links_above_first_date_name_no_school) {
  /* A sidebar's links read into the section above its first date, names
   * under the dates: the links are no entry, and each school keeps the
   * date above it. */
  json_t *d = parse_text("Education\nPortfolio\njaneroe\n\nCode\nJaneRoe\n2016\n2019\n\n"
                         "Riverside University\nBachelor of Science\n\n2014\n2016\n\nOakmere College\n"
                         "Diploma\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.0.institution", "Riverside University");
  ASSERT_FIELD(d, "education.0.end_date", "2019");
  ASSERT_FIELD(d, "education.1.institution", "Oakmere College");
  ASSERT_FIELD(d, "education.1.end_date", "2016");
  json_decref(d);
}
END_TEST

START_TEST(test_list_line_last_item_cut_by_width) {
  /* "Field, Degree, School" filled the line and the school's last word
   * had no room: "Harbour Makers" / "Guild" is one name. */
  json_t *d = parse_text("Education\ncarpentry and joinery, Vocational training and apprenticeship, Harbour Makers\n"
                         "Guild\n\nMay, 2017 - Feb, 2018\n\nsite safety, measuring and marking, hand tools and care\n\n"
                         "history and philosophy, Bachelor of Arts, Riverside University\n\nMar, 2004 - Jun, 2007\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.0.institution", "Harbour Makers Guild");
  ASSERT_FIELD(d, "education.1.institution", "Riverside University");
  json_decref(d);
}
END_TEST

START_TEST(test_degree_joined_by_and_and_gpa_label) {
  /* "undergraduate and graduate courses GPA 3.9": one degree name joined
   * by "and" (not "undergraduate" and a field "and graduate"), and only
   * the GPA's label goes with its figure. */
  json_t *d = parse_text("Education\nRiverside University\n\nlinguistics\n\nundergraduate and graduate courses GPA 3.9\n\n"
                         "2004 - 2007\n");
  ck_assert_uint_eq(count(d, "education"), 1);
  ASSERT_FIELD(d, "education.0.degree", "undergraduate and graduate courses");
  ASSERT_FIELD(d, "education.0.gpa", "3.9");
  json_decref(d);
}
END_TEST

START_TEST(test_job_beside_education_is_no_school) {
  /* A second column's job read into the education section ("Quickstop
   * Cashier" with its dates): no school word, no degree and a role beside
   * the name make no school. */
  json_t *d = parse_text("Education\nRiverside University\nBSc Physics\n2012 - 2016\n\n"
                         "Quickstop   Cashier\n2016 - 2018\n");
  ck_assert_uint_eq(count(d, "education"), 1);
  ASSERT_FIELD(d, "education.0.institution", "Riverside University");
  json_decref(d);
  d = parse_text("Education\nRiverside University\nBSc Physics\n2012 - 2016\n\nDelivery Driver\n2016 - 2018\n");
  ck_assert_uint_eq(count(d, "education"), 1);
  json_decref(d);
  /* (with a degree the entry stays, without the job's name for a school) */
  d = parse_text("Education\nQuickstop   Cashier\nBSc in Physics\n2012 - 2016\n");
  ck_assert_uint_eq(count(d, "education"), 1);
  ASSERT_FIELD(d, "education.0.institution", NULL);
  ASSERT_FIELD(d, "education.0.degree", "BSc");
  json_decref(d);
}
END_TEST

START_TEST(test_degree_in_without_field_is_no_school) {
  /* "High School Diploma in" (its field went elsewhere) is one degree, not
   * a degree "High" and a school "School Diploma in". */
  json_t *d = parse_text("Education\nHigh School Diploma in\nat Oakmere High School\n2009 - 2013\n");
  ck_assert_uint_eq(count(d, "education"), 1);
  ASSERT_FIELD(d, "education.0.institution", "Oakmere High School");
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
/* A sidebar's "Contact" block read right under the name: its address and a
 * phone number written without a country code are the contact's; an
 * account number behind a label is no phone, the labels of a
 * label/value block are no city. */
START_TEST(test_email_opening_a_piece) {
  /* The address opens the second piece of its line: whether the line
   * before holds its head looks at the byte before the piece without
   * indexing it as s[0 - 1] (pointer overflow under clang's UBSan). */
  json_t *d = parse_text("Jane Roe\nLondon | jane@example.com\n\nExperience\nAcme Corp\nEngineer\n2019 - 2020\n");
  ck_assert_str_eq(json_string_value(json_object_get(json_object_get(d, "contact"), "email")), "jane@example.com");
  json_decref(d);
}
END_TEST

START_TEST(test_contact_section_under_name) {
  json_t *d = parse_text("Jane Roe\tStore Manager\n\n"
                         "CONTACT\nSpringfield, IL\njane.roe@example.com\nForum: 4411723\n"
                         "555 0199\n\n"
                         "EXPERIENCE\nCorner Market\tStore Manager\nMar 2019 - Present\n"
                         "Ran a team of twelve\n");
  ASSERT_FIELD(d, "contact.name", "Jane Roe");
  ASSERT_FIELD(d, "contact.location", "Springfield, IL");
  ASSERT_FIELD(d, "contact.phone", "555 0199");
  json_decref(d);
  d = parse_text("Jane Roe\nStore Manager\n\nContact\n\nWebsite\thttps://jroe.example.com\tEmail\t"
                 "jane.roe@example.com\nPhone\t(217) 555-0134\n\n"
                 "EXPERIENCE\nCorner Market\tStore Manager\nMar 2019 - Present\n");
  ASSERT_FIELD(d, "contact.location", NULL);
  ASSERT_FIELD(d, "contact.phone", "(217) 555-0134");
  json_decref(d);
}
END_TEST

/* "Organisation <tab> dates" / role / a sentence: the sentence is what was
 * done there, not the employer, even with "the" inside it ("The" only
 * opens a name). */
START_TEST(test_org_and_dates_then_role_then_sentence) {
  json_t *d = parse_text("Jane Roe\nBarista\n\nExperience\n\n"
                         "Pinebrook\t03/2015 - 06/2017\nBarista\n"
                         "Served the morning queue and cleaned the machines\n\n"
                         "The Copper Kettle\t01/2013 - 02/2015\nWaiter\nCarried plates\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Pinebrook");
  ASSERT_FIELD(d, "work_experience.0.title", "Barista");
  ASSERT_FIELD(d, "work_experience.1.company", "The Copper Kettle");
  json_decref(d);
}
END_TEST

/* "Organisation" / "Role, Unit" / dates, each between blank lines: the
 * unit after the role's comma is part of the role, not a second name, so
 * the organisation's line above stays the entry's employer. */
START_TEST(test_org_then_role_comma_unit_then_dates) {
  json_t *d = parse_text("Jane Roe\nNurse\n\nExperience\n\nSaint Agnes General Hospital\n\n"
                         "Charge Nurse, Cardiac Unit\n\n2017 - 2021\n\n"
                         "Led a shift of eight nurses.\n\nHarbour Clinic\n\nNurse\n\n2014 - 2017\n\n"
                         "Ran the vaccination desk.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Saint Agnes General Hospital");
  ASSERT_FIELD(d, "work_experience.0.title", "Charge Nurse, Cardiac Unit");
  ASSERT_FIELD(d, "work_experience.1.company", "Harbour Clinic");
  json_decref(d);
}
END_TEST

/* A role written in lower case that wrapped onto a second lower-case line,
 * then the organisation and the dates: the two lines are one role. */
START_TEST(test_lower_case_role_wrapped) {
  json_t *d = parse_text("Anna Nowak\n\nDoświadczenie zawodowe\n\n"
                         "starsza specjalistka do spraw obsługi\nklientów biznesowych\n"
                         "Spółdzielnia Mleczarska Łąka\nJan 2015 - Dec 2018\n\n"
                         "asystentka\nBiuro Rachunkowe Sowa\nFeb 2012 - Dec 2014\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.title",
               "starsza specjalistka do spraw obsługi klientów biznesowych");
  ASSERT_FIELD(d, "work_experience.0.company", "Spółdzielnia Mleczarska Łąka");
  ASSERT_FIELD(d, "work_experience.1.title", "asystentka");
  json_decref(d);
}
END_TEST

/* One-line entries "Organisation, Role <tab> dates" whose descriptions are
 * plain lines without bullet markers: the organisation is the name beside
 * the role on its line, not the previous entry's last lines above it. */
START_TEST(test_one_line_entries_after_unmarked_lines) {
  json_t *d = parse_text("Lucía Marín\n\nEXPERIENCIA\n\n"
                         "Naranjo Datos S.L., Ingeniera de Datos Sénior\t2020-09-01 - Present\n"
                         "Reducción del tiempo de carga en un 30 %\n"
                         "Migración de los informes a Apache Superset\n\n"
                         "Olmo Redes S.A., Desarrolladora de Software\t2017-03-01 - 2020-08-31\n"
                         "Desarrollo de servicios REST en Kotlin\n"
                         "Coordinación con el equipo de soporte\n\n"
                         "Olivar Sistemas, Analista Programadora en prácticas\t2016-01-01 - 2016-12-31\n"
                         "Apoyo en proyectos de análisis para clientes del sector público.\n\n"
                         "EDUCATION\tUniversidad de Murcia\t2018-09-01 - 2019-07-31\n");
  ck_assert_uint_eq(count(d, "work_experience"), 3);
  ASSERT_FIELD(d, "work_experience.2.company", "Olivar Sistemas");
  ASSERT_FIELD(d, "work_experience.2.title", "Analista Programadora en prácticas");
  json_decref(d);
}
END_TEST

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

START_TEST(test_skills_long_blank_run_linear) {
  /* A skills section of 300,000 empty lines ("#" lines come out empty, and
   * the worker's normaliser keeps them): linear in the lines, not in their
   * square (that took minutes of CPU). */
  size_t n = 300000, len = 0;
  char *t = malloc(n * 2 + 64);
  ck_assert_ptr_nonnull(t);
  len += (size_t)sprintf(t, "Jane Doe\n\nSkills\n");
  for (size_t i = 0; i < n; i++) t[len++] = '#', t[len++] = '\n';
  len += (size_t)sprintf(t + len, "Python\n");
  clock_t c0 = clock();
  json_t *d = NULL;
  ck_assert_int_eq(cw_heuristic_parse(h, t, len, &d), 0);
  double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
  ck_assert_msg(cpu < 5, "%.1f s CPU", cpu);
  ck_assert_uint_eq(count(d, "skills"), 1);
  json_decref(d);
  free(t);
}
END_TEST

START_TEST(test_cut_name_joins_bounded) {
  /* 20,000 lines of an organisation word under a role: a name cut by its
   * column is joined over a few lines only (joining them all took minutes
   * and gigabytes, each line keeping a copy of the name so far). */
  size_t n = 20000, len = 0;
  char *t = malloc(n * 12 + 128);
  ck_assert_ptr_nonnull(t);
  len += (size_t)sprintf(t, "Jane Doe\n\nExperience\nEngineer, Acme\n");
  for (size_t i = 0; i < n; i++) len += (size_t)sprintf(t + len, "University\n");
  len += (size_t)sprintf(t + len, "Jan 2019 - Present\n");
  clock_t c0 = clock();
  json_t *d = NULL;
  ck_assert_int_eq(cw_heuristic_parse(h, t, len, &d), 0);
  double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
  ck_assert_msg(cpu < 5, "%.1f s CPU", cpu);
  json_decref(d);
  free(t);
}
END_TEST

START_TEST(test_repeated_ranges_bounded) {
  /* 10,000 repeats of one range, a line between each: each repeat is
   * dropped without looking again at the lines above the one dropped
   * before it (that took most of a minute). */
  size_t n = 10000, len = 0;
  char *t = malloc(n * 40 + 128);
  ck_assert_ptr_nonnull(t);
  len += (size_t)sprintf(t, "Jane Doe\n\nExperience\nAcme Corp, Engineer\nJune 2019 - June 2020\n");
  for (size_t i = 0; i < n; i++) len += (size_t)sprintf(t + len, "and the platform\nJune 2019 - June 2020\n");
  clock_t c0 = clock();
  json_t *d = NULL;
  ck_assert_int_eq(cw_heuristic_parse(h, t, len, &d), 0);
  double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
  ck_assert_msg(cpu < 5, "%.1f s CPU", cpu);
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
 * "Coastal Institute, Riverside University" on its own line is one employer. */
START_TEST(test_section_order_and_comma_organisations) {
  json_t *d = parse_text("Experience\n\nKontroler jakości\nZakłady Północ\n2019 - 2021\n\n"
                         "Senior Analyst\nNorthwind Bank\n2016 - 2019\n\n"
                         "Research Assistant\nCoastal Institute, Riverside University\n2014 - 2016\n");
  ck_assert_uint_eq(count(d, "work_experience"), 3);
  ASSERT_FIELD(d, "work_experience.0.title", "Kontroler jakości");
  ASSERT_FIELD(d, "work_experience.0.company", "Zakłady Północ");
  ASSERT_FIELD(d, "work_experience.2.company", "Coastal Institute, Riverside University");
  json_decref(d);
  /* "Technology" is an organisation word, but Northwind heads both roles */
  d = parse_text("Experience\n\nNorthwind\nCloud Technology Architecture\n2019 - 2021\n\n"
                 "Northwind\nPlatform Engineer\n2016 - 2019\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Northwind");
  ASSERT_FIELD(d, "work_experience.0.title", "Cloud Technology Architecture");
  json_decref(d);
  d = parse_text("Education\nEastbrook University, Dhaka, Bangladesh\nBachelor of Science\n2012 - 2016\n");
  ASSERT_FIELD(d, "education.0.institution", "Eastbrook University, Dhaka, Bangladesh");
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
  d = parse_text("Work\n\nNordwind\n\nData Analyst &\t2016-03-01 - 2018-02-01\thttps://nordwind.example\n"
                 "Designer\n\nBuilt the fax console and its documentation for the developers.\n"
                 "Wrote the style guide.\nRan the design reviews.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 1);
  ASSERT_FIELD(d, "work_experience.0.company", "Nordwind");
  ASSERT_FIELD(d, "work_experience.0.title", "Data Analyst & Designer");
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

/* ---- skills sections: groups, levels and wrapped lists ---- */

static bool has_skill(json_t *doc, const char *name) {
  size_t i;
  json_t *s;
  json_array_foreach(json_object_get(doc, "skills"), i, s)
    if (strcmp(json_string_value(json_object_get(s, "name")), name) == 0) return true;
  return false;
}

static const char *skill_field(json_t *doc, const char *name, const char *field) {
  size_t i;
  json_t *s;
  json_array_foreach(json_object_get(doc, "skills"), i, s)
    if (strcmp(json_string_value(json_object_get(s, "name")), name) == 0)
      return json_string_value(json_object_get(s, field));
  return NULL;
}

START_TEST(test_skill_groups_with_levels_and_languages_group) {
  /* Group name, level, items; a group called "Languages" holds programming
   * languages and does not end the section; the spoken "Languages" does. */
  json_t *d = parse_text("Skills\nWeb Development\nvarious\nHTML, CSS\n\nLanguages\n"
                         "intermediate\nPython, Go, Haskell\n\nData\n7 years\nETL, dbt\n\n"
                         "Languages\nEnglish, German\n");
  ck_assert_uint_eq(count(d, "skills"), 7);
  ck_assert(has_skill(d, "Haskell") && has_skill(d, "dbt"));
  ck_assert(!has_skill(d, "various") && !has_skill(d, "Web Development") && !has_skill(d, "Data"));
  ck_assert_str_eq(skill_field(d, "Go", "category"), "Languages");
  ck_assert_str_eq(skill_field(d, "Go", "proficiency_level"), "intermediate");
  ck_assert_str_eq(skill_field(d, "ETL", "proficiency_level"), "7 years");
  ck_assert_uint_eq(count(d, "languages"), 2);
  json_decref(d);
}
END_TEST

START_TEST(test_skill_groups_in_grid_rows_and_dash_levels) {
  /* The heading on the row of the first group, the level in the next cell;
   * "Name — level" on one line. */
  json_t *d = parse_text("Skills   Web Development   various\nHTML   CSS   Sass\n\n"
                         "Languages   junior\nPython   OCaml\n\nTools — Master\nVim, tmux\n");
  ck_assert_uint_eq(count(d, "skills"), 7);
  ck_assert(has_skill(d, "OCaml") && has_skill(d, "tmux") && has_skill(d, "Sass"));
  ck_assert_str_eq(skill_field(d, "OCaml", "category"), "Languages");
  ck_assert_str_eq(skill_field(d, "Vim", "category"), "Tools");
  ck_assert_str_eq(skill_field(d, "Vim", "proficiency_level"), "Master");
  json_decref(d);
}
END_TEST

START_TEST(test_skill_lists_wrapped_in_a_narrow_column) {
  /* Items cut by the column edge ("Business" / "Intelligence", "pg-" /
   * "promise"), group names between the lists without blank lines. */
  json_t *d = parse_text("TECHNICAL SKILLS\nAnalytics\nData modeling, Business\n"
                         "Intelligence, Reporting,\nForecasting, pg-\npromise\nFrontend\n"
                         "React, Vue\n\nEDUCATION\nBSc Physics, Some University\n2010 - 2014\n");
  ck_assert_uint_eq(count(d, "skills"), 7);
  ck_assert(has_skill(d, "Business Intelligence") && has_skill(d, "pg-promise"));
  ck_assert(has_skill(d, "Forecasting") && has_skill(d, "Vue"));
  ck_assert(!has_skill(d, "Analytics") && !has_skill(d, "Frontend"));
  ck_assert_str_eq(skill_field(d, "React", "category"), "Frontend");
  json_decref(d);
}
END_TEST

START_TEST(test_skill_items_one_per_line_and_caps_acronyms) {
  /* Group names above bulleted or blank-separated blocks; "HTML" alone on
   * a line in an ALL-CAPS document is a skill, not an unknown heading. */
  json_t *d = parse_text("EXPERIENCE\nEngineer, Acme Corp\n2019 - 2021\n\nSKILLS\n\nHTML\nCSS\n\n"
                         "Frontend\n\n- React\n- Vue\n\nBackend\n\nRust\nActix\n\nINTERESTS\n\nChess\n");
  ck_assert_uint_eq(count(d, "skills"), 6);
  ck_assert(has_skill(d, "HTML") && has_skill(d, "Actix") && has_skill(d, "Vue"));
  ck_assert(!has_skill(d, "Frontend") && !has_skill(d, "Backend") && !has_skill(d, "Chess"));
  ck_assert_str_eq(skill_field(d, "Actix", "category"), "Backend");
  json_decref(d);
}
END_TEST

START_TEST(test_skill_levels_vocabulary) {
  /* Levels in several languages, years, scores and rating glyphs are no skills. */
  json_t *d = parse_text("Kenntnisse\nProgrammierung\nsehr gut\nJava, Kotlin\n\nDatenbanken\n"
                         "80%\nPostgreSQL\n\nCloud\n\xe2\x98\x85\xe2\x98\x85\xe2\x98\x85\xe2\x98\x86\n"
                         "Terraform\n\nOps\n15+ years\nAnsible\n");
  ck_assert_uint_eq(count(d, "skills"), 5);
  ck_assert(has_skill(d, "Kotlin") && has_skill(d, "Terraform") && has_skill(d, "Ansible"));
  ck_assert_str_eq(skill_field(d, "Java", "proficiency_level"), "sehr gut");
  json_decref(d);
}
END_TEST

START_TEST(test_skill_chips_run_together) {
  /* Chips whose gaps came out as single spaces: split, keeping dictionary
   * names, versions and "Capitalised lower-case" names together; items one
   * a line elsewhere stay whole. */
  json_t *d = parse_text("Skills\nFrontend\nReact React Native Vue Data visualization\n\n"
                         "Standards\nWCAG 2.1 ARIA 6502 Assembly\n\n"
                         "Practice\nCompliance Threat Modeling Microsoft Office Trello\n");
  ck_assert_uint_eq(count(d, "skills"), 11);
  ck_assert(has_skill(d, "Threat Modeling") && has_skill(d, "Microsoft Office"));
  ck_assert(has_skill(d, "React Native") && has_skill(d, "Data visualization"));
  ck_assert(has_skill(d, "WCAG 2.1") && has_skill(d, "6502 Assembly") && has_skill(d, "ARIA"));
  ck_assert_str_eq(skill_field(d, "Vue", "category"), "Frontend");
  json_decref(d);
  d = parse_text("Skills\nMethods\n\nRidge regression\nBayesian model fitting\nCross-validation\n"
                 "Mixed effects models\n");
  ck_assert_uint_eq(count(d, "skills"), 4);
  ck_assert(has_skill(d, "Bayesian model fitting") && has_skill(d, "Mixed effects models"));
  json_decref(d);
}
END_TEST

START_TEST(test_lower_case_line_ending_in_head_noun_is_no_heading) {
  /* "software tools" ends a wrapped sentence: the work section goes on. */
  json_t *d = parse_text("WORK EXPERIENCE\nDirector at Foo Inc\nJAN 2001 - FEB 2003\n"
                         "Cut costs by focusing on training, and\nsoftware tools\n\n"
                         "Database Administrator at Bar Systems\nJUN 1992 - FEB 1994\n"
                         "Responsible for operations.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ck_assert(!has_skill(d, "Database"));
  json_decref(d);
}
END_TEST

START_TEST(test_skill_groups_in_sidebar_without_heading) {
  /* A sidebar of groups with levels under the contact block and no skills
   * heading; a single "name / level" pair is not enough. */
  json_t *d = parse_text("Jane Roe\nContact\njane@example.org\n\nWeb Development\n\nIntermediate\n"
                         "Eleventy, Hugo\n\nDatabases\n\nExpert\nRethinkDB, Datomic\n\nSummary\n"
                         "I build web applications and care for their data.\n");
  ck_assert_uint_eq(count(d, "skills"), 4);
  ck_assert(has_skill(d, "Datomic") && !has_skill(d, "Web Development") && !has_skill(d, "Expert"));
  ck_assert_str_eq(skill_field(d, "RethinkDB", "category"), "Databases");
  json_decref(d);
  d = parse_text("Jane Roe\nPlatform Lead\nSenior\njane@example.org\n\nSummary\n"
                 "I build web applications with Go and PostgreSQL.\n");
  ck_assert(!has_skill(d, "Platform Lead"));
  json_decref(d);
}
END_TEST

START_TEST(test_skill_chips_in_cells) {
  /* Chips whose gaps the extractor kept (TAB or three spaces): the cells
   * are the items, the line above them names the group. */
  json_t *d = parse_text("SKILLS\nWeb Development\nHTML\tCSS\tJavaScript\n\nLanguages\n"
                         "Perl\tJava\t6502 Assembly\nVBA\n\nEditors\n\nVim\tEmacs\n\nEDUCATION\n");
  ck_assert_uint_eq(count(d, "skills"), 9);
  ck_assert(has_skill(d, "6502 Assembly") && has_skill(d, "VBA") && has_skill(d, "Emacs"));
  ck_assert(!has_skill(d, "Web Development") && !has_skill(d, "Languages") && !has_skill(d, "Editors"));
  ck_assert_str_eq(skill_field(d, "Vim", "category"), "Editors");
  json_decref(d);
}
END_TEST

START_TEST(test_skill_items_with_slashes_icons_and_known_rows) {
  /* "RFI / RFP processes" is three words, "Algorithms and Data Structures"
   * four: items.  An icon-font glyph (private use area) alone is no skill.
   * A row of words the dictionary knows one by one is split. */
  json_t *d = parse_text("Skills\nMethods\n\nRFI / RFP processes\nAlgorithms and Data Structures\n"
                         "\xee\x98\x85\nPython R NumPy\nCode review\n");
  ck_assert_uint_eq(count(d, "skills"), 6);
  ck_assert(has_skill(d, "RFI / RFP processes") && has_skill(d, "Algorithms and Data Structures"));
  ck_assert(has_skill(d, "NumPy") && has_skill(d, "R") && has_skill(d, "Code review"));
  json_decref(d);
}
END_TEST

START_TEST(test_sidebar_skill_groups_inside_work_section) {
  /* A sidebar's groups printed after a page's main column, in the middle of
   * the work section: they are skills, and the work section goes on after
   * them. */
  json_t *d = parse_text("Experience\nAcme Corp\nEngineer\n2019 - 2021\nBuilt things.\n\n"
                         "Frontend\n\nIntermediate\nVue, Svelte\n\nBackend\n\nExpert\n"
                         "Elixir, Phoenix\n\nGlobex Inc\nAnalyst\n2015 - 2018\nDid analysis.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.1.company", "Globex Inc");
  ck_assert_uint_eq(count(d, "skills"), 4);
  ck_assert_str_eq(skill_field(d, "Phoenix", "category"), "Backend");
  json_decref(d);
  /* Employers above a seniority are entries, not skill groups. */
  d = parse_text("Experience\nAcme Corp\n\nSenior\n2019 - 2021\nBuilt things.\n\nGlobex Inc\n\n"
                 "Junior\n2015 - 2018\nDid analysis.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ck_assert_uint_eq(count(d, "skills"), 0);
  json_decref(d);
}
END_TEST

static void add_skills_tests(TCase *tc) {
  tcase_add_test(tc, test_sidebar_skill_groups_inside_work_section);
  tcase_add_test(tc, test_skill_items_with_slashes_icons_and_known_rows);
  tcase_add_test(tc, test_skill_chips_in_cells);
  tcase_add_test(tc, test_skill_groups_in_sidebar_without_heading);
  tcase_add_test(tc, test_skill_chips_run_together);
  tcase_add_test(tc, test_lower_case_line_ending_in_head_noun_is_no_heading);
  tcase_add_test(tc, test_skill_groups_with_levels_and_languages_group);
  tcase_add_test(tc, test_skill_groups_in_grid_rows_and_dash_levels);
  tcase_add_test(tc, test_skill_lists_wrapped_in_a_narrow_column);
  tcase_add_test(tc, test_skill_items_one_per_line_and_caps_acronyms);
  tcase_add_test(tc, test_skill_levels_vocabulary);
}

/* ---- education entries (x-edu) ------------------------------------------ */

/* What follows a school's name after a comma stays in it (a campus, a
 * place, a second organisation), a subject or a remark does not. */
START_TEST(test_edu_school_comma_pieces) {
  json_t *d = parse_text("Education\nBachelor of Science\nMarine Biology\nState University of Westfield, Northgate\n"
                         "2014 - 2018\n\nMaster of Arts\nKelton College, Brenner Institute\n2018 - 2020\n\n"
                         "BS\nRiverside University, Physics\n2010 - 2014\n\n"
                         "Diploma\nHollin Academy, GPA: 3.9\n2008 - 2010\n");
  ck_assert_uint_eq(count(d, "education"), 4);
  ASSERT_FIELD(d, "education.0.institution", "State University of Westfield, Northgate");
  ASSERT_FIELD(d, "education.1.institution", "Kelton College, Brenner Institute");
  ASSERT_FIELD(d, "education.2.institution", "Riverside University");
  ASSERT_FIELD(d, "education.3.institution", "Hollin Academy");
  json_decref(d);
}
END_TEST

/* The names above each date, the courses under it: the lines between two
 * dates hold the courses of one entry and then the names of the next. */
START_TEST(test_edu_courses_between_entries) {
  json_t *d = parse_text("Education\n\nMarrow Institute of Art\n\npainting and drawing\nBachelor of Fine Arts\n\n"
                         "2001 - 2005\n\nColour Theory\nFigure Drawing\nsculpture\nprintmaking\n\n"
                         "Lindale Atelier\n\nart teaching\nMaster of Arts\n\n2005 - 2007\n\n"
                         "curriculum design\nmuseum studies\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.0.institution", "Marrow Institute of Art");
  ASSERT_FIELD(d, "education.0.degree", "Bachelor of Fine Arts");
  ASSERT_FIELD(d, "education.1.institution", "Lindale Atelier");
  ASSERT_FIELD(d, "education.1.degree", "Master of Arts");
  ASSERT_FIELD(d, "education.1.end_date", "2007");
  json_decref(d);
}
END_TEST

/* Degree, field and school over several lines each, then the date, entry
 * after entry (a narrow column): one entry per date, the school rejoined
 * after a comma or before a lone school word. */
START_TEST(test_edu_narrow_column_one_entry_per_date) {
  json_t *d = parse_text("Education\nBachelor of Science in\nApplied Mathematics\nand Statistics\n"
                         "Harlow University, Tennant,\nNorvania\n2012 - 2016\n\n"
                         "Bachelor of Arts in\nAncient Greek\nand Poetry\nEastbrook Central\nUniversity\n"
                         "2008 - 2012\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.0.institution", "Harlow University, Tennant, Norvania");
  ASSERT_FIELD(d, "education.0.degree", "Bachelor of Science");
  ASSERT_FIELD(d, "education.1.institution", "Eastbrook Central University");
  ASSERT_FIELD(d, "education.1.degree", "Bachelor of Arts");
  json_decref(d);
}
END_TEST

/* Degree before the date, school under it, a blank line after: the
 * school still belongs to the entry of that date. */
START_TEST(test_edu_date_inside_names_block) {
  json_t *d = parse_text("Education\n\nPhysics, Bachelor of Science\n2010 \xe2\x80\x94 2014\nOakmere University\n\n"
                         "Optics, Master of Science\n2014 \xe2\x80\x94 2016\nDunmore Institute of Technology\n\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.0.institution", "Oakmere University");
  ASSERT_FIELD(d, "education.1.institution", "Dunmore Institute of Technology");
  ASSERT_FIELD(d, "education.1.end_date", "2016");
  json_decref(d);
}
END_TEST

/* No school word in the entry: the capitalised name is the school, not
 * the sentence-case programme or subject beside it. */
START_TEST(test_edu_proper_name_without_school_word) {
  json_t *d = parse_text("Education\nApprenticeship in cabinet making\nfine woodwork\nOakridge Carpenters Guild\n"
                         "2015 - 2016\n\nBachelor of Arts\nLinwood University\n2011 - 2015\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.0.institution", "Oakridge Carpenters Guild");
  ASSERT_FIELD(d, "education.1.institution", "Linwood University");
  json_decref(d);
}
END_TEST

/* "Field, School, Place" on one line: the school and its place, not the
 * whole line. */
START_TEST(test_edu_field_school_place_line) {
  json_t *d = parse_text("Education\nMarine Ecology, Harlow University, Tennant\n2010 - 2014\n\n"
                         "Plant Genetics, Fenwick Institute, Ostrava\n2014 - 2016\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.0.institution", "Harlow University, Tennant");
  ASSERT_FIELD(d, "education.1.institution", "Fenwick Institute, Ostrava");
  json_decref(d);
}
END_TEST

/* A second school in a block of its own, without a date of its own: a
 * second entry, not more lines of the first. */
START_TEST(test_edu_undated_second_school) {
  json_t *d = parse_text("Education\n\nHarlow University, Tennant\t09/2014 - 06/2016\nMaster of Science Marine Ecology\n"
                         "Field methods\tOcean modelling\n\nFenwick College, Ostrava\nBachelor of Science Biology\n\n"
                         "Skills\n\nR, Python\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.0.institution", "Harlow University, Tennant");
  ASSERT_FIELD(d, "education.0.end_date", "2016-06");
  ASSERT_FIELD(d, "education.1.institution", "Fenwick College, Ostrava");
  ASSERT_FIELD(d, "education.1.degree", "Bachelor of Science");
  json_decref(d);
}
END_TEST

/* "- Present" alone under an entry is its date (current, no start), the
 * boundary between two entries. */
START_TEST(test_edu_open_end_date) {
  json_t *d = parse_text("Education\nNorvale University\nBachelor of Science\n2010 - 2014\n\n"
                         "Kestrel Power Company\nWorkplace Training\n- Present\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.0.institution", "Norvale University");
  ASSERT_FIELD(d, "education.1.institution", "Kestrel Power Company");
  ASSERT_FIELD(d, "education.1.is_current", "true");
  json_decref(d);
  /* the same in a cell right of the name, and after an arrow */
  d = parse_text("Education\nNorvale University   2010 - 2014\nBachelor of Science\n"
                 "Kestrel Power Company   - Present\nWorkplace Training\n\n"
                 "Harlow Atelier   \xe2\x86\x92 Present\nStill Life\n");
  ck_assert_uint_eq(count(d, "education"), 3);
  ASSERT_FIELD(d, "education.1.institution", "Kestrel Power Company");
  ASSERT_FIELD(d, "education.1.is_current", "true");
  ASSERT_FIELD(d, "education.2.institution", "Harlow Atelier");
  json_decref(d);
}
END_TEST

/* "Continuing Education" inside the education section is a programme,
 * not a second education heading. */
START_TEST(test_edu_programme_named_education) {
  json_t *d = parse_text("Education\nNorvale University\nContinuing Education\nProject Management\n2016 - 2017\n\n"
                         "Harlow College\nBachelor of Arts\n2010 - 2014\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.0.institution", "Norvale University");
  ASSERT_FIELD(d, "education.1.institution", "Harlow College");
  json_decref(d);
}
END_TEST

/* A school name cut after an abbreviation ("im.", "named after") by a
 * narrow column: the first half is not a sentence of a description. */
START_TEST(test_edu_school_cut_after_abbreviation) {
  json_t *d = parse_text("Education\nMagister\nat Uniwersytet Gdański\nOct 2001 - Jul 2006\n"
                         "Matura\nat II Liceum Ogólnokształcące im.\nJana Nowaka w Sopocie\nSep 1997 - Jun 2001\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.0.institution", "Uniwersytet Gdański");
  ASSERT_FIELD(d, "education.1.institution", "II Liceum Ogólnokształcące im. Jana Nowaka w Sopocie");
  json_decref(d);
}
END_TEST

/* "COURSES" under an education entry heads its course list; the next
 * entries are still education. */
START_TEST(test_edu_courses_subheading) {
  json_t *d = parse_text("EDUCATION\nSurvey methods, statistics - Norvale University\nMarch 2004 - June 2007\n\n"
                         "COURSES\n\nsampling\nregression analysis\n\n"
                         "B.A., economics - Harlow College\nSeptember 2000 - June 2004\n\nSKILLS\n\nR\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.0.institution", "Norvale University");
  ASSERT_FIELD(d, "education.1.institution", "Harlow College");
  ASSERT_FIELD(d, "education.1.degree", "B.A.");
  json_decref(d);
}
END_TEST

/* No blank lines at all (a DOCX table): the courses under one date are not
 * names of the next entry. */
START_TEST(test_edu_courses_without_blank_lines) {
  json_t *d = parse_text("Education\nNorvale University\nBachelor of Science\n2010 - 2014\nColour Studio\nFigure Drawing\n"
                         "Harlow Atelier\nDiploma\n2008 - 2010\nStill Life\n\nSkills\nR\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.0.institution", "Norvale University");
  ASSERT_FIELD(d, "education.1.institution", "Harlow Atelier");
  json_decref(d);
}
END_TEST

/* One date for two entries: the second entry's block ("Field, Degree" /
 * "School") or a one-line "Degree Field at School" opens an entry of its
 * own. */
START_TEST(test_edu_second_entry_without_date) {
  json_t *d = parse_text("Education\n\nMarine Ecology, Master of Science\n2016 \xe2\x80\x94 2018\nHarlow University, Tennant\n\n"
                         "Field Methods\n\nBiology, Bachelor of Science\nFenwick College, Ostrava\n\nSkills\n\nR\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.0.institution", "Harlow University, Tennant");
  ASSERT_FIELD(d, "education.1.institution", "Fenwick College, Ostrava");
  json_decref(d);
  d = parse_text("Education\nResearch Fellow in Ecology at Harlow University\t2016 - 2018\nField Methods\n"
                 "Bachelor of Science Biology at Fenwick College\n\nSkills\n\nR\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.0.institution", "Harlow University");
  ASSERT_FIELD(d, "education.1.institution", "Fenwick College");
  json_decref(d);
}
END_TEST

/* A school without a school word among other capitalised parts: where the
 * section's other entries name their school (here last) settles it. */
START_TEST(test_edu_school_position_from_other_entries) {
  json_t *d = parse_text("Education\nBiology\nBachelor of Science\nNorvale University\n2010 - 2014\n\n"
                         "Workshop Series\nGreen Roofs\nKestrel Garden Trust\n2015 - 2016\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.0.institution", "Norvale University");
  ASSERT_FIELD(d, "education.1.institution", "Kestrel Garden Trust");
  json_decref(d);
  /* the same on one line, the last two pieces read as a place */
  d = parse_text("Education\nBiology, Bachelor of Science, Norvale University\n2010 - 2014\n\n"
                 "Evening Course, Safety Training, Kestrel Power\nCurrently Pursuing\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.1.institution", "Kestrel Power");
  ASSERT_FIELD(d, "education.1.is_current", "true");
  json_decref(d);
}
END_TEST

/* ---- work entries: organisation names and separators (x-work) ---------- */

/* "Role, Organisation, Parent Organisation": the parent is part of the
 * name, not a place; a line stopping on a comma goes on below; "Freelance"
 * on a line of its own is where the role was done, not the role. */
START_TEST(test_work_parent_organisation_and_freelance) {
  json_t *d = parse_text("Jane Roe\n\nExperience\n\n"
                         "Data Fellow, Signal Lab, Northbridge University\n"
                         "Mar 2021 - Present\n"
                         "- Built a corpus of field recordings for the lab.\n\n"
                         "Research Assistant, Tidal Systems Lab, Northbridge University and Coastal Lab,\n"
                         "Harbour Institute\n"
                         "Jan 2019 - Feb 2021\n"
                         "- Ran the survey programme.\n\n"
                         "Freelance\n\n"
                         "Web Developer\n\n"
                         "2016 - 2018\n\n"
                         "Made sites for local shops and a bakery in town.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 3);
  ASSERT_FIELD(d, "work_experience.0.title", "Data Fellow");
  ASSERT_FIELD(d, "work_experience.0.company", "Signal Lab, Northbridge University");
  ASSERT_FIELD(d, "work_experience.1.title", "Research Assistant");
  ASSERT_FIELD(d, "work_experience.1.company",
               "Tidal Systems Lab, Northbridge University and Coastal Lab, Harbour Institute");
  ASSERT_FIELD(d, "work_experience.2.company", "Freelance");
  ASSERT_FIELD(d, "work_experience.2.title", "Web Developer");
  json_decref(d);
}
END_TEST

/* "at" inside a school's name after "Role, "; a label line ("HIGHLIGHTS")
 * between names and description names nothing; a long "Role, School" line
 * is still a name line. */
START_TEST(test_work_at_in_school_name_and_entry_labels) {
  json_t *d = parse_text("Jane Roe\n\nExperience\n\n"
                         "Lecturer, Northern State University of Lakeland at Pine Hill\n"
                         "September 2015 - June 2019\n\n"
                         "Member of the faculty of the School of Design\n\n"
                         "HIGHLIGHTS\n\n"
                         "Taught studio courses in type design and printing\n"
                         "Served on hiring committees\n\n"
                         "Curator, Harbour Museum\n"
                         "July 2019 - Present\n\n"
                         "Runs the print collection and the reading room\n\n"
                         "HIGHLIGHTS\n\n"
                         "Opened two shows a year\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.title", "Lecturer");
  ASSERT_FIELD(d, "work_experience.0.company", "Northern State University of Lakeland at Pine Hill");
  ASSERT_FIELD(d, "work_experience.1.title", "Curator");
  ASSERT_FIELD(d, "work_experience.1.company", "Harbour Museum");
  json_decref(d);
  /* the school's "at" does not make its line hold both names */
  d = parse_text("Jane Roe\n\nExperience\n\n"
                 "Northern State University of Lakeland at Pine Hill\n01/2015 - 06/2019\nLecturer\n"
                 "Taught studio courses in type design and printing to first-year students.\n\n"
                 "Harbour Museum\n07/2019 - 06/2023\nCurator\n"
                 "Ran the print collection and the reading room and opened two shows a year.\n");
  ASSERT_FIELD(d, "work_experience.0.title", "Lecturer");
  ASSERT_FIELD(d, "work_experience.0.company", "Northern State University of Lakeland at Pine Hill");
  json_decref(d);
}
END_TEST

/* "Role - Speciality, Employer" with the employer of every entry at the
 * end of the line: the dash piece qualifies the role, the repeated name
 * is the employer. */
START_TEST(test_work_title_qualifier_and_repeated_employer) {
  json_t *d = parse_text("Jane Roe\n\nExperience\n\n"
                         "Platform Architect, Northwind Power\n\n"
                         "Jan 2018 - Present\n\n"
                         "Designs the platform that runs the billing systems.\n\n"
                         "Lead Architect - Digital Commerce, Northwind Power\n\n"
                         "Jan 2014 - Dec 2017\n\n"
                         "Ran the team that rebuilt the web shop.\n\n"
                         "Web Developer, Northwind Power\n\n"
                         "Jan 2010 - Dec 2013\n\n"
                         "Built pages and forms for the customer portal.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 3);
  ASSERT_FIELD(d, "work_experience.1.title", "Lead Architect - Digital Commerce");
  ASSERT_FIELD(d, "work_experience.1.company", "Northwind Power");
  json_decref(d);
  /* "Title - Qualifier at Company": the organisation word of the
   * qualifier does not make it the company */
  d = parse_text("Jane Roe\n\nExperience\n"
                 "Lead Architect - Digital Commerce at Northwind Power\nJan 2014 - Dec 2017\n"
                 "- Ran the team that rebuilt the web shop.\n");
  ASSERT_FIELD(d, "work_experience.0.title", "Lead Architect - Digital Commerce");
  ASSERT_FIELD(d, "work_experience.0.company", "Northwind Power");
  json_decref(d);
}
END_TEST

/* Flat text (a DOCX without styles): "Organisation / dates / Role" per
 * entry, no descriptions.  The role under the dates belongs to the entry
 * above, not to the next one; "Cloud Architecture at Acme": an
 * organisation word before "at" does not make it one name. */
START_TEST(test_work_flat_entries_follow_the_first_and_last) {
  json_t *d = parse_text("Jan Nowak\n\nWork\n"
                         "Harbour Trust\n"
                         " January 2021 - Present \n"
                         "kierownik projektu\n"
                         "Lakeside Cooperative\n"
                         " April 2018 - December 2020 \n"
                         "koordynator wolontariuszy\n"
                         "Northern Rail\n"
                         " May 2015 - March 2018 \n"
                         "konduktor\n"
                         "Skills\nExcel\n\n"
                         "Experience\nCloud Architecture at Pinewood Systems\nMar 2012 - Apr 2015\n"
                         "- Moved the data centre to a cloud.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 4);
  ASSERT_FIELD(d, "work_experience.0.company", "Harbour Trust");
  ASSERT_FIELD(d, "work_experience.0.title", "kierownik projektu");
  ASSERT_FIELD(d, "work_experience.1.company", "Lakeside Cooperative");
  ASSERT_FIELD(d, "work_experience.1.title", "koordynator wolontariuszy");
  ASSERT_FIELD(d, "work_experience.2.company", "Northern Rail");
  ASSERT_FIELD(d, "work_experience.2.title", "konduktor");
  ASSERT_FIELD(d, "work_experience.3.company", "Pinewood Systems");
  ASSERT_FIELD(d, "work_experience.3.title", "Cloud Architecture");
  json_decref(d);
}
END_TEST

/* Sections without bullets, one name a line: the employer above the row
 * of role and dates, the role's end on the line below the row or inside
 * an unclosed bracket, and a dash inside a role when the section's other
 * entries print one name a line. */
START_TEST(test_work_section_template_names_above_rows) {
  json_t *d = parse_text("Jane Roe\n\nWork\n\n"
                         "Northwind Power\n\n"
                         "Platform Technology\t2018-01-01 - Present\thttps://northwind.example\n"
                         "Architect\n\n"
                         "Designs the platform that runs the billing systems and the meters.\n\n"
                         "Northwind Power\n\n"
                         "Practice Lead (Portal, 2014-01-01 - 2017-12-01\thttps://northwind.example\n"
                         "Search, Mobile)\n\n"
                         "Ran the practice that built the portal and the search for customers.\n\n"
                         "Lakeside Bank\n\n"
                         "Web Developer\t2010-01-01 - 2013-12-01\thttps://lakeside.example\n\n"
                         "Built pages and forms for the customer portal of the bank.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 3);
  ASSERT_FIELD(d, "work_experience.0.company", "Northwind Power");
  ASSERT_FIELD(d, "work_experience.0.title", "Platform Technology Architect");
  ASSERT_FIELD(d, "work_experience.1.company", "Northwind Power");
  ASSERT_FIELD(d, "work_experience.1.title", "Practice Lead (Portal, Search, Mobile)");
  ASSERT_FIELD(d, "work_experience.2.company", "Lakeside Bank");
  ASSERT_FIELD(d, "work_experience.2.title", "Web Developer");
  json_decref(d);
  d = parse_text("Jane Roe\n\nWork\n\n"
                 "Harbour Museum\n\nCurator\n\n2018 - Present\n\n"
                 "Runs the print collection and the reading room of the museum.\n\n"
                 "Harbour Museum\n\nAssistant Curator - Prints and Drawings\n\n2014 - 2017\n\n"
                 "Catalogued the drawings of the collection for the online archive.\n\n"
                 "Lakeside Gallery\n\nGallery Guide\n\n2011 - 2013\n\n"
                 "Showed visitors round the rooms and answered their questions.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 3);
  ASSERT_FIELD(d, "work_experience.1.company", "Harbour Museum");
  ASSERT_FIELD(d, "work_experience.1.title", "Assistant Curator - Prints and Drawings");
  json_decref(d);
}
END_TEST

/* Precision: a dated line with no role word, no range and nothing done
 * there (an award or a contest that a sidebar pushed into the section) is
 * no job; a description's first sentence, unmarked and wrapped in lower
 * case, is not a name. */
START_TEST(test_work_events_and_wrapped_first_sentence) {
  json_t *d = parse_text("Jane Roe\n\nExperience\n"
                         "Designer, Kestrel Studio (https://kestrel.example)\n"
                         "March 2016 - February 2018\n"
                         "Made the logo, signage, menus, and online shop of Kestrel \xe2\x80\x93 a\n"
                         "small bakery in the old town.\n"
                         "- Doubled the page views.\n"
                         "Developer, Lakeside Bank\n"
                         "June 2014 - February 2016\n"
                         "- Built the forms of the customer portal.\n\n"
                         "Northgate Polytechnic\n"
                         "Apr 2013\n"
                         "Regional Puzzle Contest\n");
  ASSERT_FIELD(d, "work_experience.0.company", "Kestrel Studio");
  ASSERT_FIELD(d, "work_experience.0.title", "Designer");
  ASSERT_FIELD(d, "work_experience.1.company", "Lakeside Bank");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  json_decref(d);
  /* a range inside a sentence dates no entry; without a date, names need
   * a keyword */
  d = parse_text("Jane Roe\n\nExperience\n"
                 "Designer, Kestrel Studio\n"
                 "March 2016 - February 2018\n"
                 "- Doubled the page views.\n"
                 "Gardening\tNeighbours and friends during 2017-2018 lessons as\n"
                 "helper (on request)\n\n"
                 "Rollup, Vite, and Esbuild. Moved the builds\n"
                 "to a faster pipeline.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 1);
  json_decref(d);
}
END_TEST

/* "Role, Organisation" lines where one of them looks like "City, Region"
 * follow the section's other entries; a line of prose with figures under
 * the names is no name; a year left over from a date names nothing. */
START_TEST(test_work_place_shaped_names_prose_and_figures) {
  json_t *d = parse_text("Jane Roe\n\nWork Experience\n\n"
                         "Maker, Tidewater\n\nMar 2019 - Present\n\n"
                         "Started Tidewater, a set of tools for calmer mornings.\n\n"
                         "Software Engineer, Lakeside Bank\n\nJun 2016 - Feb 2019\n\n"
                         "Built the forms of the customer portal.\n\n"
                         "Developer, Harbour Games\n\nJan 2014 - May 2016\n\n"
                         "Made two puzzle games for phones.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 3);
  ASSERT_FIELD(d, "work_experience.0.title", "Maker");
  ASSERT_FIELD(d, "work_experience.0.company", "Tidewater");
  json_decref(d);
  d = parse_text("Jane Roe\n\nExperience\n\n"
                 "Proprietor\t1993 - 2004\nCornerstone\n\n"
                 "Owner and landlord of 4 shop buildings with 60 tenants\n\n"
                 "Assistant Professor\t1977 - 1993\nLakeside University\n\n"
                 "Taught statistics and survey methods to undergraduates.\n\n");
  ASSERT_FIELD(d, "work_experience.0.title", "Proprietor");
  ASSERT_FIELD(d, "work_experience.0.company", "Cornerstone");
  ASSERT_FIELD(d, "work_experience.1.company", "Lakeside University");
  json_decref(d);
  d = parse_text("Jane Roe\n\nExperience\n\nVistaline\n\nGraphics Editor\n\n2012 - 2011\n\nMade charts.\n");
  ASSERT_FIELD(d, "work_experience.0.company", "Vistaline");
  json_decref(d);
}
END_TEST

/* Roles in lower case (as Polish, Spanish or French resumes write them),
 * each alone between blank lines, two roles held together ("role, role")
 * as one title, and a sentence with "the" under a row is no organisation. */
START_TEST(test_work_lower_case_roles_and_role_lists) {
  json_t *d = parse_text("Jan Nowak\n\nWork\n\n"
                         "Fundacja Zielony Most\n\nkoordynator projektu\n\n2013-07-01 - 2016-06-30\n\n"
                         "Stowarzyszenie Rzeka\n\nspecjalista do spraw szkolen, kierownik biura\n2006-01-01 - 2012-04-30\n\n"
                         "Poczta Lakowa\n\nasystent\n1999-08-01 - 2005-08-31\n\n");
  ck_assert_uint_eq(count(d, "work_experience"), 3);
  ASSERT_FIELD(d, "work_experience.0.company", "Fundacja Zielony Most");
  ASSERT_FIELD(d, "work_experience.0.title", "koordynator projektu");
  ASSERT_FIELD(d, "work_experience.1.company", "Stowarzyszenie Rzeka");
  ASSERT_FIELD(d, "work_experience.1.title", "specjalista do spraw szkolen, kierownik biura");
  ASSERT_FIELD(d, "work_experience.2.company", "Poczta Lakowa");
  json_decref(d);
  d = parse_text("Jane Roe\n\nWork\n\nLakeside Bank\n\n"
                 "Software Engineer\t2019-04-08 - 2022-08-29\thttps://lakeside.example\n"
                 "Contributed to the design and the testing of the Lakeside Mobile Banking\n"
                 "app, raising the store rating by a full star.\n");
  ASSERT_FIELD(d, "work_experience.0.company", "Lakeside Bank");
  ASSERT_FIELD(d, "work_experience.0.title", "Software Engineer");
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

/* ---- confidence: each sign of a guessed entry takes it below 0.6 --------- */

/* The confidence of the second entry of a work section whose first entry
 * is a clean one (which must stay a fact). */
static double second_confidence(const char *second) {
  char text[1024];
  snprintf(text, sizeof text,
           "Jane Roe\n\nExperience\n\nSenior Data Engineer\nNorthwind Traders\nJan 2020 - Present\n"
           "- Built pipelines for the billing team.\n\n%s\nMar 2017 - Dec 2019\n- Ran the dispatch system.\n",
           second);
  json_t *d = parse_text(text);
  json_t *w = json_object_get(d, "work_experience");
  ck_assert_uint_eq(json_array_size(w), 2);
  ck_assert_double_ge(json_real_value(json_object_get(json_array_get(w, 0), "confidence")), 0.6);
  double c = json_real_value(json_object_get(json_array_get(w, 1), "confidence"));
  json_decref(d);
  return c;
}

/* A clean second entry is a fact too (the helper's control). */
START_TEST(test_confidence_clean_entry_is_a_fact) {
  ck_assert_double_ge(second_confidence("Data Engineer\nHarbor Logistics"), 0.6);
}
END_TEST

/* A company over its dates with no role: no fact. */
START_TEST(test_confidence_entry_without_role) {
  ck_assert_double_lt(second_confidence("Harbor Logistics"), 0.6);
}
END_TEST

/* "Institute, Atlas" read as "Title, Company": the title has organisation
 * words and no role word, more than the company: names swapped. */
START_TEST(test_confidence_title_reads_as_organisation) {
  ck_assert_double_lt(second_confidence("Harbor Technology Institute, Atlas"), 0.6);
}
END_TEST

/* A role word in both names: which one is the employer was guessed. */
START_TEST(test_confidence_role_word_in_both_names) {
  ck_assert_double_lt(second_confidence("Project Manager\nManager of the Atlas project"), 0.6);
}
END_TEST

/* A company with lower-case words is prose, not a name; a brand with a
 * capital inside its first word is a name. */
START_TEST(test_confidence_prose_company) {
  ck_assert_double_lt(second_confidence("Data Engineer\nServed on several hiring committees"), 0.6);
  ck_assert_double_ge(second_confidence("Data Engineer\neBay Inc"), 0.6);
}
END_TEST

/* A title without a role word, with lower-case words or a figure. */
START_TEST(test_confidence_prose_title) {
  ck_assert_double_lt(second_confidence("Harbor Logistics Inc\nWeb design competition"), 0.6);
  ck_assert_double_lt(second_confidence("Harbor Logistics Inc\nWinner of 2 regional awards"), 0.6);
}
END_TEST

/* A name ending in a joining word was cut short. */
START_TEST(test_confidence_name_cut_short) {
  ck_assert_double_lt(second_confidence("Head of\nHarbor Logistics"), 0.6);
}
END_TEST

/* A header cut into four parts, names without organisation words. */
START_TEST(test_confidence_many_header_parts) {
  ck_assert_double_lt(second_confidence("Data Engineer | Harbor Bay | Blue Sky | Atlas Works"), 0.6);
}
END_TEST

/* The confidence of the second entry of an education section whose first
 * entry is a clean one (which must stay a fact). */
static double second_edu_confidence(const char *second) {
  char text[1024];
  snprintf(text, sizeof text,
           "Jane Roe\n\nEducation\n\nRiverside University\nBachelor of Science\n2015 - 2019\n\n%s\n2019 - 2021\n",
           second);
  json_t *d = parse_text(text);
  json_t *e = json_object_get(d, "education");
  ck_assert_uint_eq(json_array_size(e), 2);
  ck_assert_double_ge(json_real_value(json_object_get(json_array_get(e, 0), "confidence")), 0.6);
  double c = json_real_value(json_object_get(json_array_get(e, 1), "confidence"));
  json_decref(d);
  return c;
}

/* A school named by several capitalised words, or by an acronym, is a
 * fact; a lone word or a name cut short is not, and a lower-case subject
 * is no school. */
START_TEST(test_confidence_education_school_name) {
  ck_assert_double_ge(second_edu_confidence("Harbor State University\nMaster of Science"), 0.6);
  ck_assert_double_ge(second_edu_confidence("MIT\nMaster of Science"), 0.6);
  ck_assert_double_lt(second_edu_confidence("University\nMaster of Science"), 0.6);
  /* (a subject is no school at all: the entry keeps its degree, no school) */
  json_t *d = parse_text("Jane Roe\n\nEducation\n\nRiverside University\nBachelor of Science\n2015 - 2019\n\n"
                         "political science\nMaster of Science\n2019 - 2021\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.1.institution", NULL);
  ASSERT_FIELD(d, "education.1.degree", "Master of Science");
  json_decref(d);
  ck_assert_double_lt(second_edu_confidence("Master of Science\nUniversidad Técnica de"), 0.6);
}
END_TEST

/* x-dev2: section names in a left label column, one space from the row's
 * content ("Work Platform Engineer"), in a document that does it for three
 * sections; the same words at the start of one line elsewhere stay content. */
START_TEST(test_label_column_one_space) {
  json_t *d = parse_text("Ada Brook\nada@example.org\n\n"
                         "Work Platform Engineer\nQuarry Labs\nMar 2019 - Present\n"
                         "Ran the build farm.\n\nRelease Engineer\nHarbor Trust\nJan 2015 - Feb 2019\n"
                         "Wrote the release tooling.\n\n"
                         "Education Riverside University\nBachelor of Arts\n2010 - 2014\n\n"
                         "Skills Python\tSQL\tGo\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Quarry Labs");
  ASSERT_FIELD(d, "work_experience.0.title", "Platform Engineer");
  ASSERT_FIELD(d, "work_experience.1.company", "Harbor Trust");
  ck_assert_uint_eq(count(d, "education"), 1);
  ASSERT_FIELD(d, "education.0.institution", "Riverside University");
  json_decref(d);
  /* a label the extractor did set apart by a tab counts as evidence too */
  d = parse_text("Ada Brook\n\nWork Platform Engineer\nQuarry Labs\nMar 2019 - Present\n"
                 "Ran the build farm.\n\nEducation Riverside University\nBachelor of Arts\n2010 - 2014\n\n"
                 "Skills\tPython\tSQL\n");
  ck_assert_uint_eq(count(d, "work_experience"), 1);
  ASSERT_FIELD(d, "work_experience.0.company", "Quarry Labs");
  json_decref(d);
  /* one such line is no label column: the heading stays the section's */
  d = parse_text("Ada Brook\n\nExperience\n\nEducation Coordinator\nRiverside University\n"
                 "Mar 2019 - Present\nRan the tutoring programme.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 1);
  ck_assert_uint_eq(count(d, "education"), 0);
  json_decref(d);
}
END_TEST

/* x-dev2: "Project Experience" or "Volunteer Experience" ends the work
 * section: the word before the head noun names the section. */
START_TEST(test_project_experience_heading_is_not_work) {
  json_t *d = parse_text("Ada Brook\n\nWork Experience\n\nPlatform Engineer, Quarry Labs\n2019 - Present\n"
                         "Ran the build farm.\n\nProject Experience\n\nTide Gauge Viewer, Open Data Group\n"
                         "2018 - 2019\nBuilt a viewer for the tide archive.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 1);
  ASSERT_FIELD(d, "work_experience.0.company", "Quarry Labs");
  json_decref(d);
}
END_TEST

/* x-dev2: a paragraph that begins right under the dates and wraps into
 * lower case is the description, not the entry's second name. */
START_TEST(test_wrapped_paragraph_under_dates_is_no_name) {
  json_t *d = parse_text("Ada Brook\n\nExperience\n\nQuarry Labs\nMar 2019 - Present\n"
                         "Build and run the whole delivery platform for the mobile and the web\n"
                         "teams of the company, from the build farm to the release dashboards.\n\n"
                         "Harbor Trust\nJan 2015 - Feb 2019\n"
                         "Kept the ledger service and the nightly batch jobs of the bank running\n"
                         "through two data centre moves and one change of the core system.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Quarry Labs");
  ASSERT_FIELD(d, "work_experience.1.company", "Harbor Trust");
  json_t *w = json_array_get(json_object_get(d, "work_experience"), 0);
  ck_assert_msg(json_is_null(json_object_get(w, "title")), "title: %s",
                json_string_value(json_object_get(w, "title")));
  json_decref(d);
}
END_TEST

/* x-dev2: "Organisation / dates" blocks with the role alone below them: an
 * organisation cut by its column is one name, and a lower-case role alone
 * between blank lines is the role. */
START_TEST(test_role_alone_below_organisation_block) {
  json_t *d = parse_text("Ada Brook\n\nExperience\n\nStowarzyszenie Przyjaciół Ziemi\nPomorskiej\n"
                         "January 2021 - Present\n\nKoordynator projektów\n\n"
                         "Urząd Miasta Gdańska\nApril 2019 - October 2020\n\nkierownik wydziału\n\n"
                         "Fundacja Morska\nJuly 2013 - June 2016\n\nspecjalista do spraw kadr\n");
  ck_assert_uint_eq(count(d, "work_experience"), 3);
  ASSERT_FIELD(d, "work_experience.0.title", "Koordynator projektów");
  ASSERT_FIELD(d, "work_experience.1.company", "Urząd Miasta Gdańska");
  ASSERT_FIELD(d, "work_experience.1.title", "kierownik wydziału");
  ASSERT_FIELD(d, "work_experience.2.title", "specjalista do spraw kadr");
  json_decref(d);
}
END_TEST

/* x-dev2: "Courses" under each school is a part of the entry: the schools
 * after the first one stay in the education section. */
START_TEST(test_courses_label_in_every_school) {
  json_t *d = parse_text("Ada Brook\n\nEducation\n\nRiverside University\nBachelor of Arts in History\n2010 - 2014\n"
                         "Courses\nMedieval trade\nArchive methods\n\nHillcrest College\nMaster of Science in Statistics\n"
                         "2015 - 2017\nCourses\nSampling\nTime series\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.1.institution", "Hillcrest College");
  json_decref(d);
}
END_TEST

/* x-dev2: "University of X at Y" is one name; "Engineer at Acme" is two. */
START_TEST(test_at_inside_organisation_name) {
  json_t *d = parse_text("Ada Brook\n\nExperience\n\nAssistant Professor\nState University of Ohio at Lima\n"
                         "Jan 1990 - Jun 1997\n\nTaught the methods courses of the department.\n"
                         "Served on the library committee.\nRan the reading group.\n\n"
                         "Engineer at Quarry Labs\nJan 1985 - Dec 1989\n\nBuilt the first test rig.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "State University of Ohio at Lima");
  ASSERT_FIELD(d, "work_experience.0.title", "Assistant Professor");
  ASSERT_FIELD(d, "work_experience.1.company", "Quarry Labs");
  json_decref(d);
}
END_TEST

/* x-dev2: "Marine Lab, Riverside University" above the dates is one name:
 * the role on the line above it still belongs to the entry. */
START_TEST(test_two_organisations_with_comma_one_name) {
  json_t *d = parse_text("Ada Brook\n\nExperience\n\nResearch Assistant\nMarine Lab, Riverside University\n"
                         "Jul 2020 - Present\nBuilt and maintained the pipelines that clean the sonar data.\n"
                         "Benchmarked the models against field counts.\nWrote the lab's style guide.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 1);
  ASSERT_FIELD(d, "work_experience.0.company", "Marine Lab, Riverside University");
  ASSERT_FIELD(d, "work_experience.0.title", "Research Assistant");
  json_decref(d);
}
END_TEST

/* x-dev2: "Freelance" on a line of its own beside a role is the employer
 * slot. */
START_TEST(test_freelance_in_the_employer_slot) {
  json_t *d = parse_text("Ada Brook\n\nExperience\n\nFreelance\nMarch 2019 - Present\n\nWeb Developer\n"
                         "Built shop sites for small firms and kept them running for years.\n"
                         "Wrote the booking plugin.\nRan the hosting.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 1);
  ASSERT_FIELD(d, "work_experience.0.company", "Freelance");
  ASSERT_FIELD(d, "work_experience.0.title", "Web Developer");
  json_decref(d);
}
END_TEST

/* x-dev2: "Name, Headline" on the first line: the name ends at the comma
 * when a role word follows it. */
START_TEST(test_name_comma_headline) {
  json_t *d = parse_text("Ada Brook, Senior Platform Engineer and Mentor\nada@example.org | +44 20 7946 0000\n\n"
                         "Experience\n\nPlatform Engineer, Quarry Labs\n2019 - Present\n");
  ASSERT_FIELD(d, "contact.name", "Ada Brook");
  json_decref(d);
}
END_TEST

/* x-dev2: "Languages ⇥ advanced" inside a skills section is a category of
 * programming languages with its level, not the spoken-languages section. */
START_TEST(test_languages_category_row_in_skills) {
  json_t *d = parse_text("Ada Brook\n\nSkills\n\nWeb\tadvanced\nHTML\tCSS\nLanguages\tadvanced\nPython\tHaskell\n");
  json_t *sk = json_object_get(d, "skills");
  bool found = false;
  for (size_t i = 0; i < json_array_size(sk); i++) {
    const char *n = json_string_value(json_object_get(json_array_get(sk, i), "name"));
    if (n && strcmp(n, "Haskell") == 0) found = true;
  }
  ck_assert_msg(found, "Haskell not among the skills");
  json_decref(d);
}
END_TEST

/* x-dev2: a place between the organisation and the dates is no name: the
 * role below the block is still looked for. */
START_TEST(test_place_above_dates_is_no_name) {
  json_t *d = parse_text("Ada Brook\n\nExperience\n\nRiverside University\nLeeds, United Kingdom\n"
                         "August 2021 - December 2022\n\nResearch Assistant\n"
                         "Collected and cleaned the survey data for the lab.\n"
                         "Wrote the analysis scripts and kept them tested.\nRan the weekly reading group.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 1);
  ASSERT_FIELD(d, "work_experience.0.company", "Riverside University");
  ASSERT_FIELD(d, "work_experience.0.title", "Research Assistant");
  json_decref(d);
}
END_TEST

/* x-dev2: a role in lower case above the organisation and the dates, all
 * in one block: the role is the line touching the block's names. */
START_TEST(test_lower_case_role_above_organisation) {
  json_t *d = parse_text("Ada Brook\n\nExperience\n\nkierownik wydziału\nUrząd Miasta Gdańska\nApr 2019 - Oct 2020\n\n"
                         "specjalista do spraw kadr\nFundacja Morska\nJul 2013 - Jun 2016\n"
                         "Ran the payroll of the foundation and its two branches.\nHired the staff.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Urząd Miasta Gdańska");
  ASSERT_FIELD(d, "work_experience.0.title", "kierownik wydziału");
  ASSERT_FIELD(d, "work_experience.1.title", "specjalista do spraw kadr");
  json_decref(d);
}
END_TEST

/* x-dev2: one-line "Organisation, Role" entries, some with their dates on
 * the same line and some on the line below. */
START_TEST(test_one_line_entries_dates_same_line_or_below) {
  json_t *d = parse_text("Ada Brook\n\nExperience\n\nQuarry Labs, platform engineer 2019-03-01 - 2021-06-30\n"
                         "Harbor Trust, release engineer\n2016-01-01 - 2019-02-28\n"
                         "Nordwind, build clerk\n2014-01-01 - 2015-12-31\n");
  ck_assert_uint_eq(count(d, "work_experience"), 3);
  ASSERT_FIELD(d, "work_experience.1.company", "Harbor Trust");
  ASSERT_FIELD(d, "work_experience.1.title", "release engineer");
  ASSERT_FIELD(d, "work_experience.1.start_date", "2016-01");
  ASSERT_FIELD(d, "work_experience.2.company", "Nordwind");
  json_decref(d);
}
END_TEST

/* x-dev2: organisation and dates first, the role below them after a blank
 * line, then a "Highlights" list: the list's short lines are the entry's
 * highlights, not the next entry's names. */
START_TEST(test_highlights_list_before_next_organisation) {
  json_t *d = parse_text("Ada Brook\n\nExperience\n\nQuarry Labs\nhttps://quarry.example\nMarch 2019 - Present\n\n"
                         "Platform Engineer\nRan the build farm and the package mirror for four product teams.\n"
                         "Highlights\n\nCut build times in half\n\nMoved every team to one pipeline\n\n"
                         "Harbor Trust\nhttps://harbor.example\nJanuary 2015 - February 2019\n\n"
                         "Release Engineer\nWrote the release tooling and kept the branches in order for them.\n"
                         "Highlights\n\nShipped forty releases\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Quarry Labs");
  ASSERT_FIELD(d, "work_experience.0.title", "Platform Engineer");
  ASSERT_FIELD(d, "work_experience.1.company", "Harbor Trust");
  ASSERT_FIELD(d, "work_experience.1.title", "Release Engineer");
  json_decref(d);
}
END_TEST

/* x-dev2: a highlight holding a single date ("Featured in the May 2014
 * issue") opens no entry of its own. */
START_TEST(test_date_inside_highlight_is_no_entry) {
  json_t *d = parse_text("Ada Brook\n\nExperience\n\nQuarry Labs\nhttps://quarry.example\nMarch 2019 - Present\n\n"
                         "Platform Engineer\nRan the build farm and the package mirror for four product teams.\n"
                         "Highlights\n\nFeatured in Build Weekly\nMay 2014 Issue\n\nCut build times in half\n\n"
                         "Harbor Trust\nhttps://harbor.example\nJanuary 2015 - February 2019\n\n"
                         "Release Engineer\nWrote the release tooling and kept the branches in order for them.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.1.company", "Harbor Trust");
  ASSERT_FIELD(d, "work_experience.1.title", "Release Engineer");
  json_decref(d);
}
END_TEST

/* An e-mail address that a narrow column wrapped after a dot or a hyphen
 * of its local part is whole again; a word before an address is not part
 * of it. */
START_TEST(test_contact_wrapped_email) {
  json_t *d = parse_text("Jane Roe\nData Engineer\njane.\nroe@example.org\n");
  ASSERT_FIELD(d, "contact.email", "jane.roe@example.org");
  json_decref(d);
  d = parse_text("Jane Roe\nData Engineer\nPhone\t555 010 4477\nE-mail\tmarie-claire-\n\tdupont@example.fr\n");
  ASSERT_FIELD(d, "contact.email", "marie-claire-dupont@example.fr");
  json_decref(d);
  d = parse_text("Jane Roe\nWrite to me at\nroe@example.org\n");
  ASSERT_FIELD(d, "contact.email", "roe@example.org");
  json_decref(d);
  d = parse_text("Jane Roe\nBased in St.\nroe@example.org\n");
  ASSERT_FIELD(d, "contact.email", "roe@example.org");
  json_decref(d);
  /* wrapped inside the domain: after a dot, or with nothing before the dot */
  d = parse_text("Jane Roe\nData Engineer\njane.roe@mail.example.\norg\n");
  ASSERT_FIELD(d, "contact.email", "jane.roe@mail.example.org");
  json_decref(d);
  d = parse_text("Jane Roe\nData Engineer\nPhone 555 010 4477 | roe@example.\nes\n");
  ASSERT_FIELD(d, "contact.email", "roe@example.es");
  json_decref(d);
}
END_TEST

/* x-de: German writes a role as one compound ending in the role
 * ("Vertriebsleiterin", "Softwareentwickler"); the compound is a role, so
 * the organisation line below it stays the organisation. */
START_TEST(test_german_compound_role_first) {
  json_t *d = parse_text("Ada Brook\n\nExperience\n\nVertriebsleiterin\nHafenkontor Handels GmbH\n2019 - 2021\n"
                         "Betreute die Kunden im Norden.\n\nSoftwareentwickler\nQuarzwerk Systeme AG\n2016 - 2019\n"
                         "Schrieb den Compiler neu.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Hafenkontor Handels GmbH");
  ASSERT_FIELD(d, "work_experience.0.title", "Vertriebsleiterin");
  json_decref(d);
}
END_TEST

/* x-de: an accented capital ("École", "UNIVERSITÉ") matches the school
 * word written in lower case; the school is found after degree and field. */
START_TEST(test_accented_capital_school_word) {
  json_t *d = parse_text("Ada Brook\n\nEducation\n\nMécanique, Master, Université de Nordville\n\n"
                         "Sep, 2011 - Jun, 2013\n\nGénie civil, Licence, École supérieure des mines\n\n"
                         "Sep, 2008 - Jun, 2011\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.1.institution", "École supérieure des mines");
  ASSERT_FIELD(d, "education.1.degree", "Licence");
  json_decref(d);
}
END_TEST

/* x-de: French and Spanish role and organisation words ("Technicienne",
 * "Arquitecta", "Société", "Grupo") split organisation from role. */
START_TEST(test_french_spanish_role_and_organisation_words) {
  json_t *d = parse_text("Ada Brook\n\nExperience\n\nSociété des Eaux du Nord\nTechnicienne réseau\n2019 - 2021\n"
                         "Maintenance du parc.\n\nGrupo Aldea\nArquitecta de sistemas\n2016 - 2019\nDiseño de la red.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Société des Eaux du Nord");
  ASSERT_FIELD(d, "work_experience.0.title", "Technicienne réseau");
  ASSERT_FIELD(d, "work_experience.1.company", "Grupo Aldea");
  ASSERT_FIELD(d, "work_experience.1.title", "Arquitecta de sistemas");
  json_decref(d);
}
END_TEST

/* x-de: a French resume, role first, the current entry ending in
 * "aujourd'hui": the whole word is the date's, no "'hui" is left over to be
 * read as a name. */
START_TEST(test_french_headings_role_first_aujourdhui) {
  json_t *d = parse_text("Ada Brook\nCheffe de projet\n\nEXPÉRIENCE PROFESSIONNELLE\n\nCheffe de projet\n"
                         "Société Lumière SAS, Lyon\njanvier 2019 – aujourd'hui\nPilotage de projets de refonte.\n\n"
                         "Développeuse web\nAtelier Rhône SARL, Lyon\njuin 2015 – décembre 2018\n"
                         "Développement d'applications en PHP.\n\nFORMATION\n\nMaster Informatique\n"
                         "Université de Nordville\n2011 – 2013\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.title", "Cheffe de projet");
  ASSERT_FIELD(d, "work_experience.0.start_date", "2019-01");
  ck_assert(json_is_true(json_object_get(json_array_get(json_object_get(d, "work_experience"), 0), "is_current")));
  ASSERT_FIELD(d, "education.0.institution", "Université de Nordville");
  json_decref(d);
}
END_TEST

/* x-de: a narrow column wraps a school's name before a joining word
 * ("Universidad Complutense" / "de Madrid", "Hochschule für Technik" /
 * "und Wirtschaft"); the line below goes on with the name. */
START_TEST(test_school_name_wrapped_before_joining_word) {
  json_t *d = parse_text("Ada Brook\n\nEducation\n\n2018\n2019\n\nUniversidad Nueva\nde Nordvilla\nMáster\n"
                         "Ciencia de Datos\n\n2012\n2016\n\nHochschule für Technik\nund Wirtschaft\n"
                         "Bachelor of Science\nInformatik\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.0.institution", "Universidad Nueva de Nordvilla");
  ASSERT_FIELD(d, "education.1.institution", "Hochschule für Technik und Wirtschaft");
  json_decref(d);
}
END_TEST

/* x-de: more German and French section headings ("BERUFLICHE STATIONEN",
 * "AKADEMISCHE AUSBILDUNG", "EDV-KENNTNISSE", "FREMDSPRACHEN",
 * "PARCOURS PROFESSIONNEL", "DIPLÔMES"). */
START_TEST(test_german_french_section_headings) {
  json_t *d = parse_text("Ada Brook\nada@example.de\n\nBERUFLICHE STATIONEN\n\nProjektleiterin\nNordwerk Systeme GmbH\n"
                         "04/2021 – heute\nLeitung eines Teams.\n\nAKADEMISCHE AUSBILDUNG\n\nMaster of Science Informatik\n"
                         "Technische Universität Nordstadt\n2015 – 2017\n\nEDV-KENNTNISSE\nGo, Python, Docker\n\n"
                         "FREMDSPRACHEN\nDeutsch (Muttersprache), Englisch (fließend)\n");
  ck_assert_uint_eq(count(d, "work_experience"), 1);
  ASSERT_FIELD(d, "work_experience.0.company", "Nordwerk Systeme GmbH");
  ck_assert_uint_eq(count(d, "education"), 1);
  ck_assert_uint_eq(count(d, "languages"), 2);
  json_decref(d);
  d = parse_text("Ada Brook\nada@example.fr\n\nPARCOURS PROFESSIONNEL\n\nDéveloppeuse web\nAtelier Rhône SARL\n"
                 "juin 2015 – décembre 2018\nDéveloppement d'applications.\n\nDIPLÔMES\n\nLicence Informatique\n"
                 "Université de Nordville\n2012 – 2015\n");
  ck_assert_uint_eq(count(d, "work_experience"), 1);
  ASSERT_FIELD(d, "work_experience.0.title", "Développeuse web");
  ASSERT_FIELD(d, "education.0.institution", "Université de Nordville");
  json_decref(d);
}
END_TEST

/* A short line of lower-case words under an entry's dates, without a full
 * stop, is what was done there, not the next entry's names; a role line
 * in lower case stays a role. */
START_TEST(test_short_sentence_under_dates_is_description) {
  json_t *d = parse_text("Ada Brook\n\nExperience\n\nFloor Supervisor at Kettle Yard\nMar 2019 - Present\n"
                         "Counted the stock and trained new staff\n\n"
                         "Cashier at Plumline\nJun 2016 - Feb 2019\n"
                         "Handled the till and restocked shelves\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Kettle Yard");
  ASSERT_FIELD(d, "work_experience.1.company", "Plumline");
  ASSERT_FIELD(d, "work_experience.1.title", "Cashier");
  json_decref(d);
  /* an organisation over its dates, the role in lower case below them */
  d = parse_text("Ada Brook\n\nExperience\n\nKettle Yard Foundation\nMar 2019 - Present\n"
                 "coordinator of regional volunteer programmes\n");
  ck_assert_uint_eq(count(d, "work_experience"), 1);
  ASSERT_FIELD(d, "work_experience.0.title", "coordinator of regional volunteer programmes");
  json_decref(d);
  /* the names on the dated row itself */
  d = parse_text("Ada Brook\n\nExperience\nShift Lead at Kettle Yard\tJul 2018 - Mar 2020\n"
                 "Ran the night shift in receiving\nCashier at Plumline\tSep 2014 - Apr 2016\n"
                 "Handled the till and restocked shelves\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Kettle Yard");
  ASSERT_FIELD(d, "work_experience.1.company", "Plumline");
  json_decref(d);
  /* "Organisation, lower-case role" after a blank line is the next entry */
  d = parse_text("Ada Brook\n\nExperience\nFundacja Kettle, specjalista do spraw rynku pracy\t2006 - 2012\n\n"
                 "Związek Spółdzielni Plumline, samodzielny specjalista do spraw rehabilitacji\n2003 - 2005\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  json_decref(d);
}
END_TEST

/* A short sentence after an entry's first description line, or a verb in
 * the past with two lower-case words under its dates, stays description;
 * the next entry's names follow. */
START_TEST(test_short_sentence_among_bullets_is_description) {
  json_t *d = parse_text("Ada Brook\n\nExperience\n\nHead Baker at Kettle Yard\tMar 2019 - Present\n"
                         "Neighbourhood bakery with two shops.\nBake the morning bread and pastries\n"
                         "Cashier at Plumline\tJun 2016 - Feb 2019\n\n"
                         "Courier, Fennick\nJan 2014 - May 2016\nDelivered and collected parcels\n\n"
                         "Porter, Lindquay\nJan 2012 - Dec 2013\n");
  ck_assert_uint_eq(count(d, "work_experience"), 4);
  ASSERT_FIELD(d, "work_experience.1.company", "Plumline");
  ASSERT_FIELD(d, "work_experience.1.title", "Cashier");
  ASSERT_FIELD(d, "work_experience.3.company", "Lindquay");
  json_decref(d);
}
END_TEST

/* Roles outside offices and organisations named by their trade: "Aide",
 * "Dishwasher", "Diner", "Bakery" tell which name is which. */
START_TEST(test_care_kitchen_roles_and_places) {
  json_t *d = parse_text("Ada Brook\n\nExperience\n\nHome Care Aide\nOrchard Lane Care\n2013 - 2016\n\n"
                         "Gull Point Diner\nDishwasher\n2011 - 2013\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.title", "Home Care Aide");
  ASSERT_FIELD(d, "work_experience.0.company", "Orchard Lane Care");
  ASSERT_FIELD(d, "work_experience.1.title", "Dishwasher");
  ASSERT_FIELD(d, "work_experience.1.company", "Gull Point Diner");
  json_decref(d);
}
END_TEST

/* "Role, Unit" with the employer beside it: the unit is part of the title;
 * "Department of ..." is an employer. */
START_TEST(test_unit_after_role_joins_title) {
  json_t *d = parse_text("Ada Brook\n\nExperience\n\nCharge Nurse, Cardiac Unit at Fenwick General Hospital\n"
                         "Jan 2019 - Present\n\n"
                         "Staff Nurse, Surgical Ward, Holloway Memorial Hospital\nJan 2015 - Dec 2018\n\n"
                         "Analyst, Department of Transport\nJan 2012 - Dec 2014\n");
  ck_assert_uint_eq(count(d, "work_experience"), 3);
  ASSERT_FIELD(d, "work_experience.0.title", "Charge Nurse, Cardiac Unit");
  ASSERT_FIELD(d, "work_experience.0.company", "Fenwick General Hospital");
  ASSERT_FIELD(d, "work_experience.1.title", "Staff Nurse, Surgical Ward");
  ASSERT_FIELD(d, "work_experience.1.company", "Holloway Memorial Hospital");
  ASSERT_FIELD(d, "work_experience.2.title", "Analyst");
  ASSERT_FIELD(d, "work_experience.2.company", "Department of Transport");
  json_decref(d);
}
END_TEST

/* Names on lines of their own, the dates below the role and no bullet
 * marks: the short sentence right under the dates is the description, not
 * the entry's employer, and the next employer is no description. */
START_TEST(test_short_sentence_under_dates_not_a_name_below) {
  json_t *d = parse_text("Ada Brook\n\nExperience\n\nKettle Yard\n\nHead Gardener\n2019-03 - Present\n\n"
                         "Designed planting schemes for three public parks\n\nPlumline\n\nGardener\n"
                         "2014-08 - 2019-02\nMowed lawns and pruned hedges for local councils\n"
                         "Led the seasonal volunteer days\n\nFennick Nursery\n\nSeasonal Helper\n"
                         "2012-06 - 2014-07\n\nPotted seedlings for the spring sale\n");
  ck_assert_uint_eq(count(d, "work_experience"), 3);
  ASSERT_FIELD(d, "work_experience.1.company", "Plumline");
  ASSERT_FIELD(d, "work_experience.1.title", "Gardener");
  json_decref(d);
}
END_TEST

/* A degree whose name holds a school word ("High School Diploma") is one
 * degree: not cut after its first word, not a second school, not the
 * school before "at". */
START_TEST(test_degree_name_with_school_word) {
  json_t *d = parse_text("Ada Brook\n\nEducation\n\nMarsh Hill High School\nHigh School Diploma\n"
                         "Jan 2009 - Jan 2013\n");
  ck_assert_uint_eq(count(d, "education"), 1);
  ASSERT_FIELD(d, "education.0.institution", "Marsh Hill High School");
  ASSERT_FIELD(d, "education.0.degree", "High School Diploma");
  json_decref(d);
  d = parse_text("Ada Brook\n\nEducation\n\nHigh School Diploma\nMarsh Hill High School\n\n2013\n");
  ck_assert_uint_eq(count(d, "education"), 1);
  ASSERT_FIELD(d, "education.0.institution", "Marsh Hill High School");
  json_decref(d);
  d = parse_text("Ada Brook\n\nEducation\n\nHigh School Diploma at Marsh Hill High School\n2009 - 2013\n");
  ck_assert_uint_eq(count(d, "education"), 1);
  ASSERT_FIELD(d, "education.0.institution", "Marsh Hill High School");
  ASSERT_FIELD(d, "education.0.degree", "High School Diploma");
  json_decref(d);
}
END_TEST

/* "Education" as a teacher's field of study, next to the degree inside the
 * education section, is no second heading. */
START_TEST(test_field_named_education) {
  json_t *d = parse_text("Ada Brook\n\nEDUCATION\n\nMarsh Hill College\n\nEducation\nBachelor of Arts\n\n"
                         "2007 - 2011\n\nFennick Design School\n\nCertificate\n\n2020 - 2021\n");
  ck_assert_uint_eq(count(d, "education"), 2);
  ASSERT_FIELD(d, "education.0.institution", "Marsh Hill College");
  ASSERT_FIELD(d, "education.0.degree", "Bachelor of Arts");
  ASSERT_FIELD(d, "education.0.field_of_study", "Education");
  json_decref(d);
}
END_TEST

/* An entry printed as organisation, city, dates, blank, role: the city is
 * neither company nor title, the role after the blank line belongs to it. */
START_TEST(test_org_city_dates_block_then_role) {
  json_t *d = parse_text("Ada Brook\n\nEXPERIENCE\n\nNorthwind Traders\nLeipzig\nMar 2019 - Present\n\n"
                         "Senior Developer\n- Built the billing service that takes the payments of every store\n"
                         "- Led three engineers\n\n"
                         "Bluegate Systems\nBoston, MA\nJan 2015 - Feb 2019\n\nSoftware Engineer\n"
                         "- Wrote the reporting tools\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Northwind Traders");
  ASSERT_FIELD(d, "work_experience.0.title", "Senior Developer");
  ASSERT_FIELD(d, "work_experience.1.company", "Bluegate Systems");
  ASSERT_FIELD(d, "work_experience.1.title", "Software Engineer");
  json_decref(d);
}
END_TEST

START_TEST(test_org_comma_city_dates_block_then_role_german) {
  json_t *d = parse_text("Ada Brook\n\nBERUFSERFAHRUNG\n\nNordwind Handelshaus, Leipzig\n03/2019 - heute\n\n"
                         "Projektleiterin\n- Betreuung der Kunden\n\n"
                         "Blautor Systeme AG, Dresden\n01/2015 - 02/2019\n\nEntwicklerin\n- Aufbau der Berichte\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Nordwind Handelshaus");
  ASSERT_FIELD(d, "work_experience.0.location", "Leipzig");
  ASSERT_FIELD(d, "work_experience.0.title", "Projektleiterin");
  ASSERT_FIELD(d, "work_experience.1.title", "Entwicklerin");
  ASSERT_FIELD(d, "work_experience.1.company", "Blautor Systeme AG");
  ASSERT_FIELD(d, "work_experience.1.location", "Dresden");
  json_decref(d);
}
END_TEST

/* "Organisation / Place / dates", a blank line, then "Role" and an unmarked
 * description, in every entry: the role is the line below the dates
 * whatever its words ("Bookseller" is no role word), and the bare place
 * under the organisation ("Leipzig", "Halle (Saale)") is its place. */
START_TEST(test_org_place_dates_block_role_below_unmarked) {
  json_t *d = parse_text("Ada Brook\n\nEXPERIENCE\n\nNorthwind Traders GmbH\nLeipzig\nApril 2021 - Present\n\n"
                         "Senior Developer\nBuilt the billing service that takes the payments of every store in "
                         "the region.\nHighlights\n\nMoved the payment platform to a new database\n\n"
                         "Lindenhof Books\nHalle (Saale)\nMay 2016 - March 2021\n\nBookseller\n"
                         "Ran the shop floor and the orders of the second store.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Northwind Traders GmbH");
  ASSERT_FIELD(d, "work_experience.0.title", "Senior Developer");
  ASSERT_FIELD(d, "work_experience.0.location", "Leipzig");
  ASSERT_FIELD(d, "work_experience.1.company", "Lindenhof Books");
  ASSERT_FIELD(d, "work_experience.1.title", "Bookseller");
  ASSERT_FIELD(d, "work_experience.1.location", "Halle (Saale)");
  json_decref(d);
}
END_TEST

/* "Organisation / Name / dates", a blank line, "Name" in every entry, and
 * no role word anywhere: nothing says the lines below are the roles, the
 * block keeps its two names. */
START_TEST(test_block_names_kept_without_role_below) {
  json_t *d = parse_text("Ada Brook\n\nEXPERIENCE\n\nNorthwind Traders\nTeamleitung\nApril 2021 - Present\n\n"
                         "Zahlungsplattform\nBuilt the billing service that takes the payments of every store in "
                         "the region.\n\nLindenhof Books\nKundendienst\nMay 2016 - March 2021\n\nVersandhandel\n"
                         "Ran the shop floor and the orders of the second store.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.title", "Teamleitung");
  ASSERT_FIELD(d, "work_experience.1.title", "Kundendienst");
  json_decref(d);
}
END_TEST

/* A role whose bracket the column cut ("Practice Lead (Payments," /
 * "Search, Mobile)") is one role, its second line no description. */
START_TEST(test_role_cut_inside_brackets) {
  json_t *d = parse_text("Ada Brook\n\nEXPERIENCE\n\nNorthwind Traders\nhttps://northwind.example\n"
                         "January 2015 - Present\n\nPractice Lead (Payments, Billing,\nSearch, Mobile)\n"
                         "Organise and lead the communities of practice of the payment teams.\n\n"
                         "Northwind Traders\nhttps://northwind.example\nJanuary 2010 - December 2014\n\n"
                         "Senior Developer\nBuilt the order services of the web shop.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.title", "Practice Lead (Payments, Billing, Search, Mobile)");
  ASSERT_FIELD(d, "work_experience.1.title", "Senior Developer");
  json_decref(d);
}
END_TEST

/* In a section that prints its roles below the dated blocks, the line
 * there is the role in lower case too, when it runs onto a second line
 * ("specjalista do spraw dostępności" / "cyfrowej"). */
START_TEST(test_lower_case_role_below_dated_block) {
  json_t *d = parse_text("Ada Brook\n\nEXPERIENCE\n\nFundacja Przyszłości\nhttps://fundacja.example\n"
                         "March 2019 - Present\n\nspecjalista do spraw dostępności\ncyfrowej\n"
                         "Prowadzenie szkoleń dla urzędów i organizacji pozarządowych w całym kraju.\n\n"
                         "Urząd Miasta Gdańska\nhttps://urzad.example\nMay 2015 - February 2019\n\n"
                         "Kierownik działu\nNadzór nad projektami.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Fundacja Przyszłości");
  ASSERT_FIELD(d, "work_experience.0.title", "specjalista do spraw dostępności cyfrowej");
  json_decref(d);
}
END_TEST

/* "Role / Organisation / dates" with the role's last word pushed onto a
 * line of its own, in lower case: the role is whole, that word is no
 * name of its own. */
START_TEST(test_role_tail_on_next_line) {
  json_t *d = parse_text("Ada Brook\n\nEXPERIENCE\n\nspecjalista do spraw dostępności\ncyfrowej\n"
                         "Fundacja Przyszłości\nJul 2013 - Jun 2016\n\nkoordynator projektów\n"
                         "Urząd Miasta Gdańska\nJan 2006 - Apr 2012\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Fundacja Przyszłości");
  ASSERT_FIELD(d, "work_experience.0.title", "specjalista do spraw dostępności cyfrowej");
  json_decref(d);
}
END_TEST

/* The same section with one entry's blank line under the dates dropped
 * (a page break): that entry follows the section's other entries. */
START_TEST(test_org_place_dates_role_below_blank_dropped) {
  json_t *d = parse_text("Ada Brook\n\nEXPERIENCE\n\nNorthwind Traders GmbH\nLeipzig\nApril 2021 - Present\n\n"
                         "Senior Developer\nBuilt the billing service that takes the payments of every store in "
                         "the region.\n\nLindenhof Books\nHalle (Saale)\nMay 2016 - March 2021\nBookseller\n"
                         "Ran the shop floor and the orders of the second store.\n\n"
                         "Quayside Ferries\nRostock\nJune 2014 - April 2016\n\nDeckhand\n"
                         "Kept the ships and the landing stages in order.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 3);
  ASSERT_FIELD(d, "work_experience.1.company", "Lindenhof Books");
  ASSERT_FIELD(d, "work_experience.1.title", "Bookseller");
  ASSERT_FIELD(d, "work_experience.1.location", "Halle (Saale)");
  ASSERT_FIELD(d, "work_experience.2.company", "Quayside Ferries");
  ASSERT_FIELD(d, "work_experience.2.title", "Deckhand");
  json_decref(d);
}
END_TEST

/* An organisation's name that ends on "and" goes on on the next line, a
 * second name with its own comma: one employer, not an employer and a
 * role. */
START_TEST(test_org_name_cut_after_and) {
  json_t *d = parse_text("Ada Brook\n\nEXPERIENCE\n\nTidal Memory Lab, Westland University and\n"
                         "Coastal Lab, Eastbrook University\nPortland, OR\nJanuary 2022 - Present\n"
                         "Research Assistant\nRan the imaging sessions of both labs and kept their records in "
                         "order.\n\nHarbour Institute\nSalem, OR\nMay 2019 - December 2021\nLab Technician\n"
                         "Kept the instruments calibrated.\n");
  ck_assert_uint_ge(count(d, "work_experience"), 1);
  ASSERT_FIELD(d, "work_experience.0.company",
               "Tidal Memory Lab, Westland University and Coastal Lab, Eastbrook University");
  ASSERT_FIELD(d, "work_experience.0.title", "Research Assistant");
  json_decref(d);
}
END_TEST

/* "Role / Organisation / dates / Place" entries with a bare place under
 * the dates, and a second role under the same employer printed "Role /
 * dates / Place": that entry's place is no organisation, the employer is
 * the one above. */
START_TEST(test_place_under_dates_second_role_same_employer) {
  json_t *d = parse_text("Ada Brook\n\nEXPERIENCE\n\nBackend Team Lead\nNorthwind Traders GmbH\n"
                         "Apr 2021 - Present\nLeipzig\nLeading a team of six engineers who run the payment "
                         "platform of every store.\n\nMoved the payment platform to a new database\n\n"
                         "Software Developer\nFeb 2018 - Mar 2021\nLeipzig\nBuilt the order services in Go "
                         "and C.\n\nWorking Student\nLindenhof Books\nOct 2015 - Dec 2017\nHalle (Saale)\n\n"
                         "Wrote the tests of the shop portal\n");
  ck_assert_uint_eq(count(d, "work_experience"), 3);
  ASSERT_FIELD(d, "work_experience.1.company", "Northwind Traders GmbH");
  ASSERT_FIELD(d, "work_experience.1.title", "Software Developer");
  ASSERT_FIELD(d, "work_experience.1.location", "Leipzig");
  ASSERT_FIELD(d, "work_experience.2.company", "Lindenhof Books");
  json_decref(d);
}
END_TEST

/* "Organisation, Role <tab> dates" opening each entry, and unmarked
 * description lines under it, the last ones without a full stop: they
 * stay the entry's description, not the names of the next entry (whose
 * dated line has its own). */
START_TEST(test_dated_names_line_keeps_its_block) {
  json_t *d = parse_text("Ada Brook\n\nEXPERIENCE\n\nNorthwind Traders S.A., Ingeniera de Datos\t2020-09-01 - Present\n"
                         "Diseño de la plataforma de datos de la empresa.\nReducción del coste en un 40 %\n"
                         "Migración de los flujos a Apache Airflow\n\n"
                         "Consultoría Norte, Analista Programadora\t2016-01-01 - 2016-12-31\n"
                         "Apoyo en proyectos de negocio para clientes del sector público.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.1.company", "Consultoría Norte");
  ASSERT_FIELD(d, "work_experience.1.title", "Analista Programadora");
  ASSERT_FIELD(d, "work_experience.0.description",
               "Diseño de la plataforma de datos de la empresa.\nReducción del coste en un 40 %\n"
               "Migración de los flujos a Apache Airflow");
  json_decref(d);
}
END_TEST

/* "Organisation <tab> dates" / "Role" / a short sentence without a full
 * stop: the entry has both names, the sentence is its description, not
 * its organisation (the organisation is no place either). */
START_TEST(test_short_sentence_after_role_under_dated_org) {
  json_t *d = parse_text("Ada Brook\n\nEXPERIENCE\n\nNorthwind Depot\t05/2016 - 01/2017\nWarehouse Associate\n"
                         "Picked and packed orders\n\nCornerstore\t09/2014 - 04/2016\nCashier\n"
                         "Handled the till and restocked shelves\n\nBluebell Couriers\t06/2013 - 08/2014\n"
                         "Delivery Driver\nDelivered parcels on a daily route\n");
  ck_assert_uint_eq(count(d, "work_experience"), 3);
  ASSERT_FIELD(d, "work_experience.1.company", "Cornerstore");
  ASSERT_FIELD(d, "work_experience.1.title", "Cashier");
  ASSERT_FIELD(d, "work_experience.1.location", NULL);
  ASSERT_FIELD(d, "work_experience.1.description", "Handled the till and restocked shelves");
  json_decref(d);
}
END_TEST

/* "Organisation" / "Role, Unit" / dates, each in a block of its own: the
 * role and its unit are one name (the title), the organisation above is
 * the employer. */
START_TEST(test_role_and_unit_under_organisation_blocks) {
  json_t *d = parse_text("Ada Brook\n\nWork Experience\nMercy General Hospital\n\nCharge Nurse\n\n2020 - Present\n\n"
                         "Lead a team of eight nurses on a medical ward, assigning patients each shift.\n\n"
                         "Mercy General Hospital\n\nStaff Nurse, Cardiac Unit\n\n2016 - 2020\n\n"
                         "Treated adult patients in a busy cardiac unit of the hospital.\n\nHarbour Pharmacy\n\n"
                         "Pharmacy Technician\n\n2011 - 2016\n\n"
                         "Filled prescriptions and managed the stock of a busy pharmacy.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 3);
  ASSERT_FIELD(d, "work_experience.1.company", "Mercy General Hospital");
  ASSERT_FIELD(d, "work_experience.1.title", "Staff Nurse, Cardiac Unit");
  json_decref(d);
}
END_TEST

START_TEST(test_blanked_date_leaves_no_gap_in_name) {
  /* The date blanked out of "( 2020 Jan" leaves "(      Jan"; the text
   * holds "( Jan" elsewhere, so the name passed the check that it is text:
   * a name is reported with its gap read as the one blank it stands for,
   * a piece of the input. */
  static const char text[] = "Education\n( 2020 Jan\nBSc Physics\n\nSkills\n( Jan\n";
  json_t *d = parse_text(text);
  const char *inst = get(d, "education.0.institution");
  ck_assert_msg(!inst || strstr(text, inst), "institution '%s' is no piece of the text", inst);
  json_decref(d);
}
END_TEST

START_TEST(test_stacked_range_stays_with_its_entry) {
  /* "2015" / "2017" stacked under the first school is that school's range;
   * the second line, blanked when the two were read as one range, is no
   * date of the school after the blank line. */
  json_t *d = parse_text("Jane Roe\n\nEducation\nRiverside University\nBSc Physics\n2015\n2017\n\n"
                         "Oakmere College\nBA History\n2010 - 2012\n");
  ASSERT_FIELD(d, "education.0.institution", "Riverside University");
  ASSERT_FIELD(d, "education.0.start_date", "2015");
  ASSERT_FIELD(d, "education.0.end_date", "2017");
  for (size_t i = 1; i < count(d, "education"); i++) {
    const char *end = json_string_value(json_object_get(json_array_get(json_object_get(d, "education"), i), "end_date"));
    ck_assert_msg(!end || strcmp(end, "2017") != 0, "entry %zu took the stacked range's end", i);
  }
  /* "2010" / "2017" / "" / "Riverside University": the names under their
   * dates, the range is the school's. */
  json_t *u = parse_text("Jane Roe\n\nEducation\n\n2010\n2017\n\nRiverside University\nBachelor\nPhysics\n");
  ASSERT_FIELD(u, "education.0.institution", "Riverside University");
  ASSERT_FIELD(u, "education.0.end_date", "2017");
  json_decref(u);
  json_decref(d);
}
END_TEST

START_TEST(test_one_word_name_is_no_duration) {
  /* "Ames" spells "a" and the Spanish "mes": a duration only with a space
   * between them ("a month", "un mes"); alone it is the employer's name. */
  json_t *d = parse_text("Jane Roe\n\nExperience\nAmes\nEngineer\nJan 2019 - Present\n- Built the platform.\n");
  ASSERT_FIELD(d, "work_experience.0.company", "Ames");
  json_decref(d);
}
END_TEST

START_TEST(test_dated_line_closes_section) {
  /* The section's last line is an entry's dated line with one name and
   * prose above it: looking for a second name below it, across blank
   * lines, stops at the section's end (it read one line past its lines;
   * seen under ASan). */
  json_t *d = parse_text("Experience\n"
                         "our team is made up of marketing, online advertising, PR, and top web site\n"
                         "design people who share an interest in improving the quality of online ads,\n"
                         "marketing, and website promotion.\n"
                         "Most Innovative Web Site Worldwide\t2006");
  ck_assert_ptr_nonnull(json_object_get(d, "work_experience"));
  json_decref(d);
}
END_TEST

/* The same shape with the role in the block ("Data Engineer" over the
 * dates) and a tagline below: the block keeps its role. */
START_TEST(test_org_role_dates_block_tagline_below) {
  json_t *d = parse_text("Ada Brook\n\nEXPERIENCE\n\nNorthwind Traders\nData Engineer\nApril 2021 - Present\n\n"
                         "Payments Platform\nBuilt the billing service that takes the payments of every store in "
                         "the region.\n\nLindenhof Books\nStore Manager\nMay 2016 - March 2021\n\nSecond Store\n"
                         "Ran the shop floor and the orders of the second store.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Northwind Traders");
  ASSERT_FIELD(d, "work_experience.0.title", "Data Engineer");
  ASSERT_FIELD(d, "work_experience.1.company", "Lindenhof Books");
  ASSERT_FIELD(d, "work_experience.1.title", "Store Manager");
  json_decref(d);
}
END_TEST

/* A bullet line is never the name of the next entry, even when it does not
 * end in a full stop: "Acme Labs, Analyst <tab> 2018 - 2020" is the entry. */
START_TEST(test_bullet_without_stop_not_next_company) {
  json_t *d = parse_text("Ada Brook\n\nEXPERIENCE\n\nNorthwind Traders, Senior Developer\t2019 - 2023\n"
                         "- Built the billing service\n- Led three engineers\n"
                         "Bluegate Systems, Software Engineer\t2015 - 2019\n- Wrote the reporting tools\n"
                         "- Cut build times in half\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Northwind Traders");
  ASSERT_FIELD(d, "work_experience.0.title", "Senior Developer");
  ASSERT_FIELD(d, "work_experience.1.company", "Bluegate Systems");
  ASSERT_FIELD(d, "work_experience.1.title", "Software Engineer");
  json_decref(d);
}
END_TEST

/* Spanish, the role on the dates' line under "Organisation, City". */
START_TEST(test_org_comma_city_over_role_and_dates_spanish) {
  json_t *d = parse_text("Ada Brook\n\nEXPERIENCIA\n\nAlmacenes Nortesol, Sevilla\nJefa de ventas\t03/2018 - actualidad\n"
                         "- Apertura de tres tiendas\n\nBluegate Systems, Madrid\nAnalista\t01/2014 - 02/2018\n"
                         "- Informes mensuales\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Almacenes Nortesol");
  ASSERT_FIELD(d, "work_experience.0.location", "Sevilla");
  ASSERT_FIELD(d, "work_experience.0.title", "Jefa de ventas");
  ASSERT_FIELD(d, "work_experience.1.company", "Bluegate Systems");
  ASSERT_FIELD(d, "work_experience.1.location", "Madrid");
  json_decref(d);
}
END_TEST

/* A narrow cell prints a range one piece a line ("January 2019" / "–" /
 * "December 2020", "May 2021" / "- Present"): one range. */
START_TEST(test_range_split_over_lines) {
  json_t *d = parse_text("Jane Roe\n\nExperience\n\nEngineer, Tallow Systems\nJanuary 2019\n\xe2\x80\x93\n"
                         "December 2020\nKept the build farm running for the whole company.\n\n"
                         "Technician, Marrow Labs\nMarch 2016\n-\nNovember 2018\n"
                         "Repaired the lab robots and wrote their manuals.\n\n"
                         "Courier, Brisk Parcels\nJune 2014\n- Present\nDelivered parcels around the old town.\n\n"
                         "Porter, Vale Hotel\nMay 2011 \xe2\x80\x93\nMay 2013\nCarried the guests' luggage to their rooms.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 4);
  ASSERT_FIELD(d, "work_experience.0.start_date", "2019-01");
  ASSERT_FIELD(d, "work_experience.0.end_date", "2020-12");
  ASSERT_FIELD(d, "work_experience.1.company", "Marrow Labs");
  ASSERT_FIELD(d, "work_experience.1.start_date", "2016-03");
  ASSERT_FIELD(d, "work_experience.1.end_date", "2018-11");
  ASSERT_FIELD(d, "work_experience.2.start_date", "2014-06");
  ASSERT_FIELD(d, "work_experience.2.is_current", "true");
  ASSERT_FIELD(d, "work_experience.3.start_date", "2011-05");
  ASSERT_FIELD(d, "work_experience.3.end_date", "2013-05");
  ASSERT_FIELD(d, "work_experience.3.is_current", "false");
  json_decref(d);
}
END_TEST

/* A side cell repeats each entry's range after its description, split
 * over lines ("Role, Org" / "May 2021 - Present 2 years" / description /
 * "May 2021" / "- Present" / "2 years"): the repeat is the same entry's,
 * it neither dates the next entry nor takes its names. */
START_TEST(test_repeated_range_after_description) {
  json_t *d = parse_text("Jane Roe\n\nExperience\n\nDeveloper, Larkspur Labs\nMay 2021 - Present 2 years\n"
                         "Built the booking tool for small clinics.\nMoved the team to weekly releases.\n"
                         "May 2021\n- Present\n2 years\n\n"
                         "Analyst, Fenwick Data\nMarch 2018 - April 2021 3 years\n"
                         "Wrote the monthly sales reports for the board.\nMarch 2018\n-\nApril 2021\n3 years\n\n"
                         "Intern, Orrin Works\nJune 2016 - August 2016 a month\n"
                         "Tested the web shop before its launch.\nJune 2016\n-\nAugust 2016\na month\n");
  ck_assert_uint_eq(count(d, "work_experience"), 3);
  ASSERT_FIELD(d, "work_experience.0.company", "Larkspur Labs");
  ASSERT_FIELD(d, "work_experience.0.start_date", "2021-05");
  ASSERT_FIELD(d, "work_experience.0.is_current", "true");
  ASSERT_FIELD(d, "work_experience.1.company", "Fenwick Data");
  ASSERT_FIELD(d, "work_experience.1.start_date", "2018-03");
  ASSERT_FIELD(d, "work_experience.1.end_date", "2021-04");
  ASSERT_FIELD(d, "work_experience.2.company", "Orrin Works");
  ASSERT_FIELD(d, "work_experience.2.title", "Intern");
  ASSERT_FIELD(d, "work_experience.2.start_date", "2016-06");
  ASSERT_FIELD(d, "work_experience.2.end_date", "2016-08");
  json_decref(d);
}
END_TEST

/* Two roles held at once with the same dates: each has its names above
 * its dates, so the second range is no repeat. */
START_TEST(test_same_range_two_roles_kept) {
  json_t *d = parse_text("Jane Roe\n\nExperience\n\nLead Engineer, Quarry Analytics\n2019 - Present\n"
                         "Ran the platform team of the whole company.\n\nMentor, Coastline Code Club\n"
                         "2019 - Present\nTaught evening classes to adults new to programming.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.1.company", "Coastline Code Club");
  ASSERT_FIELD(d, "work_experience.1.start_date", "2019");
  ASSERT_FIELD(d, "work_experience.1.is_current", "true");
  json_decref(d);
}
END_TEST

/* "March 2019 - Present a month": a duration in words after the dates
 * names nothing (it is no role and no organisation). */
START_TEST(test_duration_in_words_after_dates) {
  json_t *d = parse_text("Jane Roe\n\nExperience\n#\nMaker, Quillwork\nMarch 2019 - Present a month\n"
                         "Started Quillwork - a set of tools for writers.\nWrote the editor in three weeks.\n"
                         "March 2019\n- Present\na month\n#\nAnalyst, Fenwick Data\n"
                         "March 2018 - April 2019 a year\nWrote the monthly sales reports for the board.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.0.company", "Quillwork");
  ASSERT_FIELD(d, "work_experience.0.title", "Maker");
  ASSERT_FIELD(d, "work_experience.1.company", "Fenwick Data");
  ASSERT_FIELD(d, "work_experience.1.title", "Analyst");
  json_decref(d);
}
END_TEST

/* Roles written in lower case after the organisation ("Org, opiekun
 * wolontariuszy   dates"), a role no word list knows: the piece after the
 * comma is a role, not the organisation's parent, so the line names both
 * and the next "Org, role" over its dates opens the next entry; and a
 * name cut by the column that goes on in lower case ("Institute, role" /
 * "rest of role   dates") is no sentence. */
START_TEST(test_lower_case_role_after_comma) {
  json_t *d = parse_text("Anna Nowak\n\nExperience\n\nFundacja Zielony Most, opiekun wolontariuszy\n"
                         "2021-01-01 - Present\nUrz\xc4\x85" "d Gminy Brzoz\xc3\xb3w, pe\xc5\x82nomocnik w\xc3\xb3jta   "
                         "2018-04-01 - 2020-12-31\n\nStowarzyszenie Nowa Droga, opiekun grup senior\xc3\xb3w\n"
                         "2015-03-01 - 2018-03-31\nInstytut Bada\xc5\x84 Rynku, opiekun projekt\xc3\xb3w badawczych\n"
                         "i ankieter\xc3\xb3w terenowych   2012-01-01 - 2015-02-28\n");
  ck_assert_uint_eq(count(d, "work_experience"), 4);
  const char *org[] = {"Fundacja Zielony Most", "Urz\xc4\x85" "d Gminy Brzoz\xc3\xb3w", "Stowarzyszenie Nowa Droga",
                       "Instytut Bada\xc5\x84 Rynku"};
  const char *start[] = {"2021-01", "2018-04", "2015-03", "2012-01"};
  for (int i = 0; i < 4; i++) {
    char p[64];
    snprintf(p, sizeof p, "work_experience.%d.company", i);
    const char *c = get(d, p);
    snprintf(p, sizeof p, "work_experience.%d.title", i);
    const char *t = get(d, p);
    ck_assert_msg((c && !strcmp(c, org[i])) || (t && !strcmp(t, org[i])), "entry %d: %s / %s", i, c, t);
    snprintf(p, sizeof p, "work_experience.%d.start_date", i);
    ASSERT_FIELD(d, p, start[i]);
  }
  json_decref(d);
}
END_TEST

/* "Developer   06/19 - 08/21": month and two-digit year ranges date the
 * entry; the line ends like a page footer ("Jane Doe - 1/2") but is none. */
START_TEST(test_short_year_range_is_no_footer) {
  json_t *d = parse_text("John Smith\n\nEXPERIENCE\n\nGlobex Corporation\tSpringfield, IL\n"
                         "Research Assistant\tSept. 2010 - May 2012\n- Ran the experiments on the new sensors.\n\n"
                         "Initech\tAustin, TX\nDeveloper\t06/19 - 08/21\n- Kept the reports running.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 2);
  ASSERT_FIELD(d, "work_experience.1.company", "Initech");
  ASSERT_FIELD(d, "work_experience.1.title", "Developer");
  ASSERT_FIELD(d, "work_experience.1.start_date", "2019-06");
  ASSERT_FIELD(d, "work_experience.1.end_date", "2021-08");
  json_decref(d);
}
END_TEST

/* A duration beside the dates in the language of the resume ("3 lata 9
 * miesięcy", "1 an et 11 mois", "2 Jahre 3 Monate") names nothing. */
START_TEST(test_duration_in_other_languages) {
  json_t *d = parse_text("Anna Nowak\n\nDo\xc5\x9bwiadczenie\n\nNordwerk GmbH\n03/2019 \xe2\x80\x93 heute 2 Jahre 3 Monate\n"
                         "Softwareentwicklerin\n- Entwicklung von Microservices.\n\nFirma Kowalski Sp. z o.o.\n"
                         "03.2012 \xe2\x80\x93 12.2015 3 lata 9 miesi\xc4\x99" "cy\nProgramistka\n- Utrzymanie systemu.\n\n"
                         "Soci\xc3\xa9t\xc3\xa9 Alpine SA\n01.2010 \xe2\x80\x93 12.2011 1 an et 11 mois\nD\xc3\xa9veloppeuse\n"
                         "- Maintenance des applications.\n");
  ck_assert_uint_eq(count(d, "work_experience"), 3);
  ASSERT_FIELD(d, "work_experience.0.company", "Nordwerk GmbH");
  ASSERT_FIELD(d, "work_experience.0.title", "Softwareentwicklerin");
  ASSERT_FIELD(d, "work_experience.1.company", "Firma Kowalski Sp. z o.o.");
  ASSERT_FIELD(d, "work_experience.1.title", "Programistka");
  ASSERT_FIELD(d, "work_experience.1.end_date", "2015-12");
  ASSERT_FIELD(d, "work_experience.2.company", "Soci\xc3\xa9t\xc3\xa9 Alpine SA");
  ASSERT_FIELD(d, "work_experience.2.title", "D\xc3\xa9veloppeuse");
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
  tcase_add_test(tc, test_end_before_start_keeps_document_valid);
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
  tcase_add_test(tc, test_skills_long_blank_run_linear);
  tcase_add_test(tc, test_cut_name_joins_bounded);
  tcase_add_test(tc, test_repeated_ranges_bounded);
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
  add_skills_tests(tc);
  tcase_add_test(tc, test_edu_school_comma_pieces);
  tcase_add_test(tc, test_edu_courses_between_entries);
  tcase_add_test(tc, test_edu_narrow_column_one_entry_per_date);
  tcase_add_test(tc, test_edu_date_inside_names_block);
  tcase_add_test(tc, test_edu_proper_name_without_school_word);
  tcase_add_test(tc, test_edu_field_school_place_line);
  tcase_add_test(tc, test_edu_undated_second_school);
  tcase_add_test(tc, test_edu_open_end_date);
  tcase_add_test(tc, test_edu_programme_named_education);
  tcase_add_test(tc, test_edu_school_cut_after_abbreviation);
  tcase_add_test(tc, test_edu_courses_subheading);
  tcase_add_test(tc, test_edu_courses_without_blank_lines);
  tcase_add_test(tc, test_edu_second_entry_without_date);
  tcase_add_test(tc, test_edu_school_position_from_other_entries);
  tcase_add_test(tc, test_work_parent_organisation_and_freelance);
  tcase_add_test(tc, test_work_at_in_school_name_and_entry_labels);
  tcase_add_test(tc, test_work_title_qualifier_and_repeated_employer);
  tcase_add_test(tc, test_work_flat_entries_follow_the_first_and_last);
  tcase_add_test(tc, test_work_section_template_names_above_rows);
  tcase_add_test(tc, test_work_events_and_wrapped_first_sentence);
  tcase_add_test(tc, test_work_place_shaped_names_prose_and_figures);
  tcase_add_test(tc, test_work_lower_case_roles_and_role_lists);
  tcase_add_test(tc, test_contact_name_comma_role);
  tcase_add_test(tc, test_confidence_clean_entry_is_a_fact);
  tcase_add_test(tc, test_confidence_entry_without_role);
  tcase_add_test(tc, test_confidence_title_reads_as_organisation);
  tcase_add_test(tc, test_confidence_role_word_in_both_names);
  tcase_add_test(tc, test_confidence_prose_company);
  tcase_add_test(tc, test_confidence_prose_title);
  tcase_add_test(tc, test_confidence_name_cut_short);
  tcase_add_test(tc, test_confidence_many_header_parts);
  tcase_add_test(tc, test_confidence_education_school_name);
  tcase_add_test(tc, test_label_column_one_space);
  tcase_add_test(tc, test_project_experience_heading_is_not_work);
  tcase_add_test(tc, test_wrapped_paragraph_under_dates_is_no_name);
  tcase_add_test(tc, test_role_alone_below_organisation_block);
  tcase_add_test(tc, test_courses_label_in_every_school);
  tcase_add_test(tc, test_at_inside_organisation_name);
  tcase_add_test(tc, test_two_organisations_with_comma_one_name);
  tcase_add_test(tc, test_freelance_in_the_employer_slot);
  tcase_add_test(tc, test_name_comma_headline);
  tcase_add_test(tc, test_languages_category_row_in_skills);
  tcase_add_test(tc, test_place_above_dates_is_no_name);
  tcase_add_test(tc, test_lower_case_role_above_organisation);
  tcase_add_test(tc, test_one_line_entries_dates_same_line_or_below);
  tcase_add_test(tc, test_highlights_list_before_next_organisation);
  tcase_add_test(tc, test_date_inside_highlight_is_no_entry);
  tcase_add_test(tc, test_contact_wrapped_email);
  tcase_add_test(tc, test_german_compound_role_first);
  tcase_add_test(tc, test_accented_capital_school_word);
  tcase_add_test(tc, test_french_spanish_role_and_organisation_words);
  tcase_add_test(tc, test_french_headings_role_first_aujourdhui);
  tcase_add_test(tc, test_school_name_wrapped_before_joining_word);
  tcase_add_test(tc, test_german_french_section_headings);
  tcase_add_test(tc, test_short_sentence_under_dates_is_description);
  tcase_add_test(tc, test_short_sentence_among_bullets_is_description);
  tcase_add_test(tc, test_care_kitchen_roles_and_places);
  tcase_add_test(tc, test_unit_after_role_joins_title);
  tcase_add_test(tc, test_short_sentence_under_dates_not_a_name_below);
  tcase_add_test(tc, test_degree_name_with_school_word);
  tcase_add_test(tc, test_field_named_education);
  tcase_add_test(tc, test_org_city_dates_block_then_role);
  tcase_add_test(tc, test_org_comma_city_dates_block_then_role_german);
  tcase_add_test(tc, test_bullet_without_stop_not_next_company);
  tcase_add_test(tc, test_org_comma_city_over_role_and_dates_spanish);
  tcase_add_test(tc, test_range_split_over_lines);
  tcase_add_test(tc, test_repeated_range_after_description);
  tcase_add_test(tc, test_same_range_two_roles_kept);
  tcase_add_test(tc, test_duration_in_words_after_dates);
  tcase_add_test(tc, test_lower_case_role_after_comma);
  tcase_add_test(tc, test_short_year_range_is_no_footer);
  tcase_add_test(tc, test_duration_in_other_languages);
  tcase_add_test(tc, test_school_under_date_opens_next_entry);
  tcase_add_test(tc, test_school_above_names_after_entry_without_school);
  tcase_add_test(tc, test_school_list_line_wrapped);
  tcase_add_test(tc, test_school_name_wrapped_after_abbreviation);
  tcase_add_test(tc, test_school_name_cut_by_narrow_column);
  tcase_add_test(tc, test_long_field_degree_school_line);
  tcase_add_test(tc, test_degree_after_empty_field_is_no_school);
  tcase_add_test(tc, test_course_list_runs_into_next_entry);
  tcase_add_test(tc, test_dashed_school_line_above_dates);
  tcase_add_test(tc, test_stacked_years_are_one_range);
  tcase_add_test(tc, test_links_above_first_date_name_no_school);
  tcase_add_test(tc, test_list_line_last_item_cut_by_width);
  tcase_add_test(tc, test_degree_joined_by_and_and_gpa_label);
  tcase_add_test(tc, test_job_beside_education_is_no_school);
  tcase_add_test(tc, test_degree_in_without_field_is_no_school);
  tcase_add_test(tc, test_contact_section_under_name);
  tcase_add_test(tc, test_email_opening_a_piece);
  tcase_add_test(tc, test_org_and_dates_then_role_then_sentence);
  tcase_add_test(tc, test_org_then_role_comma_unit_then_dates);
  tcase_add_test(tc, test_lower_case_role_wrapped);
  tcase_add_test(tc, test_one_line_entries_after_unmarked_lines);
  tcase_add_test(tc, test_org_place_dates_block_role_below_unmarked);
  tcase_add_test(tc, test_org_role_dates_block_tagline_below);
  tcase_add_test(tc, test_block_names_kept_without_role_below);
  tcase_add_test(tc, test_role_cut_inside_brackets);
  tcase_add_test(tc, test_lower_case_role_below_dated_block);
  tcase_add_test(tc, test_role_tail_on_next_line);
  tcase_add_test(tc, test_org_place_dates_role_below_blank_dropped);
  tcase_add_test(tc, test_org_name_cut_after_and);
  tcase_add_test(tc, test_place_under_dates_second_role_same_employer);
  tcase_add_test(tc, test_dated_names_line_keeps_its_block);
  tcase_add_test(tc, test_short_sentence_after_role_under_dated_org);
  tcase_add_test(tc, test_role_and_unit_under_organisation_blocks);
  tcase_add_test(tc, test_dated_line_closes_section);
  tcase_add_test(tc, test_one_word_name_is_no_duration);
  tcase_add_test(tc, test_blanked_date_leaves_no_gap_in_name);
  tcase_add_test(tc, test_stacked_range_stays_with_its_entry);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
