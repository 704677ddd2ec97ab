/* PDF reading order, first steps (see layout.c): characters -> words ->
 * segments.  A segment is a run of words on one baseline with no wide gap:
 * a line of a column, a right-aligned date, one cell of a table row.  Also
 * where letter-spaced headings and small caps become words again. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "layout_int.h"

static int cmp_word_x(const void *a, const void *b) {
  const word_t *x = a, *y = b;
  return x->b.x1 < y->b.x1 ? -1 : x->b.x1 > y->b.x1;
}

static void box_add(box_t *b, const xrect *r) {
  if (r->x1 < b->x1) b->x1 = r->x1;
  if (r->y1 < b->y1) b->y1 = r->y1;
  if (r->x2 > b->x2) b->x2 = r->x2;
  if (r->y2 > b->y2) b->y2 = r->y2;
}

/* 1. characters -> words */
/* glib's g_utf8_skip rule, so that our character count matches poppler's
 * (one box per g_utf8_strlen() character). */
static size_t u8_len(unsigned char c) {
  return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF8 ? 4 : c < 0xFC ? 5 : c < 0xFE ? 6 : 1;
}

static bool u8_space(const char *p, size_t n) {
  unsigned char c = (unsigned char)p[0];
  if (n == 1)
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  if (n == 2)
    return c == 0xC2 && ((unsigned char)p[1] == 0xA0 || (unsigned char)p[1] == 0x85);
  if (n == 3 && c == 0xE2 && (unsigned char)p[1] == 0x80)
    return (unsigned char)p[2] <= 0x8A || (unsigned char)p[2] == 0xA8 ||
           (unsigned char)p[2] == 0xA9 || (unsigned char)p[2] == 0xAF;
  if (n == 3 && c == 0xE3 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0x80)
    return true;
  return false;
}

/* Small caps: poppler may put a space between a capital and the smaller
 * capitals that follow it ("W ORK", "E xperience").  A space after a
 * one-letter word, between glyphs on one baseline a hair apart, with the
 * next glyph smaller than the first, is no word break.  (A narrow space
 * alone proves nothing: some fonts' spaces are that narrow.) */
static bool glued(const word_t *prev, double prev_x2, double prev_y2, const xrect *r, double h) {
  double ph = prev->b.y2 - prev->b.y1, gap = r->x1 - prev_x2;
  unsigned char c = (unsigned char)prev->s[0];
  bool letter = prev->nc == 1 && ((c >= 'A' && c <= 'Z') || c >= 0xC0);
  return letter && h < 0.92 * ph && fabs(r->y2 - prev_y2) < 0.3 * ph && gap > -0.1 * ph &&
         gap < 0.15 * ph;
}

size_t cw__x_words(const char *text, const xrect *rects, size_t nrects, word_t *words) {
  size_t nw = 0;
  const char *p = text;
  size_t i = 0;
  word_t cur = {0};
  bool open = false;
  double prev_x2 = 0, prev_h = 0, prev_y1 = 0, prev_y2 = 0;
  bool spaced = false; /* the last word ended at a space, not a jump */
  while (*p && i < nrects) {
    size_t cl = u8_len((unsigned char)*p);
    for (size_t k = 1; k < cl; k++)
      if (!p[k]) {
        cl = k; /* truncated sequence at the end of the string */
        break;
      }
    const char *next = p + cl;
    const xrect *r = &rects[i];
    bool space = u8_space(p, cl);
    double h = fabs(r->y2 - r->y1);
    bool jump = open && (r->x1 - prev_x2 > (prev_h > 0 ? prev_h : h) * 0.6 ||
                         r->x1 < prev_x2 - (prev_h > 0 ? prev_h : h) * 2 ||
                         fabs(r->y1 - prev_y1) > (prev_h > 0 ? prev_h : h) * 0.7);
    if ((space || jump) && open) {
      words[nw++] = cur;
      open = false;
      spaced = !jump;
    } else if (jump) {
      spaced = false;
    }
    if (!space) {
      if (!open) {
        cur.s = p;
        cur.n = 0;
        cur.b = (box_t){r->x1, r->y1, r->x2, r->y2};
        cur.glue = nw && spaced && glued(&words[nw - 1], prev_x2, prev_y2, r, h);
        cur.sp = nw && spaced;
        cur.nc = 0;
        open = true;
      }
      cur.n += (size_t)(next - p);
      cur.nc++;
      box_add(&cur.b, r);
      prev_x2 = r->x2;
      prev_h = h;
      prev_y1 = r->y1;
      prev_y2 = r->y2;
    }
    p = next;
    i++;
  }
  if (open)
    words[nw++] = cur;
  return nw;
}

