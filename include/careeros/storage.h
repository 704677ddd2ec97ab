/* Storage: fetches a resume file (local directory or Supabase Storage) into
 * something the extractor can read, checking it against the row on the way.
 * Never blocks the loop for network I/O; local reads of bounded files are
 * done with the uv fs API or are small enough to be acceptable. */
#ifndef CAREEROS_STORAGE_H
#define CAREEROS_STORAGE_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "careeros/errors.h"

typedef struct cw_storage cw_storage;
typedef struct cw_storage_fetch cw_storage_fetch;
struct cw_config;
struct cw_http;

typedef struct {
  const char *job_id;
  const char *file_path;     /* resume_versions.file_path, relative to the root/bucket */
  int64_t expected_size;     /* resume_versions.file_size */
  const char *expected_sha256; /* resume_versions.file_hash, hex */
  const char *owner;         /* resume_versions.user_id: file_path must start with "<owner>/";
                                NULL: not checked (CLI, tests) */
} cw_storage_req;

typedef struct {
  int status;          /* 0 or negative */
  cw_errcode code;     /* when status != 0 */
  char message[256];
  int fd;              /* on success: readable fd positioned at 0; the callback owns it */
  int64_t size;
  char sha256[65];
  double fetch_ms;
} cw_storage_result;

typedef void (*cw_storage_cb)(void *arg, cw_storage_result *res);

/* http may be NULL when only the local backend is configured. */
int cw_storage_new(uv_loop_t *loop, const struct cw_config *cfg, struct cw_http *http,
                   cw_storage **out);
int cw_storage_fetch_start(cw_storage *s, const cw_storage_req *req, cw_storage_cb cb, void *arg,
                           cw_storage_fetch **handle);
void cw_storage_fetch_cancel(cw_storage *s, cw_storage_fetch *h); /* cb gets -ECANCELED */
void cw_storage_close(cw_storage *s, void (*close_cb)(void *), void *arg);

/* Resolves file_path under root without following symlinks or leaving the
 * root: returns an open fd (O_RDONLY|O_CLOEXEC) or a negative errno; -EPERM
 * for a path that escapes the root.  Exposed for the CLI and tests. */
int cw_storage_open_beneath(int root_fd, const char *file_path);

#endif
