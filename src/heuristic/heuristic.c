/* Offline heuristic parser: the public entry points and the assembly of
 * the document from its sections.  The top layer: it includes the others,
 * none of them includes it (see text.h for the layers). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "contacts.h"
#include "entries.h"
#include "items.h"
#include "lines.h"
#include "lists.h"
#include "sections.h"
#include "skills.h"

int cw_heuristic_new(const cw_skills *skills, cw_heuristic **out) {
  if (!out) return -EINVAL;
  cw_heuristic *h = calloc(1, sizeof *h);
  if (!h) return -ENOMEM;
  h->skills = skills;
  int rc = cw__re_compile(h);
  if (rc < 0) {
    cw_heuristic_free(h);
    return rc;
  }
  *out = h;
  return 0;
}

void cw_heuristic_free(cw_heuristic *h) {
  if (!h) return;
  cw__re_free(h);
  free(h);
}

static json_t *summary_of(cw__doc *d, int from, int to) {
  size_t cap = 0;
  for (int i = from; i < to; i++) cap += d->lines[i].len + 1;
  char *buf = malloc(cap + 1);
  if (!buf) return json_null();
  size_t n = 0;
  for (int i = from; i < to; i++) {
    cw__line *l = &d->lines[i];
    if (!l->len) continue;
    if (n) buf[n++] = l->bullet ? '\n' : ' ';
    memcpy(buf + n, l->text, l->len);
    n += l->len;
  }
  json_t *v = cw__str(buf, n);
  free(buf);
  return v;
}

static int section_end(cw__doc *d, int from) {
  int i = from + 1;
  while (i < d->nlines && d->lines[i].heading == SEC_NONE) i++;
  return i;
}

static void extend(json_t *arr, json_t *more) {
  if (more) json_array_extend(arr, more);
  json_decref(more);
}

/* A summary paragraph before the first heading and after the contact block. */
static json_t *implicit_summary(cw__doc *d, int header_end) {
  for (int i = 0; i < header_end; i++) {
    cw__line *l = &d->lines[i];
    if (l->len > 120 && cw__word_count(l->text, l->len) >= 15 && !strchr(l->text, '@'))
      return summary_of(d, i, header_end);
  }
  return json_null();
}

static json_t *assemble(cw__doc *d) {
  int first = 0;
  while (first < d->nlines && d->lines[first].heading == SEC_NONE) first++;
  json_t *doc = json_object();
  json_t *work = json_array(), *edu = json_array(), *skills = json_array();
  json_t *proj = json_array(), *certs = json_array(), *langs = json_array();
  json_t *summary = NULL;
  json_object_set_new(doc, "contact", cw__contact(d, first));
  for (int i = first; i < d->nlines;) {
    int end = section_end(d, i);
    int from = d->lines[i].inline_content ? i : i + 1; /* "Skills: a, b" */
    switch (d->lines[i].heading) {
    case SEC_SUMMARY:
      if (!summary) summary = summary_of(d, from, end);
      break;
    case SEC_WORK: extend(work, cw__entries(d, SEC_WORK, from, end)); break;
    case SEC_EDUCATION: extend(edu, cw__entries(d, SEC_EDUCATION, from, end)); break;
    case SEC_PROJECTS: extend(proj, cw__entries(d, SEC_PROJECTS, from, end)); break;
    case SEC_SKILLS: cw__skills_section(d, from, end, skills); break;
    case SEC_CERTS: cw__certs_section(d, from, end, certs); break;
    case SEC_LANGUAGES: cw__languages_section(d, from, end, langs); break;
    default: break;
    }
    i = end;
  }
  if (json_array_size(skills) == 0) cw__skills_scan_text(d, skills);
  if (!summary || json_is_null(summary)) {
    json_decref(summary);
    summary = implicit_summary(d, first);
  }
  json_object_set_new(doc, "summary", summary);
  json_object_set_new(doc, "work_experience", work);
  json_object_set_new(doc, "education", edu);
  json_object_set_new(doc, "skills", skills);
  json_object_set_new(doc, "projects", proj);
  json_object_set_new(doc, "certifications", certs);
  json_object_set_new(doc, "languages", langs);
  return doc;
}

/* ---- section names in a label column, one space from the content ---------- */

