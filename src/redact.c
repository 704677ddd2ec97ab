/* Contact redaction: e-mail addresses, phone numbers, URLs and @handles are
 * found locally with PCRE2 and replaced by numbered placeholders before the
 * text leaves the host; the originals stay here and are put back into the
 * answer (and fill the contact fields) afterwards. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <errno.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "careeros/llm.h"

enum { K_EMAIL, K_URL, K_PHONE, K_HANDLE, K_COUNT };

static const struct {
  const char *label; /* placeholder prefix */
  const char *list;  /* key in *found */
  const char *re;
} kinds[K_COUNT] = {
    {"EMAIL", "emails", "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}"},
    {"URL", "urls",
     "(?:\\bhttps?://|\\bwww\\.)[^\\s<>()\\[\\]\"']+"
     "|\\b(?:[a-z0-9-]+\\.)?(?:linkedin\\.com|github\\.com|gitlab\\.com|twitter\\.com|x\\.com|"
     "stackoverflow\\.com|behance\\.net|dribbble\\.com|medium\\.com|bitbucket\\.org)/[^\\s<>()\\[\\]\"']+"},
    /* digits in groups, optionally with a country code and an area code in
     * parentheses; checked afterwards for 7..15 digits and not an ISO date */
    {"PHONE", "phones",
     "(?<![\\w+/.-])(?:\\+\\d{1,3}[\\s.-]?)?(?:\\(\\d{1,5}\\)[\\s.-]?)?\\d{2,5}(?:[\\s.-]?\\d{2,5}){1,4}(?![\\w/])"},
    {"HANDLE", "handles", "(?<![\\w.@/])@[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,38}[A-Za-z0-9_])?\\b"},
};

struct cw_redactor {
  pcre2_code *re[K_COUNT];
  pcre2_match_data *md;
};

int cw_redactor_new(cw_redactor **out) {
  cw_redactor *r = calloc(1, sizeof *r);
  if (!r)
    return -ENOMEM;
  for (int k = 0; k < K_COUNT; k++) {
    int err;
    PCRE2_SIZE off;
    r->re[k] = pcre2_compile((PCRE2_SPTR)kinds[k].re, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP, &err, &off,
                             NULL);
    if (!r->re[k]) {
      cw_redactor_free(r);
      return -EINVAL;
    }
    pcre2_jit_compile(r->re[k], PCRE2_JIT_COMPLETE); /* best effort */
  }
  r->md = pcre2_match_data_create(4, NULL);
  if (!r->md) {
    cw_redactor_free(r);
    return -ENOMEM;
  }
  *out = r;
  return 0;
}

void cw_redactor_free(cw_redactor *r) {
  if (!r)
    return;
  for (int k = 0; k < K_COUNT; k++)
    pcre2_code_free(r->re[k]);
  pcre2_match_data_free(r->md);
  free(r);
}

typedef struct {
  char *p;
  size_t len, cap;
} buf;

static int put(buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t c = b->cap ? b->cap : 256;
    while (c < b->len + n + 1)
      c *= 2;
    char *np = realloc(b->p, c);
    if (!np)
      return -ENOMEM;
    b->p = np;
    b->cap = c;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
  return 0;
}

static bool phone_ok(const char *s, size_t n) {
  int digits = 0;
  for (size_t i = 0; i < n; i++)
    if (isdigit((unsigned char)s[i]))
      digits++;
  if (digits < 7 || digits > 15)
    return false;
  /* 2019-03-01 and 2019 - 2021 style dates and ranges are not phones */
  if (n == 10 && s[4] == '-' && s[7] == '-')
    return false;
  int groups = 0;
  bool all_years = true;
  for (size_t i = 0; i < n;) {
    while (i < n && !isdigit((unsigned char)s[i]))
      i++;
    size_t st = i;
    while (i < n && isdigit((unsigned char)s[i]))
      i++;
    if (i > st) {
      groups++;
      if (!(i - st == 4 && (s[st] == '1' || s[st] == '2')) && !(i - st == 2))
        all_years = false;
    }
  }
  return !(all_years && groups <= 3 && s[0] != '+' && s[0] != '(');
}

/* index (1-based) of value in the kind's list, appending when new */
static int number_of(json_t *list, const char *v, size_t n) {
  size_t i;
  json_t *e;
  json_array_foreach(list, i, e) {
    if (json_string_length(e) == n && memcmp(json_string_value(e), v, n) == 0)
      return (int)i + 1;
  }
  json_array_append_new(list, json_stringn(v, n));
  return (int)json_array_size(list);
}

