/* List sections: skills ("Category: a, b, c" lines or plain lists, plus the
 * dictionary for running text), languages and certifications. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lists.h"

/* ---- skills ---------------------------------------------------------------- */

static bool have_skill(json_t *skills, const char *s, size_t n) {
  size_t i;
  json_t *v;
  json_array_foreach(skills, i, v) {
    const char *name = json_string_value(json_object_get(v, "name"));
    if (name && strlen(name) == n && strncasecmp(name, s, n) == 0) return true;
  }
  return false;
}

static void add_skill(json_t *skills, const char *name, size_t n, json_t *category,
                      json_t *proficiency, json_t *years) {
  json_t *o = json_object();
  json_object_set_new(o, "name", json_stringn(name, n));
  json_object_set_new(o, "category", category ? category : json_null());
  json_object_set_new(o, "proficiency_level", proficiency ? proficiency : json_null());
  json_object_set_new(o, "years_of_experience", years ? years : json_null());
  json_array_append_new(skills, o);
}

/* "(expert)" / "(5 years)" / "(5+ yrs)" after a skill name. */
static void split_paren(const char **s, size_t *n, json_t **prof, json_t **years) {
  const char *open = memchr(*s, '(', *n);
  if (!open || (*s)[*n - 1] != ')') return;
  const char *in = open + 1;
  size_t in_n = (size_t)(*s + *n - 1 - in);
  if (in_n && isdigit((unsigned char)*in)) {
    long y = strtol(in, NULL, 10);
    if (y > 0 && y < 60) *years = json_integer(y);
  } else if (in_n) {
    *prof = cw__str(in, in_n);
  }
  *n = (size_t)(open - *s);
  cw__trim(s, n);
}

static void scan_cb(void *arg, const char *canonical, const char *category) {
  json_t *skills = arg;
  if (json_array_size(skills) < CW__MAX_SKILLS && !have_skill(skills, canonical, strlen(canonical)))
    add_skill(skills, canonical, strlen(canonical), json_string(category), NULL, NULL);
}

/* "experienced with AWS", "knowledge of Linux": prose, not a skill name. */
static bool phrase_like(const char *s, size_t n) {
  static const char *const words[] = {"with", "in", "using", "experienced", "experience",
                                      "proficient", "knowledge", "familiar", "including",
                                      "strong", "excellent", "good", "basic", "advanced", NULL};
  size_t i = 0;
  while (i < n) {
    while (i < n && s[i] == ' ') i++;
    size_t b = i;
    while (i < n && s[i] != ' ') i++;
    for (int k = 0; words[k] && i > b; k++)
      if (strlen(words[k]) == i - b && strncasecmp(words[k], s + b, i - b) == 0) return true;
  }
  return false;
}

static void add_item(cw__doc *d, json_t *skills, const char *s, size_t n, const char *cat,
                     size_t cat_n, json_t *cat_prof) {
  if (json_array_size(skills) >= CW__MAX_SKILLS || ++d->skill_items > CW__MAX_SKILL_ITEMS) return;
  cw__trim(&s, &n);
  while (n && s[n - 1] == '.') n--;
  if (n > 3 && strncasecmp(s, "and ", 4) == 0) s += 4, n -= 4;
  if (!n) return;
  if (n > 60 || cw__word_count(s, n) > 3 || phrase_like(s, n)) {
    /* A phrase ("Proficient in Python and SQL"): the dictionary's skills in it. */
    char *tmp = strndup(s, n);
    if (tmp) cw_skills_scan(d->h->skills, tmp, n, scan_cb, skills);
    free(tmp);
    return;
  }
  json_t *prof = NULL, *years = NULL;
  split_paren(&s, &n, &prof, &years);
  if (!n || have_skill(skills, s, n)) {
    json_decref(prof);
    json_decref(years);
    return;
  }
  const char *canon = NULL, *dcat = NULL;
  json_t *category;
  if (cat_n) category = cw__str(cat, cat_n);
  else if (cw_skills_lookup(d->h->skills, s, n, &canon, &dcat)) category = json_string(dcat);
  else category = json_null();
  if (!prof && cat_prof) prof = json_incref(cat_prof);
  add_skill(skills, s, n, category, prof, years);
}

