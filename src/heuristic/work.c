/* Work entries: which header part is the title, which the company and
 * which the place, with the section's usual order when keywords are silent,
 * roles listed under one employer, and the entry's confidence. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "work.h"
#include "words.h"

static bool place_particle(const char *s, size_t n) {
  static const char *const w[] = {"de", "da", "do", "dos", "das", "del", "della", "di", "la", "le", "les",
                                  "am", "an", "im", "upon", "on", "sur", "en", "y", "ob", "bei", NULL};
  size_t m = 0;
  while (m < n && s[m] != ' ' && s[m] != ',') m++;
  for (int i = 0; w[i]; i++)
    if (strlen(w[i]) == m && strncmp(w[i], s, m) == 0) return true;
  return false;
}

/* A bare place after the company or title on the same line ("Acme GmbH,
 * Hamburg", "Agence Pixelia – Lyon"): short, capitalised, no keywords. */
static cw__part *place_name(cw__part *p, int np, const cw__part *company, const cw__part *title) {
  for (int i = np - 1; i >= 0; i--) {
    cw__part *x = &p[i];
    if (x->used || x->title || x->company || x->inst || x->degree || x->n > 40) continue;
    bool after_company = company && x->line == company->line && x > company;
    bool after_title = title && x->line == title->line && x > title;
    /* ... or alone beside the dates: "Mar 2021 - Present, London" */
    bool by_date = x->with_date && (!company || x->line != company->line) &&
                   (!title || x->line != title->line);
    if (!after_company && !after_title && !by_date) continue;
    if (cw__word_count(x->s, x->n) > 3 || !isupper((unsigned char)x->s[0])) continue;
    bool ok = true;
    for (size_t k = 0; k < x->n; k++) {
      if (isdigit((unsigned char)x->s[k]) || strchr("()@:/", x->s[k])) ok = false;
      /* "Prints and Drawings": lower-case words in a place are few
       * ("Frankfurt am Main", "Rio de Janeiro") */
      if (k && x->s[k - 1] == ' ' && islower((unsigned char)x->s[k]) && !place_particle(x->s + k, x->n - k))
        ok = false;
    }
    if (ok) return x;
  }
  return NULL;
}

