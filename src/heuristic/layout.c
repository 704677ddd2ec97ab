/* Line model of an entry section, the entry point: classifies the lines,
 * joins names cut by the column, and groups the lines into entries, by
 * layout or around the dates. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "layout.h"
#include "anchors.h"
#include "cutnames.h"
#include "groups.h"
#include "lineclass.h"

int cw__layout(cw__doc *d, int from, int to, int anchor_names, cw__eline **elp, cw__group **gp) {
  int n = to - from;
  *elp = NULL;
  *gp = NULL;
  if (n <= 0) return 0;
  cw__eline *el = calloc((size_t)n, sizeof *el);
  cw__group *g = calloc((size_t)n, sizeof *g);
  if (!el || !g) {
    free(el);
    free(g);
    return 0;
  }
  size_t maxlen = 0;
  for (int i = 0; i < n; i++) {
    const cw__line *l = &d->lines[from + i];
    if (l->len + (size_t)l->indent > maxlen && l->ncells == 1) maxlen = l->len + (size_t)l->indent;
  }
  const cw__eline *prev_desc = NULL;
  for (int i = 0; i < n; i++) {
    el[i].l = &d->lines[from + i];
    cw__classify(d, &el[i], prev_desc, maxlen);
    if (el[i].kind == L_DESC) prev_desc = &el[i];
    else if (el[i].kind != L_BLANK) prev_desc = NULL;
  }
  if (anchor_names) {
    size_t width = 0; /* of the widest line: the column's width */
    for (int i = 0; i < n; i++) {
      size_t c = cw__chars(el[i].l->text, el[i].l->len);
      if (c > width) width = c;
    }
    cw__join_cut_names(d, el, n, width);
  }
  *elp = el;
  *gp = g;
  if (anchor_names && cw__needs_anchors(d, el, n)) {
    int ng = cw__group_by_anchors(d, el, n, g, n, anchor_names);
    if (ng >= 0) return ng;
  }
  return cw__group_lines(d, el, n, g, n);
}

void cw__layout_free(cw__eline *el, int n, cw__group *g) {
  for (int i = 0; el && i < n; i++) free(el[i].res);
  free(el);
  free(g);
}
