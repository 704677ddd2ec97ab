/* Grouping of an education section's lines into entries. Not installed. */
#ifndef CW_HEURISTIC_EDUGROUPS_H
#define CW_HEURISTIC_EDUGROUPS_H

#include "layout.h"

/* Regroups the lines of an education section around its dates (one per
 * entry) when it has two or more, and splits off a second school without
 * a date; returns the new number of groups in g (room for n). */
int cw__edu_regroup(cw__eline *el, int n, cw__group *g, int ng);

#endif
