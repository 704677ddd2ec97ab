/* From extracted text to the line model: normalisation, bullet markers,
 * cells split at wide gaps. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"

/* Length of a valid UTF-8 sequence at p, 0 if invalid. */
static size_t utf8_len(const unsigned char *p, size_t left) {
  if (p[0] < 0x80) return 1;
  if (p[0] > 0xF4) return 0; /* F5..FF never start a character */
  size_t n = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 ? 2 : 0;
  if (!n || n > left) return 0;
  for (size_t i = 1; i < n; i++)
    if ((p[i] & 0xC0) != 0x80) return 0;
  if (n == 3 && p[0] == 0xE0 && p[1] < 0xA0) return 0;
  if (n == 3 && p[0] == 0xED && p[1] >= 0xA0) return 0;
  if (n == 4 && p[0] == 0xF0 && p[1] < 0x90) return 0;
  if (n == 4 && p[0] == 0xF4 && p[1] >= 0x90) return 0;
  return n;
}

/* Copies text, dropping invisible characters, turning tabs into cell gaps
 * and control characters into spaces, replacing invalid UTF-8 with '?' and
 * removing markdown bold markers. */
char *cw__normalise(const char *s, size_t len, size_t *out_len) {
  size_t tabs = 0; /* the only character that grows (to a three-space gap) */
  for (const char *t = memchr(s, '\t', len); t; t = memchr(t + 1, '\t', len - (size_t)(t + 1 - s)))
    tabs++;
  char *o = malloc(len + 2 * tabs + 1);
  if (!o) return NULL;
  size_t j = 0;
  for (size_t i = 0; i < len;) {
    const unsigned char *u = (const unsigned char *)s + i;
    size_t n = utf8_len(u, len - i);
    if (n == 0) {
      o[j++] = '?';
      i++;
      continue;
    }
    if (n == 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] >= 0x8B && u[2] <= 0x8D) {
      i += 3; /* zero-width space / joiners */
    } else if (n == 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
      i += 3; /* BOM */
    } else if (n == 2 && u[0] == 0xC2 && u[1] == 0xAD) {
      i += 2; /* soft hyphen */
    } else if ((n == 2 && u[0] == 0xC2 && u[1] == 0xA0) ||
               (n == 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0xAF)) {
      o[j++] = ' ';
      i += n;
    } else if (u[0] == '\t') {
      memcpy(o + j, "   ", 3);
      j += 3;
      i++;
    } else if (u[0] == '\r') {
      if (i + 1 >= len || s[i + 1] != '\n') o[j++] = '\n';
      i++;
    } else if (u[0] == '\f' || u[0] == '\v') {
      o[j++] = '\n';
      i++;
    } else if (u[0] < 0x20 && u[0] != '\n') {
      o[j++] = ' ';
      i++;
    } else if (u[0] == '*' && i + 1 < len && s[i + 1] == '*') {
      i += 2; /* markdown bold */
    } else {
      memcpy(o + j, u, n);
      j += n;
      i += n;
    }
  }
  o[j] = 0;
  *out_len = j;
  return o;
}

/* Bullet markers: ASCII "-", "*", "+", ">" followed by a space, and the
 * common Unicode bullets.  Returns the marker length or 0. */
static size_t bullet_len(const char *s, size_t n) {
  static const char *const marks[] = {"\xe2\x80\xa2", "\xe2\x97\x8f", "\xe2\x96\xaa",
                                      "\xe2\x97\xa6", "\xc2\xb7", "\xe2\x80\xa3",
                                      "\xe2\x96\xa0", "\xe2\x96\xa1", "\xe2\x9e\xa2",
                                      "\xe2\x96\xba", "\xe2\x97\x8b", "\xe2\x9c\x93",
                                      "\xe2\x9e\xa4", "\xef\x82\xb7", "\xe2\x97\x86", NULL};
  for (int i = 0; marks[i]; i++) {
    size_t m = strlen(marks[i]);
    if (n >= m && memcmp(s, marks[i], m) == 0) return m;
  }
  if (n >= 2 && strchr("-*+>o", s[0]) && s[1] == ' ') return s[0] == 'o' ? 0 : 1;
  if (n >= 4 && memcmp(s, "\xe2\x80\x93 ", 4) == 0) return 3; /* "– " */
  return 0;
}

void cw__split_cells(cw__line *l) {
  l->ncells = 0;
  size_t i = 0;
  while (i < l->len && l->ncells < CW__MAX_CELLS) {
    size_t b = i, e = i;
    while (e < l->len) {
      if (l->text[e] == ' ' && e + 2 < l->len && l->text[e + 1] == ' ' && l->text[e + 2] == ' ')
        break;
      e++;
    }
    l->cell_b[l->ncells] = b;
    l->cell_e[l->ncells] = e;
    l->ncells++;
    while (e < l->len && l->text[e] == ' ') e++;
    i = e;
  }
  if (l->ncells == CW__MAX_CELLS) l->cell_e[CW__MAX_CELLS - 1] = l->len;
}

/* Splits the buffer (modified in place) into lines. */
int cw__make_lines(cw__doc *d, char *buf) {
  int cap = 64;
  d->lines = calloc((size_t)cap, sizeof *d->lines);
  if (!d->lines) return -ENOMEM;
  char *p = buf;
  for (;;) {
    char *nl = strchr(p, '\n');
    if (nl) *nl = 0;
    if (d->nlines == cap) {
      cap *= 2;
      cw__line *nlns = realloc(d->lines, (size_t)cap * sizeof *nlns);
      if (!nlns) return -ENOMEM;
      d->lines = nlns;
    }
    cw__line *l = &d->lines[d->nlines++];
    memset(l, 0, sizeof *l);
    size_t n = strlen(p);
    while (n && p[n - 1] == ' ') p[--n] = 0;
    int ind = 0;
    while (*p == ' ') p++, ind++, n--;
    l->indent = ind;
    size_t bl;
    while ((bl = bullet_len(p, n)) > 0) {
      l->bullet = true;
      l->bullet_indent = ind;
      p += bl, n -= bl;
      while (*p == ' ') p++, n--;
    }
    /* Markdown headings: "## Experience", "### Lead Designer". */
    if (!l->bullet && *p == '#') {
      while (*p == '#') p++, n--;
      while (*p == ' ') p++, n--;
    }
    l->text = p;
    l->len = n;
    cw__split_cells(l);
    if (!nl) break;
    p = nl + 1;
  }
  return 0;
}
