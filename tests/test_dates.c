/* Date-range parser: every style the parser promises, plus text that must
 * not be taken for a date. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careeros/dates.h"

typedef struct {
  const char *in, *start, *end, *text;
  bool current, range;
} dcase;

static const dcase cases[] = {
    {"Jan 2020 – Present", "2020-01", "", "Jan 2020 – Present", true, true},
    {"01/2019 - 03/2021", "2019-01", "2021-03", "01/2019 - 03/2021", false, true},
    {"2018–20", "2018", "2020", "2018–20", false, true},
    {"2018-2020", "2018", "2020", "2018-2020", false, true},
    {"Summer 2022", "2022", "", "Summer 2022", false, false},
    {"2019 to date", "2019", "", "2019 to date", true, true},
    {"Since 2021", "2021", "", "Since 2021", true, true},
    {"2011/06 to 2014/01", "2011-06", "2014-01", "2011/06 to 2014/01", false, true},
    {"Sept. 2019 – Now", "2019-09", "", "Sept. 2019 – Now", true, true},
    {"Sept 2018 – May 2023", "2018-09", "2023-05", "Sept 2018 – May 2023", false, true},
    {"June 2023 – present", "2023-06", "", "June 2023 – present", true, true},
    {"January 2009 – January 2017", "2009-01", "2017-01", "January 2009 – January 2017", false, true},
    {"Dec 2013 — Dec 2014", "2013-12", "2014-12", "Dec 2013 — Dec 2014", false, true},
    {"May 2019 - Current", "2019-05", "", "May 2019 - Current", true, true},
    {"2020 - Ongoing", "2020", "", "2020 - Ongoing", true, true},
    {"Mar 2015 until now", "2015-03", "", "Mar 2015 until now", true, true},
    {"2016-03 – 2018-11", "2016-03", "2018-11", "2016-03 – 2018-11", false, true},
    {"Jan – Mar 2020", "2020-01", "2020-03", "Jan – Mar 2020", false, true},
    {"seit 04/2020", "2020-04", "", "seit 04/2020", true, true},
    {"10/2016 – 03/2020", "2016-10", "2020-03", "10/2016 – 03/2020", false, true},
    {"janv. 2020 – présent", "2020-01", "", "janv. 2020 – présent", true, true},
    {"sept. 2017 – déc. 2019", "2017-09", "2019-12", "sept. 2017 – déc. 2019", false, true},
    {"März 2018 – heute", "2018-03", "", "März 2018 – heute", true, true},
    {"enero 2019 - actualidad", "2019-01", "", "enero 2019 - actualidad", true, true},
    {"Aug '19 – Jun '21", "2019-08", "2021-06", "Aug '19 – Jun '21", false, true},
    {"1991", "1991", "", "1991", false, false},
    {"Fall 2019 - Spring 2021", "2019", "2021", "Fall 2019 - Spring 2021", false, true},
    {"03.2017 - 12.2019", "2017-03", "2019-12", "03.2017 - 12.2019", false, true},
    {"15.03.2017 – 30.06.2019", "2017-03", "2019-06", "15.03.2017 – 30.06.2019", false, true},
    {"2019 –", "2019", "", "2019 –", true, true},
    {"February, 2015 - March, 2016", "2015-02", "2016-03", "February, 2015 - March, 2016", false, true},
    {"2015/16", "2015", "2016", "2015/16", false, true},
    {"Winter 2020/21", "2020", "2021", "Winter 2020/21", false, true},
    {"Q3 2019 – Q1 2021", "2019", "2021", "Q3 2019 – Q1 2021", false, true},
    {"2020.01 - 2022.03", "2020-01", "2022-03", "2020.01 - 2022.03", false, true},
    {"Jan 2020 - Jun 2022 · 2 yrs 6 mos", "2020-01", "2022-06", "Jan 2020 - Jun 2022", false, true},
    {"Oct 2018 - till now", "2018-10", "", "Oct 2018 - till now", true, true},
    {"From March 2015 to June 2017", "2015-03", "2017-06", "From March 2015 to June 2017", false, true},
    {"jun. 2019 - dic. 2020", "2019-06", "2020-12", "jun. 2019 - dic. 2020", false, true},
    {"Sep 2021-Present", "2021-09", "", "Sep 2021-Present", true, true},
    /* issue 14: formats seen in printed JSON Resume themes */
    {"Aug, 2022 - Present", "2022-08", "", "Aug, 2022 - Present", true, true},
    {"08/2022", "2022-08", "", "08/2022", false, false},
    {"2022-08-22", "2022-08", "", "2022-08-22", false, false},
    {"2019-03-01 → Present", "2019-03", "", "2019-03-01 → Present", true, true},
    {"2016-05-01 ⟶ 2018-02-01", "2016-05", "2018-02", "2016-05-01 ⟶ 2018-02-01", false, true},
    {"Sept 2004 – Oct 2005", "2004-09", "2005-10", "Sept 2004 – Oct 2005", false, true},
    {"Jan 2015 - Mar 2019 7 years 9 months", "2015-01", "2019-03", "Jan 2015 - Mar 2019", false, true},
    {"Mar 2019 - Present -1 years -2 months", "2019-03", "", "Mar 2019 - Present", true, true},
    {"2019 - Currently Pursuing", "2019", "", "2019 - Currently Pursuing", true, true},
    {"Mar 2019 - Current", "2019-03", "", "Mar 2019 - Current", true, true},
    {"2018 – Now", "2018", "", "2018 – Now", true, true},
    /* Italian, Portuguese, Polish (with and without diacritics), abbreviations */
    {"gennaio 2019 – dicembre 2020", "2019-01", "2020-12", "gennaio 2019 – dicembre 2020", false, true},
    {"set 2018 - ott 2019", "2018-09", "2019-10", "set 2018 - ott 2019", false, true},
    {"maggio 2017 - oggi", "2017-05", "", "maggio 2017 - oggi", true, true},
    {"março 2016 – atual", "2016-03", "", "março 2016 – atual", true, true},
    {"marco 2016 a junho 2018", "2016-03", "2018-06", "marco 2016 a junho 2018", false, true},
    {"fev 2015 - out 2016", "2015-02", "2016-10", "fev 2015 - out 2016", false, true},
    {"styczeń 2019 – obecnie", "2019-01", "", "styczeń 2019 – obecnie", true, true},
    {"wrzesien 2012 - pazdziernik 2014", "2012-09", "2014-10", "wrzesien 2012 - pazdziernik 2014", false, true},
    {"Październik 2010 – Grudzień 2011", "2010-10", "2011-12", "Październik 2010 – Grudzień 2011", false, true},
    {"lis 2020 - lut 2021", "2020-11", "2021-02", "lis 2020 - lut 2021", false, true},
    {"od marca 2021", "2021-03", "", "od marca 2021", true, true},
    {"Dez. 2019 – Mrz. 2021", "2019-12", "2021-03", "Dez. 2019 – Mrz. 2021", false, true},
    {"avr. 2018 – juil. 2019", "2018-04", "2019-07", "avr. 2018 – juil. 2019", false, true},
    {"abr 2014 – ago 2016", "2014-04", "2016-08", "abr 2014 – ago 2016", false, true},
    /* x-de: month names in capitals with accents, "de" before the year,
     * Spanish, French and German current words after a filler */
    {"MÄRZ 2018 – HEUTE", "2018-03", "", "MÄRZ 2018 – HEUTE", true, true},
    {"FÉVRIER 2016 – AOÛT 2018", "2016-02", "2018-08", "FÉVRIER 2016 – AOÛT 2018", false, true},
    {"desde marzo de 2018", "2018-03", "", "desde marzo de 2018", true, true},
    {"enero de 2015 a marzo de 2018", "2015-01", "2018-03", "enero de 2015 a marzo de 2018", false, true},
    {"2019 - la actualidad", "2019", "", "2019 - la actualidad", true, true},
    {"2019 - actualmente", "2019", "", "2019 - actualmente", true, true},
    {"2019 - en cours", "2019", "", "2019 - en cours", true, true},
    {"mars 2019 à ce jour", "2019-03", "", "mars 2019 à ce jour", true, true},
    {"Mai 2017 – laufend", "2017-05", "", "Mai 2017 – laufend", true, true},
    {"janvier 2019 – aujourd'hui", "2019-01", "", "janvier 2019 – aujourd'hui", true, true},
    {"2019 – AUJOURD’HUI", "2019", "", "2019 – AUJOURD’HUI", true, true},
    /* month and two-digit year, as both ends of a range */
    {"Analyst 06/19 - 08/21", "2019-06", "2021-08", "06/19 - 08/21", false, true},
    {"6/98 – Present", "1998-06", "", "6/98 – Present", true, true},
    /* a day before or after the month name goes; a month glued to its year */
    {"15 March 2019 - 30 June 2020", "2019-03", "2020-06", "15 March 2019 - 30 June 2020", false, true},
    {"15. März 2019 – heute", "2019-03", "", "15. März 2019 – heute", true, true},
    {"March 15, 2019 - June 30, 2020", "2019-03", "2020-06", "March 15, 2019 - June 30, 2020", false, true},
    {"Mar-2019 to Jun-2020", "2019-03", "2020-06", "Mar-2019 to Jun-2020", false, true},
    {"March/2019 - June/2020", "2019-03", "2020-06", "March/2019 - June/2020", false, true},
    /* current in Spanish, Italian, Portuguese, German, Polish */
    {"2019 - en curso", "2019", "", "2019 - en curso", true, true},
    {"mar 2019 – in corso", "2019-03", "", "mar 2019 – in corso", true, true},
    {"2019 - hoje", "2019", "", "2019 - hoje", true, true},
    {"2019 - Gegenwart", "2019", "", "2019 - Gegenwart", true, true},
    {"03.2019 - nadal", "2019-03", "", "03.2019 - nadal", true, true},
    {"2019 - Curso de Python", "2019", "", "2019", false, false},
    /* Polish "r." (roku) after the year */
    {"od 2018 r. do 2020 r.", "2018", "2020", "od 2018 r. do 2020 r.", false, true},
    {"marzec 2018 r. – obecnie", "2018-03", "", "marzec 2018 r. – obecnie", true, true},
    /* a number before the start only is no day ("Lyon 1") */
    {"Universite Lyon 1 sept. 2011 - juin 2013", "2011-09", "2013-06", "sept. 2011 - juin 2013", false, true},
};

