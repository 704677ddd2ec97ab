/* systemd service notification (sd_notify).  Every call is a no-op that
 * returns 0 when NOTIFY_SOCKET is unset, i.e. outside a Type=notify unit,
 * so callers need no "are we under systemd" checks. */
#ifndef CAREEROS_NOTIFY_H
#define CAREEROS_NOTIFY_H

#include <stdint.h>

/* Each returns 0 when the message was sent or there is no one to tell, or a
 * negative errno when sending failed (the daemon logs it and carries on). */
int cw_notify_ready(void);                 /* READY=1, with MAINPID */
int cw_notify_reloading(void);             /* RELOADING=1 (SIGHUP); send cw_notify_ready() when done */
int cw_notify_stopping(void);              /* STOPPING=1: drain has begun */
int cw_notify_watchdog(void);              /* WATCHDOG=1: send only while loop and DB are healthy */
int cw_notify_status(const char *fmt, ...) /* STATUS=<free text>, one line */
    __attribute__((format(printf, 1, 2)));

/* 1 and *usec set when systemd expects WATCHDOG=1 at least every *usec
 * microseconds (send at half that), 0 when no watchdog is configured for this
 * process, negative errno on a malformed environment. */
int cw_notify_watchdog_usec(uint64_t *usec);

#endif