/* True for a word of at most three letters (ASCII letters, or two-byte
 * UTF-8 letters: Latin, Greek, Cyrillic). */
static bool short_letters(const word_t *w) {
  if (w->nc > 3)
    return false;
  for (size_t i = 0; i < w->n; i++) {
    unsigned char c = (unsigned char)w->s[i];
    bool ok = c < 0x80 ? (c | 0x20) >= 'a' && (c | 0x20) <= 'z'
                       : (c & 0xC0) == 0x80 || (c >= 0xC3 && c <= 0xDF);
    if (!ok)
      return false;
  }
  return true;
}

/* Letter-spaced headings ("E X P E R I E N C E", "S U M M A RY", "AWA R D S",
 * "E x p e r i e n c e"): a run of four or more words of one to three
 * letters (kerned pairs come out together), three in four of them single
 * letters, is one word per stretch of even gaps; a gap
 * half as wide again as the narrowest of the run is a real space. */
static void join_letter_spacing(page_ctx *pc, const seg_t *sg) {
  word_t *w = pc->words + sg->w0;
  size_t i = 0;
  while (i < sg->nw) {
    size_t j = i, singles = 0;
    while (j < sg->nw && short_letters(&w[j]))
      singles += w[j++].nc == 1;
    size_t len = j - i;
    if (len >= 4 && singles * 4 >= len * 3) {
      double gmin = 1e9;
      for (size_t k = i + 1; k < j; k++)
        gmin = fmin(gmin, w[k].b.x1 - w[k - 1].b.x2);
      for (size_t k = i; k < j; k++)
        w[k].spaced = true;
      for (size_t k = i + 1; k < j; k++) {
        double h = w[k].b.y2 - w[k].b.y1;
        w[k].glue = w[k].b.x1 - w[k - 1].b.x2 <= 1.5 * fmax(gmin, 0) + 0.05 * h;
      }
    }
    i = j > i ? j : i + 1;
  }
}

/* 2. words -> segments: a segment is a run of words on one baseline with
 * gaps under ~1.2 x their height (a line of a column, a right-aligned date,
 * one cell of a table row).  Built locally, from left to right, so that a
 * big word elsewhere on the page (a sidebar's name) cannot tie two lines
 * of another column together. */
typedef struct {
  size_t last; /* index of its last word */
  double hsum; /* sum of its words' heights */
  size_t nw;
  int id;
} frag_t;

static bool frag_takes(const word_t *l, const frag_t *f, const word_t *w) {
  /* The smaller font decides: "Languages  various" in a bold heading font
   * and a small label font are two cells.  (A lone private-use glyph, an
   * icon font's, sets no scale.) */
  unsigned char c0 = (unsigned char)w->s[0];
  bool icon = w->nc == 1 && (c0 == 0xEE || c0 == 0xEF);
  double hw = icon ? f->hsum / (double)f->nw : fmin(f->hsum / (double)f->nw, w->b.y2 - w->b.y1);
  double gap = w->b.x1 - l->b.x2;
  /* between the letters of widely letter-spaced words a word space is
   * wider: "K   H" in "W O R K   H I S T O R Y" */
  double max = short_letters(l) && short_letters(w) && l->nc == 1 && w->nc == 1 ? 2.0 : 1.2;
  if (gap > hw * max || gap < -2 * hw)
    return false;
  double ov = fmin(l->b.y2, w->b.y2) - fmax(l->b.y1, w->b.y1);
  return ov >= 0.5 * fmin(l->b.y2 - l->b.y1, w->b.y2 - w->b.y1);
}

