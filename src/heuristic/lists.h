/* Skills, languages and certifications. Not installed. */
#ifndef CW_HEURISTIC_LISTS_H
#define CW_HEURISTIC_LISTS_H

#include "text.h"

/* heuristic_lists.c */
/* "intermediate", "Master", "7 years", "80%", "★★★☆☆": a proficiency level,
 * not a skill. */
bool cw__is_level(const char *s, size_t n);
void cw__skills_section(cw__doc *d, int from, int to, json_t *skills);
void cw__skills_scan_text(cw__doc *d, json_t *skills);
void cw__languages_section(cw__doc *d, int from, int to, json_t *out);
void cw__certs_section(cw__doc *d, int from, int to, json_t *out);

#endif
