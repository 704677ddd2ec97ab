/* Education entries: institution, degree and field, GPA, and the school
 * or degree names that a narrow column wrapped onto two lines. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "education.h"
#include "words.h"

static const char *const generic_fields[] = {"science", "sciences", "arts", "engineering",
                                             "laws", "fine arts", "philosophy",
                                             "business administration", "education", "music",
                                             "medicine", "technology", "applied science", NULL};

/* Length of a generic field ("Science") at s, 0 if none. */
static size_t generic_at(const char *s, size_t n) {
  for (int j = 0; generic_fields[j]; j++) {
    size_t g = strlen(generic_fields[j]);
    if (g <= n && strncasecmp(s, generic_fields[j], g) == 0 && (g == n || !isalpha((unsigned char)s[g])))
      return g;
  }
  return 0;
}

static void set_degree(json_t *o, const char *d, size_t dn, const char *f, size_t fn) {
  json_object_set_new(o, "degree", cw__str(d, dn));
  json_object_set_new(o, "field_of_study", f ? cw__str(f, fn) : json_null());
}

/* "PhD in Computer Science", "Bachelor of Information Technology",
 * "Bachelor of Science Informatik", "B.Sc. Computer Science". */
static void split_degree(const cw__part *x, json_t *o) {
  const char *s = x->s;
  size_t n = x->n;
  for (size_t k = 0; k + 4 <= n; k++)
    if (strncasecmp(s + k, " in ", 4) == 0 || strncasecmp(s + k, " en ", 4) == 0) {
      set_degree(o, s, k, s + k + 4, n - k - 4);
      return;
    }
  for (size_t k = 0; k + 4 <= n; k++) {
    if (strncasecmp(s + k, " of ", 4) != 0) continue;
    size_t g = generic_at(s + k + 4, n - k - 4);
    if (!g) {
      set_degree(o, s, k, s + k + 4, n - k - 4);
      return;
    }
    size_t rest = k + 4 + g;
    size_t f = rest;
    while (f < n && s[f] == ' ') f++;
    if (f < n && s[f] == '(') { /* "Master of Science (M.S.)": an abbreviation, not a field */
      const char *close = memchr(s + f, ')', n - f);
      f = close ? (size_t)(close - s) + 1 : n;
    }
    set_degree(o, s, rest, f < n ? s + f : NULL, n - f);
    return;
  }
  /* "B.Sc. Computer Science", "Master Communication numérique" */
  size_t w = 0;
  while (w < n && s[w] != ' ') w++;
  if (w < n && cw__word_in(s, w, W_DEGREE)) {
    bool keep = false;
    for (size_t k = w; k < n; k++) {
      if (s[k] == '(') keep = true;
      if (s[k] == ' ' && k + 1 < n && cw__starts_with_degree(s + k + 1, n - k - 1)) keep = true;
    }
    if (!keep) {
      set_degree(o, s, w, s + w, n - w);
      return;
    }
  }
  set_degree(o, s, n, NULL, 0);
}

static json_t *gpa_of(cw__doc *d, cw__eline *el, const cw__group *g) {
  for (int i = 0; i < g->nhdr + (g->desc_from >= 0 ? g->desc_to - g->desc_from + 1 : 0); i++) {
    cw__eline *e = i < g->nhdr ? &el[g->hdr[i]] : &el[g->desc_from + i - g->nhdr];
    size_t b, en;
    if (!e->res || !cw__re_find(d->h, RE_GPA, e->res, e->res_len, &b, &en)) continue;
    json_t *v = json_stringn(e->res + b, en - b);
    /* Blank "GPA 4.0" (and its brackets) so it does not become a field. */
    size_t s = b;
    while (s > 0 && e->res[s - 1] != '(' && e->res[s - 1] != ',' && e->res[s - 1] != ';' && b - s < 12)
      s--;
    if (s > 0 && e->res[s - 1] == '(') s--;
    size_t t = en;
    if (t < e->res_len && e->res[t] == ')') t++;
    if (i < g->nhdr) cw__blank_span(e->res, s, t);
    return v ? v : json_null();
  }
  return json_null();
}

/* Line b goes on with line a: a narrow column cut a name or degree in two
 * ("Universidad Central de" / "Venezuela", "apprenticeship in full-" /
 * "stack web development", "Bachelor of Arts - Leading" / "University,
 * Sylhet").  a ends on a short lower-case word or a hyphenated word's
 * first half, or on a lone capitalised word after a separator that b's
 * school word completes. */
