/* Line model of an entry section: classified lines grouped into entries.
 * What the files above it use of the layout layers. Not installed. */
#ifndef CW_HEURISTIC_LAYOUT_H
#define CW_HEURISTIC_LAYOUT_H

#include "cutnames.h"
#include "groups.h"
#include "lineclass.h"

/* Classifies the section's lines and groups them into entries.  Returns the
 * number of groups; *el (n lines, each with its own res) and *g are
 * allocated, freed with cw__layout_free.  With anchor_names > 0, a section
 * whose description is not marked by bullets is grouped around its dated
 * lines, each taking that many name lines (organisation, role, ...). */
int cw__layout(cw__doc *d, int from, int to, int anchor_names, cw__eline **el, cw__group **g);
void cw__layout_free(cw__eline *el, int n, cw__group *g);

#endif
