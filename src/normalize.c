/* Text decoding and normalisation; the rules are documented in
 * include/careeros/normalize.h.  Pure functions over caller buffers: no
 * globals, so they may run on libuv's threadpool and under a fuzzer. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "careeros/normalize.h"

/* ---- UTF-8 primitives ---------------------------------------------------- */

/* Decodes one code point at s[*i]; on an invalid or truncated sequence
 * consumes one byte, stores U+FFFD and returns false. */
static bool u8_next(const unsigned char *s, size_t len, size_t *i, uint32_t *cp) {
  size_t p = *i;
  unsigned char c = s[p];
  if (c < 0x80) {
    *cp = c;
    *i = p + 1;
    return true;
  }
  uint32_t v;
  size_t n;
  uint32_t min;
  if (c >= 0xC2 && c <= 0xDF) {
    v = c & 0x1F, n = 1, min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    v = c & 0x0F, n = 2, min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    v = c & 0x07, n = 3, min = 0x10000;
  } else {
    goto bad;
  }
  if (len - p - 1 < n)
    goto bad;
  for (size_t k = 1; k <= n; k++) {
    unsigned char d = s[p + k];
    if ((d & 0xC0) != 0x80)
      goto bad;
    v = (v << 6) | (d & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
    goto bad;
  *cp = v;
  *i = p + n + 1;
  return true;
bad:
  *cp = 0xFFFD;
  *i = p + 1;
  return false;
}

static size_t u8_put(char *o, uint32_t cp) {
  unsigned char *u = (unsigned char *)o;
  if (cp < 0x80) {
    u[0] = (unsigned char)cp;
    return 1;
  }
  if (cp < 0x800) {
    u[0] = (unsigned char)(0xC0 | (cp >> 6));
    u[1] = (unsigned char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    u[0] = (unsigned char)(0xE0 | (cp >> 12));
    u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    u[2] = (unsigned char)(0x80 | (cp & 0x3F));
    return 3;
  }
  u[0] = (unsigned char)(0xF0 | (cp >> 18));
  u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
  u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
  u[3] = (unsigned char)(0x80 | (cp & 0x3F));
  return 4;
}

int cw_utf8_valid(const char *s, size_t len) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  uint32_t cp;
  while (i < len) {
    if (u[i] < 0x80) {
      i++;
      continue;
    }
    if (!u8_next(u, len, &i, &cp))
      return 0;
  }
  return 1;
}

/* ---- decoding -------------------------------------------------------------- */

/* Windows-1252 0x80..0x9F; 0 marks the five undefined bytes. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

static int decode_utf16(const unsigned char *in, size_t len, bool be, char **out, size_t *out_len) {
  /* Each 2-byte unit yields at most 3 bytes; a surrogate pair (4 bytes) 4. */
  char *o = malloc(len / 2 * 3 + 4);
  if (!o)
    return -ENOMEM;
  size_t n = 0;
  for (size_t i = 0; i + 1 < len; i += 2) {
    uint32_t u = be ? ((uint32_t)in[i] << 8 | in[i + 1]) : ((uint32_t)in[i + 1] << 8 | in[i]);
    if (u >= 0xD800 && u <= 0xDBFF && i + 3 < len) {
      uint32_t l = be ? ((uint32_t)in[i + 2] << 8 | in[i + 3]) : ((uint32_t)in[i + 3] << 8 | in[i + 2]);
      if (l >= 0xDC00 && l <= 0xDFFF) {
        n += u8_put(o + n, 0x10000 + ((u - 0xD800) << 10) + (l - 0xDC00));
        i += 2;
        continue;
      }
    }
    if (u >= 0xD800 && u <= 0xDFFF)
      u = 0xFFFD;
    n += u8_put(o + n, u);
  }
  if (len % 2)
    n += u8_put(o + n, 0xFFFD); /* a dangling half unit */
  o[n] = '\0';
  *out = o;
  *out_len = n;
  return 0;
}

int cw_text_decode(const unsigned char *in, size_t len, char **out, size_t *out_len,
                   const char **encoding, cw_errcode *code, const char **why) {
  *out = NULL;
  *out_len = 0;
  *encoding = "utf-8";
  *why = NULL;
  if (len >= 4 && ((in[0] == 0xFF && in[1] == 0xFE && in[2] == 0 && in[3] == 0) ||
                   (in[0] == 0 && in[1] == 0 && in[2] == 0xFE && in[3] == 0xFF))) {
    *code = CW_ERR_TEXT_ENCODING_INVALID;
    *why = "UTF-32 text is not supported";
    return -EILSEQ;
  }
  if (len >= 2 && in[0] == 0xFF && in[1] == 0xFE) {
    *encoding = "utf-16le";
    return decode_utf16(in + 2, len - 2, false, out, out_len);
  }
  if (len >= 2 && in[0] == 0xFE && in[1] == 0xFF) {
    *encoding = "utf-16be";
    return decode_utf16(in + 2, len - 2, true, out, out_len);
  }
  if (len >= 3 && in[0] == 0xEF && in[1] == 0xBB && in[2] == 0xBF)
    in += 3, len -= 3;

  size_t nul = 0, ctrl = 0, bad = 0, multi = 0;
  for (size_t i = 0; i < len;) {
    unsigned char c = in[i];
    if (c < 0x80) {
      if (c == 0)
        nul++;
      else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') ||
               c == 0x7F)
        ctrl++;
      i++;
      continue;
    }
    uint32_t cp;
    if (u8_next(in, len, &i, &cp))
      multi++;
    else
      bad++;
  }
  if (nul > len / 8 && nul > 0) {
    *code = CW_ERR_TEXT_ENCODING_INVALID;
    *why = "many NUL bytes: UTF-16 without a byte-order mark, or binary data";
    return -EILSEQ;
  }
  /* Worst case per input byte: 3 output bytes (Windows-1252 or U+FFFD). */
  char *o = malloc(len * 3 + 1);
  if (!o)
    return -ENOMEM;
  size_t n = 0;
  if (bad == 0) {
    memcpy(o, in, len);
    n = len;
  } else if (multi == 0) {
    size_t undefined = 0;
    for (size_t i = 0; i < len; i++)
      if (in[i] >= 0x80 && in[i] < 0xA0 && cp1252_high[in[i] - 0x80] == 0)
        undefined++;
    if ((ctrl + undefined) * 100 > len) {
      free(o);
      *code = CW_ERR_TEXT_ENCODING_INVALID;
      *why = "not UTF-8 and too many control bytes for Latin-1";
      return -EILSEQ;
    }
    *encoding = "windows-1252";
    for (size_t i = 0; i < len; i++) {
      unsigned char c = in[i];
      if (c < 0x80)
        o[n++] = (char)c;
      else if (c < 0xA0) {
        if (cp1252_high[c - 0x80])
          n += u8_put(o + n, cp1252_high[c - 0x80]);
      } else
        n += u8_put(o + n, c);
    }
  } else {
    size_t allowed = len / 1000 > 8 ? len / 1000 : 8;
    if (bad > allowed) {
      free(o);
      *code = CW_ERR_TEXT_ENCODING_INVALID;
      *why = "mixed valid and invalid UTF-8";
      return -EILSEQ;
    }
    for (size_t i = 0; i < len;) {
      uint32_t cp;
      if (in[i] < 0x80) {
        o[n++] = (char)in[i++];
        continue;
      }
      u8_next(in, len, &i, &cp);
      n += u8_put(o + n, cp);
    }
  }
  o[n] = '\0';
  *out = o;
  *out_len = n;
  return 0;
}

