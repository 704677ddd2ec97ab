/* PDF text through poppler-glib.  poppler gives every character of a
 * page with its box (poppler_page_get_text_layout); layout.c rebuilds the
 * reading order from those boxes, keeping columns apart.  Pages are
 * separated by FF.
 *
 * With --ocr, a PDF without any text layer is rendered page by page at
 * 300 dpi (cairo) and read by tesseract, a child of this process that
 * inherits its limits and seccomp filter. */
#include <cairo.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <poppler.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helper.h"

/* Columns of the last pages that the next page may continue: a sidebar
 * and a main column each carry their own sections, and a section that
 * goes on at the top of the next page's same column belongs to its first
 * part, not under the other column's last heading.  So a page that is
 * one pair of columns keeps them apart here; the next page joins them when
 * it is the same pair again (no header, an overlapping gutter) or text in
 * one of the two columns only; anything else writes them out, the first
 * column whole, then the second. */
typedef struct {
  xbuf side[2];
  bool open, right_first;
  double g1, g2;
} flow_t;

/* The characters of b that are not spaces, tabs or line breaks. */
static size_t ink(const xbuf *b) {
  size_t n = 0;
  for (size_t i = 0; i < b->len; i++)
    n += !(b->buf[i] == ' ' || b->buf[i] == '\n' || b->buf[i] == '\t');
  return n;
}

static bool blank(const xbuf *b) {
  return ink(b) == 0;
}

/* Appends b, after a page break when dst already holds a page. */
static void add_page(xbuf *dst, const xbuf *b) {
  if (blank(b))
    return;
  if (dst->len)
    xbuf_adds(dst, "\f");
  xbuf_add(dst, b->buf, b->len);
}

/* The two columns, the one read first before the other. */
static void write_sides(xbuf *out, const xbuf side[2], bool right_first) {
  for (int k = 0; k < 2; k++) {
    const xbuf *b = &side[right_first ? 1 - k : k];
    xbuf_add(out, b->buf, b->len);
  }
}

static void flow_flush(flow_t *f, xbuf *out) {
  if (f->open)
    write_sides(out, f->side, f->right_first);
  xbuf_free(&f->side[0]);
  xbuf_free(&f->side[1]);
  f->open = false;
}

/* Takes the page into the open columns when it continues them. */
static bool flow_continue(flow_t *f, const xpage *pg) {
  if (!f->open)
    return false;
  if (pg->split && blank(&pg->head) && pg->g1 < f->g2 && f->g1 < pg->g2) {
    add_page(&f->side[0], &pg->side[0]);
    add_page(&f->side[1], &pg->side[1]);
    return true;
  }
  /* (a page without a usable layout has no extent: x1 = x2 = 0; its text
   * comes in poppler's order, from anywhere on the page) */
  if (pg->split || blank(&pg->head) || !(pg->x1 < pg->x2))
    return false;
  if (pg->x2 <= f->g2) /* left of the gutter only */
    add_page(&f->side[0], &pg->head);
  else if (pg->x1 >= f->g1)
    add_page(&f->side[1], &pg->head);
  else
    return false;
  return true;
}

/* One of the page's two columns is a sidebar: at most 0.7 times as wide
 * as the other.  Two columns of one width are as often one grid (skill
 * groups in two columns, headings below them across the page) as two
 * flows; they are written page by page.  So is a pair of columns that
 * opens a page without a header above it: it goes on from the page
 * before (a grid begun under a heading there), it does not begin a
 * layout. */
static bool sidebar(const xpage *pg) {
  double lw = pg->g1 - pg->x1, rw = pg->x2 - pg->g2;
  return lw > 0 && rw > 0 && fmin(lw, rw) <= 0.7 * fmax(lw, rw);
}

