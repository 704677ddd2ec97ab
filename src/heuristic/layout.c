/* Line model of an entry section, the entry point: classifies the lines,
 * joins names cut by the column, and groups the lines into entries, by
 * layout or around the dates. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "layout.h"
#include "anchors.h"
#include "cutnames.h"
#include "groups.h"
#include "lineclass.h"
#include "names.h"

/* ---- a range printed over several lines ------------------------------------ */

/* Skips a dash ("-", "–", "—") at s: the number of bytes, 0 if none. */
static size_t dash_at(const char *s, size_t n) {
  if (n >= 1 && s[0] == '-') return 1;
  if (n >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
      ((unsigned char)s[2] == 0x93 || (unsigned char)s[2] == 0x94))
    return 3;
  return 0;
}

/* s without the spaces around it (cw__trim would take the dashes too). */
static void trim_spaces(const char **s, size_t *n) {
  while (*n && (*s)[0] == ' ') (*s)++, (*n)--;
  while (*n && (*s)[*n - 1] == ' ') (*n)--;
}

/* The line holds nothing but one dash. */
static bool dash_line(const cw__line *l) {
  const char *s = l->text;
  size_t n = l->len;
  trim_spaces(&s, &n);
  size_t k = dash_at(s, n);
  return k && k == n;
}

/* Line i's date text: its date span. */
static void date_span(const cw__eline *e, const char **s, size_t *n) {
  *s = e->date_src + e->date.begin;
  *n = e->date.end_off - e->date.begin;
}

/* "June 2016" / "-" / "June 2018", "March 2019" / "- Present", "June 2016
 * -" / "June 2018": a narrow cell prints one range a piece a line.  The
 * pieces are one range, on the first line; the other lines become blank. */
static void join_split_ranges(cw__doc *d, cw__eline *el, int n) {
  for (int i = 0; i + 1 < n; i++) {
    cw__eline *a = &el[i];
    if (a->kind != L_DATE || a->l->bullet || a->date.expected) continue;
    const char *as;
    size_t an;
    date_span(a, &as, &an);
    /* "June 2016 -": an open range whose end is on the next line */
    bool open = a->date.is_range && a->date.is_current &&
                ((an >= 1 && dash_at(as + an - 1, 1)) || (an >= 3 && dash_at(as + an - 3, 3) == 3));
    if (a->date.is_range && !open) continue;
    int j = i + 1;
    bool dash = open || el[j].l->bullet; /* (a "- " marker reads as a bullet) */
    if (!dash && dash_line(el[j].l) && j + 1 < n) {
      dash = true;
      j++;
    }
    if (!dash || el[j].kind == L_BLANK) continue;
    const char *bs = el[j].l->text;
    size_t bn = el[j].l->len;
    if (el[j].has_date) {
      if (el[j].kind != L_DATE || el[j].date.is_range) continue;
      date_span(&el[j], &bs, &bn);
    }
    trim_spaces(&bs, &bn);
    size_t k = dash_at(bs, bn);
    bs += k, bn -= k;
    trim_spaces(&bs, &bn);
    if (!bn || bn > 40) continue;
    char *buf = malloc(an + 3 + bn + 1);
    if (!buf) return;
    memcpy(buf, as, an);
    size_t m = an;
    if (!open) memcpy(buf + m, " - ", 3), m += 3;
    else buf[m++] = ' ';
    memcpy(buf + m, bs, bn);
    m += bn;
    buf[m] = 0;
    cw_date_range r;
    if (cw_dates_parse_in(buf, m, d->date_order, &r) != 0 || !r.is_range || strcmp(r.start, a->date.start) != 0 ||
        (open && r.is_current)) {
      free(buf);
      continue;
    }
    free(a->joined);
    a->joined = buf;
    a->date = r;
    a->date_src = buf;
    for (int x = i + 1; x <= j; x++) {
      el[x].kind = L_BLANK;
      el[x].has_date = false;
    }
    i = j;
  }
}

