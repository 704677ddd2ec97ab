/* Header parts of work, education and project entries.  The section's
 * lines come grouped from layout.c; here the header lines of each group are
 * split into parts ("Title, Company – Place", "Company | Title", one per
 * line, ...), each scored by its words, and the fields every kind of entry
 * shares (dates, description) are read. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parts.h"
#include "words.h"


static void add_part(cw__doc *d, cw__part *p, int *np, const char *s, size_t n, int line, bool comma) {
  cw__trim(&s, &n);
  /* Drop a wrapping pair of brackets. */
  if (n >= 2 && s[0] == '(' && s[n - 1] == ')') s++, n -= 2;
  cw__trim(&s, &n);
  if (!n || *np >= MAX_PARTS || cw__filler_only(s, n)) return;
  /* "2011" left of a date not read as a range ("2012 - 2011"): figures
   * name nothing */
  bool letter = false;
  for (size_t i = 0; i < n && !letter; i++) letter = isalpha((unsigned char)s[i]) || (unsigned char)s[i] >= 0xC0;
  if (!letter) return;
  /* a bare link ("https://acme.example") names neither role nor organisation */
  if ((n > 7 && (strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0 ||
                 strncasecmp(s, "www.", 4) == 0)) && !memchr(s, ' ', n))
    return;
  /* a lone "in" or "at": what a template prints when both sides are empty */
  if (n <= 3 && !memchr(s, ' ', n) && islower((unsigned char)s[0])) return;
  /* "PhD Princeton University": the degree and the school in one part
   * (not "High School Diploma"). */
  size_t w = 0;
  while (w < n && s[w] != ' ') w++;
  if (w < n && cw__starts_with_degree(s, w) && cw__score_words(s + w, n - w, W_INST) &&
      !cw__ends_in_degree(s, n)) {
    add_part(d, p, np, s, w, line, comma);
    add_part(d, p, np, s + w, n - w, line, comma);
    return;
  }
  cw__part *x = &p[(*np)++];
  memset(x, 0, sizeof *x);
  x->s = s;
  x->n = n;
  x->line = line;
  x->split_by_comma = comma;
  x->loc = cw__is_location(d, s, n);
  x->title = cw__score_words(s, n, W_TITLE);
  x->company = cw__score_words(s, n, W_COMPANY);
  x->inst = cw__score_words(s, n, W_INST);
  x->degree = cw__starts_with_degree(s, n);
}

/* Length of a separator at s: " | ", " — ", " – ", " - ", " · ", " @ ", " at "
 * (in education too: "BSc Physics at Riverside University"). */
static size_t sep_at(const char *s, size_t n, bool work) {
  /* the middle dots and bullets of Unicode all act as one separator:
   * "·" U+00B7, "•" U+2022, "∙" U+2219, "⋅" U+22C5, "‧" U+2027, "●" U+25CF */
  static const char *const seps[] = {" | ", " \xe2\x80\x94 ", " \xe2\x80\x93 ", " - ", " \xc2\xb7 ",
                                     " \xe2\x80\xa2 ", " \xe2\x88\x99 ", " \xe2\x8b\x85 ",
                                     " \xe2\x80\xa7 ", " \xe2\x97\x8f ", " @ ", " at ", " chez ",
                                     " bei ", NULL};
  /* "Title at Company" is a work idiom; "University of Texas at Austin" is not. */
  for (int i = 0; seps[i] && (work || i < 12); i++) {
    size_t m = strlen(seps[i]);
    if (n >= m && memcmp(s, seps[i], m) == 0) return m;
  }
  if (n >= 3 && s[0] == ' ' && s[1] == ' ' && s[2] == ' ') return 3;
  if (n >= 1 && s[0] == '|') return 1;
  return 0;
}

static bool company_suffix(const char *s, size_t n) {
  static const char *const sfx[] = {"inc", "inc.", "llc", "ltd", "ltd.", "gmbh", "corp", "corp.",
                                    "co.", "plc", "s.a.", "ag", "l.p.", "lp", "llp", NULL};
  return cw__in_list(sfx, s, n);
}

