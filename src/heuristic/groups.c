/* Grouping of classified lines into entries by layout: an entry is a run
 * of header lines (with the date somewhere in them or right after)
 * followed by description lines. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "groups.h"
#include "names.h"
#include "words.h"

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

/* "Maker, Quillwork" / dates / "Started Quillwork - a suite of tools that help
 * ...": once the lines above the date named both role and organisation, a
 * sentence under the date begins the description. */
static bool sentence_after_names(const cw__eline *el, const cw__group *cur, const cw__eline *e,
                                 const cw__eline *next) {
  if (cur->date_line < 0 || cur->ndesc || e->has_date || e->kind != L_HEADER) return false;
  int names = 0;
  for (int k = 0; k < cur->nhdr; k++)
    if (cur->hdr[k] <= cur->date_line) names += cw__names_on(&el[cur->hdr[k]]);
  if (names < 2) return false;
  const char *s = e->res;
  size_t n = e->res_len;
  cw__trim(&s, &n);
  /* (a long "Title, Organisation" line is the next entry's names) */
  int w = cw__word_count(s, n);
  if (n && (w > 12 || s[n - 1] == '.' || (w > 8 && cw__names_on(e) < 2))) return true;
  if (cw__short_sentence(e)) return true;
  /* "Designed the site and docs of Acme – an" / "online booking tool
   * for developers.": ends on a lower-case word and goes on in lower case */
  size_t k = n;
  while (k > 0 && s[k - 1] != ' ') k--;
  /* (a name cut by the column goes on in lower case too: "Regional
   * Institute, specjalista do" / "spraw rynku pracy   2006 - 2012") */
  return w >= 6 && k < n && islower((unsigned char)s[k]) && next && next->l->len &&
         islower((unsigned char)next->l->text[0]) && !cw__first_word_names(s, n);
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
      cur->hdr[cur->nhdr - 1] != cur->date_line || cw__names_on(&el[cur->date_line]) < 2 ||
      cw__names_on(&el[i]) < 2)
    return false;
  return i + 1 < n && el[i + 1].kind == L_DATE;
}

/* "Acme S.A., Data Engineer   2020 - Present" / "Built the platform." /
 * "Cut costs by 40 %" / "Moved the jobs to Airflow" / (blank): an entry
 * opened by its dated line with both its names keeps the lines of that
 * block as its description: they are no names of the next entry, whose
 * own dated line names it.  (Unless a dated line follows in the block:
 * "Globex, Analyst" / "2016 - 2019" is the next entry.)  The lines of a
 * block ask in turn, so what was seen is kept (block_scan): a block of
 * thousands of lines would cost a pass over it for each. */
typedef struct {
  int blank; /* the last empty line before line i, -1: none */
  int stop;  /* where the scan down from a line of i's block stopped: its next dated line or its end */
} block_scan;

static bool in_named_block(const cw__eline *el, int n, const cw__group *cur, int i, block_scan *bs) {
  if (cur->date_line < 0 || !cur->nhdr || cur->hdr[0] != cur->date_line || el[i].has_date ||
      cw__names_on(&el[cur->date_line]) < 2 || bs->blank > cur->date_line)
    return false;
  if (bs->stop <= i) {
    int k = i + 1;
    while (k < n && el[k].l->len && !el[k].has_date) k++;
    bs->stop = k;
  }
  return !(bs->stop < n && el[bs->stop].l->len && el[bs->stop].has_date);
}

int cw__group_lines(cw__doc *d, cw__eline *el, int n, cw__group *g, int maxg) {
  int ng = 0;
  cw__group *cur = NULL;
  block_scan bs = {-1, 0};
  for (int i = 0; i < n; i++) {
    cw__eline *e = &el[i];
    if (i > 0 && !el[i - 1].l->len) bs.blank = i - 1;
    if (e->kind == L_BLANK) continue;
    if (cur && sentence_after_names(el, cur, e, i + 1 < n ? &el[i + 1] : NULL)) e->kind = L_DESC;
    /* (and among the description lines: "Run the line on busy weekend
     * services" after the first bullet) */
    if (cur && cur->ndesc && e->kind == L_HEADER && cw__short_sentence(e)) e->kind = L_DESC;
    if (cur && cur->ndesc && e->kind == L_HEADER && in_named_block(el, n, cur, i, &bs)) e->kind = L_DESC;
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