/* Gaps between the words of a segment, over the smaller of the two words'
 * heights: a word space is about a quarter of it in most fonts. */
static double rel_gap(const word_t *a, const word_t *b) {
  double h = fmin(a->b.y2 - a->b.y1, b->b.y2 - b->b.y1);
  return h > 0 ? (b->b.x1 - a->b.x2) / h : 0;
}

/* Could a cell end between a and b?  Not inside a glued word, not beside
 * a word without a letter or digit: a bullet ("-  Led the team"), a range's
 * dash ("2019  —  2021"), a separator ("Design  /  UX"), not after a list
 * number ("1.  Adaptive quantization") ... */
static bool has_alnum(const word_t *w) {
  for (size_t i = 0; i < w->n; i++) {
    unsigned char c = (unsigned char)w->s[i];
    /* two-byte letters (Latin, Greek, Cyrillic...) and the scripts from
     * U+3000 on; not U+2000-U+2FFF (dashes, bullets, arrows) nor symbols */
    if ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
        (c >= 0xC3 && c <= 0xDF) || (c >= 0xE3 && c <= 0xED))
      return true;
  }
  return false;
}

/* ... nor between the words of a letter-spaced heading ("W O R K   H I S
 * T O R Y").  After a word that leaves its phrase open, only a gap of three
 * word spaces or more ("Director,  Acme" where a bold title and its
 * employer meet is a phrase; "Acme Lab,      Research Assistant" is two
 * cells). */
/* A list number: "1.", "12)". */
static bool list_number(const word_t *w) {
  if (w->n < 2 || w->n > 4 || (w->s[w->n - 1] != '.' && w->s[w->n - 1] != ')'))
    return false;
  for (size_t i = 0; i + 1 < w->n; i++)
    if (w->s[i] < '0' || w->s[i] > '9')
      return false;
  return true;
}

static bool cell_gap(const word_t *a, const word_t *b) {
  return !b->glue && !a->spaced && !b->spaced && has_alnum(a) && has_alnum(b) && !list_number(a);
}

static bool ends_open(const word_t *a) {
  unsigned char e = (unsigned char)a->s[a->n - 1];
  return e == ',' || e == '&';
}

/* A gap between two words of a segment: the smaller height and the gap. */
typedef struct {
  double h, g;
} hgap_t;

static int cmp_hgap_h(const void *a, const void *b) {
  const hgap_t *x = a, *y = b;
  return x->h < y->h ? -1 : x->h > y->h;
}

static int cmp_hgap_g(const void *a, const void *b) {
  const hgap_t *x = a, *y = b;
  return x->g < y->g ? -1 : x->g > y->g;
}

/* Word spaces of the page by type size: the gaps of words of about one
 * height (within 3 %) form a class, and the class's word space is its
 * narrowest gap but an outlier or two (a row of tags has more gaps between
 * tags than inside them: "Python  React Native  SQL"), at least 0.75 x the
 * page's median gap; only gaps where the text has a space count; a class of fewer than three gaps takes the page's
 * median.  Fonts differ: tags set with a wide word space ("machine
 * learning") keep it inside every tag. */
typedef struct {
  double *lo, *hi, *sp; /* per class: height range, word space */
  size_t n;
} spaces_t;

static double space_for(const spaces_t *S, double h) {
  size_t a = 0, b = S->n;
  while (b - a > 1) { /* the last class with lo <= h */
    size_t m = (a + b) / 2;
    if (S->lo[m] <= h)
      a = m;
    else
      b = m;
  }
  return S->n ? S->sp[a] : 0;
}

