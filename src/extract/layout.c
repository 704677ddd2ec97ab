/* Reading order of a PDF page from its characters' boxes, keeping columns
 * apart.
 *
 * poppler gives every character of a page with its box
 * (poppler_page_get_text_layout).  We rebuild the layout ourselves instead
 * of trusting the content stream order:
 *   1. characters -> words (split at spaces and at horizontal jumps);
 *   2. words -> segments, built locally from left to right: words on one
 *      baseline with gaps under ~1.2 x their height (a line of a column, a
 *      right-aligned date, a table cell); letter-spaced headings and small
 *      caps are glued back into words (layout_words.c);
 *   3. segments -> rows of a region (vertical overlap with the row's first
 *      segment), recomputed for every region so that one column's line
 *      spacing or a big word plays no part in another's;
 *   4. a column gutter is a vertical band of the region that no segment
 *      crosses (or only a few full-width ones do), with left-aligned text
 *      on its right and rows that exist only on one side, on both sides; a
 *      right-aligned date column is therefore not a gutter, and neither is
 *      a narrow column of labels (dates) each beside its entry's first line;
 *   5. rows that cross the gutter (a centred name, a full-width heading)
 *      split the region into bands; in each band the left column is written
 *      before the right one, each recursively (three columns work too).
 * Within a column, segments of one row are joined with TAB, rows with LF,
 * and a vertical gap larger than ~0.9 row heights adds a blank line; the
 * wrapped lines of a table cell are joined to the cell (link_wrapped_cells).
 *
 * Pure code over the caller's arrays (no poppler here), so that it can be
 * fuzzed: tests/fuzz/fuzz_layout.c feeds it synthetic boxes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout_int.h"

static int cmp_seg_y(const void *a, const void *b) {
  const seg_t *x = *(seg_t *const *)a, *y = *(seg_t *const *)b;
  double cx = (x->b.y1 + x->b.y2) / 2, cy = (y->b.y1 + y->b.y2) / 2;
  if (cx != cy)
    return cx < cy ? -1 : 1;
  return x->b.x1 < y->b.x1 ? -1 : x->b.x1 > y->b.x1;
}

static int cmp_seg_row(const void *a, const void *b) {
  const seg_t *x = *(seg_t *const *)a, *y = *(seg_t *const *)b;
  if (x->row != y->row)
    return x->row < y->row ? -1 : 1;
  return x->b.x1 < y->b.x1 ? -1 : x->b.x1 > y->b.x1;
}

/* 3. Rows of a region: segments whose boxes overlap the row's first one
 * vertically by half of the smaller height.  Computed for each region on its own segments, so
 * that the other column's line spacing plays no part.  Sorts s by row,
 * then x.  Returns false when out of memory. */
static bool assign_rows(page_ctx *pc, seg_t **s, size_t n) {
  if (pc->nrows + n > pc->rows_cap) {
    size_t cap = pc->rows_cap ? pc->rows_cap : 64;
    while (cap < pc->nrows + n)
      cap *= 2;
    row_t *r = realloc(pc->rows, cap * sizeof *r);
    if (!r)
      return false;
    pc->rows = r;
    pc->rows_cap = cap;
  }
  qsort(s, n, sizeof *s, cmp_seg_y);
  size_t i = 0;
  while (i < n) {
    box_t rb = s[i]->b, anchor = s[i]->b;
    size_t j = i + 1;
    while (j < n) {
      /* against the row's first segment, not the union of its boxes: a
       * tall segment must not chain two lines into one row */
      box_t wb = s[j]->b;
      double ov = fmin(anchor.y2, wb.y2) - fmax(anchor.y1, wb.y1);
      if (ov < 0.5 * fmin(anchor.y2 - anchor.y1, wb.y2 - wb.y1))
        break;
      rb.y1 = fmin(rb.y1, wb.y1);
      rb.y2 = fmax(rb.y2, wb.y2);
      j++;
    }
    int ri = (int)pc->nrows++;
    pc->rows[ri] = (row_t){rb, rb.y2 - rb.y1};
    for (size_t k = i; k < j; k++)
      s[k]->row = ri;
    i = j;
  }
  qsort(s, n, sizeof *s, cmp_seg_row);
  return true;
}

