/* Education entries: institution, degree and field, GPA, and the school
 * or degree names that a narrow column wrapped onto two lines. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "education.h"
#include "edugroups.h"
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
    /* (nor "evening and weekend courses": one name joined by "and") */
    bool keep = n - w > 5 && (strncmp(s + w, " and ", 5) == 0 || strncmp(s + w, " & ", 3) == 0 ||
                              strncmp(s + w, " or ", 4) == 0);
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
    /* (its label only, the one word before the figure: not the words
     * before that, "undergraduate courses GPA 3.9") */
    size_t s = b;
    while (s > 0 && strchr(" :=\t", e->res[s - 1])) s--;
    while (s > 0 && isalpha((unsigned char)e->res[s - 1])) s--;
    while (s > 0 && e->res[s - 1] == ' ') s--;
    if (s > 0 && e->res[s - 1] == '(') s--;
    size_t t = en;
    if (t < e->res_len && e->res[t] == ')') t++;
    if (i < g->nhdr) cw__blank_span(e->res, s, t);
    return v ? v : json_null();
  }
  return json_null();
}

/* A subject rather than a name: "Physics", "Computer Engineering",
 * "Neurobiology": a word of a field vocabulary or with a subject's ending. */
static bool field_word(const char *w, size_t n) {
  static const char *const words[] = {"science", "sciences", "arts", "law", "laws", "medicine",
                                      "business", "finance", "management", "design", "history",
                                      "literature", "studies", "education", "music", "nursing",
                                      "architecture", "philosophy", "theology", "pharmacy",
                                      "informatik", "informatique", "economía",
                                      "psychologie", "wirtschaft", "computing", "accounting",
                                      "marketing", "banking", "biologie", "chemie", "physik",
                                      "mathematik", "informatica", "medicina", "biología",
                                      "química", "física", "ciencia", "ciencias", "ingeniería",
                                      "derecho", "génie", NULL};
  static const char *const ends[] = {"ics", "ology", "istry", "ering", "onomy", "ography",
                                     "ism", "ologie", "ología", NULL};
  if (cw__in_list(words, w, n)) return true;
  for (int i = 0; ends[i]; i++) {
    size_t e = strlen(ends[i]);
    if (n > e + 2 && strncasecmp(w + n - e, ends[i], e) == 0) return true;
  }
  return false;
}

static bool fieldish(const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    while (i < n && strchr(" ,/&-()", s[i])) i++;
    size_t b = i;
    while (i < n && !strchr(" ,/&-()", s[i])) i++;
    if (i > b && field_word(s + b, i - b)) return true;
  }
  return false;
}

/* Every word capitalised but short joining words ("of", "de", "w"):
 * "Harbour Makers Guild", "Academy of Fine Arts"; not "Vocational training". */
static bool proper_name(const char *s, size_t n) {
  int caps = 0;
  for (size_t i = 0; i < n;) {
    while (i < n && strchr(" ,/&-()'", s[i])) i++;
    size_t b = i;
    while (i < n && !strchr(" ,/&-()'", s[i])) i++;
    if (i == b) continue;
    if (isupper((unsigned char)s[b]) || ((unsigned char)s[b] >= 0xC0 && caps)) caps++;
    else if (i - b > 3 || !caps) return false;
  }
  return caps > 0;
}

/* What may follow a school's name after a comma and still be part of it:
 * a place ("Riverbend University, Lagos, Nigeria"), a campus ("University
 * of Westfield, Northgate") or a second organisation ("Eastbrook
 * University, Coastal Institute"); not a degree or a subject ("Riverside
 * University, Physics"). */
static bool name_tail(const cw__part *x) {
  /* (nor a remark: "GPA: 3.9", "Class of 2016") */
  if (x->degree || !isupper((unsigned char)x->s[0]) || memchr(x->s, ':', x->n)) return false;
  for (size_t i = 0; i < x->n; i++)
    if (isdigit((unsigned char)x->s[i])) return false;
  if (x->loc || x->inst || x->company) return true;
  return !x->used && cw__word_count(x->s, x->n) <= 3 && !fieldish(x->s, x->n);
}

/* The school part inst with the comma pieces that follow it on its line
 * and belong to its name (see name_tail); they are marked used. */
