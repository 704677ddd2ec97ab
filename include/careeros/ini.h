/* The INI syntax of the configuration file, read line by line so that
 * every error is reported with its line, not only the first one.
 *
 *   [section]           a section header; a header without ']' is an error,
 *                       but the keys after it still belong to that section
 *   key = value         blanks around key and value are dropped; " ;" or
 *                       "\t;" starts a comment in a value
 *   ; comment, # comment, blank lines
 *
 * Anything else is a syntax error.  A UTF-8 byte order mark on the first
 * line is ignored. */
#ifndef CAREEROS_INI_H
#define CAREEROS_INI_H

#include <stdio.h>

typedef struct {
  /* a header; name is "" before the first one */
  void (*section)(void *arg, int line, const char *name);
  void (*key)(void *arg, int line, const char *section, const char *name, const char *value);
  /* what: the problem; text: the line as read (may hold any byte) */
  void (*error)(void *arg, int line, const char *what, const char *text);
  void *arg;
} cw_ini_handler;

/* Reads f to its end.  0, or a negative errno when reading failed. */
int cw_ini_parse(FILE *f, const cw_ini_handler *h);

/* Text fit for a terminal: control bytes and DEL as \xNN, cut after max
 * bytes of input with "...(N bytes)"; always NUL-terminated in out. */
void cw_ini_printable(const char *in, size_t max, char *out, size_t size);

#endif