static bool is_delim(const char *p, size_t left, size_t *len) {
  if (*p == ',' || *p == ';' || *p == '|') {
    *len = 1;
    return true;
  }
  if (left >= 3 && (memcmp(p, "\xe2\x80\xa2", 3) == 0 || memcmp(p, "\xe2\x97\x8f", 3) == 0)) {
    *len = 3;
    return true;
  }
  if (left >= 2 && memcmp(p, "\xc2\xb7", 2) == 0) {
    *len = 2;
    return true;
  }
  if (left >= 3 && p[0] == ' ' && p[1] == ' ' && p[2] == ' ') {
    *len = 3;
    return true;
  }
  return false;
}

static void add_list(cw__doc *d, json_t *skills, const char *s, size_t n, const char *cat,
                     size_t cat_n, json_t *prof) {
  const char *b = s, *end = s + n;
  int depth = 0;
  for (const char *p = s; p < end;) {
    size_t dl = 0;
    if (*p == '(') depth++;
    if (*p == ')' && depth) depth--;
    if (depth == 0 && is_delim(p, (size_t)(end - p), &dl)) {
      add_item(d, skills, b, (size_t)(p - b), cat, cat_n, prof);
      p += dl;
      b = p;
    } else {
      p++;
    }
  }
  add_item(d, skills, b, (size_t)(end - b), cat, cat_n, prof);
}

/* "Category (Level): items" -> category and level. */
static const char *category_colon(const char *s, size_t n) {
  const char *c = memchr(s, ':', n);
  if (!c || c == s || (size_t)(c - s) > 40 || (size_t)(c - s) + 1 >= n) return NULL;
  if (cw__word_count(s, (size_t)(c - s)) > 5) return NULL;
  if (c + 1 < s + n && c[1] == '/') return NULL; /* URL */
  return c;
}

static bool ends_list(const cw__line *l) {
  return l->len && (l->text[l->len - 1] == ',' || l->text[l->len - 1] == ';');
}

void cw__skills_section(cw__doc *d, int from, int to, json_t *skills) {
  bool any_colon = false;
  for (int i = from; i < to; i++)
    if (category_colon(d->lines[i].text, d->lines[i].len)) any_colon = true;
  const cw__line *wrap = NULL; /* a category line that ended in a comma */
  for (int i = from; i < to; i++) {
    const cw__line *l = &d->lines[i];
    if (!l->len) continue;
    const char *c = category_colon(l->text, l->len);
    if (!c && wrap) {
      /* "Research Areas: ..., efficient inference," / "multi-agent RL" */
      const char *wc = category_colon(wrap->text, wrap->len);
      add_list(d, skills, l->text, l->len, wrap->text, (size_t)(wc - wrap->text), NULL);
      wrap = ends_list(l) ? wrap : NULL;
      continue;
    }
    wrap = c && ends_list(l) ? l : NULL;
    if (c) {
      const char *cat = l->text;
      size_t cat_n = (size_t)(c - l->text);
      json_t *prof = NULL, *years = NULL;
      split_paren(&cat, &cat_n, &prof, &years);
      json_decref(years);
      add_list(d, skills, c + 1, l->len - (size_t)(c + 1 - l->text), cat, cat_n, prof);
      json_decref(prof);
      continue;
    }
    /* With "Category: ..." lines around, a lone word is a table label
     * ("Web Development", "Master"), not a skill. */
    bool list = false;
    for (size_t k = 0; k < l->len; k++) {
      size_t dl;
      if (l->text[k] != ' ' && is_delim(l->text + k, l->len - k, &dl)) list = true;
    }
    if (any_colon && !list) continue;
    add_list(d, skills, l->text, l->len, NULL, 0, NULL);
  }
}


void cw__skills_scan_text(cw__doc *d, json_t *skills) {
  cw_skills_scan(d->h->skills, d->norm, d->norm_len, scan_cb, skills);
}

/* ---- languages ----------------------------------------------------------------- */

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
      if (p == end || (depth == 0 && is_delim(p, (size_t)(end - p), &dl))) {
        add_language(out, b, (size_t)(p - b));
        if (p == end) break;
        p += dl - 1;
        b = p + 1;
      }
    }
  }
}

/* ---- certifications ----------------------------------------------------------- */

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