/* ---- stage A: code point mapping --------------------------------------------- */

static bool is_bullet(uint32_t c) {
  switch (c) {
  case 0x00B7: case 0x2022: case 0x2023: case 0x2043: case 0x2219: case 0x25A0: case 0x25A1:
  case 0x25AA: case 0x25AB: case 0x25B6: case 0x25B8: case 0x25BA: case 0x25C6: case 0x25C7:
  case 0x25CB: case 0x25CF: case 0x25E6: case 0x2666: case 0x2713: case 0x2714: case 0x2756:
  case 0x27A2: case 0x27A4: case 0x2794:
  /* Symbol/Wingdings bullets as Word exports them (private use area). */
  case 0xF076: case 0xF0A7: case 0xF0A8: case 0xF0B7: case 0xF0D8: case 0xF0FC:
    return true;
  default:
    return false;
  }
}

static bool is_space(uint32_t c) {
  return c == 0x00A0 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F ||
         c == 0x3000 || c == 0x1680;
}

static bool is_removed(uint32_t c) {
  if (c < 0x20)
    return c != '\t' && c != '\n' && c != '\f';
  if (c >= 0x7F && c <= 0x9F)
    return true;
  switch (c) {
  case 0x180E: case 0x200B: case 0x200C: case 0x200D: case 0x200E: case 0x200F: case 0x2060:
  case 0x2061: case 0x2062: case 0x2063: case 0x2064: case 0xFEFF: case 0x034F:
    return true;
  default:
    break;
  }
  if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069))
    return true; /* bidi embeddings and isolates */
  if ((c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE)
    return true; /* non-characters */
  if ((c >= 0xE000 && c <= 0xF8FF) || c >= 0xF0000)
    return true; /* private use: icon fonts (phone, envelope, ...) */
  return false;
}

