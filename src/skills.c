/* Skills dictionary: a flat table of (name, canonical index, category). */
#include "careeros/skills.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
  char *name;      /* spelling to match */
  char *low;       /* the same, lower-case (ASCII), for the text scan */
  int canonical;   /* index of the entry holding the canonical name */
  int category;    /* index into categories */
  bool strict;     /* '!' entries: never matched in running text */
} skill_entry;

struct cw_skills {
  skill_entry *e;
  size_t n, cap;
  char **cats;
  size_t ncats, capcats;
};

static char *trim_dup(const char *s, size_t n) {
  while (n && isspace((unsigned char)*s)) s++, n--;
  while (n && isspace((unsigned char)s[n - 1])) n--;
  return strndup(s, n);
}

static char *lower_dup(const char *s, size_t n) {
  char *o = malloc(n + 1);
  if (!o) return NULL;
  for (size_t i = 0; i < n; i++) o[i] = (char)tolower((unsigned char)s[i]);
  o[n] = 0;
  return o;
}

static int add_entry(cw_skills *d, char *name, int canonical, int cat, bool strict) {
  if (!name) return -ENOMEM;
  if (!*name) {
    free(name);
    return 0;
  }
  if (d->n == d->cap) {
    size_t cap = d->cap ? d->cap * 2 : 256;
    skill_entry *e = realloc(d->e, cap * sizeof *e);
    if (!e) {
      free(name);
      return -ENOMEM;
    }
    d->e = e;
    d->cap = cap;
  }
  char *low = lower_dup(name, strlen(name));
  if (!low) {
    free(name);
    return -ENOMEM;
  }
  d->e[d->n] = (skill_entry){name, low, canonical < 0 ? (int)d->n : canonical, cat, strict};
  d->n++;
  return 0;
}

static int add_category(cw_skills *d, const char *s, size_t n) {
  if (d->ncats == d->capcats) {
    size_t cap = d->capcats ? d->capcats * 2 : 16;
    char **c = realloc(d->cats, cap * sizeof *c);
    if (!c) return -ENOMEM;
    d->cats = c;
    d->capcats = cap;
  }
  d->cats[d->ncats] = trim_dup(s, n);
  if (!d->cats[d->ncats]) return -ENOMEM;
  return (int)d->ncats++;
}

/* One "name = alias, alias" line. */
static int parse_skill_line(cw_skills *d, const char *s, size_t n, int cat) {
  bool strict = false;
  if (n && *s == '!') {
    strict = true;
    s++, n--;
  }
  const char *eq = memchr(s, '=', n);
  size_t name_len = eq ? (size_t)(eq - s) : n;
  int canon = (int)d->n;
  int rc = add_entry(d, trim_dup(s, name_len), -1, cat, strict);
  if (rc || !eq) return rc;
  const char *p = eq + 1, *end = s + n;
  while (p < end) {
    const char *c = memchr(p, ',', (size_t)(end - p));
    if (!c) c = end;
    rc = add_entry(d, trim_dup(p, (size_t)(c - p)), canon, cat, strict);
    if (rc) return rc;
    p = c + 1;
  }
  return 0;
}

int cw_skills_load_buffer(const char *buf, size_t len, const char *name, cw_skills **out) {
  cw_skills *d = calloc(1, sizeof *d);
  if (!d) return -ENOMEM;
  int cat = -1, rc = 0, lineno = 0;
  const char *p = buf, *end = buf + len;
  while (p < end && rc != -ENOMEM) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) nl = end;
    const char *s = p;
    size_t n = (size_t)(nl - p);
    p = nl + 1;
    lineno++;
    while (n && isspace((unsigned char)*s)) s++, n--;
    /* A comment after blanks: "Python   ; the language" (not "C#"). */
    for (size_t k = 1; k < n; k++)
      if ((s[k] == ';' || s[k] == '#') && isspace((unsigned char)s[k - 1])) {
        n = k;
        break;
      }
    while (n && isspace((unsigned char)s[n - 1])) n--;
    if (!n || *s == '#' || *s == ';') continue;
    if (*s == '[') {
      if (s[n - 1] != ']' || n < 3) {
        fprintf(stderr, "%s:%d: malformed category line\n", name, lineno);
        rc = -EINVAL;
        continue;
      }
      int c = add_category(d, s + 1, n - 2);
      if (c < 0) rc = c;
      else cat = c;
      continue;
    }
    if (cat < 0) {
      fprintf(stderr, "%s:%d: skill outside a [category]\n", name, lineno);
      rc = -EINVAL;
      continue;
    }
    int r = parse_skill_line(d, s, n, cat);
    if (r) rc = r;
  }
  if (rc) {
    cw_skills_free(d);
    return rc;
  }
  *out = d;
  return 0;
}

