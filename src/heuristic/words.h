/* Keyword lists (titles, organisations, schools, degrees) and the place test. Not installed. */
#ifndef CW_HEURISTIC_WORDS_H
#define CW_HEURISTIC_WORDS_H

#include "text.h"

/* ---- keyword lists (heuristic_words.c) ---- */
enum cw__words { W_TITLE, W_COMPANY, W_INST, W_DEGREE };
bool cw__word_in(const char *w, size_t n, enum cw__words which);
int cw__score_words(const char *s, size_t n, enum cw__words which);
bool cw__starts_with_degree(const char *s, size_t n);
/* Some word of s is a degree word ("BSc", "Master"). */
bool cw__has_degree(const char *s, size_t n);
/* The name ends in a degree word and has no comma ("High School Diploma"). */
bool cw__ends_in_degree(const char *s, size_t n);
/* The piece ends in a unit word ("Emergency Department", "Platform Team"). */
bool cw__unit_piece(const char *s, size_t n);
/* No role, organisation or school word, and no degree at its start: s
 * names nothing the lists know ("Lyon", "Frankfurt am Main"). */
bool cw__names_nothing(const char *s, size_t n);
bool cw__is_location(cw__doc *d, const char *s, size_t n);
/* A label that opens a part of an entry ("HIGHLIGHTS", "Key achievements:",
 * "Aufgaben:"): names neither organisation nor role. */
bool cw__entry_label(const char *s, size_t n);

#endif
