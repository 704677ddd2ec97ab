/* Entries of the work, education and project sections.  The section's
 * lines come grouped from heuristic_layout.c; here the header lines of each
 * group are split into parts ("Title, Company – Place", "Company | Title",
 * one per line, ...) and the parts are assigned by keyword scores. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "entries.h"
#include "layout.h"
#include "words.h"

#define MAX_PARTS 24

typedef struct {
  const char *s;
  size_t n;
  int line;      /* header line number inside the entry */
  bool split_by_comma, used, loc;
  bool with_date;  /* cut from the line that held the entry's date ("Mar 2021 - Present, London") */
  int title, company, inst, degree;
} part;

/* ---- parts ---------------------------------------------------------------- */


static void add_part(cw__doc *d, part *p, int *np, const char *s, size_t n, int line, bool comma) {
  cw__trim(&s, &n);
  /* Drop a wrapping pair of brackets. */
  if (n >= 2 && s[0] == '(' && s[n - 1] == ')') s++, n -= 2;
  cw__trim(&s, &n);
  if (!n || *np >= MAX_PARTS || cw__filler_only(s, n)) return;
  /* a bare link ("https://acme.example") names neither role nor organisation */
  if ((n > 7 && (strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0 ||
                 strncasecmp(s, "www.", 4) == 0)) && !memchr(s, ' ', n))
    return;
  /* a lone "in" or "at": what a template prints when both sides are empty */
  if (n <= 3 && !memchr(s, ' ', n) && islower((unsigned char)s[0])) return;
  /* "PhD Princeton University": the degree and the school in one part. */
  size_t w = 0;
  while (w < n && s[w] != ' ') w++;
  if (w < n && cw__starts_with_degree(s, w) && cw__score_words(s + w, n - w, W_INST)) {
    add_part(d, p, np, s, w, line, comma);
    add_part(d, p, np, s + w, n - w, line, comma);
    return;
  }
  part *x = &p[(*np)++];
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
  for (int i = 0; sfx[i]; i++)
    if (strlen(sfx[i]) == n && strncasecmp(sfx[i], s, n) == 0) return true;
  return false;
}

/* Splits s at a comma unless the comma is part of a location or company name. */
static void split_commas(cw__doc *d, part *p, int *np, const char *s, size_t n, int line, bool whole_org) {
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
  /* "Company, City, ST": keep the last two together as the place. */
  if (ns >= 3 && cw__is_location(d, segs[ns - 2], (size_t)(segs[ns - 1] + lens[ns - 1] - segs[ns - 2]))) {
    lens[ns - 2] = (size_t)(segs[ns - 1] + lens[ns - 1] - segs[ns - 2]);
    ns--;
  }
  /* "Kempner Institute, Harvard University" on a line of its own while
   * another line holds the role: one organisation, unless a piece is a place. */
  bool place = false;
  for (int i = 0; i < ns && whole_org; i++) place |= cw__is_location(d, segs[i], lens[i]);
  if (whole_org && !place && ns > 1) {
    add_part(d, p, np, s, n, line, false);
    return;
  }
  for (int i = 0; i < ns; i++) add_part(d, p, np, segs[i], lens[i], line, true);
}

/* Some word of s is a degree ("BSc", "Master"). */
static bool has_degree_word(const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    while (i < n && strchr(" ,;/()-", s[i])) i++;
    if (i < n && cw__starts_with_degree(s + i, n - i)) return true;
    while (i < n && !strchr(" ,;/()-", s[i])) i++;
  }
  return false;
}

/* "Leading University, Sylhet, Bangladesh", "Harvard University, Kempner
 * Institute": what follows the first comma is a place or another
 * organisation, not a field ("Riverside University, Physics"). */
static bool school_and_place(cw__doc *d, const char *s, size_t n) {
  const char *c = memchr(s, ',', n);
  if (!c) return false;
  const char *t = c + 1;
  size_t tn = n - (size_t)(t - s);
  cw__trim(&t, &tn);
  if (!tn) return false;
  return cw__score_words(t, tn, W_INST) || cw__score_words(t, tn, W_COMPANY) || cw__is_location(d, t, tn);
}

