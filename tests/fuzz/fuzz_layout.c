/* libFuzzer target: the PDF reading-order reconstruction of careeros-extract
 * (src/extract/layout.c), fed synthetic pages.  The input is the page text
 * up to the first NUL byte, then 8 bytes per character for its box (int16
 * x, y, width, height; missing bytes read as zero), which is what poppler
 * hands over for a real page.  Invariants: no crash, bounded time (no
 * quadratic blow-up on many boxes), the output stays within its cap and
 * never invents text: no more non-space bytes come out than went in. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/extract/helper.h"

static size_t u8_len(unsigned char c) {
  return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF8 ? 4 : c < 0xFC ? 5 : c < 0xFE ? 6 : 1;
}

static int16_t rd16(const uint8_t *p, size_t avail, size_t off) {
  uint8_t a = off < avail ? p[off] : 0, b = off + 1 < avail ? p[off + 1] : 0;
  return (int16_t)(a | b << 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const uint8_t *nul = memchr(data, 0, size);
  size_t tlen = nul ? (size_t)(nul - data) : size;
  if (tlen > 4096)
    tlen = 4096;
  char *text = malloc(tlen + 1);
  memcpy(text, data, tlen);
  text[tlen] = 0;
  size_t nchars = 0;
  for (size_t i = 0; i < tlen; nchars++) {
    size_t l = u8_len((unsigned char)text[i]);
    size_t k = 1;
    while (k < l && text[i + k])
      k++;
    i += k;
  }
  const uint8_t *geo = nul ? nul + 1 : data + size;
  size_t gavail = (size_t)(data + size - geo);
  xrect *r = calloc(nchars ? nchars : 1, sizeof *r);
  for (size_t i = 0; i < nchars; i++) {
    double x = rd16(geo, gavail, 8 * i), y = rd16(geo, gavail, 8 * i + 2);
    double w = rd16(geo, gavail, 8 * i + 4) / 16.0, h = rd16(geo, gavail, 8 * i + 6) / 16.0;
    r[i] = (xrect){x, y, x + w, y + h};
  }
  xbuf out = {.max = 1 << 20};
  cw_x_layout(text, r, nchars, &out);
  if (out.len > out.max)
    abort();
  /* nothing is duplicated or invented */
  size_t in_ns = 0, out_ns = 0;
  for (size_t i = 0; i < tlen; i++)
    in_ns += !(text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == '\r' ||
               text[i] == '\f' || text[i] == '\v');
  for (size_t i = 0; i < out.len; i++)
    out_ns += !(out.buf[i] == ' ' || out.buf[i] == '\n' || out.buf[i] == '\t' ||
                out.buf[i] == '\r' || out.buf[i] == '\f' || out.buf[i] == '\v');
  if (!out.overflow && out_ns > in_ns)
    abort();
  xbuf_free(&out);
  /* the same page split into header and columns (pdf.c joins columns
   * across pages): nothing invented either, every buffer within its cap */
  xpage pg = {.head = {.max = 1 << 20}, .side = {{.max = 1 << 20}, {.max = 1 << 20}}};
  cw_x_layout_page(text, r, nchars, &pg);
  size_t pg_ns = 0;
  bool over = false;
  for (int k = 0; k < 3; k++) {
    xbuf *b = k ? &pg.side[k - 1] : &pg.head;
    if (b->len > b->max)
      abort();
    over |= b->overflow;
    for (size_t i = 0; i < b->len; i++)
      pg_ns += !(b->buf[i] == ' ' || b->buf[i] == '\n' || b->buf[i] == '\t' || b->buf[i] == '\r' ||
                 b->buf[i] == '\f' || b->buf[i] == '\v');
    xbuf_free(b);
  }
  if (!over && pg_ns > in_ns)
    abort();
  free(r);
  free(text);
  return 0;
}