START_TEST(test_styles) {
  const dcase *c = &cases[_i];
  cw_date_range r;
  ck_assert_msg(cw_dates_find(c->in, strlen(c->in), &r) == 0, "no date in '%s'", c->in);
  ck_assert_str_eq(r.start, c->start);
  ck_assert_str_eq(r.end, c->end);
  ck_assert_msg(r.is_current == c->current, "is_current of '%s'", c->in);
  ck_assert_msg(r.is_range == c->range, "is_range of '%s'", c->in);
  char text[128];
  snprintf(text, sizeof text, "%.*s", (int)(r.end_off - r.begin), c->in + r.begin);
  ck_assert_str_eq(text, c->text);
}
END_TEST

START_TEST(test_expected) {
  cw_date_range r;
  const char *s = "Expected May 2025";
  ck_assert_int_eq(cw_dates_find(s, strlen(s), &r), 0);
  ck_assert(r.expected);
  ck_assert_str_eq(r.start, "");
  ck_assert_str_eq(r.end, "2025-05");
  ck_assert(!r.is_current);
  ck_assert_uint_eq(r.begin, 0);
  ck_assert_uint_eq(r.end_off, strlen(s));
}
END_TEST

START_TEST(test_inside_line) {
  cw_date_range r;
  const char *s = "Research Intern, NVIDIA Research – Santa Clara, CA     May 2022 – Aug 2022";
  ck_assert_int_eq(cw_dates_find(s, strlen(s), &r), 0);
  ck_assert_str_eq(r.start, "2022-05");
  ck_assert_str_eq(r.end, "2022-08");
  ck_assert_str_eq(s + r.begin, "May 2022 – Aug 2022");
  /* A range is preferred over an earlier single year. */
  const char *t = "Won AIHacks 2016, then 2017 - 2019 at Acme";
  ck_assert_int_eq(cw_dates_find(t, strlen(t), &r), 0);
  ck_assert_str_eq(r.start, "2017");
  ck_assert_str_eq(r.end, "2019");
  /* The date in a parenthesis. */
  const char *u = "Analyst at Meridian Bank (2018–20)";
  ck_assert_int_eq(cw_dates_find(u, strlen(u), &r), 0);
  ck_assert_str_eq(r.start, "2018");
  ck_assert_str_eq(r.end, "2020");
}
END_TEST

