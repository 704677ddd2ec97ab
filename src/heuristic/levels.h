/* Proficiency levels of skills and languages. Not installed. */
#ifndef CW_HEURISTIC_LEVELS_H
#define CW_HEURISTIC_LEVELS_H

#include "text.h"

/* "intermediate", "Master", "7 years", "80%", "★★★☆☆": a proficiency level,
 * not a skill. */
bool cw__is_level(const char *s, size_t n);
/* "Web Development — various": the group name's length, *lvl the level;
 * 0 when the line is not a name and a level joined by a dash. */
size_t cw__dash_level(const char *s, size_t n, const char **lvl, size_t *lvl_n);

#endif
