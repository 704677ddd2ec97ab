/* Section headings: which lines open which section. Not installed. */
#ifndef CW_HEURISTIC_SECTIONS_H
#define CW_HEURISTIC_SECTIONS_H

#include "text.h"

/* heuristic_sections.c */
enum cw__sec cw__heading_kind(const char *s, size_t n, bool strict);


/* Marks every heading line of the document (l->heading), inline ones
 * ("Skills: a, b") included, and blanks page footers. */
void cw__mark_headings(cw__doc *d);

#endif
