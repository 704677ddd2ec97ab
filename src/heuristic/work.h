/* Work entries. Not installed. */
#ifndef CW_HEURISTIC_WORK_H
#define CW_HEURISTIC_WORK_H

#include "parts.h"

/* One job from group g (all: the section's ng groups).  prev_company: the
 * previous entry's employer when it sat on a line of its own; order: the
 * section's usual order of title and company (1 title first, -1 company
 * first, 0 unknown); *evidence gets this entry's order when its keywords
 * tell it; *company_alone whether its company sits alone on its line.
 * NULL when the group holds no job. */
json_t *cw__work_entry(cw__doc *d, cw__eline *el, const cw__group *g, const cw__group *all, int ng,
                       const char *prev_company, int order, int *evidence, bool *company_alone);

#endif