/* Words [a, b) of a segment. */
static void emit_words(page_ctx *pc, const seg_t *sg, size_t a, size_t b) {
  for (size_t k = a; k < b; k++) {
    word_t *w = &pc->words[sg->w0 + k];
    if (k > a && !w->glue)
      xbuf_adds(pc->out, w->tab ? "\t" : " ");
    xbuf_add(pc->out, w->s, w->n);
  }
}

static void emit_seg(page_ctx *pc, const seg_t *sg) { emit_words(pc, sg, 0, sg->nw); }

/* The next line of a cell joins it: a space, or nothing after a word
 * broken at its hyphen ("full-" + "time"). */
static void emit_join(page_ctx *pc, const seg_t *prev, size_t last) {
  const word_t *pw = &pc->words[prev->w0 + last];
  if (!(pw->n > 1 && pw->s[pw->n - 1] == '-'))
    xbuf_adds(pc->out, " ");
}

/* One row: its cells separated by TAB, each cell with its wrapped lines. */
static void emit_row_segs(page_ctx *pc, seg_t **s, size_t n) {
  bool first = true;
  for (size_t i = 0; i < n; i++) {
    if (s[i]->cont)
      continue;
    if (!first)
      xbuf_adds(pc->out, "\t");
    first = false;
    if (s[i]->wrap_at) { /* a cell inside the segment, then its next line */
      const seg_t *u = s[i];
      emit_words(pc, u, 0, u->wrap_at);
      emit_join(pc, u, u->wrap_at - 1);
      for (const seg_t *t = u->next; t; t = t->next) {
        emit_seg(pc, t);
        if (t->next)
          emit_join(pc, t, t->nw - 1);
      }
      xbuf_adds(pc->out, "\t");
      emit_words(pc, u, u->wrap_at, u->nw);
      continue;
    }
    for (const seg_t *sg = s[i], *prev = NULL; sg; prev = sg, sg = sg->next) {
      if (prev)
        emit_join(pc, prev, prev->nw - 1);
      emit_seg(pc, sg);
    }
  }
}

/* A line that ends the way a wrapped phrase does ("Jan 2012 -", "Acme,",
 * "R&D &").  Not '/': URLs end so. */
static bool ends_open(page_ctx *pc, const seg_t *sg) {
  const word_t *w = &pc->words[sg->w0 + sg->nw - 1];
  unsigned char c = (unsigned char)w->s[w->n - 1];
  if (c == '-' || c == ',' || c == '&')
    return true;
  /* a lone en or em dash */
  return w->n == 3 && (unsigned char)w->s[0] == 0xE2 && (unsigned char)w->s[1] == 0x80 &&
         (c == 0x93 || c == 0x94);
}

/* Could t (on the row below) be the next line of u's cell?  Same left
 * edge and size, no paragraph gap, inside the cell (limit: the next cell's
 * left edge). */
static bool under(const seg_t *u, const seg_t *t, double limit) {
  double hu = u->b.y2 - u->b.y1, ht = t->b.y2 - t->b.y1;
  return fabs(u->b.x1 - t->b.x1) <= 0.3 * hu && fabs(ht - hu) <= 0.15 * hu &&
         t->b.x2 <= limit + 0.5 && t->b.y1 - u->b.y2 <= 0.8 * hu && !u->next;
}

/* u is full: t's first word would not have fitted after it in the cell. */
static bool full(page_ctx *pc, const seg_t *u, const seg_t *t, double limit) {
  double hu = u->b.y2 - u->b.y1;
  const word_t *w = &pc->words[t->w0];
  return u->b.x2 + 0.25 * hu + (w->b.x2 - w->b.x1) > limit - 0.5 * hu;
}

/* Table cells whose text wraps, in rows of two or three cells: the next
 * line of a cell is tied to the cell's first line, so that the cell comes
 * out whole with its row's other cells beside it.  A next line counts as
 * a wrap when the line above ends open ("Jan 2012 -", "Acme,"), or when
 * every segment of the row below sits under a cell of the row above (two
 * or more of them) and each of those cells is full (the last one up to
 * the region's right edge): two lists side by side are not full.  A single
 * line under one cell is as often the entry's next line (a title under a
 * company, one more list item) as a wrap: it stays a line of its own, and
 * so do the lines of paragraphs. */
