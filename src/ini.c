/* The configuration file's INI syntax (see careeros/ini.h). */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careeros/ini.h"

static char *trim(char *s) {
  while (isspace((unsigned char)*s))
    s++;
  size_t n = strlen(s);
  while (n && isspace((unsigned char)s[n - 1]))
    s[--n] = '\0';
  return s;
}

/* A value's inline comment starts at ';' after a blank. */
static void cut_comment(char *v) {
  for (char *p = v; *p; p++)
    if (*p == ';' && p > v && (p[-1] == ' ' || p[-1] == '\t')) {
      *p = '\0';
      return;
    }
}

static void header(const cw_ini_handler *h, int line, char *s, char *section, size_t size,
                   const char *raw) {
  char *end = strchr(s + 1, ']');
  if (end)
    *end = '\0';
  else
    h->error(h->arg, line, "section header without ']'", raw);
  /* Either way the keys that follow are meant for this section. */
  snprintf(section, size, "%s", trim(s + 1));
  if (!*section)
    h->error(h->arg, line, "empty section name", raw);
  if (h->section)
    h->section(h->arg, line, section);
}

static void one_line(const cw_ini_handler *h, int line, char *buf, char *section, size_t size) {
  char *s = trim(buf);
  if (line == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
    s = trim(s + 3);
  char *raw = strdup(s); /* for messages: what the line said */
  if (!*s || *s == ';' || *s == '#') {
    /* blank or comment */
  } else if (*s == '[') {
    header(h, line, s, section, size, raw ? raw : "");
  } else {
    char *eq = strchr(s, '=');
    if (!eq) {
      h->error(h->arg, line, "expected 'key = value'", raw ? raw : "");
    } else {
      *eq = '\0';
      char *name = trim(s), *value = eq + 1;
      cut_comment(value);
      value = trim(value);
      if (!*name)
        h->error(h->arg, line, "no key before '='", raw ? raw : "");
      else
        h->key(h->arg, line, section, name, value);
    }
  }
  free(raw);
}

int cw_ini_parse(FILE *f, const cw_ini_handler *h) {
  char section[128] = "";
  char *buf = NULL;
  size_t cap = 0;
  int line = 0;
  ssize_t n;
  while ((n = getline(&buf, &cap, f)) >= 0) {
    line++;
    /* A NUL byte would end the line early: show it as what it is. */
    if (memchr(buf, '\0', (size_t)n)) {
      h->error(h->arg, line, "NUL byte in line", "");
      continue;
    }
    one_line(h, line, buf, section, sizeof section);
  }
  int rc = ferror(f) ? -EIO : 0;
  free(buf);
  return rc;
}

void cw_ini_printable(const char *in, size_t max, char *out, size_t size) {
  size_t len = strlen(in), o = 0;
  if (!size)
    return;
  for (size_t i = 0; i < len && i < max; i++) {
    unsigned char c = (unsigned char)in[i];
    char esc[8];
    int k = c < 32 || c == 127 ? snprintf(esc, sizeof esc, "\\x%02x", c) : (esc[0] = (char)c, 1);
    if (o + (size_t)k + 1 > size)
      break;
    memcpy(out + o, esc, (size_t)k);
    o += (size_t)k;
  }
  out[o] = '\0';
  if (len > max)
    snprintf(out + o, size - o, "...(%zu bytes)", len);
}
