/* Reading an answer's text leniently, and what a repair round quotes back.
 *
 * Local model servers and providers without strict structured outputs wrap
 * the JSON they were asked for: Markdown code fences, a sentence before or
 * after it.  Such a wrapping around exactly one JSON object is removed here,
 * without a repair round; anything else is left to the schema check and
 * the repair round.  What the repair round sends back is bounded: a slice
 * of the bad answer and a capped list of problems.  And the fingerprint an
 * answer kept for a retry carries (the checkpoint between the enrich
 * calls). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm_int.h"

/* [b, e) without leading and trailing blanks. */
static void trim(const char **b, const char **e) {
  while (*b < *e && (**b == ' ' || **b == '\t' || **b == '\r' || **b == '\n'))
    (*b)++;
  while (*e > *b && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r' || (*e)[-1] == '\n'))
    (*e)--;
}

/* A fence line: ``` with an optional language tag (```json, ```JSON5). */
static bool is_fence(const char *b, const char *e, bool opener) {
  trim(&b, &e);
  if (e - b < 3 || memcmp(b, "```", 3) != 0)
    return false;
  for (const char *q = b + 3; q < e; q++)
    if (!opener || !(((*q | 0x20) >= 'a' && (*q | 0x20) <= 'z') || (*q >= '0' && *q <= '9') || *q == '_' ||
                     *q == '-' || *q == '+'))
      return false;
  return true;
}

/* The non-blank lines of [b, e): at most max of them, as [start, end)
 * pairs; returns how many, or max + 1 when there are more. */
static int lines_of(const char *b, const char *e, const char *ls[][2], int max) {
  int n = 0;
  while (b < e) {
    const char *nl = memchr(b, '\n', (size_t)(e - b));
    const char *le = nl ? nl : e;
    const char *tb = b, *te = le;
    trim(&tb, &te);
    if (tb < te) {
      if (n == max)
        return max + 1;
      ls[n][0] = tb;
      ls[n][1] = te;
      n++;
    }
    b = nl ? nl + 1 : e;
  }
  return n;
}

/* What may precede the object: nothing, a fence opener, one prose line, or
 * a prose line and then the opener.  Sets *fence and *prose. */
static bool prefix_ok(const char *b, const char *e, bool *fence, bool *prose) {
  const char *ls[2][2];
  int n = lines_of(b, e, ls, 2);
  if (n > 2)
    return false;
  if (n >= 1 && is_fence(ls[n - 1][0], ls[n - 1][1], true)) {
    *fence = true;
    n--;
  }
  for (int i = 0; i < n; i++)
    if (memmem(ls[i][0], (size_t)(ls[i][1] - ls[i][0]), "```", 3))
      return false;
  *prose = n == 1;
  return n <= 1;
}

/* What may follow it: nothing, the closing fence (only after an opener),
 * one prose line, or the closer and then a prose line.  A prose line that
 * holds another object or array is not prose. */
static bool suffix_ok(const char *b, const char *e, bool fence, bool *prose) {
  const char *ls[2][2];
  int n = lines_of(b, e, ls, 2);
  if (n > 2)
    return false;
  int i = 0;
  if (fence) {
    if (n == 0 || !is_fence(ls[0][0], ls[0][1], false))
      return false;
    i = 1;
  }
  if (n - i > 1)
    return false;
  if (n - i == 1) {
    size_t l = (size_t)(ls[i][1] - ls[i][0]);
    if (memchr(ls[i][0], '{', l) || memchr(ls[i][0], '[', l) || memmem(ls[i][0], l, "```", 3))
      return false;
    *prose = true;
  }
  return true;
}

json_t *cw__answer_load(const char *s, size_t len, int *how, char *err, size_t errlen) {
  *how = 0;
  json_error_t je;
  json_t *v = json_loadb(s, len, 0, &je);
  if (v)
    return v;
  snprintf(err, errlen, "$: not valid JSON (%s at position %d)", je.text, je.position);
  const char *o = memchr(s, '{', len);
  if (!o)
    return NULL;
  bool fence = false, prose_before = false, prose_after = false;
  if (!prefix_ok(s, o, &fence, &prose_before))
    return NULL;
  json_error_t je2;
  json_t *obj = json_loadb(o, len - (size_t)(o - s), JSON_DISABLE_EOF_CHECK, &je2);
  if (!json_is_object(obj)) {
    json_decref(obj);
    return NULL;
  }
  /* with JSON_DISABLE_EOF_CHECK, position is where the object ended */
  const char *end = o + je2.position;
  if (end > s + len || !suffix_ok(end, s + len, fence, &prose_after)) {
    json_decref(obj);
    return NULL;
  }
  *how = (fence ? CW__ANSWER_FENCED : 0) | (prose_before || prose_after ? CW__ANSWER_PROSE : 0);
  err[0] = '\0';
  return obj;
}

/* Cuts at most max bytes of s on a UTF-8 boundary. */
static size_t utf8_cut(const char *s, size_t len, size_t max) {
  if (len <= max)
    return len;
  size_t n = max;
  while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
    n--;
  return n;
}

char *cw__repair_quote(const char *answer, size_t len, size_t max) {
  size_t n = utf8_cut(answer, len, max);
  char *q = NULL;
  if (n == len)
    return strndup(answer, len);
  if (asprintf(&q, "%.*s\n[... %zu more bytes of the answer not shown]", (int)n, answer, len - n) < 0)
    return NULL;
  return q;
}

char *cw__repair_complaint(const char *tmpl, const json_t *errors) {
  size_t total = json_array_size(errors);
  size_t shown = total < CW__REPAIR_MAX_ERRORS ? total : CW__REPAIR_MAX_ERRORS;
  size_t cap = shown * (CW__REPAIR_ERROR_BYTES + 8) + 96;
  char *list = malloc(cap);
  if (!list)
    return NULL;
  size_t k = 0;
  for (size_t i = 0; i < shown; i++) {
    const char *m = json_string_value(json_array_get(errors, i)) ?: "";
    size_t ml = utf8_cut(m, strlen(m), CW__REPAIR_ERROR_BYTES);
    k += (size_t)snprintf(list + k, cap - k, "- %.*s\n", (int)ml, m);
  }
  if (total > shown)
    k += (size_t)snprintf(list + k, cap - k, "- ... and %zu more problems\n", total - shown);
  const char *ph = strstr(tmpl, "{{ERRORS}}");
  char *out = NULL;
  int rc = ph ? asprintf(&out, "%.*s%s%s", (int)(ph - tmpl), tmpl, list, ph + 10) : asprintf(&out, "%s%s", tmpl, list);
  free(list);
  return rc < 0 ? NULL : out;
}

/* v without nulls and empty arrays or objects (a copy). */
static json_t *pruned(const json_t *v) {
  if (json_is_object(v)) {
    json_t *o = json_object();
    const char *k;
    json_t *x;
    json_object_foreach((json_t *)v, k, x) {
      json_t *y = pruned(x);
      if (y)
        json_object_set_new(o, k, y);
    }
    if (json_object_size(o) == 0) {
      json_decref(o);
      return NULL;
    }
    return o;
  }
  if (json_is_array(v)) {
    json_t *a = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) json_array_append_new(a, pruned(x) ?: json_null());
    if (json_array_size(a) == 0) {
      json_decref(a);
      return NULL;
    }
    return a;
  }
  return json_is_null(v) ? NULL : json_deep_copy(v);
}

/* What an exchange is asked about, as 16 hex digits (FNV-1a): the date and
 * the payload in a canonical form (keys sorted; nulls and empty lists left
 * out), since the parse result a first attempt holds in memory and the
 * document a retry rebuilds from the stored entities say the same thing in
 * different forms. */
void cw__llm_fingerprint(const char *date, const json_t *payload, char out[17]) {
  json_t *c = pruned(payload);
  char *txt = c ? json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  json_decref(c);
  uint64_t h = 1469598103934665603ull;
  for (const char *q = date; *q; q++)
    h = (h ^ (unsigned char)*q) * 1099511628211ull;
  h = (h ^ '\n') * 1099511628211ull;
  for (const char *q = txt ? txt : ""; *q; q++)
    h = (h ^ (unsigned char)*q) * 1099511628211ull;
  free(txt);
  snprintf(out, 17, "%016llx", (unsigned long long)h);
}
