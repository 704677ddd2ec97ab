/* DOCX and ODT text: libzip for the container, libxml2's streaming reader
 * for the XML parts.
 *
 * The container is checked before anything is inflated: entry count, the
 * sum of the declared uncompressed sizes, the compression ratio of the
 * archive and of each large entry (zip bombs); every part is then read with
 * a cap equal to its declared size, so a lying header cannot inflate more.
 *
 * XML is parsed without network access (XML_PARSE_NONET), without entity
 * substitution and without loading external DTDs; a document part carrying
 * a DOCTYPE at all is refused (Word and LibreOffice never write one, and it
 * is the vehicle for XXE and entity expansion attacks).
 *
 * Text: paragraphs end with a newline; w:tab, w:br, w:noBreakHyphen and
 * w:softHyphen map to TAB, LF, '-' and U+00AD; deleted text, field codes and
 * the VML fallback copy of text boxes are skipped.  Tables are written row
 * by row: a row of one-line cells becomes one line with TAB between cells, a
 * row with longer cells is written cell by cell, so that a two-column layout
 * table keeps its columns apart.  DOCX headers and footers are included
 * (each distinct one once), headers before the body, footers after. */
#include <libxml/xmlreader.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "helper.h"

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define W_NS_STRICT "http://purl.oclc.org/ooxml/wordprocessingml/main"
#define MC_NS "http://schemas.openxmlformats.org/markup-compatibility/2006"
#define TEXT_NS "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define TABLE_NS "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define MAX_DEPTH 64

/* ---- reading parts with limits ------------------------------------------- */

typedef struct {
  zip_t *z;
  const xlimits *l;
  xresult *r;
} zctx;

/* Reads a whole entry; NULL with *missing when it does not exist. */
static char *read_entry(zctx *c, const char *name, size_t *len, bool *missing) {
  *missing = false;
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat(c->z, name, 0, &st) < 0) {
    *missing = true;
    return NULL;
  }
  if (!(st.valid & ZIP_STAT_SIZE) || (int64_t)st.size > c->l->zip_max_uncompressed) {
    xfail(c->r, "ARCHIVE_LIMIT", "part %s is larger than zip_max_uncompressed", name);
    return NULL;
  }
  zip_file_t *f = zip_fopen_index(c->z, st.index, 0);
  if (!f) {
    xfail(c->r, "DOCX_INVALID", "cannot open part %s: %s", name, zip_strerror(c->z));
    return NULL;
  }
  /* One byte more than declared, to notice an entry that inflates past
   * its header's size. */
  size_t want = (size_t)st.size + 1;
  char *buf = malloc(want + 1);
  if (!buf) {
    zip_fclose(f);
    xfail(c->r, "EXTRACT_LIMIT", "out of memory reading %s", name);
    return NULL;
  }
  size_t got = 0;
  while (got < want) {
    zip_int64_t n = zip_fread(f, buf + got, want - got);
    if (n < 0) {
      zip_fclose(f);
      free(buf);
      xfail(c->r, "DOCX_INVALID", "part %s is corrupt", name);
      return NULL;
    }
    if (n == 0)
      break;
    got += (size_t)n;
  }
  zip_fclose(f);
  if (got != st.size) {
    free(buf);
    xfail(c->r, got > st.size ? "ARCHIVE_LIMIT" : "DOCX_INVALID",
          "part %s inflates to a size other than declared", name);
    return NULL;
  }
  buf[got] = '\0';
  *len = got;
  return buf;
}

