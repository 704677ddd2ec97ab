/* Education entries. Not installed. */
#ifndef CW_HEURISTIC_EDUCATION_H
#define CW_HEURISTIC_EDUCATION_H

#include "parts.h"

/* One school entry from group g, NULL when the lines name no school or degree. */
json_t *cw__edu_entry(cw__doc *d, cw__eline *el, const cw__group *g);

/* Regroups the lines of an education section around its dates (one per
 * entry) when it has two or more; returns the new number of groups in g
 * (room for n). */
int cw__edu_regroup(cw__eline *el, int n, cw__group *g, int ng);

#endif
