/* Entries of an education section: its lines regrouped around its dates
 * (one per entry), open-ended dates ("- Present") read as dates, and a
 * second school without a date split off into an entry of its own. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "edugroups.h"
#include "words.h"

/* "M.A. and Ph.D.", "B.Sc.", "at Lycée Henri IV, St." (cut by the column):
 * a degree or school line that ends in a full stop is a name line, not
 * the sentence of a description. */
static void degree_lines(cw__eline *el, int n) {
  for (int i = 0; i < n; i++) {
    const char *s = el[i].res;
    size_t m = el[i].res_len;
    if (el[i].kind != L_DESC || el[i].l->bullet || el[i].cont || !s) continue;
    cw__trim(&s, &m);
    /* (a school line may be long when it lists field and degree too:
     * "Génie civil, Licence, École supérieure d'ingénieurs": characters,
     * not bytes, and eight words at most) */
    size_t c = cw__chars(s, m);
    if (m && ((c < 60 && cw__starts_with_degree(s, m)) ||
              (c < 80 && cw__score_words(s, m, W_INST) && cw__word_count(s, m) <= 8)))
      el[i].kind = L_HEADER;
  }
}

/* "Courses", "Coursework:": the label of an entry's course list. */
static bool course_label(const char *s, size_t n) {
  static const char *const names[] = {"courses", "coursework", "relevant coursework", "relevant courses",
                                      "major courses", "kurse", "cours", "cursos", "corsi", "kursy", NULL};
  cw__trim(&s, &n);
  while (n && s[n - 1] == ':') n--;
  return cw__in_list(names, s, n);
}

/* The course list a label opens ("Courses" / "" / "syntax" / "morphology")
 * describes the entry above it: its lines are no names, down to a blank
 * line, a date, or a line that names a school or a degree (the next
 * entry, printed without a blank line between). */
static void course_lists(cw__eline *el, int n) {
  for (int i = 0; i < n; i++) {
    if (el[i].kind != L_HEADER || el[i].has_date || !el[i].res || !course_label(el[i].res, el[i].res_len))
      continue;
    el[i].kind = L_DESC;
    int j = i + 1;
    while (j < n && el[j].kind == L_BLANK && !el[j].has_date) j++;
    for (; j < n && el[j].kind != L_BLANK && !el[j].has_date; j++) {
      const char *t = el[j].res;
      size_t m = el[j].res_len;
      cw__trim(&t, &m);
      if (cw__starts_with_degree(t, m) || cw__score_words(t, m, W_INST)) break;
      el[j].kind = L_DESC;
    }
    i = j - 1;
  }
}

/* "Degree, Field" / "- Riverside Academy" / dates: a dash or bullet that
 * separated the school from the degree (the line wrapped before it) is no
 * description: one capitalised name between a name line and its date. */
static void dashed_names(cw__eline *el, int n) {
  for (int i = 1; i + 1 < n; i++) {
    const char *s = el[i].res;
    size_t m = el[i].res_len;
    if (el[i].kind != L_DESC || !el[i].l->bullet || el[i].has_date || !s || el[i - 1].kind != L_HEADER ||
        el[i - 1].has_date || el[i + 1].kind != L_DATE)
      continue;
    cw__trim(&s, &m);
    bool name =
        m && m < 60 && isupper((unsigned char)s[0]) && cw__word_count(s, m) <= 6 && !strchr(".;:", s[m - 1]);
    /* (capitalised words, but short ones that join them: "of", "de") */
    for (size_t k = 1; name && k + 4 < m; k++)
      if (s[k - 1] == ' ' && islower((unsigned char)s[k]) && s[k + 1] != ' ' && s[k + 2] != ' ' &&
          s[k + 3] != ' ')
        name = false;
    if (name) el[i].kind = L_HEADER;
  }
}

/* s holds only words for now: "Present", "— Now", "→ Present",
 * "Currently Pursuing", "Present - Present". */
static bool only_now(const char *s, size_t n) {
  static const char *const now[] = {"present", "now", "current", "currently", "pursuing",
                                    "ongoing", "today", "heute", "presente", "actualidad",
                                    "obecnie", "oggi", "aujourd'hui", "atual", NULL};
  int words = 0;
  for (size_t i = 0; i < n;) {
    /* blanks, dashes and arrows ("–" "—" "→": 3-byte sequences from 0xE2) */
    if (s[i] == ' ' || s[i] == '-' || s[i] == '\t') {
      i++;
      continue;
    }
    if ((unsigned char)s[i] == 0xE2 && i + 2 < n) {
      i += 3;
      continue;
    }
    size_t b = i;
    while (i < n && !strchr(" -\t", s[i]) && (unsigned char)s[i] != 0xE2) i++;
    bool found = cw__in_list(now, s + b, i - b);
    /* "pursuing" only after "currently" */
    if (!found || (!words && i - b == 8 && strncasecmp(s + b, "pursuing", 8) == 0)) return false;
    words++;
  }
  return words > 0;
}

