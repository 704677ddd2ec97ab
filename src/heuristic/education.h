/* Education entries. Not installed. */
#ifndef CW_HEURISTIC_EDUCATION_H
#define CW_HEURISTIC_EDUCATION_H

#include "parts.h"

/* One school entry from group g (of the section's n lines el), NULL when
 * the lines name no school or degree.  order: where the section's entries
 * name their school (the sum of cw__edu_school_at over its groups), which
 * settles an entry whose school has no school word. */
json_t *cw__edu_entry(cw__doc *d, cw__eline *el, int n, const cw__group *g, int order);
/* 1: group g names its school in its last part, -1: its first, else 0. */
int cw__edu_school_at(cw__doc *d, cw__eline *el, int n, const cw__group *g);

#endif
