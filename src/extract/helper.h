/* Internal interface of the careeros-extract helper (src/extract/).  The
 * format walkers write into an xbuf with a hard cap and report through an
 * xresult; careeros-extract.c turns that into the protocol the daemon reads
 * (src/extract.c):
 *
 *   line 1: a JSON object, either
 *     {"ok":true,"mime":...,"extractor":...,"version":...,"page_count":N}
 *   or
 *     {"ok":false,"error":"<errors.h code name>","message":...,...}
 *   then, on success, the extracted UTF-8 text (pages separated by FF).
 *
 * The walkers are pure functions of their input bytes so that they can be
 * fuzzed in-process (tests/fuzz/). */
#ifndef CW_EXTRACT_HELPER_H
#define CW_EXTRACT_HELPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
  char *buf;
  size_t len, cap;
  size_t max;    /* hard cap on len */
  bool overflow; /* an append was refused because of max */
} xbuf;

typedef struct {
  int max_pages;
  int64_t max_output;
  int zip_max_entries;
  int64_t zip_max_uncompressed;
  int zip_max_ratio;
  bool ocr;
} xlimits;

typedef struct {
  const char *error; /* errors.h code name, NULL on success */
  char message[256];
  const char *mime;
  const char *extractor;
  char version[64];
  int page_count;
} xresult;

/* Appends; returns false (and sets overflow) past max, or on ENOMEM. */
bool xbuf_add(xbuf *b, const char *s, size_t n);
bool xbuf_adds(xbuf *b, const char *s);
void xbuf_free(xbuf *b);

void xfail(xresult *r, const char *code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ZIP containers: DOCX (word/document.xml) or ODT (content.xml). */
void cw_x_zip(const unsigned char *data, size_t len, const xlimits *l, xbuf *out, xresult *r);
/* One WordprocessingML (or, with odf, OpenDocument) XML part; for fuzzing. */
void cw_x_walk_xml(const char *xml, size_t len, bool odf, xbuf *out, xresult *r);
typedef struct {
  double x1, y1, x2, y2; /* page coordinates, y growing downwards */
} xrect;
/* Reading order of one page: text holds the page's characters (UTF-8),
 * rects one box per character (glib's character count).  Appends lines. */
void cw_x_layout(const char *text, const xrect *rects, size_t nrects, xbuf *out);
/* One page read by cw_x_layout_page.  When the page below its header is
 * one pair of columns side by side (split), head holds the header and
 * side[0], side[1] the left and the right column; else head holds the
 * page.  g1, g2: the gutter; x1, x2: the horizontal extent of the page's
 * text; the caller joins a column continued on the next page (pdf.c). */
typedef struct {
  xbuf head, side[2];
  bool split, right_first;
  double g1, g2, x1, x2;
} xpage;
void cw_x_layout_page(const char *text, const xrect *rects, size_t nrects, xpage *pg);
/* PDF through poppler-glib, with column-aware reading order. */
void cw_x_pdf(const unsigned char *data, size_t len, const xlimits *l, xbuf *out, xresult *r);
/* HTML: libxml2's HTML parser, text of the body, blocks on their own lines. */
void cw_x_html(const unsigned char *data, size_t len, const xlimits *l, xbuf *out, xresult *r);
/* RTF: a small tokenizer (control words, groups, \'hh, \uN). */
void cw_x_rtf(const unsigned char *data, size_t len, const xlimits *l, xbuf *out, xresult *r);

#endif
