/* Names cut by the column width. Not installed. */
#ifndef CW_HEURISTIC_CUTNAMES_H
#define CW_HEURISTIC_CUTNAMES_H

#include "lineclass.h"

/* Joins each name cut over two header lines into the lower one; width is
 * the column's width in characters. */
void cw__join_cut_names(cw__doc *d, cw__eline *el, int n, size_t width);
/* The header line's trimmed text; false when it holds cells or a '|'. */
bool cw__plain_text(const cw__eline *e, const char **s, size_t *n);
/* Characters (not bytes) of s. */
size_t cw__chars(const char *s, size_t n);

#endif
