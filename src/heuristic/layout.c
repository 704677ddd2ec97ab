/* Line model of an entry section: each line is classified (header,
 * date-only, description), its date and durations are cut out, and lines
 * are grouped into entries by layout: an entry is a run of header lines
 * (with the date somewhere in them or right after) followed by description
 * lines. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "layout.h"
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
  if (cw__score_words(s, n, W_TITLE) || cw__score_words(s, n, W_COMPANY) ||
      cw__score_words(s, n, W_INST) || cw__starts_with_degree(s, n))
    return false;
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

static void classify(cw__doc *d, cw__eline *el, const cw__eline *prev_desc, size_t maxlen) {
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

/* ---- names cut by the column width ---------------------------------------- */

/* The header line's text without surrounding blanks; false when it holds
 * cells or a '|' (its pieces are separate fields, not one wrapped phrase). */
bool cw__plain_text(const cw__eline *e, const char **s, size_t *n) {
  *s = e->res;
  *n = e->res_len;
  if (!*s) return false;
  cw__trim(s, n);
  return *n && !memmem(*s, *n, "   ", 3) && !memchr(*s, '|', *n);
}

/* Characters (not bytes) of s. */
size_t cw__chars(const char *s, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++) c += ((unsigned char)s[i] & 0xC0) != 0x80;
  return c;
}

/* A short lower-case word inside a name: "Bank of Tokyo", "Lab and
 * Studio", "Maison de la Radio". */
static bool connector(const char *s, size_t n) {
  size_t w = 0;
  while (w < n && s[w] != ' ') w++;
  return w <= 3;
}

/* Every word of s is an organisation or school word ("University",
 * "Institute"): a line that cannot name anything alone. */
static bool only_org_words(const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    while (i < n && s[i] == ' ') i++;
    size_t b = i;
    while (i < n && s[i] != ' ') i++;
    if (i > b && !cw__word_in(s + b, i - b, W_COMPANY) && !cw__word_in(s + b, i - b, W_INST)) return false;
  }
  return n > 0;
}

/* "Role, Northern Rivers" / "Trust": the organisation's last word did
 * not fit the column.  b is a short capitalised tail with no role word, and
 * a with b's first word would have been as wide as the widest lines, or a
 * stops on a comma, or b is only an organisation word ("University"). */
static bool org_cut(const char *a, size_t an, bool comma, const char *b, size_t bn, size_t width) {
  size_t w = 0;
  while (w < bn && b[w] != ' ') w++;
  if (!isupper((unsigned char)b[0]) || cw__word_count(b, bn) > 3 || memchr(b, ',', bn) ||
      cw__score_words(b, bn, W_TITLE) || cw__starts_with_degree(b, bn))
    return false;
  if (!comma && !only_org_words(b, bn) && (cw__chars(a, an) + 1 + cw__chars(b, w)) * 100 < width * 85)
    return false;
  /* a's last piece (after its last comma) is capitalised words, no role */
  size_t k = an;
  while (k > 0 && a[k - 1] != ',') k--;
  const char *t = a + k;
  size_t tn = an - k;
  cw__trim(&t, &tn);
  if (!tn || cw__score_words(t, tn, W_TITLE) || strchr(".;:)", a[an - 1])) return false;
  for (size_t i = 0; i < tn; i++)
    if ((i == 0 || t[i - 1] == ' ') && !isupper((unsigned char)t[i]) && (i == 0 || !connector(t + i, tn - i)))
      return false;
  return true;
}

/* Joins a name cut by its column ("Research Assistant, Memory Lab," /
 * "Riverside University") into the lower line, which stays next to the
 * lines below it (the dates); the upper line becomes blank. */
static void join_cut_names(cw__doc *d, cw__eline *el, int n, size_t width) {
  int run = 0, last = -2; /* lines joined into the name so far, the last join */
  for (int i = 0; i + 1 < n; i++) {
    cw__eline *x = &el[i], *y = &el[i + 1];
    const char *a, *b;
    size_t an, bn;
    if (x->kind != L_HEADER || y->kind != L_HEADER || x->has_date || y->has_date ||
        !cw__plain_text(x, &a, &an) || !cw__plain_text(y, &b, &bn) || cw__is_location(d, a, an))
      continue;
    /* (the trim took the comma off: it is still in the line) */
    bool comma = a + an < x->res + x->res_len && a[an] == ',';
    if (!org_cut(a, an, comma, b, bn, width)) continue;
    /* A column cuts a name over a few lines, not a page of them: each join
     * copies the name so far, and keeps the copy it replaces (thousands of
     * "University" lines cost gigabytes). */
    run = i == last + 1 ? run + 1 : 1;
    if (run > MAX_HDR) continue;
    last = i;
    an += comma;
    char *j = malloc(an + 1 + bn + 32);
    if (!j) return;
    memcpy(j, a, an);
    j[an] = ' ';
    memcpy(j + an + 1, b, bn);
    memset(j + an + 1 + bn, 0, 32);
    free(y->res);
    y->res = j;
    y->res_len = an + 1 + bn;
    cw__blank_span(x->res, 0, x->res_len);
    x->kind = L_BLANK;
  }
}