static bool check_archive(zctx *c, size_t archive_len) {
  zip_int64_t n = zip_get_num_entries(c->z, 0);
  if (n < 0 || n > c->l->zip_max_entries) {
    xfail(c->r, "ARCHIVE_LIMIT", "archive has %lld entries, limit %d", (long long)n,
          c->l->zip_max_entries);
    return false;
  }
  uint64_t total = 0;
  for (zip_int64_t i = 0; i < n; i++) {
    zip_stat_t st;
    if (zip_stat_index(c->z, (zip_uint64_t)i, 0, &st) < 0 || !(st.valid & ZIP_STAT_SIZE)) {
      xfail(c->r, "DOCX_INVALID", "unreadable archive entry %lld", (long long)i);
      return false;
    }
    total += st.size;
    if (total > (uint64_t)c->l->zip_max_uncompressed) {
      xfail(c->r, "ARCHIVE_LIMIT", "archive inflates to more than %lld bytes",
            (long long)c->l->zip_max_uncompressed);
      return false;
    }
    /* Small entries compress well legitimately; the ratio matters where
     * the bytes are. */
    if (st.size > (1u << 20) && (st.valid & ZIP_STAT_COMP_SIZE) &&
        st.size / (st.comp_size ? st.comp_size : 1) > (uint64_t)c->l->zip_max_ratio) {
      xfail(c->r, "ARCHIVE_LIMIT", "archive entry compression ratio above %d",
            c->l->zip_max_ratio);
      return false;
    }
  }
  if (total > (1u << 20) && total / (archive_len ? archive_len : 1) > (uint64_t)c->l->zip_max_ratio) {
    xfail(c->r, "ARCHIVE_LIMIT", "archive compression ratio above %d", c->l->zip_max_ratio);
    return false;
  }
  return true;
}

/* ---- text sinks: main output, or the cell being collected --------------- */

typedef struct {
  char **cells;
  size_t n, cap;
} row_t;

typedef struct {
  xbuf *out;             /* final output (capped) */
  xbuf sinks[MAX_DEPTH]; /* sinks[0] unused: depth 0 writes to out */
  int sink_depth;
  row_t rows[MAX_DEPTH]; /* one open row per table nesting level */
  int table_depth;
  size_t total;          /* bytes held in all sinks, capped like out */
  xresult *r;
} walker;

static xbuf *sink(walker *w) { return w->sink_depth ? &w->sinks[w->sink_depth] : w->out; }

static void emit(walker *w, const char *s, size_t n) {
  if (w->r->error)
    return;
  w->total += n;
  if (w->total > w->out->max || !xbuf_add(sink(w), s, n))
    xfail(w->r, "EXTRACT_LIMIT", "extracted text exceeds %zu bytes", w->out->max);
}

static void emits(walker *w, const char *s) { emit(w, s, strlen(s)); }

static void table_start(walker *w) {
  if (w->table_depth + 1 >= MAX_DEPTH) {
    xfail(w->r, "DOCX_INVALID", "tables nested too deeply");
    return;
  }
  w->table_depth++;
  memset(&w->rows[w->table_depth], 0, sizeof(row_t));
}

static void row_clear(row_t *row) {
  for (size_t i = 0; i < row->n; i++)
    free(row->cells[i]);
  row->n = 0;
}

static void table_end(walker *w) {
  if (w->table_depth == 0)
    return;
  row_t *row = &w->rows[w->table_depth];
  row_clear(row);
  free(row->cells);
  w->table_depth--;
}

static void cell_start(walker *w) {
  if (w->table_depth == 0)
    return; /* a cell outside a table: treat its text as running text */
  if (w->sink_depth + 1 >= MAX_DEPTH) {
    xfail(w->r, "DOCX_INVALID", "table cells nested too deeply");
    return;
  }
  w->sink_depth++;
  memset(&w->sinks[w->sink_depth], 0, sizeof(xbuf));
  w->sinks[w->sink_depth].max = w->out->max;
}