/* Returns the number of non-space characters of the page. */
static size_t page_text(PopplerPage *page, xbuf *out, flow_t *f, bool first) {
  char *text = poppler_page_get_text(page);
  PopplerRectangle *rects = NULL;
  guint nrects = 0;
  size_t written = 0;
  if (!text)
    return 0;
  xpage pg = {.head = {.max = out->max}, .side = {{.max = out->max}, {.max = out->max}}};
  if (!poppler_page_get_text_layout(page, &rects, &nrects) ||
      (glong)nrects != g_utf8_strlen(text, -1)) {
    /* No usable layout: poppler's own order is the best we have. */
    xbuf_adds(&pg.head, text);
  } else {
    xrect *xr = malloc((nrects ? nrects : 1) * sizeof *xr);
    if (xr) {
      for (guint i = 0; i < nrects; i++)
        xr[i] = (xrect){rects[i].x1, rects[i].y1, rects[i].x2, rects[i].y2};
      cw_x_layout_page(text, xr, nrects, &pg);
      free(xr);
    }
  }
  written = ink(&pg.head) + ink(&pg.side[0]) + ink(&pg.side[1]);
  if (!flow_continue(f, &pg)) {
    flow_flush(f, out);
    if (!first)
      xbuf_adds(out, "\f");
    xbuf_add(out, pg.head.buf, pg.head.len);
    if (pg.split && (!sidebar(&pg) || blank(&pg.head))) {
      write_sides(out, pg.side, pg.right_first);
    } else if (pg.split) {
      *f = (flow_t){.side = {pg.side[0], pg.side[1]}, .open = true,
                    .right_first = pg.right_first, .g1 = pg.g1, .g2 = pg.g2};
      pg.side[0] = pg.side[1] = (xbuf){0};
    }
  }
  xbuf_free(&pg.head);
  xbuf_free(&pg.side[0]);
  xbuf_free(&pg.side[1]);
  g_free(rects);
  g_free(text);
  return written;
}

/* ---- OCR (extract.ocr): pages rendered at 300 dpi, read by tesseract --------------- */

static const char *find_tesseract(void) {
  static const char *const cands[] = {"/usr/bin/tesseract", "/usr/local/bin/tesseract", NULL};
  for (int i = 0; cands[i]; i++)
    if (access(cands[i], X_OK) == 0)
      return cands[i];
  return NULL;
}

typedef struct {
  unsigned char *p;
  size_t n, cap;
} membuf;

static cairo_status_t png_sink(void *arg, const unsigned char *d, unsigned int n) {
  membuf *m = arg;
  if (m->n + n > m->cap) {
    size_t cap = m->cap ? m->cap * 2 : 1 << 20;
    while (cap < m->n + n)
      cap *= 2;
    unsigned char *np = realloc(m->p, cap);
    if (!np)
      return CAIRO_STATUS_NO_MEMORY;
    m->p = np;
    m->cap = cap;
  }
  memcpy(m->p + m->n, d, n);
  m->n += n;
  return CAIRO_STATUS_SUCCESS;
}

/* Renders the page and runs tesseract on it (PNG on its stdin, text on its
 * stdout).  tesseract inherits our rlimits and seccomp filter: no network
 * there either.  Returns false when tesseract could not run. */
