/* The cells of a dated row. Not installed. */
#ifndef CW_HEURISTIC_CELLS_H
#define CW_HEURISTIC_CELLS_H

#include "lineclass.h"

/* A cell right of the date that is not a place: cut off as the description's start. */
void cw__cut_tail(cw__doc *d, cw__eline *e);
/* Blanks the cells that hold only a link. */
void cw__blank_links(cw__doc *d, cw__eline *e);
/* How many lines right below the dated row a finish its first cell. */
int cw__cell_goes_on(const cw__eline *el, int a, int next_a, bool back_first);

#endif
