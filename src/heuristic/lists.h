/* Languages and certifications. Not installed. */
#ifndef CW_HEURISTIC_LISTS_H
#define CW_HEURISTIC_LISTS_H

#include "text.h"

void cw__languages_section(cw__doc *d, int from, int to, json_t *out);
void cw__certs_section(cw__doc *d, int from, int to, json_t *out);

#endif