/* The same between separators: "BSc - Leading University, Sylhet". */
static bool school_piece(cw__doc *d, const char *s, size_t n, bool work) {
  cw__trim(&s, &n);
  return !work && n && cw__score_words(s, n, W_INST) && !has_degree_word(s, n) &&
         school_and_place(d, s, n);
}

static int parts_of(cw__doc *d, cw__eline *el, const cw__group *g, part *p, bool work) {
  int np = 0;
  int titled = 0; /* header lines with a role word */
  for (int h = 0; work && h < g->nhdr; h++)
    titled += cw__score_words(el[g->hdr[h]].res, el[g->hdr[h]].res_len, W_TITLE) > 0;
  for (int h = 0; h < g->nhdr; h++) {
    const cw__eline *e = &el[g->hdr[h]];
    const char *s = e->res, *end = e->res + e->res_len, *q = s;
    int depth = 0, first = np;
    /* "at Riverside University" under its role or degree: the separator
     * opens the line, the organisation follows. */
    while (s < end && *s == ' ') s++;
    if (end - s > 3 && (memcmp(s, "at ", 3) == 0 || memcmp(s, "@ ", 2) == 0)) s += *s == '@' ? 2 : 3;
    q = s;
    bool whole_line = false;
    bool whole_org = work && titled && !cw__score_words(e->res, e->res_len, W_TITLE) &&
                     !memmem(e->res, e->res_len, "   ", 3) && !memchr(e->res, '|', e->res_len);
    /* "University of California, Davis", "Harvard University, Kempner
     * Institute": a school line without a degree is one institution. */
    if (!work && !memmem(e->res, e->res_len, "   ", 3) && !memchr(e->res, '|', e->res_len) &&
        cw__score_words(e->res, e->res_len, W_INST) && !has_degree_word(e->res, e->res_len))
      whole_line = school_and_place(d, e->res, e->res_len);
    while (q < end) {
      if (*q == '(') depth++;
      if (*q == ')' && depth) depth--;
      size_t sl = depth ? 0 : sep_at(q, (size_t)(end - q), work);
      /* "State University of New York at Stony Brook": "at" inside a
       * school's or organisation's name, not "Title at Company". */
      if (sl == 4 && memcmp(q, " at ", 4) == 0 && !cw__score_words(s, (size_t)(q - s), W_TITLE) &&
          (cw__score_words(s, (size_t)(q - s), W_INST) ||
           (work && cw__score_words(s, (size_t)(q - s), W_COMPANY))))
        sl = 0;
      if (sl && school_piece(d, s, (size_t)(q - s), work)) {
        add_part(d, p, &np, s, (size_t)(q - s), h, false);
        q += sl;
        s = q;
      } else if (sl) {
        split_commas(d, p, &np, s, (size_t)(q - s), h, whole_org);
        q += sl;
        s = q;
      } else {
        q++;
      }
    }
    if (whole_line || school_piece(d, s, (size_t)(end - s), work))
      add_part(d, p, &np, s, (size_t)(end - s), h, false);
    else split_commas(d, p, &np, s, (size_t)(end - s), h, whole_org);
    for (int k = first; k < np; k++) p[k].with_date = g->hdr[h] == g->date_line;
  }
  return np;
}

/* The part without a trailing "(...)" remark: "Pied Piper (compression)". */
static void core_of(const part *x, const char **s, size_t *n) {
  *s = x->s;
  *n = x->n;
  const char *open = memchr(x->s, '(', x->n);
  if (open && open > x->s) *n = (size_t)(open - x->s);
  cw__trim(s, n);
}

static json_t *part_str(cw__doc *d, const part *x, bool core) {
  if (!x) return json_null();
  const char *s;
  size_t n;
  if (core) core_of(x, &s, &n);
  else s = x->s, n = x->n;
  if (!cw__in_text(d, s, n)) return json_null();
  return cw__str(s, n);
}

