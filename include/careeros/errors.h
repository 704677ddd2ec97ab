/* The error catalogue: every error a job can end with, one line each.
 *
 * A code is stored in processing_errors[].code and processing_stages.*.error,
 * counted in metrics and documented in README.md ("Error codes").  Each code
 * is either retryable (the job goes back to the queue with backoff) or
 * permanent (the job fails at once).  Add codes here only; the table, the
 * lookup and the README check are generated from this list. */
#ifndef CAREEROS_ERRORS_H
#define CAREEROS_ERRORS_H

#include <stdbool.h>

/* X(name, retryable, description) */
#define CW_ERROR_CATALOGUE(X) \
  X(INTERNAL,               true,  "Unexpected internal error in the worker") \
  X(DB_UNAVAILABLE,         true,  "The database connection was lost during the stage") \
  X(DB_CONFLICT,            true,  "A deadlock, serialization failure or lock timeout aborted the stage's commit") \
  X(LEASE_EXPIRED,          true,  "The job's lease expired (worker died or hung); another worker took it over") \
  X(SHUTDOWN,               true,  "The worker shut down before the stage finished; the job was released") \
  X(STORAGE_PATH_INVALID,   false, "file_path is absolute, contains '..', or resolves outside the storage root") \
  X(STORAGE_PATH_NOT_OWNED, false, "file_path is not in the folder of the version's owner (user_id/...)") \
  X(STORAGE_NOT_FOUND,      false, "The file does not exist in storage (missing file, HTTP 404)") \
  X(STORAGE_FORBIDDEN,      false, "Storage refused access (HTTP 401/403)") \
  X(STORAGE_UNAVAILABLE,    true,  "Storage failed transiently (HTTP 5xx, timeout, connection error)") \
  X(FILE_EMPTY,             false, "The file is empty") \
  X(FILE_TOO_LARGE,         false, "The file is larger than storage.max_file_bytes") \
  X(FILE_SIZE_MISMATCH,     false, "The file size differs from resume_versions.file_size") \
  X(FILE_HASH_MISMATCH,     false, "The file's sha256 differs from resume_versions.file_hash") \
  X(FILE_TYPE_UNSUPPORTED,  false, "The content is not an allowed type (PDF, DOCX, ODT, TXT/MD, RTF, HTML)") \
  X(FILE_CORRUPT,           false, "The file is truncated or malformed") \
  X(PDF_ENCRYPTED,          false, "The PDF is encrypted") \
  X(PDF_NO_TEXT,            false, "The PDF has no text layer (and OCR is disabled or unavailable)") \
  X(PDF_TOO_MANY_PAGES,     false, "The PDF has more pages than extract.max_pages") \
  X(DOCX_INVALID,           false, "The archive is not a usable DOCX/ODT (no main document part, bad XML)") \
  X(ARCHIVE_LIMIT,          false, "The archive exceeds the entry count, uncompressed size or ratio limits (zip bomb)") \
  X(TEXT_ENCODING_INVALID,  false, "The text is not valid UTF-8, UTF-16 with BOM or Latin-1") \
  X(TEXT_EMPTY,             false, "No text remained after extraction and normalisation") \
  X(TEXT_TOO_LONG,          false, "The extracted text exceeds extract.max_text_bytes") \
  X(EXTRACT_CRASHED,        false, "The extraction child crashed") \
  X(EXTRACT_TIMEOUT,        false, "The extraction child exceeded its CPU or wall-clock limit") \
  X(EXTRACT_LIMIT,          false, "The extraction child exceeded its memory or output limit") \
  X(LLM_RATE_LIMITED,       true,  "The LLM API answered 429 after all retries") \
  X(LLM_QUOTA_EXCEEDED,     true,  "The LLM account is out of quota (429 insufficient_quota); rescheduled with a long backoff") \
  X(LLM_UNAVAILABLE,        true,  "The LLM API failed transiently (5xx, timeout, connection error) after all retries") \
  X(LLM_BAD_REQUEST,        false, "The LLM API rejected the request (HTTP 400/404/422)") \
  X(LLM_AUTH,               false, "The LLM API rejected the credentials (HTTP 401/403)") \
  X(LLM_TRUNCATED,          false, "The LLM answer was cut off (finish_reason length) even with more output tokens") \
  X(LLM_REFUSED,            false, "The model refused to answer") \
  X(LLM_CONTENT_FILTER,     false, "The provider's content filter blocked the answer") \
  X(LLM_INVALID_OUTPUT,     false, "The LLM answer was not valid JSON or broke the schema after one repair round") \
  X(LLM_OUTPUT_TOO_LARGE,   false, "The LLM answer was larger than 8 bytes per max_tokens (no repair round)") \
  X(OUTPUT_REJECTED,        false, "The database refused the stage's output (a constraint violation, e.g. a score outside 0..100)") \
  X(MERGE_FAILED,           true,  "Merging into the user's profile failed") \
  X(MAX_ATTEMPTS,           false, "A retryable error happened max_attempts times; the job failed")

typedef enum {
#define CW_X_ENUM(name, retry, desc) CW_ERR_##name,
  CW_ERROR_CATALOGUE(CW_X_ENUM)
#undef CW_X_ENUM
  CW_ERR__COUNT
} cw_errcode;

/* The code's name as stored in the database, e.g. "FILE_HASH_MISMATCH". */
const char *cw_error_name(cw_errcode code);
bool cw_error_retryable(cw_errcode code);
const char *cw_error_description(cw_errcode code);
/* Returns the code for a name, or -1 if the name is not in the catalogue. */
int cw_error_from_name(const char *name);

#endif
