/* Grouping around date anchors, for sections whose description bullets
 * do not mark: every dated line is an entry, its names are the short lines
 * around it. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "anchors.h"
#include "cells.h"
#include "names.h"
#include "words.h"

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

/* "Open Location Hackathon 2014.": a single date closing a sentence is part
 * of the description, not an entry's dates. */
static bool sentence_year(const cw__eline *e) {
  const cw__line *l = e->l;
  return !e->date.is_range && l->len && l->text[l->len - 1] == '.' && e->date_src == l->text &&
         e->date.end_off + 1 >= l->len;
}

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
  return cw__is_location(d, e->res, e->res_len) ? 0 : cw__names_in(e, dash_one);
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

/* A bare place by its shape: up to four words, each capitalised or a short
 * joining word ("Lyon", "Frankfurt (Oder)", "Frankfurt am Main"), no figure,
 * no role, organisation, school or degree word. */
static bool place_shaped(const cw__eline *e) {
  const char *s = e->res;
  size_t n = e->res_len;
  if (!s || e->has_date || e->l->ncells > 1) return false;
  cw__trim(&s, &n);
  if (!n || cw__word_count(s, n) > 4 || !cw__names_nothing(s, n)) return false;
  for (size_t i = 0; i < n; i++) {
    if (isdigit((unsigned char)s[i]) || strchr("@/:|;", s[i])) return false;
    if (i && s[i - 1] != ' ') continue;
    size_t b = i + (s[i] == '(');
    size_t e2 = b;
    while (e2 < n && s[e2] != ' ') e2++;
    if (b < n && islower((unsigned char)s[b]) && e2 - b > 4) return false;
  }
  return true;
}

/* A line joined into the one below it (join_cut_names), left blank. */
static bool joined_away(const cw__eline *e) {
  return e->kind == L_BLANK && e->l->len && e->res && cw__filler_only(e->res, e->res_len);
}

/* The lines of the block that ends with line a (no blank line, no
 * description between): the index of its first line, a when none. */
static int block_top(const cw__eline *el, int a, int lo) {
  int t = a;
  while (t - 1 > lo && (el[t - 1].kind == L_HEADER || joined_away(&el[t - 1]))) t--;
  while (t < a && joined_away(&el[t])) t++;
  return t;
}

/* The first line after the dated line a, across real blank lines (not a
 * label); strict: only when a blank line follows a.  -1: none before
 * next_a. */
static int below_block(const cw__eline *el, int a, int next_a, bool strict) {
  int j = a + 1;
  if (j >= next_a || (strict && el[j].l->len)) return -1;
  while (j < next_a && (!el[j].l->len || joined_away(&el[j]))) j++;
  return j < next_a ? j : -1;
}

/* Anchor a's entry has the shape "Organisation / Place / dates", a blank
 * line, then "Role": a block of name lines ending in a line of dates alone,
 * and a short name line right after the blank below it.  (A role word in
 * the block and none below: the block holds the role, and the line below
 * is something else.)  strict: the blank line is there. */
static bool role_below(cw__doc *d, const cw__eline *el, int n, int a, int lo, int next_a, bool strict) {
  int top = block_top(el, a, lo), j = below_block(el, a, next_a, strict);
  if (cw__names_in(&el[a], false) || top == a || j < 0 || el[j].kind != L_HEADER || el[j].has_date ||
      !cw__name_like(d, &el[top], false) || !cw__name_like(d, &el[j], true) || prose_start(el, n, j) ||
      cw__short_sentence(&el[j]))
    return false;
  const char *s = el[j].res;
  size_t m = el[j].res_len;
  cw__trim(&s, &m);
  if (cw__word_count(s, m) > 7) return false;
  bool role = cw__score_words(s, m, W_TITLE) > 0;
  for (int x = top + 1; x < a && !role; x++)
    if (cw__score_words(el[x].res, el[x].res_len, W_TITLE)) return false;
  return true;
}

/* The section prints its roles below the dated blocks: two entries at
 * least, and two in three, have that shape with the blank line, and a role
 * word names one of the lines below; the role
 * is the line below, the block names the organisation at its top, and
 * what sits between the organisation and the dates is its place, a link
 * or a tagline, not the role.  (A theme may drop a blank line, at a page
 * break: such entries follow the section.) */
