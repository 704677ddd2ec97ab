/* Reading order of PDF pages, one fixture per layout kind: single column,
 * two columns (and two lists side by side), left sidebar, right sidebar, grid rows with the dates in a
 * left column, small-caps and letter-spaced headings.  Each PDF is written
 * at test time (tests/docgen.c), goes through the real careeros-extract
 * helper and the normaliser (cw_extract), and its text is compared line by
 * line with the order a reader would follow. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "careeros/config.h"
#include "careeros/extract.h"
#include "docgen.h"
#include "helper.h" /* cw_x_layout, called directly on synthetic boxes below */

static char dir[256];
static char path[512];

static void setup(void) {
  snprintf(dir, sizeof dir, "/tmp/cw-layout-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, getenv("KEEP") ? "cp -r %s /tmp/ys-keep" : "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

static void on_done(void *arg, cw_extract_result *r) { *(cw_extract_result *)arg = *r; }
static void closed(void *arg) { (void)arg; }

/* The pages' content streams -> PDF -> extracted, normalised text. */
static char *extract_pages(const char *name, const char *const *contents, int npages) {
  snprintf(path, sizeof path, "%s/%s", dir, name);
  dg_pdf(path, npages, contents, npages, NULL, NULL, 0);
  uv_loop_t loop;
  uv_loop_init(&loop);
  cw_config cfg;
  memset(&cfg, 0, sizeof cfg);
  ck_assert_int_eq(cw_config_load(&cfg, NULL), 0);
  const char *h = getenv("CW_EXTRACT_HELPER");
  ck_assert_msg(h != NULL, "CW_EXTRACT_HELPER is not set");
  free(cfg.extract.helper);
  cfg.extract.helper = strdup(h);
  cw_extractor *x;
  ck_assert_int_eq(cw_extractor_new(&loop, &cfg, &x), 0);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  ck_assert_int_ge(fd, 0);
  cw_extract_result r = {.status = 1};
  cw_extract_req rq = {.job_id = "t", .fd = fd, .declared_mime = "application/pdf"};
  ck_assert_int_eq(cw_extract_start(x, &rq, on_done, &r, NULL), 0);
  close(fd);
  uv_run(&loop, UV_RUN_DEFAULT);
  cw_extractor_close(x, closed, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(uv_loop_close(&loop), 0);
  cw_config_free(&cfg);
  ck_assert_msg(r.status == 0, "%s: %s", cw_error_name(r.code), r.message);
  return r.text;
}

static char *extract_page(const char *name, const char *content) {
  const char *cs[] = {content};
  return extract_pages(name, cs, 1);
}

/* Compares text with the expected lines ("" for a blank line); the message
 * names the first line that differs and shows the whole text. */
static void expect_lines(char *text, const char *const *want) {
  const char *p = text;
  int i = 0;
  for (; want[i]; i++) {
    ck_assert_msg(p != NULL, "line %d: text ended, expected \"%s\"\n--- text:\n%s", i + 1, want[i],
                  text);
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    ck_assert_msg(n == strlen(want[i]) && memcmp(p, want[i], n) == 0,
                  "line %d: got \"%.*s\", expected \"%s\"\n--- text:\n%s", i + 1, (int)n, p, want[i],
                  text);
    p = nl ? nl + 1 : NULL;
  }
  ck_assert_msg(p == NULL, "more lines than expected after line %d: \"%s\"\n--- text:\n%s", i, p,
                text);
  free(text);
}

/* Helvetica's advance widths (1/1000 em) for the characters used here, so
 * that right-aligned text can be placed like a browser would. */
static double text_width(const char *s, double size) {
  double w = 0;
  for (; *s; s++) {
    char c = *s;
    w += c == ' ' ? 278 : c == '-' ? 333 : c >= '0' && c <= '9' ? 556 : c == 'i' || c == 'l' ? 222
         : c >= 'a' && c <= 'z' ? 520 : c >= 'A' && c <= 'Z' ? 680 : 300;
  }
  return w * size / 1000;
}

/* One line as a TJ array at 10pt ("[(a ) -300 (b)]": -300 moves b 3pt
 * further right), with tw points of extra word spacing. */
static void tj(char *buf, size_t cap, double x, double y, double tw, const char *array) {
  size_t l = strlen(buf);
  snprintf(buf + l, cap - l, "BT /F1 10 Tf %.2f Tw %.1f %.1f Td %s TJ ET\n", tw, x, y, array);
}

static void text_right(char *buf, size_t cap, double x2, double y, double size, const char *t) {
  dg_text(buf, cap, x2 - text_width(t, size), y, size, t);
}

START_TEST(single_column) {
  char c[8192] = "";
  dg_text(c, sizeof c, 72, 740, 20, "Jane Doe");
  dg_text(c, sizeof c, 72, 718, 11, "Senior Platform Engineer");
  dg_text(c, sizeof c, 72, 684, 12, "EXPERIENCE");
  dg_text(c, sizeof c, 72, 666, 11, "Acme Corp");
  text_right(c, sizeof c, 540, 666, 10, "2020 - Present");
  dg_text(c, sizeof c, 72, 652, 11, "Staff Engineer");
  dg_text(c, sizeof c, 82, 638, 10, "- Built the billing platform for all regions");
  dg_text(c, sizeof c, 82, 625, 10, "- Led a team of five engineers");
  dg_text(c, sizeof c, 72, 604, 11, "Globex Inc");
  text_right(c, sizeof c, 540, 604, 10, "2016 - 2020");
  dg_text(c, sizeof c, 72, 590, 11, "Engineer");
  dg_text(c, sizeof c, 82, 576, 10, "- Maintained the data pipeline");
  dg_text(c, sizeof c, 72, 548, 12, "EDUCATION");
  dg_text(c, sizeof c, 72, 530, 11, "TU Berlin, MSc Computer Science");
  text_right(c, sizeof c, 540, 530, 10, "2016");
  const char *want[] = {"Jane Doe",
                        "Senior Platform Engineer",
                        "",
                        "EXPERIENCE",
                        "Acme Corp\t2020 - Present",
                        "Staff Engineer",
                        "- Built the billing platform for all regions",
                        "- Led a team of five engineers",
                        "",
                        "Globex Inc\t2016 - 2020",
                        "Engineer",
                        "- Maintained the data pipeline",
                        "",
                        "EDUCATION",
                        "TU Berlin, MSc Computer Science\t2016",
                        NULL};
  expect_lines(extract_page("single.pdf", c), want);
}
END_TEST

/* Two columns of equal weight whose baselines line up, under a full-width
 * name and above a full-width footer. */
START_TEST(two_columns) {
  char c[8192] = "";
  dg_text(c, sizeof c, 72, 740, 20, "Jane Doe");
  const char *left[] = {"EXPERIENCE", "Acme Corp, Staff Engineer", "2020 - Present",
                        "Built the billing platform", "Globex Inc, Engineer", "2016 - 2020",
                        "Maintained the data pipeline", "Initech, Intern", "2015"};
  const char *right[] = {"EDUCATION", "MSc Computer Science, TU Berlin, 2016",
                         "BSc Informatics, TU Munich, 2014", "SKILLS",
                         "Python, Go, SQL, Kubernetes, Terraform", "LANGUAGES",
                         "English (native), German (fluent)", "INTERESTS",
                         "Climbing, chess and open source", "VOLUNTEERING",
                         "Code club mentor, 2018 - 2022"};
  for (int i = 0; i < 9; i++)
    dg_text(c, sizeof c, 72, 700 - 14.0 * i, 10, left[i]);
  for (int i = 0; i < 11; i++)
    dg_text(c, sizeof c, 320, 700 - 14.0 * i, 10, right[i]);
  dg_text(c, sizeof c, 72, 520, 9, "References on request. Jane Doe, Berlin, Germany, jane@example.com");
  const char *want[] = {"Jane Doe",
                        "",
                        "EXPERIENCE",
                        "Acme Corp, Staff Engineer",
                        "2020 - Present",
                        "Built the billing platform",
                        "Globex Inc, Engineer",
                        "2016 - 2020",
                        "Maintained the data pipeline",
                        "Initech, Intern",
                        "2015",
                        "",
                        "EDUCATION",
                        "MSc Computer Science, TU Berlin, 2016",
                        "BSc Informatics, TU Munich, 2014",
                        "SKILLS",
                        "Python, Go, SQL, Kubernetes, Terraform",
                        "LANGUAGES",
                        "English (native), German (fluent)",
                        "INTERESTS",
                        "Climbing, chess and open source",
                        "VOLUNTEERING",
                        "Code club mentor, 2018 - 2022",
                        "",
                        "References on request. Jane Doe, Berlin, Germany, jane@example.com",
                        NULL};
  expect_lines(extract_page("two.pdf", c), want);
}
END_TEST

/* Two lists of short items side by side, on the same baselines (a skills
 * grid): each list is read whole.  On page 2, a column of places beside
 * longer lines stays on its rows. */
START_TEST(two_lists_side_by_side) {
  char c[8192] = "";
  const char *left[] = {"Languages", "Python", "Go", "SQL", "Rust"};
  const char *right[] = {"Tools", "Docker", "Terraform", "Git"};
  for (int i = 0; i < 5; i++)
    dg_text(c, sizeof c, 72, 700 - 14.0 * i, 10, left[i]);
  for (int i = 0; i < 4; i++)
    dg_text(c, sizeof c, 250, 700 - 14.0 * i, 10, right[i]);
  char c2[8192] = "";
  const char *rows[][2] = {{"Staff Engineer at Acme Corp, billing platform", "Berlin"},
                           {"Engineer at Globex Inc, data pipeline team", "Munich"},
                           {"Intern at Initech, quality assurance", "Hamburg"}};
  for (int i = 0; i < 3; i++) {
    dg_text(c2, sizeof c2, 72, 700 - 14.0 * i, 10, rows[i][0]);
    dg_text(c2, sizeof c2, 400, 700 - 14.0 * i, 10, rows[i][1]);
  }
  const char *want[] = {"Languages",
                        "Python",
                        "Go",
                        "SQL",
                        "Rust",
                        "",
                        "Tools",
                        "Docker",
                        "Terraform",
                        "Git",
                        "Staff Engineer at Acme Corp, billing platform\tBerlin",
                        "Engineer at Globex Inc, data pipeline team\tMunich",
                        "Intern at Initech, quality assurance\tHamburg",
                        NULL};
  const char *pages[] = {c, c2};
  expect_lines(extract_pages("lists.pdf", pages, 2), want);
}
END_TEST

/* A left sidebar: the name in a big font over two lines (taller than two
 * lines of the main column beside it), its own line spacing, and one long
 * line that reaches into the gap between the columns. */
START_TEST(left_sidebar) {
  char c[8192] = "";
  dg_text(c, sizeof c, 40, 734, 22, "Jane");
  dg_text(c, sizeof c, 40, 710, 22, "Doe");
  const char *side[] = {"CONTACT", "jane@example.com", "+49 30 1234567", "Berlin",
                        "SKILLS", "Python", "PostgreSQL", "Infrastructure as code", "Kubernetes",
                        "LANGUAGES", "English", "German"};
  for (int i = 0; i < 12; i++)
    dg_text(c, sizeof c, 40, 680 - 15.0 * i, 9, side[i]);
  const char *main_col[] = {"PROFILE",
                            "Platform engineer with ten years of building",
                            "payment systems and the teams that run them.",
                            "EXPERIENCE",
                            "Acme Corp, Staff Engineer, 2020 - Present",
                            "Designed the multi-region deployment pipeline",
                            "Cut cloud spending by a third",
                            "Globex, Engineer, 2016 - 2020",
                            "Built the event ingestion service",
                            "EDUCATION",
                            "TU Berlin, MSc Computer Science, 2016"};
  for (int i = 0; i < 11; i++)
    dg_text(c, sizeof c, 200, 742 - 12.0 * i, 10, main_col[i]);
  const char *want[] = {"Jane",
                        "Doe",
                        "",
                        "CONTACT",
                        "jane@example.com",
                        "+49 30 1234567",
                        "Berlin",
                        "SKILLS",
                        "Python",
                        "PostgreSQL",
                        "Infrastructure as code",
                        "Kubernetes",
                        "LANGUAGES",
                        "English",
                        "German",
                        "",
                        "PROFILE",
                        "Platform engineer with ten years of building",
                        "payment systems and the teams that run them.",
                        "EXPERIENCE",
                        "Acme Corp, Staff Engineer, 2020 - Present",
                        "Designed the multi-region deployment pipeline",
                        "Cut cloud spending by a third",
                        "Globex, Engineer, 2016 - 2020",
                        "Built the event ingestion service",
                        "EDUCATION",
                        "TU Berlin, MSc Computer Science, 2016",
                        NULL};
  expect_lines(extract_page("left.pdf", c), want);
}
END_TEST

/* A short left sidebar (a few contact lines) beside a long main column:
 * the sidebar holds a sliver of the page's text and some of its lines sit
 * beside main-column lines by chance (neither their tops nor their bottoms
 * line up).  Still two columns, not rows. */
START_TEST(short_sidebar) {
  char c[8192] = "";
  dg_text(c, sizeof c, 40, 700, 11, "Contact");
  dg_text(c, sizeof c, 180, 700, 11, "Summary");
  const char *side[] = {"Berlin DE", "jane@example.com", "+49 30 1234567"};
  for (int i = 0; i < 3; i++)
    dg_text(c, sizeof c, 40, 676 - 11.0 * i, 8, side[i]);
  dg_text(c, sizeof c, 40, 614, 11, "Interests");
  const char *main_col[] = {"Platform engineer with ten years of building payment systems",
                            "and the teams that run them, in three countries.",
                            "Experience",
                            "Acme Corp",
                            "Staff Engineer",
                            "Designed the multi-region deployment pipeline of the payment platform",
                            "Globex",
                            "Engineer",
                            "Built the event ingestion service, its monitoring and its on-call rota",
                            "Education",
                            "TU Berlin, MSc Computer Science, thesis on distributed queues"};
  for (int i = 0; i < 11; i++)
    dg_text(c, sizeof c, 180, 680 - 11.0 * i, 10, main_col[i]);
  text_right(c, sizeof c, 540, 647, 9, "2020 - Present");
  text_right(c, sizeof c, 540, 614, 9, "2016 - 2020");
  const char *want[] = {"Contact",
                        "",
                        "Berlin DE",
                        "jane@example.com",
                        "+49 30 1234567",
                        "",
                        "Interests",
                        "",
                        "Summary",
                        "",
                        "Platform engineer with ten years of building payment systems",
                        "and the teams that run them, in three countries.",
                        "Experience",
                        "Acme Corp\t2020 - Present",
                        "Staff Engineer",
                        "Designed the multi-region deployment pipeline of the payment platform",
                        "Globex\t2016 - 2020",
                        "Engineer",
                        "Built the event ingestion service, its monitoring and its on-call rota",
                        "Education",
                        "TU Berlin, MSc Computer Science, thesis on distributed queues",
                        NULL};
  expect_lines(extract_page("short_side.pdf", c), want);
}
END_TEST

/* A left sidebar beside entries with short lines and their dates set
 * right: the empty band between the entries and the dates is wider than
 * the sidebar's gutter, and it is no gutter (the dates are no column).  The
 * sidebar's narrower gutter left of it still splits the page. */
START_TEST(sidebar_beside_entries_with_dates_right) {
  char c[8192] = "";
  dg_text(c, sizeof c, 40, 740, 20, "Jane Doe");
  const char *side[] = {"Berlin DE", "jane@example.com", "+49 30 1234567", "Skills", "Python",
                        "PostgreSQL", "Kubernetes", "Languages", "English", "German"};
  for (int i = 0; i < 10; i++)
    dg_text(c, sizeof c, 40, 700 - 12.0 * i, 9, side[i]);
  const char *main_col[] = {"Summary",  "Engineer of payment systems.", "Experience",
                            "Acme Corp", "Staff Engineer",              "Built the billing platform",
                            "Globex",    "Engineer",                    "Ran the event ingestion",
                            "Education", "TU Berlin, MSc Informatics"};
  for (int i = 0; i < 11; i++)
    dg_text(c, sizeof c, 190, 706 - 14.0 * i, 10, main_col[i]);
  text_right(c, sizeof c, 540, 706 - 14.0 * 3, 9, "04/2020 - Present");
  text_right(c, sizeof c, 540, 706 - 14.0 * 6, 9, "02/2016 - 03/2020");
  text_right(c, sizeof c, 540, 706 - 14.0 * 10, 9, "2014 - 2016");
  const char *want[] = {"Jane Doe",
                        "",
                        "Berlin DE",
                        "jane@example.com",
                        "+49 30 1234567",
                        "Skills",
                        "Python",
                        "PostgreSQL",
                        "Kubernetes",
                        "Languages",
                        "English",
                        "German",
                        "",
                        "Summary",
                        "Engineer of payment systems.",
                        "Experience",
                        "Acme Corp\t04/2020 - Present",
                        "Staff Engineer",
                        "Built the billing platform",
                        "Globex\t02/2016 - 03/2020",
                        "Engineer",
                        "Ran the event ingestion",
                        "Education",
                        "TU Berlin, MSc Informatics\t2014 - 2016",
                        NULL};
  expect_lines(extract_page("side_dates.pdf", c), want);
}
END_TEST

/* Entries with their dates set right, each date a little below its
 * entry's first line (neither tops nor bottoms line up) and all of one
 * width (their left edges line up as a column's would): a right side made
 * of dates is the entries' dates, read where they stand, not a column read
 * after the page. */
START_TEST(dates_right_off_the_baseline) {
  char c[8192] = "";
  dg_text(c, sizeof c, 72, 740, 20, "Jane Doe");
  const char *entries[] = {"Experience", "Acme Corp", "Staff Engineer", "Built the billing platform",
                           "Globex", "Engineer", "Ran the event ingestion", "Initech", "Intern",
                           "Wrote the test tools"};
  for (int i = 0; i < 10; i++)
    dg_text(c, sizeof c, 72, 706 - 14.0 * i, 11, entries[i]);
  text_right(c, sizeof c, 540, 706 - 14.0 * 1 - 5, 8, "04/2020 - 05/2022");
  text_right(c, sizeof c, 540, 706 - 14.0 * 4 - 5, 8, "02/2016 - 03/2020");
  text_right(c, sizeof c, 540, 706 - 14.0 * 7 - 5, 8, "01/2015 - 01/2016");
  char *text = extract_page("dates_off.pdf", c);
  const char *want[] = {"Jane Doe",
                        "",
                        "Experience",
                        "Acme Corp",
                        "04/2020 - 05/2022",
                        "Staff Engineer",
                        "Built the billing platform",
                        "Globex",
                        "02/2016 - 03/2020",
                        "Engineer",
                        "Ran the event ingestion",
                        "Initech",
                        "01/2015 - 01/2016",
                        "Intern",
                        "Wrote the test tools",
                        NULL};
  expect_lines(text, want);
}
END_TEST

/* A right sidebar that opens with the name in a large font on two lines,
 * beside entries whose dates stand in a column of their own: the band
 * between the titles and the dates is the widest and no gutter; the
 * sidebar's gutter right of the dates is.  The rows at the top, the
 * columns' own size on both sides, are no header above the columns. */
START_TEST(right_sidebar_big_name_beside_dated_entries) {
  char c[8192] = "";
  /* the sidebar centred on x = 480, the dates set right at x = 380 */
  const struct {
    double y, size;
    const char *t;
  } side[] = {{744, 22, "Jane"},         {720, 22, "Doe"},       {700, 10, "Analyst"},
              {660, 10, "jane@example.com"}, {626, 10, "+44 20 7946 0000"}, {600, 11, "EDUCATION"},
              {586, 10, "BSc Mathematics"},  {572, 10, "University of Westhaven"}};
  for (int i = 0; i < 8; i++)
    dg_text(c, sizeof c, 480 - text_width(side[i].t, side[i].size) / 2, side[i].y, side[i].size, side[i].t);
  dg_text(c, sizeof c, 60, 722, 11, "EXPERIENCE");
  dg_text(c, sizeof c, 40, 700, 10, "Data Analyst");
  text_right(c, sizeof c, 380, 700, 10, "2024 - Present");
  dg_text(c, sizeof c, 40, 686, 10, "Northmoor Analytics, Leeds");
  dg_text(c, sizeof c, 40, 660, 10, "Library Assistant");
  text_right(c, sizeof c, 380, 660, 10, "2022 - 2024");
  dg_text(c, sizeof c, 40, 646, 10, "University Library");
  dg_text(c, sizeof c, 40, 620, 10, "Barista");
  text_right(c, sizeof c, 380, 620, 10, "2021 - 2022");
  dg_text(c, sizeof c, 40, 606, 10, "The Silver Ladles");
  const char *want[] = {"Jane",
                        "Doe",
                        "Analyst",
                        "",
                        "jane@example.com",
                        "",
                        "+44 20 7946 0000",
                        "",
                        "EDUCATION",
                        "BSc Mathematics",
                        "University of Westhaven",
                        "",
                        "EXPERIENCE",
                        "",
                        "Data Analyst\t2024 - Present",
                        "Northmoor Analytics, Leeds",
                        "",
                        "Library Assistant\t2022 - 2024",
                        "University Library",
                        "",
                        "Barista\t2021 - 2022",
                        "The Silver Ladles",
                        NULL};
  expect_lines(extract_page("right_big_name.pdf", c), want);
}
END_TEST

/* A left sidebar beside entries that set their role and dates right
 * ("Acme Corp ... Shift Lead" over "Jul 2018 - Mar 2020", then a line of
 * description): the main column's right edges line up more than its left
 * ones, yet with dates and prose it is a column of entries, read after the
 * sidebar. */
START_TEST(sidebar_beside_entries_set_right) {
  char c[8192] = "";
  const char *side[] = {"CONTACT", "Reno, NV", "jane@example.com", "SKILLS", "Forklift", "Scheduling",
                        "EDUCATION", "High School Diploma"};
  for (int i = 0; i < 8; i++)
    dg_text(c, sizeof c, 40, 720 - 14.0 * i, 9, side[i]);
  const struct {
    const char *org, *role, *dates, *desc;
  } e[] = {{"Brightway Logistics", "Operations Manager", "Jan 2022 - Present",
            "Oversee inbound and outbound for a large distribution centre"},
           {"Brightway Logistics", "Shift Lead", "Jul 2018 - Dec 2021", "Ran the night shift in receiving and loading"},
           {"Quickmart", "Cashier", "Sep 2014 - Apr 2016", "Handled the register and restocked the shelves"}};
  for (int i = 0; i < 3; i++) {
    double y = 722 - 46.0 * i;
    dg_text(c, sizeof c, 200, y, 10, e[i].org);
    text_right(c, sizeof c, 560, y, 10, e[i].role);
    text_right(c, sizeof c, 560, y - 13, 9, e[i].dates);
    dg_text(c, sizeof c, 210, y - 26, 9, e[i].desc);
  }
  const char *want[] = {"CONTACT",
                        "Reno, NV",
                        "jane@example.com",
                        "SKILLS",
                        "Forklift",
                        "Scheduling",
                        "EDUCATION",
                        "High School Diploma",
                        "",
                        "Brightway Logistics\tOperations Manager",
                        "Jan 2022 - Present",
                        "Oversee inbound and outbound for a large distribution centre",
                        "",
                        "Brightway Logistics\tShift Lead",
                        "Jul 2018 - Dec 2021",
                        "Ran the night shift in receiving and loading",
                        "",
                        "Quickmart\tCashier",
                        "Sep 2014 - Apr 2016",
                        "Handled the register and restocked the shelves",
                        NULL};
  expect_lines(extract_page("side_set_right.pdf", c), want);
}
END_TEST

/* Cells set closer than a column gap, told apart by gaps wider than the
 * font's word space: skill tags in a row ("Python  React Native  SQL"),
 * a title beside its dates.  Tags printed with a wide word space keep it
 * inside each tag: the wider gaps separate them, and a line of one such
 * tag under them stays whole.  A line whose spaces are stretched a little
 * (justified text) and a bullet's gap stay spaces. */
START_TEST(cells_in_a_row) {
  char c[8192] = "";
  dg_text(c, sizeof c, 72, 740, 12, "SKILLS");
  dg_text(c, sizeof c, 72, 722, 10, "Engineer who builds payment systems and the teams that run them.");
  dg_text_ws(c, sizeof c, 72, 710, 10, 1.0, "Eight years of on-call duty in three countries and regions.");
  /* a tag's margin: 3pt more than a space (-300/1000 em in a TJ array) */
  tj(c, sizeof c, 72, 692, 0, "[(Python ) -300 (React Native ) -300 (SQL)]");
  tj(c, sizeof c, 72, 678, 0, "[(Machine Learning ) -300 (Docker ) -300 (Kubernetes)]");
  /* tags with CSS word-spacing: 5.8pt inside a tag, 9.8pt between tags */
  tj(c, sizeof c, 72, 658, 3.0, "[(data structures and algorithms ) -400 (computer vision)]");
  tj(c, sizeof c, 72, 644, 3.0, "[(computational linguistics)]");
  dg_text(c, sizeof c, 72, 620, 12, "EXPERIENCE");
  tj(c, sizeof c, 72, 602, 0, "[(Senior Data Engineer ) -400 (2019 - 2021)]");
  dg_text(c, sizeof c, 72, 588, 10, "- Built the ingestion service");
  const char *want[] = {"SKILLS",
                        "Engineer who builds payment systems and the teams that run them.",
                        "Eight years of on-call duty in three countries and regions.",
                        "",
                        "Python\tReact Native\tSQL",
                        "Machine Learning\tDocker\tKubernetes",
                        "",
                        "data structures and algorithms\tcomputer vision",
                        "computational linguistics",
                        "",
                        "EXPERIENCE",
                        "Senior Data Engineer\t2019 - 2021",
                        "- Built the ingestion service",
                        NULL};
  expect_lines(extract_page("cells.pdf", c), want);
}
END_TEST

/* A grid row whose title cell is set close to its dates (a TAB inside the
 * segment) and wraps onto two more lines of the same paragraph: the
 * wrapped lines join the title, the dates and the link stay beside it.
 * The dates column lines up with the next entry's.  Not joined: a title
 * under "title<TAB>dates" in a smaller font, tags in rows set apart by
 * more than a paragraph's leading, and a line under a title whose dates
 * start on no column of the page. */
START_TEST(grid_cell_wraps_beside_dates) {
  char c[8192] = "";
  dg_text(c, sizeof c, 72, 740, 12, "WORK");
  dg_text(c, sizeof c, 72, 724, 11, "Acme Corp");
  /* 10pt lines 11.5pt apart: the next line of the same paragraph */
  dg_text(c, sizeof c, 72, 708, 10, "Analytics Engineer"); /* ends 6pt before its dates */
  dg_text(c, sizeof c, 161, 708, 10, "2015 - Present");
  dg_text(c, sizeof c, 300, 708, 10, "acme.example");
  dg_text(c, sizeof c, 72, 696.5, 10, "Reliability");
  dg_text(c, sizeof c, 72, 685, 10, "Operations");
  dg_text(c, sizeof c, 72, 664, 10, "Ran the platform for all regions and its on-call rota.");
  dg_text(c, sizeof c, 72, 644, 11, "Globex");
  dg_text(c, sizeof c, 72, 628, 10, "Data Engineering");
  dg_text(c, sizeof c, 161, 628, 10, "2012 - 2015"); /* the same column */
  dg_text(c, sizeof c, 72, 619, 8, "Lead");
  dg_text(c, sizeof c, 72, 600, 11, "Initech");
  tj(c, sizeof c, 72, 584, 0, "[(Database Administrator ) -300 (2009 - 2012)]");
  dg_text(c, sizeof c, 72, 572.5, 10, "Mainframes");
  dg_text(c, sizeof c, 72, 550, 12, "SKILLS");
  tj(c, sizeof c, 72, 532, 0, "[(Kubernetes ) -300 (Docker ) -300 (PostgreSQL)]");
  dg_text(c, sizeof c, 72, 516, 10, "Go");
  const char *want[] = {"WORK",
                        "Acme Corp",
                        "Analytics Engineer Reliability Operations\t2015 - Present\tacme.example",
                        "",
                        "Ran the platform for all regions and its on-call rota.",
                        "",
                        "Globex",
                        "Data Engineering\t2012 - 2015",
                        "Lead",
                        "",
                        "Initech",
                        "Database Administrator\t2009 - 2012",
                        "Mainframes",
                        "",
                        "SKILLS",
                        "Kubernetes\tDocker\tPostgreSQL",
                        "Go",
                        NULL};
  expect_lines(extract_page("gridwrap.pdf", c), want);
}
END_TEST

/* A header across both columns: the name in a large font on the left, the
 * headline on the right, then a gap, then a left sidebar and the main
 * column.  The header comes first, whole. */
/* A left sidebar beside a main column whose titles and dates are set flush
 * right, on the same baselines as the sidebar's lines: the empty band
 * between the entries' text and their flush-right titles is wider than the
 * gutter to the sidebar.  That band is no gutter (its right side is
 * right-aligned); the narrower one is, its right side left-aligned where
 * each row starts.  Sidebar first, then the entries whole. */
START_TEST(sidebar_beside_flush_right_titles) {
  char c[8192] = "";
  dg_text(c, sizeof c, 40, 740, 22, "Jane Doe");
  const char *side[] = {"CONTACT", "Berlin",  "jane@example.com", "SKILLS",  "Python",
                        "Infrastructure as code", "Go",    "LANGUAGES", "English", "German"};
  for (int i = 0; i < 10; i++)
    dg_text(c, sizeof c, 40, 700 - 14.0 * i, 10, side[i]);
  /* org + flush-right title, flush-right dates, two lines of text */
  const char *org[] = {"Acme Corp", "Globex", "Initech"};
  const char *title[] = {"Staff Engineer", "Engineer", "Intern"};
  const char *dates[] = {"2020 - Present", "2016 - 2020", "2015 - 2016"};
  const char *line[] = {"Ran the payment platform", "Hired the first team", "Built the ingest service",
                        "Cut its latency by half",  "Wrote test tools",     "Fixed flaky builds"};
  dg_text(c, sizeof c, 230, 700, 10, "EXPERIENCE");
  for (int e = 0; e < 3; e++) {
    double y = 686 - 56.0 * e;
    dg_text(c, sizeof c, 230, y, 10, org[e]);
    text_right(c, sizeof c, 560, y, 10, title[e]);
    text_right(c, sizeof c, 560, y - 14, 10, dates[e]);
    dg_text(c, sizeof c, 240, y - 28, 10, line[2 * e]);
    dg_text(c, sizeof c, 240, y - 42, 10, line[2 * e + 1]);
  }
  const char *want[] = {"Jane Doe",
                        "",
                        "CONTACT",
                        "Berlin",
                        "jane@example.com",
                        "SKILLS",
                        "Python",
                        "Infrastructure as code",
                        "Go",
                        "LANGUAGES",
                        "English",
                        "German",
                        "",
                        "EXPERIENCE",
                        "Acme Corp\tStaff Engineer",
                        "2020 - Present",
                        "Ran the payment platform",
                        "Hired the first team",
                        "Globex\tEngineer",
                        "2016 - 2020",
                        "Built the ingest service",
                        "Cut its latency by half",
                        "Initech\tIntern",
                        "2015 - 2016",
                        "Wrote test tools",
                        "Fixed flaky builds",
                        NULL};
  expect_lines(extract_page("flushright.pdf", c), want);
}
END_TEST

/* The same with one line of text per entry, indented by an em, beside a
 * shorter sidebar: the main column's rows start at two edges
 * (organisations, their lines), about as many at each; within an em of
 * each other they are one left edge. */
START_TEST(sidebar_beside_indented_lines) {
  char c[8192] = "";
  dg_text(c, sizeof c, 40, 740, 22, "Jane Doe");
  const char *side[] = {"CONTACT", "Berlin", "jane@example.com", "SKILLS", "Python",
                        "Infrastructure as code", "Go"};
  for (int i = 0; i < 7; i++)
    dg_text(c, sizeof c, 40, 700 - 14.0 * i, 10, side[i]);
  const char *org[] = {"Acme Corp", "Globex", "Initech"};
  const char *title[] = {"Staff Engineer", "Engineer", "Intern"};
  const char *dates[] = {"2020 - Present", "2016 - 2020", "2015 - 2016"};
  const char *line[] = {"Ran the payment platform", "Built the ingest service", "Wrote test tools"};
  dg_text(c, sizeof c, 230, 700, 10, "EXPERIENCE");
  for (int e = 0; e < 3; e++) {
    double y = 686 - 42.0 * e;
    dg_text(c, sizeof c, 230, y, 10, org[e]);
    text_right(c, sizeof c, 560, y, 10, title[e]);
    text_right(c, sizeof c, 560, y - 14, 10, dates[e]);
    dg_text(c, sizeof c, 240, y - 28, 10, line[e]);
  }
  const char *want[] = {"Jane Doe", "", "CONTACT", "Berlin", "jane@example.com", "SKILLS",
                        "Python", "Infrastructure as code", "Go", "", "EXPERIENCE", "Acme Corp\tStaff Engineer", "2020 - Present",
                        "Ran the payment platform", "Globex\tEngineer", "2016 - 2020",
                        "Built the ingest service", "Initech\tIntern", "2015 - 2016",
                        "Wrote test tools", NULL};
  expect_lines(extract_page("indented.pdf", c), want);
}
END_TEST

/* The pages of the two tests below: a name over a left sidebar ... */
static void name_and_sidebar(char *c, size_t cap) {
  dg_text(c, cap, 40, 740, 22, "Jane Doe");
  const char *side[] = {"Contact", "Berlin", "jane@example.com", "Skills", "Python"};
  for (int i = 0; i < 5; i++)
    dg_text(c, cap, 40, 690 - 14.0 * i, 10, side[i]);
}

/* ... and right of it "Experience", four entries "Org ... dates" / title /
 * line (and a second line, extra, when not NULL), step points apart. */
static void dated_entries(char *c, size_t cap, const char *const line[4], double step,
                          const char *extra) {
  const char *org[] = {"Acme Corp", "Globex", "Initech", "Hooli"};
  const char *dates[] = {"01/2020 - 03/2023", "04/2017 - 12/2019", "02/2015 - 03/2017",
                         "06/2013 - 01/2015"};
  const char *title[] = {"Staff Engineer", "Engineer", "Junior Engineer", "Intern"};
  dg_text(c, cap, 190, 704, 12, "Experience");
  for (int e = 0; e < 4; e++) {
    double y = 680 - step * e;
    dg_text(c, cap, 190, y, 10, org[e]);
    text_right(c, cap, 550, y, 10, dates[e]);
    dg_text(c, cap, 190, y - 12, 10, title[e]);
    dg_text(c, cap, 210, y - 24, 10, line[e]);
    if (extra)
      dg_text(c, cap, 210, y - 36, 10, extra);
  }
}

/* A left sidebar beside entries whose dates sit far right on the
 * organisation's row, one per entry, each entry's other lines below on the
 * left: the band before the dates is the widest, but the dates are no
 * column (short, each beside an entry's first line, far apart); the
 * sidebar's gutter is.  The dates stay on their rows. */
START_TEST(sidebar_beside_dates_on_first_rows) {
  char c[8192] = "";
  name_and_sidebar(c, sizeof c);
  const char *line[] = {"Ran the payment platform", "Built the ingest service",
                        "Wrote the test tools", "Fixed flaky builds"};
  dated_entries(c, sizeof c, line, 50, NULL);
  const char *want[] = {"Jane Doe", "", "Contact", "Berlin", "jane@example.com", "Skills", "Python",
                        "", "Experience", "",
                        "Acme Corp\t01/2020 - 03/2023", "Staff Engineer", "Ran the payment platform",
                        "", "Globex\t04/2017 - 12/2019", "Engineer", "Built the ingest service",
                        "", "Initech\t02/2015 - 03/2017", "Junior Engineer", "Wrote the test tools",
                        "", "Hooli\t06/2013 - 01/2015", "Intern", "Fixed flaky builds", NULL};
  expect_lines(extract_page("datesright.pdf", c), want);
}
END_TEST
/* The same under a summary line that reaches into the band before the
 * dates, the entries holding far more text than their dates: still no
 * column of dates, still the sidebar's gutter. */
START_TEST(sidebar_beside_dates_under_a_long_summary) {
  char c[8192] = "";
  name_and_sidebar(c, sizeof c);
  const char *line[] = {"Ran the payment platform for all of the shops",
                        "Built the ingest service and its dashboards",
                        "Wrote the test tools the whole team still uses",
                        "Fixed flaky builds and sped up the pipeline"};
  dg_text(c, sizeof c, 190, 740, 12, "Summary");
  dg_text(c, sizeof c, 190, 724, 10,
          "Platform engineer who likes small teams, plain tools and fast feedback loops.");
  dated_entries(c, sizeof c, line, 62, "Kept the on-call rota and its runbooks");
  const char *want[] = {"Jane Doe", "", "Contact", "Berlin", "jane@example.com", "Skills", "Python",
                        "", "Summary",
                        "Platform engineer who likes small teams, plain tools and fast feedback loops.",
                        "Experience", "",
                        "Acme Corp\t01/2020 - 03/2023", "Staff Engineer",
                        "Ran the payment platform for all of the shops",
                        "Kept the on-call rota and its runbooks",
                        "", "Globex\t04/2017 - 12/2019", "Engineer",
                        "Built the ingest service and its dashboards",
                        "Kept the on-call rota and its runbooks",
                        "", "Initech\t02/2015 - 03/2017", "Junior Engineer",
                        "Wrote the test tools the whole team still uses",
                        "Kept the on-call rota and its runbooks",
                        "", "Hooli\t06/2013 - 01/2015", "Intern",
                        "Fixed flaky builds and sped up the pipeline",
                        "Kept the on-call rota and its runbooks", NULL};
  expect_lines(extract_page("datessummary.pdf", c), want);
}
END_TEST

/* A sidebar layout over two pages: both the sidebar and the main column go
 * on at the top of page 2.  Each column's continuation follows its first
 * part (the degree's school and dates stay under EDUCATION, the second job
 * under EXPERIENCE), not the other column's last heading. */
START_TEST(sidebar_continues_on_next_page) {
  char p1[8192] = "", p2[8192] = "";
  dg_text(p1, sizeof p1, 40, 740, 22, "Jane Doe");
  const char *side1[] = {"CONTACT", "Berlin", "jane@example.com", "EDUCATION", "MSc Physics"};
  for (int i = 0; i < 5; i++)
    dg_text(p1, sizeof p1, 40, 700 - 14.0 * i, 10, side1[i]);
  const char *main1[] = {"EXPERIENCE", "Acme Corp, Staff Engineer", "2020 - Present",
                         "Ran the payment platform for the whole company",
                         "Moved every service to one deployment pipeline"};
  for (int i = 0; i < 5; i++)
    dg_text(p1, sizeof p1, 200, 700 - 14.0 * i, 10, main1[i]);
  const char *side2[] = {"at TU Berlin", "2014 - 2016", "AWARDS", "Best Poster Prize"};
  for (int i = 0; i < 4; i++)
    dg_text(p2, sizeof p2, 40, 740 - 14.0 * i, 10, side2[i]);
  const char *main2[] = {"Globex, Engineer", "2016 - 2020",
                         "Built the event ingestion service for all products",
                         "Wrote the runbooks the on-call team still uses"};
  for (int i = 0; i < 4; i++)
    dg_text(p2, sizeof p2, 200, 733 - 14.0 * i, 10, main2[i]);
  const char *cs[] = {p1, p2};
  const char *want[] = {"Jane Doe",
                        "",
                        "CONTACT",
                        "Berlin",
                        "jane@example.com",
                        "EDUCATION",
                        "MSc Physics",
                        "at TU Berlin",
                        "2014 - 2016",
                        "AWARDS",
                        "Best Poster Prize",
                        "",
                        "EXPERIENCE",
                        "Acme Corp, Staff Engineer",
                        "2020 - Present",
                        "Ran the payment platform for the whole company",
                        "Moved every service to one deployment pipeline",
                        "Globex, Engineer",
                        "2016 - 2020",
                        "Built the event ingestion service for all products",
                        "Wrote the runbooks the on-call team still uses",
                        NULL};
  expect_lines(extract_pages("twopages.pdf", cs, 2), want);
}
END_TEST

START_TEST(header_above_columns) {
  char c[8192] = "";
  dg_text(c, sizeof c, 40, 740, 26, "Jane Doe");
  dg_text(c, sizeof c, 300, 744, 14, "Platform Engineer");
  const char *side[] = {"CONTACT", "jane@example.com", "Berlin", "SKILLS", "Python", "Go"};
  for (int i = 0; i < 6; i++)
    dg_text(c, sizeof c, 40, 690 - 14.0 * i, 9, side[i]);
  const char *main_col[] = {"EXPERIENCE", "Staff Engineer, Acme Corp, 2020 - Present",
                            "Designed the deployment pipeline", "Engineer, Globex, 2016 - 2020",
                            "Built the event ingestion service", "EDUCATION",
                            "TU Berlin, MSc Computer Science, 2016"};
  for (int i = 0; i < 7; i++)
    dg_text(c, sizeof c, 200, 692 - 13.0 * i, 10, main_col[i]);
  const char *want[] = {"Jane Doe\tPlatform Engineer",
                        "",
                        "CONTACT",
                        "jane@example.com",
                        "Berlin",
                        "SKILLS",
                        "Python",
                        "Go",
                        "",
                        "EXPERIENCE",
                        "Staff Engineer, Acme Corp, 2020 - Present",
                        "Designed the deployment pipeline",
                        "Engineer, Globex, 2016 - 2020",
                        "Built the event ingestion service",
                        "EDUCATION",
                        "TU Berlin, MSc Computer Science, 2016",
                        NULL};
  expect_lines(extract_page("header.pdf", c), want);
}
END_TEST

/* A right sidebar with the contact details and skills, under a name at the
 * top of the main column: the main column is read first, then the sidebar. */
START_TEST(right_sidebar) {
  char c[8192] = "";
  const char *main_col[] = {"JANE DOE", "Senior Platform Engineer", "EXPERIENCE",
                            "Staff Engineer, Acme Corp", "Jan 2020 - Present",
                            "Designed the multi-region deployment pipeline",
                            "Engineer, Globex Inc", "Mar 2016 - Dec 2019",
                            "Built the event ingestion service", "EDUCATION",
                            "MSc Computer Science, TU Berlin, 2016"};
  for (int i = 0; i < 11; i++)
    dg_text(c, sizeof c, 50, 740 - 16.0 * i, i == 0 ? 16 : 10, main_col[i]);
  const char *side[] = {"CONTACT", "jane@example.com", "+49 30 1234567", "Berlin, Germany",
                        "SKILLS", "Python", "Go", "Terraform"};
  for (int i = 0; i < 8; i++)
    dg_text(c, sizeof c, 430, 736 - 13.0 * i, 9, side[i]);
  const char *want[] = {"JANE DOE",
                        "Senior Platform Engineer",
                        "EXPERIENCE",
                        "Staff Engineer, Acme Corp",
                        "Jan 2020 - Present",
                        "Designed the multi-region deployment pipeline",
                        "Engineer, Globex Inc",
                        "Mar 2016 - Dec 2019",
                        "Built the event ingestion service",
                        "EDUCATION",
                        "MSc Computer Science, TU Berlin, 2016",
                        "",
                        "CONTACT",
                        "jane@example.com",
                        "+49 30 1234567",
                        "Berlin, Germany",
                        "SKILLS",
                        "Python",
                        "Go",
                        "Terraform",
                        NULL};
  expect_lines(extract_page("right.pdf", c), want);
}
END_TEST

/* A right sidebar that opens with the name in the page's largest font: the
 * sidebar (the document's title and contact details) is read first. */
START_TEST(right_sidebar_with_name) {
  char c[8192] = "";
  const char *main_col[] = {"EXPERIENCE", "Staff Engineer, Acme Corp", "Jan 2020 - Present",
                            "Designed the multi-region deployment pipeline",
                            "Engineer, Globex Inc", "Mar 2016 - Dec 2019",
                            "Built the event ingestion service", "EDUCATION",
                            "MSc Computer Science, TU Berlin, 2016"};
  for (int i = 0; i < 9; i++)
    dg_text(c, sizeof c, 50, 740 - 15.0 * i, 10, main_col[i]);
  dg_text(c, sizeof c, 420, 736, 18, "Jane Doe");
  const char *side[] = {"Platform Engineer", "jane@example.com", "+49 30 1234567",
                        "Berlin, Germany", "SKILLS", "Python", "Go"};
  for (int i = 0; i < 7; i++)
    dg_text(c, sizeof c, 420, 714 - 13.0 * i, 9, side[i]);
  const char *want[] = {"Jane Doe",
                        "Platform Engineer",
                        "jane@example.com",
                        "+49 30 1234567",
                        "Berlin, Germany",
                        "SKILLS",
                        "Python",
                        "Go",
                        "",
                        "EXPERIENCE",
                        "Staff Engineer, Acme Corp",
                        "Jan 2020 - Present",
                        "Designed the multi-region deployment pipeline",
                        "Engineer, Globex Inc",
                        "Mar 2016 - Dec 2019",
                        "Built the event ingestion service",
                        "EDUCATION",
                        "MSc Computer Science, TU Berlin, 2016",
                        NULL};
  expect_lines(extract_page("rightname.pdf", c), want);
}
END_TEST

/* A right sidebar under a name in a large font, beside a main column whose
 * dates stand in a column of their own on each title's row: the widest
 * empty band (before the dates) is no gutter, the one before the sidebar
 * is; and the name on top of the sidebar is no header above both columns
 * (the main column's first lines beside it are no headline), so the
 * sidebar is read first, whole. */
START_TEST(right_sidebar_with_name_beside_date_column) {
  char c[8192] = "";
  dg_text(c, sizeof c, 462, 740, 18, "Jane");
  dg_text(c, sizeof c, 450, 722, 18, "Doe");
  /* contact lines indented under the name, headings and lists flush */
  const char *side[] = {"Data Analyst", "jane@example.com", "+49 30 1234567", "SKILLS", "Python",
                        "SQL"};
  const double side_y[] = {700, 670, 650, 620, 604, 588};
  for (int i = 0; i < 6; i++)
    dg_text(c, sizeof c, i < 3 ? 469 : 446, side_y[i], 9, side[i]);
  dg_text(c, sizeof c, 110, 724, 11, "WORK EXPERIENCE");
  const char *title[] = {"Junior Data Analyst", "Data Analyst Intern", "Library Assistant",
                         "Barista"};
  const char *org[] = {"Acme Analytics, Leeds", "Acme Analytics", "University Library",
                       "Corner Cafe"};
  const char *dates[] = {"2024 - Present", "2023 - 2023", "2022 - 2024", "2021 - 2022"};
  for (int e = 0; e < 4; e++) {
    double y = 704 - 36.0 * e;
    dg_text(c, sizeof c, 90, y, 9, title[e]);
    text_right(c, sizeof c, 400, y, 9, dates[e]);
    dg_text(c, sizeof c, 90, y - 12, 8, org[e]);
  }
  const char *want[] = {"Jane", "Doe", "Data Analyst", "", "jane@example.com", "", "+49 30 1234567",
                        "", "SKILLS", "", "Python", "", "SQL", "",
                        "WORK EXPERIENCE", "",
                        "Junior Data Analyst\t2024 - Present", "Acme Analytics, Leeds", "",
                        "Data Analyst Intern\t2023 - 2023", "Acme Analytics", "",
                        "Library Assistant\t2022 - 2024", "University Library", "",
                        "Barista\t2021 - 2022", "Corner Cafe", NULL};
  expect_lines(extract_page("rightdates.pdf", c), want);
}
END_TEST

/* Grid rows: the dates in a narrow left column, each on the first line of
 * its entry; one date range wraps onto two lines. */
START_TEST(grid_dates_left) {
  char c[8192] = "";
  dg_text(c, sizeof c, 60, 740, 12, "Experience");
  struct {
    const char *date[2];
    const char *body[3];
  } rows[] = {{{"2020 - Present", NULL}, {"Acme Corp", "Staff Engineer", "Built the billing platform"}},
              {{"2016 - 2020", NULL}, {"Globex Inc", "Engineer", "Maintained the data pipeline"}},
              {{"Jan 2012 -", "Dec 2015"}, {"Initech", "Intern", "Wrote the test suite"}}};
  double y = 716;
  for (int r = 0; r < 3; r++) {
    for (int k = 0; k < 2; k++)
      if (rows[r].date[k])
        dg_text(c, sizeof c, 60, y - 13.0 * k, 9, rows[r].date[k]);
    for (int k = 0; k < 3; k++)
      dg_text(c, sizeof c, 160, y - 13.0 * k, 10, rows[r].body[k]);
    y -= 13.0 * 3 + 10;
  }
  dg_text(c, sizeof c, 60, y - 10, 12, "Education");
  dg_text(c, sizeof c, 60, y - 34, 9, "2016");
  dg_text(c, sizeof c, 160, y - 34, 10, "TU Berlin, MSc Computer Science");
  const char *want[] = {"Experience",
                        "",
                        "2020 - Present\tAcme Corp",
                        "Staff Engineer",
                        "Built the billing platform",
                        "",
                        "2016 - 2020\tGlobex Inc",
                        "Engineer",
                        "Maintained the data pipeline",
                        "",
                        "Jan 2012 - Dec 2015\tInitech",
                        "Intern",
                        "Wrote the test suite",
                        "",
                        "Education",
                        "",
                        "2016\tTU Berlin, MSc Computer Science",
                        NULL};
  expect_lines(extract_page("grid.pdf", c), want);
}
END_TEST

/* Small caps as a browser prints them: a capital at the full size, the
 * rest as smaller capitals a hair apart (poppler puts a space there). */
START_TEST(small_caps_heading) {
  char c[8192] = "";
  snprintf(c, sizeof c,
           "BT /F1 14 Tf 72 720 Td (W) Tj 14 0 Td /F1 11 Tf (ORK) Tj 28.5 0 Td /F1 14 Tf (E) Tj "
           "10.3 0 Td /F1 11 Tf (XPERIENCE) Tj ET\n"
           "BT /F1 14 Tf 72 680 Td (E) Tj 10.3 0 Td /F1 11 Tf (DUCATION) Tj ET\n");
  dg_text(c, sizeof c, 72, 700, 10, "Staff Engineer, Acme Corp, 2020 - Present");
  dg_text(c, sizeof c, 72, 660, 10, "TU Berlin, MSc Computer Science, 2016");
  const char *want[] = {"WORK EXPERIENCE",
                        "Staff Engineer, Acme Corp, 2020 - Present",
                        "EDUCATION",
                        "TU Berlin, MSc Computer Science, 2016",
                        NULL};
  expect_lines(extract_page("smallcaps.pdf", c), want);
}
END_TEST

/* Letter-spaced headings (CSS letter-spacing, PDF Tc): poppler puts a
 * space between every letter. */
START_TEST(letter_spaced_heading) {
  char c[8192] = "";
  snprintf(c, sizeof c,
           "BT /F1 11 Tf 5 Tc 72 720 Td (WORK HISTORY) Tj 0 Tc ET\n"
           "BT /F1 11 Tf 5 Tc 72 680 Td (Education) Tj 0 Tc ET\n"
           "BT /F1 11 Tf 5 Tc 72 640 Td (SKILLS) Tj 0 Tc ET\n");
  dg_text(c, sizeof c, 72, 700, 10, "Staff Engineer at Acme Corp, 2020 - Present");
  dg_text(c, sizeof c, 72, 660, 10, "TU Berlin, MSc Computer Science, 2016");
  dg_text(c, sizeof c, 72, 620, 10, "I am a fan of C and Go");
  const char *want[] = {"WORK HISTORY",
                        "",
                        "Staff Engineer at Acme Corp, 2020 - Present",
                        "",
                        "Education",
                        "",
                        "TU Berlin, MSc Computer Science, 2016",
                        "",
                        "SKILLS",
                        "",
                        "I am a fan of C and Go",
                        NULL};
  expect_lines(extract_page("spaced.pdf", c), want);
}
END_TEST

/* Characters of w from x on, each cw wide and 10pt high, as poppler gives
 * them to cw_x_layout. */
static void put_word(char *t, size_t *tn, xrect *r, size_t *n, const char *w, double x, double y,
                     double cw) {
  for (const char *p = w; *p; p++, x += cw) {
    t[(*tn)++] = *p;
    r[(*n)++] = (xrect){x, y, x + cw, y + 10};
  }
}

/* A page of many rows "Senior Data Platform<TAB>2015" with a line under
 * the first cell that could be its wrapped end ("Engineer"), each pair
 * further right, so that no other cell of the page starts where its
 * "2015" does: the search for such a column of the grid (column_at) finds
 * none for any row.  The page still comes out row by row.  (Its cost, once
 * rows x words and seconds here, is a figure for bench/, not a timed
 * assertion.  Run directly on the boxes: a PDF page holds fewer rows.) */
START_TEST(many_grid_rows_in_order) {
  enum { PAIRS = 20000 };
  char *t = malloc(PAIRS * 48 + 1);
  xrect *r = malloc(PAIRS * 48 * sizeof *r);
  ck_assert_ptr_nonnull(t);
  ck_assert_ptr_nonnull(r);
  size_t tn = 0, n = 0;
  for (int j = 0; j < PAIRS; j++) {
    double ox = j * 300.0, y = j * 24.0;
    put_word(t, &tn, r, &n, "Senior Data Platform ", ox, y, 5);
    put_word(t, &tn, r, &n, "2015\n", ox + 111, y, 5);
    put_word(t, &tn, r, &n, "Engineer\n", ox, y + 11.5, 5);
  }
  t[tn] = 0;
  xbuf out = {.max = 1 << 26};
  cw_x_layout(t, r, n, &out);
  ck_assert_ptr_nonnull(out.buf);
  const char *first = "Senior Data Platform\t2015\nEngineer\n";
  ck_assert_msg(out.len > strlen(first) && memcmp(out.buf, first, strlen(first)) == 0, "%.60s", out.buf);
  xbuf_free(&out);
  free(t);
  free(r);
}
END_TEST

int main(void) {
  Suite *s = suite_create("layout");
  TCase *t = tcase_create("layout");
  tcase_add_checked_fixture(t, setup, teardown);
  tcase_set_timeout(t, 60);
  tcase_add_test(t, single_column);
  tcase_add_test(t, two_columns);
  tcase_add_test(t, two_lists_side_by_side);
  tcase_add_test(t, left_sidebar);
  tcase_add_test(t, short_sidebar);
  tcase_add_test(t, cells_in_a_row);
  tcase_add_test(t, grid_cell_wraps_beside_dates);
  tcase_add_test(t, header_above_columns);
  tcase_add_test(t, sidebar_beside_flush_right_titles);
  tcase_add_test(t, sidebar_beside_indented_lines);
  tcase_add_test(t, sidebar_beside_dates_on_first_rows);
  tcase_add_test(t, sidebar_beside_dates_under_a_long_summary);
  tcase_add_test(t, sidebar_continues_on_next_page);
  tcase_add_test(t, right_sidebar);
  tcase_add_test(t, right_sidebar_with_name);
  tcase_add_test(t, right_sidebar_with_name_beside_date_column);
  tcase_add_test(t, grid_dates_left);
  tcase_add_test(t, small_caps_heading);
  tcase_add_test(t, letter_spaced_heading);
  tcase_add_test(t, many_grid_rows_in_order);
  tcase_add_test(t, sidebar_beside_entries_with_dates_right);
  tcase_add_test(t, dates_right_off_the_baseline);
  tcase_add_test(t, right_sidebar_big_name_beside_dated_entries);
  tcase_add_test(t, sidebar_beside_entries_set_right);
  suite_add_tcase(s, t);
  SRunner *r = srunner_create(s);
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? 1 : 0;
}
