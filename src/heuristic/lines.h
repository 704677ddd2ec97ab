/* From text to lines: normalisation, bullets, cells. Not installed. */
#ifndef CW_HEURISTIC_LINES_H
#define CW_HEURISTIC_LINES_H

#include "text.h"

/* Normalised copy of s (invisible characters dropped, tabs as cell gaps,
 * invalid UTF-8 as '?'); NULL when out of memory. */
char *cw__normalise(const char *s, size_t len, size_t *out_len);
/* Splits buf (modified in place) into d->lines. */
int cw__make_lines(cw__doc *d, char *buf);

#endif