static bool page_spaces(const page_ctx *pc, hgap_t *v, spaces_t *S) {
  size_t n = 0;
  for (size_t i = 0; i < pc->nsegs; i++) {
    const seg_t *sg = &pc->segs[i];
    for (size_t k = 1; k < sg->nw; k++) {
      const word_t *a = &pc->words[sg->w0 + k - 1], *b = &pc->words[sg->w0 + k];
      if (cell_gap(a, b) && b->sp)
        v[n++] = (hgap_t){fmin(a->b.y2 - a->b.y1, b->b.y2 - b->b.y1), rel_gap(a, b)};
    }
  }
  S->n = 0;
  if (n < 8)
    return true;
  qsort(v, n, sizeof *v, cmp_hgap_g);
  double median = v[n / 2].g;
  qsort(v, n, sizeof *v, cmp_hgap_h);
  S->lo = malloc(3 * n * sizeof *S->lo);
  if (!S->lo)
    return false;
  S->hi = S->lo + n;
  S->sp = S->lo + 2 * n;
  size_t i = 0;
  while (i < n) {
    size_t j = i + 1;
    while (j < n && v[j].h <= v[i].h * 1.03)
      j++;
    S->lo[S->n] = v[i].h;
    S->hi[S->n] = v[j - 1].h;
    if (j - i >= 3) {
      qsort(v + i, j - i, sizeof *v, cmp_hgap_g);
      S->sp[S->n] = fmax(v[i + (j - i) / 20].g, 0.75 * median);
    } else {
      S->sp[S->n] = median;
    }
    S->n++;
    i = j;
  }
  return true;
}

/* Where a segment's gaps are wider than a word space, the segment is two
 * cells set close together: chips or tags in a row ("Python  SQL  Docker",
 * a gap of about twice a word space), a title beside its dates in a grid
 * ("Data Engineer  2019 - 2021").  Each gap is measured against the word
 * space of its type size (page_spaces).  The gaps of one segment can be of
 * two kinds (a tag of several words: "machine learning  data analysis"):
 * then only the wider kind separates cells, those past the largest jump
 * (by a third) in the sorted gaps.  All gaps alike and wide: each is a cell
 * break only when about twice a word space (a justified line stretches its
 * spaces less).  Sets cut[k] when word k of sg starts a cell; q is scratch
 * (nw entries).  Returns 0 (no cut), 1 (all gaps alike) or 2 (two kinds),
 * and in *inner the segment's narrowest gap (1) or the widest gap inside a
 * cell (2), in word spaces. */
static int wide_gaps(const page_ctx *pc, const seg_t *sg, const spaces_t *S, bool *cut,
                     hgap_t *q, double *inner) {
  const word_t *w = pc->words + sg->w0;
  size_t nq = 0;
  double lo = 1e9, hi = -1e9;
  for (size_t k = 0; k < sg->nw; k++)
    cut[k] = false;
  for (size_t k = 1; k < sg->nw; k++) {
    if (!cell_gap(&w[k - 1], &w[k]))
      continue;
    double g = rel_gap(&w[k - 1], &w[k]);
    double sp = space_for(S, fmin(w[k - 1].b.y2 - w[k - 1].b.y1, w[k].b.y2 - w[k].b.y1));
    double r = sp > 0.02 ? g / sp : g / 0.02; /* in word spaces */
    if (ends_open(&w[k - 1]) && r < 3)
      continue;
    if (g >= 0.36 && r >= 1.5)
      q[nq++] = (hgap_t){(double)k, r};
    lo = fmin(lo, r);
    hi = fmax(hi, r);
  }
  if (!nq)
    return 0;
  double t; /* cut at gaps of >= t word spaces */
  int kind = 2;
  *inner = lo;
  if (hi < 1.3 * lo) {
    t = 1.8;
    kind = 1;
  } else {
    /* the largest jump, by ratio, between the gaps in increasing order
     * (below the wide ones: the segment's narrowest gap) */
    qsort(q, nq, sizeof *q, cmp_hgap_g);
    double best = q[0].g / lo;
    t = q[0].g;
    for (size_t i = 1; i < nq; i++)
      if (q[i].g / q[i - 1].g > best) {
        best = q[i].g / q[i - 1].g;
        t = q[i].g;
        *inner = q[i - 1].g;
      }
    if (best < 1.3)
      return 0;
  }
  bool any = false;
  for (size_t i = 0; i < nq; i++)
    if (q[i].g >= t - 1e-9)
      any = cut[(size_t)q[i].h] = true;
  return any ? kind : 0;
}

