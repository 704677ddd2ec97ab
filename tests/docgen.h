/* Test document generators: small, valid (or deliberately broken) PDF,
 * DOCX/ODT/ZIP files written at test time, so that no test depends on
 * files outside the repository. */
#ifndef CW_TESTS_DOCGEN_H
#define CW_TESTS_DOCGEN_H

#include <stddef.h>

void dg_write(const char *path, const void *data, size_t len);

/* A PDF with npages pages.  contents[i] is page i's content stream; with
 * ncontents < npages every page past the last reuses the last one (one
 * shared stream object, so 5,000 pages stay small).  catalog_extra and
 * trailer_extra are spliced into those dictionaries (may be NULL).
 * extra_objs are appended as objects npages*2+4 ... (raw "<< ... >>" text);
 * flate, when set, compresses every content stream (zlib). */
void dg_pdf(const char *path, int npages, const char *const *contents, int ncontents,
            const char *catalog_extra, const char *trailer_extra, int flate);
/* Appends a text line to a content stream buffer: Helvetica at size, x, y. */
void dg_text(char *buf, size_t cap, double x, double y, double size, const char *text);
/* The same with extra word spacing (the Tw operator: points added to every
 * space), as a browser prints text with CSS word-spacing. */
void dg_text_ws(char *buf, size_t cap, double x, double y, double size, double tw,
                const char *text);
/* A PDF whose single page content, inflated, is `inflated` bytes made of
 * `unit` repeated (a flate bomb / CPU bomb); stored deflated. */
void dg_pdf_bomb(const char *path, const char *prefix, const char *unit, size_t inflated,
                 const char *suffix);
/* An image-only page (a grey 16x16 image, no text operators). */
void dg_pdf_image_only(const char *path);
/* A page that is one 8-bit grey image of w x h pixels (a "scan"). */
void dg_pdf_gray_image(const char *path, const unsigned char *pixels, int w, int h);
/* A page whose /Resources nests `depth` arrays deep. */
void dg_pdf_nested(const char *path, int depth);

typedef struct {
  const char *name;
  const void *data;
  size_t len; /* 0: strlen(data) */
} dg_entry;
/* A ZIP archive (deflated entries, but a "mimetype" entry is stored, as
 * ODF wants it) written with libzip. */
void dg_zip(const char *path, const dg_entry *e, int n);
/* A minimal DOCX around the given w:body inner XML (and optional header). */
void dg_docx(const char *path, const char *body_xml, const char *header_xml);

#endif