static size_t put_str(char *o, const char *s) {
  size_t n = strlen(s);
  memcpy(o, s, n);
  return n;
}

/* Maps code points; output <= 3 * len bytes: an invalid byte becomes the
 * 3-byte U+FFFD (found by fuzz_normalize), U+00B7 (2 bytes) the 3-byte
 * U+2022; everything else shrinks or keeps its size. */
static size_t stage_a(const unsigned char *in, size_t len, char *o) {
  size_t n = 0;
  for (size_t i = 0; i < len;) {
    uint32_t c;
    if (in[i] < 0x80)
      c = in[i++];
    else
      u8_next(in, len, &i, &c);
    if (c == '\r') {
      if (i < len && in[i] == '\n')
        i++;
      o[n++] = '\n';
      continue;
    }
    if (c == '\v' || c == 0x85 || c == 0x2028) {
      o[n++] = '\n';
      continue;
    }
    if (c == 0x2029) {
      o[n++] = '\n';
      o[n++] = '\n';
      continue;
    }
    if (c == 0x00AD) {
      /* A soft hyphen before a line break marks a word broken across lines. */
      size_t j = i;
      while (j < len && (in[j] == ' ' || in[j] == '\t'))
        j++;
      if (j < len && (in[j] == '\n' || in[j] == '\r')) {
        j += (in[j] == '\r' && j + 1 < len && in[j + 1] == '\n') ? 2 : 1;
        while (j < len && (in[j] == ' ' || in[j] == '\t'))
          j++;
        i = j;
      }
      continue;
    }
    if (is_bullet(c)) {
      n += u8_put(o + n, 0x2022);
      continue;
    }
    if (is_removed(c))
      continue;
    if ((c >= 0x2010 && c <= 0x2015) || c == 0x2212) {
      o[n++] = '-';
      continue;
    }
    if (is_space(c)) {
      o[n++] = ' ';
      continue;
    }
    switch (c) {
    case 0xFB00: n += put_str(o + n, "ff"); continue;
    case 0xFB01: n += put_str(o + n, "fi"); continue;
    case 0xFB02: n += put_str(o + n, "fl"); continue;
    case 0xFB03: n += put_str(o + n, "ffi"); continue;
    case 0xFB04: n += put_str(o + n, "ffl"); continue;
    case 0xFB05:
    case 0xFB06: n += put_str(o + n, "st"); continue;
    case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032:
      o[n++] = '\'';
      continue;
    case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x2033:
      o[n++] = '"';
      continue;
    case 0x2026: n += put_str(o + n, "..."); continue;
    default:
      break;
    }
    n += u8_put(o + n, c);
  }
  return n;
}

/* ---- stage B: lines and pages -------------------------------------------------- */

struct line {
  char *p;
  size_t n;
  int page;
  bool drop;
  bool bullet_only;
};

struct cand {
  uint64_t hash;
  int page;
  int idx;
  bool numbered; /* carries its page's number: a footer like "Jane Doe - 2/3" */
};

static const char BULLET[] = "\xE2\x80\xA2";

/* Collapses space/tab runs in place and trims; turns a leading bullet into
 * "- ".  Returns the new length. */
