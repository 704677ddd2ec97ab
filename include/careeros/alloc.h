#ifndef CAREEROS_ALLOC_H
#define CAREEROS_ALLOC_H

/* The malloc this build runs on, for --version and the startup log:
 * "mimalloc 2.0.9" or "glibc". */
const char *cw_allocator(void);

#endif
