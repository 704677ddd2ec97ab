/* Sections of one entry a line: languages ("German (B2)") and
 * certifications ("Name, Issuer, date"). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lists.h"
#include "items.h"

static void add_language(json_t *out, const char *s, size_t n) {
  if (json_array_size(out) >= 30) return;
  cw__trim(&s, &n);
  if (!n || n > 80) return;
  /* Name is the first word(s) up to a separator: "English — Native",
   * "German (B2)", "French: fluent", "Spanish - basic". */
  size_t k = 0;
  while (k < n && s[k] != '(' && s[k] != ':' && s[k] != '-' &&
         !((unsigned char)s[k] == 0xE2 && k + 2 < n && (unsigned char)s[k + 1] == 0x80))
    k++;
  const char *name = s;
  size_t name_n = k;
  cw__trim(&name, &name_n);
  if (!name_n || cw__word_count(name, name_n) > 3) return;
  const char *prof = s + k;
  size_t prof_n = n - k;
  while (prof_n && (*prof == '(' || *prof == ':' || *prof == '-' || *prof == ' ' ||
                    ((unsigned char)*prof >= 0x80 && (unsigned char)*prof != 0xC3))) {
    prof++;
    prof_n--;
  }
  if (prof_n && prof[prof_n - 1] == ')' && !memchr(prof, '(', prof_n)) prof_n--;
  json_t *nm = cw__str(name, name_n);
  if (json_is_null(nm)) return; /* only separators: no language */
  json_t *o = json_object();
  json_object_set_new(o, "name", nm);
  json_object_set_new(o, "proficiency", cw__str(prof, prof_n));
  json_array_append_new(out, o);
}

void cw__languages_section(cw__doc *d, int from, int to, json_t *out) {
  for (int i = from; i < to && json_array_size(out) < 30; i++) {
    const cw__line *l = &d->lines[i];
    const char *b = l->text, *end = l->text + l->len;
    int depth = 0;
    for (const char *p = l->text; p <= end; p++) {
      if (p < end && *p == '(') depth++;
      if (p < end && *p == ')' && depth) depth--;
      size_t dl = 0;
      if (p == end || (depth == 0 && cw__is_delim(p, (size_t)(end - p), &dl))) {
        add_language(out, b, (size_t)(p - b));
        if (p == end) break;
        p += dl - 1;
        b = p + 1;
      }
    }
  }
}

/* The certificate's date (end of a range, else the single date), blanked
 * out of t together with brackets it leaves empty. */
static json_t *cert_date(char *t, size_t n) {
  cw_date_range r;
  if (cw_dates_find(t, n, &r) != 0) return json_null();
  const char *v = r.end[0] ? r.end : r.start;
  json_t *date = *v ? json_string(v) : json_null();
  size_t b = r.begin, e = r.end_off;
  if (b > 0 && t[b - 1] == '(' && e < n && t[e] == ')') b--, e++;
  memset(t + b, ' ', e - b);
  return date;
}

/* "Name — Issuer", "Name, Issuer", "Name (Issuer)", "Name | Issuer": the
 * issuer follows the last separator ("AWS Certified Solutions Architect –
 * Professional, Amazon Web Services"). */
static void split_issuer(char *t, size_t n, size_t *name_n, const char **issuer, size_t *issuer_n) {
  static const char *const seps[] = {" \xe2\x80\x94 ", " \xe2\x80\x93 ", " - ", " | ", ", ",
                                     " by ", " (", NULL};
  char *hit = NULL;
  int which = -1;
  *name_n = n;
  *issuer = NULL;
  for (int s = 0; seps[s]; s++) {
    for (char *q = strstr(t, seps[s]); q; q = strstr(q + 1, seps[s])) {
      const char *rest = q + strlen(seps[s]);
      size_t rest_n = n - (size_t)(rest - t);
      cw__trim(&rest, &rest_n);
      if (rest_n && *rest != ')' && (!hit || q > hit)) {
        hit = q;
        which = s;
      }
    }
  }
  if (!hit) return;
  *name_n = (size_t)(hit - t);
  const char *is = hit + strlen(seps[which]);
  size_t in = n - (size_t)(is - t);
  while (in && (is[in - 1] == ')' || is[in - 1] == ' ')) in--;
  cw__trim(&is, &in);
  const char *paren = memchr(is, '(', in);
  if (paren) in = (size_t)(paren - is);
  *issuer = is;
  *issuer_n = in;
}

void cw__certs_section(cw__doc *d, int from, int to, json_t *out) {
  (void)d;
  for (int i = from; i < to && json_array_size(out) < 50; i++) {
    const cw__line *l = &d->lines[i];
    if (!l->len || l->len > 300) continue;
    char *t = strndup(l->text, l->len);
    if (!t) return;
    size_t n = l->len;
    json_t *date = cert_date(t, n);
    while (n && strchr(" ,;|", t[n - 1])) t[--n] = 0; /* what the date left behind */
    size_t name_n, issuer_n = 0;
    const char *issuer;
    split_issuer(t, n, &name_n, &issuer, &issuer_n);
    json_t *o = json_object();
    json_object_set_new(o, "name", cw__str(t, name_n));
    json_object_set_new(o, "issuer", issuer ? cw__str(issuer, issuer_n) : json_null());
    json_object_set_new(o, "date", date);
    if (json_is_null(json_object_get(o, "name"))) json_decref(o);
    else json_array_append_new(out, o);
    free(t);
  }
}
