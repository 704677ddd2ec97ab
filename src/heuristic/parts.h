/* Header parts of an entry: the pieces its name lines split into, and the
 * fields every kind of entry shares (dates, description). Not installed. */
#ifndef CW_HEURISTIC_PARTS_H
#define CW_HEURISTIC_PARTS_H

#include "layout.h"

#define MAX_PARTS 24

typedef struct {
  const char *s;
  size_t n;
  int line;      /* header line number inside the entry */
  bool split_by_comma, used, loc;
  bool after_at;   /* right after " at " or " @ ": "Title at Company" */
  bool with_date;  /* cut from the line that held the entry's date ("Mar 2021 - Present, London") */
  int title, company, inst, degree;
} cw__part;

/* Splits the group's header lines into parts (at separators, and at commas
 * that do not belong to a place or a company name) and scores each part's
 * words.  work: the section lists jobs ("Title at Company" is an idiom). */
int cw__parts_of(cw__doc *d, cw__eline *el, const cw__group *g, cw__part *p, bool work);
/* The part without a trailing "(...)" remark. */
void cw__core_of(const cw__part *x, const char **s, size_t *n);
/* The part's text (its core with core), null unless the document holds it. */
json_t *cw__part_str(cw__doc *d, const cw__part *x, bool core);
/* The unused part with the highest positive score, NULL if none. */
cw__part *cw__best(cw__part *p, int np, int (*score)(const cw__part *));

static inline int cw__sc_title(const cw__part *x) { return x->loc ? 0 : x->title; }
static inline int cw__sc_company(const cw__part *x) { return x->loc ? 0 : x->company + x->inst; }
static inline int cw__sc_inst(const cw__part *x) { return x->inst * 2 + (x->degree ? -1 : 0); }
static inline int cw__sc_degree(const cw__part *x) { return x->degree; }
static inline int cw__sc_loc(const cw__part *x) { return x->loc; }
static inline int cw__sc_any(const cw__part *x) { return !x->loc; }
static inline cw__part *cw__take(cw__part *x) {
  if (x) x->used = true;
  return x;
}

/* start_date, end_date, is_current and date_text of the group's date line;
 * a single date is the end with single_is_end, else start and end. */
void cw__set_dates(json_t *o, const cw__eline *el, const cw__group *g, bool single_is_end);
/* The description: lead (header text nobody claimed), then the bullets. */
json_t *cw__description(const cw__eline *el, const cw__group *g, const char *lead, size_t lead_n);
/* Appends y's b to x's a (a wrapped line); y is blanked. */
void cw__join_lines(cw__eline *x, const char *a, size_t an, cw__eline *y, const char *b, size_t bn);
/* Lower-case words of the name s after its first word, other than words
 * that join a name ("of", "de", "und"): "Served on university committees"
 * has two, "Bank of America" none. */
int cw__lower_words(const char *s, size_t n);
/* The name's first word is in lower case ("the Atlas team", not "eBay"). */
bool cw__lower_start(const char *s, size_t n);
/* The name ends with a joining word ("Head of", "Universidad Técnica de"):
 * a column or a line cut it short. */
bool cw__cut_short(const char *s, size_t n);

#endif