static part *best(part *p, int np, int (*score)(const part *)) {
  part *b = NULL;
  for (int i = 0; i < np; i++)
    if (!p[i].used && score(&p[i]) > 0 && (!b || score(&p[i]) > score(b))) b = &p[i];
  return b;
}
static int sc_title(const part *x) { return x->loc ? 0 : x->title; }
static int sc_company(const part *x) { return x->loc ? 0 : x->company + x->inst; }
static int sc_inst(const part *x) { return x->inst * 2 + (x->degree ? -1 : 0); }
static int sc_degree(const part *x) { return x->degree; }
static int sc_loc(const part *x) { return x->loc; }
static int sc_any(const part *x) { return !x->loc; }

static part *take(part *x) {
  if (x) x->used = true;
  return x;
}

/* A bare place after the company or title on the same line ("Acme GmbH,
 * Hamburg", "Agence Pixelia – Lyon"): short, capitalised, no keywords. */
static part *place_name(part *p, int np, const part *company, const part *title) {
  for (int i = np - 1; i >= 0; i--) {
    part *x = &p[i];
    if (x->used || x->title || x->company || x->inst || x->degree || x->n > 40) continue;
    bool after_company = company && x->line == company->line && x > company;
    bool after_title = title && x->line == title->line && x > title;
    /* ... or alone beside the dates: "Mar 2021 - Present, London" */
    bool by_date = x->with_date && (!company || x->line != company->line) &&
                   (!title || x->line != title->line);
    if (!after_company && !after_title && !by_date) continue;
    if (cw__word_count(x->s, x->n) > 3 || !isupper((unsigned char)x->s[0])) continue;
    bool ok = true;
    for (size_t k = 0; k < x->n; k++)
      if (isdigit((unsigned char)x->s[k]) || strchr("()@:/", x->s[k])) ok = false;
    if (ok) return x;
  }
  return NULL;
}

/* ---- dates and description ---------------------------------------------------- */

static json_t *str_or_null(const char *s) { return s && *s ? json_string(s) : json_null(); }

/* A range gives start and end; a single date is the graduation date of an
 * education entry and both start and end of anything else. */
