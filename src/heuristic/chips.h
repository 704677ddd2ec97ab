/* Skill items run together on a row. Not installed. */
#ifndef CW_HEURISTIC_CHIPS_H
#define CW_HEURISTIC_CHIPS_H

#include "text.h"

/* Three words or more, no separator, no sentence. */
bool cw__chip_row(const char *s, size_t n);
/* Words of s that the skills dictionary knows on their own. */
int cw__known_words(const cw__doc *d, const char *s, size_t n);
/* A connector word inside: a name ("Algorithms and Data Structures"), not a row. */
bool cw__connected_name(const char *s, size_t n);
/* Adds the items of a row of chips, split where one item ends. */
void cw__add_chips(cw__doc *d, json_t *skills, const char *s, size_t n, const char *cat,
                   size_t cat_n, json_t *prof);

#endif
