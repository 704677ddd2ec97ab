/* MIME types of uploads: declared types and what lies inside ZIP files. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "careeros/mime.h"

/* RFC 2045 token characters: printable ASCII but space and tspecials. */
static bool token_char(char c) { return c > 32 && c < 127 && !strchr("()<>@,;:\\\"/[]?=", c); }

static const char *token(const char *p) {
  while (token_char(*p))
    p++;
  return p;
}

static const char *skip_ws(const char *p) {
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

/* One "; name=value" parameter at p (after the ';' and blanks); returns
 * the end of its value, or NULL when malformed. */
static const char *parameter(const char *p) {
  const char *name = p;
  p = token(p);
  if (p == name || *p != '=')
    return NULL;
  p++;
  if (*p != '"') {
    const char *v = p;
    p = token(p);
    return p == v ? NULL : p;
  }
  for (p++; *p && *p != '"'; p++) {
    if ((unsigned char)*p < 32 && *p != '\t')
      return NULL;
    if (*p == '\\' && p[1])
      p++;
  }
  return *p == '"' ? p + 1 : NULL;
}

int cw_mime_essence(const char *in, char *out, size_t size) {
  const char *t = skip_ws(in), *slash = token(t);
  if (slash == t || *slash != '/')
    return -EINVAL;
  const char *e = token(slash + 1);
  if (e == slash + 1 || (size_t)(e - t) >= size)
    return -EINVAL;
  for (const char *p = skip_ws(e); *p;) {
    if (*p != ';')
      return -EINVAL;
    p = skip_ws(p + 1);
    if (!*p)
      break; /* a trailing ';' is common and harmless */
    if (!(p = parameter(p)))
      return -EINVAL;
    p = skip_ws(p);
  }
  size_t n = (size_t)(e - t);
  for (size_t i = 0; i < n; i++)
    out[i] = (char)tolower((unsigned char)t[i]);
  out[n] = '\0';
  return 0;
}

/* ---- ZIP central directory --------------------------------------------- */

#define EOCD_SIG 0x06054b50u
#define CDIR_SIG 0x02014b50u
#define LOCAL_SIG 0x04034b50u
#define EOCD_MIN 22
#define EOCD_MAX (EOCD_MIN + 65535) /* the archive comment is at most 64 KiB */
#define CDIR_MAX (4u << 20)         /* more is not a resume */

static uint32_t le16(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const unsigned char *p) { return le16(p) | le16(p + 2) << 16; }

static bool read_at(int fd, void *buf, size_t n, off_t off) {
  return pread(fd, buf, n, off) == (ssize_t)n;
}

/* The central directory (malloc'd, *len bytes), or NULL. */
static unsigned char *central_directory(int fd, size_t *len) {
  struct stat st;
  if (fstat(fd, &st) < 0 || st.st_size < EOCD_MIN)
    return NULL;
  size_t tail = st.st_size < EOCD_MAX ? (size_t)st.st_size : EOCD_MAX;
  unsigned char *buf = malloc(tail);
  if (!buf || !read_at(fd, buf, tail, st.st_size - (off_t)tail)) {
    free(buf);
    return NULL;
  }
  unsigned char *cd = NULL;
  for (size_t i = tail - EOCD_MIN + 1; i-- > 0;) {
    if (le32(buf + i) != EOCD_SIG)
      continue;
    uint32_t size = le32(buf + i + 12), off = le32(buf + i + 16);
    if (size == 0 || size > CDIR_MAX || (off_t)off + size > st.st_size)
      break;
    if ((cd = malloc(size)) && !read_at(fd, cd, size, off)) {
      free(cd);
      cd = NULL;
    }
    *len = size;
    break;
  }
  free(buf);
  return cd;
}

/* The stored (uncompressed) "mimetype" entry of an ODF package is the
 * type itself. */
static bool odf_text(int fd, const unsigned char *entry) {
  unsigned char local[30];
  char type[64];
  uint32_t size = le32(entry + 24), off = le32(entry + 42);
  if (le16(entry + 10) != 0 || size != strlen(CW_MIME_ODT) || !read_at(fd, local, sizeof local, off) ||
      le32(local) != LOCAL_SIG)
    return false;
  off_t data = (off_t)off + 30 + le16(local + 26) + le16(local + 28);
  return read_at(fd, type, size, data) && memcmp(type, CW_MIME_ODT, size) == 0;
}

const char *cw_mime_zip_office(int fd) {
  size_t len = 0;
  unsigned char *cd = central_directory(fd, &len);
  const char *found = NULL;
  for (size_t i = 0; cd && !found && i + 46 <= len && le32(cd + i) == CDIR_SIG;) {
    size_t name_len = le16(cd + i + 28), next = i + 46 + name_len + le16(cd + i + 30) + le16(cd + i + 32);
    if (next > len)
      break;
    const char *name = (const char *)cd + i + 46;
    if (name_len == strlen("word/document.xml") && memcmp(name, "word/document.xml", name_len) == 0)
      found = CW_MIME_DOCX;
    else if (name_len == strlen("mimetype") && memcmp(name, "mimetype", name_len) == 0 && odf_text(fd, cd + i))
      found = CW_MIME_ODT;
    i = next;
  }
  free(cd);
  return found;
}