static void cell_end(walker *w) {
  if (w->table_depth == 0 || w->sink_depth == 0)
    return;
  xbuf *b = &w->sinks[w->sink_depth];
  w->sink_depth--;
  size_t n = b->len;
  while (n && (b->buf[n - 1] == '\n' || b->buf[n - 1] == ' '))
    n--;
  char *cell = malloc(n + 1);
  row_t *row = &w->rows[w->table_depth];
  if (cell && row->n == row->cap) {
    size_t cap = row->cap ? row->cap * 2 : 8;
    char **nc = realloc(row->cells, cap * sizeof *nc);
    if (!nc) {
      free(cell);
      cell = NULL;
    } else {
      row->cells = nc;
      row->cap = cap;
    }
  }
  if (!cell) {
    xbuf_free(b);
    xfail(w->r, "EXTRACT_LIMIT", "out of memory");
    return;
  }
  if (n)
    memcpy(cell, b->buf, n);
  cell[n] = '\0';
  w->total -= b->len - n;
  row->cells[row->n++] = cell;
  xbuf_free(b);
}

static void row_end(walker *w) {
  if (w->table_depth == 0)
    return;
  row_t *row = &w->rows[w->table_depth];
  bool one_line = true;
  for (size_t i = 0; i < row->n; i++)
    one_line &= strchr(row->cells[i], '\n') == NULL;
  /* The cells' bytes move from the row into the parent sink. */
  for (size_t i = 0; i < row->n; i++)
    w->total -= strlen(row->cells[i]);
  bool first = true;
  for (size_t i = 0; i < row->n; i++) {
    if (!*row->cells[i])
      continue;
    if (!first)
      emits(w, one_line ? "\t" : "\n\n");
    emits(w, row->cells[i]);
    first = false;
  }
  if (!first)
    emits(w, one_line ? "\n" : "\n\n");
  row_clear(row);
}

static void walker_free(walker *w) {
  while (w->table_depth)
    table_end(w);
  for (int i = 1; i <= w->sink_depth; i++)
    xbuf_free(&w->sinks[i]);
  w->sink_depth = 0;
}

/* ---- XML ---------------------------------------------------------------- */

static void silent(void *ctx, const char *msg, ...) {
  (void)ctx;
  (void)msg;
}

static void silent_reader(void *arg, const char *msg, xmlParserSeverities sev,
                          xmlTextReaderLocatorPtr loc) {
  (void)arg, (void)msg, (void)sev, (void)loc;
}

enum dialect { WORD, ODF };

static bool is_ns(const xmlChar *ns, const char *want) {
  return ns && strcmp((const char *)ns, want) == 0;
}

static bool word_ns(const xmlChar *ns) { return is_ns(ns, W_NS) || is_ns(ns, W_NS_STRICT); }

/* Handles the node the reader is on.  Returns true when the caller must
 * skip the node's subtree (xmlTextReaderNext) instead of descending. */
