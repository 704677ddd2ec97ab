/* Logging: one line per event on stderr, "<N>" syslog priority prefix so
 * journald keeps the level, then "key=value" fields.  Never pass secrets or
 * resume text: callers log identifiers, sizes, codes and timings only. */
#ifndef CAREEROS_LOG_H
#define CAREEROS_LOG_H

enum cw_log_level {
  CW_LOG_ERR = 3,
  CW_LOG_WARNING = 4,
  CW_LOG_NOTICE = 5,
  CW_LOG_INFO = 6,
  CW_LOG_DEBUG = 7,
};

void cw_log_set_level(int level);
int cw_log_get_level(void);
/* Parses "error|warning|notice|info|debug"; returns the level or -1. */
int cw_log_level_parse(const char *s);
const char *cw_log_level_name(int level);

/* msg is a short event name ("job.claimed"); fmt adds key=value fields. */
void cw_log(int level, const char *msg, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define cw_log_err(msg, ...) cw_log(CW_LOG_ERR, msg, __VA_ARGS__)
#define cw_log_warn(msg, ...) cw_log(CW_LOG_WARNING, msg, __VA_ARGS__)
#define cw_log_notice(msg, ...) cw_log(CW_LOG_NOTICE, msg, __VA_ARGS__)
#define cw_log_info(msg, ...) cw_log(CW_LOG_INFO, msg, __VA_ARGS__)
#define cw_log_debug(msg, ...) cw_log(CW_LOG_DEBUG, msg, __VA_ARGS__)

#endif