/* ---- grouping ------------------------------------------------------------ */

cw__group *cw__group_init(cw__group *g) {
  memset(g, 0, sizeof *g);
  g->date_line = -1;
  g->desc_from = -1;
  return g;
}

static cw__group *new_group(cw__group *g, int *ng, int maxg) {
  if (*ng == maxg) return NULL;
  return cw__group_init(&g[(*ng)++]);
}

/* A second date before any description: the header lines written after the
 * first date (other than a place) open the next entry ("Senior Engineer /
 * 2017 - 2020 / Fjord Bank / Developer / 2014 - 2017"). */
static void move_after_date(cw__doc *d, cw__eline *el, cw__group *from, cw__group *to) {
  int keep = 0;
  for (int k = 0; k < from->nhdr; k++) {
    int li = from->hdr[k];
    bool after = li > from->date_line;
    if (after && !cw__is_location(d, el[li].res, el[li].res_len)) to->hdr[to->nhdr++] = li;
    else from->hdr[keep++] = li;
  }
  from->nhdr = keep;
}

static int names_on(const cw__eline *e);

/* Lower-case words of three letters or more that do not join the words of
 * a name ("of", "and", "for", "the", "with"...): "Made coffee for the
 * morning rush" has three, "Head of Research and Development" none. */
static int prose_words(const char *s, size_t n) {
  static const char *const joins[] = {"and", "for", "the", "with", "und", "der", "die", "das", "des", "del",
                                      "dos", "las", "los", "von", "van", "für", "pour", "con", "per", NULL};
  int c = 0;
  for (size_t i = 0; i < n;) {
    while (i < n && strchr(" ,;()/", s[i])) i++;
    size_t b = i;
    while (i < n && !strchr(" ,;()/", s[i])) i++;
    size_t m = i - b;
    if (m < 3 || !islower((unsigned char)s[b]) || b == 0) continue;
    bool join = false;
    for (int k = 0; joins[k] && !join; k++) join = strlen(joins[k]) == m && memcmp(joins[k], s + b, m) == 0;
    c += !join;
  }
  return c;
}

static bool first_word_names(const char *s, size_t n) {
  size_t m = 0;
  while (m < n && !strchr(" ,;()/", s[m])) m++;
  return cw__score_words(s, m, W_TITLE) || cw__score_words(s, m, W_COMPANY) || cw__score_words(s, m, W_INST);
}

/* "Handled the register and trained new staff": a short sentence without
 * a full stop still has several lower-case words after a capitalised first
 * word that is no role or organisation word ("doradca do spraw Funduszy
 * praw", "Manager of store operations and logistics" are roles; cells side
 * by side are names, one a cell).  Two such words after a verb in the past
 * ("Picked and packed orders") when no role word is on the line
 * ("Licensed practical nurse"). */
static bool short_sentence(const cw__eline *e) {
  const char *s = e->res;
  size_t n = e->res_len;
  cw__trim(&s, &n);
  if (!n || e->has_date || e->l->ncells > 1 || !isupper((unsigned char)s[0]) || first_word_names(s, n))
    return false;
  /* "Związek Spółdzielni Mleczarskich, samodzielny specjalista do spraw": a
   * capitalised name, a comma and a lower-case role */
  const char *comma = memchr(s, ',', n);
  if (comma && !prose_words(s, (size_t)(comma - s)) && cw__score_words(s, n, W_TITLE)) return false;
  int pw = prose_words(s, n);
  if (pw >= 3) return true;
  size_t m = 0;
  while (m < n && isalpha((unsigned char)s[m])) m++;
  return pw == 2 && m >= 5 && memcmp(s + m - 2, "ed", 2) == 0 && !cw__score_words(s, n, W_TITLE);
}

/* "Maker, Quillwork" / dates / "Started Quillwork - a suite of tools that help
 * ...": once the lines above the date named both role and organisation, a
 * sentence under the date begins the description. */
