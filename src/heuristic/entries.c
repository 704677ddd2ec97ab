/* Entries of the work, education and project sections: the section's
 * lines are grouped (layout.c), then each group becomes one entry of the
 * section's kind. */
#include "entries.h"
#include "education.h"
#include "edugroups.h"
#include "projects.h"
#include "work.h"

json_t *cw__entries(cw__doc *d, enum cw__sec kind, int from, int to) {
  json_t *out = json_array();
  cw__eline *el;
  cw__group *g;
  int ng = cw__layout(d, from, to, kind == SEC_WORK ? 2 : 0, &el, &g);
  int school_at = 0; /* where the education entries name their school */
  if (kind == SEC_EDUCATION) ng = cw__edu_regroup(el, to - from, g, ng);
  for (int i = 0; kind == SEC_EDUCATION && i < ng && i < CW__MAX_ENTRIES; i++)
    school_at += cw__edu_school_at(d, el, to - from, &g[i]);
  bool alone = false; /* the previous employer sat on a line of its own */
  /* The entries of one section follow one template: where keywords tell
   * title from company, they also tell the order the others use. */
  int order = 0;
  for (int i = 0; kind == SEC_WORK && i < ng && i < CW__MAX_ENTRIES; i++) {
    int ev = 0;
    json_decref(cw__work_entry(d, el, &g[i], g, ng < CW__MAX_ENTRIES ? ng : CW__MAX_ENTRIES, NULL, 0, &ev, &alone));
    order += ev;
  }
  order = order > 0 ? 1 : order < 0 ? -1 : 0;
  alone = false;
  for (int i = 0; i < ng && json_array_size(out) < CW__MAX_ENTRIES; i++) {
    size_t have = json_array_size(out);
    const char *prev = have && alone ? json_string_value(json_object_get(json_array_get(out, have - 1), "company")) : NULL;
    int ev;
    json_t *e = kind == SEC_WORK ? cw__work_entry(d, el, &g[i], g, ng < CW__MAX_ENTRIES ? ng : CW__MAX_ENTRIES, prev, order, &ev, &alone)
              : kind == SEC_EDUCATION ? cw__edu_entry(d, el, to - from, &g[i], school_at)
              : cw__project_entry(d, el, &g[i]);
    if (e) json_array_append_new(out, e);
  }
  cw__layout_free(el, to - from, g);
  return out;
}
