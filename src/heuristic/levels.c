/* Proficiency levels: words, years, scores and rating glyphs that rate a
 * skill or a language rather than name one. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "levels.h"

/* Words that rate a skill rather than name one ("intermediate", "Master",
 * "various"), in the languages the section headings cover. */
static const char *const level_words[] = {
    "beginner", "novice", "basic", "basics", "elementary", "familiar", "intermediate",
    "upper intermediate", "pre-intermediate", "advanced", "proficient", "expert", "master",
    "junior", "mid", "mid-level", "senior", "competent", "skilled", "experienced", "strong",
    "good", "very good", "excellent", "fair", "working knowledge", "various", "learning",
    "grundkenntnisse", "anfänger", "fortgeschritten", "experte", "gut", "sehr gut",
    "débutant", "intermédiaire", "avancé", "confirmé", "notions", "maîtrise", "bon", "très bon",
    "básico", "intermedio", "avanzado", "experto", "base", "avanzato", "esperto", "buono",
    "ottimo", "podstawowy", "średniozaawansowany", "zaawansowany", "ekspert", "dobry",
    "bardzo dobry", "intermediário", "avançado", "especialista", NULL};

/* "7 years", "15+ years", "20 + yrs", "3 Jahre": a number and a year word. */
static bool years_level(const char *s, size_t n) {
  static const char *const units[] = {"years", "year", "yrs", "yr", "jahre", "jahr", "ans", "an",
                                      "años", "año", "anni", "anno", "lat", "lata", "rok",
                                      "anos", "ano", NULL};
  size_t k = 0;
  while (k < n && isdigit((unsigned char)s[k])) k++;
  if (k == 0 || k > 2) return false;
  while (k < n && (s[k] == ' ' || s[k] == '+')) k++;
  return cw__in_list(units, s + k, n - k);
}

/* "80%", "4/5", "8 / 10". */
static bool score_level(const char *s, size_t n) {
  size_t k = 0;
  while (k < n && isdigit((unsigned char)s[k])) k++;
  if (k == 0 || k > 3) return false;
  while (k < n && s[k] == ' ') k++;
  if (k < n && s[k] == '%') return k + 1 == n;
  if (k >= n || s[k] != '/') return false;
  k++;
  while (k < n && s[k] == ' ') k++;
  size_t b = k;
  while (k < n && isdigit((unsigned char)s[k])) k++;
  return k > b && k == n;
}

/* Rating glyphs only: "★★★☆☆", "●●●○○", "■■□" (U+25A0-U+25FF, U+2605-U+2606). */
static bool glyph_level(const char *s, size_t n) {
  size_t k = 0, glyphs = 0;
  while (k < n) {
    const unsigned char *u = (const unsigned char *)s + k;
    if (*u == ' ') {
      k++;
    } else if (k + 2 < n + 0 && u[0] == 0xE2 &&
               (u[1] == 0x96 || u[1] == 0x97 || (u[1] == 0x98 && (u[2] == 0x85 || u[2] == 0x86)))) {
      k += 3;
      glyphs++;
    } else {
      return false;
    }
  }
  return glyphs > 0;
}

bool cw__is_level(const char *s, size_t n) {
  cw__trim(&s, &n);
  if (n >= 2 && s[0] == '(' && s[n - 1] == ')') {
    s++;
    n -= 2;
    cw__trim(&s, &n);
  }
  if (!n || n > 40) return false;
  return cw__in_list(level_words, s, n) || years_level(s, n) || score_level(s, n) || glyph_level(s, n);
}

/* "Web Development — various", "Mobile - 15+ years": a group name and its
 * level on one line.  Returns the name's length, 0 when it is not that. */
size_t cw__dash_level(const char *s, size_t n, const char **lvl, size_t *lvl_n) {
  static const char *const dashes[] = {" \xe2\x80\x94 ", " \xe2\x80\x93 ", " - ", NULL};
  for (int k = 0; dashes[k]; k++) {
    size_t dn = strlen(dashes[k]);
    for (size_t i = 1; i + dn < n; i++) {
      if (memcmp(s + i, dashes[k], dn) != 0) continue;
      if (!cw__is_level(s + i + dn, n - i - dn)) continue;
      *lvl = s + i + dn;
      *lvl_n = n - i - dn;
      return i;
    }
  }
  return 0;
}