static bool sentence_after_names(const cw__eline *el, const cw__group *cur, const cw__eline *e,
                                 const cw__eline *next) {
  if (cur->date_line < 0 || cur->ndesc || e->has_date || e->kind != L_HEADER) return false;
  int names = 0;
  for (int k = 0; k < cur->nhdr; k++)
    if (cur->hdr[k] <= cur->date_line) names += names_on(&el[cur->hdr[k]]);
  if (names < 2) return false;
  const char *s = e->res;
  size_t n = e->res_len;
  cw__trim(&s, &n);
  /* (a long "Title, Organisation" line is the next entry's names) */
  int w = cw__word_count(s, n);
  if (n && (w > 12 || s[n - 1] == '.' || (w > 8 && names_on(e) < 2))) return true;
  if (short_sentence(e)) return true;
  /* "Designed the site and docs of Acme – an" / "online booking tool
   * for developers.": ends on a lower-case word and goes on in lower case */
  size_t k = n;
  while (k > 0 && s[k - 1] != ' ') k--;
  /* (a name cut by the column goes on in lower case too: "Regional
   * Institute, specjalista do" / "spraw rynku pracy   2006 - 2012") */
  return w >= 6 && k < n && islower((unsigned char)s[k]) && next && next->l->len &&
         islower((unsigned char)next->l->text[0]) && !first_word_names(s, n);
}

static int before_date(const cw__group *g) {
  int k = 0;
  while (k < g->nhdr && g->hdr[k] < g->date_line) k++;
  return k;
}

/* "Organisation / dates / Role" repeated without descriptions: each entry
 * had m lines above its date (the first entry shows m) and t below it (the
 * last entry shows t).  When every pair of dates has m + t lines between
 * them, the first t belong to the entry above, not to the next one. */
static void follow_template(cw__group *g, int ng) {
  if (ng < 2 || g[0].date_line < 0 || g[ng - 1].date_line < 0) return;
  int m = before_date(&g[0]), t = g[ng - 1].nhdr - before_date(&g[ng - 1]);
  if (!m || !t || g[0].nhdr != m || m + t > MAX_HDR) return;
  for (int i = 1; i < ng; i++) {
    if (g[i].date_line < 0 || g[i - 1].ndesc || before_date(&g[i]) != m + t) return;
    if (i < ng - 1 && g[i].nhdr != m + t) return;
  }
  for (int i = 1; i < ng; i++) {
    for (int k = 0; k < t; k++) g[i - 1].hdr[g[i - 1].nhdr++] = g[i].hdr[k];
    memmove(g[i].hdr, g[i].hdr + t, (size_t)(g[i].nhdr - t) * sizeof *g[i].hdr);
    g[i].nhdr -= t;
  }
}

/* "Acme, Engineer   2019 - 2021" / "Globex, Analyst" / "2016 - 2019": after
 * an entry whose dated line holds both its names, a line of two names right
 * above a line of dates only is the next entry, not more of this one. */
static bool names_over_date(const cw__eline *el, int n, const cw__group *cur, int i) {
  if (cur->date_line < 0 || cur->ndesc || el[i].has_date || !cur->nhdr ||
      cur->hdr[cur->nhdr - 1] != cur->date_line || names_on(&el[cur->date_line]) < 2 ||
      names_on(&el[i]) < 2)
    return false;
  return i + 1 < n && el[i + 1].kind == L_DATE;
}

