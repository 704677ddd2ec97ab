/* Entries of the work, education and project sections.
 *
 * Each line of a section is classified (header, date-only, description),
 * dates and durations are cut out of it, and lines are grouped into entries
 * by layout: an entry is a run of header lines (with the date somewhere in
 * them or right after) followed by description lines.  The header lines are
 * then split into parts ("Title, Company – Place", "Company | Title", one
 * per line, ...) and the parts are assigned by keyword scores. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "heuristic_int.h"

enum lkind { L_BLANK, L_HEADER, L_DATE, L_DESC };

typedef struct {
  const cw__line *l;
  enum lkind kind;
  bool has_date, cont;
  cw_date_range date;
  const char *date_src; /* the text the date offsets refer to */
  char *res;            /* line text with date and durations blanked out */
  size_t res_len;
} eline;

#define MAX_HDR 6
#define MAX_PARTS 24

typedef struct {
  int hdr[MAX_HDR];
  int nhdr;
  int date_line; /* -1: none */
  int desc_from, desc_to; /* eline indexes of description lines, inclusive range */
  int ndesc;
} group;

typedef struct {
  const char *s;
  size_t n;
  int line;      /* header line number inside the entry */
  bool split_by_comma, used, loc;
  int title, company, inst, degree;
} part;

/* ---- keyword tables ---------------------------------------------------- */

static const char *const title_words[] = {
    "engineer", "developer", "programmer", "manager", "director", "intern", "internship",
    "president", "vice", "vp", "svp", "evp", "ceo", "cto", "cfo", "coo", "cio", "cmo", "cpo",
    "ciso", "founder", "cofounder", "owner", "partner", "lead", "leader", "head", "chief",
    "officer", "analyst", "consultant", "designer", "architect", "scientist", "researcher",
    "specialist", "administrator", "coordinator", "assistant", "associate", "principal",
    "senior", "sr", "junior", "jr", "staff", "teacher", "tutor", "instructor", "professor",
    "lecturer", "fellow", "postdoc", "postdoctoral", "student", "trainee", "apprentice",
    "technician", "editor", "writer", "journalist", "accountant", "auditor", "nurse",
    "physician", "representative", "executive", "supervisor", "advisor", "adviser",
    "strategist", "recruiter", "sre", "devops", "dba", "qa", "tester", "contractor",
    "freelance", "freelancer", "chair", "chairman", "secretary", "treasurer", "clerk", "agent",
    "operator", "mechanic", "electrician", "cashier", "barista", "driver", "pharmacist",
    "therapist", "counselor", "librarian", "photographer", "producer", "attorney", "lawyer",
    "paralegal", "economist", "statistician", "physicist", "chemist", "biologist", "owner",
    "werkstudent", "entwickler", "softwareentwickler", "ingenieur", "leiter", "leiterin",
    "berater", "beraterin", "praktikant", "praktikantin", "referent", "geschäftsführer",
    "développeur", "développeuse", "ingénieur", "stagiaire", "responsable", "directeur",
    "directrice", "chargé", "chargée", "desarrollador", "ingeniero", "gerente", "jefe",
    "becario", "analista", "consultor", "programador", "mentor", "organizer", "member",
    "maintainer", "contributor", "volunteer", "cook", "chef", "waiter", "server", "sales",
    "marketing", "support", "product", "programme", "program", "project", "officer", NULL};

static const char *const company_words[] = {
    "inc", "llc", "ltd", "limited", "gmbh", "ag", "corp", "corporation", "company", "co",
    "plc", "sa", "sas", "sarl", "srl", "bv", "nv", "kg", "se", "group", "labs", "lab",
    "technologies", "technology", "tech", "systems", "solutions", "software", "bank",
    "agency", "studio", "studios", "partners", "consulting", "holdings", "ventures",
    "capital", "foundation", "hospital", "research", "house", "ministry", "department",
    "government", "ai", "media", "network", "networks", "services", "industries",
    "international", "global", "health", "the", "university", "institute", "council",
    "associates", "enterprises", "digital", "games", "interactive", "analytics", "cloud",
    "energy", "motors", "airlines", "pharma", "insurance", "bureau", "office", "center",
    "centre", "clinic", "school", "college", NULL};

