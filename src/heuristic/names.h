/* What a header line names. Not installed. */
#ifndef CW_HEURISTIC_NAMES_H
#define CW_HEURISTIC_NAMES_H

#include "lineclass.h"

/* How many names (organisation, role) the line carries besides its date:
 * 0, 1, or 2 when a separator or wide gap splits it; dash_one: a dash does
 * not split names. */
int cw__names_in(const cw__eline *e, bool dash_one);
int cw__names_on(const cw__eline *e);
/* Could name an organisation or a role; lower: a lower-case start is allowed. */
bool cw__name_like(cw__doc *d, const cw__eline *e, bool lower);
/* A short sentence without a full stop ("Handled the register and trained new staff"). */
bool cw__short_sentence(const cw__eline *e);
/* Only a link ("https://acme.example"). */
bool cw__is_link_only(cw__doc *d, const cw__eline *e);

#endif
