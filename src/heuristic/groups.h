/* Entries of a section: groups of classified lines. Not installed. */
#ifndef CW_HEURISTIC_GROUPS_H
#define CW_HEURISTIC_GROUPS_H

#include "lineclass.h"

typedef struct {
  int hdr[MAX_HDR];
  int nhdr;
  int date_line; /* -1: none */
  int desc_from, desc_to; /* eline indexes of description lines, inclusive range */
  int ndesc;
} cw__group;

/* g emptied: no lines, no date, no description.  Returns g. */
cw__group *cw__group_init(cw__group *g);
/* Groups the lines by layout (header lines, then description lines) into
 * at most maxg groups; returns their number. */
int cw__group_lines(cw__doc *d, cw__eline *el, int n, cw__group *g, int maxg);

#endif