int cw_skills_load(const char *path, cw_skills **out) {
  FILE *f = fopen(path, "rb");
  if (!f) return -errno;
  char *buf = NULL;
  size_t cap = 0, len = 0;
  int rc = 0;
  for (;;) {
    if (len + 4096 > cap) {
      if (cap > (16u << 20)) {
        rc = -EFBIG; /* a dictionary this large is a mistake */
        break;
      }
      char *nb = realloc(buf, cap = cap ? cap * 2 : 65536);
      if (!nb) {
        rc = -ENOMEM;
        break;
      }
      buf = nb;
    }
    size_t r = fread(buf + len, 1, cap - len, f);
    len += r;
    if (r == 0) break;
  }
  if (!rc && ferror(f)) rc = -EIO;
  fclose(f);
  if (!rc) rc = cw_skills_load_buffer(buf, len, path, out);
  free(buf);
  return rc;
}

void cw_skills_free(cw_skills *d) {
  if (!d) return;
  for (size_t i = 0; i < d->n; i++) {
    free(d->e[i].name);
    free(d->e[i].low);
  }
  for (size_t i = 0; i < d->ncats; i++) free(d->cats[i]);
  free(d->e);
  free(d->cats);
  free(d);
}

size_t cw_skills_count(const cw_skills *d) {
  size_t n = 0;
  for (size_t i = 0; d && i < d->n; i++) n += d->e[i].canonical == (int)i;
  return n;
}

bool cw_skills_lookup(const cw_skills *d, const char *name, size_t len, const char **canonical,
                      const char **category) {
  for (size_t i = 0; d && i < d->n; i++) {
    if (strlen(d->e[i].name) == len && strncasecmp(d->e[i].name, name, len) == 0) {
      if (canonical) *canonical = d->e[d->e[i].canonical].name;
      if (category) *category = d->cats[d->e[i].category];
      return true;
    }
  }
  return false;
}

static bool word_char(unsigned char c) { return isalnum(c) || c == '+' || c == '#' || c >= 0x80; }

/* Whole-word search of the lower-case name w in the lower-cased text. */
static bool occurs(const char *low, size_t len, const char *w) {
  size_t n = strlen(w);
  if (!n || n > len) return false;
  const char *p = low, *end = low + len;
  while ((p = memmem(p, (size_t)(end - p), w, n)) != NULL) {
    size_t i = (size_t)(p - low);
    bool left = i == 0 || !word_char((unsigned char)low[i - 1]);
    bool right = i + n == len || !word_char((unsigned char)low[i + n]);
    /* "node.js" must not match inside "foo.node.js"-like tokens. */
    bool dotted = i > 1 && low[i - 1] == '.' && isalnum((unsigned char)low[i - 2]);
    if (left && right && !dotted) return true;
    p++;
  }
  return false;
}


void cw_skills_scan(const cw_skills *d, const char *text, size_t len,
                    void (*fn)(void *arg, const char *canonical, const char *category),
                    void *arg) {
  if (!d || !d->n) return;
  bool *seen = calloc(d->n, 1);
  char *low = lower_dup(text, len);
  if (!seen || !low) {
    free(seen);
    free(low);
    return;
  }
  for (size_t i = 0; i < d->n; i++) {
    const skill_entry *e = &d->e[i];
    if (e->strict || seen[e->canonical]) continue;
    if (occurs(low, len, e->low)) {
      seen[e->canonical] = true;
      fn(arg, d->e[e->canonical].name, d->cats[e->category]);
    }
  }
  free(seen);
  free(low);
}
