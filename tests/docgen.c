/* Test document generators (see docgen.h).  The PDF writer emits objects,
 * a classic xref table and a trailer; offsets are computed as written. */
#include "docgen.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>
#include <zlib.h>

typedef struct {
  char *buf;
  size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const void *d, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 65536;
    while (cap < b->len + n + 1)
      cap *= 2;
    b->buf = realloc(b->buf, cap);
    ck_assert_ptr_nonnull(b->buf);
    b->cap = cap;
  }
  memcpy(b->buf + b->len, d, n);
  b->len += n;
  b->buf[b->len] = 0;
}

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = NULL;
  int n = vasprintf(&s, fmt, ap);
  va_end(ap);
  ck_assert_int_ge(n, 0);
  sb_add(b, s, (size_t)n);
  free(s);
}

void dg_write(const char *path, const void *data, size_t len) {
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  if (len)
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
  ck_assert_int_eq(fclose(f), 0);
}

/* An object is either a dictionary/array text, or a stream (dict + data). */
typedef struct {
  char *dict;
  char *data;
  size_t len;
} obj_t;

static void pdf_write(const char *path, obj_t *o, int n, const char *trailer_extra) {
  sbuf b = {0};
  sb_add(&b, "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n", 15);
  size_t *off = calloc((size_t)n + 1, sizeof *off);
  for (int i = 0; i < n; i++) {
    off[i + 1] = b.len;
    sb_printf(&b, "%d 0 obj\n%s", i + 1, o[i].dict);
    if (o[i].data) {
      sb_add(&b, "\nstream\n", 8);
      sb_add(&b, o[i].data, o[i].len);
      sb_add(&b, "\nendstream", 10);
    }
    sb_add(&b, "\nendobj\n", 8);
  }
  size_t xref = b.len;
  sb_printf(&b, "xref\n0 %d\n0000000000 65535 f \n", n + 1);
  for (int i = 1; i <= n; i++)
    sb_printf(&b, "%010zu 00000 n \n", off[i]);
  sb_printf(&b, "trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%zu\n%%%%EOF\n", n + 1,
            trailer_extra ? trailer_extra : "", xref);
  dg_write(path, b.buf, b.len);
  free(off);
  free(b.buf);
}

static char *deflate_all(const char *d, size_t n, size_t *out) {
  uLongf cap = compressBound(n);
  char *z = malloc(cap);
  ck_assert_int_eq(compress2((Bytef *)z, &cap, (const Bytef *)d, n, 9), Z_OK);
  *out = cap;
  return z;
}

static char *xstrdup(const char *s) {
  char *d = strdup(s);
  ck_assert_ptr_nonnull(d);
  return d;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = NULL;
  ck_assert_int_ge(vasprintf(&s, fmt, ap), 0);
  va_end(ap);
  return s;
}

static void free_objs(obj_t *o, int n) {
  for (int i = 0; i < n; i++) {
    free(o[i].dict);
    free(o[i].data);
  }
  free(o);
}

void dg_pdf(const char *path, int npages, const char *const *contents, int ncontents,
            const char *catalog_extra, const char *trailer_extra, int flate) {
  int n = 3 + ncontents + npages;
  obj_t *o = calloc((size_t)n, sizeof *o);
  o[0].dict = xasprintf("<< /Type /Catalog /Pages 2 0 R %s >>", catalog_extra ? catalog_extra : "");
  sbuf kids = {0};
  for (int i = 0; i < npages; i++)
    sb_printf(&kids, "%d 0 R ", 4 + ncontents + i);
  o[1].dict = xasprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids.buf, npages);
  free(kids.buf);
  o[2].dict = xstrdup("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                      "/Encoding /WinAnsiEncoding >>");
  for (int i = 0; i < ncontents; i++) {
    size_t len = strlen(contents[i]);
    obj_t *c = &o[3 + i];
    if (flate) {
      c->data = deflate_all(contents[i], len, &c->len);
      c->dict = xasprintf("<< /Length %zu /Filter /FlateDecode >>", c->len);
    } else {
      c->data = xstrdup(contents[i]);
      c->len = len;
      c->dict = xasprintf("<< /Length %zu >>", len);
    }
  }
  for (int i = 0; i < npages; i++) {
    int content = 4 + (i < ncontents ? i : ncontents - 1);
    o[3 + ncontents + i].dict =
        xasprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                  "/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>",
                  content);
  }
  pdf_write(path, o, n, trailer_extra);
  free_objs(o, n);
}

