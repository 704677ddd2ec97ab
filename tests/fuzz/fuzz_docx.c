/* libFuzzer target: the DOCX/ODT text walker of careeros-extract
 * (src/extract/docx.c).  The first byte picks the mode: a WordprocessingML
 * part, an OpenDocument content.xml, the bytes as a whole ZIP container
 * (limits, part lookup, lying sizes), an RTF document (src/extract/rtf.c,
 * the other hand-written parser of the helper), or an HTML document.  Invariants: no crash or leak, the
 * output never exceeds its cap, and on success it normalises to valid UTF-8. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/extract/helper.h"
#include "careeros/normalize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  xbuf out = {.max = 256 * 1024};
  xresult r = {0};
  xlimits l = {.max_pages = 10, .max_output = 256 * 1024, .zip_max_entries = 64,
               .zip_max_uncompressed = 4 << 20, .zip_max_ratio = 100};
  switch (data[0] % 5) {
  case 0: cw_x_walk_xml((const char *)data + 1, size - 1, false, &out, &r); break;
  case 1: cw_x_walk_xml((const char *)data + 1, size - 1, true, &out, &r); break;
  case 2: cw_x_zip(data + 1, size - 1, &l, &out, &r); break;
  case 3: cw_x_rtf(data + 1, size - 1, &l, &out, &r); break;
  default: cw_x_html(data + 1, size - 1, &l, &out, &r); break;
  }
  if (out.len > out.max)
    abort();
  if (!r.error && out.len) {
    char *n = NULL;
    size_t nl = 0;
    if (cw_text_normalize(out.buf, out.len, &n, &nl) != 0 || !cw_utf8_valid(n, nl))
      abort();
    free(n);
  }
  xbuf_free(&out);
  return 0;
}
