/* Internal interface of the PDF reading-order code (layout.c,
 * layout_words.c): the page's words and segments. */
#ifndef CW_EXTRACT_LAYOUT_INT_H
#define CW_EXTRACT_LAYOUT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "helper.h"

typedef struct {
  double x1, y1, x2, y2;
} box_t;

typedef struct {
  const char *s; /* into the page text */
  size_t n;
  box_t b;
  unsigned nc; /* characters */
  bool glue;   /* written right after the previous word, without a space */
  bool tab;    /* starts a cell: a gap wider than a word space before it */
  bool spaced; /* a piece of a letter-spaced run ("S U M M A RY") */
  bool sp;     /* a space character came before it (not a jump) */
} word_t;

typedef struct seg seg_t;
struct seg {
  int row;
  size_t w0, nw; /* words[w0 .. w0+nw) (sorted by x) */
  box_t b;
  seg_t *next; /* the next line of the same table cell (wrapped text) */
  bool cont;   /* this is such a next line: written with its first line */
  size_t wrap_at; /* > 0: next is the wrapped line of the cell that ends
                   * before word wrap_at (a cell inside the segment) */
};

typedef struct {
  box_t b;
  double h;
} row_t;

/* The left edge of a cell: a segment's, or that of a word inside one that
 * starts a cell (after a TAB). */
typedef struct {
  double x;
  size_t seg; /* index into segs */
} edge_t;

typedef struct {
  word_t *words;
  size_t nwords;
  row_t *rows;
  size_t nrows, rows_cap;
  seg_t *segs;
  size_t nsegs;
  edge_t *edges; /* the page's cell edges by x, built on first use (layout.c) */
  size_t nedges;
  bool edges_built;
  xbuf *out;
  xbuf *side[2];    /* cw_x_layout_page: where the two columns go */
  bool split;       /* they went there (see xpage) */
  bool right_first; /* the right column is read first */
  double g1, g2;    /* the gutter between them */
  double x1, x2;    /* the page's text spans x1 .. x2 */
} page_ctx;

/* 1. characters -> words (text: the page's UTF-8, rects: one box per
 * character); returns the number of words written (at most nrects). */
size_t cw__x_words(const char *text, const xrect *rects, size_t nrects, word_t *words);
/* 2. words -> segments (pc->segs), each segment's words contiguous and in x
 * order; letter-spaced and small-caps words glued.  False when out of memory. */
bool cw__x_segments(page_ctx *pc);

#endif
