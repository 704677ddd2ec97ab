/* Line model of an entry section. Not installed. */
#ifndef CW_HEURISTIC_LAYOUT_H
#define CW_HEURISTIC_LAYOUT_H

#include "text.h"

/* ---- entries: line model of a section (heuristic_layout.c) ---- */
enum cw__lkind { L_BLANK, L_HEADER, L_DATE, L_DESC };

typedef struct {
  const cw__line *l;
  enum cw__lkind kind;
  bool has_date, cont;
  cw_date_range date;
  const char *date_src; /* the text the date offsets refer to */
  char *joined;         /* owned date_src of a range printed over several lines */
  char *res;            /* line text with date and durations blanked out */
  size_t res_len;
  size_t tail_b, tail_e; /* l->text span: description begun right of the date cell */
  int wrap;              /* 1 + index of the line that ends this row's first cell, 0: none */
} cw__eline;

#define MAX_HDR 6

typedef struct {
  int hdr[MAX_HDR];
  int nhdr;
  int date_line; /* -1: none */
  int desc_from, desc_to; /* eline indexes of description lines, inclusive range */
  int ndesc;
} cw__group;


/* Classifies the section's lines and groups them into entries.  Returns the
 * number of groups; *el (n lines, each with its own res) and *g are
 * allocated, freed with cw__layout_free.  With anchor_names > 0, a section
 * whose description is not marked by bullets is grouped around its dated
 * lines, each taking that many name lines (organisation, role, ...). */
int cw__layout(cw__doc *d, int from, int to, int anchor_names, cw__eline **el, cw__group **g);
void cw__layout_free(cw__eline *el, int n, cw__group *g);
/* g emptied: no lines, no date, no description.  Returns g. */
cw__group *cw__group_init(cw__group *g);
bool cw__filler_only(const char *s, size_t n);
void cw__blank_span(char *s, size_t b, size_t e);
/* The header line's trimmed text; false when it holds cells or a '|'. */
bool cw__plain_text(const cw__eline *e, const char **s, size_t *n);
/* Characters (not bytes) of s. */
size_t cw__chars(const char *s, size_t n);

#endif