static const char *const inst_words[] = {
    "university", "universität", "universitat", "université", "universidad", "universidade",
    "università", "universiteit", "college", "school", "institute", "institut", "instituto",
    "academy", "akademie", "hochschule", "fachhochschule", "polytechnic", "politecnico",
    "polytechnique", "école", "ecole", "escuela", "gymnasium", "lycée", "conservatory",
    "seminary", "eth", "epfl", "mit", "ucla", "tu", "kth", "iit", "uc", NULL};

static const char *const degree_words[] = {
    "phd", "ph.d", "ph.d.", "dphil", "doctor", "doctorate", "master", "master's", "masters",
    "bachelor", "bachelor's", "bachelors", "msc", "m.sc", "m.sc.", "ms", "m.s", "m.s.", "ma",
    "m.a", "m.a.", "mba", "bs", "b.s", "b.s.", "bsc", "b.sc", "b.sc.", "ba", "b.a", "b.a.",
    "beng", "b.eng", "b.eng.", "meng", "m.eng", "m.eng.", "btech", "b.tech", "mtech", "m.tech",
    "associate", "associate's", "diploma", "diplom", "dipl.", "abitur", "licence",
    "licenciatura", "licenciado", "magister", "ged", "jd", "j.d.", "juris", "md", "m.d.", "llb",
    "llm", "ll.b.", "ll.m.", "mphil", "bba", "bfa", "mfa", "mres", "staatsexamen", "grado",
    "máster", "doctorado", "ingeniero", "ingénieur", "high", "a-levels", "gcse", "certificate",
    "postgraduate", "undergraduate", "b.e.", "m.e.", "be", "me", "ed.d", "edd", NULL};

static bool word_in(const char *w, size_t n, const char *const *list) {
  for (int i = 0; list[i]; i++)
    if (strlen(list[i]) == n && strncasecmp(list[i], w, n) == 0) return true;
  return false;
}

/* Number of words of s found in list (words split at blanks and / & - , ( ) ). */
static int score_words(const char *s, size_t n, const char *const *list) {
  int score = 0;
  size_t i = 0;
  while (i < n) {
    while (i < n && strchr(" /&-,()|:", s[i])) i++;
    size_t b = i;
    while (i < n && !strchr(" /&-,()|:", s[i])) i++;
    size_t wl = i - b;
    while (wl && s[b + wl - 1] == '.' && !word_in(s + b, wl, list)) wl--;
    if (wl && word_in(s + b, wl, list)) score++;
    /* German feminine forms: "Designerin", "Entwicklerin", "Beraterin". */
    else if (list == title_words && wl > 5 && strncasecmp(s + b + wl - 2, "in", 2) == 0 &&
             word_in(s + b, wl - 2, list))
      score++;
  }
  return score;
}

static bool starts_with_degree(const char *s, size_t n) {
  size_t i = 0;
  while (i < n && s[i] != ' ' && s[i] != ',' && s[i] != '(') i++;
  if (word_in(s, i, degree_words)) return true;
  size_t wl = i;
  while (wl && (s[wl - 1] == '.' || s[wl - 1] == ':')) wl--;
  return wl && wl != i && word_in(s, wl, degree_words);
}

/* ---- line classification ------------------------------------------------ */