static cw__part extend_inst(cw__part *p, int np, const cw__part *inst) {
  cw__part r = *inst;
  for (bool more = true; more;) {
    more = false;
    for (int i = 0; i < np; i++) {
      const cw__part *x = &p[i];
      const char *end = r.s + r.n;
      if (x == inst || x->line != r.line || x->s <= end || x->s - end > 4) continue;
      const char *c = end;
      while (c < x->s && *c == ' ') c++;
      if (c == x->s || *c != ',') continue;
      c++;
      while (c < x->s && *c == ' ') c++;
      if (c != x->s || !name_tail(x)) continue;
      p[i].used = true;
      r.n = (size_t)(x->s + x->n - r.s);
      more = true;
    }
  }
  return r;
}

/* Line b goes on with line a: a narrow column cut a name or degree in two
 * ("Universidad Técnica de" / "Montaña", "apprenticeship in full-" /
 * "stack web development", "Bachelor of Arts - Eastbrook" / "University,
 * Dhaka").  a ends on a short lower-case word or a hyphenated word's
 * first half, or on a lone capitalised word after a separator that b's
 * school word completes. */
/* b opens with a lower-case word that joins the words of a name: "de
 * Madrid", "und Wirtschaft Dresden", "d'informatique", "of Technology". */
static bool joiner_first(const char *b, size_t bn) {
  static const char *const joins[] = {"de", "del", "des", "du", "d", "of", "and", "und", "für", "y",
                                      "et", "di", "da", "do", "dos", "der", "la", "le", "for", NULL};
  if (!bn || !islower((unsigned char)b[0]) || cw__word_count(b, bn) > 5) return false;
  size_t w = 0;
  while (w < bn && b[w] != ' ' && b[w] != '\'' && (unsigned char)b[w] != 0xE2) w++;
  if (w == bn) return false;
  for (int i = 0; joins[i]; i++)
    if (strlen(joins[i]) == w && memcmp(joins[i], b, w) == 0) return true;
  return false;
}

/* s ends on a word that cannot end a name: a short lower-case word or a
 * short abbreviation ("... Liceum im.", "... Kościuszki w"). */
static bool open_end_word(const char *s, size_t n) {
  size_t k = n;
  while (k > 0 && s[k - 1] != ' ') k--;
  return k > 0 && n - k <= 3 && islower((unsigned char)s[k]);
}

/* s has a one-letter lower-case word after its first: "Nowaka w
 * Krakowie" (not "Ciencia de Datos", a subject). */
static bool inner_joiner(const char *s, size_t n) {
  for (size_t i = 1; i + 2 < n; i++)
    if (s[i] == ' ' && islower((unsigned char)s[i + 1]) && s[i + 2] == ' ') return true;
  return false;
}

/* The column's width: the most characters on a line of the section
 * other than line skip (of its lines without cells), 0 when it has too
 * few lines to tell.  (Line skip itself does not count: the longest line
 * of a wide column is no sign of a narrow one.)  The section is measured
 * once per entry, on first use, not once per pair of lines: thousands of
 * lines cost a pass each otherwise. */
typedef struct {
  size_t w1, w2; /* the most characters on a line; on a line other than i1 */
  int i1, lines; /* the first widest line; the lines counted (-1: not measured yet) */
} widths;

static bool measured_line(const cw__eline *e) { return e->kind != L_BLANK && e->l->ncells <= 1; }

static size_t column_width(widths *w, const cw__eline *el, int n, int skip) {
  if (w->lines < 0) {
    *w = (widths){0, 0, -1, 0};
    for (int i = 0; i < n; i++) {
      if (!measured_line(&el[i])) continue;
      size_t c = cw__chars(el[i].l->text, el[i].l->len);
      if (c > w->w1) {
        w->w2 = w->w1;
        w->w1 = c;
        w->i1 = i;
      } else if (c > w->w2) {
        w->w2 = c;
      }
      w->lines++;
    }
  }
  int lines = w->lines - (skip >= 0 && skip < n && measured_line(&el[skip]));
  return lines >= 4 ? (skip == w->i1 ? w->w2 : w->w1) : 0;
}

/* b's first word would not have fitted on line a in a column of width
 * characters: a line break made by the column, not by the author. */