START_TEST(test_not_dates) {
  static const char *const none[] = {"", "Python, C++, CUDA", "GPA: 3.97/4.00",
                                     "2M+ monthly API requests with 99.97% uptime",
                                     "DB1101 - Basic SQL, CS2011 - Java", "Room 101", "May",
                                     "Present", "1850", "3 to 28 engineers",
                                     /* a year glued to a name is part of the name */
                                     "AlexNet2025", "Windows2000 - Vista",
                                     /* "MM/YY" alone or backwards, fractions */
                                     "06/19", "08/21 - 06/19", "3/4 - 5/6", NULL};
  cw_date_range r;
  for (int i = 0; none[i]; i++)
    ck_assert_msg(cw_dates_find(none[i], strlen(none[i]), &r) == -ENOENT, "'%s' is no date", none[i]);
}
END_TEST

START_TEST(test_parse_whole) {
  cw_date_range r;
  ck_assert_int_eq(cw_dates_parse(" (May 2021 – Aug 2021) ", 23, &r), 0);
  ck_assert_str_eq(r.start, "2021-05");
  const char *s = "Engineer May 2021 – Aug 2021";
  ck_assert_int_eq(cw_dates_parse(s, strlen(s), &r), -ENOENT);
  ck_assert_int_eq(cw_dates_find(s, strlen(s), &r), 0);
}
END_TEST

