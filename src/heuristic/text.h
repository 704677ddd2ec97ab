/* Bottom layer of the offline parser: the line and document model, the
 * compiled patterns and small text helpers that every other file uses.
 *
 * Layers (each file includes only headers of the layers below it;
 * tests/heuristic_layers.sh has the full order):
 *   text    <- words, lines, levels, items
 *           <- sections, contacts, lists, chips, lineclass
 *           <- skills, cutnames, names, cells <- groups <- anchors <- layout
 *           <- parts, edugroups <- work, education, projects <- entries
 *           <- heuristic.c (the public entry points)
 * Not installed. */
#ifndef CW_HEURISTIC_TEXT_H
#define CW_HEURISTIC_TEXT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <jansson.h>
#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>

#include "careeros/dates.h"
#include "careeros/heuristic.h"

enum cw__sec {
  SEC_NONE, SEC_SUMMARY, SEC_WORK, SEC_EDUCATION, SEC_SKILLS, SEC_PROJECTS, SEC_CERTS,
  SEC_LANGUAGES, SEC_CONTACT, SEC_OTHER
};

#define CW__MAX_CELLS 8
/* Bounds on what one document can produce: a resume has far fewer; more
 * means the text is not a resume and the work would only grow. */
#define CW__MAX_ENTRIES 200   /* per section */
#define CW__MAX_SKILLS 500
#define CW__MAX_SKILL_ITEMS 5000 /* list items examined per skills section */

typedef struct {
  char *text;       /* trimmed, NUL-terminated, owned by the line array buffer */
  size_t len;
  int indent;       /* leading columns */
  bool bullet;      /* started with a bullet marker (removed from text) */
  int bullet_indent;
  int ncells;       /* cells split by runs of 3+ spaces */
  size_t cell_b[CW__MAX_CELLS], cell_e[CW__MAX_CELLS];
  enum cw__sec heading; /* SEC_NONE unless the line is a section heading */
  bool inline_content;  /* "Skills: a, b": text holds the content after the colon */
} cw__line;

enum cw__re { RE_EMAIL, RE_PHONE, RE_URL, RE_LOCATION, RE_DURATION, RE_DURATION_ANY, RE_GPA, RE_FOOTER, RE__COUNT };

struct cw_heuristic {
  const cw_skills *skills;
  pcre2_code *re[RE__COUNT];
  pcre2_match_data *md;
};

typedef struct {
  cw_heuristic *h;
  const char *norm;   /* normalised full text (for substring checks) */
  size_t norm_len;
  cw__line *lines;
  int nlines;
  int skill_items;    /* skills list items examined so far */
  int date_order;     /* enum cw_dates_order of the document's numeric dates */
} cw__doc;

/* text.c */
int cw__re_compile(cw_heuristic *h); /* fills h->re and h->md */
void cw__re_free(cw_heuristic *h);
char *cw__dup_padded(const char *s, size_t n); /* NUL-terminated copy with zeroed slack */
bool cw__re_find(cw_heuristic *h, enum cw__re re, const char *s, size_t len, size_t *b, size_t *e);
json_t *cw__str(const char *s, size_t n); /* trimmed string or null when empty */
void cw__trim(const char **s, size_t *n);
bool cw__in_text(const cw__doc *d, const char *s, size_t n);
int cw__word_count(const char *s, size_t n);
/* s (n bytes, a whole word or phrase) is an entry of the NULL-ended list,
 * compared without ASCII case ("Senior" matches "senior"; bytes >= 0x80
 * compare exactly). */
bool cw__in_list(const char *const *list, const char *s, size_t n);

#endif