static size_t tidy_line(char *p, size_t n, bool *bullet_only) {
  size_t w = 0;
  size_t i = 0;
  while (i < n) {
    if (p[i] == ' ' || p[i] == '\t') {
      bool tab = false;
      while (i < n && (p[i] == ' ' || p[i] == '\t'))
        tab |= p[i++] == '\t';
      if (w > 0 && i < n)
        p[w++] = tab ? '\t' : ' ';
      continue;
    }
    p[w++] = p[i++];
  }
  *bullet_only = false;
  if (w >= 3 && memcmp(p, BULLET, 3) == 0) {
    size_t k = 3;
    while (k < w && (p[k] == ' ' || p[k] == '\t'))
      k++;
    if (k == w) {
      *bullet_only = true;
      return 0;
    }
    p[0] = '-';
    p[1] = ' ';
    memmove(p + 2, p + k, w - k);
    w = w - k + 2;
  }
  return w;
}

/* Hash of a line for header/footer matching: case-folded, and a number
 * equal to the page's own number or the page count ("Jane Doe - 2/3") is
 * folded too; other numbers (years in dates) must match exactly. */
static uint64_t line_key(const char *p, size_t n, int page_no, int npages, bool *numbered) {
  uint64_t h = 1469598103934665603ULL;
  *numbered = false;
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)p[i];
    if (c >= '0' && c <= '9') {
      size_t j = i;
      long v = 0;
      while (j < n && p[j] >= '0' && p[j] <= '9' && j - i < 9)
        v = v * 10 + (p[j++] - '0');
      if (v == page_no || v == npages) {
        *numbered |= v == page_no;
        h = (h ^ '#') * 1099511628211ULL;
      } else {
        for (size_t k = i; k < j; k++)
          h = (h ^ (unsigned char)p[k]) * 1099511628211ULL;
      }
      i = j;
      continue;
    }
    if (c >= 'A' && c <= 'Z')
      c = (unsigned char)(c + 32);
    h = (h ^ c) * 1099511628211ULL;
    i++;
  }
  return h;
}

static bool is_page_number(const char *p, size_t n) {
  size_t i = 0;
  while (i < n && (p[i] == '-' || p[i] == ' ' || p[i] == '\t'))
    i++;
  if (n - i >= 4 && strncasecmp(p + i, "page", 4) == 0) {
    i += 4;
    while (i < n && (p[i] == ' ' || p[i] == '.'))
      i++;
  }
  size_t d = i;
  while (i < n && p[i] >= '0' && p[i] <= '9')
    i++;
  if (i == d || i - d > 3) /* years ("2021") are content, not page numbers */
    return false;
  while (i < n && p[i] == ' ')
    i++;
  if (i < n && (p[i] == '/' || (n - i >= 2 && strncasecmp(p + i, "of", 2) == 0))) {
    i += p[i] == '/' ? 1 : 2;
    while (i < n && p[i] == ' ')
      i++;
    d = i;
    while (i < n && p[i] >= '0' && p[i] <= '9')
      i++;
    if (i == d)
      return false;
  }
  while (i < n && (p[i] == '-' || p[i] == ' ' || p[i] == '\t'))
    i++;
  return i == n;
}

static int cand_cmp(const void *a, const void *b) {
  const struct cand *x = a, *y = b;
  if (x->hash != y->hash)
    return x->hash < y->hash ? -1 : 1;
  if (x->page != y->page)
    return x->page < y->page ? -1 : 1;
  return x->idx - y->idx;
}

