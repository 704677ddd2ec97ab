/* The cells of a dated row: a description begun right of the date, a
 * link cell, a first cell that goes on in the lines below. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cells.h"
#include "words.h"

/* "Data Fellow   2024 - Present   Built and maintained pipelines
 * to": in a row of cells with names before the date, a cell right of the
 * date that is not a place begins the description (a third column). */
void cw__cut_tail(cw__doc *d, cw__eline *e) {
  const cw__line *l = e->l;
  if (l->ncells < 2 || e->date_src != l->text || cw__filler_only(l->text, e->date.begin)) return;
  for (int c = 1; c < l->ncells; c++) {
    if (l->cell_b[c] < e->date.end_off) continue;
    const char *s = e->res + l->cell_b[c];
    size_t n = l->cell_e[c] - l->cell_b[c];
    cw__trim(&s, &n);
    if (!n || cw__is_location(d, s, n)) continue;
    e->tail_b = l->cell_b[c];
    e->tail_e = l->len;
    cw__blank_span(e->res, l->cell_b[c], l->len);
    return;
  }
}

/* "Data Analyst &   2016 - 2018" / "Designer": a role cut by the width
 * of its column ends on the line right below the dated row.  Only when
 * both pieces read as a role (a role word, no organisation word), so that
 * "Quarry Labs   2019 - Present" / "Platform Engineer" stays two names. */
static bool wrapped_role(const cw__eline *anchor, const cw__eline *e) {
  const cw__line *l = anchor->l;
  if (l->ncells < 2 || e->kind != L_HEADER || e->has_date || e->l->ncells > 2) return false;
  const char *f = anchor->res + l->cell_b[0];
  size_t fn = l->cell_e[0] - l->cell_b[0];
  cw__trim(&f, &fn);
  const char *s = e->l->text + e->l->cell_b[0];
  size_t n = e->l->cell_e[0] - e->l->cell_b[0];
  cw__trim(&s, &n);
  if (!fn || !n || cw__word_count(s, n) > 2 || !isupper((unsigned char)s[0])) return false;
  return cw__score_words(f, fn, W_TITLE) && !cw__score_words(f, fn, W_COMPANY) &&
         !cw__score_words(f, fn, W_INST) && cw__score_words(s, n, W_TITLE) &&
         !cw__score_words(s, n, W_COMPANY) && !cw__score_words(s, n, W_INST);
}

/* Blanks the cells of a header line that hold only a link ("Maker   2019 -
 * Present   https://acme.example"): a link names no organisation or role. */
void cw__blank_links(cw__doc *d, cw__eline *e) {
  size_t i = 0;
  while (i < e->res_len) {
    while (i < e->res_len && e->res[i] == ' ') i++;
    size_t b = i;
    while (i < e->res_len && !(e->res[i] == ' ' && i + 2 < e->res_len && e->res[i + 1] == ' ' &&
                               e->res[i + 2] == ' '))
      i++;
    const char *s = e->res + b;
    size_t n = i - b, ub, ue;
    cw__trim(&s, &n);
    if (n && cw__re_find(d->h, RE_URL, s, n, &ub, &ue) && ub == 0 && ue == n)
      cw__blank_span(e->res, (size_t)(s - e->res), (size_t)(s - e->res) + n);
  }
}

/* The row's first cell (the names) has an unclosed bracket: its end is on
 * the lines below ("Practice Lead (Portal," / "Search, Mobile)"). */
static bool open_bracket(const cw__eline *e) {
  const cw__line *l = e->l;
  int depth = 0;
  for (size_t i = l->cell_b[0]; i < l->cell_e[0] && i < e->res_len; i++) {
    if (e->res[i] == '(') depth++;
    if (e->res[i] == ')' && depth) depth--;
  }
  return depth > 0;
}

/* How many lines right below the dated row a finish its first cell: the
 * rest of a role ("Data Analyst &" / "Designer"), of an unclosed
 * bracket, or (back_first: the section's names sit above the rows) one
 * short line before a blank. */
int cw__cell_goes_on(const cw__eline *el, int a, int next_a, bool back_first) {
  const cw__eline *e = &el[a];
  if (e->l->ncells < 2 || a + 1 >= next_a) return 0;
  if (wrapped_role(e, &el[a + 1])) return 1;
  if (open_bracket(e)) {
    for (int k = a + 1; k < next_a && k <= a + 3; k++) {
      if (el[k].kind == L_BLANK && el[k].l->len) continue; /* joined into the line below */
      if (el[k].kind != L_HEADER || el[k].has_date || el[k].l->ncells > 1) return 0;
      if (memchr(el[k].res, ')', el[k].res_len)) return k - a;
    }
    return 0;
  }
  const cw__eline *x = &el[a + 1];
  if (!back_first || x->kind != L_HEADER || x->has_date || x->l->ncells > 1 ||
      cw__word_count(x->res, x->res_len) > 4 || (a + 2 < next_a && el[a + 2].kind != L_BLANK))
    return 0;
  return 1;
}
