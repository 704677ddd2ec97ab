/* What a header line names: how many names (organisation, role) it
 * carries, whether it could name one at all, or reads as a sentence. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "names.h"
#include "words.h"

/* Lower-case words of three letters or more that do not join the words of
 * a name ("of", "and", "for", "the", "with"...): "Made coffee for the
 * morning rush" has three, "Head of Research and Development" none. */
static int prose_words(const char *s, size_t n) {
  static const char *const joins[] = {"and", "for", "the", "with", "und", "der", "die", "das", "des", "del",
                                      "dos", "las", "los", "von", "van", "für", "pour", "con", "per", NULL};
  int c = 0;
  for (size_t i = 0; i < n;) {
    while (i < n && strchr(" ,;()/", s[i])) i++;
    size_t b = i;
    while (i < n && !strchr(" ,;()/", s[i])) i++;
    size_t m = i - b;
    if (m < 3 || !islower((unsigned char)s[b]) || b == 0) continue;
    bool join = false;
    for (int k = 0; joins[k] && !join; k++) join = strlen(joins[k]) == m && memcmp(joins[k], s + b, m) == 0;
    c += !join;
  }
  return c;
}

bool cw__first_word_names(const char *s, size_t n) {
  size_t m = 0;
  while (m < n && !strchr(" ,;()/", s[m])) m++;
  return cw__score_words(s, m, W_TITLE) || cw__score_words(s, m, W_COMPANY) || cw__score_words(s, m, W_INST);
}

/* "Handled the register and trained new staff": a short sentence without
 * a full stop still has several lower-case words after a capitalised first
 * word that is no role or organisation word ("doradca do spraw Funduszy
 * praw", "Manager of store operations and logistics" are roles; cells side
 * by side are names, one a cell).  Two such words after a verb in the past
 * ("Picked and packed orders") when no role word is on the line
 * ("Licensed practical nurse"). */
bool cw__short_sentence(const cw__eline *e) {
  const char *s = e->res;
  size_t n = e->res_len;
  cw__trim(&s, &n);
  if (!n || e->has_date || e->l->ncells > 1 || !isupper((unsigned char)s[0]) || cw__first_word_names(s, n))
    return false;
  /* "Związek Spółdzielni Mleczarskich, samodzielny specjalista do spraw": a
   * capitalised name, a comma and a lower-case role */
  const char *comma = memchr(s, ',', n);
  if (comma && !prose_words(s, (size_t)(comma - s)) && cw__score_words(s, n, W_TITLE)) return false;
  int pw = prose_words(s, n);
  if (pw >= 3) return true;
  size_t m = 0;
  while (m < n && isalpha((unsigned char)s[m])) m++;
  return pw == 2 && m >= 5 && memcmp(s + m - 2, "ed", 2) == 0 && !cw__score_words(s, n, W_TITLE);
}

bool cw__is_link_only(cw__doc *d, const cw__eline *e) {
  const char *s = e->res;
  size_t n = e->res_len, b, en;
  cw__trim(&s, &n);
  if (n >= 2 && s[0] == '(' && s[n - 1] == ')') s++, n -= 2; /* "(https://acme.example)" */
  return n && cw__re_find(d->h, RE_URL, s, n, &b, &en) && b == 0 && en == n;
}

/* Most words capitalised, as names are ("Memory Lab, Riverside University
 * and Coastal Lab"), unlike a sentence ("Contributed to the development
 * of the app"). */
static bool title_cased(const char *s, size_t n) {
  int words = 0, lower = 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && (i == 0 || s[i - 1] == ' ')) {
      words++;
      lower += islower((unsigned char)s[i]) != 0;
    }
  return lower * 3 <= words;
}

/* Could name an organisation or a role: short, not a sentence, not a link. */
/* lower: a lower-case start is allowed (the line touches the anchor:
 * "kierownik działu" / dates; elsewhere it is a sentence going on). */
bool cw__name_like(cw__doc *d, const cw__eline *e, bool lower) {
  if (e->kind != L_HEADER) return false;
  const char *s = e->res;
  size_t n = e->res_len;
  cw__trim(&s, &n);
  if (!n || (!lower && islower((unsigned char)s[0]))) return false;
  int words = cw__word_count(s, n);
  if (words > 9) {
    bool title = cw__score_words(s, n, W_TITLE);
    /* long names are organisations ("Tidal Memory Lab, Riverside University
     * and Harbour Lab, Eastbrook University"), not roles or sentences */
    bool org = words <= 14 && !title &&
               (cw__score_words(s, n, W_COMPANY) || cw__score_words(s, n, W_INST)) && title_cased(s, n);
    /* "Assistant Professor, State University of Westland at Pine Hill":
     * a role and an organisation, each short, make a long line */
    bool pair = words <= 16 && title && cw__names_on(e) == 2 && s[n - 1] != '.';
    if (!org && !pair) return false;
  }
  /* "40%+ Mobile Traffic", "$6.5 Million saved", "181K+ hours": figures */
  size_t w = 0;
  while (w < n && s[w] != ' ') w++;
  if (memchr(s, '$', w) || memchr(s, '%', w) || (isdigit((unsigned char)s[0]) && memchr(s, '+', w)))
    return false;
  if (s[n - 1] == '.' && !cw__score_words(s, n, W_COMPANY)) return false;
  return !cw__is_link_only(d, e);
}