static void link_wrapped_cells(page_ctx *pc, seg_t **s, size_t n) {
  double right = -1e9; /* the region's right edge: the last cell's limit */
  for (size_t i = 0; i < n; i++)
    right = fmax(right, s[i]->b.x2);
  size_t i = 0;
  while (i < n) {
    size_t j = i;
    while (j < n && s[j]->row == s[i]->row)
      j++;
    size_t k = j;
    while (k < n && s[k]->row == s[j]->row)
      k++;
    size_t na = j - i, nb = k - j;
    seg_t *pair[3] = {NULL, NULL, NULL}; /* pair[q]: under cell q */
    bool all = na >= 2 && na <= 3 && nb >= 2 && nb <= na;
    for (size_t b = j; na >= 2 && na <= 3 && b < k; b++) {
      bool placed = false;
      for (size_t q = 0; q < na && !placed; q++) {
        seg_t *u = s[i + q], *t = s[b];
        double limit = q + 1 < na ? s[i + q + 1]->b.x1 : right;
        if (!under(u, t, limit))
          continue;
        placed = true;
        if (ends_open(pc, u)) {
          u->next = t;
          t->cont = true;
        } else if (!pair[q]) {
          pair[q] = t;
          all &= full(pc, u, t, limit);
        }
      }
      all &= placed;
    }
    for (size_t q = 0; all && q < na; q++)
      if (pair[q] && !s[i + q]->next) {
        s[i + q]->next = pair[q];
        pair[q]->cont = true;
      }
    i = j;
  }
}

/* The first cell of u, when u holds several (a TAB inside the segment):
 * could t, alone on the row below, be its wrapped next line?  Under the
 * cell, of its size, on the next line of the same paragraph (a gap of at
 * most 0.3 line heights: rows of tags stand further apart), inside the
 * cell's width, and the cell full: t's first word would not have fitted
 * before the next cell ("Senior Platform<TAB>2015 - Present" over
 * "Engineer").  The next cell must start on a column of the page
 * (column_at).  Returns the index of the next cell's first word, or 0. */
static bool wrapped_line(page_ctx *pc, const seg_t *u, const seg_t *t, double limit);

static size_t wrapped_inner(page_ctx *pc, const seg_t *u, const seg_t *t) {
  size_t c = 0;
  for (size_t k = 1; k < u->nw && !c; k++)
    if (pc->words[u->w0 + k].tab)
      c = k;
  if (!c || u->next)
    return 0;
  seg_t cell = *u; /* the first cell alone */
  cell.nw = c;
  cell.b.x2 = pc->words[u->w0 + c - 1].b.x2;
  return wrapped_line(pc, &cell, t, pc->words[u->w0 + c].b.x1) ? c : 0;
}

static int cmp_edge(const void *a, const void *b) {
  const edge_t *x = a, *y = b;
  return x->x < y->x ? -1 : x->x > y->x;
}

/* The page's cell edges (each segment's left edge, and each word inside
 * one that starts a cell), sorted by x.  Edges that are not finite are left
 * out: none of them is within a point of anything.  False when out of
 * memory. */
static bool build_edges(page_ctx *pc) {
  size_t n = 0;
  for (size_t i = 0; i < pc->nsegs; i++)
    n += pc->segs[i].nw + 1;
  pc->edges = malloc((n ? n : 1) * sizeof *pc->edges);
  if (!pc->edges)
    return false;
  for (size_t i = 0; i < pc->nsegs; i++) {
    const seg_t *sg = &pc->segs[i];
    if (isfinite(sg->b.x1))
      pc->edges[pc->nedges++] = (edge_t){sg->b.x1, i};
    for (size_t k = 1; k < sg->nw; k++) {
      const word_t *w = &pc->words[sg->w0 + k];
      if (w->tab && isfinite(w->b.x1))
        pc->edges[pc->nedges++] = (edge_t){w->b.x1, i};
    }
  }
  qsort(pc->edges, pc->nedges, sizeof *pc->edges, cmp_edge);
  return true;
}

/* Another cell of the page starts where u's second cell does (within a
 * point): a grid's column, not dates that follow their title by chance.
 * A binary search in the sorted edges, then a walk over those within the
 * point (past u's own only), so that a page of many rows costs n log n,
 * not segments x words.  (edge - x, rounded, grows with the edge: the
 * edges within the point are one run of the sorted array.)  Out of memory
 * for the edges: the walk over every segment. */
