/* Capped output buffer and result helpers for the extract helper. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helper.h"

bool xbuf_add(xbuf *b, const char *s, size_t n) {
  if (b->overflow)
    return false;
  if (n > b->max - b->len) {
    b->overflow = true;
    return false;
  }
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1)
      cap *= 2;
    char *nb = realloc(b->buf, cap);
    if (!nb) {
      b->overflow = true;
      return false;
    }
    b->buf = nb;
    b->cap = cap;
  }
  memcpy(b->buf + b->len, s, n);
  b->len += n;
  b->buf[b->len] = '\0';
  return true;
}

bool xbuf_adds(xbuf *b, const char *s) { return xbuf_add(b, s, strlen(s)); }

void xbuf_free(xbuf *b) {
  free(b->buf);
  b->buf = NULL;
  b->len = b->cap = 0;
}

void xfail(xresult *r, const char *code, const char *fmt, ...) {
  if (r->error)
    return;
  r->error = code;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->message, sizeof r->message, fmt, ap);
  va_end(ap);
}