static int group_lines(cw__doc *d, cw__eline *el, int n, cw__group *g, int maxg) {
  int ng = 0;
  cw__group *cur = NULL;
  for (int i = 0; i < n; i++) {
    cw__eline *e = &el[i];
    if (e->kind == L_BLANK) continue;
    if (cur && sentence_after_names(el, cur, e, i + 1 < n ? &el[i + 1] : NULL)) e->kind = L_DESC;
    /* (and among the description lines: "Run the line on busy weekend
     * services" after the first bullet) */
    if (cur && cur->ndesc && e->kind == L_HEADER && short_sentence(e)) e->kind = L_DESC;
    bool start = !cur, split = false;
    if (cur && e->kind == L_HEADER)
      start = cur->ndesc > 0 || (cur->date_line >= 0 && e->has_date) || cur->nhdr >= MAX_HDR ||
              names_over_date(el, n, cur, i);
    /* Place and dates written after the bullets (reading order of a
     * two-column layout) still belong to the entry above. */
    if (cur && start && e->kind == L_HEADER && cur->ndesc > 0 && cur->date_line < 0 &&
        cur->nhdr < MAX_HDR && cw__is_location(d, e->res, e->res_len))
      start = false;
    if (cur && e->kind == L_DATE) start = cur->date_line >= 0;
    if (cur && e->kind == L_DESC) start = false;
    if (start && cur && e->has_date && cur->ndesc == 0 && cur->date_line >= 0 && cur->nhdr &&
        cur->hdr[0] < cur->date_line)
      split = true;
    if (start) {
      cw__group *prev = cur;
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
  follow_template(g, ng);
  return ng;
}

/* ---- the lists that labels inside an entry open ---------------------------- */

/* A label inside an entry that introduces its list ("Highlights", "Key
 * achievements:", "Aufgaben"): an undated line of these words.  (An
 * education entry's "Courses" list is the education parser's: it knows
 * where an undated school follows it.) */
static bool part_label(const cw__eline *el, int i) {
  const cw__eline *e = &el[i];
  if (e->has_date || !e->res || e->l->bullet) return false;
  const char *s = e->res;
  size_t m = e->res_len;
  cw__trim(&s, &m);
  return m && m <= 40 && cw__entry_label(s, m);
}

/* A single date with words after it ("September 2001 Issue"). */
static bool date_in_words(const cw__eline *e) {
  return e->has_date && !e->date.is_range && e->date_src == e->l->text &&
         !cw__filler_only(e->l->text + e->date.end_off, e->l->len - e->date.end_off);
}

/* Line b lies in the list a part label opened above it (down from the
 * previous entry, lo): a highlight of that entry, not a name of the next
 * one ("Highlights" / "Cut costs by 40%" / ... / Organisation / dates). */
static bool under_part_label(const cw__eline *el, int b, int lo) {
  /* an entry's list is short: look no further up than a page of lines */
  for (int j = b; j > lo && j >= 0 && b - j < 80; j--) {
    if (el[j].has_date && !date_in_words(&el[j])) return false;
    if (part_label(el, j)) return true;
  }
  return false;
}

/* "September 2001 Issue" in the list a part label opened ("Highlights"):
 * a single date with words after it is part of a highlight, not the
 * dates of another entry. */
static bool listed_date(const cw__eline *el, int i) {
  return date_in_words(&el[i]) && i > 0 && under_part_label(el, i - 1, -1);
}

/* ---- grouping around date anchors (sections without bullet markers) ------ */

static bool is_link_only(cw__doc *d, const cw__eline *e) {
  const char *s = e->res;
  size_t n = e->res_len, b, en;
  cw__trim(&s, &n);
  if (n >= 2 && s[0] == '(' && s[n - 1] == ')') s++, n -= 2; /* "(https://acme.example)" */
  return n && cw__re_find(d->h, RE_URL, s, n, &b, &en) && b == 0 && en == n;
}

static int names_on(const cw__eline *e);

/* Most words capitalised, as names are ("Memory Lab, Riverside University
 * and Coastal Lab"), unlike a sentence ("Contributed to the development
 * of the app"). */
static bool title_cased(const char *s, size_t n) {
  int words = 0, lower = 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && (i == 0 || s[i - 1] == ' ')) {
      words++;
      lower += islower((unsigned char)s[i]) != 0;
    }
  return lower * 3 <= words;
}

/* Could name an organisation or a role: short, not a sentence, not a link. */
/* lower: a lower-case start is allowed (the line touches the anchor:
 * "kierownik działu" / dates; elsewhere it is a sentence going on). */
static bool name_like(cw__doc *d, const cw__eline *e, bool lower) {
  if (e->kind != L_HEADER) return false;
  const char *s = e->res;
  size_t n = e->res_len;
  cw__trim(&s, &n);
  int words = cw__word_count(s, n);
  /* long names are organisations ("Tidal Memory Lab, Riverside University
   * and Harbour Lab, Eastbrook University"), not roles or sentences */
  bool org = words <= 14 && !cw__score_words(s, n, W_TITLE) &&
             (cw__score_words(s, n, W_COMPANY) || cw__score_words(s, n, W_INST)) && title_cased(s, n);
  /* "Assistant Professor, State University of Westland at Pine Hill":
   * a role and an organisation, each short, make a long line */
  bool pair = words <= 16 && names_on(e) == 2 && cw__score_words(s, n, W_TITLE) && s[n - 1] != '.';
  if (!n || (words > 9 && !org && !pair) || (!lower && islower((unsigned char)s[0]))) return false;
  /* "40%+ Mobile Traffic", "$6.5 Million saved", "181K+ hours": figures */
  size_t w = 0;
  while (w < n && s[w] != ' ') w++;
  if (memchr(s, '$', w) || memchr(s, '%', w) || (isdigit((unsigned char)s[0]) && memchr(s, '+', w)))
    return false;
  if (s[n - 1] == '.' && !cw__score_words(s, n, W_COMPANY)) return false;
  return !is_link_only(d, e);
}

/* How many names (organisation, role) the anchor line carries besides its
 * date: 0, 1, or 2 when it is split by a separator or wide gap. */
/* "Practice Lead (Collaboration, Portal, NET)": commas in brackets do not
 * separate names. */
static bool comma_outside_brackets(const char *s, size_t n) {
  int depth = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '(') depth++;
    else if (s[i] == ')' && depth) depth--;
    else if (s[i] == ',' && !depth) return true;
  }
  return false;
}