/* Marks repeated page headers/footers and page numbers for dropping. */
static int drop_running_lines(struct line *L, size_t nl, int npages) {
  /* Up to four candidates per page: the first two and the last two
   * non-empty lines. */
  size_t cap = (size_t)npages * 4;
  struct cand *c = malloc(cap * sizeof *c);
  if (!c)
    return -ENOMEM;
  size_t nc = 0;
  size_t start = 0;
  while (start < nl) {
    size_t end = start;
    while (end < nl && L[end].page == L[start].page)
      end++;
    size_t picked[4];
    size_t np = 0;
    for (size_t k = start; k < end && np < 2; k++)
      if (L[k].n)
        picked[np++] = k;
    size_t tail = 0;
    for (size_t k = end; k > start && tail < 2; k--) {
      size_t idx = k - 1;
      if (!L[idx].n)
        continue;
      bool dup = false;
      for (size_t q = 0; q < np; q++)
        dup |= picked[q] == idx;
      if (!dup)
        picked[np++] = idx;
      tail++;
    }
    for (size_t q = 0; q < np && nc < cap; q++) {
      struct line *l = &L[picked[q]];
      if (is_page_number(l->p, l->n)) {
        l->drop = true;
        continue;
      }
      bool numbered;
      uint64_t key = line_key(l->p, l->n, l->page + 1, npages, &numbered);
      c[nc++] = (struct cand){key, l->page, (int)picked[q], numbered};
    }
    start = end;
  }
  qsort(c, nc, sizeof *c, cand_cmp);
  for (size_t i = 0; i < nc;) {
    size_t j = i;
    int pages = 0, last = -1;
    bool numbered = false;
    while (j < nc && c[j].hash == c[i].hash) {
      if (c[j].page != last)
        pages++, last = c[j].page;
      numbered |= c[j].numbered;
      j++;
    }
    /* A repeated line is kept where it first appears (the name heading
     * page 1), unless it carries page numbers: then it is pure furniture. */
    if (pages >= 2)
      for (size_t k = i; k < j; k++)
        if (numbered || c[k].page != c[i].page)
          L[c[k].idx].drop = true;
    i = j;
  }
  free(c);
  return 0;
}

int cw_text_normalize(const char *in, size_t len, char **out, size_t *out_len) {
  *out = NULL;
  *out_len = 0;
  char *a = malloc(len * 3 + 16);
  if (!a)
    return -ENOMEM;
  size_t an = stage_a((const unsigned char *)in, len, a);

  size_t nl = 1;
  for (size_t i = 0; i < an; i++)
    nl += a[i] == '\n' || a[i] == '\f';
  struct line *L = calloc(nl, sizeof *L);
  if (!L) {
    free(a);
    return -ENOMEM;
  }
  size_t k = 0;
  int page = 0;
  char *s = a;
  for (size_t i = 0; i <= an; i++) {
    if (i == an || a[i] == '\n' || a[i] == '\f') {
      L[k].p = s;
      L[k].n = tidy_line(s, (size_t)(a + i - s), &L[k].bullet_only);
      L[k].page = page;
      k++;
      if (i < an && a[i] == '\f')
        page++;
      s = a + i + 1;
    }
  }
  nl = k;
  if (page >= 1 && drop_running_lines(L, nl, page + 1) < 0) {
    free(L);
    free(a);
    return -ENOMEM;
  }

  /* Output never exceeds stage A's size plus the "- " a bullet-only line
   * gives to the next line (each such pair shrinks by at least one byte). */
  char *o = malloc(an + 16);
  if (!o) {
    free(L);
    free(a);
    return -ENOMEM;
  }
  size_t n = 0;
  bool pending_blank = false, pending_bullet = false;
  int blank_page = 0, emitted_page = -1;
  for (size_t i = 0; i < nl; i++) {
    struct line *l = &L[i];
    if (l->drop)
      continue;
    if (l->bullet_only) {
      pending_bullet = true;
      continue;
    }
    if (!l->n) {
      /* a blank line before the first kept line of a page (after a
       * dropped running header) separates nothing */
      if (n && emitted_page == l->page)
        pending_blank = true, blank_page = l->page;
      continue;
    }
    if (n) {
      o[n++] = '\n';
      /* blank lines that ended the previous page are not paragraph breaks */
      if (pending_blank && blank_page == l->page)
        o[n++] = '\n';
    }
    pending_blank = false;
    if (pending_bullet && !(l->n >= 2 && l->p[0] == '-' && l->p[1] == ' ')) {
      o[n++] = '-';
      o[n++] = ' ';
    }
    pending_bullet = false;
    memcpy(o + n, l->p, l->n);
    n += l->n;
    emitted_page = l->page;
  }
  o[n] = '\0';
  free(L);
  free(a);
  *out = o;
  *out_len = n;
  return 0;
}
