/* Which malloc the process runs on.  With mimalloc linked, its malloc
 * replaces glibc's for every library in the process; naming its version
 * here also keeps the linker from dropping it as unused. */
#include <stdio.h>

#include "careeros/alloc.h"
#include "cw_build.h"

#if CW_HAVE_MIMALLOC
#include <mimalloc.h>

const char *cw_allocator(void) {
  static char name[32];
  if (!name[0]) {
    int v = mi_version(); /* e.g. 209 for 2.0.9 */
    snprintf(name, sizeof name, "mimalloc %d.%d.%d", v / 100, v / 10 % 10, v % 10);
  }
  return name;
}
#else
const char *cw_allocator(void) { return "glibc"; }
#endif
