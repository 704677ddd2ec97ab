/* Project entries: name, role, link, dates and description. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "projects.h"
#include "words.h"

static json_t *project_role(const cw__eline *el, const cw__group *g) {
  for (int h = 0; h < g->nhdr; h++) {
    const cw__eline *e = &el[g->hdr[h]];
    for (size_t k = 0; k + 5 <= e->res_len; k++) {
      if (strncasecmp(e->res + k, "role", 4) != 0) continue;
      size_t s = k + 4;
      if (s < e->res_len && e->res[s] == 's') s++;
      if (s >= e->res_len || e->res[s] != ':') continue;
      s++;
      size_t t = s;
      while (t < e->res_len && e->res[t] != ')' && e->res[t] != ';' && e->res[t] != '|') t++;
      return cw__str(e->res + s, t - s);
    }
  }
  return json_null();
}

json_t *cw__project_entry(cw__doc *d, cw__eline *el, const cw__group *g) {
  cw__part p[MAX_PARTS];
  int np = cw__parts_of(d, el, g, p, false);
  if (!np) return NULL;
  cw__part *name = cw__take(&p[0]);
  json_t *nm = cw__part_str(d, name, true);
  if (json_is_null(nm)) return NULL; /* a project needs a name */
  json_t *o = json_object();
  json_object_set_new(o, "name", nm);
  json_object_set_new(o, "role", project_role(el, g));
  json_t *url = json_null();
  for (int i = 0; i < g->nhdr + g->ndesc && json_is_null(url); i++) {
    const cw__eline *e = i < g->nhdr ? &el[g->hdr[i]] : &el[g->desc_from + i - g->nhdr];
    size_t b, en;
    if (e->res && cw__re_find(d->h, RE_URL, e->res, e->res_len, &b, &en))
      url = cw__str(e->res + b, en - b);
  }
  json_object_set_new(o, "url", url);
  cw__set_dates(o, el, g, false);
  char lead[512];
  size_t ln = 0;
  int last_line = -1;
  for (int i = 0; i < np; i++) {
    if (p[i].used || p[i].n + 3 + ln >= sizeof lead) continue;
    const char *s;
    size_t n;
    cw__core_of(&p[i], &s, &n); /* "(Aug 2016; roles: ...)" is not description */
    if (!n) continue;
    if (n >= 5 && strncasecmp(s, "role", 4) == 0) continue;
    /* "Gitlytics | Python, Flask, React": one line stays one item. */
    if (ln && p[i].line == last_line) {
      lead[ln++] = ',';
      lead[ln++] = ' ';
    } else if (ln) {
      lead[ln++] = '\n';
    }
    last_line = p[i].line;
    memcpy(lead + ln, s, n);
    ln += n;
  }
  json_object_set_new(o, "description", cw__description(el, g, lead, ln));
  return o;
}