static int one_kind(cw_redactor *r, int k, const char *in, size_t len, buf *out, json_t *found) {
  json_t *list = json_object_get(found, kinds[k].list);
  json_t *ph = json_object_get(found, "placeholders");
  size_t pos = 0;
  while (pos <= len) {
    int rc = pcre2_match(r->re[k], (PCRE2_SPTR)in, len, pos, 0, r->md, NULL);
    if (rc < 0)
      break;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
    size_t s = ov[0], e = ov[1];
    if (e == s) {
      pos = e + 1;
      continue;
    }
    if (k == K_URL) /* sentence punctuation is not part of the URL */
      while (e > s && strchr(".,;:!?", in[e - 1]))
        e--;
    if (k == K_PHONE && !phone_ok(in + s, e - s)) {
      if (put(out, in + pos, e - pos) < 0)
        return -ENOMEM;
      pos = e;
      continue;
    }
    if (put(out, in + pos, s - pos) < 0)
      return -ENOMEM;
    int num = number_of(list, in + s, e - s);
    char tag[32];
    int tl = snprintf(tag, sizeof tag, "[%s_%d]", kinds[k].label, num);
    if (put(out, tag, (size_t)tl) < 0)
      return -ENOMEM;
    json_object_set_new(ph, tag, json_stringn(in + s, e - s));
    pos = e;
  }
  if (pos < len && put(out, in + pos, len - pos) < 0)
    return -ENOMEM;
  if (!out->p && put(out, "", 0) < 0)
    return -ENOMEM;
  return 0;
}

int cw_redact(cw_redactor *r, const char *text, size_t len, char **out, size_t *out_len, json_t **found) {
  json_t *f = json_pack("{s:[],s:[],s:[],s:[],s:{}}", "emails", "urls", "phones", "handles", "placeholders");
  if (!f)
    return -ENOMEM;
  char *cur = malloc(len + 1);
  if (!cur) {
    json_decref(f);
    return -ENOMEM;
  }
  memcpy(cur, text, len);
  cur[len] = '\0';
  size_t cur_len = len;
  for (int k = 0; k < K_COUNT; k++) {
    buf b = {0};
    if (one_kind(r, k, cur, cur_len, &b, f) < 0) {
      free(b.p);
      free(cur);
      json_decref(f);
      return -ENOMEM;
    }
    free(cur);
    cur = b.p;
    cur_len = b.len;
  }
  *out = cur;
  *out_len = cur_len;
  *found = f;
  return 0;
}

static json_t *restore_string(const char *s, json_t *ph) {
  if (!strchr(s, '['))
    return NULL;
  buf b = {0};
  const char *p = s;
  bool changed = false;
  while (*p) {
    const char *o = strchr(p, '[');
    const char *c = o ? strchr(o, ']') : NULL;
    if (!o || !c) {
      put(&b, p, strlen(p));
      break;
    }
    char tag[48];
    size_t tl = (size_t)(c - o + 1);
    json_t *v = NULL;
    if (tl < sizeof tag) {
      memcpy(tag, o, tl);
      tag[tl] = '\0';
      v = json_object_get(ph, tag);
    }
    put(&b, p, (size_t)(o - p));
    if (v) {
      put(&b, json_string_value(v), json_string_length(v));
      changed = true;
    } else
      put(&b, o, tl);
    p = c + 1;
  }
  json_t *r = changed && b.p ? json_string(b.p) : NULL;
  free(b.p);
  return r;
}

void cw_redact_restore(json_t *v, json_t *found) {
  json_t *ph = json_object_get(found, "placeholders");
  if (!v || !json_object_size(ph))
    return;
  if (json_is_object(v)) {
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x) {
      if (json_is_string(x)) {
        json_t *n = restore_string(json_string_value(x), ph);
        if (n)
          json_object_set_new(v, k, n);
      } else
        cw_redact_restore(x, found);
    }
  } else if (json_is_array(v)) {
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) {
      if (json_is_string(x)) {
        json_t *n = restore_string(json_string_value(x), ph);
        if (n)
          json_array_set_new(v, i, n);
      } else
        cw_redact_restore(x, found);
    }
  }
}
