/* From text to lines: normalisation, bullets, cells. Not installed. */
#ifndef CW_HEURISTIC_LINES_H
#define CW_HEURISTIC_LINES_H

#include "text.h"

/* Normalised copy of s (invisible characters dropped, tabs as cell gaps,
 * invalid UTF-8 as '?'); NULL when out of memory. */
char *cw__normalise(const char *s, size_t len, size_t *out_len);
/* Sets l->ncells and the cell spans: cells are split at runs of 3+ spaces. */
void cw__split_cells(cw__line *l);
/* Splits buf (modified in place) into d->lines. */
int cw__make_lines(cw__doc *d, char *buf);

#endif
