/* Skills sections: each line gets a role (group name, level, items), then
 * the items are emitted with their group name as category. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "skills.h"
#include "chips.h"
#include "items.h"
#include "levels.h"

/* A skills section is read as groups: a group name ("Web Development"), maybe
 * a level on its own line or after a dash ("intermediate", "7 years"), then
 * its items, one per line, separated by commas or tabs, or wrapped over
 * several lines.  Each line gets a role first, then the items are emitted
 * with their group name as category. */
enum srole { S_BLANK, S_LEVEL, S_HEAD, S_ITEMS };

typedef struct {
  cw__doc *d;
  json_t *skills;
  const cw__line *l; /* the section's lines */
  int n;
  unsigned char *role;
  size_t maxlen;     /* longest line: a line near it was wrapped */
  bool any_colon;
  bool chips;        /* items run together on rows ("HTML CSS React") */
  /* the current group */
  const char *cat[CW__MAX_CELLS];
  size_t cat_n[CW__MAX_CELLS];
  int ncat;
  json_t *prof;
  /* list text gathered over wrapped lines */
  char *buf;
  size_t len, cap;
  const char *pcat;
  size_t pcat_n;
  json_t *pprof;
  bool pbullet;      /* a bulleted line is one item */
  int last; /* line that last went into buf, -1 when empty */
} sk_ctx;

/* Rows of run-together items rather than one item a line: as many lines of
 * four words or more as half the shorter ones. */
static bool chippy(const sk_ctx *c) {
  int many = 0, few = 0;
  for (int k = 0; k < c->n; k++) {
    const cw__line *l = &c->l[k];
    if (c->role[k] != S_ITEMS || l->bullet || l->ncells > 1 || cw__has_delim(l->text, l->len) ||
        cw__category_colon(l->text, l->len))
      continue;
    if (cw__connected_name(l->text, l->len)) continue; /* "Programming and Data Analysis" */
    if (cw__chip_row(l->text, l->len) &&
        (cw__word_count(l->text, l->len) >= 4 || cw__known_words(c->d, l->text, l->len) >= 2))
      many++;
    else few++;
  }
  return many > 0 && many * 2 >= few;
}

static bool blank(const sk_ctx *c, int k) { return k < 0 || k >= c->n || c->l[k].len == 0; }

static bool line_level(const cw__line *l) {
  for (int i = 0; i < l->ncells; i++)
    if (!cw__is_level(l->text + l->cell_b[i], l->cell_e[i] - l->cell_b[i])) return false;
  return l->ncells > 0;
}

/* Every cell short, without separators: it can name groups. */
static bool head_shape(const cw__line *l) {
  if (l->bullet || !l->len) return false;
  for (int i = 0; i < l->ncells; i++) {
    const char *s = l->text + l->cell_b[i];
    size_t n = l->cell_e[i] - l->cell_b[i];
    if (n > 60 || cw__word_count(s, n) > 6 || cw__has_delim(s, n) || cw__category_colon(s, n)) return false;
    if (n && (s[n - 1] == '-' || s[n - 1] == ':')) return false;
  }
  return true;
}

/* "Name   level" (the last cell a level) or "Name — level". */
static bool inline_level(const cw__line *l) {
  const char *lv;
  size_t lvn;
  if (l->ncells == 2 && cw__is_level(l->text + l->cell_b[1], l->cell_e[1] - l->cell_b[1]))
    return !cw__is_level(l->text, l->cell_e[0]);
  return l->ncells == 1 && cw__dash_level(l->text, l->len, &lv, &lvn) > 0;
}

/* The nearest line above k with text is a level: k is a group's first item. */
static bool after_level(const sk_ctx *c, int k) {
  for (int j = k - 1; j >= 0; j--)
    if (c->l[j].len) return c->role[j] == S_LEVEL;
  return false;
}

static int next_nonblank(const sk_ctx *c, int k) {
  for (int j = k + 1; j < c->n; j++)
    if (c->l[j].len) return j;
  return -1;
}

/* Line k goes on the list of line k-1: that one ended in a separator or a
 * hyphen ("pg-" / "promise"), or it was a full line of a list wrapped in the
 * middle of an item ("Business Case" / "Development, ..."). */
static bool continues(const sk_ctx *c, int k) {
  if (k == 0 || blank(c, k - 1) || c->l[k - 1].ncells > 1 || c->l[k].ncells > 1) return false;
  const cw__line *p = &c->l[k - 1], *l = &c->l[k];
  if (c->role[k - 1] != S_ITEMS || l->bullet) return false;
  if (cw__ends_delim(p->text, p->len)) return true;
  if (p->len > 1 && p->text[p->len - 1] == '-' && p->text[p->len - 2] != ' ') return true;
  if (!cw__has_delim(p->text, p->len) || p->text[p->len - 1] == '.') return false;
  return cw__has_delim(l->text, l->len) || islower((unsigned char)l->text[0]) ||
         p->len * 10 >= c->maxlen * 7;
}