/* "Memory Lab, Riverside University", "Acme GmbH, Hamburg": an
 * organisation with its parent or its place is one name; only commas
 * and no role word.  A piece in lower case after the comma is no parent
 * and no place but a role the word lists do not know ("Acme Sp. z o.o.,
 * kierownik zmiany"). */
static bool org_and_more(const char *s, size_t n) {
  const char *c = memchr(s, ',', n);
  size_t fn = c ? (size_t)(c - s) : n;
  if (c) {
    const char *r = c + 1;
    while (r < s + n && *r == ' ') r++;
    if (r < s + n && islower((unsigned char)*r)) return false;
  }
  if (cw__score_words(s, n, W_TITLE) || memchr(s, '|', n) || memmem(s, n, "   ", 3) ||
      memmem(s, n, " - ", 3) || memmem(s, n, " \xe2\x80\x93 ", 5) || memmem(s, n, " \xe2\x80\x94 ", 5) ||
      memmem(s, n, " at ", 4) || memmem(s, n, " @ ", 3))
    return false;
  return cw__score_words(s, fn, W_COMPANY) || cw__score_words(s, fn, W_INST);
}

/* "Designer, Illustrator": every piece between commas has a role word and
 * no organisation word, the roles held at one place. */
static bool roles_only(const char *s, size_t n) {
  size_t b = 0;
  int depth = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i < n && s[i] == '(') depth++;
    if (i < n && s[i] == ')' && depth) depth--;
    if (i < n && (s[i] != ',' || depth)) continue;
    if (!cw__score_words(s + b, i - b, W_TITLE) || cw__score_words(s + b, i - b, W_COMPANY) ||
        cw__score_words(s + b, i - b, W_INST))
      return false;
    b = i + 1;
  }
  return true;
}

/* " at " separates a role from an organisation, but not inside a
 * school's name ("State University of Westland at Pine Hill"): the
 * piece before it, from the last comma, has a school word and no role. */
static bool at_splits(const char *s, size_t n) {
  for (const char *t = s; (t = memmem(t, n - (size_t)(t - s), " at ", 4)) != NULL; t += 4) {
    const char *b = t;
    while (b > s && b[-1] != ',') b--;
    size_t m = (size_t)(t - b);
    if (cw__score_words(b, m, W_TITLE) || !cw__score_words(b, m, W_INST)) return true;
  }
  return false;
}

/* dash_one: a dash does not separate names here ("Solution Architect -
 * Digital Commerce"), the section's other entries having one name a line. */
/* "2011" left of a date the parser did not read as a range ("2012 -
 * 2011"): figures name nothing. */
static bool has_letter(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (isalpha((unsigned char)s[i]) || (unsigned char)s[i] >= 0xC0) return true;
  return false;
}

static int names_in(const cw__eline *e, bool dash_one) {
  const char *s = e->res;
  size_t n = e->res_len;
  cw__trim(&s, &n);
  if (!n || cw__filler_only(s, n) || !has_letter(s, n)) return 0;
  int w = cw__word_count(s, n);
  if (w > 12) return 2; /* a long line with its date: treat as complete */
  if (comma_outside_brackets(s, n) && !org_and_more(s, n) && !roles_only(s, n)) return 2;
  if (memchr(s, '|', n) || memmem(s, n, "   ", 3) || at_splits(s, n) || memmem(s, n, " @ ", 3))
    return 2;
  if (!dash_one && (memmem(s, n, " \xe2\x80\x93 ", 5) || memmem(s, n, " \xe2\x80\x94 ", 5) ||
                    memmem(s, n, " - ", 3)))
    return 2;
  return 1;
}

static int names_on(const cw__eline *e) { return names_in(e, false); }


/* "Data Fellow   2024 - Present   Built and maintained pipelines
 * to": in a row of cells with names before the date, a cell right of the
 * date that is not a place begins the description (a third column). */