/* The end of a date range whose start the template left out (or printed
 * as the end again), a date cell all the same: a line of words for now,
 * or such a cell right of a name ("Kestrel Power   - Present"); the
 * cell's index + 1, 0 if none (-1: the whole line). */
static int open_end(const cw__eline *e) {
  const char *s = e->res;
  size_t n = e->res_len;
  /* (a lone "- Present" reads as a bullet) */
  if (!s || e->has_date || (e->kind != L_HEADER && e->kind != L_DESC)) return 0;
  cw__trim(&s, &n);
  if (n && n <= 40 && only_now(s, n)) return -1;
  const cw__line *l = e->l;
  int c = l->ncells - 1;
  if (e->kind != L_HEADER || c < 1 || l->cell_e[c] > e->res_len || l->cell_e[c] - l->cell_b[c] > 40) return 0;
  return only_now(e->res + l->cell_b[c], l->cell_e[c] - l->cell_b[c]) ? c + 1 : 0;
}

/* Makes the open ends date lines (or dated name lines): current, without
 * a start. */
static void open_ends(cw__eline *el, int n) {
  for (int i = 0; i < n; i++) {
    int c = open_end(&el[i]);
    if (!c) continue;
    const char *s = el[i].res;
    size_t m = el[i].res_len;
    if (c > 0) {
      s = el[i].res + el[i].l->cell_b[c - 1];
      m = el[i].l->cell_e[c - 1] - el[i].l->cell_b[c - 1];
    }
    cw__trim(&s, &m);
    memset(&el[i].date, 0, sizeof el[i].date);
    el[i].date.is_current = el[i].date.is_range = true;
    el[i].date.begin = (size_t)(s - el[i].res);
    el[i].date.end_off = el[i].date.begin + m;
    el[i].date_src = el[i].l->text;
    el[i].has_date = true;
    if (c < 0) el[i].kind = L_DATE;
    else cw__blank_span(el[i].res, el[i].l->cell_b[c - 1], el[i].l->cell_e[c - 1]);
  }
}

/* Line i joins group cur: as a name line, or (extra) as what follows the
 * names and date (courses, GPA, notes), kept apart as its description. */
static void add_line(cw__eline *el, cw__group *cur, int i, bool extra) {
  if (el[i].has_date && cur->date_line < 0) cur->date_line = i;
  if (el[i].kind == L_HEADER && !extra && cur->nhdr < MAX_HDR) cur->hdr[cur->nhdr++] = i;
  if (el[i].kind == L_DESC || (extra && el[i].kind == L_HEADER)) {
    if (cur->desc_from < 0) cur->desc_from = i;
    cur->desc_to = i;
    cur->ndesc++;
  }
}

static int by_dates(cw__eline *el, int n, cw__group *g, int ng);

static bool school_line(const cw__eline *e) {
  return !e->has_date && cw__score_words(e->res, e->res_len, W_INST) > 0;
}

/* s names a school and is no degree ("High School Diploma"). */
static bool school_words(const char *s, size_t n) {
  if (!cw__score_words(s, n, W_INST)) return false;
  /* (", High School Diploma": a template's empty field before the degree) */
  while (n && (*s == ' ' || *s == ',')) s++, n--;
  return !cw__ends_in_degree(s, n);
}

/* A name line without a date that names a school. */
static bool names_school(const cw__eline *e) {
  return e->kind == L_HEADER && !e->has_date && school_words(e->res, e->res_len);
}

/* The first line of the names of the entry dated at line a, the previous
 * entry's date at line p: the m name lines above a (as many as the first
 * entry has), back to the start of their block ("Riverside University" /
 * "" / "Physics" / "BSc" / "" / "2012 - 2016": the lines between two dates
 * hold the previous entry's courses first). */