/* Splits s at a comma unless the comma is part of a location or company name. */
/* "Department of Physics", "Faculty of Law": a unit of the organisation
 * named next to it, which is the employer. */
static bool unit_word(const char *s, size_t n) {
  static const char *const units[] = {"department", "dept.", "faculty", "division", "abteilung",
                                      "fakultät", "departamento", "département", "wydział", NULL};
  size_t w = 0;
  while (w < n && s[w] != ' ') w++;
  return cw__in_list(units, s, w);
}

/* A piece that names a role and nothing else. */
static bool role_piece(cw__doc *d, const char *s, size_t n) {
  return cw__score_words(s, n, W_TITLE) && !cw__score_words(s, n, W_COMPANY) &&
         !cw__score_words(s, n, W_INST) && !cw__starts_with_degree(s, n) && !cw__is_location(d, s, n);
}

/* "MA", "NY": a two-letter state or country code. */
static bool state_code(const char *s, size_t n) {
  return n == 2 && isupper((unsigned char)s[0]) && isupper((unsigned char)s[1]);
}

/* A piece that names an organisation and nothing else: an organisation or
 * school word, no role word, not a place or a degree. */
static bool org_piece(cw__doc *d, const char *s, size_t n) {
  return !unit_word(s, n) && (cw__score_words(s, n, W_COMPANY) || cw__score_words(s, n, W_INST)) &&
         !cw__score_words(s, n, W_TITLE) && !cw__starts_with_degree(s, n) && !cw__is_location(d, s, n);
}

/* One or two capitalised words, none an organisation, school or role word. */
static bool plain_place(const char *s, size_t n) {
  if (!n || !isupper((unsigned char)s[0]) || cw__word_count(s, n) > 2 || !cw__names_nothing(s, n))
    return false;
  for (size_t i = 1; i < n; i++)
    if (s[i - 1] == ' ' && !isupper((unsigned char)s[i])) return false;
  return true;
}

