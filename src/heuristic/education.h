/* Education entries. Not installed. */
#ifndef CW_HEURISTIC_EDUCATION_H
#define CW_HEURISTIC_EDUCATION_H

#include "parts.h"

/* One school entry from group g, NULL when the lines name no school or degree. */
json_t *cw__edu_entry(cw__doc *d, cw__eline *el, const cw__group *g);

#endif