static bool goes_on(const char *a, size_t an, const char *b, size_t bn) {
  size_t k = an;
  while (k > 0 && a[k - 1] != ' ') k--;
  const char *last = a + k;
  size_t ln = an - k;
  if (a[an - 1] == '-' && an >= 2 && isalpha((unsigned char)a[an - 2])) return true;
  /* (a lone "in" is what is left of "{degree} in {field}" without either) */
  if (ln <= 3 && islower((unsigned char)last[0])) return k > 0;
  if (strchr(".,;:)", a[an - 1]) || !isupper((unsigned char)last[0])) return false;
  size_t w = 0;
  while (w < bn && !strchr(" ,-", b[w])) w++;
  /* "California State Polytechnic" / "University-Pomona" */
  if (cw__word_in(last, ln, W_INST) && cw__word_in(b, w, W_INST)) return true;
  /* "... - Riverbend" / "University": the capitalised words after the
   * line's last separator name no school yet, and b does. */
  size_t e = an;
  for (;;) {
    size_t b0 = e;
    while (b0 > 0 && a[b0 - 1] != ' ') b0--;
    size_t wl = e - b0;
    if ((wl == 1 && a[b0] == '-') || (wl == 2 && memcmp(a + b0, "at", 2) == 0) ||
        (wl == 3 && (memcmp(a + b0, "\xe2\x80\x93", 3) == 0 || memcmp(a + b0, "\xe2\x80\x94", 3) == 0)))
      break;
    if (!wl || !isupper((unsigned char)a[b0]) || b0 == 0) return false;
    /* after a comma only one word: "Harvard University, Kempner" / "Institute" */
    if (e == an && b0 >= 2 && a[b0 - 2] == ',') {
      e = b0 - 1;
      break;
    }
    e = b0 - 1;
  }
  return e < an && !cw__score_words(a + e, an - e, W_INST) && cw__score_words(b, bn, W_INST);
}

/* Joins wrapped header lines of an education entry into the first line's
 * text (the second is blanked), so that the school or degree is whole. */
static void join_wrapped(cw__eline *el, const cw__group *g) {
  int t = 0; /* the line that the following ones are joined to */
  for (int h = 0; h + 1 < g->nhdr; h++) {
    cw__eline *x = &el[g->hdr[t]], *y = &el[g->hdr[h + 1]];
    const char *a, *b;
    size_t an, bn;
    if (g->hdr[h + 1] != g->hdr[h] + 1 || !cw__plain_text(x, &a, &an) || !cw__plain_text(y, &b, &bn) ||
        x->has_date || y->has_date || !goes_on(a, an, b, bn)) {
      t = h + 1;
      continue;
    }
    cw__join_lines(x, a, an, y, b, bn);
  }
}

json_t *cw__edu_entry(cw__doc *d, cw__eline *el, const cw__group *g) {
  join_wrapped(el, g);
  json_t *gpa = gpa_of(d, el, g);
  cw__part p[MAX_PARTS];
  int np = cw__parts_of(d, el, g, p, false);
  if (!np) {
    json_decref(gpa);
    return NULL;
  }
  if (np > 1) cw__take(cw__best(p, np, cw__sc_loc)); /* the place is not part of the contract */
  cw__part *degree = cw__take(cw__best(p, np, cw__sc_degree));
  cw__part *inst = cw__take(cw__best(p, np, cw__sc_inst));
  /* Without a date, a school word or a degree the lines are a list of
   * courses or notes ("computer programming", "morphology"), not a school. */
  if (!inst && !degree && g->date_line < 0) {
    json_decref(gpa);
    return NULL;
  }
  if (!inst)
    for (int i = 0; i < np && !inst; i++)
      if (!p[i].used && !p[i].loc) inst = cw__take(&p[i]);
  if (!inst && !degree) {
    json_decref(gpa);
    return NULL;
  }
  json_t *o = json_object();
  json_object_set_new(o, "institution", cw__part_str(d, inst, true));
  json_object_set_new(o, "degree", json_null());
  json_object_set_new(o, "field_of_study", json_null());
  if (degree) split_degree(degree, o);
  cw__part *field = NULL;
  for (int i = 0; i < np && !field; i++)
    if (!p[i].used && !p[i].loc && !p[i].degree && p[i].line <= (degree ? degree->line : 0) + 1)
      field = &p[i];
  if (field && json_is_null(json_object_get(o, "field_of_study")) && cw__take(field))
    json_object_set_new(o, "field_of_study", cw__str(field->s, field->n));
  cw__set_dates(o, el, g, true);
  json_object_set_new(o, "gpa", gpa);
  double conf = 0.4 + (inst ? 0.25 : 0) + (degree ? 0.2 : 0) + (g->date_line >= 0 ? 0.1 : 0);
  json_object_set_new(o, "confidence", json_real((double)(int)(conf * 100 + 0.5) / 100));
  return o;
}
