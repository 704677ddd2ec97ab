/* Contact block: name, headline, email, phone, location and URLs, found in
 * the lines before the first section heading (and in a "Contact" section),
 * with the e-mail and phone searched in the whole text when the header has
 * none. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "contacts.h"
#include "words.h"

typedef struct {
  const char *s;
  size_t n;
  int line;
} piece;

#define MAX_PIECES 64

/* Splits a line into pieces at cell gaps and at "|", "•", "·" separators. */
static int pieces_of(const cw__line *l, int line, piece *out, int max) {
  int n = 0;
  for (int c = 0; c < l->ncells && n < max; c++) {
    const char *s = l->text + l->cell_b[c], *end = l->text + l->cell_e[c];
    while (s < end && n < max) {
      const char *q = s, *sep = end;
      size_t sl = 0;
      for (; q < end; q++) {
        if (*q == '|') { sep = q; sl = 1; break; }
        if (end - q >= 3 && (memcmp(q, "\xe2\x80\xa2", 3) == 0 || memcmp(q, "\xe2\x97\x8f", 3) == 0 ||
                             memcmp(q, "\xe2\x97\x86", 3) == 0)) { sep = q; sl = 3; break; }
        if (end - q >= 2 && memcmp(q, "\xc2\xb7", 2) == 0) { sep = q; sl = 2; break; }
        if (end - q >= 5 && q[0] == ' ' && q[4] == ' ' && memcmp(q + 1, "\xe2\x80", 2) == 0 &&
            (q[3] == '\x93' || q[3] == '\x94')) { sep = q; sl = 5; break; }
        if (end - q >= 3 && memcmp(q, " - ", 3) == 0) { sep = q; sl = 3; break; }
      }
      const char *ps = s;
      size_t pn = (size_t)(sep - s);
      cw__trim(&ps, &pn);
      if (pn) out[n++] = (piece){ps, pn, line};
      s = sep + sl;
      if (sep == end) break;
    }
  }
  return n;
}

static bool has_char(const char *s, size_t n, char c) { return memchr(s, c, n) != NULL; }

static bool has_digit(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (isdigit((unsigned char)s[i])) return true;
  return false;
}

static bool contains_ci(const char *s, size_t n, const char *w) {
  size_t m = strlen(w);
  for (size_t i = 0; i + m <= n; i++)
    if (strncasecmp(s + i, w, m) == 0) return true;
  return false;
}

static bool valid_phone(const char *s, size_t n) {
  int digits = 0;
  for (size_t i = 0; i < n; i++) digits += isdigit((unsigned char)s[i]) != 0;
  if (digits < 7 || digits > 15) return false;
  cw_date_range r;
  if (cw_dates_parse(s, n, &r) == 0) return false; /* "2019 - 2021" */
  return true;
}

static bool find_phone(cw__doc *d, const char *s, size_t n, json_t **out) {
  size_t off = 0;
  while (off < n) {
    size_t b, e;
    if (!cw__re_find(d->h, RE_PHONE, s + off, n - off, &b, &e)) return false;
    if (valid_phone(s + off + b, e - b)) {
      if (out) *out = cw__str(s + off + b, e - b);
      return true;
    }
    off += e > 0 ? e : 1;
  }
  return false;
}

static bool is_contactish(cw__doc *d, const piece *p) {
  return has_char(p->s, p->n, '@') || cw__re_find(d->h, RE_URL, p->s, p->n, NULL, NULL) ||
         (has_digit(p->s, p->n) && find_phone(d, p->s, p->n, NULL)) ||
         has_char(p->s, p->n, ':');
}

static bool name_like(const piece *p) {
  if (p->n < 3 || p->n > 60 || has_digit(p->s, p->n)) return false;
  static const char *const bad[] = {"resume", "résumé", "curriculum", "updated", "cv ", "page",
                                    "@", "http", "www.", NULL};
  for (int i = 0; bad[i]; i++)
    if (contains_ci(p->s, p->n, bad[i])) return false;
  int w = cw__word_count(p->s, p->n);
  if (w < 2 || w > 5) return false;
  for (size_t i = 0; i < p->n; i++) {
    unsigned char c = (unsigned char)p->s[i];
    if (!(isalpha(c) || c >= 0x80 || c == ' ' || c == '.' || c == '-' || c == '\'')) return false;
  }
  return isupper((unsigned char)p->s[0]) || (unsigned char)p->s[0] >= 0x80;
}