static bool no_room(const char *a, size_t an, const char *b, size_t bn, size_t width) {
  size_t w = 0;
  while (w < bn && b[w] != ' ') w++;
  return width && cw__chars(a, an) + 1 + cw__chars(b, w) > width;
}

static bool goes_on(const char *a, size_t an, bool comma, const char *b, size_t bn, bool cut) {
  size_t k = an;
  while (k > 0 && a[k - 1] != ' ') k--;
  const char *last = a + k;
  size_t ln = an - k;
  if (a[an - 1] == '-' && an >= 2 && isalpha((unsigned char)a[an - 2])) return true;
  /* (a lone "in" is what is left of "{degree} in {field}" without either) */
  if (ln <= 3 && islower((unsigned char)last[0])) return k > 0;
  /* The line's last comma piece: "Physics, BSc, Riverside University," /
   * "Lagos" is a list whose last item wrapped. */
  const char *pa = a;
  size_t pn = an;
  const char *pc = memrchr(a, ',', an);
  if (pc) {
    pa = pc + 1;
    pn = (size_t)(a + an - pa);
    cw__trim(&pa, &pn);
  }
  bool school_piece = pn && cw__score_words(pa, pn, W_INST) && !cw__has_degree(pa, pn);
  /* The column had no room for b's first word: a short piece that
   * completes a school's name ("Technische Universität" / "Dresden",
   * "Université Claude Bernard" / "Lyon 1", "California State" /
   * "Polytechnic University"), neither a degree nor a subject. */
  /* (not "Springfield, Ohio": a place the author put under the name) */
  if (cut && !pc && !strchr(".,;:)", a[an - 1]) && cw__word_count(b, bn) <= 3 && !memchr(b, ',', bn) &&
      (isupper((unsigned char)b[0]) || isdigit((unsigned char)b[0])) && !cw__has_degree(a, an) &&
      !cw__has_degree(b, bn) && !fieldish(a, an) && !fieldish(b, bn) &&
      (school_piece != (cw__score_words(b, bn, W_INST) > 0)))
    return true;
  /* ... or the last item of a list line ("Carpentry, Diploma, Harbour
   * Makers" / "Guild"): capitalised words on both sides, none a school,
   * degree or subject word. */
  if (cut && pc && pn && !strchr(".,;:)", a[an - 1]) && cw__word_count(pa, pn) <= 3 &&
      cw__word_count(b, bn) <= 2 && !memchr(b, ',', bn) && proper_name(pa, pn) && proper_name(b, bn) &&
      !cw__score_words(pa, pn, W_INST) && !cw__score_words(b, bn, W_INST) && !cw__has_degree(pa, pn) &&
      !cw__has_degree(b, bn) && !fieldish(pa, pn) && !fieldish(b, bn))
    return true;
  /* A school line goes on with a piece of a name that is no school,
   * degree or subject: one that cannot end the name ("Riverside Liceum" /
   * "Miejskie im." / "Jana Nowaka w" / "Krakowie"), or one whose capitalised
   * words a short lower-case word joins ("Liceum Miejskie im. Jana" /
   * "Nowaka w Krakowie"). */
  if (!pc && school_piece && !strchr(".,;:)", a[an - 1]) && isupper((unsigned char)b[0]) &&
      !cw__score_words(b, bn, W_INST) && !cw__has_degree(b, bn) && !fieldish(b, bn) &&
      ((cw__word_in(last, ln, W_INST) && open_end_word(b, bn)) ||
       (cw__word_count(b, bn) <= 4 && proper_name(b, bn) && inner_joiner(b, bn))))
    return true;
  /* "Universidad Complutense" / "de Madrid": a school's name wrapped
   * before a joining word */
  if (!comma && !strchr(".,;:)", a[an - 1]) && cw__score_words(a, an, W_INST) && !cw__has_degree(a, an) &&
      joiner_first(b, bn) && !cw__has_degree(b, bn))
    return true;
  size_t w = 0;
  while (w < bn && !strchr(" ,-", b[w])) w++;
  /* "Riverbend University, Lagos," / "Nigeria": a name line does not end
   * on a comma; "Northfield State" / "University": a school word alone
   * names no school. */
  if (comma && cw__score_words(a, an, W_INST) && pn && !cw__has_degree(pa, pn))
    return isupper((unsigned char)b[0]) && !cw__has_degree(b, bn) && !fieldish(b, bn);
  if (isupper((unsigned char)last[0]) && !strchr(".,;:)", a[an - 1]) && cw__word_in(b, w, W_INST) &&
      (w == bn || b[w] == ',') && !cw__has_degree(pa, pn))
    return true;
  if (strchr(".,;:)", a[an - 1]) || !isupper((unsigned char)last[0])) return false;
  /* "Westland State Polytechnic" / "University-Pine Hill" */
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
    /* after a comma only one word: "Riverside University, Coastal" / "Institute" */
    if (e == an && b0 >= 2 && a[b0 - 2] == ',') {
      e = b0 - 1;
      break;
    }
    e = b0 - 1;
  }
  return e < an && !cw__score_words(a + e, an - e, W_INST) && cw__score_words(b, bn, W_INST);
}