/* A single date inside words ("Won the 2014 award.") dates no entry. */
static bool dates_entry(const cw__eline *e) {
  return e->kind != L_BLANK && e->has_date && !(e->kind == L_HEADER && !e->date.is_range);
}

/* A name line between lines a and b. */
static bool name_between(cw__doc *d, const cw__eline *el, int a, int b) {
  for (int k = a + 1; k < b; k++)
    if (el[k].kind == L_HEADER && !el[k].l->bullet && !dates_entry(&el[k]) && cw__name_like(d, &el[k], false))
      return true;
  return false;
}

/* "Role, Acme" / "June 2016 - June 2018" / description / "June 2016 -
 * June 2018": a side cell repeats the entry's range after its description.
 * A dates-only line that repeats the range of the dated line above it,
 * with no name between them (only description), is that entry's again:
 * it is dropped, else it would date (and take the names of) the next
 * entry.  A second role with the same dates has its names in between.
 * The lines from the last dated line on are looked at once: the one
 * dropped last holds no name, nor any line above it (each range repeated
 * again would walk them all again). */
static void drop_repeated_ranges(cw__doc *d, cw__eline *el, int n) {
  int p = -1;    /* the last dated line */
  int seen = -1; /* p, or the last line dropped after it: no name between them */
  for (int i = 0; i < n; i++) {
    cw__eline *e = &el[i];
    if (!dates_entry(e)) continue;
    const cw_date_range *r = &e->date, *q = p >= 0 ? &el[p].date : NULL;
    if (q && e->kind == L_DATE && r->is_range && q->is_range && r->is_current == q->is_current &&
        !strcmp(r->start, q->start) && !strcmp(r->end, q->end) && r->start[0] && !name_between(d, el, seen, i)) {
      e->kind = L_BLANK;
      e->has_date = false;
      seen = i;
      continue;
    }
    p = seen = i;
  }
}

int cw__layout(cw__doc *d, int from, int to, int anchor_names, cw__eline **elp, cw__group **gp) {
  int n = to - from;
  *elp = NULL;
  *gp = NULL;
  if (n <= 0) return 0;
  cw__eline *el = calloc((size_t)n, sizeof *el);
  cw__group *g = calloc((size_t)n, sizeof *g);
  if (!el || !g) {
    free(el);
    free(g);
    return 0;
  }
  size_t maxlen = 0;
  for (int i = 0; i < n; i++) {
    const cw__line *l = &d->lines[from + i];
    if (l->len + (size_t)l->indent > maxlen && l->ncells == 1) maxlen = l->len + (size_t)l->indent;
  }
  const cw__eline *prev_desc = NULL;
  for (int i = 0; i < n; i++) {
    el[i].l = &d->lines[from + i];
    cw__classify(d, &el[i], prev_desc, maxlen);
    if (el[i].kind == L_DESC) prev_desc = &el[i];
    else if (el[i].kind != L_BLANK) prev_desc = NULL;
  }
  join_split_ranges(d, el, n);
  drop_repeated_ranges(d, el, n);
  if (anchor_names) {
    size_t width = 0; /* of the widest line: the column's width */
    for (int i = 0; i < n; i++) {
      size_t c = cw__chars(el[i].l->text, el[i].l->len);
      if (c > width) width = c;
    }
    cw__join_cut_names(d, el, n, width);
  }
  *elp = el;
  *gp = g;
  if (anchor_names && cw__needs_anchors(d, el, n)) {
    int ng = cw__group_by_anchors(d, el, n, g, n, anchor_names);
    if (ng >= 0) return ng;
  }
  return cw__group_lines(d, el, n, g, n);
}

void cw__layout_free(cw__eline *el, int n, cw__group *g) {
  for (int i = 0; el && i < n; i++) {
    free(el[i].res);
    free(el[i].joined);
  }
  free(el);
  free(g);
}
