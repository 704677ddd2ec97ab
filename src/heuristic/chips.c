/* Skill items run together on a row ("chips" whose gaps were lost):
 * where one item ends and the next begins. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chips.h"
#include "items.h"

/* Items printed as chips come out with one space between them when the
 * extractor does not keep the wider gap: "HTML CSS React Native Data
 * analysis".  Split at each space, keeping together what the dictionary
 * knows ("React Native"), a version after a name ("WCAG 2.1"), a number
 * before one ("6502 Assembly"), words joined by a connector ("Algorithms
 * and Data Structures") and a capitalised word followed by plain lower-case
 * words ("Data analysis", "Ridge regression"). */
#define CHIP_TOKENS 64

static bool title_word(const char *s, size_t n) {
  if (n < 2 || !isupper((unsigned char)s[0])) return false;
  for (size_t k = 1; k < n; k++)
    if (!islower((unsigned char)s[k]) && s[k] != '-') return false;
  return true;
}

static bool lower_word(const char *s, size_t n) {
  if (n < 3) return false;
  for (size_t k = 0; k < n; k++)
    if (!islower((unsigned char)s[k])) return false;
  return true;
}

/* "2.1", "5.*", "639", "3": a version or number that follows a name. */
static bool version(const char *s, size_t n) {
  if (!n || !isdigit((unsigned char)*s)) return false;
  if (n <= 3) return true;
  return memchr(s, '.', n) || memchr(s, '*', n);
}

static bool connector(const char *s, size_t n) {
  static const char *const w[] = {"and", "&", "of", "for", "with", "in", "/", "+", "und", "et", "y", NULL};
  return cw__in_list(w, s, n);
}

/* Nouns that end a skill's name rather than name one alone ("Security
 * Modeling", "Microsoft Office", "Acme API"): the word before goes with
 * them. */
static bool head_noun(const char *s, size_t n) {
  static const char *const w[] = {"architecture", "modeling", "modelling", "processes", "review",
                                  "policy", "management", "analysis", "engineering", "design",
                                  "testing", "tools", "office", "server", "administration",
                                  "planning", "sourcing", "services", "systems", "strategy",
                                  "integration", "automation", "operations", "writing", "api",
                                  "apis", "framework", NULL};
  return cw__in_list(w, s, n);
}

static bool known(const cw__doc *d, const char *s, size_t n) {
  const char *canon, *cat;
  return d->h->skills && cw_skills_lookup(d->h->skills, s, n, &canon, &cat);
}

void cw__add_chips(cw__doc *d, json_t *skills, const char *s, size_t n, const char *cat,
                   size_t cat_n, json_t *prof) {
  size_t tb[CHIP_TOKENS], tl[CHIP_TOKENS];
  int nt = 0;
  for (size_t k = 0; k < n && nt < CHIP_TOKENS;) {
    while (k < n && s[k] == ' ') k++;
    size_t b = k;
    while (k < n && s[k] != ' ') k++;
    if (k > b) tb[nt] = b, tl[nt++] = k - b;
  }
  if (nt == CHIP_TOKENS) { /* not a row of chips */
    cw__add_item(d, skills, s, n, cat, cat_n, prof);
    return;
  }
#define SPAN(i, j) (tb[j] + tl[j] - tb[i])
  for (int i = 0; i < nt;) {
    int j = i + 1;
    bool dict = false;
    for (int m = nt - i < 4 ? nt - i : 4; m >= 2 && !dict; m--)
      if (known(d, s + tb[i], SPAN(i, i + m - 1))) j = i + m, dict = true;
    while (!dict && j < nt) {
      const char *t = s + tb[j], *p = s + tb[j - 1];
      if (connector(t, tl[j]) && j + 1 < nt) j += 2;
      else if (version(t, tl[j]) && !lower_word(p, tl[j - 1])) j++;
      else if (j == i + 1 && isdigit((unsigned char)*p)) j++;
      else if (lower_word(t, tl[j]) && title_word(s + tb[i], tl[i]) && !known(d, t, tl[j])) j++;
      else if (j == i + 1 && head_noun(t, tl[j]) && !head_noun(p, tl[i]) && isupper((unsigned char)*p))
        j++;
      else break;
    }
    cw__add_item(d, skills, s + tb[i], SPAN(i, j - 1), cat, cat_n, prof);
    i = j;
  }
#undef SPAN
}

/* Three words or more, no separator, no sentence. */
bool cw__chip_row(const char *s, size_t n) {
  return cw__word_count(s, n) >= 3 && !cw__has_delim(s, n) && !cw__phrase_like(s, n) && s[n - 1] != '.';
}

/* Words of the line that the dictionary knows on their own ("HTML CSS
 * Javascript": three). */
int cw__known_words(const cw__doc *d, const char *s, size_t n) {
  int hits = 0;
  for (size_t k = 0; k < n;) {
    while (k < n && s[k] == ' ') k++;
    size_t b = k;
    while (k < n && s[k] != ' ') k++;
    if (k > b && known(d, s + b, k - b)) hits++;
  }
  return hits;
}

/* A connector word: a name ("Algorithms and Data Structures"), not a row. */
bool cw__connected_name(const char *s, size_t n) {
  for (size_t k = 0; k < n;) {
    while (k < n && s[k] == ' ') k++;
    size_t b = k;
    while (k < n && s[k] != ' ') k++;
    if (k > b && b > 0 && k < n && connector(s + b, k - b)) return true;
  }
  return false;
}
