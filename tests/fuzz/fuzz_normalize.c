/* libFuzzer target: text decoding and normalisation (src/normalize.c).
 * Invariants the rest of the worker relies on: the output is valid UTF-8,
 * NUL-terminated at its length, bounded (3 * len + 16), free of NUL, CR, FF
 * and of blank-line runs and line-edge whitespace, and normalising it again
 * changes nothing.  The decoder either refuses with TEXT_ENCODING_INVALID
 * or yields valid UTF-8. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "careeros/normalize.h"

static void check_normalized(const char *o, size_t n, size_t in_len) {
  if (strlen(o) != n || n > 3 * in_len + 16 || !cw_utf8_valid(o, n))
    abort();
  for (size_t i = 0; i < n; i++) {
    char c = o[i];
    if (c == '\r' || c == '\f')
      abort();
    if (c == '\n' && (i == 0 || i + 1 == n))
      abort(); /* no leading or trailing blank lines */
    if (c == '\n' && i + 2 < n && o[i + 1] == '\n' && o[i + 2] == '\n')
      abort();
    if ((c == ' ' || c == '\t') && (i == 0 || i + 1 == n || o[i + 1] == '\n' || o[i - 1] == '\n'))
      abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *o = NULL, *o2 = NULL;
  size_t n = 0, n2 = 0;
  if (cw_text_normalize((const char *)data, size, &o, &n) != 0)
    return 0;
  check_normalized(o, n, size);
  if (cw_text_normalize(o, n, &o2, &n2) != 0)
    abort();
  if (n2 != n || memcmp(o, o2, n) != 0)
    abort(); /* idempotent */
  free(o);
  free(o2);

  char *d = NULL;
  size_t dn = 0;
  const char *enc, *why;
  cw_errcode code;
  int rc = cw_text_decode(data, size, &d, &dn, &enc, &code, &why);
  if (rc == 0) {
    if (!d || strlen(d) > dn || !cw_utf8_valid(d, dn))
      abort();
  } else if (rc != -EILSEQ || code != CW_ERR_TEXT_ENCODING_INVALID || d) {
    if (rc != -ENOMEM)
      abort();
  }
  free(d);
  return 0;
}