/* The trimmed text a of line x was followed by a comma. */
static bool ends_on_comma(const cw__eline *x, const char *a, size_t an) {
  const char *c = a + an, *end = x->res + x->res_len;
  while (c < end && *c == ' ') c++;
  return c < end && *c == ',';
}

/* Joins wrapped header lines of an education entry into the first line's
 * text (the second is blanked), so that the school or degree is whole. */
static void join_wrapped(cw__eline *el, int n, const cw__group *g) {
  int t = 0; /* the line that the following ones are joined to */
  widths w = {.lines = -1};
  for (int h = 0; h + 1 < g->nhdr; h++) {
    cw__eline *x = &el[g->hdr[t]], *y = &el[g->hdr[h + 1]];
    const char *a, *b;
    size_t an, bn;
    if (g->hdr[h + 1] != g->hdr[h] + 1 || !cw__plain_text(x, &a, &an) || !cw__plain_text(y, &b, &bn) ||
        x->has_date || y->has_date ||
        !goes_on(a, an, ends_on_comma(x, a, an), b, bn, no_room(a, an, b, bn, column_width(&w, el, n, g->hdr[h])))) {
      t = h + 1;
      continue;
    }
    const char *comma = ends_on_comma(x, a, an) ? memchr(a + an, ',', (size_t)(x->res + x->res_len - (a + an))) : NULL;
    if (comma) an = (size_t)(comma - a) + 1; /* keep it: "Lagos, Nigeria" */
    cw__join_lines(x, a, an, y, b, bn);
  }
}

/* Where group g names its school among its parts: 1 the last, -1 the
 * first, 0 elsewhere or none (a school word tells). */
int cw__edu_school_at(cw__doc *d, cw__eline *el, int n, const cw__group *g) {
  join_wrapped(el, n, g);
  cw__part p[MAX_PARTS];
  int np = cw__parts_of(d, el, g, p, false), first = -1, last = -1;
  for (int i = 0; i < np; i++)
    if (!p[i].loc) {
      if (first < 0) first = i;
      last = i;
    }
  cw__part *inst = cw__best(p, np, cw__sc_inst);
  if (!inst || first == last) return 0;
  return inst == &p[last] ? 1 : inst == &p[first] ? -1 : 0;
}

/* How sure the entry is (0..1; below 0.6 the profile merge takes it as a
 * proposal, README).  A school, a degree and a date raise it; each sign
 * that the school's name was guessed takes a complete entry below 0.6 on
 * its own: a lone word that is no acronym (a heading or a fragment:
 * "University", "Skills"; "MIT" is a name), lower-case words (a subject or
 * a course, "political science", "Vocational training and apprenticeship"),
 * or a name cut short by a column ("Universidad Técnica de"). */
static double edu_confidence(const char *school, bool degree, const cw__group *g) {
  double c = 0.4 + (school ? 0.25 : 0) + (degree ? 0.2 : 0) + (g->date_line >= 0 ? 0.1 : 0);
  if (!school) return c;
  size_t n = strlen(school);
  bool acronym = n >= 2;
  for (size_t i = 0; i < n; i++) acronym &= !islower((unsigned char)school[i]);
  if (cw__word_count(school, n) == 1 && !acronym) c -= 0.4;
  if (cw__lower_start(school, n) || cw__lower_words(school, n) >= 2) c -= 0.4;
  if (cw__cut_short(school, n)) c -= 0.4;
  return c < 0 ? 0 : c > 1 ? 1 : c;
}