static bool ocr_page(PopplerPage *page, const char *tess, xbuf *out) {
  double w, h;
  poppler_page_get_size(page, &w, &h);
  double scale = 300.0 / 72.0;
  /* at most ~40 megapixels whatever the page size claims */
  if (w * h * scale * scale > 40e6)
    scale = sqrt(40e6 / (w * h));
  int pw = (int)(w * scale), ph = (int)(h * scale);
  if (pw < 1 || ph < 1)
    return true;
  cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
  if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(sf);
    return false;
  }
  cairo_t *cr = cairo_create(sf);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_scale(cr, scale, scale);
  poppler_page_render_for_printing(page, cr);
  cairo_destroy(cr);
  membuf png = {0};
  cairo_status_t st = cairo_surface_write_to_png_stream(sf, png_sink, &png);
  cairo_surface_destroy(sf);
  if (st != CAIRO_STATUS_SUCCESS) {
    free(png.p);
    return false;
  }
  int in[2], outp[2];
  if (pipe2(in, O_CLOEXEC) < 0) {
    free(png.p);
    return false;
  }
  if (pipe2(outp, O_CLOEXEC) < 0) {
    close(in[0]), close(in[1]);
    free(png.p);
    return false;
  }
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(outp[1], 1);
    int dn = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (dn >= 0)
      dup2(dn, 2);
    char *const argv[] = {"tesseract", "stdin", "stdout", "-l", "eng", NULL};
    char *const envp[] = {"OMP_THREAD_LIMIT=1", "PATH=/usr/bin:/bin", NULL};
    execve(tess, argv, envp);
    _exit(127);
  }
  close(in[0]);
  close(outp[1]);
  if (pid < 0) {
    close(in[1]), close(outp[0]);
    free(png.p);
    return false;
  }
  signal(SIGPIPE, SIG_IGN);
  size_t off = 0;
  int wfd = in[1];
  char buf[65536];
  for (;;) {
    struct pollfd pf[2] = {{outp[0], POLLIN, 0}, {wfd, POLLOUT, 0}};
    int np = wfd >= 0 ? 2 : 1;
    if (poll(pf, (nfds_t)np, -1) < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    if (np == 2 && (pf[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t k = write(wfd, png.p + off, png.n - off);
      if (k > 0)
        off += (size_t)k;
      if (k < 0 || off == png.n) {
        close(wfd);
        wfd = -1;
      }
    }
    if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t k = read(outp[0], buf, sizeof buf);
      if (k <= 0)
        break;
      xbuf_add(out, buf, (size_t)k);
    }
  }
  if (wfd >= 0)
    close(wfd);
  close(outp[0]);
  free(png.p);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void cw_x_pdf(const unsigned char *data, size_t len, const xlimits *l, xbuf *out, xresult *r) {
  r->mime = "application/pdf";
  r->extractor = "poppler";
  snprintf(r->version, sizeof r->version, "poppler-%s", poppler_get_version());
  GBytes *bytes = g_bytes_new_static(data, len);
  GError *err = NULL;
  PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &err);
  if (!doc) {
    if (err && err->domain == POPPLER_ERROR && err->code == POPPLER_ERROR_ENCRYPTED)
      xfail(r, "PDF_ENCRYPTED", "the PDF is encrypted and needs a password");
    else
      xfail(r, "FILE_CORRUPT", "poppler cannot open the PDF");
    if (err)
      g_error_free(err);
    g_bytes_unref(bytes);
    return;
  }
  int pages = poppler_document_get_n_pages(doc);
  r->page_count = pages;
  if (pages <= 0) {
    xfail(r, "FILE_CORRUPT", "the PDF has no pages");
  } else if (pages > l->max_pages) {
    xfail(r, "PDF_TOO_MANY_PAGES", "the PDF has %d pages, limit %d", pages, l->max_pages);
  } else {
    size_t chars = 0;
    flow_t flow = {0};
    for (int i = 0; i < pages && !out->overflow; i++) {
      PopplerPage *page = poppler_document_get_page(doc, i);
      if (!page)
        continue;
      chars += page_text(page, out, &flow, i == 0);
      g_object_unref(page);
    }
    flow_flush(&flow, out);
    const char *tess = chars == 0 && l->ocr && !out->overflow ? find_tesseract() : NULL;
    if (tess) {
      /* No text layer anywhere: a scan.  Read the pages' pixels instead. */
      out->len = 0;
      bool ran = true;
      for (int i = 0; i < pages && !out->overflow && ran; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        if (!page)
          continue;
        if (i)
          xbuf_adds(out, "\f");
        ran = ocr_page(page, tess, out);
        g_object_unref(page);
      }
      for (size_t k = 0; k < out->len; k++)
        chars += !(out->buf[k] == ' ' || out->buf[k] == '\n' || out->buf[k] == '\t' ||
                   out->buf[k] == '\f');
      if (ran) {
        r->extractor = "poppler+tesseract";
        snprintf(r->version, sizeof r->version, "poppler-%s/tesseract", poppler_get_version());
      } else {
        chars = 0;
      }
    }
    if (out->overflow)
      xfail(r, "EXTRACT_LIMIT", "extracted text exceeds %zu bytes", out->max);
    else if (chars == 0)
      xfail(r, "PDF_NO_TEXT", "the PDF has no text layer%s",
            !l->ocr ? "" : tess ? " and OCR found none" : " and OCR (tesseract) is not available");
  }
  g_object_unref(doc);
  g_bytes_unref(bytes);
}