static int names_from(const cw__eline *el, int p, int a, int m) {
  int s = a, seen = 0;
  for (int i = a - 1; i > p && seen < m; i--)
    if (el[i].kind == L_HEADER) {
      s = i;
      seen++;
    }
  /* (without a blank line the block is the whole stretch, courses and all) */
  int b = s;
  while (b - 1 > p && el[b - 1].kind == L_HEADER) b--;
  if (b - 1 > p) s = b;
  /* "Riverside University" / "Physics" / "BSc" / "2012 - 2016" after an
   * entry that printed no school ("Physics" / "BSc" / "2009 - 2012"):
   * the school line above the m names opens this entry, it is no course
   * of the previous one. */
  bool school = false;
  for (int i = s; i < a && !school; i++) school = names_school(&el[i]);
  int j = s - 1;
  while (j > p && el[j].kind == L_BLANK) j--;
  return !school && j > p && names_school(&el[j]) ? j : s;
}

/* Whether group g names a school among its name lines. */
static bool group_has_school(const cw__eline *el, const cw__group *g) {
  for (int h = 0; h < g->nhdr; h++)
    if (names_school(&el[g->hdr[h]])) return true;
  return false;
}

/* Group g's header line h begins a second entry: g named a school above
 * it, and h opens a block (a blank line above it) that names a school
 * ("Riverside University   2012 - 2016" / "BSc" / "" / "Physics, BSc" /
 * "Oakmere College"), or h holds both a degree and a school ("BSc Physics
 * at Oakmere College"). */
static bool second_school(const cw__eline *el, const cw__group *g, int h) {
  int li = g->hdr[h];
  bool school = false;
  for (int k = 0; k < h; k++) {
    school |= school_words(el[g->hdr[k]].res, el[g->hdr[k]].res_len);
  }
  if (!school || el[li].has_date) return false;
  /* (a school word inside one degree name is no school: "High School Diploma") */
  if (school_line(&el[li]) && cw__has_degree(el[li].res, el[li].res_len) &&
      !cw__ends_in_degree(el[li].res, el[li].res_len))
    return true;
  if (li == 0 || el[li - 1].kind != L_BLANK) return false;
  for (int k = h; k < g->nhdr && (k == h || g->hdr[k] == g->hdr[k - 1] + 1); k++)
    if (school_line(&el[g->hdr[k]]) && !cw__ends_in_degree(el[g->hdr[k]].res, el[g->hdr[k]].res_len) &&
        (k > h || !cw__has_degree(el[li].res, el[li].res_len)))
      return true;
  return false;
}

/* Splits the groups that hold a second school (see second_school). */
static int split_schools(cw__eline *el, int n, cw__group *g, int ng) {
  for (int i = 0; i < ng && ng < n; i++) {
    int h = 1;
    while (h < g[i].nhdr && !second_school(el, &g[i], h)) h++;
    if (h >= g[i].nhdr) continue;
    memmove(&g[i + 2], &g[i + 1], (size_t)(ng - i - 1) * sizeof *g);
    ng++;
    cw__group *a = &g[i], *b = cw__group_init(&g[i + 1]);
    int cut = a->hdr[h];
    for (int k = h; k < a->nhdr; k++) b->hdr[b->nhdr++] = a->hdr[k];
    a->nhdr = h;
    if (a->date_line > cut) b->date_line = a->date_line, a->date_line = -1;
    if (a->desc_from >= 0 && a->desc_to > cut) {
      b->desc_from = a->desc_from > cut ? a->desc_from : cut + 1;
      b->desc_to = a->desc_to;
      b->ndesc = 1;
      if (a->desc_from > cut) a->desc_from = -1, a->ndesc = 0;
      else a->desc_to = cut - 1;
    }
  }
  return ng;
}

/* "2015" / "2017" (or "1989" / "Present") on two lines of their own, one
 * under the other: a column too narrow for "2015 - 2017" stacked the
 * range; the two lines are one date range, the first line's. */
static void stacked_ranges(cw__eline *el, int n) {
  for (int i = 0; i + 1 < n; i++) {
    cw_date_range *a = &el[i].date, *b = &el[i + 1].date;
    if (el[i].kind != L_DATE || el[i + 1].kind != L_DATE || a->is_range || a->expected || !a->start[0] ||
        b->expected || (b->is_range && !(b->is_current && !b->start[0])) || (!b->is_range && !b->start[0]))
      continue;
    a->is_range = true;
    a->is_current = b->is_current;
    if (b->is_current) a->end[0] = '\0';
    else memcpy(a->end, b->start, sizeof a->end);
    el[i + 1].has_date = false;
    el[i + 1].kind = L_BLANK;
    i++;
  }
}

/* The groups the layout made may date an entry by the second line of a
 * stacked range, now blank: the range is the entry's whose lines its first
 * line closes ("BSc" / "2015" / "2017" / "" / "Oakmere College": not the
 * next school's).  Beside a group whose school or degree the first line
 * closes, the group has no date (links a sidebar put above the range name
 * no entry); else the range is its ("2015" / "2017" / "" /
 * "Riverside University": the names under their dates). */