static void cut_tail(cw__doc *d, cw__eline *e) {
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

/* "Open Location Hackathon 2014.": a single date closing a sentence is part
 * of the description, not an entry's dates. */
static bool sentence_year(const cw__eline *e) {
  const cw__line *l = e->l;
  return !e->date.is_range && l->len && l->text[l->len - 1] == '.' && e->date_src == l->text &&
         e->date.end_off + 1 >= l->len;
}

/* Blanks the cells of a header line that hold only a link ("Maker   2019 -
 * Present   https://acme.example"): a link names no organisation or role. */
static void blank_links(cw__doc *d, cw__eline *e) {
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

/* Every dated line is an entry's anchor; its names are the line itself and
 * the nearest short lines around it (before first, then after), as many as
 * it lacks of an organisation and a role.  The other lines up to the next
 * entry's first line are its description.  Used where bullets do not mark
 * the description, so that "Organisation / Role / dates / paragraph" reads
 * the same whichever order the theme prints them in. */
/* Line b stands alone between blank lines (or the section's ends):
 * "Acme Corp" over its role's row, not the last line of a paragraph. */
static bool alone_in_block(const cw__eline *el, int n, int b) {
  return (b == 0 || el[b - 1].kind == L_BLANK) && (b + 1 == n || el[b + 1].kind == L_BLANK);
}

/* A short line alone in its block ("specjalista do spraw marketingu"
 * between blank lines): a role in lower case, not the rest of a sentence,
 * which would sit in the sentence's block. */
static bool short_alone(const cw__eline *el, int n, int b) {
  const char *s = el[b].res;
  size_t m = el[b].res_len;
  cw__trim(&s, &m);
  return m && s[m - 1] != '.' && cw__word_count(s, m) <= 7 && alone_in_block(el, n, b);
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
static int cell_goes_on(const cw__eline *el, int a, int next_a, bool back_first) {
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

/* Most entries took a name from above their dates and some none: the
 * section's template puts the names above. */
static bool names_above(const cw__group *g, int ng) {
  int up = 0, down = 0;
  for (int k = 0; k < ng; k++) {
    bool u = false, dn = false;
    for (int x = 0; x < g[k].nhdr; x++) {
      u |= g[k].hdr[x] < g[k].date_line;
      dn |= g[k].hdr[x] > g[k].date_line;
    }
    up += u && !dn;
    down += dn && !u;
  }
  return down && up >= 2 && up > down;
}

/* The names a line gives an entry: none when it is a place ("Dublin,
 * Ireland" above the dates names neither organisation nor role). */
static int names_beside_place(cw__doc *d, const cw__eline *e, bool dash_one) {
  return cw__is_location(d, e->res, e->res_len) ? 0 : names_in(e, dash_one);
}

/* Line i begins a paragraph: eight words or more, and the next line of its
 * block goes on in lower case for four words or more ("Build a view of the
 * architecture for" / "solutions that link domains to ...").  A name that
 * wraps goes on with a capital or a word or two. */
static bool prose_start(const cw__eline *el, int n, int i) {
  if (i + 1 >= n || el[i + 1].kind == L_BLANK || !el[i + 1].res) return false;
  const char *s = el[i].res, *t = el[i + 1].res;
  size_t sn = el[i].res_len, tn = el[i + 1].res_len;
  cw__trim(&s, &sn);
  cw__trim(&t, &tn);
  return tn && islower((unsigned char)t[0]) && cw__word_count(s, sn) >= 8 && cw__word_count(t, tn) >= 4;
}

/* Picks each anchor's name lines into g (one group per anchor); owner[i]
 * becomes -2 for the lines taken. */
static int pick_names(cw__doc *d, cw__eline *el, int n, const int *anchor, int na, int *owner, cw__group *g,
                      int maxg, int want, bool dash_one, bool back_first) {
  for (int i = 0; i < n; i++) {
    owner[i] = -1;
    el[i].wrap = 0;
  }
  int ng = 0;
  bool roles_below = false; /* an entry took a name below its block */
  int prev_end = -1; /* last line owned by the previous entry's header */
  /* the previous entry found a name below its dated block, across a blank
   * line ("Organisation / dates" then "Role"): lines above the next block
   * that a part label opened are that entry's list, not names */
  bool below = false, took_below = false;
  for (int k = 0; k < na && ng < maxg; k++) {
    below = took_below;
    took_below = false;
    int a = anchor[k];
    int next_a = k + 1 < na ? anchor[k + 1] : n;
    cw__group *cur = cw__group_init(&g[ng++]);
    cur->date_line = a;
    int have = names_in(&el[a], dash_one);
    int hdr[MAX_HDR], nh = 0;
    if (have) hdr[nh++] = a;
    owner[a] = -2;
    /* Name lines: first those of the anchor's own block (no blank line in
     * between), before it then after it; then across blank lines.  Never
     * past the previous entry's names or the next anchor. */
    int b = a - 1, after = a + 1;
    for (int pass = 0; pass < 2; pass++) {
      bool cross = pass == 1;
      /* a description begun on the dated row goes on in the lines below it */
      bool back_open = true, fwd_open = el[a].tail_e == 0;
      for (int steps = 0; have < want && nh < MAX_HDR - 1 && steps < 6 && (back_open || fwd_open); steps++) {
        if (back_open) {
          while (b > prev_end && ((cross && el[b].kind == L_BLANK) || is_link_only(d, &el[b]))) b--;
          /* lower case in the anchor's own block ("kierownik wydziału" /
           * "Urząd Miasta" / dates): a role, not a sentence going on;
           * unless the section prints roles below the dated block (an
           * entry above took one across a blank line): then it is that
           * entry's role the block's first line runs into */
          bool touch = !cross && (b == a - 1 || (owner[b + 1] == -2 && !roles_below));
          if (b > prev_end && owner[b] == -1 && name_like(d, &el[b], touch || short_alone(el, n, b)) &&
              (!back_first || !cross || alone_in_block(el, n, b)) &&
              !(cross && below && under_part_label(el, b, prev_end))) {
            hdr[nh++] = b;
            owner[b] = -2;
            have += names_beside_place(d, &el[b], dash_one);
            b--;
            continue;
          }
          back_open = false;
        }
        if (!cross && after == a + 1 && after < next_a) {
          int w = cell_goes_on(el, a, next_a, back_first);
          for (; after < a + 1 + w; after++) owner[after] = -2;
          if (w) el[a].wrap = after;
        }
        if (fwd_open && have < want && !(back_first && !cross)) {
          while (after < next_a && ((cross && el[after].kind == L_BLANK) || is_link_only(d, &el[after])))
            after++;
          if (after < next_a && name_like(d, &el[after], (!cross && after == a + 1) || short_alone(el, n, after)) &&
              !el[after].has_date && !prose_start(el, n, after) && !short_sentence(&el[after])) {
            hdr[nh++] = after;
            owner[after] = -2;
            have += names_beside_place(d, &el[after], dash_one);
            roles_below |= cross;
            took_below |= cross;
            after++;
            continue;
          }
          fwd_open = false;
        }
      }
    }
    /* a place printed on a line of its own next to the names */
    while (after < next_a && el[after].kind == L_BLANK) after++;
    if (after < next_a && nh < MAX_HDR && owner[after] == -1 && el[after].kind == L_HEADER &&
        cw__is_location(d, el[after].res, el[after].res_len)) {
      hdr[nh++] = after;
      owner[after] = -2;
    }
    while (b > prev_end && el[b].kind == L_BLANK) b--;
    if (b > prev_end && nh < MAX_HDR && owner[b] == -1 && el[b].kind == L_HEADER &&
        cw__is_location(d, el[b].res, el[b].res_len)) {
      hdr[nh++] = b;
      owner[b] = -2;
    }
    /* keep the header lines in text order */
    for (int x = 1; x < nh; x++)
      for (int y = x; y > 0 && hdr[y] < hdr[y - 1]; y--) {
        int t = hdr[y];
        hdr[y] = hdr[y - 1];
        hdr[y - 1] = t;
      }
    memcpy(cur->hdr, hdr, (size_t)nh * sizeof *hdr);
    cur->nhdr = nh;
    int last = a;
    for (int x = 0; x < nh; x++)
      if (hdr[x] > last) last = hdr[x];
    prev_end = last;
  }
  return ng;
}

/* How the section writes its names: entries with one name a line (each
 * name line holding one), and entries whose two names share a line only
 * by a dash. */
static bool dash_inside_names(const cw__eline *el, const cw__group *g, int ng) {
  int apart = 0, dashed = 0, together = 0;
  for (int k = 0; k < ng; k++) {
    int ones = 0, dash = 0, two = 0;
    for (int x = 0; x < g[k].nhdr; x++) {
      const cw__eline *e = &el[g[k].hdr[x]];
      int strict = names_in(e, false), loose = names_in(e, true);
      ones += strict == 1;
      dash += strict == 2 && loose == 1;
      two += loose == 2;
    }
    apart += ones >= 2 && !dash && !two;
    dashed += dash > 0;
    together += two > 0;
  }
  return dashed && apart >= 2 && apart > together;
}

static int group_by_anchors(cw__doc *d, cw__eline *el, int n, cw__group *g, int maxg, int want) {
  int na = 0;
  int *anchor = malloc((size_t)n * sizeof *anchor);
  int *owner = malloc((size_t)n * sizeof *owner); /* -1 free, -2 header, k: anchor k */
  if (!anchor || !owner) {
    free(anchor);
    free(owner);
    return -1;
  }
  for (int i = 0; i < n; i++)
    if (el[i].has_date && (el[i].kind == L_HEADER || el[i].kind == L_DATE) && !sentence_year(&el[i]) &&
        !listed_date(el, i)) {
      anchor[na++] = i;
      blank_links(d, &el[i]);
      cut_tail(d, &el[i]);
    }
  int ng = pick_names(d, el, n, anchor, na, owner, g, maxg, want, false, false);
  /* the section's other entries print one name a line: so does this one */
  bool dash_one = dash_inside_names(el, g, ng);
  if (dash_one) ng = pick_names(d, el, n, anchor, na, owner, g, maxg, want, true, false);
  /* most entries take a name from above the dates: all of them do */
  if (names_above(g, ng)) ng = pick_names(d, el, n, anchor, na, owner, g, maxg, want, dash_one, true);
  /* Description: the free lines after an entry's last header line and before
   * the next entry's first one. */
  for (int k = 0; k < ng; k++) {
    cw__group *cur = &g[k];
    int start = cur->date_line;
    for (int x = 0; x < cur->nhdr; x++)
      if (cur->hdr[x] > start) start = cur->hdr[x];
    int stop = n;
    if (k + 1 < ng) {
      stop = g[k + 1].date_line;
      for (int x = 0; x < g[k + 1].nhdr; x++)
        if (g[k + 1].hdr[x] < stop) stop = g[k + 1].hdr[x];
    }
    for (int i = start + 1; i < stop; i++) {
      if (owner[i] != -1 || el[i].kind == L_BLANK) continue;
      if (el[i].kind == L_HEADER) el[i].kind = L_DESC;
      if (el[i].kind != L_DESC) continue;
      if (cur->desc_from < 0) cur->desc_from = i;
      cur->desc_to = i;
      cur->ndesc++;
    }
  }
  free(anchor);
  free(owner);
  return ng;
}

/* Bullet markers tell the description from the names; without them the
 * dates are the only reliable landmarks. */
static bool needs_anchors(cw__doc *d, const cw__eline *el, int n) {
  int bullets = 0, dated = 0, text = 0, prose = 0;
  for (int i = 0; i < n; i++) {
    if (el[i].kind == L_BLANK) continue;
    text++;
    if (el[i].l->bullet) bullets++;
    if (el[i].has_date) dated++;
    else if (el[i].kind == L_HEADER && !el[i].l->bullet && !name_like(d, &el[i], false)) prose++;
  }
  if (!dated) return false;
  /* With bullets, only when unmarked prose lines sit among the names too. */
  return bullets ? prose >= 2 * dated : text > 3 * dated;
}

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

/* "Role, Acme" / "June 2016 - June 2018" / description / "June 2016 -
 * June 2018": a side cell repeats the entry's range after its description.
 * A dates-only line that repeats the range of the dated line above it,
 * with no name between them (only description), is that entry's again:
 * it is dropped, else it would date (and take the names of) the next
 * entry.  A second role with the same dates has its names in between. */
static void drop_repeated_ranges(cw__doc *d, cw__eline *el, int n) {
  int p = -1; /* the last dated line */
  bool names = false; /* a name line since p */
  for (int i = 0; i < n; i++) {
    cw__eline *e = &el[i];
    if (e->kind == L_BLANK) continue;
    /* (a single date inside words, "Won the 2014 award.", dates no entry) */
    if (!e->has_date || (e->kind == L_HEADER && !e->date.is_range)) {
      names |= e->kind == L_HEADER && !e->l->bullet && name_like(d, e, false);
      continue;
    }
    const cw_date_range *r = &e->date, *q = p >= 0 ? &el[p].date : NULL;
    if (q && !names && e->kind == L_DATE && r->is_range && q->is_range && r->is_current == q->is_current &&
        !strcmp(r->start, q->start) && !strcmp(r->end, q->end) && r->start[0]) {
      e->kind = L_BLANK;
      e->has_date = false;
      continue;
    }
    p = i;
    names = false;
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
    classify(d, &el[i], prev_desc, maxlen);
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
    join_cut_names(d, el, n, width);
  }
  *elp = el;
  *gp = g;
  if (anchor_names && needs_anchors(d, el, n)) {
    int ng = group_by_anchors(d, el, n, g, n, anchor_names);
    if (ng >= 0) return ng;
  }
  return group_lines(d, el, n, g, n);
}

void cw__layout_free(cw__eline *el, int n, cw__group *g) {
  for (int i = 0; el && i < n; i++) {
    free(el[i].res);
    free(el[i].joined);
  }
  free(el);
  free(g);
}