json_t *cw__edu_entry(cw__doc *d, cw__eline *el, int n, const cw__group *g, int order) {
  join_wrapped(el, n, g);
  json_t *gpa = gpa_of(d, el, g);
  cw__part p[MAX_PARTS];
  int np = cw__parts_of(d, el, g, p, false);
  if (!np) {
    json_decref(gpa);
    return NULL;
  }
  if (np > 1) cw__take(cw__best(p, np, cw__sc_loc)); /* the place is not part of the contract */
  cw__part *degree = cw__take(cw__best(p, np, cw__sc_degree));
  cw__part *inst = cw__take(cw__best(p, np, cw__sc_inst)), tail;
  /* Without a date, a school word or a degree the lines are a list of
   * courses or notes ("computer programming", "morphology"), not a school. */
  if (!inst && !degree && g->date_line < 0) {
    json_decref(gpa);
    return NULL;
  }
  /* No school word: a proper name ("Harbour Makers Guild") rather than the
   * phrases around it ("Vocational training", "full-stack development"). */
  /* Several: the one where the section's other entries name their school
   * (order > 0: the last part, "Field, Degree, School"). */
  if (!inst) {
    cw__part *pick = NULL;
    for (int i = 0; i < np; i++)
      if (!p[i].used && !p[i].loc && proper_name(p[i].s, p[i].n) && !fieldish(p[i].s, p[i].n) &&
          (!pick || order > 0))
        pick = &p[i];
    inst = cw__take(pick);
    /* ... and where they name it a "place" ("Training, Kestrel Power") is
     * more likely the school than what stands before it */
    const cw__part *end = &p[np - 1];
    const char *c = order > 0 && end->loc && (!inst || inst->line == end->line) ? memrchr(end->s, ',', end->n) : NULL;
    if (c && proper_name(c + 1, (size_t)(end->s + end->n - c - 1))) {
      if (inst) inst->used = false;
      tail = *end;
      tail.s = c + 1;
      tail.n = (size_t)(end->s + end->n - c - 1);
      cw__trim(&tail.s, &tail.n);
      tail.loc = false;
      inst = &tail;
    }
  }
  /* Else the first name left, unless it reads as a subject or a phrase
   * ("full-stack web development", "Computer Science"): the school went
   * unprinted, and an entry without one beats a subject named a school. */
  if (!inst)
    for (int i = 0; i < np && !inst; i++)
      if (!p[i].used && !p[i].loc && !cw__lower_start(p[i].s, p[i].n) && cw__lower_words(p[i].s, p[i].n) < 2 &&
          !fieldish(p[i].s, p[i].n))
        inst = cw__take(&p[i]);
  /* Neither a school word nor a degree, and a role for the name or beside
   * it ("Quickstop   Cashier"): a job that a second column put here. */
  bool role = inst && !inst->inst && !degree && inst->title > 0;
  for (int i = 0; i < np && inst && !inst->inst && !degree; i++)
    role |= &p[i] != inst && !p[i].loc && p[i].title > 0 && !p[i].inst;
  /* (with a degree, the entry stays without that name: "Elmfield Garden
   * Centre   Sales Assistant" / "BSc in Physics") */
  for (int i = 0; i < np && inst && !inst->inst && degree; i++)
    if (&p[i] != inst && p[i].line == inst->line && !p[i].loc && p[i].title > 0 && !p[i].inst && !p[i].degree)
      inst = NULL;
  if ((!inst && !degree) || role) {
    json_decref(gpa);
    return NULL;
  }
  json_t *o = json_object();
  cw__part whole;
  if (inst) whole = inst->inst ? extend_inst(p, np, inst) : *inst;
  json_t *name = cw__part_str(d, inst ? &whole : NULL, true);
  if (json_is_null(name)) name = cw__part_str(d, inst, true);
  json_object_set_new(o, "institution", name);
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
  double conf = edu_confidence(json_string_value(json_object_get(o, "institution")), degree != NULL, g);
  json_object_set_new(o, "confidence", json_real((double)(int)(conf * 100 + 0.5) / 100));
  return o;
}