/* Whether line k names a group (the roles of lines after k are not known
 * yet, except levels). */
static bool is_head(const sk_ctx *c, int k) {
  const cw__line *l = &c->l[k];
  if (!head_shape(l) && !inline_level(l)) return false;
  if (inline_level(l)) return true;
  int j = next_nonblank(c, k);
  if (j < 0) return false;
  if (c->role[j] == S_LEVEL) return true;
  bool starts = blank(c, k - 1) || c->role[k - 1] == S_LEVEL;
  const cw__line *nx = &c->l[j];
  /* "Databases" / "PostgreSQL, MySQL" (or the items in cells of a row) */
  bool listy = cw__has_delim(nx->text, nx->len) ||
               ((j == k + 1 || starts) && nx->ncells > 1 && !inline_level(nx));
  if (l->ncells == 1 && listy && !cw__category_colon(nx->text, nx->len) &&
      (blank(c, k - 1) || (!cw__ends_delim(c->l[k - 1].text, c->l[k - 1].len) &&
                           c->l[k - 1].text[c->l[k - 1].len - 1] != '-')))
    return true;
  /* "Frontend" / "React Vue Svelte" */
  if (c->chips && starts && nx->ncells == 1 && cw__chip_row(nx->text, nx->len) &&
      cw__word_count(l->text, l->len) <= 4 &&
      cw__word_count(l->text, l->len) < cw__word_count(nx->text, nx->len))
    return true;
  /* "Frontend" / "- React" / "- Vue" */
  if (nx->bullet && starts) return true;
  /* "Frontend" / blank / a block of two lines or more */
  return starts && j > k + 1 && !blank(c, j + 1) && c->role[j + 1] != S_LEVEL;
}

static void flush(sk_ctx *c) {
  if (c->last >= 0 && c->len && !c->pbullet && cw__chip_row(c->buf, c->len) &&
      (c->chips || cw__known_words(c->d, c->buf, c->len) >= 2))
    cw__add_chips(c->d, c->skills, c->buf, c->len, c->pcat, c->pcat_n, c->pprof);
  else if (c->last >= 0 && c->len)
    cw__add_list(c->d, c->skills, c->buf, c->len, c->pcat, c->pcat_n, c->pprof);
  json_decref(c->pprof);
  c->pprof = NULL;
  c->len = 0;
  c->last = -1;
}

/* Adds line k's list text to the list being gathered when it goes on with
 * it, else starts a new list with category cat and level prof. */
static void gather(sk_ctx *c, int k, const char *s, size_t n, const char *cat, size_t cat_n,
                   json_t *prof) {
  bool join = c->last >= 0 && c->last == k - 1 && continues(c, k);
  if (!join) {
    flush(c);
    c->pcat = cat;
    c->pcat_n = cat_n;
    c->pprof = json_incref(prof);
    c->pbullet = c->l[k].bullet;
  }
  if (c->len + n + 2 > c->cap) {
    size_t cap = (c->len + n + 2) * 2;
    char *b = realloc(c->buf, cap);
    if (!b) return;
    c->buf = b;
    c->cap = cap;
  }
  if (join && c->len && !(c->len > 1 && c->buf[c->len - 1] == '-' && c->buf[c->len - 2] != ' '))
    c->buf[c->len++] = ' ';
  memcpy(c->buf + c->len, s, n);
  c->len += n;
  c->last = k;
}

static void set_prof(sk_ctx *c, const char *s, size_t n) {
  json_decref(c->prof);
  c->prof = cw__str(s, n);
}

static void head_line(sk_ctx *c, const cw__line *l) {
  const char *lv;
  size_t lvn, name_n = l->ncells == 1 ? cw__dash_level(l->text, l->len, &lv, &lvn) : 0;
  json_decref(c->prof);
  c->prof = NULL;
  c->ncat = 0;
  if (name_n) {
    c->cat[0] = l->text;
    c->cat_n[0] = name_n;
    c->ncat = 1;
    set_prof(c, lv, lvn);
    return;
  }
  for (int i = 0; i < l->ncells; i++) {
    const char *s = l->text + l->cell_b[i];
    size_t n = l->cell_e[i] - l->cell_b[i];
    if (i > 0 && cw__is_level(s, n)) {
      if (!c->prof) set_prof(c, s, n);
      continue;
    }
    c->cat[c->ncat] = s;
    c->cat_n[c->ncat++] = n;
  }
}