/* Length of the section name that opens line l ("Education University of
 * Leeds" -> 9), 0 if none: one to three words that name a section the
 * parser reads, then content that starts with a capital or a digit
 * somewhere in its first word ("Work Senior Designer", "Projects rsFC").
 * A sentence ("Work closely with ...") starts in lower case. */
static size_t label_prefix(const cw__line *l, enum cw__sec *kind) {
  size_t n = l->cell_e[0] - l->cell_b[0];
  const char *s = l->text + l->cell_b[0];
  size_t ends[4], nw = 0;
  for (size_t i = 0; i < n && nw < 4; i++)
    if (s[i] == ' ') ends[nw++] = i;
  for (size_t w = nw < 3 ? nw : 3; w > 0; w--) {
    size_t e = ends[w - 1];
    enum cw__sec k = cw__heading_kind(s, e, true);
    if (k == SEC_NONE || k == SEC_CONTACT) continue;
    bool cap = false;
    for (size_t i = e + 1; i < n && s[i] != ' ' && !cap; i++)
      cap = isupper((unsigned char)s[i]) || isdigit((unsigned char)s[i]);
    if (!cap) return 0;
    *kind = k;
    return e;
  }
  return 0;
}

/* The row's first cell is a section name ("Skills   Python   SQL"): a
 * label column the extractor did see, evidence for the narrow ones. */
static bool label_cell(const cw__line *l, enum cw__sec *kind) {
  enum cw__sec k = cw__heading_kind(l->text + l->cell_b[0], l->cell_e[0] - l->cell_b[0], true);
  if (k == SEC_NONE || k == SEC_CONTACT) return false;
  *kind = k;
  return true;
}

/* Section names printed in a left label column beside each section's first
 * row come out one space from the content when the extractor saw a narrow
 * gap: "Work Senior Designer", "Education University of Leeds", "Skills
 * Python".  Only in documents that do it for three kinds of section at
 * least, each at the top of a block: one such line alone is a sentence or
 * a title ("Education Coordinator").  The name becomes the row's first
 * cell, so that cw__mark_headings reads the row as a label-column heading. */
static void split_label_column(cw__doc *d) {
  unsigned kinds = 0;
  int found = 0;
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 0; i < d->nlines; i++) {
      cw__line *l = &d->lines[i];
      enum cw__sec k;
      size_t e;
      if (!l->len || l->bullet || l->indent > 2 || (i > 0 && d->lines[i - 1].len)) continue;
      if (pass == 0 && l->ncells > 1 && label_cell(l, &k)) e = 0;
      else if (!(e = label_prefix(l, &k))) continue;
      if (pass == 0) {
        found += !(kinds & (1u << k));
        kinds |= 1u << k;
        continue;
      }
      /* the row's cells move one to the right; a full row's last two merge */
      bool full = l->ncells == CW__MAX_CELLS;
      int nc = full ? l->ncells - 1 : l->ncells;
      for (int c = nc; c > 1; c--) {
        l->cell_b[c] = l->cell_b[c - 1];
        l->cell_e[c] = l->cell_e[c - 1];
      }
      l->cell_b[1] = l->cell_b[0] + e + 1;
      l->cell_e[1] = l->cell_e[0];
      l->cell_e[0] = l->cell_b[0] + e;
      l->ncells = nc + 1;
      if (full) l->cell_e[CW__MAX_CELLS - 1] = l->len;
    }
    if (found < 3) return;
  }
}

int cw_heuristic_parse(cw_heuristic *h, const char *text, size_t len, json_t **document) {
  if (!h || (!text && len) || !document) return -EINVAL;
  cw__doc d = {.h = h};
  size_t nlen = 0;
  char *norm = cw__normalise(text ? text : "", len, &nlen);
  char *buf = norm ? cw__dup_padded(norm, nlen) : NULL;
  if (!norm || !buf) {
    free(norm);
    free(buf);
    return -ENOMEM;
  }
  d.norm = norm;
  d.norm_len = nlen;
  d.date_order = cw_dates_order_of(norm, nlen);
  int rc = cw__make_lines(&d, buf);
  if (rc == 0) {
    split_label_column(&d);
    cw__mark_headings(&d);
    *document = assemble(&d);
    if (!*document) rc = -ENOMEM;
  }
  free(d.lines);
  free(buf);
  free(norm);
  return rc;
}
