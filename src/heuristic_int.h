/* Internals shared by the heuristic parser's files (not installed). */
#ifndef CAREEROS_HEURISTIC_INT_H
#define CAREEROS_HEURISTIC_INT_H

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
} cw__doc;

/* heuristic.c helpers */
char *cw__dup_padded(const char *s, size_t n); /* NUL-terminated copy with zeroed slack */
bool cw__re_find(cw_heuristic *h, enum cw__re re, const char *s, size_t len, size_t *b, size_t *e);
json_t *cw__str(const char *s, size_t n); /* trimmed string or null when empty */
void cw__trim(const char **s, size_t *n);
bool cw__in_text(const cw__doc *d, const char *s, size_t n);
int cw__word_count(const char *s, size_t n);

/* heuristic_sections.c */
enum cw__sec cw__heading_kind(const char *s, size_t n, bool strict);

/* contacts.c */
json_t *cw__contact(cw__doc *d, int header_end);

/* ---- entries: line model of a section (heuristic_layout.c) ---- */
enum cw__lkind { L_BLANK, L_HEADER, L_DATE, L_DESC };

typedef struct {
  const cw__line *l;
  enum cw__lkind kind;
  bool has_date, cont;
  cw_date_range date;
  const char *date_src; /* the text the date offsets refer to */
  char *res;            /* line text with date and durations blanked out */
  size_t res_len;
} cw__eline;

#define MAX_HDR 6

typedef struct {
  int hdr[MAX_HDR];
  int nhdr;
  int date_line; /* -1: none */
  int desc_from, desc_to; /* eline indexes of description lines, inclusive range */
  int ndesc;
} cw__group;


/* Classifies the section's lines and groups them into entries.  Returns the
 * number of groups; *el (n lines, each with its own res) and *g are
 * allocated, freed with cw__layout_free. */
int cw__layout(cw__doc *d, int from, int to, cw__eline **el, cw__group **g);
void cw__layout_free(cw__eline *el, int n, cw__group *g);
bool cw__filler_only(const char *s, size_t n);
void cw__blank_span(char *s, size_t b, size_t e);

/* ---- keyword lists (heuristic_words.c) ---- */
enum cw__words { W_TITLE, W_COMPANY, W_INST, W_DEGREE };
bool cw__word_in(const char *w, size_t n, enum cw__words which);
int cw__score_words(const char *s, size_t n, enum cw__words which);
bool cw__starts_with_degree(const char *s, size_t n);
bool cw__is_location(cw__doc *d, const char *s, size_t n);

/* heuristic_entries.c */
json_t *cw__entries(cw__doc *d, enum cw__sec kind, int from, int to);

/* heuristic_lists.c */
void cw__skills_section(cw__doc *d, int from, int to, json_t *skills);
void cw__skills_scan_text(cw__doc *d, json_t *skills);
void cw__languages_section(cw__doc *d, int from, int to, json_t *out);
void cw__certs_section(cw__doc *d, int from, int to, json_t *out);

#endif
