/* Project entries. Not installed. */
#ifndef CW_HEURISTIC_PROJECTS_H
#define CW_HEURISTIC_PROJECTS_H

#include "parts.h"

/* One project from group g, NULL without a name. */
json_t *cw__project_entry(cw__doc *d, cw__eline *el, const cw__group *g);

#endif