/* By left edge in half-point steps, then top to bottom.  (Comparing left
 * edges "within 0.5 pt" is no ordering: a, b and c 0.4 pt apart each would
 * make a cycle, which qsort may not be given.) */
static int cmp_seg_left(const void *a, const void *b) {
  const seg_t *x = *(seg_t *const *)a, *y = *(seg_t *const *)b;
  long bx = lround(x->b.x1 * 2), by = lround(y->b.x1 * 2);
  if (bx != by)
    return bx < by ? -1 : 1;
  return x->b.y1 < y->b.y1 ? -1 : x->b.y1 > y->b.y1;
}

/* Does segment b (the line above or below a, same left edge and height)
 * have cells of several words whose inner gaps are as wide as a's gaps?
 * ("data structures  algorithms" above "machine learning"): then a's gaps
 * are word spaces of that font, a is one cell. */
static bool explained_by(const seg_t *a, const seg_t *b, double a_gap, int b_kind, double b_inner) {
  double ha = a->b.y2 - a->b.y1, hb = b->b.y2 - b->b.y1;
  return b_kind == 2 && fabs(a->b.x1 - b->b.x1) <= 0.5 && fabs(ha - hb) <= 0.03 * ha &&
         fmax(b->b.y1 - a->b.y2, a->b.y1 - b->b.y2) < 2 * ha && fabs(b_inner - a_gap) <= 0.15 * a_gap;
}

/* Marks the words of the page's segments that start a cell (wide_gaps):
 * written after a TAB instead of a space.  Out of memory it marks no word
 * (its allocations all come first): the page is still written, with a
 * space where two cells meet, rather than lost. */
static void mark_cells(page_ctx *pc) {
  size_t n = pc->nwords, ns = pc->nsegs;
  hgap_t *v = malloc((n ? n : 1) * sizeof *v);
  bool *cut = malloc((n ? n : 1) * sizeof *cut);
  int *kind = calloc(ns ? ns : 1, sizeof *kind);
  double *inner = calloc(ns ? ns : 1, sizeof *inner);
  seg_t **by = malloc((ns ? ns : 1) * sizeof *by);
  spaces_t S = {0};
  bool ok = v && cut && kind && inner && by && page_spaces(pc, v, &S);
  for (size_t i = 0; ok && S.n && i < ns; i++) {
    const seg_t *sg = &pc->segs[i];
    if (sg->nw < 2)
      continue;
    kind[i] = wide_gaps(pc, sg, &S, cut, v, &inner[i]);
    for (size_t k = 1; k < sg->nw; k++)
      pc->words[sg->w0 + k].tab = cut[k];
  }
  /* a line of even wide gaps is one cell when the line above or below
   * shows them inside its cells */
  for (size_t i = 0; ok && i < ns; i++)
    by[i] = &pc->segs[i];
  if (ok)
    qsort(by, ns, sizeof *by, cmp_seg_left);
  for (size_t i = 0; ok && i < ns; i++) {
    size_t a = (size_t)(by[i] - pc->segs);
    if (kind[a] != 1)
      continue;
    size_t p = i ? (size_t)(by[i - 1] - pc->segs) : a, q = i + 1 < ns ? (size_t)(by[i + 1] - pc->segs) : a;
    if ((p != a && explained_by(by[i], by[i - 1], inner[a], kind[p], inner[p])) ||
        (q != a && explained_by(by[i], by[i + 1], inner[a], kind[q], inner[q])))
      for (size_t k = 1; k < by[i]->nw; k++)
        pc->words[by[i]->w0 + k].tab = false;
  }
  free(S.lo);
  free(v);
  free(cut);
  free(kind);
  free(inner);
  free(by);
}