static void split_commas(cw__doc *d, cw__part *p, int *np, const char *s, size_t n, int line, bool whole_org,
                         bool work) {
  cw__trim(&s, &n);
  if (cw__is_location(d, s, n) || !memchr(s, ',', n)) {
    add_part(d, p, np, s, n, line, false);
    return;
  }
  const char *segs[16];
  size_t lens[16];
  int ns = 0;
  const char *q = s, *end = s + n;
  int depth = 0;
  for (const char *c = s; c <= end && ns < 16; c++) {
    if (c < end && *c == '(') depth++;
    if (c < end && *c == ')' && depth) depth--;
    if (c == end || (*c == ',' && depth == 0)) {
      const char *t = q;
      size_t tl = (size_t)(c - q);
      cw__trim(&t, &tl);
      if (tl && ns && company_suffix(t, tl)) {
        lens[ns - 1] = (size_t)(t + tl - segs[ns - 1]);
      } else if (tl) {
        segs[ns] = t;
        lens[ns++] = tl;
      }
      q = c + 1;
    }
  }
  /* "Riverside University Cambridge, MA": the gap between an organisation
   * and its place was lost; the place starts after the last organisation
   * word. */
  if (work && ns >= 2 && ns < 16 && state_code(segs[ns - 1], lens[ns - 1])) {
    const char *x = segs[ns - 2];
    size_t xn = lens[ns - 2], cut = 0;
    for (size_t i = 0; i < xn;) {
      size_t b = i;
      while (i < xn && x[i] != ' ') i++;
      if (cw__word_in(x + b, i - b, W_COMPANY) || cw__word_in(x + b, i - b, W_INST)) cut = i;
      while (i < xn && x[i] == ' ') i++;
    }
    if (cut && cut < xn && cw__word_count(x + cut, xn - cut) <= 2 && isupper((unsigned char)x[cut + 1])) {
      segs[ns] = segs[ns - 1];
      lens[ns] = lens[ns - 1];
      lens[ns - 2] = cut;
      segs[ns - 1] = x + cut + 1;
      lens[ns - 1] = xn - cut - 1;
      ns++;
    }
  }
  /* "Company, City, ST": keep the last two together as the place. */
  if (ns >= 3 && cw__is_location(d, segs[ns - 2], (size_t)(segs[ns - 1] + lens[ns - 1] - segs[ns - 2]))) {
    lens[ns - 2] = (size_t)(segs[ns - 1] + lens[ns - 1] - segs[ns - 2]);
    ns--;
  }
  /* "Research Fellow, Media Lab, Riverside University": an organisation
   * and the one it belongs to are one name, not a name and a place. */
  for (int i = ns - 1; work && i > 0; i--) {
    if (!org_piece(d, segs[i - 1], lens[i - 1]) || !org_piece(d, segs[i], lens[i])) continue;
    lens[i - 1] = (size_t)(segs[i] + lens[i] - segs[i - 1]);
    for (int k = i; k + 1 < ns; k++) segs[k] = segs[k + 1], lens[k] = lens[k + 1];
    ns--;
  }
  /* "specjalista do spraw sprzedaży, kierownik zespołu", "Designer,
   * Illustrator": roles held together are one title. */
  for (int i = ns - 1; work && i > 0; i--) {
    if (!role_piece(d, segs[i - 1], lens[i - 1]) || !role_piece(d, segs[i], lens[i])) continue;
    lens[i - 1] = (size_t)(segs[i] + lens[i] - segs[i - 1]);
    for (int k = i; k + 1 < ns; k++) segs[k] = segs[k + 1], lens[k] = lens[k + 1];
    ns--;
  }
  /* "Coastal Institute, Riverside University" on a line of its own while
   * another line holds the role: one organisation, unless a piece is a place. */
  bool place = false;
  for (int i = 0; i < ns && whole_org; i++) place |= cw__is_location(d, segs[i], lens[i]);
  /* "Bluegate Systems, Dresden": an organisation and one or two
   * capitalised words with no organisation or role word is its city. */
  if (work && ns == 2 && org_piece(d, segs[0], lens[0]) && plain_place(segs[1], lens[1])) place = true;
  if (whole_org && !place && ns > 1) {
    add_part(d, p, np, s, n, line, false);
    return;
  }
  for (int i = 0; i < ns; i++) add_part(d, p, np, segs[i], lens[i], line, true);
}

/* "Eastbrook University, Dhaka, Bangladesh", "Riverside University, Coastal
 * Institute": what follows the first comma is a place or another
 * organisation, not a field ("Riverside University, Physics"). */
static bool school_and_place(cw__doc *d, const char *s, size_t n) {
  const char *c = memchr(s, ',', n);
  /* (the school first: "Physics, Riverside University" is a field and a school) */
  if (!c || !cw__score_words(s, (size_t)(c - s), W_INST)) return false;
  const char *t = c + 1;
  size_t tn = n - (size_t)(t - s);
  cw__trim(&t, &tn);
  if (!tn) return false;
  return cw__score_words(t, tn, W_INST) || cw__score_words(t, tn, W_COMPANY) || cw__is_location(d, t, tn);
}

/* The same between separators: "BSc - Eastbrook University, Dhaka". */
static bool school_piece(cw__doc *d, const char *s, size_t n, bool work) {
  cw__trim(&s, &n);
  return !work && n && cw__score_words(s, n, W_INST) && !cw__has_degree(s, n) &&
         school_and_place(d, s, n);
}

/* "State University of Westland at Pine Hill", "Lecturer, University of
 * Lakeland at Pine Hill": "at" inside a school's name (the piece before it,
 * from the last comma, names a school and no role), not "Title at Company".
 * (Organisation words do not tell: "Technology Architecture at Acme".) */
static bool org_before_at(const char *s, const char *at) {
  const char *b = at;
  int depth = 0;
  while (b > s && (b[-1] != ',' || depth)) {
    if (b[-1] == ')') depth++;
    if (b[-1] == '(' && depth) depth--;
    b--;
  }
  size_t n = (size_t)(at - b);
  return !cw__score_words(b, n, W_TITLE) && cw__score_words(b, n, W_INST) && !cw__ends_in_degree(b, n);
}

