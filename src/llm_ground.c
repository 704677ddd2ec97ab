/* Grounding: an employer, school, project or certification name the model
 * gave that does not occur in the resume text is not written as fact.  Names
 * and text are compared after folding case, unifying dashes, dropping
 * punctuation and collapsing whitespace. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <pcre2.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "llm_int.h"

/* Lower case, dashes unified, punctuation dropped, whitespace collapsed: how
 * names are compared with the resume text. */
static char *ground_norm(const char *s, size_t n) {
  char *o = malloc(n + 1);
  if (!o)
    return NULL;
  size_t k = 0;
  bool space = true;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] >= 0x90 &&
        (unsigned char)s[i + 2] <= 0x95) {
      c = '-';
      i += 2;
    } else if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x88 && (unsigned char)s[i + 2] == 0x92) {
      c = '-';
      i += 2;
    }
    if (c == '.' || c == ',' || c == '\'' || c == '"' || c == '(' || c == ')')
      continue;
    if (isspace(c)) {
      if (!space)
        o[k++] = ' ';
      space = true;
      continue;
    }
    o[k++] = (char)tolower(c);
    space = false;
  }
  while (k > 0 && o[k - 1] == ' ')
    k--;
  o[k] = '\0';
  return o;
}

/* Whether a normalised name occurs in the normalised text.  ground_norm
 * folds ASCII case; the case of other letters ("ÉCOLE" and "École") is
 * folded by PCRE2's Unicode tables, and only when the plain search fails
 * for a name with such letters, so the common case costs one strstr. */
static bool grounded_in(const char *text, const char *name) {
  if (!*name || strstr(text, name))
    return true;
  const unsigned char *p = (const unsigned char *)name;
  while (*p && *p < 0x80)
    p++;
  if (!*p)
    return false;
  int err;
  PCRE2_SIZE off;
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)name, PCRE2_ZERO_TERMINATED,
                                 PCRE2_LITERAL | PCRE2_CASELESS | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &err, &off,
                                 NULL);
  if (!re)
    return false;
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
  int rc = md ? pcre2_match(re, (PCRE2_SPTR)text, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL) : -1;
  pcre2_match_data_free(md);
  pcre2_code_free(re);
  return rc >= 0;
}

static const struct {
  const char *list, *field;
} grounded_fields[] = {
    {"work_experience", "company"},
    {"education", "institution"},
    {"projects", "name"},
    {"certifications", "name"},
};

json_t *cw__ground(json_t *doc, const char *text, size_t len) {
  char *nt = ground_norm(text, len);
  json_t *t = json_pack("{s:i,s:i,s:[]}", "checked", 0, "dropped", 0, "dropped_fields");
  if (!nt)
    return t;
  long checked = 0, dropped = 0;
  for (size_t f = 0; f < sizeof grounded_fields / sizeof grounded_fields[0]; f++) {
    json_t *arr = json_object_get(doc, grounded_fields[f].list);
    for (size_t i = 0; i < json_array_size(arr);) {
      json_t *name = json_object_get(json_array_get(arr, i), grounded_fields[f].field);
      if (!json_is_string(name) || json_string_length(name) == 0) {
        i++;
        continue;
      }
      checked++;
      char *nn = ground_norm(json_string_value(name), json_string_length(name));
      bool ok = nn && grounded_in(nt, nn);
      free(nn);
      if (ok) {
        i++;
        continue;
      }
      /* not written as fact: the entry goes, the count stays */
      dropped++;
      char label[96];
      snprintf(label, sizeof label, "%s.%s", grounded_fields[f].list, grounded_fields[f].field);
      json_array_append_new(json_object_get(t, "dropped_fields"), json_string(label));
      json_array_remove(arr, i);
    }
  }
  free(nt);
  json_object_set_new(t, "checked", json_integer(checked));
  json_object_set_new(t, "dropped", json_integer(dropped));
  return t;
}
