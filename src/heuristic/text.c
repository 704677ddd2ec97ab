/* The offline parser's bottom layer: compiled patterns and the small text
 * helpers every other file of the parser uses. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"

/* Units of a duration printed beside the dates, in the seven languages of
 * the month names: "2 Jahre 3 Monate", "1 an 11 mois", "1 año y 11 meses",
 * "2 anni e 3 mesi", "3 anos", "2 lata 3 miesiące". */
#define DUR_MONTHS                                                                                 \
  "(?:months?|mos?|monate?n?|mon|mois|meses|mes|mesi|mese|mês|miesiące|miesięcy|miesiąc|mies)"
#define DUR_YEARS_OR_MONTHS                                                                        \
  "(?:years?|yrs?|jahren|jahre|jahr|ans?|années?|años?|anos?|anni|anno|rok|lata|lat|" DUR_MONTHS ")"
#define DUR_AND "(?:,|\\s+(?:and|und|et|y|e|i))?\\s*"

static const char *const patterns[RE__COUNT] = {
    [RE_EMAIL] = "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,24}",
    /* International and national formats: +49 30 1234567, (912) 555-4321,
     * 0044 20 7946 0958, +1-415-555-0100, 06 12 34 56 78, (+63) 916 837 5550. */
    [RE_PHONE] = "(?<![\\w.+/])(?:(?:\\+|00)\\d{1,3}[\\s.-]?|\\(\\+\\d{1,3}\\)\\s?)?(?:\\(\\d{1,5}\\)[\\s.-]?)?"
                 "\\d{1,5}(?:(?:[\\s.-]|/\\s?)?\\d{2,5}){1,5}(?![\\w/])",
    [RE_URL] = "(?i)(?:https?://[^\\s|,;<>()]+|www\\.[^\\s|,;<>()]+|"
               "(?<![@\\w.])(?:[a-z0-9-]+\\.)*(?:linkedin\\.com|github\\.com|gitlab\\.com|"
               "twitter\\.com|x\\.com|bitbucket\\.org|medium\\.com|behance\\.net|dribbble\\.com|"
               "stackoverflow\\.com|xing\\.com|kaggle\\.com)(?:/[^\\s|,;<>()]*)?|"
               "(?<![@\\w.])[a-z0-9-]{2,}\\.(?:com|org|net|io|dev|ai|me|co|app|tech|page|site)"
               "(?:/[^\\s|,;<>()]*)?(?![\\w@]))",
    /* "San Francisco, CA", "Berlin, Germany", "Palo Alto, CA 94301", "Remote" */
    [RE_LOCATION] = "^(?:(?:\\p{Lu}[\\p{L}.'-]*(?:\\s+(?:\\p{Lu}|de|del|am|an|sur|upon)"
                    "[\\p{L}.'-]*){0,3})(?:,\\s*\\p{Lu}[\\p{L}.'-]*(?:\\s+\\p{Lu}[\\p{L}.'-]*){0,3}){1,2}"
                    "(?:\\s+\\d{4,5})?|remote|hybrid|remote,?\\s.*|.*\\(remote\\))$",
    /* "2 years 10 months", "(4 yrs)", "-1 years -2 months" (a duration a
     * theme computed from an end before the start); a word before the
     * unit stands apart from it: "Ames" or "Amos" is a name, not "a mes" */
    [RE_DURATION] = "(?i)^\\(?\\s*(?:(?:a|an|one|ein|eine|einen|un|una|uno|um|uma)\\s+|-?\\d+\\+?\\s*)"
                    DUR_YEARS_OR_MONTHS
                    "(?:" DUR_AND "-?\\d+\\s*" DUR_MONTHS ")?\\s*\\)?$",
    [RE_DURATION_ANY] = "(?i)[(\\x{00B7}]?\\s*-?\\b\\d+\\+?\\s*" DUR_YEARS_OR_MONTHS "\\b"
                        "(?:" DUR_AND "-?\\d+\\s*" DUR_MONTHS "\\b)?\\s*\\)?",
    [RE_GPA] = "(?i)\\b(?:GPA|grade|cgpa|note|nota)\\b\\s*[:=]?\\s*(\\d+(?:[.,]\\d+)?(?:\\s*/\\s*\\d+(?:[.,]\\d+)?)?)",
    [RE_FOOTER] = "(?i)^(?:page\\s*\\d+(?:\\s*(?:of|/)\\s*\\d+)?|-\\s*\\d+\\s*-|"
                  /* "Jane Doe - 1/2", but not the range "Analyst   06/19 - 08/21" */
                  ".{0,60}(?<!\\d/\\d\\d)(?<!\\d/\\d\\d\\s)[-\\x{2013}\\x{2014}]\\s*\\d{1,2}\\s*/\\s*\\d{1,2}|\\d{1,2}\\s*/\\s*\\d{1,2})$",
};