int cw__parts_of(cw__doc *d, cw__eline *el, const cw__group *g, cw__part *p, bool work) {
  int np = 0;
  int titled = 0; /* header lines with a role word */
  for (int h = 0; work && h < g->nhdr; h++)
    titled += cw__score_words(el[g->hdr[h]].res, el[g->hdr[h]].res_len, W_TITLE) > 0;
  for (int h = 0; h < g->nhdr; h++) {
    const cw__eline *e = &el[g->hdr[h]];
    const char *s = e->res, *end = e->res + e->res_len, *q = s;
    int depth = 0, first = np, at_part = -1;
    /* "at Riverside University" under its role or degree: the separator
     * opens the line, the organisation follows. */
    while (s < end && *s == ' ') s++;
    if (end - s > 3 && (memcmp(s, "at ", 3) == 0 || memcmp(s, "@ ", 2) == 0)) s += *s == '@' ? 2 : 3;
    q = s;
    bool whole_line = false;
    bool whole_org = work && titled && !cw__score_words(e->res, e->res_len, W_TITLE) &&
                     !memmem(e->res, e->res_len, "   ", 3) && !memchr(e->res, '|', e->res_len);
    /* "University of Westland, Pine Hill", "Riverside University, Coastal
     * Institute": a school line without a degree is one institution. */
    if (!work && !memmem(e->res, e->res_len, "   ", 3) && !memchr(e->res, '|', e->res_len) &&
        cw__score_words(e->res, e->res_len, W_INST) && !cw__has_degree(e->res, e->res_len))
      whole_line = school_and_place(d, e->res, e->res_len);
    while (q < end) {
      if (*q == '(') depth++;
      if (*q == ')' && depth) depth--;
      size_t sl = depth ? 0 : sep_at(q, (size_t)(end - q), work);
      /* "State University of Westland at Pine Hill": "at" inside a
       * school's or organisation's name, not "Title at Company". */
      if (sl == 4 && memcmp(q, " at ", 4) == 0 && org_before_at(s, q)) sl = 0;
      if (sl && school_piece(d, s, (size_t)(q - s), work)) {
        add_part(d, p, &np, s, (size_t)(q - s), h, false);
        q += sl;
        s = q;
      } else if (sl) {
        split_commas(d, p, &np, s, (size_t)(q - s), h, whole_org, work);
        if (np < MAX_PARTS && ((sl == 4 && memcmp(q, " at ", 4) == 0) || (sl == 3 && memcmp(q, " @ ", 3) == 0)))
          at_part = np;
        q += sl;
        s = q;
      } else {
        q++;
      }
    }
    if (whole_line || school_piece(d, s, (size_t)(end - s), work))
      add_part(d, p, &np, s, (size_t)(end - s), h, false);
    else split_commas(d, p, &np, s, (size_t)(end - s), h, whole_org, work);
    for (int k = first; k < np; k++) {
      p[k].with_date = g->hdr[h] == g->date_line;
      if (e->place) p[k].loc = true;
    }
    if (at_part >= first && at_part < np) p[at_part].after_at = true;
  }
  return np;
}

/* The part without a trailing "(...)" remark: "Pied Piper (compression)". */
void cw__core_of(const cw__part *x, const char **s, size_t *n) {
  *s = x->s;
  *n = x->n;
  const char *open = memchr(x->s, '(', x->n);
  if (open && open > x->s) *n = (size_t)(open - x->s);
  cw__trim(s, n);
}

/* A part that is in the text only with its runs of blanks read as one
 * (a date blanked out of "( 2020 Jan" leaves "(      Jan"; a wrapped name
 * "Central" / "College"): each run becomes the one space that stands for
 * the text's blank or line break, so the name is a piece of the text. */
static json_t *collapsed_str(const char *s, size_t n) {
  char *b = malloc(n + 1);
  if (!b) return json_null();
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' || (m && b[m - 1] != ' ')) b[m++] = s[i];
  json_t *v = cw__str(b, m);
  free(b);
  return v;
}

