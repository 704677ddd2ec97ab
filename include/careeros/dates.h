/* Date-range parser for resume text: "Jan 2020 – Present", "01/2019 - 03/2021",
 * "2018–20", "Summer 2022", "2019 to date", "Since 2021", "Expected May 2025",
 * "2011/06 to 2014/01", "Sept. 2019", "2019-03-01 → Present", "06/19 - 08/21"
 * (month and two-digit year, in a range only), "15 March 2019 - 30 June 2020",
 * "March 15, 2019", "Mar-2019" (the day goes), year-only, and
 * the same with German, French, Spanish, Italian, Portuguese and Polish month
 * names.  Results are partial ISO 8601 ("YYYY" or
 * "YYYY-MM"); seasons keep year precision.  Pure functions, no allocation. */
#ifndef CAREEROS_DATES_H
#define CAREEROS_DATES_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
  char start[8];     /* "" when absent */
  char end[8];       /* "" when absent or current */
  bool is_current;   /* Present/Current/Now/Ongoing/to date/Since ... */
  bool is_range;     /* two dates (or date + current) rather than one date */
  bool expected;     /* "Expected May 2025": the single date is a future end */
  size_t begin;      /* byte span of the date text inside the input */
  size_t end_off;
} cw_date_range;

/* Finds the best date expression in s[0..len): the first range, or else the
 * first single date.  Returns 0 and fills out, or -ENOENT. */
int cw_dates_find(const char *s, size_t len, cw_date_range *out);

/* Like cw_dates_find but the date must make up the whole of s (ignoring
 * blanks, brackets and trailing punctuation).  Returns 0 or -ENOENT. */
int cw_dates_parse(const char *s, size_t len, cw_date_range *out);

/* How an ambiguous numeric date (03/04/2019) is read.  AUTO: day first
 * with dots (03.04.2019), month first with slashes; a number above 12 settles
 * it either way. */
enum cw_dates_order { CW_DATES_ORDER_AUTO, CW_DATES_ORDER_MDY, CW_DATES_ORDER_DMY };

/* cw_dates_find / cw_dates_parse with the reading of D/M/YYYY given. */
int cw_dates_find_in(const char *s, size_t len, int order, cw_date_range *out);
int cw_dates_parse_in(const char *s, size_t len, int order, cw_date_range *out);

/* The order the unambiguous numeric dates of a whole document use
 * ("25/03/2019" votes DMY, "03/25/2019" MDY); AUTO when they do not say. */
int cw_dates_order_of(const char *s, size_t len);

/* s[0..n) and t[0..n) are the same text ignoring case, with the accented
 * capitals of Latin-1 and Latin Extended-A folded too ("MÄRZ" = "märz",
 * "École" = "école"); both forms of those letters are two bytes long. */
bool cw_same_folded(const char *s, const char *t, size_t n);

/* Month number 1..12 for a month name or abbreviation at s (English, German,
 * French, Spanish, Italian, Portuguese, Polish, case-insensitive); *used gets the bytes consumed.  0 if
 * none. */
int cw_dates_month(const char *s, size_t len, size_t *used);

#endif