static bool names_or_degree(const cw__eline *el, int from, int to);

static void stacked_owners(const cw__eline *el, int n, cw__group *g, int ng) {
  for (int i = 0; i < ng; i++) {
    int d = g[i].date_line;
    if (d < 1 || d >= n || el[d].has_date || el[d].kind != L_BLANK || !el[d - 1].has_date ||
        !el[d - 1].date.is_range)
      continue;
    bool taken = false;
    for (int k = 0; k < ng; k++)
      if (k != i && g[k].date_line == d - 1)
        for (int h = 0; h < g[k].nhdr; h++)
          taken |= g[k].hdr[h] < d - 1 && names_or_degree(el, g[k].hdr[h], g[k].hdr[h] + 1);
    g[i].date_line = taken ? -1 : d - 1;
  }
}

int cw__edu_regroup(cw__eline *el, int n, cw__group *g, int ng) {
  open_ends(el, n);
  stacked_ranges(el, n);
  stacked_owners(el, n, g, ng);
  dashed_names(el, n);
  return split_schools(el, n, g, by_dates(el, n, g, ng));
}

/* A name line of lines from .. to - 1 names a school or a degree. */
static bool names_or_degree(const cw__eline *el, int from, int to) {
  for (int i = from; i < to; i++) {
    const char *s = el[i].res;
    size_t m = el[i].res_len;
    if (el[i].kind != L_HEADER || !s) continue;
    cw__trim(&s, &m);
    if (cw__starts_with_degree(s, m) || cw__score_words(s, m, W_INST)) return true;
  }
  return false;
}

static int by_dates(cw__eline *el, int n, cw__group *g, int ng) {
  int na = 0, first = -1, last = -1, names_before = 0;
  for (int i = 0; i < n; i++) {
    if (!el[i].has_date) continue;
    if (first < 0) first = i;
    last = i;
    na++;
  }
  if (na < 2) return ng;
  degree_lines(el, n);
  course_lists(el, n);
  for (int i = 0; i < first; i++) names_before += el[i].kind == L_HEADER;
  /* Each entry has one date.  The entries' name lines sit all above their
   * date ("BSc Physics" / "Riverside University" / "2012 - 2016") when the
   * first date has name lines above it, else on and under it
   * ("Riverside University   2012 - 2016" / "BSc Physics"). */
  int k = 0, from = 0;
  cw__group *cur = NULL;
  /* No line above the first date names a school or degree, lines under
   * the last date do: the names sit under their dates ("2012" / "2016" /
   * "Riverside University" / "BSc"), and what came before the first date
   * is no entry's (a sidebar's links the page's reading order put there). */
  if (names_before && !names_or_degree(el, 0, first) && names_or_degree(el, last + 1, n)) {
    names_before = 0;
    from = first;
  }
  if (!names_before) {
    for (int i = from; i < n; i++) {
      if (el[i].kind == L_BLANK && !el[i].has_date) continue;
      if (!cur || el[i].has_date) cur = cw__group_init(&g[k++]);
      add_line(el, cur, i, false);
    }
    return k;
  }
  int prev = -1;
  for (int a = first; a < n; a++) {
    if (!el[a].has_date) continue;
    int s = prev < 0 ? 0 : names_from(el, prev, a, names_before);
    for (int i = prev + 1; cur && i < s; i++) add_line(el, cur, i, true);
    cur = cw__group_init(&g[k++]);
    for (int i = s; i <= a; i++) add_line(el, cur, i, false);
    prev = a;
    /* "BSc Physics" / "2012 - 2016" / "Riverside University" / "": the
     * date inside the names' block; the block's rest is names too. */
    int e = a + 1;
    while (e < n && el[e].kind != L_BLANK && !el[e].has_date) e++;
    /* (not when the names above named a school and the block names
     * another: "Riverside University" / "BSc" / "2012 - 2016" /
     * "Oakmere College" / "" opens the next entry) */
    bool second = false;
    if (group_has_school(el, cur))
      for (int i = a + 1; i < e; i++) second |= names_school(&el[i]);
    if (e < n && el[e].kind == L_BLANK && e - a - 1 <= names_before && !second)
      for (; prev + 1 < e; prev++) add_line(el, cur, prev + 1, false);
  }
  for (int i = prev + 1; i < n; i++) add_line(el, cur, i, true);
  return k;
}
