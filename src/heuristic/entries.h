/* Work, education and project entries. Not installed. */
#ifndef CW_HEURISTIC_ENTRIES_H
#define CW_HEURISTIC_ENTRIES_H

#include "text.h"

/* The section's entries (from, to: its lines) as a JSON array. */
json_t *cw__entries(cw__doc *d, enum cw__sec kind, int from, int to);

#endif
