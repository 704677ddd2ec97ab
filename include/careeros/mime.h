/* MIME types of uploads, as the enqueue command records them: the syntax
 * of a declared type, and the office formats libmagic takes for plain ZIP
 * archives. */
#ifndef CAREEROS_MIME_H
#define CAREEROS_MIME_H

#include <stddef.h>

#define CW_MIME_DOCX "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define CW_MIME_ODT "application/vnd.oasis.opendocument.text"

/* "type/subtype" with any number of "; name=value" parameters (RFC 2045:
 * value a token or a quoted string), what `file -bi` prints.  Writes the
 * type, lower-cased and without parameters, to out; -EINVAL when in is not
 * a MIME type or the type does not fit. */
int cw_mime_essence(const char *in, char *out, size_t size);

/* For a ZIP archive (libmagic said application/zip): the type of the office
 * document it holds, read from its central directory (word/document.xml:
 * DOCX; a "mimetype" entry naming ODF text: ODT), or NULL.  libmagic only
 * knows a DOCX whose first entries come in the order Word writes them. */
const char *cw_mime_zip_office(int fd);

#endif