void dg_text(char *buf, size_t cap, double x, double y, double size, const char *text) {
  size_t l = strlen(buf);
  snprintf(buf + l, cap - l, "BT /F1 %.1f Tf %.1f %.1f Td (%s) Tj ET\n", size, x, y, text);
}

void dg_text_ws(char *buf, size_t cap, double x, double y, double size, double tw,
                const char *text) {
  size_t l = strlen(buf);
  snprintf(buf + l, cap - l, "BT /F1 %.1f Tf %.2f Tw %.1f %.1f Td (%s) Tj ET\n", size, tw, x, y,
           text);
}

void dg_pdf_bomb(const char *path, const char *prefix, const char *unit, size_t inflated,
                 const char *suffix) {
  z_stream z;
  memset(&z, 0, sizeof z);
  ck_assert_int_eq(deflateInit(&z, 9), Z_OK);
  sbuf out = {0};
  char obuf[65536];
  char ibuf[65536];
  size_t ul = strlen(unit), fill = 0;
  while (fill + ul <= sizeof ibuf) {
    memcpy(ibuf + fill, unit, ul);
    fill += ul;
  }
  size_t done = 0;
  int stage = 0; /* 0 prefix, 1 body, 2 suffix, 3 finish */
  while (stage < 4) {
    const char *in = NULL;
    size_t inl = 0;
    int flush = Z_NO_FLUSH;
    if (stage == 0) {
      in = prefix, inl = strlen(prefix), stage = 1;
    } else if (stage == 1) {
      size_t k = inflated - done < fill ? (inflated - done) / ul * ul : fill;
      if (k == 0) {
        stage = 2;
        continue;
      }
      in = ibuf, inl = k, done += k;
    } else if (stage == 2) {
      in = suffix, inl = strlen(suffix), stage = 3;
    } else {
      flush = Z_FINISH, stage = 4;
    }
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)inl;
    do {
      z.next_out = (Bytef *)obuf;
      z.avail_out = sizeof obuf;
      deflate(&z, flush);
      sb_add(&out, obuf, sizeof obuf - z.avail_out);
    } while (z.avail_out == 0 || (flush == Z_FINISH && z.avail_in));
  }
  deflateEnd(&z);
  obj_t *o = calloc(4, sizeof *o);
  o[0].dict = xstrdup("<< /Type /Catalog /Pages 2 0 R >>");
  o[1].dict = xstrdup("<< /Type /Pages /Kids [4 0 R] /Count 1 >>");
  o[2].dict = xasprintf("<< /Length %zu /Filter /FlateDecode >>", out.len);
  o[2].data = out.buf;
  o[2].len = out.len;
  o[3].dict = xstrdup("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font "
                      "<< /F1 5 0 R >> >> /Contents 3 0 R >>");
  obj_t *o5 = realloc(o, 5 * sizeof *o);
  o = o5;
  memset(&o[4], 0, sizeof o[4]);
  o[4].dict = xstrdup("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  pdf_write(path, o, 5, NULL);
  free_objs(o, 5);
}

