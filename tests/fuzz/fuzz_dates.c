/* libFuzzer target: the date-range parser.  Checks the invariants callers
 * rely on: spans inside the input, dates in partial ISO form, no end date on
 * a current range, parse() agreeing with find(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "careeros/dates.h"
#include "careeros/entities.h"

static void check(const cw_date_range *r, size_t size) {
  if (r->begin >= r->end_off || r->end_off > size) abort();
  if (r->start[0] && !cw_entities_is_partial_date(r->start)) abort();
  if (r->end[0] && !cw_entities_is_partial_date(r->end)) abort();
  if (r->is_current && r->end[0]) abort();
  if (!r->start[0] && !r->end[0]) abort();
  if (r->start[0] && r->end[0] && strncmp(r->start, r->end, 4) > 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  cw_date_range r, p;
  if (cw_dates_find(s, size, &r) == 0) check(&r, size);
  if (cw_dates_parse(s, size, &p) == 0) {
    check(&p, size);
    if (cw_dates_find(s, size, &r) != 0 || r.begin != p.begin || r.end_off != p.end_off) abort();
  }
  size_t used;
  int m = cw_dates_month(s, size, &used);
  if (m < 0 || m > 12 || (m && used > size)) abort();
  return 0;
}