static bool handle_node(walker *w, xmlTextReaderPtr rd, enum dialect d, int *in_text) {
  int type = xmlTextReaderNodeType(rd);
  const xmlChar *ln = xmlTextReaderConstLocalName(rd);
  const xmlChar *ns = xmlTextReaderConstNamespaceUri(rd);
  const char *name = ln ? (const char *)ln : "";
  bool empty = xmlTextReaderIsEmptyElement(rd) == 1;
  switch (type) {
  case XML_READER_TYPE_ELEMENT:
    if (d == WORD && word_ns(ns)) {
      if (!strcmp(name, "t")) {
        if (!empty)
          (*in_text)++;
      } else if (!strcmp(name, "tab")) {
        emits(w, "\t");
      } else if (!strcmp(name, "br") || !strcmp(name, "cr")) {
        emits(w, "\n");
      } else if (!strcmp(name, "noBreakHyphen")) {
        emits(w, "-");
      } else if (!strcmp(name, "softHyphen")) {
        emits(w, "\xC2\xAD");
      } else if (!strcmp(name, "tbl")) {
        table_start(w);
      } else if (!strcmp(name, "tc")) {
        cell_start(w);
        if (empty)
          cell_end(w);
      } else if (!strcmp(name, "p") && empty) {
        emits(w, "\n");
      } else if (!strcmp(name, "delText") || !strcmp(name, "instrText") ||
                 !strcmp(name, "pPr") || !strcmp(name, "rPr") || !strcmp(name, "sectPr") ||
                 !strcmp(name, "tblPr") || !strcmp(name, "tblGrid") || !strcmp(name, "tcPr") ||
                 !strcmp(name, "trPr")) {
        return !empty; /* properties (tab stops in pPr!), deleted text, field codes */
      }
    } else if (d == WORD && is_ns(ns, MC_NS) && !strcmp(name, "Fallback")) {
      return !empty; /* the VML copy of a text box already seen in mc:Choice */
    } else if (d == ODF && is_ns(ns, TEXT_NS)) {
      if (!strcmp(name, "p") || !strcmp(name, "h")) {
        if (empty)
          emits(w, "\n");
        else
          (*in_text)++;
      } else if (!strcmp(name, "s")) {
        emits(w, " ");
      } else if (!strcmp(name, "tab")) {
        emits(w, "\t");
      } else if (!strcmp(name, "line-break")) {
        emits(w, "\n");
      } else if (!strcmp(name, "note") || !strcmp(name, "tracked-changes")) {
        return !empty;
      }
    } else if (d == ODF && is_ns(ns, TABLE_NS)) {
      if (!strcmp(name, "table")) {
        table_start(w);
        if (empty)
          table_end(w);
      } else if (!strcmp(name, "table-cell")) {
        cell_start(w);
        if (empty)
          cell_end(w);
      }
    }
    break;
  case XML_READER_TYPE_TEXT:
  case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
  case XML_READER_TYPE_CDATA:
    if (*in_text > 0) {
      const xmlChar *v = xmlTextReaderConstValue(rd);
      if (v)
        emits(w, (const char *)v);
    }
    break;
  case XML_READER_TYPE_END_ELEMENT:
    if (d == WORD && word_ns(ns)) {
      if (!strcmp(name, "t") && *in_text > 0)
        (*in_text)--;
      else if (!strcmp(name, "p"))
        emits(w, "\n");
      else if (!strcmp(name, "tc"))
        cell_end(w);
      else if (!strcmp(name, "tr"))
        row_end(w);
      else if (!strcmp(name, "tbl")) {
        row_end(w);
        table_end(w);
      }
    } else if (d == ODF && is_ns(ns, TEXT_NS)) {
      if ((!strcmp(name, "p") || !strcmp(name, "h")) && *in_text > 0) {
        (*in_text)--;
        emits(w, "\n");
      }
    } else if (d == ODF && is_ns(ns, TABLE_NS)) {
      if (!strcmp(name, "table-cell"))
        cell_end(w);
      else if (!strcmp(name, "table-row"))
        row_end(w);
      else if (!strcmp(name, "table")) {
        row_end(w);
        table_end(w);
      }
    }
    break;
  default:
    break;
  }
  return false;
}

/* Does the part's prolog hold a DOCTYPE?  Looked for in the bytes before
 * any parsing: libxml2 reads a DOCTYPE's internal subset (entity
 * definitions) before the reader shows the node, and a billion-laughs
 * subset fails there as "not well-formed" instead of as a DTD. */
static bool has_doctype(const char *xml, size_t len) {
  const char *p = xml, *end = xml + len;
  if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
    p += 3;
  for (;;) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
      p++;
    if ((size_t)(end - p) >= 9 && memcmp(p, "<!DOCTYPE", 9) == 0)
      return true;
    const char *close = (size_t)(end - p) >= 2 && memcmp(p, "<?", 2) == 0     ? "?>"
                        : (size_t)(end - p) >= 4 && memcmp(p, "<!--", 4) == 0 ? "-->"
                                                                              : NULL;
    if (!close)
      return false; /* the root element, or something the parser will refuse */
    p = memmem(p + 2, (size_t)(end - p - 2), close, strlen(close));
    if (!p)
      return false;
    p += strlen(close);
  }
}