/* "Category (level): a, b," — its wrapped lines go on with the category. */
static void colon_list(sk_ctx *c, int k, const char *s, size_t n, const char *colon) {
  const char *cat = s;
  size_t cat_n = (size_t)(colon - s);
  json_t *prof = NULL, *years = NULL;
  cw__split_paren(&cat, &cat_n, &prof, &years);
  json_decref(years);
  flush(c);
  gather(c, k, colon + 1, n - (size_t)(colon + 1 - s), cat, cat_n, prof);
  json_decref(prof);
}

static void items_line(sk_ctx *c, int k) {
  const cw__line *l = &c->l[k];
  if (l->ncells > 1) {
    /* Columns side by side, or one row of items: each cell on its own. */
    flush(c);
    for (int i = 0; i < l->ncells; i++) {
      const char *s = l->text + l->cell_b[i];
      size_t n = l->cell_e[i] - l->cell_b[i];
      if (cw__is_level(s, n)) continue;
      const char *colon = cw__category_colon(s, n);
      if (colon) {
        colon_list(c, k, s, n, colon);
        flush(c);
        continue;
      }
      if (c->any_colon && !cw__has_delim(s, n)) continue; /* a table label, as below */
      int ci = i < c->ncat ? i : 0;
      cw__add_list(c->d, c->skills, s, n, c->ncat ? c->cat[ci] : NULL, c->ncat ? c->cat_n[ci] : 0,
                   c->prof);
    }
    return;
  }
  const char *colon = cw__category_colon(l->text, l->len);
  if (colon) {
    colon_list(c, k, l->text, l->len, colon);
    return;
  }
  bool cont = c->last >= 0 && c->last == k - 1 && continues(c, k);
  /* With "Category: ..." lines around, a lone word is a table label
   * ("Web Development", "Master"), not a skill. */
  if (c->any_colon && !cont && !cw__has_delim(l->text, l->len)) {
    flush(c);
    return;
  }
  gather(c, k, l->text, l->len, c->ncat ? c->cat[0] : NULL, c->ncat ? c->cat_n[0] : 0, c->prof);
}

void cw__skills_section(cw__doc *d, int from, int to, json_t *skills) {
  if (to <= from) return;
  sk_ctx c = {.d = d, .skills = skills, .l = d->lines + from, .n = to - from, .last = -1};
  c.role = calloc((size_t)c.n, 1);
  if (!c.role) return;
  for (int k = 0; k < c.n; k++) {
    const cw__line *l = &c.l[k];
    if (l->len > c.maxlen) c.maxlen = l->len;
    if (cw__category_colon(l->text, l->len)) c.any_colon = true;
    c.role[k] = !l->len ? S_BLANK : line_level(l) && !l->bullet ? S_LEVEL : S_ITEMS;
  }
  /* Group names that a level follows are known before the rows are judged. */
  for (int k = 0; k < c.n; k++) {
    if (c.role[k] != S_ITEMS || c.any_colon || (!head_shape(&c.l[k]) && !inline_level(&c.l[k])))
      continue;
    /* (looked up only for such lines: from every blank line of a long run
     * of them the search would cost the run's length squared) */
    int j = next_nonblank(&c, k);
    if (inline_level(&c.l[k]) || (j >= 0 && c.role[j] == S_LEVEL)) c.role[k] = S_HEAD;
  }
  /* A group name wrapped over two lines ("Cloud Cost" / "Management"
   * / "7 years"): the first line goes with it. */
  for (int k = 0; k + 1 < c.n; k++)
    if (c.role[k] == S_ITEMS && c.role[k + 1] == S_HEAD && !c.any_colon && head_shape(&c.l[k]) &&
        c.l[k].ncells == 1 && c.l[k + 1].ncells == 1 && (k == 0 || blank(&c, k - 1)) &&
        !inline_level(&c.l[k + 1]) && !after_level(&c, k))
      c.role[k] = S_HEAD;
  c.chips = !c.any_colon && chippy(&c);
  for (int k = 0; k < c.n; k++)
    if (c.role[k] == S_ITEMS && (c.any_colon ? inline_level(&c.l[k]) : is_head(&c, k)))
      c.role[k] = S_HEAD;
  for (int k = 0; k < c.n; k++) {
    switch (c.role[k]) {
    case S_BLANK: break;
    case S_LEVEL:
      flush(&c);
      if (!c.prof) set_prof(&c, c.l[k].text, c.l[k].cell_e[0]);
      break;
    case S_HEAD:
      flush(&c);
      head_line(&c, &c.l[k]);
      break;
    default: items_line(&c, k); break;
    }
  }
  flush(&c);
  json_decref(c.prof);
  free(c.buf);
  free(c.role);
}