/* "FATIMA OKAFOR" -> "Fatima Okafor" (ASCII-only capitals; other names are
 * kept as printed). */
static json_t *name_value(const char *s, size_t n) {
  bool caps = n > 0;
  for (size_t i = 0; i < n; i++)
    if (islower((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80) caps = false;
  if (!caps) return cw__str(s, n);
  char buf[64];
  if (n >= sizeof buf) return cw__str(s, n);
  for (size_t i = 0; i < n; i++) {
    bool first = i == 0 || s[i - 1] == ' ' || s[i - 1] == '-' || s[i - 1] == '\'';
    buf[i] = first ? s[i] : (char)tolower((unsigned char)s[i]);
  }
  return cw__str(buf, n);
}

static bool location_like(cw__doc *d, const piece *p) {
  if (cw__word_count(p->s, p->n) > 10 || has_char(p->s, p->n, '@')) return false;
  if (cw__re_find(d->h, RE_LOCATION, p->s, p->n, NULL, NULL)) return true;
  /* A street address: digits and at least one comma. */
  return has_digit(p->s, p->n) && has_char(p->s, p->n, ',') && !has_char(p->s, p->n, ':');
}

static json_t *labelled(const piece *p, const char *const *labels) {
  for (int i = 0; labels[i]; i++) {
    size_t m = strlen(labels[i]);
    if (p->n > m && strncasecmp(p->s, labels[i], m) == 0) {
      const char *v = p->s + m;
      size_t n = p->n - m;
      while (n && (*v == ':' || *v == ' ')) v++, n--;
      if (n && p->s[m] == ':') return cw__str(v, n);
    }
  }
  return NULL;
}

static void add_urls(cw__doc *d, const char *s, size_t n, json_t *urls) {
  size_t off = 0, b, e;
  while (off < n && json_array_size(urls) < 10 &&
         cw__re_find(d->h, RE_URL, s + off, n - off, &b, &e)) {
    const char *u = s + off + b;
    size_t un = e - b;
    while (un && strchr(".:", u[un - 1])) un--;
    bool dup = false;
    for (size_t i = 0; i < json_array_size(urls); i++) {
      const char *have = json_string_value(json_array_get(urls, i));
      if (strlen(have) == un && strncasecmp(have, u, un) == 0) dup = true;
    }
    if (!dup && un) json_array_append_new(urls, json_stringn(u, un));
    off += e > b ? e : b + 1;
  }
}

/* A cell that holds nothing but a phone number written as one ("(260)
 * 673-5369", "+48603709923"): contact columns printed away from the top. */
static bool phone_cell(cw__doc *d, const cw__line *l, json_t **out) {
  for (int k = 0; k < l->ncells; k++) {
    const char *s = l->text + l->cell_b[k];
    size_t n = l->cell_e[k] - l->cell_b[k], b, e;
    cw__trim(&s, &n);
    if (n < 7 || !cw__re_find(d->h, RE_PHONE, s, n, &b, &e) || b != 0 || e != n) continue;
    int seps = 0;
    for (size_t i = 0; i < n; i++) seps += s[i] == ' ' || s[i] == '-' || s[i] == '.';
    if (!(s[0] == '+' || s[0] == '(' || seps >= 2) || !valid_phone(s, n)) continue;
    *out = cw__str(s, n);
    return true;
  }
  return false;
}

/* The previous line's last cell when it is the head of an e-mail address
 * that a narrow column wrapped after a dot, hyphen or underscore ("jane." /
 * "doe@example.com"); 0 when it is not. */
static size_t wrapped_email_head(const cw__doc *d, int line, const char **head) {
  if (line <= 0 || line >= d->nlines) return 0;
  const cw__line *l = &d->lines[line - 1];
  size_t k = l->len;
  while (k > 0 && (isalnum((unsigned char)l->text[k - 1]) || strchr("._%+-", l->text[k - 1]))) k--;
  size_t n = l->len - k;
  /* the head fills its line or its cell: a word ending a sentence ("St.")
   * is no head */
  bool cell = k == 0 || l->text[k - 1] == '\t' || (k >= 2 && l->text[k - 2] == ' ' && l->text[k - 1] == ' ');
  if (!n || n > 64 || !cell ||
      !strchr(".-_", l->text[l->len - 1]) || !isalnum((unsigned char)l->text[k]))
    return 0;
  *head = l->text + k;
  return n;
}

/* The e-mail address found at s[b, e) of document line `line`, joined with
 * the head the line before holds when the address opens its line. */
static json_t *email_at(const cw__doc *d, int line, const char *s, size_t b, size_t e) {
  const char *head;
  size_t hn;
  const cw__line *l = line >= 0 && line < d->nlines ? &d->lines[line] : NULL;
  bool opens = l && (s + b == l->text || (s + b > l->text && (s + b)[-1] == '\t'));
  if (!opens || (hn = wrapped_email_head(d, line, &head)) == 0 || hn + e - b >= 256)
    return cw__str(s + b, e - b);
  char buf[256];
  memcpy(buf, head, hn);
  memcpy(buf + hn, s + b, e - b);
  return cw__str(buf, hn + e - b);
}

/* An e-mail address that a narrow column wrapped inside its domain
 * ("jane@mail.example." / "com"): the line's last word holds the '@' and
 * ends on a dot or hyphen, the next line's first word completes it.  NULL
 * when the lines hold no such address. */
static json_t *email_wrapped_tail(cw__doc *d, int line) {
  if (line < 0 || line + 1 >= d->nlines) return NULL;
  const cw__line *l = &d->lines[line], *nx = &d->lines[line + 1];
  size_t k = l->len;
  while (k > 0 && l->text[k - 1] != ' ' && l->text[k - 1] != '\t') k--;
  size_t tn = l->len - k, un = 0;
  if (tn < 4 || !memchr(l->text + k, '@', tn) || !strchr(".-", l->text[l->len - 1])) return NULL;
  while (un < nx->len && (isalnum((unsigned char)nx->text[un]) || strchr(".-", nx->text[un]))) un++;
  char buf[256];
  size_t b, e;
  if (!un || tn + un >= sizeof buf) return NULL;
  memcpy(buf, l->text + k, tn);
  memcpy(buf + tn, nx->text, un);
  if (!cw__re_find(d->h, RE_EMAIL, buf, tn + un, &b, &e) || b != 0 || e <= tn) return NULL;
  return cw__str(buf, e);
}

static void email_phone_anywhere(cw__doc *d, json_t *c) {
  for (int i = 0; i < d->nlines && json_is_null(json_object_get(c, "phone")); i++) {
    json_t *ph = NULL;
    if (!d->lines[i].bullet && phone_cell(d, &d->lines[i], &ph)) json_object_set_new(c, "phone", ph);
  }
  for (int i = 0; i < d->nlines; i++) {
    cw__line *l = &d->lines[i];
    size_t b, e;
    json_t *wrapped = json_is_null(json_object_get(c, "email")) ? email_wrapped_tail(d, i) : NULL;
    if (wrapped)
      json_object_set_new(c, "email", wrapped);
    else if (json_is_null(json_object_get(c, "email")) &&
             cw__re_find(d->h, RE_EMAIL, l->text, l->len, &b, &e))
      json_object_set_new(c, "email", email_at(d, i, l->text, b, e));
    json_t *ph = NULL;
    if (json_is_null(json_object_get(c, "phone")) &&
        (contains_ci(l->text, l->len, "phone") || contains_ci(l->text, l->len, "tel") ||
         contains_ci(l->text, l->len, "mobile") || contains_ci(l->text, l->len, "handy")) &&
        find_phone(d, l->text, l->len, &ph))
      json_object_set_new(c, "phone", ph);
  }
}

/* What follows the first comma of p when it is a role ("Jane Roe, Data
 * Engineer": the name and the headline on one line); false otherwise. */
static bool role_after_comma(const piece *p, piece *role) {
  const char *comma = memchr(p->s, ',', p->n);
  if (!comma) return false;
  role->s = comma + 1;
  role->n = (size_t)(p->s + p->n - role->s);
  role->line = p->line;
  cw__trim(&role->s, &role->n);
  return role->n && cw__score_words(role->s, role->n, W_TITLE) > 0;
}

/* The piece as a name candidate: "FATIMA OKAFOR, RN" loses its post-nominal
 * letters, "Jane Roe, Data Engineer" its role.  Returns false when it
 * cannot be a name. */
static bool name_candidate(cw__doc *d, const piece *p, piece *out) {
  *out = *p;
  const char *comma = memchr(p->s, ',', p->n);
  piece role;
  if (comma && ((p->s + p->n - comma <= 14 &&
                 cw__word_count(comma + 1, (size_t)(p->s + p->n - comma - 1)) <= 2) ||
                role_after_comma(p, &role)))
    out->n = (size_t)(comma - p->s);
  return name_like(out) && (comma || !location_like(d, p));
}

static bool has_role_words(const piece *p) {
  return cw__score_words(p->s, p->n, W_TITLE) || cw__score_words(p->s, p->n, W_COMPANY) ||
         cw__score_words(p->s, p->n, W_INST);
}

/* The name: the first name-like piece without job or organisation words
 * ("SOFTWARE ENGINEER" above "Jane Doe"), else the first name-like piece. */
static int pick_name(cw__doc *d, piece *ps, int np, piece *name) {
  for (int pass = 0; pass < 2; pass++)
    for (int k = 0; k < np; k++)
      if (name_candidate(d, &ps[k], name) && (pass || !has_role_words(name))) return k;
  return -1;
}

static bool headline_like(cw__doc *d, const piece *p) {
  return !is_contactish(d, p) && !location_like(d, p) && cw__word_count(p->s, p->n) <= 10 &&
         p->n < 100;
}

/* A piece that is a phone number and nothing else ("555 0104"), not an
 * account number behind a label or a postcode in an address. */
static bool whole_phone(cw__doc *d, const piece *p, json_t **out) {
  size_t b, e;
  if (!cw__re_find(d->h, RE_PHONE, p->s, p->n, &b, &e) || b != 0 || e != p->n ||
      !valid_phone(p->s, p->n))
    return false;
  *out = cw__str(p->s, p->n);
  return true;
}

/* E-mail, phone, URLs and a labelled location from the header pieces; from
 * line strict on (a "Contact" section's lines), a phone only when it fills
 * its piece. */
static void scan_pieces(cw__doc *d, piece *ps, int np, json_t *c, json_t *urls, int strict) {
  static const char *const loc_labels[] = {"location", "address", "adresse", "ort", "wohnort",
                                           "based in", "dirección", "city", NULL};
  for (int k = 0; k < np; k++) {
    piece *p = &ps[k];
    size_t b, e;
    json_t *v;
    json_t *wrapped = NULL;
    if (json_is_null(json_object_get(c, "email")) && memchr(p->s, '@', p->n) &&
        p->s + p->n == d->lines[p->line].text + d->lines[p->line].len)
      wrapped = email_wrapped_tail(d, p->line);
    if (wrapped)
      json_object_set_new(c, "email", wrapped);
    else if (json_is_null(json_object_get(c, "email")) && cw__re_find(d->h, RE_EMAIL, p->s, p->n, &b, &e))
      json_object_set_new(c, "email", email_at(d, p->line, p->s, b, e));
    if (json_is_null(json_object_get(c, "phone")) &&
        (p->line < strict ? find_phone(d, p->s, p->n, &v) : whole_phone(d, p, &v)))
      json_object_set_new(c, "phone", v);
    add_urls(d, p->s, p->n, urls);
    if (json_is_null(json_object_get(c, "location")) && (v = labelled(p, loc_labels)) != NULL)
      json_object_set_new(c, "location", v);
  }
}

/* "Jonathan" / "Pool" at the top of a narrow column: a given name alone on
 * the first line, the rest of the name (one to three capitalised words, no
 * job or organisation word) alone on the next.  Writes the joined name. */
static bool name_over_two_lines(cw__doc *d, const piece *ps, int np, char *buf, size_t cap,
                                piece *name) {
  if (np < 2 || ps[0].line != 0 || ps[1].line != 1 || (np > 2 && ps[2].line == 1)) return false;
  const piece *a = &ps[0], *b = &ps[1];
  if (cw__word_count(a->s, a->n) != 1 || cw__word_count(b->s, b->n) > 3 || has_role_words(a) ||
      has_role_words(b) || a->n + 1 + b->n >= cap || location_like(d, b))
    return false;
  memcpy(buf, a->s, a->n);
  buf[a->n] = ' ';
  memcpy(buf + a->n + 1, b->s, b->n);
  name->s = buf;
  name->n = a->n + 1 + b->n;
  name->line = 1;
  return name_like(name);
}

static void name_and_headline(cw__doc *d, piece *ps, int np, json_t *c, int *name_line) {
  piece name;
  char joined[64];
  *name_line = -1;
  if (name_over_two_lines(d, ps, np, joined, sizeof joined, &name)) {
    json_object_set_new(c, "name", name_value(name.s, name.n));
    *name_line = 1;
    if (np > 2 && ps[2].line <= 3 && headline_like(d, &ps[2]))
      json_object_set_new(c, "headline", cw__str(ps[2].s, ps[2].n));
    return;
  }
  int k = pick_name(d, ps, np, &name);
  if (k < 0) return;
  json_object_set_new(c, "name", name_value(name.s, name.n));
  *name_line = ps[k].line;
  /* The headline is the role after the name's comma, else the next piece,
   * on the name's line or just below; or a job title written above it. */
  piece role;
  if (name.n < ps[k].n && role_after_comma(&ps[k], &role) && headline_like(d, &role))
    json_object_set_new(c, "headline", cw__str(role.s, role.n));
  else if (k + 1 < np && ps[k + 1].line <= *name_line + 2 && headline_like(d, &ps[k + 1]))
    json_object_set_new(c, "headline", cw__str(ps[k + 1].s, ps[k + 1].n));
  else if (k > 0 && ps[k - 1].line == *name_line - 1 && headline_like(d, &ps[k - 1]) &&
           cw__score_words(ps[k - 1].s, ps[k - 1].n, W_TITLE))
    json_object_set_new(c, "headline", cw__str(ps[k - 1].s, ps[k - 1].n));
}

/* A bare city among the contact details ("Product Designer - Prague -
 * tomas@example.com"): short, capitalised, no digits, no job words, on a
 * line that also holds an e-mail, phone or URL. */
static bool bare_city(cw__doc *d, piece *ps, int np, const piece *p) {
  if (cw__word_count(p->s, p->n) > 3 || !isupper((unsigned char)p->s[0]) || has_digit(p->s, p->n) ||
      has_role_words(p) || memchr(p->s, ':', p->n) || is_contactish(d, p))
    return false;
  for (int k = 0; k < np; k++)
    if (ps[k].line == p->line && &ps[k] != p && is_contactish(d, &ps[k])) return true;
  return false;
}

/* A bare city only from the lines before strict: in a "Contact" section
 * the short words beside an address are its labels ("Email", "Website"). */
static void location_from_pieces(cw__doc *d, piece *ps, int np, json_t *c, int name_line,
                                 int strict) {
  const char *hl = json_string_value(json_object_get(c, "headline"));
  for (int pass = 0; pass < 2; pass++)
    for (int k = 0; k < np && json_is_null(json_object_get(c, "location")); k++) {
      if (ps[k].line == name_line || is_contactish(d, &ps[k])) continue;
      if (hl && strlen(hl) == ps[k].n && memcmp(hl, ps[k].s, ps[k].n) == 0) continue;
      if (pass == 0 ? location_like(d, &ps[k])
                    : ps[k].line < strict && bare_city(d, ps, np, &ps[k]))
        json_object_set_new(c, "location", cw__str(ps[k].s, ps[k].n));
    }
}

json_t *cw__contact(cw__doc *d, int header_end) {
  json_t *c = json_object(), *urls = json_array();
  json_object_set_new(c, "name", json_null());
  json_object_set_new(c, "headline", json_null());
  json_object_set_new(c, "email", json_null());
  json_object_set_new(c, "phone", json_null());
  json_object_set_new(c, "location", json_null());
  /* The lines before the first heading; and when a "Contact" section
   * comes first (LinkedIn exports) or right after them (a sidebar's
   * contact block under the name), that section up to the next heading. */
  int end = header_end, strict = d->nlines;
  if (end < d->nlines && d->lines[end].heading == SEC_CONTACT) {
    strict = end;
    /* also under the name: a sidebar's "Contact" block read first */
    end++;
    while (end < d->nlines && d->lines[end].heading == SEC_NONE) end++;
  }
  if (end > 30) end = 30;
  piece ps[MAX_PIECES];
  int np = 0, name_line;
  for (int i = 0; i < end && np < MAX_PIECES; i++)
    if (d->lines[i].heading == SEC_NONE) np += pieces_of(&d->lines[i], i, ps + np, MAX_PIECES - np);
  scan_pieces(d, ps, np, c, urls, strict);
  name_and_headline(d, ps, np, c, &name_line);
  location_from_pieces(d, ps, np, c, name_line, strict);
  /* URLs listed in a "Contact"/"Links" section. */
  for (int i = end; i < d->nlines; i++) {
    if (d->lines[i].heading != SEC_CONTACT) continue;
    for (int j = i + 1; j < d->nlines && d->lines[j].heading == SEC_NONE; j++)
      add_urls(d, d->lines[j].text, d->lines[j].len, urls);
  }
  email_phone_anywhere(d, c);
  json_object_set_new(c, "urls", urls);
  return c;
}
