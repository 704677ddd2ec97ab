/* Offline heuristic parser: normalisation, line model, sections, and the
 * assembly of the document.  Field extraction lives in contacts.c,
 * heuristic_entries.c and heuristic_lists.c. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "heuristic_int.h"

static const char *const patterns[RE__COUNT] = {
    [RE_EMAIL] = "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,24}",
    /* International and national formats: +49 30 1234567, (912) 555-4321,
     * 0044 20 7946 0958, +1-415-555-0100, 06 12 34 56 78. */
    [RE_PHONE] = "(?<![\\w.+/])(?:(?:\\+|00)\\d{1,3}[\\s.-]?)?(?:\\(\\d{1,5}\\)[\\s.-]?)?"
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
    [RE_DURATION] = "(?i)^\\(?\\s*\\d+\\+?\\s*(?:years?|yrs?|months?|mos?)"
                    "(?:,?\\s*\\d+\\s*(?:months?|mos?))?\\s*\\)?$",
    [RE_DURATION_ANY] = "(?i)[(\\x{00B7}]?\\s*\\b\\d+\\+?\\s*(?:years?|yrs?|months?|mos?)\\b"
                        "(?:,?\\s*\\d+\\s*(?:months?|mos?)\\b)?\\s*\\)?",
    [RE_GPA] = "(?i)\\b(?:GPA|grade|cgpa|note|nota)\\b\\s*[:=]?\\s*(\\d+(?:[.,]\\d+)?(?:\\s*/\\s*\\d+(?:[.,]\\d+)?)?)",
    [RE_FOOTER] = "(?i)^(?:page\\s*\\d+(?:\\s*(?:of|/)\\s*\\d+)?|-\\s*\\d+\\s*-|"
                  ".{0,60}[-\\x{2013}\\x{2014}]\\s*\\d{1,2}\\s*/\\s*\\d{1,2}|\\d{1,2}\\s*/\\s*\\d{1,2})$",
};

int cw_heuristic_new(const cw_skills *skills, cw_heuristic **out) {
  if (!out) return -EINVAL;
  cw_heuristic *h = calloc(1, sizeof *h);
  if (!h) return -ENOMEM;
  h->skills = skills;
  for (int i = 0; i < RE__COUNT; i++) {
    int err;
    PCRE2_SIZE off;
    h->re[i] = pcre2_compile((PCRE2_SPTR)patterns[i], PCRE2_ZERO_TERMINATED,
                             PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK, &err, &off, NULL);
    if (!h->re[i]) {
      cw_heuristic_free(h);
      return -EINVAL;
    }
    /* JIT is an optimisation only: MemoryDenyWriteExecute= makes it fail,
     * and the interpreter gives the same answers. */
    (void)pcre2_jit_compile(h->re[i], PCRE2_JIT_COMPLETE);
  }
  h->md = pcre2_match_data_create(4, NULL);
  if (!h->md) {
    cw_heuristic_free(h);
    return -ENOMEM;
  }
  *out = h;
  return 0;
}