/* Walks one XML part.  Returns false on a parse error (reported in r). */
static bool walk_xml(walker *w, const char *xml, size_t len, enum dialect d, const char *part) {
  if (len > INT32_MAX) {
    xfail(w->r, "ARCHIVE_LIMIT", "%s is too large", part);
    return false;
  }
  if (has_doctype(xml, len)) {
    xfail(w->r, "DOCX_INVALID", "%s carries a DTD", part);
    return false;
  }
  xmlTextReaderPtr rd = xmlReaderForMemory(xml, (int)len, NULL, NULL,
                                           XML_PARSE_NONET | XML_PARSE_NOERROR |
                                               XML_PARSE_NOWARNING | XML_PARSE_COMPACT);
  if (!rd) {
    xfail(w->r, "DOCX_INVALID", "cannot parse %s", part);
    return false;
  }
  xmlTextReaderSetErrorHandler(rd, silent_reader, NULL);
  int in_text = 0; /* open elements whose text is content */
  int ret = xmlTextReaderRead(rd);
  while (ret == 1 && !w->r->error) {
    int type = xmlTextReaderNodeType(rd);
    if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
      xfail(w->r, "DOCX_INVALID", "%s carries a DTD", part);
      break;
    }
    if (type == XML_READER_TYPE_ELEMENT && xmlTextReaderDepth(rd) > 256) {
      xfail(w->r, "DOCX_INVALID", "%s is nested too deeply", part);
      break;
    }
    if (handle_node(w, rd, d, &in_text))
      ret = xmlTextReaderNext(rd); /* lands on the next node: handle it next round */
    else
      ret = xmlTextReaderRead(rd);
  }
  if (ret < 0 && !w->r->error)
    xfail(w->r, "DOCX_INVALID", "%s is not well-formed XML", part);
  xmlFreeTextReader(rd);
  /* Anything left open by a truncated part is flushed as running text. */
  while (w->sink_depth && !w->r->error)
    cell_end(w);
  while (w->table_depth && !w->r->error) {
    row_end(w);
    table_end(w);
  }
  return !w->r->error;
}

void cw_x_walk_xml(const char *xml, size_t len, bool odf, xbuf *out, xresult *r) {
  xmlSetGenericErrorFunc(NULL, silent);
  walker w = {.out = out, .r = r};
  walk_xml(&w, xml, len, odf ? ODF : WORD, odf ? "content.xml" : "word/document.xml");
  walker_free(&w);
}

/* ---- DOCX / ODT ---------------------------------------------------------- */

static int name_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Headers ("header") or footers ("footer"): each distinct text once. */
static void word_parts(zctx *c, walker *w, const char *kind) {
  zip_int64_t n = zip_get_num_entries(c->z, 0);
  char **names = calloc((size_t)(n > 0 ? n : 1), sizeof *names);
  if (!names)
    return;
  size_t k = 0;
  char prefix[32];
  snprintf(prefix, sizeof prefix, "word/%s", kind);
  for (zip_int64_t i = 0; i < n; i++) {
    const char *nm = zip_get_name(c->z, (zip_uint64_t)i, 0);
    if (nm && !strncmp(nm, prefix, strlen(prefix)) && strlen(nm) > 4 &&
        !strcmp(nm + strlen(nm) - 4, ".xml") && !strchr(nm + 5, '/'))
      names[k++] = (char *)nm;
  }
  qsort(names, k, sizeof *names, name_cmp);
  char *seen[16];
  size_t nseen = 0;
  for (size_t i = 0; i < k && !c->r->error; i++) {
    size_t len;
    bool missing;
    char *xml = read_entry(c, names[i], &len, &missing);
    if (!xml)
      continue;
    xbuf part = {.max = w->out->max};
    walker pw = {.out = &part, .r = c->r};
    walk_xml(&pw, xml, len, WORD, names[i]);
    walker_free(&pw);
    free(xml);
    bool dup = part.len == 0;
    for (size_t s = 0; s < nseen && !dup; s++)
      dup = !strcmp(seen[s], part.buf);
    if (!dup) {
      emit(w, part.buf, part.len);
      emits(w, "\n");
      if (nseen < 16)
        seen[nseen++] = part.buf, part.buf = NULL;
    }
    xbuf_free(&part);
  }
  for (size_t s = 0; s < nseen; s++)
    free(seen[s]);
  free(names);
}

