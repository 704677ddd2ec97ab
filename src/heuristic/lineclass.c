/* Line model of an entry section: each line is classified (header,
 * date-only, description) and its date and durations are cut out. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lineclass.h"
#include "words.h"

bool cw__filler_only(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (isalnum(c)) return false;
    if (c >= 0x80) {
      /* dashes and bullets are filler, other non-ASCII letters are not */
      if (c == 0xE2 && i + 2 < n) {
        i += 2;
        continue;
      }
      if (c == 0xC2 && i + 1 < n) {
        i++;
        continue;
      }
      return false;
    }
  }
  return true;
}

void cw__blank_span(char *s, size_t b, size_t e) {
  /* Three spaces at least, so that the cut acts as a cell gap. */
  for (size_t i = b; i < e; i++) s[i] = ' ';
  (void)s;
}

/* Date of a header line: a range anywhere, or a single date that fills a
 * cell or sits at the start/end of the line. */
static bool header_date(const cw__doc *d, const cw__line *l, cw_date_range *r) {
  if (cw_dates_find_in(l->text, l->len, d->date_order, r) != 0) return false;
  /* "colleagues during 2017-2018 enrollment as": a range inside a sentence,
   * lower-case words on both sides, dates no entry */
  if (r->begin >= 2 && r->end_off + 2 <= l->len && l->text[r->begin - 1] == ' ' &&
      islower((unsigned char)l->text[r->begin - 2]) && l->text[r->end_off] == ' ' &&
      islower((unsigned char)l->text[r->end_off + 1]))
    return false;
  if (r->is_range || r->expected) return true;
  for (int c = 0; c < l->ncells; c++) {
    if (r->begin >= l->cell_b[c] && r->end_off <= l->cell_e[c]) {
      const char *cb = l->text + l->cell_b[c];
      if (cw__filler_only(cb, r->begin - l->cell_b[c]) ||
          cw__filler_only(l->text + r->end_off, l->cell_e[c] - r->end_off))
        return true;
      /* "(Aug 2016; ...)" inside a line */
      if (r->begin > 0 && l->text[r->begin - 1] == '(') return true;
    }
  }
  return false;
}

/* Prose rather than a header: long, or a sentence ending in a full stop
 * (a header may end in "Inc." or "Co." but not in a longer word). */
static bool is_paragraph(const char *s, size_t n) {
  int w = cw__word_count(s, n);
  const char *p = s;
  size_t m = n;
  cw__trim(&p, &m);
  if (w > 16) return true;
  if (!m || p[m - 1] != '.' || w < 3) return false;
  size_t k = m - 1;
  while (k > 0 && p[k - 1] != ' ') k--;
  size_t last = m - 1 - k;
  return w > 8 || (last > 4 && !memchr(p + k, '.', last) && islower((unsigned char)p[k]));
}

/* The previous bullet was cut by the page width: it is one of the longest
 * lines and does not end a sentence, so this line goes on with it. */
static bool wrapped(const cw__eline *prev, size_t maxlen) {
  const cw__line *pl = prev->l;
  if (!(pl->bullet || prev->cont) || !pl->len || maxlen < 40) return false;
  char last = pl->text[pl->len - 1];
  if (strchr(".!?;:)", last)) return false;
  return pl->len + (size_t)pl->indent >= maxlen * 3 / 4;
}

/* The rest of a wrapped bullet ("Fund", "divisions"), not a header: one or
 * two words, no comma, no title or organisation word, not a place. */
static bool short_tail(cw__doc *d, const cw__eline *el) {
  const char *s = el->res;
  size_t n = el->res_len;
  cw__trim(&s, &n);
  if (!n || cw__word_count(s, n) > 2 || memchr(s, ',', n) || memchr(s, '|', n)) return false;
  if (!cw__names_nothing(s, n)) return false;
  return !cw__is_location(d, s, n);
}

/* Finds the line's date (a date cell on a bullet line, or a header date),
 * blanks it and the durations and empty brackets around it in el->res. */