void dg_pdf_image_only(const char *path) {
  obj_t *o = calloc(5, sizeof *o);
  o[0].dict = xstrdup("<< /Type /Catalog /Pages 2 0 R >>");
  o[1].dict = xstrdup("<< /Type /Pages /Kids [4 0 R] /Count 1 >>");
  const char *content = "q 200 0 0 200 100 500 cm /Im1 Do Q\n";
  o[2].dict = xasprintf("<< /Length %zu >>", strlen(content));
  o[2].data = xstrdup(content);
  o[2].len = strlen(content);
  o[3].dict = xstrdup("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                      "/Resources << /XObject << /Im1 5 0 R >> >> /Contents 3 0 R >>");
  o[4].dict = xstrdup("<< /Type /XObject /Subtype /Image /Width 16 /Height 16 /ColorSpace "
                      "/DeviceGray /BitsPerComponent 8 /Length 256 >>");
  o[4].data = malloc(256);
  memset(o[4].data, 0x80, 256);
  o[4].len = 256;
  pdf_write(path, o, 5, NULL);
  free_objs(o, 5);
}

void dg_pdf_gray_image(const char *path, const unsigned char *pixels, int w, int h) {
  obj_t *o = calloc(5, sizeof *o);
  o[0].dict = xstrdup("<< /Type /Catalog /Pages 2 0 R >>");
  o[1].dict = xstrdup("<< /Type /Pages /Kids [4 0 R] /Count 1 >>");
  const char *content = "q 612 0 0 792 0 0 cm /Im1 Do Q\n";
  o[2].dict = xasprintf("<< /Length %zu >>", strlen(content));
  o[2].data = xstrdup(content);
  o[2].len = strlen(content);
  o[3].dict = xstrdup("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                      "/Resources << /XObject << /Im1 5 0 R >> >> /Contents 3 0 R >>");
  o[4].data = deflate_all((const char *)pixels, (size_t)w * (size_t)h, &o[4].len);
  o[4].dict = xasprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace "
                        "/DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length %zu >>",
                        w, h, o[4].len);
  pdf_write(path, o, 5, NULL);
  free_objs(o, 5);
}

void dg_pdf_nested(const char *path, int depth) {
  obj_t *o = calloc(5, sizeof *o);
  o[0].dict = xstrdup("<< /Type /Catalog /Pages 2 0 R >>");
  o[1].dict = xstrdup("<< /Type /Pages /Kids [4 0 R] /Count 1 >>");
  char content[512] = "";
  dg_text(content, sizeof content, 72, 700, 12, "Nested but readable");
  o[2].dict = xasprintf("<< /Length %zu >>", strlen(content));
  o[2].data = xstrdup(content);
  o[2].len = strlen(content);
  char *nest = malloc((size_t)depth * 2 + 1);
  for (int i = 0; i < depth; i++) {
    nest[i] = '[';
    nest[depth * 2 - 1 - i] = ']';
  }
  nest[depth * 2] = 0;
  o[3].dict = xasprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                        "/Resources << /Font << /F1 5 0 R >> /Deep %s >> /Contents 3 0 R >>",
                        nest);
  free(nest);
  o[4].dict = xstrdup("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  pdf_write(path, o, 5, NULL);
  free_objs(o, 5);
}

void dg_zip(const char *path, const dg_entry *e, int n) {
  int err = 0;
  zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
  ck_assert_ptr_nonnull(z);
  for (int i = 0; i < n; i++) {
    size_t len = e[i].len ? e[i].len : strlen(e[i].data);
    zip_source_t *s = zip_source_buffer(z, e[i].data, len, 0);
    ck_assert_ptr_nonnull(s);
    zip_int64_t idx = zip_file_add(z, e[i].name, s, ZIP_FL_OVERWRITE);
    ck_assert_int_ge(idx, 0);
    /* ODF: the "mimetype" entry is stored, not compressed */
    if (strcmp(e[i].name, "mimetype") == 0)
      ck_assert_int_eq(zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0), 0);
  }
  ck_assert_int_eq(zip_close(z), 0);
}

static const char CT[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";

void dg_docx(const char *path, const char *body_xml, const char *header_xml) {
  char *doc = xasprintf(
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
      "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" "
      "xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\">"
      "<w:body>%s</w:body></w:document>",
      body_xml);
  char *hdr = header_xml
                  ? xasprintf("<?xml version=\"1.0\"?><w:hdr xmlns:w=\"http://schemas."
                              "openxmlformats.org/wordprocessingml/2006/main\">%s</w:hdr>",
                              header_xml)
                  : NULL;
  dg_entry e[3] = {{"[Content_Types].xml", CT, 0}, {"word/document.xml", doc, 0},
                   {"word/header1.xml", hdr, 0}};
  dg_zip(path, e, hdr ? 3 : 2);
  free(doc);
  free(hdr);
}
