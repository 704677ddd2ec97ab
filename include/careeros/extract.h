/* Extraction: bytes of a stored file -> normalised UTF-8 text.  The type is
 * detected from content.  Plain text is handled in-process; PDF, DOCX and
 * friends are handled by the careeros-extract child with rlimits and no
 * network.  Runs on the loop (uv_spawn + pipes). */
#ifndef CAREEROS_EXTRACT_H
#define CAREEROS_EXTRACT_H

#include <stddef.h>
#include <uv.h>

#include "careeros/errors.h"

typedef struct cw_extractor cw_extractor;
typedef struct cw_extract_job cw_extract_job;
struct cw_config;

typedef struct {
  const char *job_id;
  int fd;                   /* borrowed; the extractor dups what it needs */
  const char *declared_mime; /* resume_versions.mime_type */
  const char *file_name;
} cw_extract_req;

typedef struct {
  int status;               /* 0 or negative */
  cw_errcode code;
  char message[256];
  char *text;               /* malloc'd normalised UTF-8 on success; callback owns it */
  size_t text_len;
  int page_count;           /* 0 when not paged */
  char detected_mime[128];  /* the DOCX type alone is 71 characters */
  int mime_mismatch;        /* declared type differs from the detected one */
  char extractor[64];       /* e.g. "plain", "poppler", "docx" */
  char extractor_version[64];
  double extract_ms;
} cw_extract_result;

typedef void (*cw_extract_cb)(void *arg, cw_extract_result *res);

int cw_extractor_new(uv_loop_t *loop, const struct cw_config *cfg, cw_extractor **out);
int cw_extract_start(cw_extractor *x, const cw_extract_req *req, cw_extract_cb cb, void *arg,
                     cw_extract_job **handle);
void cw_extract_cancel(cw_extractor *x, cw_extract_job *h);
void cw_extractor_close(cw_extractor *x, void (*close_cb)(void *), void *arg);

#endif