int cw__re_compile(cw_heuristic *h) {
  for (int i = 0; i < RE__COUNT; i++) {
    int err;
    PCRE2_SIZE off;
    h->re[i] = pcre2_compile((PCRE2_SPTR)patterns[i], PCRE2_ZERO_TERMINATED,
                             PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK, &err, &off, NULL);
    if (!h->re[i]) return -EINVAL;
    /* JIT is an optimisation only: MemoryDenyWriteExecute= makes it fail,
     * and the interpreter gives the same answers. */
    (void)pcre2_jit_compile(h->re[i], PCRE2_JIT_COMPLETE);
  }
  h->md = pcre2_match_data_create(4, NULL);
  return h->md ? 0 : -ENOMEM;
}

void cw__re_free(cw_heuristic *h) {
  for (int i = 0; i < RE__COUNT; i++) pcre2_code_free(h->re[i]);
  pcre2_match_data_free(h->md);
}

char *cw__dup_padded(const char *s, size_t n) {
  /* PCRE2's JIT reads whole vector words near the end of a subject; zeroed
   * slack keeps those reads on initialised memory (and valgrind quiet). */
  char *o = malloc(n + 32);
  if (!o) return NULL;
  memcpy(o, s, n);
  memset(o + n, 0, 32);
  return o;
}

bool cw__re_find(cw_heuristic *h, enum cw__re re, const char *s, size_t len, size_t *b,
                 size_t *e) {
  int rc = pcre2_match(h->re[re], (PCRE2_SPTR)s, len, 0, PCRE2_NO_UTF_CHECK, h->md, NULL);
  if (rc < 0) return false;
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(h->md);
  /* With a capture group, report the first group (GPA value). */
  int g = rc > 1 && ov[2] != PCRE2_UNSET ? 1 : 0;
  if (b) *b = ov[2 * g];
  if (e) *e = ov[2 * g + 1];
  return true;
}

void cw__trim(const char **s, size_t *n) {
  static const char junk[] = " \t|,;:-*\xe2\x80\x93\xe2\x80\x94\xc2\xb7";
  bool again = true;
  while (again && *n) {
    again = false;
    /* Leading blanks, separators and markdown emphasis. */
    if (strchr(" \t|,;*_", (*s)[0])) {
      (*s)++, (*n)--;
      again = true;
    } else if (*n >= 3 && ((unsigned char)(*s)[0] == 0xE2 && (unsigned char)(*s)[1] == 0x80 &&
                           ((unsigned char)(*s)[2] == 0x93 || (unsigned char)(*s)[2] == 0x94))) {
      *s += 3, *n -= 3;
      again = true;
    } else if ((*s)[0] == '-' && (*n == 1 || (*s)[1] == ' ')) {
      (*s)++, (*n)--;
      again = true;
    }
    if (!*n) break;
    char last = (*s)[*n - 1];
    if (strchr(" \t|,;:*_", last)) {
      (*n)--;
      again = true;
    } else if (*n >= 3 && (unsigned char)(*s)[*n - 3] == 0xE2 &&
               (unsigned char)(*s)[*n - 2] == 0x80 &&
               ((unsigned char)last == 0x93 || (unsigned char)last == 0x94)) {
      *n -= 3;
      again = true;
    } else if (last == '-' && (*n == 1 || (*s)[*n - 2] == ' ')) {
      (*n)--;
      again = true;
    }
  }
  (void)junk;
}

json_t *cw__str(const char *s, size_t n) {
  if (!s) return json_null();
  cw__trim(&s, &n);
  if (!n) return json_null();
  json_t *v = json_stringn(s, n);
  return v ? v : json_null();
}

/* s at t, where each blank of s may be any run of blanks or line breaks
 * of the text (a name joined from a wrapped line). */
static bool matches_wrapped(const char *t, const char *end, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (s[i] == ' ') {
      if (t == end || !isspace((unsigned char)*t)) return false;
      while (t < end && isspace((unsigned char)*t)) t++;
      while (i + 1 < n && s[i + 1] == ' ') i++;
    } else if (t == end || *t++ != s[i]) {
      return false;
    }
  }
  return true;
}

bool cw__in_text(const cw__doc *d, const char *s, size_t n) {
  if (!n) return false;
  if (memmem(d->norm, d->norm_len, s, n)) return true;
  const char *sp = memchr(s, ' ', n), *end = d->norm + d->norm_len;
  if (!sp) return false;
  /* Only then the slower walk, from each place the first word occurs. */
  size_t w = (size_t)(sp - s);
  for (const char *t = d->norm; (t = memmem(t, (size_t)(end - t), s, w)) != NULL; t++)
    if (matches_wrapped(t + w, end, s + w, n - w)) return true;
  return false;
}

int cw__word_count(const char *s, size_t n) {
  int w = 0;
  bool in = false;
  for (size_t i = 0; i < n; i++) {
    bool sp = isspace((unsigned char)s[i]);
    if (!sp && !in) w++;
    in = !sp;
  }
  return w;
}

bool cw__in_list(const char *const *list, const char *s, size_t n) {
  for (int k = 0; list[k]; k++)
    if (strlen(list[k]) == n && strncasecmp(list[k], s, n) == 0) return true;
  return false;
}
