#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "careeros/log.h"

static int current_level = CW_LOG_INFO;

void cw_log_set_level(int level) { current_level = level; }
int cw_log_get_level(void) { return current_level; }

int cw_log_level_parse(const char *s) {
  static const struct { const char *name; int level; } names[] = {
      {"error", CW_LOG_ERR},   {"err", CW_LOG_ERR},       {"warning", CW_LOG_WARNING},
      {"warn", CW_LOG_WARNING}, {"notice", CW_LOG_NOTICE}, {"info", CW_LOG_INFO},
      {"debug", CW_LOG_DEBUG},
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcasecmp(s, names[i].name) == 0)
      return names[i].level;
  return -1;
}

const char *cw_log_level_name(int level) {
  switch (level) {
  case CW_LOG_ERR: return "error";
  case CW_LOG_WARNING: return "warning";
  case CW_LOG_NOTICE: return "notice";
  case CW_LOG_INFO: return "info";
  default: return "debug";
  }
}

void cw_log(int level, const char *msg, const char *fmt, ...) {
  if (level > current_level)
    return;
  /* Build the whole line first so that one event is one write(2): lines
   * from several processes sharing the journal stream do not interleave. */
  char line[2048];
  int n = snprintf(line, sizeof line, "<%d>%s", level, msg);
  if (n < 0)
    return;
  if (fmt && *fmt && (size_t)n < sizeof line - 2) {
    line[n++] = ' ';
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    if (m > 0)
      n += m;
  }
  if ((size_t)n >= sizeof line - 1)
    n = sizeof line - 2;
  /* A newline inside a field would forge a second log line. */
  for (int i = 0; i < n; i++)
    if (line[i] == '\n' || line[i] == '\r' || line[i] == '\t')
      line[i] = ' ';
  line[n++] = '\n';
  fwrite(line, 1, (size_t)n, stderr);
}