static void cut_date(cw__doc *d, cw__eline *el) {
  const cw__line *l = el->l;
  cw_date_range r;
  if (l->bullet) {
    /* Layouts with a date column put the date on the first bullet's line. */
    size_t cb = l->cell_b[l->ncells - 1], ce = l->cell_e[l->ncells - 1];
    if (l->ncells > 1 && cw_dates_parse_in(el->res + cb, ce - cb, d->date_order, &r) == 0) {
      r.begin += cb;
      r.end_off += cb;
      el->has_date = true;
    }
  } else if (header_date(d, l, &r)) {
    el->has_date = true;
  }
  if (!el->has_date) return;
  el->date = r;
  el->date_src = l->text;
  cw__blank_span(el->res, r.begin, r.end_off);
  /* "(2019 to date)" leaves "(   )": drop the brackets too. */
  size_t b = r.begin, e = r.end_off;
  while (b > 0 && el->res[b - 1] == ' ') b--;
  while (e < el->res_len && el->res[e] == ' ') e++;
  if (b > 0 && e < el->res_len && (el->res[b - 1] == '(' || el->res[b - 1] == '[') &&
      (el->res[e] == ')' || el->res[e] == ']'))
    el->res[b - 1] = el->res[e] = ' ';
  /* "January 2021 - Present (4 years 5 months)", "· 2 yrs" */
  size_t db, de;
  if (cw__re_find(d->h, RE_DURATION_ANY, el->res + r.end_off, el->res_len - r.end_off, &db, &de))
    cw__blank_span(el->res, r.end_off + db, r.end_off + de);
  /* "March 2019 - Present a month", "... an year": the rest of the line
   * is a duration in words */
  else if (cw__re_find(d->h, RE_DURATION, el->res + r.end_off, el->res_len - r.end_off, NULL, NULL))
    cw__blank_span(el->res, r.end_off, el->res_len);
}

/* A description line continuing the previous one: indented under a bullet,
 * starting in lower case, or the tail of a bullet cut at the page width. */
static bool continues(cw__doc *d, const cw__eline *el, const cw__eline *prev, size_t maxlen) {
  const cw__line *l = el->l;
  if (!prev || el->has_date) return false;
  bool lower = islower((unsigned char)el->res[0]) || (l->text[0] && islower((unsigned char)l->text[0]));
  if ((l->indent > prev->l->bullet_indent || lower) && (prev->l->bullet || prev->cont || lower))
    return true;
  /* "- Built apps using React, Redux, Express," / "MySQL and MongoDB.": a
   * bullet that stops on a comma goes on below, whatever its length. */
  if ((prev->l->bullet || prev->cont) && prev->l->len && strchr(",;", prev->l->text[prev->l->len - 1]))
    return true;
  return wrapped(prev, maxlen) && short_tail(d, el);
}

void cw__classify(cw__doc *d, cw__eline *el, const cw__eline *prev_desc, size_t maxlen) {
  const cw__line *l = el->l;
  el->kind = L_BLANK;
  if (!l->len) return;
  el->res = cw__dup_padded(l->text, l->len);
  if (!el->res) return;
  el->res_len = l->len;
  for (int c = 0; c < l->ncells && l->ncells > 1; c++)
    if (cw__re_find(d->h, RE_DURATION, l->text + l->cell_b[c], l->cell_e[c] - l->cell_b[c], NULL, NULL))
      cw__blank_span(el->res, l->cell_b[c], l->cell_e[c]);
  cut_date(d, el);
  /* Nothing left, or only a duration ("2 years 10 months"). */
  if (cw__filler_only(el->res, el->res_len) ||
      (!l->bullet && cw__re_find(d->h, RE_DURATION, el->res, el->res_len, NULL, NULL))) {
    el->kind = el->has_date ? L_DATE : L_BLANK;
    return;
  }
  /* "HIGHLIGHTS", "Responsibilities:" between an entry's names and its
   * bullets: neither a name nor a description. */
  if (!el->has_date && !l->bullet && cw__entry_label(el->res, el->res_len)) {
    el->kind = L_BLANK;
    return;
  }
  if (l->bullet) {
    el->kind = L_DESC;
  } else if (continues(d, el, prev_desc, maxlen)) {
    el->kind = L_DESC;
    el->cont = true;
  } else if (!el->has_date && is_paragraph(el->res, el->res_len)) {
    el->kind = L_DESC;
  } else {
    el->kind = L_HEADER;
  }
}
