/* Line model of an entry section: the classified lines. Not installed. */
#ifndef CW_HEURISTIC_LINECLASS_H
#define CW_HEURISTIC_LINECLASS_H

#include "text.h"

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
  bool place;            /* a bare place by its position in the entry ("Kassel" under the organisation) */
} cw__eline;

#define MAX_HDR 6 /* header lines of one entry */

/* Sets el->kind (and its date, el->res) from el->l; prev_desc is the
 * description line right above, maxlen the section's widest line. */
void cw__classify(cw__doc *d, cw__eline *el, const cw__eline *prev_desc, size_t maxlen);
bool cw__filler_only(const char *s, size_t n);
void cw__blank_span(char *s, size_t b, size_t e);

#endif
