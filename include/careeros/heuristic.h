/* The offline heuristic resume parser: extracted text -> the parse
 * "document" JSON of provider.h (contact, summary, work_experience,
 * education, skills, projects, certifications, languages).
 *
 * Deterministic: the same text and dictionary give the same document.  Every
 * company and institution it reports is a substring of the input text. */
#ifndef CAREEROS_HEURISTIC_H
#define CAREEROS_HEURISTIC_H

#include <jansson.h>
#include <stddef.h>

#include "careeros/skills.h"

typedef struct cw_heuristic cw_heuristic;

/* skills is borrowed (may be NULL: no dictionary) and must outlive h.
 * Compiles the regular expressions (JIT when the system allows it). */
int cw_heuristic_new(const cw_skills *skills, cw_heuristic **out);
void cw_heuristic_free(cw_heuristic *h);

/* Parses text (UTF-8, need not be NUL-terminated) into a new document
 * object.  Returns 0, -EINVAL for NULL arguments, -ENOMEM. */
int cw_heuristic_parse(cw_heuristic *h, const char *text, size_t len, json_t **document);

#endif