/* At most this many fragments are open at once (a page has fewer lines);
 * past it the one that ended furthest left is closed, so that a hostile
 * page of a million one-word lines costs n x MAX_OPEN, not n squared. */
#define MAX_OPEN 512

bool cw__x_segments(page_ctx *pc) {
  size_t n = pc->nwords;
  int *fid = malloc((n ? n : 1) * sizeof *fid);
  frag_t *act = malloc((n ? n : 1) * sizeof *act);
  word_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
  pc->segs = calloc(n ? n : 1, sizeof *pc->segs);
  bool ok = fid && act && tmp && pc->segs;
  if (ok) {
    qsort(pc->words, n, sizeof *pc->words, cmp_word_x);
    size_t nact = 0;
    int nf = 0;
    for (size_t i = 0; i < n; i++) {
      word_t *w = &pc->words[i];
      double hw = w->b.y2 - w->b.y1;
      size_t best = SIZE_MAX, oldest = 0;
      for (size_t k = 0; k < nact;) {
        const word_t *l = &pc->words[act[k].last];
        /* words come by x: a fragment far to the left is closed */
        if (w->b.x1 - l->b.x2 > 3 * fmax(hw, act[k].hsum / (double)act[k].nw)) {
          act[k] = act[--nact];
          if (best == nact)
            best = k; /* it moved */
          if (oldest == k || oldest == nact)
            oldest = oldest == nact ? k : 0;
          continue;
        }
        if (frag_takes(l, &act[k], w) &&
            (best == SIZE_MAX || fabs(l->b.y2 - w->b.y2) <
                                 fabs(pc->words[act[best].last].b.y2 - w->b.y2)))
          best = k;
        if (l->b.x2 < pc->words[act[oldest].last].b.x2)
          oldest = k;
        k++;
      }
      if (best == SIZE_MAX) {
        best = nact < MAX_OPEN ? nact++ : oldest;
        act[best] = (frag_t){i, 0, 0, nf++};
      }
      act[best].last = i;
      act[best].hsum += hw;
      act[best].nw++;
      fid[i] = act[best].id;
    }
    /* words of a fragment become contiguous, in x order (a stable counting
     * sort by fragment id) */
    size_t *start = calloc((size_t)nf + 1, sizeof *start);
    ok = start != NULL;
    if (ok) {
      for (size_t i = 0; i < n; i++)
        start[fid[i] + 1]++;
      for (int f = 0; f < nf; f++)
        start[f + 1] += start[f];
      for (size_t i = 0; i < n; i++)
        tmp[start[fid[i]]++] = pc->words[i];
      memcpy(pc->words, tmp, n * sizeof *tmp);
      size_t i = 0;
      for (int f = 0; f < nf; f++) {
        size_t end = start[f];
        seg_t *sg = &pc->segs[pc->nsegs++];
        *sg = (seg_t){-1, i, end - i, pc->words[i].b, NULL, false, 0};
        for (size_t k = i; k < end; k++) {
          box_t *b = &pc->words[k].b;
          sg->b.x1 = fmin(sg->b.x1, b->x1);
          sg->b.y1 = fmin(sg->b.y1, b->y1);
          sg->b.x2 = fmax(sg->b.x2, b->x2);
          sg->b.y2 = fmax(sg->b.y2, b->y2);
        }
        join_letter_spacing(pc, sg);
        i = end;
      }
      free(start);
    }
  }
  free(fid);
  free(act);
  free(tmp);
  if (ok)
    mark_cells(pc);
  return ok;
}

