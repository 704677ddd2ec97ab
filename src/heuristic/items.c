/* Items of a list line: split at its separators (commas, bullets, wide
 * gaps) and added to the skills array, or the dictionary's skills in a
 * phrase; the dictionary scan of running text. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "items.h"

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
void cw__split_paren(const char **s, size_t *n, json_t **prof, json_t **years) {
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
bool cw__phrase_like(const char *s, size_t n) {
  static const char *const words[] = {"with", "in", "using", "experienced", "experience",
                                      "proficient", "knowledge", "familiar", "including",
                                      "strong", "excellent", "good", "basic", "advanced", NULL};
  size_t i = 0;
  while (i < n) {
    while (i < n && s[i] == ' ') i++;
    size_t b = i;
    while (i < n && s[i] != ' ') i++;
    if (i > b && cw__in_list(words, s + b, i - b)) return true;
  }
  return false;
}

/* Words with a letter or digit: "RFI / RFP processes" has three. */
static int name_words(const char *s, size_t n) {
  int words = 0;
  for (size_t k = 0; k < n;) {
    while (k < n && s[k] == ' ') k++;
    bool alnum = false;
    while (k < n && s[k] != ' ') alnum |= isalnum((unsigned char)s[k++]) || (unsigned char)s[k - 1] >= 0x80;
    words += alnum;
  }
  return words;
}

/* Some letter or digit outside the private-use area (U+E000-U+F8FF, icon
 * fonts print their glyphs there): a lone icon is no skill. */
static bool named_by_letters(const char *s, size_t n) {
  for (size_t k = 0; k < n; k++) {
    unsigned char c = (unsigned char)s[k];
    if (isalnum(c)) return true;
    if (c == 0xEE || (c == 0xEF && k + 1 < n && (unsigned char)s[k + 1] <= 0xA3)) {
      k += 2;
      continue;
    }
    if (c >= 0xC3) return true;
  }
  return false;
}

void cw__add_item(cw__doc *d, json_t *skills, const char *s, size_t n, const char *cat,
                  size_t cat_n, json_t *cat_prof) {
  if (json_array_size(skills) >= CW__MAX_SKILLS || ++d->skill_items > CW__MAX_SKILL_ITEMS) return;
  cw__trim(&s, &n);
  while (n && s[n - 1] == '.') n--;
  if (n > 3 && strncasecmp(s, "and ", 4) == 0) s += 4, n -= 4;
  if (!n || !named_by_letters(s, n)) return;
  if (n > 60 || name_words(s, n) > 4 || cw__phrase_like(s, n)) {
    /* A phrase ("Proficient in Python and SQL"): the dictionary's skills in it. */
    char *tmp = strndup(s, n);
    if (tmp) cw_skills_scan(d->h->skills, tmp, n, scan_cb, skills);
    free(tmp);
    return;
  }
  json_t *prof = NULL, *years = NULL;
  cw__split_paren(&s, &n, &prof, &years);
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

bool cw__is_delim(const char *p, size_t left, size_t *len) {
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

/* A separator other than a wide gap, outside brackets: "a, b", "a | b". */
bool cw__has_delim(const char *s, size_t n) {
  int depth = 0;
  for (size_t k = 0; k < n; k++) {
    size_t dl;
    if (s[k] == '(') depth++;
    if (s[k] == ')' && depth) depth--;
    if (!depth && s[k] != ' ' && cw__is_delim(s + k, n - k, &dl)) return true;
  }
  return false;
}

bool cw__ends_delim(const char *s, size_t n) {
  while (n && s[n - 1] == ' ') n--;
  if (!n) return false;
  size_t dl;
  for (size_t k = n >= 3 ? n - 3 : 0; k < n; k++)
    if (s[k] != ' ' && cw__is_delim(s + k, n - k, &dl) && k + dl == n) return true;
  return false;
}

void cw__add_list(cw__doc *d, json_t *skills, const char *s, size_t n, const char *cat,
                  size_t cat_n, json_t *prof) {
  const char *b = s, *end = s + n;
  int depth = 0;
  for (const char *p = s; p < end;) {
    size_t dl = 0;
    if (*p == '(') depth++;
    if (*p == ')' && depth) depth--;
    if (depth == 0 && cw__is_delim(p, (size_t)(end - p), &dl)) {
      cw__add_item(d, skills, b, (size_t)(p - b), cat, cat_n, prof);
      p += dl;
      b = p;
    } else {
      p++;
    }
  }
  cw__add_item(d, skills, b, (size_t)(end - b), cat, cat_n, prof);
}

/* "Category (Level): items" -> category and level. */
const char *cw__category_colon(const char *s, size_t n) {
  const char *c = memchr(s, ':', n);
  if (!c || c == s || (size_t)(c - s) > 40 || (size_t)(c - s) + 1 >= n) return NULL;
  if (cw__word_count(s, (size_t)(c - s)) > 5) return NULL;
  if (c + 1 < s + n && c[1] == '/') return NULL; /* URL */
  return c;
}

void cw__skills_scan_text(cw__doc *d, json_t *skills) {
  cw_skills_scan(d->h->skills, d->norm, d->norm_len, scan_cb, skills);
}