/* Header parts nobody claimed (a company blurb, a project tagline). */
static size_t leftovers(cw__part *p, int np, char *buf, size_t cap) {
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
static bool alone_on_line(const cw__part *p, int np, const cw__part *x) {
  for (int i = 0; x && i < np; i++)
    if (&p[i] != x && p[i].line == x->line && !p[i].loc) return false;
  return x != NULL;
}

/* A piece of prose taken for a name: long, starting in lower case, or
 * ending a sentence. */
static bool sentence_like(const cw__part *x) {
  if (!x) return false;
  const char *s = x->s;
  size_t n = x->n;
  cw__trim(&s, &n);
  if (!n) return false;
  /* (a long name with organisation words is an organisation: "Memory Lab,
   * Riverside University and Coastal Lab, Harbour Institute") */
  if ((cw__word_count(s, n) > 8 && !x->company && !x->inst) || islower((unsigned char)s[0])) return true;
  return s[n - 1] == '.' && !x->company && cw__word_count(s, n) > 2;
}

/* A part that reads as prose: a full stop after some words, very many
 * words, or many words with a figure in them.  (A lower-case start is no
 * sign: "doradca do spraw Funduszy" is a role.) */
static bool prose(const cw__part *x) {
  int w = cw__word_count(x->s, x->n);
  bool digit = false;
  for (size_t i = 0; i < x->n && !digit; i++) digit = isdigit((unsigned char)x->s[i]);
  return (digit && w > 6) || w > 10 || (x->n && x->s[x->n - 1] == '.' && w > 3);
}

static bool has_digit(const cw__part *x) {
  for (size_t i = 0; x && i < x->n; i++)
    if (isdigit((unsigned char)x->s[i])) return true;
  return false;
}

/* How sure the entry is (0..1).  Entries below 0.6 are stored with their
 * confidence but the profile merge treats them as proposals, not facts
 * (README, offline provider), so every sign that the names were guessed
 * must be able to take a complete entry below 0.6 on its own.  What raises
 * it: a date, both names, a role word in the title, an organisation word in
 * the company or a company on a line of its own.  What lowers it: see the
 * terms below.  np: the number of parts the header was cut into. */
static double work_confidence(const cw__part *company, const cw__part *title, const cw__group *g, bool alone,
                              int np) {
  double c = 0.25;
  if (g->date_line >= 0) c += 0.2;
  if (company) c += 0.1;
  if (title) c += 0.1;
  if (title && title->title) c += 0.15;
  if (company && (company->company || company->inst)) c += 0.1;
  else if (company && alone) c += 0.05;
  /* a name that reads like a sentence, or a group with many header lines
   * (the grouping guessed) */
  if (sentence_like(company) || sentence_like(title)) c -= 0.3;
  if (g->nhdr > 3) c -= 0.1;
  /* no role at all: the header held one name, and a job without its role
   * is no fact ("Acme Corp" over its dates, the role lost in a column) */
  if (!title) c -= 0.2;
  /* the "title" has no role word but more organisation words than the
   * company: the names were swapped or one was split ("Acme University" as
   * the title of "Platform Engineering") */
  if (title && !title->title && title->company + title->inst > 0 &&
      title->company + title->inst > (company ? company->company + company->inst : 0))
    c -= 0.2;
  /* both names hold a role word ("Director of the Atlas project" /
   * "Project Director"): which one is the employer was guessed */
  if (company && company->title > 0 && title && title->title > 0) c -= 0.35;
  /* prose taken for a name: a company with lower-case words ("Served on
   * university committees", "the Atlas team."), a title without a role word
   * with lower-case words or figures ("Ranked among the top 5") */
  if (company && (cw__lower_words(company->s, company->n) >= 2 || cw__lower_start(company->s, company->n)))
    c -= 0.3;
  if (title && !title->title && (cw__lower_words(title->s, title->n) >= 2 || has_digit(title))) c -= 0.3;
  /* a name cut short by a column or a line break ("Head of") */
  if ((company && cw__cut_short(company->s, company->n)) || (title && cw__cut_short(title->s, title->n))) c -= 0.35;
  /* the header cut into more parts than title, company and place: some
   * part's role was guessed.  A weaker sign: it takes below 0.6 only an
   * entry that lacks some other evidence (no organisation word). */
  if (np >= 4) c -= 0.25;
  return c < 0 ? 0 : c > 1 ? 1 : c;
}

/* The title, with the end of it that its column pushed onto the next line
 * ("Data Analyst &" + "Designer"). */
static json_t *title_str(cw__doc *d, const cw__eline *el, const cw__group *g, const cw__part *p, const cw__part *t) {
  if (!t || g->date_line < 0 || g->hdr[t->line] != g->date_line || !el[g->date_line].wrap ||
      (t > p && t[-1].line == t->line))
    return cw__part_str(d, t, false);
  char buf[256];
  size_t len = t->n;
  if (len >= sizeof buf || !cw__in_text(d, t->s, t->n)) return cw__part_str(d, t, false);
  memcpy(buf, t->s, len);
  /* (the comma the trim took off the cell: "Lead (Portal," / "Search)";
   * the title is text of the dated line, and it may end where that does) */
  const cw__eline *dl = &el[g->date_line];
  bool comma = t->s >= dl->res && t->s + t->n < dl->res + dl->res_len && t->s[t->n] == ',';
  if (comma && len + 1 < sizeof buf) buf[len++] = ',';
  for (int k = g->date_line + 1; k < el[g->date_line].wrap; k++) {
    const char *s = el[k].l->text + el[k].l->cell_b[0];
    size_t n = el[k].l->cell_e[0] - el[k].l->cell_b[0];
    while (n && s[n - 1] == ' ') n--;
    while (n && *s == ' ') s++, n--;
    if (!n) continue;
    if (len + 1 + n >= sizeof buf) return cw__part_str(d, t, false);
    buf[len++] = ' ';
    memcpy(buf + len, s, n);
    len += n;
  }
  return cw__str(buf, len);
}

/* x comes before y in the text. */
static bool before(const cw__part *x, const cw__part *y) {
  return x->line < y->line || (x->line == y->line && x < y);
}

/* s opens with the name x as a whole ("Acme Corp ∙ https://acme.example",
 * "Acme Corp, Springfield") or ends with it after a separator ("Engineer,
 * Acme Corp", "Engineer at Acme Corp"). */
static bool holds_name(const char *s, size_t n, const char *x, size_t xn) {
  if (!xn || n < xn) return false;
  if (memcmp(s, x, xn) == 0 && (n == xn || strchr(" ,|(", s[xn]) || (unsigned char)s[xn] >= 0x80))
    return true;
  const char *t = s + n - xn;
  if (n < xn + 2 || memcmp(t, x, xn) != 0) return false;
  return (t[-1] == ' ' && strchr(",|", t[-2])) || (n >= xn + 4 && memcmp(t - 4, " at ", 4) == 0) ||
         (t[-1] == ' ' && t[-2] == '@');
}

/* "Solution Architect - Digital Commerce" with the employer named
 * elsewhere: what follows the title after a dash, claimed by nothing (not
 * the company, not a place), qualifies the title. */
static void glue_qualifier(cw__part *p, int np, cw__part *title) {
  if (!title || title + 1 >= p + np) return;
  cw__part *x = title + 1;
  if (x->used || x->loc || x->line != title->line || x->s <= title->s + title->n) return;
  const char *gap = title->s + title->n;
  size_t gn = (size_t)(x->s - gap);
  static const char *const dashes[] = {" - ", " \xe2\x80\x93 ", " \xe2\x80\x94 ", NULL};
  for (int i = 0; dashes[i]; i++)
    if (gn == strlen(dashes[i]) && memcmp(gap, dashes[i], gn) == 0) {
      title->n = (size_t)(x->s + x->n - title->s);
      x->used = true;
      return;
    }
}

/* "Staff Nurse, Emergency Department at Mercy Hospital", "Nurse, Cardiac
 * Unit, Mercy Hospital": the unit right after the role, the employer named
 * beside it, belongs to the title.  Either the unit is a part of its own
 * or the start of the company's part (an organisation and its parent).
 * loc: the entry's place, cleared when it was the unit. */
static void glue_unit(cw__part *p, int np, cw__part *title, cw__part *company, cw__part **loc) {
  if (!title || !company || !title->title || title + 1 >= p + np) return;
  const char *gap = title->s + title->n;
  cw__part *x = title + 1;
  if (x->line != title->line || x->s != gap + 2 || memcmp(gap, ", ", 2) != 0 || x->title) return;
  /* (a short unit looked like a place: "Cardiac Unit") */
  if (x != company && (!x->used || x == *loc) && cw__unit_piece(x->s, x->n)) {
    title->n = (size_t)(x->s + x->n - title->s);
    x->used = true;
    if (x == *loc) *loc = NULL;
    return;
  }
  const char *c = x == company ? memchr(x->s, ',', x->n) : NULL;
  if (!c || (size_t)(c - x->s) + 2 >= x->n || c[1] != ' ' || !cw__unit_piece(x->s, (size_t)(c - x->s))) return;
  title->n = (size_t)(c - title->s);
  company->n -= (size_t)(c + 2 - company->s);
  company->s = c + 2;
}

/* order: the section's usual order of title and company (1: title first,
 * -1: company first, 0: unknown), applied when no keyword tells them apart;
 * *evidence gets this entry's order when keywords did tell (else 0). */
/* The name is a header line of its own in another entry of the section too
 * ("Northwind Power" above each of its roles): an employer. */
static bool repeats(const cw__eline *el, const cw__group *g, int ng, const cw__group *self,
                    const cw__part *x) {
  for (int k = 0; k < ng; k++) {
    if (&g[k] == self) continue;
    for (int h = 0; h < g[k].nhdr; h++) {
      const char *s = el[g[k].hdr[h]].res;
      size_t n = el[g[k].hdr[h]].res_len;
      cw__trim(&s, &n);
      if (holds_name(s, n, x->s, x->n)) return true;
    }
  }
  return false;
}

/* Cuts the part loc at its comma c1: what comes before becomes a new
 * company part (returned), loc keeps the place after it. */
static cw__part *split_at_comma(cw__part *p, int *np, cw__part *loc, const char *c1) {
  cw__part *c = &p[(*np)++];
  *c = *loc;
  c->n = (size_t)(c1 - loc->s);
  c->loc = false;
  loc->s = c1 + 1;
  loc->n -= c->n + 1;
  while (loc->n && *loc->s == ' ') loc->s++, loc->n--;
  return c;
}

json_t *cw__work_entry(cw__doc *d, cw__eline *el, const cw__group *g, const cw__group *all,
                          int ng, const char *prev_company, int order, int *evidence,
                          bool *company_alone) {
  cw__part p[MAX_PARTS];
  int np = cw__parts_of(d, el, g, p, true);
  if (!np) return NULL;
  for (int i = 0; i < np; i++)
    if (!p[i].title && !p[i].loc && repeats(el, all, ng, g, &p[i])) p[i].company += 2;
  /* "Manager of 3 warehouses with 40 staff" under the
   * names: prose, not a name, when two other parts can be the names */
  int names = 0;
  for (int i = 0; i < np; i++) names += !p[i].loc && !prose(&p[i]);
  for (int i = 0; i < np && names >= 2; i++)
    if (!p[i].loc && prose(&p[i])) p[i].used = true;
  cw__part *loc = np > 1 ? cw__take(cw__best(p, np, cw__sc_loc)) : NULL;
  cw__part *title = cw__take(cw__best(p, np, cw__sc_title));
  cw__part *company = cw__take(cw__best(p, np, cw__sc_company));
  if (!company) {
    /* "Title, Company" on one line: the company follows the title, and
     * "Company, Title" puts it before: a name on the title's own line
     * first ("Ribera Datos, Analista" under a previous entry's
     * unmarked lines).  Otherwise the first unclaimed part. */
    for (int i = 0; title && i < np && !company; i++)
      if (!p[i].used && !p[i].loc && p[i].line == title->line && !prose(&p[i])) company = cw__take(&p[i]);
    for (int i = 0; i < np && !company; i++)
      if (!p[i].used && !p[i].loc && (!title || p[i].line <= title->line + 1)) company = cw__take(&p[i]);
  }
  if (!title) {
    /* No title keyword: in "A, B" or "A at B" the title comes first. */
    cw__part *other = cw__take(cw__best(p, np, cw__sc_any));
    if (other && company && other > company && p[0].split_by_comma) {
      title = company;
      company = other;
    } else {
      title = other;
    }
  }
  /* "Cloud Architecture at Pinewood Systems": without a role word either
   * side, the idiom tells: the company follows "at". */
  if (title && company && title->after_at && !title->title && !company->title && title->line == company->line) {
    cw__part *t = title;
    title = company;
    company = t;
  }
  /* "Architect - Digital Commerce at Acme": whatever organisation word a
   * piece before "at" has, the company is what follows it */
  for (int i = 0; title && company && i < np; i++) {
    cw__part *x = &p[i];
    if (!x->after_at || x == company || x->loc || x->title || x->line != title->line || x < title ||
        company->line != title->line || company > x)
      continue;
    company->used = false;
    company = x;
    x->used = true;
    break;
  }
  *evidence = 0;
  if (title && company) {
    bool known = title->title > 0 || company->company > 0 || company->inst > 0;
    if (known && !(title->title > 0 && (company->title > 0 || title->company + title->inst > 0)))
      *evidence = before(title, company) ? 1 : -1;
    if (!known && order && (order > 0) != before(title, company)) {
      cw__part *t = title;
      title = company;
      company = t;
    }
  }
  if (!loc) loc = cw__take(cw__best(p, np, cw__sc_loc));
  if (!loc) loc = cw__take(place_name(p, np, company, title));
  if (!company && loc && np < MAX_PARTS) {
    /* "Lonestar Payments, Austin, TX" looked like a three-part place. */
    const char *c1 = memchr(loc->s, ',', loc->n);
    const char *c2 = c1 ? memchr(c1 + 1, ',', loc->n - (size_t)(c1 + 1 - loc->s)) : NULL;
    if (c2) {
      company = split_at_comma(p, &np, loc, c1);
    } else if (c1 && title && g->date_line >= 0 && g->hdr[loc->line] < g->date_line &&
               g->hdr[title->line] >= g->date_line) {
      /* "Northwind Traders, Leipzig" / dates / (blank) / "Senior Developer",
       * or over "Senior Developer <tab> dates": the line above the dates of
       * an entry whose role is printed on or below them names the
       * organisation and its city; an entry rarely names a place and no
       * organisation. */
      company = split_at_comma(p, &np, loc, c1);
    } else if (c1 && !title && order && g->date_line >= 0 && np + 1 < MAX_PARTS) {
      /* "Maker, Quillwork" alone over its dates reads like "City, Region";
       * the section's other entries print "Role, Organisation" there. */
      cw__part *a = &p[np++], *b = &p[np++];
      *a = *loc;
      a->n = (size_t)(c1 - loc->s);
      a->loc = false;
      *b = *a;
      b->s = c1 + 1;
      b->n = loc->n - a->n - 1;
      while (b->n && *b->s == ' ') b->s++, b->n--;
      loc = NULL; /* (its text is a and b now; it stays used) */
      title = order > 0 ? a : b;
      company = order > 0 ? b : a;
    }
  }
  glue_qualifier(p, np, title);
  glue_unit(p, np, title, company, &loc);
  if (!company && !title) return NULL;
  if (g->date_line < 0 && !(company && title)) return NULL;
  /* without a date, a role word must tell that the names are a role and an
   * organisation ("Go, gRPC, and Kafka. Fixed bugs" is not),
   * and neither may read as prose */
  if (g->date_line < 0 && (!title->title || prose(title) || prose(company) || sentence_like(company)))
    return NULL;
  /* "Eastbrook University" / "Apr 2018" / "23rd National Contest": one
   * date, no role word and nothing done there reads as an award or an
   * event, not a job. */
  if (g->date_line >= 0 && !el[g->date_line].date.is_range && !el[g->date_line].date.is_current &&
      !g->ndesc && !(title && title->title) && !(company && company->title))
    return NULL;
  *company_alone = alone_on_line(p, np, company);
  json_t *o = json_object();
  json_t *comp = cw__part_str(d, company, true);
  /* A role listed under the previous role's employer ("Polar Systems /
   * Engineering Manager / dates / Senior Engineer / dates"). */
  if (json_is_null(comp) && title && prev_company && g->date_line >= 0 && title->title) {
    json_decref(comp);
    comp = json_string(prev_company);
  }
  json_object_set_new(o, "company", comp);
  json_object_set_new(o, "title", title_str(d, el, g, p, title));
  json_object_set_new(o, "location", cw__part_str(d, loc, false));
  cw__set_dates(o, el, g, false);
  char lead[512];
  size_t ln = leftovers(p, np, lead, sizeof lead);
  json_object_set_new(o, "description", cw__description(el, g, lead, ln));
  double conf = work_confidence(company, title, g, *company_alone, np);
  json_object_set_new(o, "confidence", json_real((double)(int)(conf * 100 + 0.5) / 100));
  return o;
}