static bool column_at(page_ctx *pc, const seg_t *u, double x) {
  size_t self = (size_t)(u - pc->segs);
  if (!pc->edges_built)
    pc->edges_built = build_edges(pc);
  if (pc->edges_built) {
    size_t a = 0, b = pc->nedges; /* the first edge e with e - x >= -1 */
    while (a < b) {
      size_t m = a + (b - a) / 2;
      if (pc->edges[m].x - x >= -1)
        b = m;
      else
        a = m + 1;
    }
    for (; a < pc->nedges && pc->edges[a].x - x <= 1; a++)
      if (pc->edges[a].seg != self)
        return true;
    return false;
  }
  for (size_t i = 0; i < pc->nsegs; i++) {
    const seg_t *sg = &pc->segs[i];
    if (sg == u)
      continue;
    if (fabs(sg->b.x1 - x) <= 1)
      return true;
    for (size_t k = 1; k < sg->nw; k++) {
      const word_t *w = &pc->words[sg->w0 + k];
      if (w->tab && fabs(w->b.x1 - x) <= 1)
        return true;
    }
  }
  return false;
}

/* t, alone on its row, is the next line of the cell whose last line is u
 * and whose width ends at limit (see wrapped_inner). */
static bool wrapped_line(page_ctx *pc, const seg_t *u, const seg_t *t, double limit) {
  const word_t *end = &pc->words[u->w0 + u->nw - 1], *tw = &pc->words[t->w0];
  for (size_t k = 1; k < t->nw; k++)
    if (pc->words[t->w0 + k].tab)
      return false;
  double hu = end->b.y2 - end->b.y1, ht = tw->b.y2 - tw->b.y1, gap = t->b.y1 - u->b.y2;
  return !t->cont && fabs(u->b.x1 - t->b.x1) <= 0.3 * hu && fabs(ht - hu) <= 0.03 * hu &&
         gap <= 0.3 * hu && gap >= -0.3 * hu && t->b.x2 <= limit + 0.5 &&
         end->b.x2 + 0.25 * hu + (tw->b.x2 - tw->b.x1) > limit - 0.5 * hu;
}

/* Rows of one segment under a row whose first segment holds cells: see
 * wrapped_inner. */
static void link_wrapped_inner(page_ctx *pc, seg_t **s, size_t n) {
  size_t i = 0;
  while (i < n) {
    size_t j = i;
    while (j < n && s[j]->row == s[i]->row)
      j++;
    for (size_t q = i; q < j && j < n && (j + 1 == n || s[j + 1]->row != s[j]->row); q++) {
      size_t c = wrapped_inner(pc, s[q], s[j]);
      if (!c || !column_at(pc, s[q], pc->words[s[q]->w0 + c].b.x1))
        continue;
      s[q]->next = s[j];
      s[q]->wrap_at = c;
      s[j]->cont = true;
      /* and its third line, and so on, alone on their rows as well */
      const word_t *nx = &pc->words[s[q]->w0 + c];
      seg_t *t = s[j];
      for (size_t k = j + 1; k < n && (k + 1 == n || s[k + 1]->row != s[k]->row); k++) {
        if (!wrapped_line(pc, t, s[k], nx->b.x1))
          break;
        t->next = s[k];
        s[k]->cont = true;
        t = s[k];
      }
      break;
    }
    i = j;
  }
}

