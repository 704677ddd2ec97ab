/* Contact block of a resume. Not installed. */
#ifndef CW_HEURISTIC_CONTACTS_H
#define CW_HEURISTIC_CONTACTS_H

#include "text.h"

/* contacts.c */
json_t *cw__contact(cw__doc *d, int header_end);

#endif