/* "Product Lead (Payments, Billing, Search)": commas in brackets do not
 * separate names. */
static bool comma_outside_brackets(const char *s, size_t n) {
  int depth = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '(') depth++;
    else if (s[i] == ')' && depth) depth--;
    else if (s[i] == ',' && !depth) return true;
  }
  return false;
}

/* "Memory Lab, Riverside University", "Acme GmbH, Hamburg": an
 * organisation with its parent or its place is one name; only commas
 * and no role word.  A piece in lower case after the comma is no parent
 * and no place but a role the word lists do not know ("Acme Sp. z o.o.,
 * kierownik zmiany"). */
static bool org_and_more(const char *s, size_t n) {
  const char *c = memchr(s, ',', n);
  size_t fn = c ? (size_t)(c - s) : n;
  if (c) {
    const char *r = c + 1;
    while (r < s + n && *r == ' ') r++;
    if (r < s + n && islower((unsigned char)*r)) return false;
  }
  if (cw__score_words(s, n, W_TITLE) || memchr(s, '|', n) || memmem(s, n, "   ", 3) ||
      memmem(s, n, " - ", 3) || memmem(s, n, " \xe2\x80\x93 ", 5) || memmem(s, n, " \xe2\x80\x94 ", 5) ||
      memmem(s, n, " at ", 4) || memmem(s, n, " @ ", 3))
    return false;
  return cw__score_words(s, fn, W_COMPANY) || cw__score_words(s, fn, W_INST);
}

/* "Designer, Illustrator": every piece between commas has a role word and
 * no organisation word, the roles held at one place. */
static bool roles_only(const char *s, size_t n) {
  size_t b = 0;
  int depth = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i < n && s[i] == '(') depth++;
    if (i < n && s[i] == ')' && depth) depth--;
    if (i < n && (s[i] != ',' || depth)) continue;
    if (!cw__score_words(s + b, i - b, W_TITLE) || cw__score_words(s + b, i - b, W_COMPANY) ||
        cw__score_words(s + b, i - b, W_INST))
      return false;
    b = i + 1;
  }
  return true;
}

/* "Staff Nurse, Cardiac Unit": a role and the unit it works in,
 * one name (the organisation is on another line); one comma, a role word
 * before it, a unit word ending what follows. */
static bool role_and_unit(const char *s, size_t n) {
  const char *c = memchr(s, ',', n);
  if (!c || memchr(c + 1, ',', n - (size_t)(c + 1 - s))) return false;
  return cw__score_words(s, (size_t)(c - s), W_TITLE) &&
         cw__unit_piece(c + 1, n - (size_t)(c + 1 - s));
}

/* " at " separates a role from an organisation, but not inside a
 * school's name ("State University of Westland at Pine Hill"): the
 * piece before it, from the last comma, has a school word and no role. */
static bool at_splits(const char *s, size_t n) {
  for (const char *t = s; (t = memmem(t, n - (size_t)(t - s), " at ", 4)) != NULL; t += 4) {
    const char *b = t;
    while (b > s && b[-1] != ',') b--;
    size_t m = (size_t)(t - b);
    if (cw__score_words(b, m, W_TITLE) || !cw__score_words(b, m, W_INST)) return true;
  }
  return false;
}

/* "2011" left of a date the parser did not read as a range ("2012 -
 * 2011"): figures name nothing. */
static bool has_letter(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (isalpha((unsigned char)s[i]) || (unsigned char)s[i] >= 0xC0) return true;
  return false;
}

/* How many names (organisation, role) the anchor line carries besides its
 * date: 0, 1, or 2 when it is split by a separator or wide gap.
 * dash_one: a dash does not separate names here ("Solution Architect -
 * Digital Commerce"), the section's other entries having one name a line. */
int cw__names_in(const cw__eline *e, bool dash_one) {
  const char *s = e->res;
  size_t n = e->res_len;
  cw__trim(&s, &n);
  if (!n || cw__filler_only(s, n) || !has_letter(s, n)) return 0;
  int w = cw__word_count(s, n);
  if (w > 12) return 2; /* a long line with its date: treat as complete */
  if (comma_outside_brackets(s, n) && !org_and_more(s, n) && !roles_only(s, n) && !role_and_unit(s, n))
    return 2;
  if (memchr(s, '|', n) || memmem(s, n, "   ", 3) || at_splits(s, n) || memmem(s, n, " @ ", 3))
    return 2;
  if (!dash_one && (memmem(s, n, " \xe2\x80\x93 ", 5) || memmem(s, n, " \xe2\x80\x94 ", 5) ||
                    memmem(s, n, " - ", 3)))
    return 2;
  return 1;
}

int cw__names_on(const cw__eline *e) { return cw__names_in(e, false); }
