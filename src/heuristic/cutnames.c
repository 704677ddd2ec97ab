/* Names cut by the column width ("Research Assistant, Memory Lab," /
 * "Riverside University"): joined back into one header line. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cutnames.h"
#include "words.h"

/* The header line's text without surrounding blanks; false when it holds
 * cells or a '|' (its pieces are separate fields, not one wrapped phrase). */
bool cw__plain_text(const cw__eline *e, const char **s, size_t *n) {
  *s = e->res;
  *n = e->res_len;
  if (!*s) return false;
  cw__trim(s, n);
  return *n && !memmem(*s, *n, "   ", 3) && !memchr(*s, '|', *n);
}

/* Characters (not bytes) of s. */
size_t cw__chars(const char *s, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++) c += ((unsigned char)s[i] & 0xC0) != 0x80;
  return c;
}

/* A short lower-case word inside a name: "Bank of Tokyo", "Lab and
 * Studio", "Maison de la Radio". */
static bool connector(const char *s, size_t n) {
  size_t w = 0;
  while (w < n && s[w] != ' ') w++;
  return w <= 3;
}

/* Every word of s is an organisation or school word ("University",
 * "Institute"): a line that cannot name anything alone. */
static bool only_org_words(const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    while (i < n && s[i] == ' ') i++;
    size_t b = i;
    while (i < n && s[i] != ' ') i++;
    if (i > b && !cw__word_in(s + b, i - b, W_COMPANY) && !cw__word_in(s + b, i - b, W_INST)) return false;
  }
  return n > 0;
}

/* a ends in a word that joins two names ("Memory Lab, Westland University
 * and" over "Coastal Lab, Eastbrook University"): the name goes on below. */
static bool ends_joining(const char *a, size_t an) {
  static const char *const w[] = {"and", "&", "und", "et", "y", "e", "i", NULL};
  size_t b = an;
  while (b > 0 && a[b - 1] != ' ') b--;
  return b && cw__in_list(w, a + b, an - b);
}

/* "Role, Northern Rivers" / "Trust": the organisation's last word did
 * not fit the column.  b is a short capitalised tail with no role word, and
 * a with b's first word would have been as wide as the widest lines, or a
 * stops on a comma, or b is only an organisation word ("University"); or a
 * ends on "and", and b, capitalised, may be a whole second name. */
static bool org_cut(const char *a, size_t an, bool comma, const char *b, size_t bn, size_t width) {
  size_t w = 0;
  while (w < bn && b[w] != ' ') w++;
  bool joining = ends_joining(a, an);
  if (!isupper((unsigned char)b[0]) || cw__word_count(b, bn) > (joining ? 6 : 3) ||
      (!joining && memchr(b, ',', bn)) || cw__score_words(b, bn, W_TITLE) || cw__starts_with_degree(b, bn))
    return false;
  if (!comma && !joining && !only_org_words(b, bn) &&
      (cw__chars(a, an) + 1 + cw__chars(b, w)) * 100 < width * 85)
    return false;
  /* a's last piece (after its last comma) is capitalised words, no role */
  size_t k = an;
  while (k > 0 && a[k - 1] != ',') k--;
  const char *t = a + k;
  size_t tn = an - k;
  cw__trim(&t, &tn);
  if (!tn || cw__score_words(t, tn, W_TITLE) || strchr(".;:)", a[an - 1])) return false;
  for (size_t i = 0; i < tn; i++)
    if ((i == 0 || t[i - 1] == ' ') && !isupper((unsigned char)t[i]) && (i == 0 || !connector(t + i, tn - i)))
      return false;
  return true;
}

/* "specjalista do spraw obsługi klienta" / "biznesowego": a role
 * written in lower case (as some languages write them) that did not fit
 * its line goes on in lower case on the next; names start with a capital,
 * so two such lines in a row are one name.  a does not end a sentence, b
 * is a few words. */
static bool role_cut(const char *a, size_t an, const char *b, size_t bn) {
  return islower((unsigned char)a[0]) && islower((unsigned char)b[0]) && !strchr(".;:", a[an - 1]) &&
         cw__word_count(a, an) >= 2 && cw__word_count(b, bn) <= 3;
}

/* "Product Lead (Payments, Billing," / "Search, Mobile)": a bracket
 * opened on a name line and closed on the short line under it (no other
 * bracket before the close): one name cut by the column. */
static bool bracket_cut(const char *a, size_t an, bool comma, const char *b, size_t bn) {
  int depth = 0;
  for (size_t i = 0; i < an; i++) {
    if (a[i] == '(') depth++;
    if (a[i] == ')' && depth) depth--;
  }
  if (!depth || (!comma && !cw__score_words(a, an, W_TITLE) && !cw__score_words(a, an, W_COMPANY)) ||
      cw__word_count(b, bn) > 6)
    return false;
  for (size_t i = 0; i < bn; i++) {
    if (b[i] == '(') return false;
    if (b[i] == ')' && --depth == 0) return true;
  }
  return false;
}

/* Joins a name cut by its column ("Research Assistant, Memory Lab," /
 * "Riverside University") into the lower line, which stays next to the
 * lines below it (the dates); the upper line becomes blank. */
void cw__join_cut_names(cw__doc *d, cw__eline *el, int n, size_t width) {
  int run = 0, last = -2; /* lines joined into the name so far, the last join */
  for (int i = 0; i + 1 < n; i++) {
    cw__eline *x = &el[i], *y = &el[i + 1];
    const char *a, *b;
    size_t an, bn;
    if (x->kind != L_HEADER || y->kind != L_HEADER || x->has_date || y->has_date ||
        !cw__plain_text(x, &a, &an) || !cw__plain_text(y, &b, &bn) || cw__is_location(d, a, an))
      continue;
    /* (the trim took the comma off: it is still in the line) */
    bool comma = a + an < x->res + x->res_len && a[an] == ',';
    if (!org_cut(a, an, comma, b, bn, width) && !role_cut(a, an, b, bn) && !bracket_cut(a, an, comma, b, bn))
      continue;
    /* A column cuts a name over a few lines, not a page of them: each join
     * copies the name so far, and keeps the copy it replaces (thousands of
     * "University" lines cost gigabytes). */
    run = i == last + 1 ? run + 1 : 1;
    if (run > MAX_HDR) continue;
    last = i;
    an += comma;
    char *j = malloc(an + 1 + bn + 32);
    if (!j) return;
    memcpy(j, a, an);
    j[an] = ' ';
    memcpy(j + an + 1, b, bn);
    memset(j + an + 1 + bn, 0, 32);
    free(y->res);
    y->res = j;
    y->res_len = an + 1 + bn;
    cw__blank_span(x->res, 0, x->res_len);
    x->kind = L_BLANK;
  }
}