json_t *cw__part_str(cw__doc *d, const cw__part *x, bool core) {
  if (!x) return json_null();
  const char *s;
  size_t n;
  if (core) cw__core_of(x, &s, &n);
  else s = x->s, n = x->n;
  /* (cw__in_text's own first test, kept apart to tell the two cases) */
  if (n && memmem(d->norm, d->norm_len, s, n)) return cw__str(s, n);
  if (!cw__in_text(d, s, n)) return json_null();
  return collapsed_str(s, n);
}

cw__part *cw__best(cw__part *p, int np, int (*score)(const cw__part *)) {
  cw__part *b = NULL;
  for (int i = 0; i < np; i++)
    if (!p[i].used && score(&p[i]) > 0 && (!b || score(&p[i]) > score(b))) b = &p[i];
  return b;
}

/* ---- dates and description ---------------------------------------------------- */

static json_t *str_or_null(const char *s) { return s && *s ? json_string(s) : json_null(); }

/* A range gives start and end; a single date is the graduation date of an
 * education entry and both start and end of anything else. */
void cw__set_dates(json_t *o, const cw__eline *el, const cw__group *g, bool single_is_end) {
  const char *start = NULL, *end = NULL;
  bool cur = false;
  json_t *text = json_null();
  if (g->date_line >= 0) {
    const cw_date_range *r = &el[g->date_line].date;
    json_decref(text);
    text = cw__str(el[g->date_line].date_src + r->begin, r->end_off - r->begin);
    cur = r->is_current;
    if (r->is_range) {
      start = r->start;
      end = cur ? NULL : r->end;
    } else if (r->expected) {
      end = r->end;
    } else {
      start = single_is_end ? NULL : r->start;
      end = r->start;
    }
  }
  /* "Mar 2023 - Dec 2005", a slip of the print, reads as printed; the
   * contract and the database want no start after the end (else the whole
   * document is refused): the start goes, date_text keeps the print. */
  size_t sn = start ? strlen(start) : 0, en = end ? strlen(end) : 0;
  if (sn && en && strncmp(start, end, sn < en ? sn : en) > 0) start = NULL;
  json_object_set_new(o, "start_date", str_or_null(start));
  json_object_set_new(o, "end_date", str_or_null(end));
  json_object_set_new(o, "is_current", json_boolean(cur));
  json_object_set_new(o, "date_text", text);
}

/* Bullets become items; continuation lines are joined to their item. */
static json_t *description_body(const cw__eline *el, const cw__group *g, const char *lead, size_t lead_n) {
  size_t cap = lead_n + 2;
  for (int i = g->desc_from; g->desc_from >= 0 && i <= g->desc_to; i++) cap += el[i].res_len + 2;
  char *buf = malloc(cap);
  if (!buf) return json_null();
  size_t n = 0;
  if (lead_n) {
    memcpy(buf, lead, lead_n);
    n = lead_n;
  }
  for (int i = g->desc_from; g->desc_from >= 0 && i <= g->desc_to; i++) {
    const cw__eline *e = &el[i];
    if (e->kind != L_DESC) continue;
    const char *s = e->res;
    size_t m = e->res_len;
    cw__trim(&s, &m);
    if (!m) continue;
    if (n) buf[n++] = e->cont ? ' ' : '\n';
    memcpy(buf + n, s, m);
    n += m;
  }
  /* Collapse the blanked-out date gaps. */
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    if (buf[i] == ' ' && o && (buf[o - 1] == ' ' || buf[o - 1] == '\n')) continue;
    if (buf[i] == '\n' && o && buf[o - 1] == ' ') o--;
    buf[o++] = buf[i];
  }
  json_t *v = cw__str(buf, o);
  free(buf);
  return v;
}

json_t *cw__description(const cw__eline *el, const cw__group *g, const char *lead, size_t lead_n) {
  const cw__eline *dl = g->date_line >= 0 ? &el[g->date_line] : NULL;
  if (dl && dl->tail_e > dl->tail_b) {
    /* the description's first words sat right of the date cell */
    size_t tn = dl->tail_e - dl->tail_b;
    char *buf = malloc(tn + 1 + lead_n + 1);
    if (!buf) return json_null();
    memcpy(buf, dl->l->text + dl->tail_b, tn);
    if (lead_n) buf[tn++] = '\n';
    memcpy(buf + tn, lead, lead_n);
    json_t *v = description_body(el, g, buf, tn + lead_n);
    free(buf);
    return v;
  }
  return description_body(el, g, lead, lead_n);
}

