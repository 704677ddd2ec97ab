/* Work, education and project entries. Not installed. */
#ifndef CW_HEURISTIC_ENTRIES_H
#define CW_HEURISTIC_ENTRIES_H

#include "text.h"

/* heuristic_entries.c */
json_t *cw__entries(cw__doc *d, enum cw__sec kind, int from, int to);

#endif