START_TEST(test_backwards_and_bounds) {
  cw_date_range r;
  /* An end before the start is not a range: the first date stands alone. */
  const char *s = "2021 - 2019";
  ck_assert_int_eq(cw_dates_find(s, strlen(s), &r), 0);
  ck_assert(!r.is_range);
  ck_assert_str_eq(r.start, "2021");
  /* With months on both sides it is the range as printed, backwards. */
  const char *back = "Mar 2023 - Dec 2005";
  ck_assert_int_eq(cw_dates_find(back, strlen(back), &r), 0);
  ck_assert(r.is_range);
  ck_assert_str_eq(r.start, "2023-03");
  ck_assert_str_eq(r.end, "2005-12");
  /* Months out of range are not months. */
  const char *t = "13/2019";
  ck_assert_int_eq(cw_dates_find(t, strlen(t), &r), 0);
  ck_assert_str_eq(r.start, "2019");
  /* Not NUL-terminated input: only len bytes are read. */
  char buf[8];
  memcpy(buf, "2019-20", 7);
  buf[7] = '9';
  ck_assert_int_eq(cw_dates_find(buf, 4, &r), 0);
  ck_assert_str_eq(r.start, "2019");
  ck_assert_int_eq(cw_dates_find(NULL, 0, &r), -EINVAL);
}
END_TEST

START_TEST(test_month_names) {
  size_t used;
  ck_assert_int_eq(cw_dates_month("Sept", 4, &used), 9);
  ck_assert_int_eq(cw_dates_month("december", 8, &used), 12);
  ck_assert_int_eq(cw_dates_month("Mai", 3, &used), 5);
  ck_assert_int_eq(cw_dates_month("août", strlen("août"), &used), 8);
  ck_assert_int_eq(cw_dates_month("Ma", 2, &used), 0);
  ck_assert_int_eq(cw_dates_month("września", strlen("września"), &used), 9);
  ck_assert_int_eq(cw_dates_month("luglio", 6, &used), 7);
  ck_assert_int_eq(cw_dates_month("dezembro", 8, &used), 12);
  ck_assert_int_eq(cw_dates_month("Python", 6, &used), 0);
}
END_TEST

