/* Items of a list line and the skills they add. Not installed. */
#ifndef CW_HEURISTIC_ITEMS_H
#define CW_HEURISTIC_ITEMS_H

#include "text.h"

/* A list separator at p (",", ";", "|", a bullet, a wide gap); *len its bytes. */
bool cw__is_delim(const char *p, size_t left, size_t *len);
bool cw__has_delim(const char *s, size_t n);
bool cw__ends_delim(const char *s, size_t n);
/* "experienced with AWS": prose, not a skill name. */
bool cw__phrase_like(const char *s, size_t n);
/* "Category (Level): items": the colon, NULL when the line is not that. */
const char *cw__category_colon(const char *s, size_t n);
/* "Skill (expert)": the name, and the level or years in brackets. */
void cw__split_paren(const char **s, size_t *n, json_t **prof, json_t **years);
/* Adds one item (or the dictionary's skills of a phrase) to skills. */
void cw__add_item(cw__doc *d, json_t *skills, const char *s, size_t n, const char *cat,
                  size_t cat_n, json_t *cat_prof);
/* Adds each item of a list split at its separators. */
void cw__add_list(cw__doc *d, json_t *skills, const char *s, size_t n, const char *cat,
                  size_t cat_n, json_t *prof);
/* The dictionary's skills in the whole text (no skills section). */
void cw__skills_scan_text(cw__doc *d, json_t *skills);

#endif
