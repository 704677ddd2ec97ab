/* Retry policy of the LLM client, matching the official OpenAI SDKs:
 * which answers are retried, how long to wait, and how the rate-limit
 * headers' Go-style durations read. */
#include <curl/curl.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "careeros/llm.h"

long cw_llm_parse_go_duration(const char *s) {
  if (!s)
    return -1;
  while (isspace((unsigned char)*s))
    s++;
  if (!*s)
    return -1;
  double total_ms = 0;
  bool any = false;
  while (*s && !isspace((unsigned char)*s)) {
    char *end;
    if (!isdigit((unsigned char)*s) && *s != '.')
      return -1;
    double v = strtod(s, &end);
    if (end == s || v < 0)
      return -1;
    s = end;
    double unit;
    if (strncmp(s, "ms", 2) == 0) {
      unit = 1;
      s += 2;
    } else if (strncmp(s, "us", 2) == 0) {
      unit = 0.001;
      s += 2;
    } else if (strncmp(s, "\xC2\xB5s", 3) == 0) { /* µs */
      unit = 0.001;
      s += 3;
    } else if (strncmp(s, "ns", 2) == 0) {
      unit = 0.000001;
      s += 2;
    } else if (*s == 'h') {
      unit = 3600000;
      s++;
    } else if (*s == 'm') {
      unit = 60000;
      s++;
    } else if (*s == 's') {
      unit = 1000;
      s++;
    } else if (*s == '\0' && v == 0) { /* Go prints a zero duration as "0" */
      unit = 0;
    } else {
      return -1;
    }
    total_ms += v * unit;
    any = true;
  }
  while (isspace((unsigned char)*s))
    s++;
  if (!any || *s || total_ms > 1e12)
    return -1;
  return (long)ceil(total_ms);
}

static bool parse_number(const char *s, double *out) {
  char *end;
  while (isspace((unsigned char)*s))
    s++;
  if (!*s)
    return false;
  double v = strtod(s, &end);
  while (isspace((unsigned char)*end))
    end++;
  if (end == s || *end || !isfinite(v))
    return false;
  *out = v;
  return true;
}

long cw_llm_retry_after_ms(const char *retry_after_ms, const char *retry_after, int64_t now_epoch) {
  double v;
  if (retry_after_ms && parse_number(retry_after_ms, &v) && v >= 0)
    return (long)ceil(v);
  if (!retry_after)
    return -1;
  if (parse_number(retry_after, &v))
    return v >= 0 ? (long)ceil(v * 1000) : -1;
  time_t t = curl_getdate(retry_after, NULL); /* HTTP-date */
  if (t == (time_t)-1)
    return -1;
  int64_t d = (int64_t)t - now_epoch;
  return d > 0 ? (long)(d * 1000) : 0;
}

long cw_llm_retry_delay_ms(long advised_ms, int retry, double jitter01) {
  /* the SDKs trust the server's advice up to a minute; beyond that (or
   * without advice) exponential backoff */
  if (advised_ms > 0 && advised_ms <= 60000)
    return advised_ms;
  if (retry < 0)
    retry = 0;
  double sleep = 0.5 * pow(2.0, retry);
  if (sleep > 8.0)
    sleep = 8.0;
  if (jitter01 < 0)
    jitter01 = 0;
  if (jitter01 >= 1)
    jitter01 = 0.999999;
  double jitter = 1.0 - 0.25 * jitter01;
  return (long)(sleep * jitter * 1000.0);
}

bool cw_llm_should_retry(long http_status, const char *x_should_retry) {
  if (x_should_retry) {
    if (strcasecmp(x_should_retry, "true") == 0)
      return true;
    if (strcasecmp(x_should_retry, "false") == 0)
      return false;
  }
  if (http_status == 0) /* timeout or connection error */
    return true;
  return http_status == 408 || http_status == 409 || http_status == 429 || http_status >= 500;
}