static bool filler_only(const char *s, size_t n) {
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

static void blank_span(char *s, size_t b, size_t e) {
  /* Three spaces at least, so that the cut acts as a cell gap. */
  for (size_t i = b; i < e; i++) s[i] = ' ';
  (void)s;
}

/* Date of a header line: a range anywhere, or a single date that fills a
 * cell or sits at the start/end of the line. */
static bool header_date(const cw__line *l, cw_date_range *r) {
  if (cw_dates_find(l->text, l->len, r) != 0) return false;
  if (r->is_range || r->expected) return true;
  for (int c = 0; c < l->ncells; c++) {
    if (r->begin >= l->cell_b[c] && r->end_off <= l->cell_e[c]) {
      const char *cb = l->text + l->cell_b[c];
      if (filler_only(cb, r->begin - l->cell_b[c]) ||
          filler_only(l->text + r->end_off, l->cell_e[c] - r->end_off))
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

static bool is_location(cw__doc *d, const char *s, size_t n);

/* The previous bullet was cut by the page width: it is one of the longest
 * lines and does not end a sentence, so this line goes on with it. */
static bool wrapped(const eline *prev, size_t maxlen) {
  const cw__line *pl = prev->l;
  if (!(pl->bullet || prev->cont) || !pl->len || maxlen < 40) return false;
  char last = pl->text[pl->len - 1];
  if (strchr(".!?;:)", last)) return false;
  return pl->len + (size_t)pl->indent >= maxlen * 3 / 4;
}

/* The rest of a wrapped bullet ("Fund", "divisions"), not a header: one or
 * two words, no comma, no title or organisation word, not a place. */
static bool short_tail(cw__doc *d, const eline *el) {
  const char *s = el->res;
  size_t n = el->res_len;
  cw__trim(&s, &n);
  if (!n || cw__word_count(s, n) > 2 || memchr(s, ',', n) || memchr(s, '|', n)) return false;
  if (score_words(s, n, title_words) || score_words(s, n, company_words) ||
      score_words(s, n, inst_words) || starts_with_degree(s, n))
    return false;
  return !is_location(d, s, n);
}

static void classify(cw__doc *d, eline *el, const eline *prev_desc, size_t maxlen) {
  const cw__line *l = el->l;
  el->kind = L_BLANK;
  if (!l->len) return;
  el->res = strndup(l->text, l->len);
  if (!el->res) return;
  el->res_len = l->len;
  for (int c = 0; c < l->ncells; c++)
    if (l->ncells > 1 &&
        cw__re_find(d->h, RE_DURATION, l->text + l->cell_b[c], l->cell_e[c] - l->cell_b[c], NULL,
                    NULL))
      blank_span(el->res, l->cell_b[c], l->cell_e[c]);
  cw_date_range r;
  if (l->bullet) {
    /* Layouts with a date column put the date on the first bullet's line. */
    if (l->ncells > 1 &&
        cw_dates_parse(el->res + l->cell_b[l->ncells - 1],
                       l->cell_e[l->ncells - 1] - l->cell_b[l->ncells - 1], &r) == 0) {
      r.begin += l->cell_b[l->ncells - 1];
      r.end_off += l->cell_b[l->ncells - 1];
      el->has_date = true;
    }
  } else if (header_date(l, &r)) {
    el->has_date = true;
  }
  if (el->has_date) {
    el->date = r;
    el->date_src = l->text;
    blank_span(el->res, r.begin, r.end_off);
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
      blank_span(el->res, r.end_off + db, r.end_off + de);
  }
  if (filler_only(el->res, el->res_len)) {
    el->kind = el->has_date ? L_DATE : L_BLANK;
    return;
  }
  /* A line that is only a duration ("2 years 10 months") carries nothing. */
  if (!l->bullet && cw__re_find(d->h, RE_DURATION, el->res, el->res_len, NULL, NULL)) {
    el->kind = el->has_date ? L_DATE : L_BLANK;
    return;
  }
  bool lower = islower((unsigned char)el->res[0]) ||
               (l->text[0] && islower((unsigned char)l->text[0]));
  if (l->bullet) {
    el->kind = L_DESC;
  } else if (prev_desc && !el->has_date &&
             (((l->indent > prev_desc->l->bullet_indent || lower) &&
               (prev_desc->l->bullet || prev_desc->cont || lower)) ||
              (wrapped(prev_desc, maxlen) && short_tail(d, el)))) {
    el->kind = L_DESC;
    el->cont = true;
  } else if (!el->has_date && is_paragraph(el->res, el->res_len)) {
    el->kind = L_DESC;
  } else {
    el->kind = L_HEADER;
  }
}

/* ---- grouping ------------------------------------------------------------ */

static bool is_location(cw__doc *d, const char *s, size_t n);

static group *new_group(group *g, int *ng, int maxg) {
  if (*ng == maxg) return NULL;
  group *cur = &g[(*ng)++];
  memset(cur, 0, sizeof *cur);
  cur->date_line = -1;
  cur->desc_from = -1;
  return cur;
}

/* A second date before any description: the header lines written after the
 * first date (other than a place) open the next entry ("Senior Engineer /
 * 2017 - 2020 / Fjord Bank / Developer / 2014 - 2017"). */
static void move_after_date(cw__doc *d, eline *el, group *from, group *to) {
  int keep = 0;
  for (int k = 0; k < from->nhdr; k++) {
    int li = from->hdr[k];
    bool after = li > from->date_line;
    if (after && !is_location(d, el[li].res, el[li].res_len)) to->hdr[to->nhdr++] = li;
    else from->hdr[keep++] = li;
  }
  from->nhdr = keep;
}

static int group_lines(cw__doc *d, eline *el, int n, group *g, int maxg) {
  int ng = 0;
  group *cur = NULL;
  for (int i = 0; i < n; i++) {
    eline *e = &el[i];
    if (e->kind == L_BLANK) continue;
    bool start = !cur, split = false;
    if (cur && e->kind == L_HEADER)
      start = cur->ndesc > 0 || (cur->date_line >= 0 && e->has_date) || cur->nhdr >= MAX_HDR;
    /* Place and dates written after the bullets (reading order of a
     * two-column layout) still belong to the entry above. */
    if (cur && start && e->kind == L_HEADER && cur->ndesc > 0 && cur->date_line < 0 &&
        cur->nhdr < MAX_HDR && is_location(d, e->res, e->res_len))
      start = false;
    if (cur && e->kind == L_DATE) start = cur->date_line >= 0;
    if (cur && e->kind == L_DESC) start = false;
    if (start && cur && e->has_date && cur->ndesc == 0 && cur->date_line >= 0 && cur->nhdr &&
        cur->hdr[0] < cur->date_line)
      split = true;
    if (start) {
      group *prev = cur;
      cur = new_group(g, &ng, maxg);
      if (!cur) break;
      if (split) move_after_date(d, el, prev, cur);
    }
    if (e->has_date && cur->date_line < 0) cur->date_line = i;
    if (e->kind == L_HEADER && cur->nhdr < MAX_HDR) cur->hdr[cur->nhdr++] = i;
    if (e->kind == L_DESC) {
      if (cur->desc_from < 0) cur->desc_from = i;
      cur->desc_to = i;
      cur->ndesc++;
    }
  }
  return ng;
}

/* ---- parts ---------------------------------------------------------------- */

/* "Santa Clara, CA" is a place; "Research Intern, NVIDIA Research" has the
 * same shape but carries title or organisation words. */
static bool is_location(cw__doc *d, const char *s, size_t n) {
  cw__trim(&s, &n);
  if (!n || cw__word_count(s, n) > 6) return false;
  if (score_words(s, n, title_words) || score_words(s, n, company_words) ||
      score_words(s, n, inst_words) || starts_with_degree(s, n))
    return false;
  return cw__re_find(d->h, RE_LOCATION, s, n, NULL, NULL);
}

static void add_part(cw__doc *d, part *p, int *np, const char *s, size_t n, int line, bool comma) {
  cw__trim(&s, &n);
  /* Drop a wrapping pair of brackets. */
  if (n >= 2 && s[0] == '(' && s[n - 1] == ')') s++, n -= 2;
  cw__trim(&s, &n);
  if (!n || *np >= MAX_PARTS || filler_only(s, n)) return;
  /* "PhD Princeton University": the degree and the school in one part. */
  size_t w = 0;
  while (w < n && s[w] != ' ') w++;
  if (w < n && starts_with_degree(s, w) && score_words(s + w, n - w, inst_words)) {
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
  x->loc = is_location(d, s, n);
  x->title = score_words(s, n, title_words);
  x->company = score_words(s, n, company_words);
  x->inst = score_words(s, n, inst_words);
  x->degree = starts_with_degree(s, n);
}

/* Length of a separator at s: " | ", " — ", " – ", " - ", " · ", " @ ", " at ". */
static size_t sep_at(const char *s, size_t n, bool work) {
  static const char *const seps[] = {" | ", " \xe2\x80\x94 ", " \xe2\x80\x93 ", " - ", " \xc2\xb7 ",
                                     " \xe2\x80\xa2 ", " @ ", " at ", " chez ", " bei ", NULL};
  /* "Title at Company" is a work idiom; "University of Texas at Austin" is not. */
  for (int i = 0; seps[i] && (work || i < 6); i++) {
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
  return word_in(s, n, sfx);
}

/* Splits s at a comma unless the comma is part of a location or company name. */
static void split_commas(cw__doc *d, part *p, int *np, const char *s, size_t n, int line) {
  cw__trim(&s, &n);
  if (is_location(d, s, n) || !memchr(s, ',', n)) {
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
  if (ns >= 3 && is_location(d, segs[ns - 2], (size_t)(segs[ns - 1] + lens[ns - 1] - segs[ns - 2]))) {
    lens[ns - 2] = (size_t)(segs[ns - 1] + lens[ns - 1] - segs[ns - 2]);
    ns--;
  }
  for (int i = 0; i < ns; i++) add_part(d, p, np, segs[i], lens[i], line, true);
}

static int parts_of(cw__doc *d, eline *el, const group *g, part *p, bool work) {
  int np = 0;
  for (int h = 0; h < g->nhdr; h++) {
    const eline *e = &el[g->hdr[h]];
    const char *s = e->res, *end = e->res + e->res_len, *q = s;
    int depth = 0;
    while (q < end) {
      if (*q == '(') depth++;
      if (*q == ')' && depth) depth--;
      size_t sl = depth ? 0 : sep_at(q, (size_t)(end - q), work);
      if (sl) {
        split_commas(d, p, &np, s, (size_t)(q - s), h);
        q += sl;
        s = q;
      } else {
        q++;
      }
    }
    split_commas(d, p, &np, s, (size_t)(end - s), h);
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
static int sc_company(const part *x) { return x->loc ? 0 : x->company; }
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
    if ((!company || x->line != company->line || x < company) &&
        (!title || x->line != title->line || x < title))
      continue;
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
static void set_dates(json_t *o, const eline *el, const group *g, bool single_is_end) {
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
static json_t *description(const eline *el, const group *g, const char *lead, size_t lead_n) {
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
    const eline *e = &el[i];
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

/* True when x is the only part on its header line ("Polar Systems"). */
static bool alone_on_line(const part *p, int np, const part *x) {
  for (int i = 0; x && i < np; i++)
    if (&p[i] != x && p[i].line == x->line) return false;
  return x != NULL;
}

static json_t *work_entry(cw__doc *d, eline *el, const group *g, const char *prev_company,
                          bool *company_alone) {
  part p[MAX_PARTS];
  int np = parts_of(d, el, g, p, true);
  if (!np) return NULL;
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
  json_object_set_new(o, "title", part_str(d, title, false));
  json_object_set_new(o, "location", part_str(d, loc, false));
  set_dates(o, el, g, false);
  char lead[512];
  size_t ln = leftovers(p, np, lead, sizeof lead);
  json_object_set_new(o, "description", description(el, g, lead, ln));
  double conf = 0.4 + (company ? 0.2 : 0) + (title ? 0.2 : 0) + (g->date_line >= 0 ? 0.15 : 0);
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
  if (w < n && word_in(s, w, degree_words)) {
    bool keep = false;
    for (size_t k = w; k < n; k++) {
      if (s[k] == '(') keep = true;
      if (s[k] == ' ' && k + 1 < n && starts_with_degree(s + k + 1, n - k - 1)) keep = true;
    }
    if (!keep) {
      set_degree(o, s, w, s + w, n - w);
      return;
    }
  }
  set_degree(o, s, n, NULL, 0);
}

static json_t *gpa_of(cw__doc *d, eline *el, const group *g) {
  for (int i = 0; i < g->nhdr + (g->desc_from >= 0 ? g->desc_to - g->desc_from + 1 : 0); i++) {
    eline *e = i < g->nhdr ? &el[g->hdr[i]] : &el[g->desc_from + i - g->nhdr];
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
    if (i < g->nhdr) blank_span(e->res, s, t);
    return v ? v : json_null();
  }
  return json_null();
}

static json_t *edu_entry(cw__doc *d, eline *el, const group *g) {
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

static json_t *project_role(const eline *el, const group *g) {
  for (int h = 0; h < g->nhdr; h++) {
    const eline *e = &el[g->hdr[h]];
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

static json_t *project_entry(cw__doc *d, eline *el, const group *g) {
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
    const eline *e = i < g->nhdr ? &el[g->hdr[i]] : &el[g->desc_from + i - g->nhdr];
    size_t b, en;
    if (e->res && cw__re_find(d->h, RE_URL, e->res, e->res_len, &b, &en))
      url = cw__str(e->res + b, en - b);
  }
  json_object_set_new(o, "url", url);
  set_dates(o, el, g, false);
  char lead[512];
  size_t ln = 0;
  for (int i = 0; i < np; i++) {
    if (p[i].used || p[i].n + 2 + ln >= sizeof lead) continue;
    const char *s;
    size_t n;
    core_of(&p[i], &s, &n); /* "(Aug 2016; roles: ...)" is not description */
    if (!n) continue;
    if (n >= 5 && strncasecmp(s, "role", 4) == 0) continue;
    if (ln) lead[ln++] = '\n';
    memcpy(lead + ln, s, n);
    ln += n;
  }
  json_object_set_new(o, "description", description(el, g, lead, ln));
  return o;
}

json_t *cw__entries(cw__doc *d, enum cw__sec kind, int from, int to) {
  int n = to - from;
  json_t *out = json_array();
  if (n <= 0) return out;
  eline *el = calloc((size_t)n, sizeof *el);
  group *g = calloc((size_t)n, sizeof *g);
  if (!el || !g) {
    free(el);
    free(g);
    return out;
  }
  const eline *prev_desc = NULL;
  size_t maxlen = 0;
  for (int i = 0; i < n; i++) {
    const cw__line *l = &d->lines[from + i];
    if (l->len + (size_t)l->indent > maxlen && l->ncells == 1) maxlen = l->len + (size_t)l->indent;
  }
  for (int i = 0; i < n; i++) {
    el[i].l = &d->lines[from + i];
    classify(d, &el[i], prev_desc, maxlen);
    if (el[i].kind == L_DESC) prev_desc = &el[i];
    else if (el[i].kind != L_BLANK) prev_desc = NULL;
  }
  int ng = group_lines(d, el, n, g, n);
  bool alone = false; /* the previous employer sat on a line of its own */
  for (int i = 0; i < ng; i++) {
    size_t have = json_array_size(out);
    const char *prev = have && alone ? json_string_value(json_object_get(json_array_get(out, have - 1), "company")) : NULL;
    json_t *e = kind == SEC_WORK ? work_entry(d, el, &g[i], prev, &alone)
              : kind == SEC_EDUCATION ? edu_entry(d, el, &g[i])
              : project_entry(d, el, &g[i]);
    if (e) json_array_append_new(out, e);
  }
  for (int i = 0; i < n; i++) free(el[i].res);
  free(el);
  free(g);
  return out;
}