/* 03/04/2019 is March with slashes and April with dots unless the rest of
 * the document says otherwise; a day above 12 settles it. */
START_TEST(test_numeric_order) {
  cw_date_range r;
  const char *s = "03/04/2019 - 05/06/2020";
  ck_assert_int_eq(cw_dates_find(s, strlen(s), &r), 0);
  ck_assert_str_eq(r.start, "2019-03");
  ck_assert_str_eq(r.end, "2020-05");
  ck_assert_int_eq(cw_dates_find_in(s, strlen(s), CW_DATES_ORDER_DMY, &r), 0);
  ck_assert_str_eq(r.start, "2019-04");
  ck_assert_str_eq(r.end, "2020-06");
  const char *dots = "03.04.2019";
  ck_assert_int_eq(cw_dates_find_in(dots, strlen(dots), CW_DATES_ORDER_MDY, &r), 0);
  ck_assert_str_eq(r.start, "2019-03");
  ck_assert_int_eq(cw_dates_find(dots, strlen(dots), &r), 0);
  ck_assert_str_eq(r.start, "2019-04");
  /* a day above 12 wins over the order asked for */
  const char *clear = "25/03/2019";
  ck_assert_int_eq(cw_dates_find_in(clear, strlen(clear), CW_DATES_ORDER_MDY, &r), 0);
  ck_assert_str_eq(r.start, "2019-03");
  ck_assert_int_eq(cw_dates_parse_in(s, strlen(s), CW_DATES_ORDER_DMY, &r), 0);
  ck_assert_str_eq(r.start, "2019-04");

  const char *doc_dmy = "Acme\n03/04/2019 - 25/06/2020\nBeta\n01/02/2017 - 28/02/2019\n";
  ck_assert_int_eq(cw_dates_order_of(doc_dmy, strlen(doc_dmy)), CW_DATES_ORDER_DMY);
  const char *doc_mdy = "Acme 03/04/2019 - 06/25/2020, Beta 12/31/2016";
  ck_assert_int_eq(cw_dates_order_of(doc_mdy, strlen(doc_mdy)), CW_DATES_ORDER_MDY);
  const char *doc_none = "03/04/2019 - 05/06/2020 and 2018-2019";
  ck_assert_int_eq(cw_dates_order_of(doc_none, strlen(doc_none)), CW_DATES_ORDER_AUTO);
  ck_assert_int_eq(cw_dates_order_of(NULL, 0), CW_DATES_ORDER_AUTO);
}
END_TEST

START_TEST(test_long_input) {
  /* Many tokens: the lexer's window slides; a date far in must be found. */
  size_t n = 200000;
  char *s = malloc(n + 32);
  for (size_t i = 0; i < n; i += 2) {
    s[i] = 'a';
    s[i + 1] = ' ';
  }
  strcpy(s + n, "Jan 2020 - Mar 2021");
  cw_date_range r;
  ck_assert_int_eq(cw_dates_find(s, strlen(s), &r), 0);
  ck_assert_str_eq(r.start, "2020-01");
  ck_assert_str_eq(r.end, "2021-03");
  ck_assert_uint_eq(r.begin, n);
  free(s);
}
END_TEST

int main(void) {
  Suite *s = suite_create("dates");
  TCase *tc = tcase_create("dates");
  tcase_add_loop_test(tc, test_styles, 0, (int)(sizeof cases / sizeof cases[0]));
  tcase_add_test(tc, test_expected);
  tcase_add_test(tc, test_inside_line);
  tcase_add_test(tc, test_not_dates);
  tcase_add_test(tc, test_parse_whole);
  tcase_add_test(tc, test_backwards_and_bounds);
  tcase_add_test(tc, test_month_names);
  tcase_add_test(tc, test_long_input);
  tcase_add_test(tc, test_numeric_order);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