static void emit_plain(page_ctx *pc, seg_t **s, size_t n) {
  size_t i = 0;
  double last_y2 = -1, last_h = 0;
  link_wrapped_cells(pc, s, n);
  link_wrapped_inner(pc, s, n);
  while (i < n) {
    size_t j = i;
    bool all_cont = true;
    while (j < n && s[j]->row == s[i]->row)
      all_cont &= s[j++]->cont;
    row_t *row = &pc->rows[s[i]->row];
    if (all_cont) { /* written with the rows above */
      last_y2 = row->b.y2;
      i = j;
      continue;
    }
    if (last_y2 >= 0) {
      double gap = row->b.y1 - last_y2;
      xbuf_adds(pc->out, gap > fmax(last_h, row->h) * 0.9 ? "\n\n" : "\n");
    }
    emit_row_segs(pc, s + i, j - i);
    last_y2 = row->b.y2;
    last_h = row->h;
    i = j;
  }
  if (n)
    xbuf_adds(pc->out, "\n\n");
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Most values within one window of w points (sorts v): how many edges line up.
 * O(n log n), so a page of a million tiny segments cannot stall us here. */
static size_t densest(double *v, size_t n, double w) {
  qsort(v, n, sizeof *v, cmp_double);
  size_t best = 0, b = 0;
  for (size_t a = 0; a < n; a++) {
    while (v[a] - v[b] > w)
      b++;
    if (a - b + 1 > best)
      best = a - b + 1;
  }
  return best;
}

/* Which side of the gutter [g1, g2] a segment is on: 1 left, 2 right, 3
 * across (it covers the whole gutter and goes on past it by a quarter of
 * its height: a full-width line).  A segment that only reaches into the
 * gutter (a long sidebar line, an e-mail address overflowing its sidebar
 * by a point) keeps its side. */
static int side_of(const seg_t *sg, double g1, double g2) {
  double m = 0.25 * (sg->b.y2 - sg->b.y1);
  if (sg->b.x1 < g1 - m && sg->b.x2 > g2 + m)
    return 3;
  return sg->b.x1 + sg->b.x2 < g1 + g2 ? 1 : 2;
}

/* Do two segments of one row line up at their top or at their bottom
 * (a fifth of the smaller height)? */
static bool aligned(const seg_t *a, const seg_t *b) {
  double tol = 0.2 * fmin(a->b.y2 - a->b.y1, b->b.y2 - b->b.y1);
  return fabs(a->b.y1 - b->b.y1) <= tol || fabs(a->b.y2 - b->b.y2) <= tol;
}

/* Is the right side of the gutter [g1, g2] left-aligned: do its left
 * edges line up (+-3pt) for at least 40% of its segments, and more of
 * them than of its right edges?  A column is left-aligned; right-aligned
 * dates are not a column.  With first, only the first segment of each row
 * counts: a main column whose titles and dates are set flush right on the
 * row of their organisation ("Acme ... Engineer") is still left-aligned
 * where its lines start. */
static int left_aligned(seg_t **s, size_t n, double g1, double g2, bool first) {
  double *x1 = malloc(n * sizeof *x1), *x2 = malloc(n * sizeof *x2);
  double edge = -1e9; /* the right side's right edge */
  for (size_t q = 0; q < n; q++)
    if (side_of(s[q], g1, g2) == 2)
      edge = fmax(edge, s[q]->b.x2);
  size_t m = 0;
  for (size_t q = 0; q < n && x1 && x2; q++) {
    if (side_of(s[q], g1, g2) != 2)
      continue;
    if (first && q > 0 && s[q - 1]->row == s[q]->row && side_of(s[q - 1], g1, g2) == 2 &&
        s[q]->b.x2 >= edge - 3)
      continue;
    x1[m] = s[q]->b.x1;
    x2[m++] = s[q]->b.x2;
  }
  int ok = 0;
  if (x1 && x2 && m) {
    /* rows' first segments: a column's text lines and its bullets indented
     * by an em or so both start at its left edge */
    double w = first ? 12 : 6;
    size_t best1 = densest(x1, m, w), best2 = densest(x2, m, w);
    ok = best1 * 10 >= m * 4 && (first ? best2 < best1 : best2 <= best1) ? 1
         : best2 > best1 && best2 * 10 >= m * 4                          ? -1
                                                                         : 0;
  }
  free(x1);
  free(x2);
  return ok;
}

/* 4b. Is the empty band [best_a, best_b] a column gutter?  1: yes; 0: no;
 * -1: no, its right side is no left-aligned column or sits beside the
 * entries' first lines (titles and dates beside their own column's text,
 * or such dates and a sidebar further right), so a narrower band may
 * still be one. */
static int gutter_ok(page_ctx *pc, seg_t **s, size_t n, double best_a, double best_b) {
  /* Validate: enough text on both sides, rows that exist on one side only,
   * and a left-aligned right side (a column, not right-aligned dates). */
  size_t left = 0, right = 0, right_chars = 0, left_chars = 0;
  int left_only = 0, right_only = 0, paired = 0, left_rows = 0, sparse = 0, chance = 0;
  int right_rows = 0, rsparse = 0;
  const seg_t *prev_left = NULL, *prev_right = NULL;
  size_t i = 0;
  while (i < n) {
    size_t j = i;
    bool l = false, r = false;
    const seg_t *row_left = NULL, *row_right = NULL;
    while (j < n && s[j]->row == s[i]->row) {
      int side = side_of(s[j], best_a, best_b);
      if (side == 1) {
        if (!row_left)
          row_left = s[j];
        l = true, left++;
        for (size_t k = 0; k < s[j]->nw; k++)
          left_chars += pc->words[s[j]->w0 + k].n;
      }
      else if (side == 2) {
        if (!row_right)
          row_right = s[j];
        r = true, right++;
        for (size_t k = 0; k < s[j]->nw; k++)
          right_chars += pc->words[s[j]->w0 + k].n;
      }
      j++;
    }
    left_only += l && !r;
    right_only += r && !l;
    paired += l && r;
    chance += l && r && !aligned(row_left, row_right);
    left_rows += l;
    if (row_left && prev_left)
      sparse += row_left->b.y1 - prev_left->b.y2 > 2 * (prev_left->b.y2 - prev_left->b.y1);
    if (row_left)
      prev_left = row_left;
    right_rows += r;
    if (row_right && prev_right)
      rsparse += row_right->b.y1 - prev_right->b.y2 > 2 * (prev_right->b.y2 - prev_right->b.y1);
    if (row_right)
      prev_right = row_right;
    i = j;
  }
  bool ok = left >= 3 && right >= 3 && right_chars >= 20;
  if (ok) {
    /* by the rows' first segments only when the right side has rows of
     * its own (a main column beside a sidebar): a grid's rows are all
     * paired, and its staggered cells would line up within an em */
    int al = left_aligned(s, n, best_a, best_b, false);
    if (al <= 0 && (right_only + chance < 2 || left_aligned(s, n, best_a, best_b, true) <= 0))
      return -1;
  }
  /* Dates on the right ("Acme Corp ... 01/2020 - Present", the entry's other
   * lines below on the left only): every right-hand row beside a left-hand
   * one, short, at least half of them far below the previous one.  A
   * sidebar's lines follow each other closely. */
  if (ok && right_only == 0 && right_rows >= 2 && right_chars <= 25 * right &&
      2 * rsparse >= right_rows - 1)
    return -1;
  /* A row whose two sides share neither their top nor their bottom pairs
   * them by chance (a sidebar's line beside a column's): it counts as a row
   * of each side alone.  Cells of one table row line up. */
  if (ok && !(left_only + chance >= 2 && right_only + chance >= 2)) {
    /* Baselines that line up on both sides: still columns when both carry
     * real text and at least one row has no partner; a two-column table
     * whose every row is paired stays row by row. */
    double lc = (double)(left_chars ? left_chars : 1), rc = (double)right_chars;
    ok = fmin(lc, rc) / fmax(lc, rc) >= 0.15 && left_only + right_only >= 1;
    /* Short right-hand segments that all sit beside longer left-hand text
     * are dates or places of the entries on their left, not a column; two
     * lists of short items side by side are columns. */
    if (ok && right_only == 0 && right_chars <= 25 * right &&
        2 * left_chars * right >= 3 * right_chars * left)
      ok = false;
  }
  /* Labels of a grid ("2019 - 2021 | Acme Corp", the entry's lines below
   * on the right only): most left rows have a partner on their row, and
   * at least half of them stand far (two line heights) below the previous
   * left row: one label per entry.  A sidebar's lines follow each other
   * closely.  Rows, not columns. */
  if (ok && paired >= 2 && paired * 10 >= left_rows * 6 && 2 * sparse >= left_rows - 1 &&
      right_only >= paired)
    ok = false;
  return ok;
}

/* At most this many empty bands are tried, widest first. */
#define MAX_GUTTERS 4

/* 4. Finds a gutter in the segments' x extent; returns false if none.  The
 * widest empty band is not always the gutter: a main column whose titles
 * and dates are set flush right leaves a wider band inside it ("Acme" ...
 * "Engineer" / "2019 - 2021") than the gutter to its sidebar; that band
 * fails gutter_ok, and the next widest is tried. */
static bool find_gutter(page_ctx *pc, seg_t **s, size_t n, double *gx1, double *gx2) {
  if (n < 6)
    return false;
  double minx = 1e9, maxx = -1e9;
  for (size_t i = 0; i < n; i++) {
    minx = fmin(minx, s[i]->b.x1);
    maxx = fmax(maxx, s[i]->b.x2);
  }
  int nb = (int)ceil(maxx - minx) + 1;
  if (nb < 20 || nb > 20000)
    return false;
  int *cov = calloc((size_t)nb, sizeof *cov);
  if (!cov)
    return false;
  for (size_t i = 0; i < n; i++) {
    int a = (int)floor(s[i]->b.x1 - minx), b = (int)ceil(s[i]->b.x2 - minx);
    for (int x = a < 0 ? 0 : a; x < b && x < nb; x++)
      cov[x]++;
  }
  /* A few full-width rows may cross a real gutter.  The widest bands,
   * widest first (ga/gb: their edges); the next is tried only after a band
   * that failed as gutter_ok says (-1). */
  int allowed = (int)(n / 20);
  double ga[MAX_GUTTERS], gb[MAX_GUTTERS];
  int ng = 0;
  int x = 0;
  while (x < nb) {
    if (cov[x] > allowed) {
      x++;
      continue;
    }
    int a = x;
    while (x < nb && cov[x] <= allowed)
      x++;
    double w = x - a;
    /* not at the edges: a gutter has content on both sides */
    if (a == 0 || x >= nb || w < 8)
      continue;
    int k = ng < MAX_GUTTERS ? ng++ : MAX_GUTTERS;
    while (k > 0 && gb[k - 1] - ga[k - 1] < w) {
      if (k < MAX_GUTTERS) {
        ga[k] = ga[k - 1];
        gb[k] = gb[k - 1];
      }
      k--;
    }
    if (k < MAX_GUTTERS) {
      ga[k] = minx + a;
      gb[k] = minx + x;
    }
  }
  free(cov);
  for (int k = 0; k < ng; k++) {
    int ok = gutter_ok(pc, s, n, ga[k], gb[k]);
    if (ok > 0) {
      *gx1 = ga[k];
      *gx2 = gb[k];
      return true;
    }
    if (ok == 0)
      break;
  }
  return false;
}

static void emit_region(page_ctx *pc, seg_t **s, size_t n, int depth);

static double max_height(seg_t *const *s, size_t n) {
  double h = 0;
  for (size_t i = 0; i < n; i++)
    h = fmax(h, s[i]->b.y2 - s[i]->b.y1);
  return h;
}

/* Left column, then right; but a column that opens with the largest text
 * of the two (the name, on top of a right sidebar) comes first: a
 * document's title is read before its body. */
static bool right_first(seg_t **l, size_t nl, seg_t **r, size_t nr) {
  return nl && nr && r[0]->b.y2 - r[0]->b.y1 >= 1.3 * max_height(l, nl) &&
         r[0]->b.y2 - r[0]->b.y1 >= max_height(r, nr) - 0.5;
}

static void emit_columns(page_ctx *pc, seg_t **l, size_t nl, seg_t **r, size_t nr, int depth) {
  bool rf = right_first(l, nl, r, nr);
  emit_region(pc, rf ? r : l, rf ? nr : nl, depth);
  emit_region(pc, rf ? l : r, rf ? nl : nr, depth);
}

/* The page below its header is one pair of columns (no row crosses the
 * gutter): when the caller asked for it (pc->side), each column goes to
 * its own buffer, so that a column continued on the next page can be
 * joined to its first part (xpage). */
static bool emit_sides(page_ctx *pc, seg_t **l, size_t nl, seg_t **r, size_t nr) {
  if (!pc->side[0] || !nl || !nr)
    return false;
  xbuf *out = pc->out;
  pc->right_first = right_first(l, nl, r, nr);
  pc->out = pc->side[0];
  emit_region(pc, l, nl, 1);
  pc->out = pc->side[1];
  emit_region(pc, r, nr, 1);
  pc->out = out;
  pc->split = true;
  return true;
}

/* 5. Writes a region: bands split by gutter-crossing rows, left then right. */
static void emit_region(page_ctx *pc, seg_t **s, size_t n, int depth) {
  double g1, g2;
  if (n == 0)
    return;
  if (!assign_rows(pc, s, n))
    return;
  if (depth > 4 || !find_gutter(pc, s, n, &g1, &g2)) {
    emit_plain(pc, s, n);
    return;
  }
  seg_t **lft = malloc(n * sizeof *lft), **rgt = malloc(n * sizeof *rgt);
  if (!lft || !rgt) {
    free(lft);
    free(rgt);
    emit_plain(pc, s, n);
    return;
  }
  /* Rows above the columns, set off from them by a vertical gap, come
   * first, not inside the column they happen to overlap: rows on one side
   * only, before the other side starts (a name, a title line), or a header
   * in a large font across both sides (a name beside a headline; half as
   * tall again as the row below the gap). */
  size_t i = 0;
  {
    int side0 = 0;
    bool one_side = true;
    double hmax = 0, hleft = 0; /* hleft: the tallest text not right of the gutter */
    size_t k = 0;
    for (int rows = 0; k < n && rows < 4; rows++) {
      size_t j = k;
      bool l = false, r = false;
      while (j < n && s[j]->row == s[k]->row) {
        int sd = side_of(s[j], g1, g2);
        l |= sd != 2;
        r |= sd != 1;
        if (sd != 2)
          hleft = fmax(hleft, s[j]->b.y2 - s[j]->b.y1);
        j++;
      }
      int side = l && r ? 3 : l ? 1 : 2;
      one_side &= side != 3 && (!rows || side == side0);
      side0 = side;
      row_t *row = &pc->rows[s[k]->row];
      hmax = fmax(hmax, row->h);
      double hnext = j < n ? pc->rows[s[j]->row].h : 0;
      if (j < n && pc->rows[s[j]->row].b.y1 - row->b.y2 >= 1.2 * fmin(hmax, hnext)) {
        /* (not a name on top of a right sidebar beside the main column's
         * first lines: that sidebar is read first, see emit_columns) */
        if (one_side || (hmax >= 1.5 * hnext && hleft >= 0.8 * hmax)) {
          emit_plain(pc, s, j);
          i = j;
        }
        break;
      }
      k = j;
    }
  }
  size_t nl = 0, nr = 0;
  bool crossed = false;
  while (i < n) {
    size_t j = i;
    bool crosses = false;
    while (j < n && s[j]->row == s[i]->row) {
      crosses |= side_of(s[j], g1, g2) == 3;
      j++;
    }
    crossed |= crosses;
    if (crosses) {
      emit_columns(pc, lft, nl, rgt, nr, depth + 1);
      nl = nr = 0;
      emit_plain(pc, s + i, j - i);
    } else {
      for (size_t k = i; k < j; k++) {
        if (side_of(s[k], g1, g2) == 1)
          lft[nl++] = s[k];
        else
          rgt[nr++] = s[k];
      }
    }
    i = j;
  }
  if (depth > 0 || crossed || !emit_sides(pc, lft, nl, rgt, nr)) {
    emit_columns(pc, lft, nl, rgt, nr, depth + 1);
  } else {
    pc->g1 = g1;
    pc->g2 = g2;
  }
  free(lft);
  free(rgt);
}

static void layout(const char *text, const xrect *rects, size_t nrects, page_ctx *pc) {
  pc->words = calloc(nrects ? nrects : 1, sizeof *pc->words);
  if (pc->words) {
    pc->nwords = cw__x_words(text, rects, nrects, pc->words);
    if (cw__x_segments(pc)) {
      seg_t **s = malloc((pc->nsegs ? pc->nsegs : 1) * sizeof *s);
      if (s) {
        pc->x1 = 1e9;
        pc->x2 = -1e9;
        for (size_t i = 0; i < pc->nsegs; i++) {
          s[i] = &pc->segs[i];
          pc->x1 = fmin(pc->x1, s[i]->b.x1);
          pc->x2 = fmax(pc->x2, s[i]->b.x2);
        }
        emit_region(pc, s, pc->nsegs, 0);
        free(s);
      }
    }
  }
  free(pc->words);
  free(pc->rows);
  free(pc->segs);
  free(pc->edges);
}

void cw_x_layout(const char *text, const xrect *rects, size_t nrects, xbuf *out) {
  page_ctx pc = {.out = out};
  layout(text, rects, nrects, &pc);
}

void cw_x_layout_page(const char *text, const xrect *rects, size_t nrects, xpage *pg) {
  page_ctx pc = {.out = &pg->head, .side = {&pg->side[0], &pg->side[1]}};
  layout(text, rects, nrects, &pc);
  pg->split = pc.split;
  pg->right_first = pc.right_first;
  pg->g1 = pc.g1;
  pg->g2 = pc.g2;
  pg->x1 = pc.x1;
  pg->x2 = pc.x2;
}