void cw_x_zip(const unsigned char *data, size_t len, const xlimits *l, xbuf *out, xresult *r) {
  xmlSetGenericErrorFunc(NULL, silent);
  zip_error_t ze;
  zip_error_init(&ze);
  zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
  zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
  if (!z) {
    if (src)
      zip_source_free(src);
    zip_error_fini(&ze);
    xfail(r, "FILE_CORRUPT", "not a readable ZIP archive");
    return;
  }
  zip_error_fini(&ze);
  zctx c = {.z = z, .l = l, .r = r};
  static char version[64];
  snprintf(version, sizeof version, "libzip-%s/libxml2-%s", zip_libzip_version(),
           LIBXML_DOTTED_VERSION);
  snprintf(r->version, sizeof r->version, "%s", version);
  if (!check_archive(&c, len))
    goto done;

  walker w = {.out = out, .r = r};
  if (zip_name_locate(z, "word/document.xml", 0) >= 0) {
    r->mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    r->extractor = "docx";
    word_parts(&c, &w, "header");
    size_t dlen;
    bool missing;
    char *xml = read_entry(&c, "word/document.xml", &dlen, &missing);
    if (xml) {
      walk_xml(&w, xml, dlen, WORD, "word/document.xml");
      free(xml);
    }
    if (!r->error)
      word_parts(&c, &w, "footer");
    walker_free(&w);
    goto done;
  }
  size_t mlen;
  bool missing;
  char *mt = read_entry(&c, "mimetype", &mlen, &missing);
  if (r->error)
    goto done;
  if (mt) {
    bool odt = !strncmp(mt, "application/vnd.oasis.opendocument.text", mlen) &&
               mlen == strlen("application/vnd.oasis.opendocument.text");
    free(mt);
    if (!odt) {
      xfail(r, "FILE_TYPE_UNSUPPORTED", "an OpenDocument file that is not a text document");
      goto done;
    }
    r->mime = "application/vnd.oasis.opendocument.text";
    r->extractor = "odt";
    size_t clen;
    char *xml = read_entry(&c, "content.xml", &clen, &missing);
    if (missing)
      xfail(r, "DOCX_INVALID", "ODT without content.xml");
    if (xml) {
      walk_xml(&w, xml, clen, ODF, "content.xml");
      free(xml);
    }
    walker_free(&w);
    goto done;
  }
  /* Neither: a Word package without its main part, or some other ZIP. */
  bool wordish = zip_name_locate(z, "[Content_Types].xml", 0) >= 0 ||
                 zip_name_locate(z, "word/_rels/document.xml.rels", 0) >= 0;
  if (wordish && (zip_name_locate(z, "xl/workbook.xml", 0) >= 0 ||
                  zip_name_locate(z, "ppt/presentation.xml", 0) >= 0))
    xfail(r, "FILE_TYPE_UNSUPPORTED", "an Office package that is not a Word document");
  else if (wordish) {
    r->mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    xfail(r, "DOCX_INVALID", "Word package without word/document.xml");
  } else {
    r->mime = "application/zip";
    xfail(r, "FILE_TYPE_UNSUPPORTED", "a ZIP archive that is neither DOCX nor ODT");
  }
done:
  zip_close(z); /* read-only: discards, frees the source */
}