/* x's text (a, an inside it) followed by y's b; y is blanked. */
void cw__join_lines(cw__eline *x, const char *a, size_t an, cw__eline *y, const char *b, size_t bn) {
  size_t off = (size_t)(a - x->res);
  char *j = malloc(off + an + 1 + bn + 32);
  if (!j) return;
  memcpy(j, x->res, off + an);
  j[off + an] = ' ';
  memcpy(j + off + an + 1, b, bn);
  memset(j + off + an + 1 + bn, 0, 32);
  free(x->res);
  x->res = j;
  x->res_len = off + an + 1 + bn;
  cw__blank_span(y->res, 0, y->res_len);
}

/* ---- names that read as prose or were cut short ------------------------- */

/* Small words that join the words of a name ("Bank of America", "Jefe de
 * ventas", "Research and Development"); any other word in lower case inside
 * a name is a sign of prose. */
static bool function_word(const char *w, size_t n) {
  static const char *const fw[] = {"of", "and", "for", "at", "in", "on", "the", "a", "an", "to", "with", "&",
                                   "de", "du", "des", "d", "la", "le", "les", "et", "y", "e", "del", "da",
                                   "do", "dos", "di", "der", "die", "das", "und", "für", "van", "von", "z",
                                   "w", "i", NULL};
  for (int i = 0; fw[i]; i++)
    if (strlen(fw[i]) == n && memcmp(fw[i], w, n) == 0) return true;
  return false;
}

/* Calls f on each word of s (split at blanks, commas and brackets) with
 * its index; stops when f returns false. */
static void each_word(const char *s, size_t n, bool (*f)(const char *, size_t, int, void *), void *arg) {
  int k = 0;
  for (size_t i = 0; i < n;) {
    while (i < n && strchr(" ,()", s[i])) i++;
    size_t b = i;
    while (i < n && !strchr(" ,()", s[i])) i++;
    if (i > b && !f(s + b, i - b, k++, arg)) return;
  }
}

/* A word in lower case, not a brand written with a capital inside
 * ("eBay", "iPhone"). */
static bool lower_word(const char *w, size_t n) {
  if (!n || !islower((unsigned char)w[0])) return false;
  for (size_t i = 1; i < n; i++)
    if (isupper((unsigned char)w[i])) return false;
  return true;
}

static bool count_lower(const char *w, size_t n, int k, void *arg) {
  if (k && lower_word(w, n) && !function_word(w, n)) ++*(int *)arg;
  return true;
}

static bool first_lower(const char *w, size_t n, int k, void *arg) {
  *(bool *)arg = lower_word(w, n);
  (void)k;
  return false;
}

bool cw__lower_start(const char *s, size_t n) {
  bool low = false;
  each_word(s, n, first_lower, &low);
  return low;
}

/* Lower-case words after the first, other than function words: a name is
 * capitalised ("Served on university committees" and "Creation of layouts
 * using Sass" are not names), a title may be in lower case ("specjalista do
 * spraw"), so callers weigh it for organisations and schools, and for titles
 * without a role word only. */
int cw__lower_words(const char *s, size_t n) {
  int c = 0;
  each_word(s, n, count_lower, &c);
  return c;
}

static bool note_last(const char *w, size_t n, int k, void *arg) {
  const char **last = arg;
  last[0] = w;
  last[1] = w + n;
  (void)k;
  return true;
}

/* The name ends with a word that joins two others ("Head of", "specjalista
 * do", "Research and"): a column or a line cut it short. */
bool cw__cut_short(const char *s, size_t n) {
  const char *last[2] = {NULL, NULL};
  each_word(s, n, note_last, last);
  return last[0] && last[0] != s && function_word(last[0], (size_t)(last[1] - last[0]));
}
