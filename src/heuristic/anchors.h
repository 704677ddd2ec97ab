/* Grouping around date anchors. Not installed. */
#ifndef CW_HEURISTIC_ANCHORS_H
#define CW_HEURISTIC_ANCHORS_H

#include "groups.h"

/* Bullet markers do not tell the description from the names: group
 * around the dates. */
bool cw__needs_anchors(cw__doc *d, const cw__eline *el, int n);
/* One group per dated line, each taking up to want name lines around it;
 * returns the number of groups, -1 when out of memory. */
int cw__group_by_anchors(cw__doc *d, cw__eline *el, int n, cw__group *g, int maxg, int want);

#endif
