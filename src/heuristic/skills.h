/* Skills sections. Not installed. */
#ifndef CW_HEURISTIC_SKILLS_H
#define CW_HEURISTIC_SKILLS_H

#include "text.h"

void cw__skills_section(cw__doc *d, int from, int to, json_t *skills);

#endif