static bool roles_below(cw__doc *d, const cw__eline *el, int n, const int *anchor, int na) {
  int m = 0, worded = 0;
  for (int k = 0; k < na; k++) {
    int a = anchor[k], next_a = k + 1 < na ? anchor[k + 1] : n;
    if (!role_below(d, el, n, a, k ? anchor[k - 1] : -1, next_a, true)) continue;
    m++;
    int j = below_block(el, a, next_a, true);
    worded += cw__score_words(el[j].res, el[j].res_len, W_TITLE) > 0;
  }
  /* (one of the lines below at least reads as a role: "Platform" under
   * "Acme / Teamleitung / dates" in every entry is no evidence) */
  return m >= 2 && 3 * m >= 2 * na && worded;
}

/* org_top (roles_below): the names of anchor a's block are its first line
 * (the organisation) and a place among the lines under it; the others
 * ("https://acme.example", a tagline) name nothing.  Returns the number of
 * names taken (0 or 1). */
static int block_names(cw__doc *d, cw__eline *el, int a, int prev_end, int *owner, int *hdr, int *nh) {
  int top = block_top(el, a, prev_end);
  if (top == a || owner[top] != -1) return 0;
  hdr[(*nh)++] = top;
  owner[top] = -2;
  bool placed = false;
  for (int x = top + 1; x < a; x++) placed |= cw__is_location(d, el[x].res, el[x].res_len);
  for (int x = top + 1; x < a && *nh < MAX_HDR - 1; x++) {
    owner[x] = -2;
    if (cw__is_location(d, el[x].res, el[x].res_len)) {
      hdr[(*nh)++] = x;
    } else if (!placed && place_shaped(&el[x])) {
      el[x].place = placed = true;
      hdr[(*nh)++] = x;
    }
  }
  return 1;
}

/* "Entwicklerin / Apr 2021 - Present / Kassel": a bare place
 * right under the dates (no blank line between). */
static bool place_under(cw__doc *d, const cw__eline *el, int a, int next_a) {
  int j = a + 1;
  return j < next_a && el[j].kind == L_HEADER && !el[j].has_date &&
         (place_shaped(&el[j]) || cw__is_location(d, el[j].res, el[j].res_len));
}

/* Anchor a's dated line holds no name and the lines right above it fewer
 * than two: its names are not complete above the dates. */
static bool few_above(const cw__eline *el, int a, int lo) {
  return !cw__names_in(&el[a], false) && a - block_top(el, a, lo) < 2;
}

/* "Role / Organisation / dates / Place" in the section's entries, and
 * "Role / dates / Place" for a second role under the same employer: two
 * in three entries (two at least) have a bare place right under their
 * dates, and two of them have both names above the dates already.  The
 * line under the dates of an entry short of names is then its place, not
 * its organisation (which the role above shares). */
static bool places_under(cw__doc *d, const cw__eline *el, int n, const int *anchor, int na) {
  int p = 0, full = 0;
  for (int k = 0; k < na; k++) {
    int a = anchor[k], lo = k ? anchor[k - 1] : -1;
    if (!place_under(d, el, a, k + 1 < na ? anchor[k + 1] : n)) continue;
    p++;
    full += !few_above(el, a, lo);
  }
  return full >= 2 && p >= 2 && 3 * p >= 2 * na;
}

/* How the section prints its entries, as pick_names follows it. */
typedef struct {
  bool dash_one;    /* a dash does not separate names (dash_inside_names) */
  bool back_first;  /* the names sit above the dates (names_above) */
  bool org_top;     /* the roles below the dated blocks (roles_below) */
  bool place_under; /* a bare place under the dates (places_under) */
} pick_shape;

/* Picks each anchor's name lines into g (one group per anchor); owner[i]
 * becomes -2 for the lines taken. */