static void set_dates(json_t *o, const cw__eline *el, const cw__group *g, bool single_is_end) {
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

static json_t *description(const cw__eline *el, const cw__group *g, const char *lead, size_t lead_n) {
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

/* Header parts nobody claimed (a company blurb, a project tagline). */
static size_t leftovers(part *p, int np, char *buf, size_t cap) {
  size_t n = 0;
  for (int i = 0; i < np; i++) {
    if (p[i].used || p[i].n + 2 + n >= cap) continue;
    if (n) buf[n++] = '\n';
    memcpy(buf + n, p[i].s, p[i].n);
    n += p[i].n;
  }
  return n;
}

/* ---- entry builders -------------------------------------------------------- */

/* True when x is the only part on its header line apart from a place
 * ("Polar Systems", "ACME CORPORATION, Springfield, IL"). */
static bool alone_on_line(const part *p, int np, const part *x) {
  for (int i = 0; x && i < np; i++)
    if (&p[i] != x && p[i].line == x->line && !p[i].loc) return false;
  return x != NULL;
}

/* A piece of prose taken for a name: long, starting in lower case, or
 * ending a sentence. */
static bool sentence_like(const part *x) {
  if (!x) return false;
  const char *s = x->s;
  size_t n = x->n;
  cw__trim(&s, &n);
  if (!n) return false;
  if (cw__word_count(s, n) > 8 || islower((unsigned char)s[0])) return true;
  return s[n - 1] == '.' && !x->company && cw__word_count(s, n) > 2;
}

/* How sure the entry is (0..1).  Entries below 0.6 are stored with their
 * confidence but the profile merge treats them as proposals, not facts
 * (README, offline provider).  What raises it: a date, both names, a role
 * word in the title, an organisation word in the company or a company on
 * a line of its own; what lowers it: a name that reads like a sentence, and
 * a group with many header lines (the grouping guessed). */
static double work_confidence(const part *company, const part *title, const cw__group *g, bool alone) {
  double c = 0.25;
  if (g->date_line >= 0) c += 0.2;
  if (company) c += 0.1;
  if (title) c += 0.1;
  if (title && title->title) c += 0.15;
  if (company && (company->company || company->inst)) c += 0.1;
  else if (company && alone) c += 0.05;
  if (sentence_like(company) || sentence_like(title)) c -= 0.3;
  if (g->nhdr > 3) c -= 0.1;
  return c < 0 ? 0 : c > 1 ? 1 : c;
}

/* The title, with the end of it that its column pushed onto the next line
 * ("Front-end Developer &" + "Designer"). */
static json_t *title_str(cw__doc *d, const cw__eline *el, const cw__group *g, const part *p, const part *t) {
  if (!t || g->date_line < 0 || g->hdr[t->line] != g->date_line || !el[g->date_line].wrap ||
      (t > p && t[-1].line == t->line))
    return part_str(d, t, false);
  const cw__eline *w = &el[el[g->date_line].wrap - 1];
  const char *s = w->l->text + w->l->cell_b[0];
  size_t n = w->l->cell_e[0] - w->l->cell_b[0];
  cw__trim(&s, &n);
  char buf[256];
  if (t->n + 1 + n >= sizeof buf || !cw__in_text(d, t->s, t->n)) return part_str(d, t, false);
  memcpy(buf, t->s, t->n);
  buf[t->n] = ' ';
  memcpy(buf + t->n + 1, s, n);
  return cw__str(buf, t->n + 1 + n);
}

/* x comes before y in the text. */
static bool before(const part *x, const part *y) {
  return x->line < y->line || (x->line == y->line && x < y);
}

/* order: the section's usual order of title and company (1: title first,
 * -1: company first, 0: unknown), applied when no keyword tells them apart;
 * *evidence gets this entry's order when keywords did tell (else 0). */
/* The name is a header line of its own in another entry of the section too
 * ("Southern California Edison" above each of its roles): an employer. */
static bool repeats(const cw__eline *el, const cw__group *g, int ng, const cw__group *self,
                    const part *x) {
  for (int k = 0; k < ng; k++) {
    if (&g[k] == self) continue;
    for (int h = 0; h < g[k].nhdr; h++) {
      const char *s = el[g[k].hdr[h]].res;
      size_t n = el[g[k].hdr[h]].res_len;
      cw__trim(&s, &n);
      if (n == x->n && memcmp(s, x->s, n) == 0) return true;
    }
  }
  return false;
}

static json_t *work_entry(cw__doc *d, cw__eline *el, const cw__group *g, const cw__group *all,
                          int ng, const char *prev_company, int order, int *evidence,
                          bool *company_alone) {
  part p[MAX_PARTS];
  int np = parts_of(d, el, g, p, true);
  if (!np) return NULL;
  for (int i = 0; i < np; i++)
    if (!p[i].title && !p[i].loc && repeats(el, all, ng, g, &p[i])) p[i].company += 2;
  part *loc = np > 1 ? take(best(p, np, sc_loc)) : NULL;
  part *title = take(best(p, np, sc_title));
  part *company = take(best(p, np, sc_company));
  if (!company) {
    /* "Title, Company" on one line: the company follows the title.
     * Otherwise the first unclaimed part. */
    for (int i = 0; i < np && !company; i++)
      if (!p[i].used && !p[i].loc && (!title || p[i].line <= title->line + 1)) company = take(&p[i]);
  }
  if (!title) {
    /* No title keyword: in "A, B" or "A at B" the title comes first. */
    part *other = take(best(p, np, sc_any));
    if (other && company && other > company && p[0].split_by_comma) {
      title = company;
      company = other;
    } else {
      title = other;
    }
  }
  *evidence = 0;
  if (title && company) {
    bool known = title->title > 0 || company->company > 0 || company->inst > 0;
    if (known && !(title->title > 0 && (company->title > 0 || title->company + title->inst > 0)))
      *evidence = before(title, company) ? 1 : -1;
    if (!known && order && (order > 0) != before(title, company)) {
      part *t = title;
      title = company;
      company = t;
    }
  }
  if (!loc) loc = take(best(p, np, sc_loc));
  if (!loc) loc = take(place_name(p, np, company, title));
  if (!company && loc && np < MAX_PARTS) {
    /* "Lonestar Payments, Austin, TX" looked like a three-part place. */
    const char *c1 = memchr(loc->s, ',', loc->n);
    const char *c2 = c1 ? memchr(c1 + 1, ',', loc->n - (size_t)(c1 + 1 - loc->s)) : NULL;
    if (c2) {
      part *c = &p[np++];
      *c = *loc;
      c->n = (size_t)(c1 - loc->s);
      c->loc = false;
      company = c;
      loc->s = c1 + 1;
      loc->n -= c->n + 1;
      while (loc->n && *loc->s == ' ') loc->s++, loc->n--;
    }
  }
  if (!company && !title) return NULL;
  if (g->date_line < 0 && !(company && title)) return NULL;
  *company_alone = alone_on_line(p, np, company);
  json_t *o = json_object();
  json_t *comp = part_str(d, company, true);
  /* A role listed under the previous role's employer ("Polar Systems /
   * Engineering Manager / dates / Senior Engineer / dates"). */
  if (json_is_null(comp) && title && prev_company && g->date_line >= 0 && title->title) {
    json_decref(comp);
    comp = json_string(prev_company);
  }
  json_object_set_new(o, "company", comp);
  json_object_set_new(o, "title", title_str(d, el, g, p, title));
  json_object_set_new(o, "location", part_str(d, loc, false));
  set_dates(o, el, g, false);
  char lead[512];
  size_t ln = leftovers(p, np, lead, sizeof lead);
  json_object_set_new(o, "description", description(el, g, lead, ln));
  double conf = work_confidence(company, title, g, *company_alone);
  json_object_set_new(o, "confidence", json_real((double)(int)(conf * 100 + 0.5) / 100));
  return o;
}

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
static void split_degree(const part *x, json_t *o) {
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

/* The header line's text without surrounding blanks; false when it holds
 * cells or a '|' (its pieces are separate fields, not one wrapped phrase). */
static bool plain_text(const cw__eline *e, const char **s, size_t *n) {
  *s = e->res;
  *n = e->res_len;
  if (!*s) return false;
  cw__trim(s, n);
  return *n && !memmem(*s, *n, "   ", 3) && !memchr(*s, '|', *n);
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

/* x's text (a, an inside it) followed by y's b; y is blanked. */
static void join_lines(cw__eline *x, const char *a, size_t an, cw__eline *y, const char *b, size_t bn) {
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

/* Joins wrapped header lines of an education entry into the first line's
 * text (the second is blanked), so that the school or degree is whole. */
static void join_wrapped(cw__eline *el, const cw__group *g) {
  int t = 0; /* the line that the following ones are joined to */
  for (int h = 0; h + 1 < g->nhdr; h++) {
    cw__eline *x = &el[g->hdr[t]], *y = &el[g->hdr[h + 1]];
    const char *a, *b;
    size_t an, bn;
    if (g->hdr[h + 1] != g->hdr[h] + 1 || !plain_text(x, &a, &an) || !plain_text(y, &b, &bn) ||
        x->has_date || y->has_date || !goes_on(a, an, b, bn)) {
      t = h + 1;
      continue;
    }
    join_lines(x, a, an, y, b, bn);
  }
}

static json_t *edu_entry(cw__doc *d, cw__eline *el, const cw__group *g) {
  join_wrapped(el, g);
  json_t *gpa = gpa_of(d, el, g);
  part p[MAX_PARTS];
  int np = parts_of(d, el, g, p, false);
  if (!np) {
    json_decref(gpa);
    return NULL;
  }
  if (np > 1) take(best(p, np, sc_loc)); /* the place is not part of the contract */
  part *degree = take(best(p, np, sc_degree));
  part *inst = take(best(p, np, sc_inst));
  /* Without a date, a school word or a degree the lines are a list of
   * courses or notes ("computer programming", "morphology"), not a school. */
  if (!inst && !degree && g->date_line < 0) {
    json_decref(gpa);
    return NULL;
  }
  if (!inst)
    for (int i = 0; i < np && !inst; i++)
      if (!p[i].used && !p[i].loc) inst = take(&p[i]);
  if (!inst && !degree) {
    json_decref(gpa);
    return NULL;
  }
  json_t *o = json_object();
  json_object_set_new(o, "institution", part_str(d, inst, true));
  json_object_set_new(o, "degree", json_null());
  json_object_set_new(o, "field_of_study", json_null());
  if (degree) split_degree(degree, o);
  part *field = NULL;
  for (int i = 0; i < np && !field; i++)
    if (!p[i].used && !p[i].loc && !p[i].degree && p[i].line <= (degree ? degree->line : 0) + 1)
      field = &p[i];
  if (field && json_is_null(json_object_get(o, "field_of_study")) && take(field))
    json_object_set_new(o, "field_of_study", cw__str(field->s, field->n));
  set_dates(o, el, g, true);
  json_object_set_new(o, "gpa", gpa);
  double conf = 0.4 + (inst ? 0.25 : 0) + (degree ? 0.2 : 0) + (g->date_line >= 0 ? 0.1 : 0);
  json_object_set_new(o, "confidence", json_real((double)(int)(conf * 100 + 0.5) / 100));
  return o;
}

static json_t *project_role(const cw__eline *el, const cw__group *g) {
  for (int h = 0; h < g->nhdr; h++) {
    const cw__eline *e = &el[g->hdr[h]];
    for (size_t k = 0; k + 5 <= e->res_len; k++) {
      if (strncasecmp(e->res + k, "role", 4) != 0) continue;
      size_t s = k + 4;
      if (s < e->res_len && e->res[s] == 's') s++;
      if (s >= e->res_len || e->res[s] != ':') continue;
      s++;
      size_t t = s;
      while (t < e->res_len && e->res[t] != ')' && e->res[t] != ';' && e->res[t] != '|') t++;
      return cw__str(e->res + s, t - s);
    }
  }
  return json_null();
}

static json_t *project_entry(cw__doc *d, cw__eline *el, const cw__group *g) {
  part p[MAX_PARTS];
  int np = parts_of(d, el, g, p, false);
  if (!np) return NULL;
  part *name = take(&p[0]);
  json_t *nm = part_str(d, name, true);
  if (json_is_null(nm)) return NULL; /* a project needs a name */
  json_t *o = json_object();
  json_object_set_new(o, "name", nm);
  json_object_set_new(o, "role", project_role(el, g));
  json_t *url = json_null();
  for (int i = 0; i < g->nhdr + g->ndesc && json_is_null(url); i++) {
    const cw__eline *e = i < g->nhdr ? &el[g->hdr[i]] : &el[g->desc_from + i - g->nhdr];
    size_t b, en;
    if (e->res && cw__re_find(d->h, RE_URL, e->res, e->res_len, &b, &en))
      url = cw__str(e->res + b, en - b);
  }
  json_object_set_new(o, "url", url);
  set_dates(o, el, g, false);
  char lead[512];
  size_t ln = 0;
  int last_line = -1;
  for (int i = 0; i < np; i++) {
    if (p[i].used || p[i].n + 3 + ln >= sizeof lead) continue;
    const char *s;
    size_t n;
    core_of(&p[i], &s, &n); /* "(Aug 2016; roles: ...)" is not description */
    if (!n) continue;
    if (n >= 5 && strncasecmp(s, "role", 4) == 0) continue;
    /* "Gitlytics | Python, Flask, React": one line stays one item. */
    if (ln && p[i].line == last_line) {
      lead[ln++] = ',';
      lead[ln++] = ' ';
    } else if (ln) {
      lead[ln++] = '\n';
    }
    last_line = p[i].line;
    memcpy(lead + ln, s, n);
    ln += n;
  }
  json_object_set_new(o, "description", description(el, g, lead, ln));
  return o;
}

/* Characters (not bytes) of s. */
static size_t chars(const char *s, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++) c += ((unsigned char)s[i] & 0xC0) != 0x80;
  return c;
}

/* "Role, Polski Związek" / "Głuchych": the organisation's last word did
 * not fit the column.  b is a short capitalised tail with no role word, and
 * a with b's first word would have been as wide as the widest lines. */
static bool org_cut(const char *a, size_t an, const char *b, size_t bn, size_t width) {
  size_t w = 0;
  while (w < bn && b[w] != ' ') w++;
  if (!isupper((unsigned char)b[0]) || cw__word_count(b, bn) > 3 || memchr(b, ',', bn) ||
      cw__score_words(b, bn, W_TITLE) || cw__starts_with_degree(b, bn))
    return false;
  if ((chars(a, an) + 1 + chars(b, w)) * 100 < width * 85) return false;
  /* a's last piece (after its last comma) is capitalised words, no role */
  size_t k = an;
  while (k > 0 && a[k - 1] != ',') k--;
  const char *t = a + k;
  size_t tn = an - k;
  cw__trim(&t, &tn);
  if (!tn || cw__score_words(t, tn, W_TITLE) || strchr(".;:)", a[an - 1])) return false;
  for (size_t i = 0; i < tn; i++)
    if ((i == 0 || t[i - 1] == ' ') && !isupper((unsigned char)t[i])) return false;
  return true;
}

static void join_cut_orgs(cw__eline *el, const cw__group *g, size_t width) {
  for (int h = 0; h + 1 < g->nhdr; h++) {
    cw__eline *x = &el[g->hdr[h]], *y = &el[g->hdr[h + 1]];
    const char *a, *b;
    size_t an, bn;
    if (g->hdr[h + 1] != g->hdr[h] + 1 || x->has_date || y->has_date || !plain_text(x, &a, &an) ||
        !plain_text(y, &b, &bn) || !org_cut(a, an, b, bn, width))
      continue;
    join_lines(x, a, an, y, b, bn);
  }
}

json_t *cw__entries(cw__doc *d, enum cw__sec kind, int from, int to) {
  json_t *out = json_array();
  cw__eline *el;
  cw__group *g;
  int ng = cw__layout(d, from, to, kind == SEC_WORK ? 2 : 0, &el, &g);
  size_t width = 0; /* of the widest line: the column's width */
  for (int i = from; i < to; i++) {
    size_t c = chars(d->lines[i].text, d->lines[i].len);
    if (c > width) width = c;
  }
  for (int i = 0; kind == SEC_WORK && i < ng; i++) join_cut_orgs(el, &g[i], width);
  bool alone = false; /* the previous employer sat on a line of its own */
  /* The entries of one section follow one template: where keywords tell
   * title from company, they also tell the order the others use. */
  int order = 0;
  for (int i = 0; kind == SEC_WORK && i < ng && i < CW__MAX_ENTRIES; i++) {
    int ev = 0;
    json_decref(work_entry(d, el, &g[i], g, ng < CW__MAX_ENTRIES ? ng : CW__MAX_ENTRIES, NULL, 0, &ev, &alone));
    order += ev;
  }
  order = order > 0 ? 1 : order < 0 ? -1 : 0;
  alone = false;
  for (int i = 0; i < ng && json_array_size(out) < CW__MAX_ENTRIES; i++) {
    size_t have = json_array_size(out);
    const char *prev = have && alone ? json_string_value(json_object_get(json_array_get(out, have - 1), "company")) : NULL;
    int ev;
    json_t *e = kind == SEC_WORK ? work_entry(d, el, &g[i], g, ng < CW__MAX_ENTRIES ? ng : CW__MAX_ENTRIES, prev, order, &ev, &alone)
              : kind == SEC_EDUCATION ? edu_entry(d, el, &g[i])
              : project_entry(d, el, &g[i]);
    if (e) json_array_append_new(out, e);
  }
  cw__layout_free(el, to - from, g);
  return out;
}