void cw_heuristic_free(cw_heuristic *h) {
  if (!h) return;
  for (int i = 0; i < RE__COUNT; i++) pcre2_code_free(h->re[i]);
  pcre2_match_data_free(h->md);
  free(h);
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

bool cw__in_text(const cw__doc *d, const char *s, size_t n) {
  return n && memmem(d->norm, d->norm_len, s, n) != NULL;
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
static char *normalise(const char *s, size_t len, size_t *out_len) {
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

static void split_cells(cw__line *l) {
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
static int make_lines(cw__doc *d, char *buf) {
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
    split_cells(l);
    if (!nl) break;
    p = nl + 1;
  }
  return 0;
}

static bool all_caps(const char *s, size_t n, int *letters) {
  bool caps = true;
  *letters = 0;
  for (size_t j = 0; j < n; j++) {
    unsigned char c = (unsigned char)s[j];
    if (islower(c) || isdigit(c)) caps = false;
    if (isupper(c)) (*letters)++;
  }
  return caps && *letters > 0;
}

/* An ALL-CAPS employer ("BETA INDUSTRIES", "GLOBEX" followed by a dated
 * role) rather than the heading of an unknown section. */
static bool entry_like(cw__doc *d, int i) {
  const cw__line *l = &d->lines[i];
  if (cw__score_words(l->text, l->len, W_COMPANY) || cw__score_words(l->text, l->len, W_INST) ||
      cw__score_words(l->text, l->len, W_TITLE))
    return true;
  for (int j = i + 1, seen = 0; j < d->nlines && seen < 3; j++) {
    if (!d->lines[j].len) continue;
    seen++;
    cw_date_range r;
    if (cw_dates_find(d->lines[j].text, d->lines[j].len, &r) == 0 && r.is_range) return true;
  }
  return false;
}

/* The first item of a list names a spoken language ("English, German"
 * rather than "Python, C++"). */
static bool spoken_language(const char *s) {
  static const char *const names[] = {
      "english", "german", "french", "spanish", "italian", "portuguese", "dutch", "polish",
      "russian", "ukrainian", "chinese", "mandarin", "cantonese", "japanese", "korean", "hindi",
      "arabic", "turkish", "swedish", "norwegian", "danish", "finnish", "greek", "hebrew",
      "czech", "hungarian", "romanian", "bulgarian", "croatian", "serbian", "vietnamese",
      "thai", "indonesian", "malay", "tagalog", "swahili", "persian", "farsi", "urdu", "bengali",
      "tamil", "telugu", "punjabi", "catalan", "basque", "irish", "welsh", "yoruba", "igbo",
      "deutsch", "englisch", "französisch", "spanisch", "anglais", "allemand", "espagnol",
      "français", "inglés", "alemán", "francés", "español", NULL};
  size_t n = 0;
  while (s[n] && (isalpha((unsigned char)s[n]) || (unsigned char)s[n] >= 0x80)) n++;
  for (int i = 0; names[i]; i++)
    if (strlen(names[i]) == n && strncasecmp(names[i], s, n) == 0) return true;
  return false;
}

/* "Skills: Python, Go" or "Languages: English, German" as one line: a
 * heading with its content.  "Languages:" inside a skills section is a
 * category of programming languages, not a heading. */
static bool inline_heading(cw__doc *d, cw__line *l, enum cw__sec cur) {
  (void)d;
  const char *colon = memchr(l->text, ':', l->len);
  if (!colon || colon == l->text || (size_t)(colon - l->text) > 40) return false;
  enum cw__sec k = cw__heading_kind(l->text, (size_t)(colon - l->text), true);
  if (k != SEC_SKILLS && k != SEC_LANGUAGES && k != SEC_CERTS) return false;
  const char *rest = colon + 1;
  while (*rest == ' ') rest++;
  if (!*rest || k == cur) return false;
  if (cur == SEC_SKILLS && !(k == SEC_LANGUAGES && spoken_language(rest))) return false;
  l->heading = k;
  l->inline_content = true;
  l->len -= (size_t)(rest - l->text);
  l->text = (char *)rest;
  l->ncells = 1;
  l->cell_b[0] = 0;
  l->cell_e[0] = l->len;
  return true;
}

static void mark_headings(cw__doc *d) {
  bool seen = false, caps_style = false;
  enum cw__sec cur = SEC_NONE, resume = SEC_NONE;
  /* Unknown ALL-CAPS lines count as headings only in documents whose known
   * headings are ALL-CAPS too ("EXPERIENCE"); elsewhere "BS" or "NVIDIA" on
   * a line of its own is content. */
  for (int i = 0; i < d->nlines && !caps_style; i++) {
    cw__line *l = &d->lines[i];
    int letters;
    if (!l->bullet && l->ncells == 1 && l->len && cw__heading_kind(l->text, l->len, true) != SEC_NONE &&
        all_caps(l->text, l->len, &letters))
      caps_style = true;
  }
  for (int i = 0; i < d->nlines; i++) {
    cw__line *l = &d->lines[i];
    if (!l->len) continue;
    if (cw__re_find(d->h, RE_FOOTER, l->text, l->len, NULL, NULL)) {
      l->len = 0; /* page footers/numbers carry nothing */
      l->text[0] = 0;
      continue;
    }
    if (l->bullet || l->ncells > 1) continue;
    enum cw__sec k = cw__heading_kind(l->text, l->len, false);
    int letters;
    if (k == SEC_NONE && seen && caps_style && l->len <= 40 && all_caps(l->text, l->len, &letters) &&
        letters >= 4 && cw__word_count(l->text, l->len) <= 4 && (i == 0 || !d->lines[i - 1].len) &&
        !entry_like(d, i))
      k = SEC_OTHER; /* a heading of a section we do not parse */
    if (k == SEC_NONE && inline_heading(d, l, cur)) {
      /* The section it interrupted goes on at the next line. */
      resume = cur;
      seen = true;
      cur = l->heading;
      continue;
    }
    if (k != SEC_NONE) {
      l->heading = k;
      cur = k;
      seen = true;
    } else if (resume != SEC_NONE) {
      l->heading = cur = resume;
      l->inline_content = true;
    }
    resume = SEC_NONE;
  }
}

static json_t *summary_of(cw__doc *d, int from, int to) {
  size_t cap = 0;
  for (int i = from; i < to; i++) cap += d->lines[i].len + 1;
  char *buf = malloc(cap + 1);
  if (!buf) return json_null();
  size_t n = 0;
  for (int i = from; i < to; i++) {
    cw__line *l = &d->lines[i];
    if (!l->len) continue;
    if (n) buf[n++] = l->bullet ? '\n' : ' ';
    memcpy(buf + n, l->text, l->len);
    n += l->len;
  }
  json_t *v = cw__str(buf, n);
  free(buf);
  return v;
}

static int section_end(cw__doc *d, int from) {
  int i = from + 1;
  while (i < d->nlines && d->lines[i].heading == SEC_NONE) i++;
  return i;
}

static void extend(json_t *arr, json_t *more) {
  if (more) json_array_extend(arr, more);
  json_decref(more);
}

/* A summary paragraph before the first heading and after the contact block. */
static json_t *implicit_summary(cw__doc *d, int header_end) {
  for (int i = 0; i < header_end; i++) {
    cw__line *l = &d->lines[i];
    if (l->len > 120 && cw__word_count(l->text, l->len) >= 15 && !strchr(l->text, '@'))
      return summary_of(d, i, header_end);
  }
  return json_null();
}

static json_t *assemble(cw__doc *d) {
  int first = 0;
  while (first < d->nlines && d->lines[first].heading == SEC_NONE) first++;
  json_t *doc = json_object();
  json_t *work = json_array(), *edu = json_array(), *skills = json_array();
  json_t *proj = json_array(), *certs = json_array(), *langs = json_array();
  json_t *summary = NULL;
  json_object_set_new(doc, "contact", cw__contact(d, first));
  for (int i = first; i < d->nlines;) {
    int end = section_end(d, i);
    int from = d->lines[i].inline_content ? i : i + 1; /* "Skills: a, b" */
    switch (d->lines[i].heading) {
    case SEC_SUMMARY:
      if (!summary) summary = summary_of(d, from, end);
      break;
    case SEC_WORK: extend(work, cw__entries(d, SEC_WORK, from, end)); break;
    case SEC_EDUCATION: extend(edu, cw__entries(d, SEC_EDUCATION, from, end)); break;
    case SEC_PROJECTS: extend(proj, cw__entries(d, SEC_PROJECTS, from, end)); break;
    case SEC_SKILLS: cw__skills_section(d, from, end, skills); break;
    case SEC_CERTS: cw__certs_section(d, from, end, certs); break;
    case SEC_LANGUAGES: cw__languages_section(d, from, end, langs); break;
    default: break;
    }
    i = end;
  }
  if (json_array_size(skills) == 0) cw__skills_scan_text(d, skills);
  if (!summary || json_is_null(summary)) {
    json_decref(summary);
    summary = implicit_summary(d, first);
  }
  json_object_set_new(doc, "summary", summary);
  json_object_set_new(doc, "work_experience", work);
  json_object_set_new(doc, "education", edu);
  json_object_set_new(doc, "skills", skills);
  json_object_set_new(doc, "projects", proj);
  json_object_set_new(doc, "certifications", certs);
  json_object_set_new(doc, "languages", langs);
  return doc;
}

int cw_heuristic_parse(cw_heuristic *h, const char *text, size_t len, json_t **document) {
  if (!h || (!text && len) || !document) return -EINVAL;
  cw__doc d = {.h = h};
  size_t nlen = 0;
  char *norm = normalise(text ? text : "", len, &nlen);
  char *buf = norm ? cw__dup_padded(norm, nlen) : NULL;
  if (!norm || !buf) {
    free(norm);
    free(buf);
    return -ENOMEM;
  }
  d.norm = norm;
  d.norm_len = nlen;
  int rc = make_lines(&d, buf);
  if (rc == 0) {
    mark_headings(&d);
    *document = assemble(&d);
    if (!*document) rc = -ENOMEM;
  }
  free(d.lines);
  free(buf);
  free(norm);
  return rc;
}