static int pick_names(cw__doc *d, cw__eline *el, int n, const int *anchor, int na, int *owner, cw__group *g,
                      int maxg, int want, const pick_shape *sh) {
  bool dash_one = sh->dash_one, back_first = sh->back_first;
  for (int i = 0; i < n; i++) {
    owner[i] = -1;
    el[i].wrap = 0;
    el[i].place = false;
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
    int have = cw__names_in(&el[a], dash_one);
    int hdr[MAX_HDR], nh = 0;
    if (have) hdr[nh++] = a;
    owner[a] = -2;
    /* the section prints its roles below the dated blocks: the block gives
     * the organisation, nothing more, and no line above it is a name */
    bool back_shut = sh->org_top && !have && role_below(d, el, n, a, prev_end, next_a, false) &&
                     (have = block_names(d, el, a, prev_end, owner, hdr, &nh)) > 0;
    /* the section prints a place under the dates: an entry short of names
     * above them takes that line as its place, and no name below */
    bool fwd_shut = !back_shut && sh->place_under && few_above(el, a, prev_end) &&
                    place_under(d, el, a, next_a);
    if (fwd_shut) {
      el[a + 1].place = !cw__is_location(d, el[a + 1].res, el[a + 1].res_len);
      owner[a + 1] = -2;
      hdr[nh++] = a + 1;
    }
    /* Name lines: first those of the anchor's own block (no blank line in
     * between), before it then after it; then across blank lines.  Never
     * past the previous entry's names or the next anchor. */
    int b = a - 1, after = a + 1 + fwd_shut;
    /* (an entry of names, dates and place in one block: not across blanks) */
    for (int pass = 0; pass < (fwd_shut ? 1 : 2); pass++) {
      bool cross = pass == 1;
      /* a description begun on the dated row goes on in the lines below it */
      bool back_open = !back_shut, fwd_open = el[a].tail_e == 0 && !fwd_shut;
      for (int steps = 0; have < want && nh < MAX_HDR - 1 && steps < 6 && (back_open || fwd_open); steps++) {
        if (back_open) {
          while (b > prev_end && ((cross && el[b].kind == L_BLANK) || cw__is_link_only(d, &el[b]))) b--;
          /* lower case in the anchor's own block ("kierownik wydziału" /
           * "Urząd Miasta" / dates): a role, not a sentence going on;
           * unless the section prints roles below the dated block (an
           * entry above took one across a blank line): then it is that
           * entry's role the block's first line runs into */
          bool touch = !cross && (b == a - 1 || (owner[b + 1] == -2 && !roles_below));
          if (b > prev_end && owner[b] == -1 && cw__name_like(d, &el[b], touch || short_alone(el, n, b)) &&
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
          int w = cw__cell_goes_on(el, a, next_a, back_first);
          for (; after < a + 1 + w; after++) owner[after] = -2;
          if (w) el[a].wrap = after;
        }
        if (fwd_open && have < want && !(back_first && !cross)) {
          while (after < next_a && ((cross && el[after].kind == L_BLANK) || cw__is_link_only(d, &el[after])))
            after++;
          /* (the line the section prints its roles on: "specjalista do spraw
           * obsługi klienta" / "biznesowego" in lower case too) */
          bool lower = after < next_a && ((!cross && after == a + 1) || short_alone(el, n, after) ||
                                          (back_shut && after == below_block(el, a, next_a, false)));
          if (after < next_a && cw__name_like(d, &el[after], lower) &&
              !el[after].has_date && !prose_start(el, n, after) && !cw__short_sentence(&el[after])) {
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
      int strict = cw__names_in(e, false), loose = cw__names_in(e, true);
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

/* Every dated line is an entry's anchor; its names are the line itself and
 * the nearest short lines around it (before first, then after), as many as
 * it lacks of an organisation and a role.  The other lines up to the next
 * entry's first line are its description.  Used where bullets do not mark
 * the description, so that "Organisation / Role / dates / paragraph" reads
 * the same whichever order the theme prints them in. */
int cw__group_by_anchors(cw__doc *d, cw__eline *el, int n, cw__group *g, int maxg, int want) {
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
      cw__blank_links(d, &el[i]);
      cw__cut_tail(d, &el[i]);
    }
  pick_shape sh = {.org_top = roles_below(d, el, n, anchor, na)};
  sh.place_under = !sh.org_top && places_under(d, el, n, anchor, na);
  int ng = pick_names(d, el, n, anchor, na, owner, g, maxg, want, &sh);
  /* the section's other entries print one name a line: so does this one */
  sh.dash_one = dash_inside_names(el, g, ng);
  if (sh.dash_one) ng = pick_names(d, el, n, anchor, na, owner, g, maxg, want, &sh);
  /* most entries take a name from above the dates: all of them do */
  if (names_above(g, ng)) {
    sh.back_first = true;
    ng = pick_names(d, el, n, anchor, na, owner, g, maxg, want, &sh);
  }
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
bool cw__needs_anchors(cw__doc *d, const cw__eline *el, int n) {
  int bullets = 0, dated = 0, text = 0, prose = 0;
  for (int i = 0; i < n; i++) {
    if (el[i].kind == L_BLANK) continue;
    text++;
    if (el[i].l->bullet) bullets++;
    if (el[i].has_date) dated++;
    else if (el[i].kind == L_HEADER && !el[i].l->bullet && !cw__name_like(d, &el[i], false)) prose++;
  }
  if (!dated) return false;
  /* With bullets, only when unmarked prose lines sit among the names too. */
  return bullets ? prose >= 2 * dated : text > 3 * dated;
}
