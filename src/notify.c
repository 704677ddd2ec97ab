/* systemd notifications through libsystemd's sd_notify: it handles abstract
 * and path sockets, credentials and the NOTIFY_SOCKET-unset case. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "careeros/notify.h"

/* sd_notify returns >0 sent, 0 no socket, <0 error: fold to our 0/-errno. */
static int send_state(const char *state) {
  int rc = sd_notify(0, state);
  return rc < 0 ? rc : 0;
}

int cw_notify_ready(void) {
  char msg[64];
  /* MAINPID lets systemd track us even when started through a wrapper. */
  snprintf(msg, sizeof msg, "READY=1\nMAINPID=%lu", (unsigned long)getpid());
  return send_state(msg);
}

int cw_notify_reloading(void) { return send_state("RELOADING=1"); }
int cw_notify_stopping(void) { return send_state("STOPPING=1"); }
int cw_notify_watchdog(void) { return send_state("WATCHDOG=1"); }

int cw_notify_status(const char *fmt, ...) {
  if (!getenv("NOTIFY_SOCKET"))
    return 0; /* skip the formatting when no one listens */
  char text[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  if (n < 0)
    return -EINVAL;
  /* A newline would start a new assignment (e.g. a forged READY=1). */
  for (char *p = text; *p; p++)
    if (*p == '\n' || *p == '\r')
      *p = ' ';
  char msg[sizeof text + 8];
  snprintf(msg, sizeof msg, "STATUS=%s", text);
  return send_state(msg);
}

int cw_notify_watchdog_usec(uint64_t *usec) {
  uint64_t u = 0;
  int rc = sd_watchdog_enabled(0, &u);
  if (rc <= 0) {
    *usec = 0;
    return rc;
  }
  *usec = u;
  return 1;
}
