/* List sections: skills ("Category: a, b, c" lines or plain lists, plus the
 * dictionary for running text), languages and certifications. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lists.h"

/* ---- skills ---------------------------------------------------------------- */

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
static void split_paren(const char **s, size_t *n, json_t **prof, json_t **years) {
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
static bool phrase_like(const char *s, size_t n) {
  static const char *const words[] = {"with", "in", "using", "experienced", "experience",
                                      "proficient", "knowledge", "familiar", "including",
                                      "strong", "excellent", "good", "basic", "advanced", NULL};
  size_t i = 0;
  while (i < n) {
    while (i < n && s[i] == ' ') i++;
    size_t b = i;
    while (i < n && s[i] != ' ') i++;
    for (int k = 0; words[k] && i > b; k++)
      if (strlen(words[k]) == i - b && strncasecmp(words[k], s + b, i - b) == 0) return true;
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

static void add_item(cw__doc *d, json_t *skills, const char *s, size_t n, const char *cat,
                     size_t cat_n, json_t *cat_prof) {
  if (json_array_size(skills) >= CW__MAX_SKILLS || ++d->skill_items > CW__MAX_SKILL_ITEMS) return;
  cw__trim(&s, &n);
  while (n && s[n - 1] == '.') n--;
  if (n > 3 && strncasecmp(s, "and ", 4) == 0) s += 4, n -= 4;
  if (!n || !named_by_letters(s, n)) return;
  if (n > 60 || name_words(s, n) > 4 || phrase_like(s, n)) {
    /* A phrase ("Proficient in Python and SQL"): the dictionary's skills in it. */
    char *tmp = strndup(s, n);
    if (tmp) cw_skills_scan(d->h->skills, tmp, n, scan_cb, skills);
    free(tmp);
    return;
  }
  json_t *prof = NULL, *years = NULL;
  split_paren(&s, &n, &prof, &years);
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

static bool is_delim(const char *p, size_t left, size_t *len) {
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
static bool has_delim(const char *s, size_t n) {
  int depth = 0;
  for (size_t k = 0; k < n; k++) {
    size_t dl;
    if (s[k] == '(') depth++;
    if (s[k] == ')' && depth) depth--;
    if (!depth && s[k] != ' ' && is_delim(s + k, n - k, &dl)) return true;
  }
  return false;
}

static bool ends_delim(const char *s, size_t n) {
  while (n && s[n - 1] == ' ') n--;
  if (!n) return false;
  size_t dl;
  for (size_t k = n >= 3 ? n - 3 : 0; k < n; k++)
    if (s[k] != ' ' && is_delim(s + k, n - k, &dl) && k + dl == n) return true;
  return false;
}

static void add_list(cw__doc *d, json_t *skills, const char *s, size_t n, const char *cat,
                     size_t cat_n, json_t *prof) {
  const char *b = s, *end = s + n;
  int depth = 0;
  for (const char *p = s; p < end;) {
    size_t dl = 0;
    if (*p == '(') depth++;
    if (*p == ')' && depth) depth--;
    if (depth == 0 && is_delim(p, (size_t)(end - p), &dl)) {
      add_item(d, skills, b, (size_t)(p - b), cat, cat_n, prof);
      p += dl;
      b = p;
    } else {
      p++;
    }
  }
  add_item(d, skills, b, (size_t)(end - b), cat, cat_n, prof);
}

/* "Category (Level): items" -> category and level. */
static const char *category_colon(const char *s, size_t n) {
  const char *c = memchr(s, ':', n);
  if (!c || c == s || (size_t)(c - s) > 40 || (size_t)(c - s) + 1 >= n) return NULL;
  if (cw__word_count(s, (size_t)(c - s)) > 5) return NULL;
  if (c + 1 < s + n && c[1] == '/') return NULL; /* URL */
  return c;
}

/* ---- items run together ("chips" whose gaps were lost) --------------------- */

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
  for (int k = 0; w[k]; k++)
    if (strlen(w[k]) == n && strncasecmp(w[k], s, n) == 0) return true;
  return false;
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
  for (int k = 0; w[k]; k++)
    if (strlen(w[k]) == n && strncasecmp(w[k], s, n) == 0) return true;
  return false;
}

static bool known(const cw__doc *d, const char *s, size_t n) {
  const char *canon, *cat;
  return d->h->skills && cw_skills_lookup(d->h->skills, s, n, &canon, &cat);
}

static void add_chips(cw__doc *d, json_t *skills, const char *s, size_t n, const char *cat,
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
    add_item(d, skills, s, n, cat, cat_n, prof);
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
    add_item(d, skills, s + tb[i], SPAN(i, j - 1), cat, cat_n, prof);
    i = j;
  }
#undef SPAN
}

/* ---- proficiency levels ----------------------------------------------------- */

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
  for (int u = 0; units[u]; u++)
    if (strlen(units[u]) == n - k && strncasecmp(units[u], s + k, n - k) == 0) return true;
  return false;
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
  for (int i = 0; level_words[i]; i++)
    if (strlen(level_words[i]) == n && strncasecmp(level_words[i], s, n) == 0) return true;
  return years_level(s, n) || score_level(s, n) || glyph_level(s, n);
}

/* "Web Development — various", "Mobile - 15+ years": a group name and its
 * level on one line.  Returns the name's length, 0 when it is not that. */
static size_t dash_level(const char *s, size_t n, const char **lvl, size_t *lvl_n) {
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

/* ---- skills sections ------------------------------------------------------- */

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

/* Three words or more, no separator, no sentence. */
static bool chip_row(const char *s, size_t n) {
  return cw__word_count(s, n) >= 3 && !has_delim(s, n) && !phrase_like(s, n) && s[n - 1] != '.';
}

/* Words of the line that the dictionary knows on their own ("HTML CSS
 * Javascript": three). */
static int known_words(const cw__doc *d, const char *s, size_t n) {
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
static bool named(const char *s, size_t n) {
  for (size_t k = 0; k < n;) {
    while (k < n && s[k] == ' ') k++;
    size_t b = k;
    while (k < n && s[k] != ' ') k++;
    if (k > b && b > 0 && k < n && connector(s + b, k - b)) return true;
  }
  return false;
}

/* Rows of run-together items rather than one item a line: as many lines of
 * four words or more as half the shorter ones. */
static bool chippy(const sk_ctx *c) {
  int many = 0, few = 0;
  for (int k = 0; k < c->n; k++) {
    const cw__line *l = &c->l[k];
    if (c->role[k] != S_ITEMS || l->bullet || l->ncells > 1 || has_delim(l->text, l->len) ||
        category_colon(l->text, l->len))
      continue;
    if (named(l->text, l->len)) continue; /* "Programming and Data Analysis" */
    if (chip_row(l->text, l->len) &&
        (cw__word_count(l->text, l->len) >= 4 || known_words(c->d, l->text, l->len) >= 2))
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
    if (n > 60 || cw__word_count(s, n) > 6 || has_delim(s, n) || category_colon(s, n)) return false;
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
  return l->ncells == 1 && dash_level(l->text, l->len, &lv, &lvn) > 0;
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
  if (ends_delim(p->text, p->len)) return true;
  if (p->len > 1 && p->text[p->len - 1] == '-' && p->text[p->len - 2] != ' ') return true;
  if (!has_delim(p->text, p->len) || p->text[p->len - 1] == '.') return false;
  return has_delim(l->text, l->len) || islower((unsigned char)l->text[0]) ||
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
  bool listy = has_delim(nx->text, nx->len) ||
               ((j == k + 1 || starts) && nx->ncells > 1 && !inline_level(nx));
  if (l->ncells == 1 && listy && !category_colon(nx->text, nx->len) &&
      (blank(c, k - 1) || (!ends_delim(c->l[k - 1].text, c->l[k - 1].len) &&
                           c->l[k - 1].text[c->l[k - 1].len - 1] != '-')))
    return true;
  /* "Frontend" / "React Vue Svelte" */
  if (c->chips && starts && nx->ncells == 1 && chip_row(nx->text, nx->len) &&
      cw__word_count(l->text, l->len) <= 4 &&
      cw__word_count(l->text, l->len) < cw__word_count(nx->text, nx->len))
    return true;
  /* "Frontend" / "- React" / "- Vue" */
  if (nx->bullet && starts) return true;
  /* "Frontend" / blank / a block of two lines or more */
  return starts && j > k + 1 && !blank(c, j + 1) && c->role[j + 1] != S_LEVEL;
}

static void flush(sk_ctx *c) {
  if (c->last >= 0 && c->len && !c->pbullet && chip_row(c->buf, c->len) &&
      (c->chips || known_words(c->d, c->buf, c->len) >= 2))
    add_chips(c->d, c->skills, c->buf, c->len, c->pcat, c->pcat_n, c->pprof);
  else if (c->last >= 0 && c->len)
    add_list(c->d, c->skills, c->buf, c->len, c->pcat, c->pcat_n, c->pprof);
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
  size_t lvn, name_n = l->ncells == 1 ? dash_level(l->text, l->len, &lv, &lvn) : 0;
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
  split_paren(&cat, &cat_n, &prof, &years);
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
      const char *colon = category_colon(s, n);
      if (colon) {
        colon_list(c, k, s, n, colon);
        flush(c);
        continue;
      }
      if (c->any_colon && !has_delim(s, n)) continue; /* a table label, as below */
      int ci = i < c->ncat ? i : 0;
      add_list(c->d, c->skills, s, n, c->ncat ? c->cat[ci] : NULL, c->ncat ? c->cat_n[ci] : 0,
               c->prof);
    }
    return;
  }
  const char *colon = category_colon(l->text, l->len);
  if (colon) {
    colon_list(c, k, l->text, l->len, colon);
    return;
  }
  bool cont = c->last >= 0 && c->last == k - 1 && continues(c, k);
  /* With "Category: ..." lines around, a lone word is a table label
   * ("Web Development", "Master"), not a skill. */
  if (c->any_colon && !cont && !has_delim(l->text, l->len)) {
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
    if (category_colon(l->text, l->len)) c.any_colon = true;
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

void cw__skills_scan_text(cw__doc *d, json_t *skills) {
  cw_skills_scan(d->h->skills, d->norm, d->norm_len, scan_cb, skills);
}

/* ---- languages ----------------------------------------------------------------- */

static void add_language(json_t *out, const char *s, size_t n) {
  if (json_array_size(out) >= 30) return;
  cw__trim(&s, &n);
  if (!n || n > 80) return;
  /* Name is the first word(s) up to a separator: "English — Native",
   * "German (B2)", "French: fluent", "Spanish - basic". */
  size_t k = 0;
  while (k < n && s[k] != '(' && s[k] != ':' && s[k] != '-' &&
         !((unsigned char)s[k] == 0xE2 && k + 2 < n && (unsigned char)s[k + 1] == 0x80))
    k++;
  const char *name = s;
  size_t name_n = k;
  cw__trim(&name, &name_n);
  if (!name_n || cw__word_count(name, name_n) > 3) return;
  const char *prof = s + k;
  size_t prof_n = n - k;
  while (prof_n && (*prof == '(' || *prof == ':' || *prof == '-' || *prof == ' ' ||
                    ((unsigned char)*prof >= 0x80 && (unsigned char)*prof != 0xC3))) {
    prof++;
    prof_n--;
  }
  if (prof_n && prof[prof_n - 1] == ')' && !memchr(prof, '(', prof_n)) prof_n--;
  json_t *nm = cw__str(name, name_n);
  if (json_is_null(nm)) return; /* only separators: no language */
  json_t *o = json_object();
  json_object_set_new(o, "name", nm);
  json_object_set_new(o, "proficiency", cw__str(prof, prof_n));
  json_array_append_new(out, o);
}

void cw__languages_section(cw__doc *d, int from, int to, json_t *out) {
  for (int i = from; i < to && json_array_size(out) < 30; i++) {
    const cw__line *l = &d->lines[i];
    const char *b = l->text, *end = l->text + l->len;
    int depth = 0;
    for (const char *p = l->text; p <= end; p++) {
      if (p < end && *p == '(') depth++;
      if (p < end && *p == ')' && depth) depth--;
      size_t dl = 0;
      if (p == end || (depth == 0 && is_delim(p, (size_t)(end - p), &dl))) {
        add_language(out, b, (size_t)(p - b));
        if (p == end) break;
        p += dl - 1;
        b = p + 1;
      }
    }
  }
}

/* ---- certifications ----------------------------------------------------------- */

/* The certificate's date (end of a range, else the single date), blanked
 * out of t together with brackets it leaves empty. */
static json_t *cert_date(char *t, size_t n) {
  cw_date_range r;
  if (cw_dates_find(t, n, &r) != 0) return json_null();
  const char *v = r.end[0] ? r.end : r.start;
  json_t *date = *v ? json_string(v) : json_null();
  size_t b = r.begin, e = r.end_off;
  if (b > 0 && t[b - 1] == '(' && e < n && t[e] == ')') b--, e++;
  memset(t + b, ' ', e - b);
  return date;
}

/* "Name — Issuer", "Name, Issuer", "Name (Issuer)", "Name | Issuer": the
 * issuer follows the last separator ("AWS Certified Solutions Architect –
 * Professional, Amazon Web Services"). */
static void split_issuer(char *t, size_t n, size_t *name_n, const char **issuer, size_t *issuer_n) {
  static const char *const seps[] = {" \xe2\x80\x94 ", " \xe2\x80\x93 ", " - ", " | ", ", ",
                                     " by ", " (", NULL};
  char *hit = NULL;
  int which = -1;
  *name_n = n;
  *issuer = NULL;
  for (int s = 0; seps[s]; s++) {
    for (char *q = strstr(t, seps[s]); q; q = strstr(q + 1, seps[s])) {
      const char *rest = q + strlen(seps[s]);
      size_t rest_n = n - (size_t)(rest - t);
      cw__trim(&rest, &rest_n);
      if (rest_n && *rest != ')' && (!hit || q > hit)) {
        hit = q;
        which = s;
      }
    }
  }
  if (!hit) return;
  *name_n = (size_t)(hit - t);
  const char *is = hit + strlen(seps[which]);
  size_t in = n - (size_t)(is - t);
  while (in && (is[in - 1] == ')' || is[in - 1] == ' ')) in--;
  cw__trim(&is, &in);
  const char *paren = memchr(is, '(', in);
  if (paren) in = (size_t)(paren - is);
  *issuer = is;
  *issuer_n = in;
}

void cw__certs_section(cw__doc *d, int from, int to, json_t *out) {
  (void)d;
  for (int i = from; i < to && json_array_size(out) < 50; i++) {
    const cw__line *l = &d->lines[i];
    if (!l->len || l->len > 300) continue;
    char *t = strndup(l->text, l->len);
    if (!t) return;
    size_t n = l->len;
    json_t *date = cert_date(t, n);
    while (n && strchr(" ,;|", t[n - 1])) t[--n] = 0; /* what the date left behind */
    size_t name_n, issuer_n = 0;
    const char *issuer;
    split_issuer(t, n, &name_n, &issuer, &issuer_n);
    json_t *o = json_object();
    json_object_set_new(o, "name", cw__str(t, name_n));
    json_object_set_new(o, "issuer", issuer ? cw__str(issuer, issuer_n) : json_null());
    json_object_set_new(o, "date", date);
    if (json_is_null(json_object_get(o, "name"))) json_decref(o);
    else json_array_append_new(out, o);
    free(t);
  }
}
