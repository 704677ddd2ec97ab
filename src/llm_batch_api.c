/* The OpenAI Batch API client (batch.h): the Files upload of a JSONL input
 * file, batch create and retrieve, and the output/error file download, plus
 * the JSONL line format on both sides. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "careeros/batch.h"
#include "careeros/log.h"

struct cw_batch_api {
  const cw_config *cfg;
  cw_http *http;
  char *base;      /* llm.base_url without trailing slashes */
  char **headers;  /* auth and llm.header lines; Content-Type added per request */
  size_t n_headers;
  uint64_t rng;
};

typedef struct {
  cw_batch_api *a;
  cw_batch_api_cb cb;
  void *arg;
} op;

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...) {
  va_list ap;
  va_start(ap, f);
  char *s = NULL;
  if (vasprintf(&s, f, ap) < 0)
    s = NULL;
  va_end(ap);
  return s;
}

void cw_batch_api_free(cw_batch_api *a) {
  if (!a)
    return;
  for (size_t i = 0; i < a->n_headers; i++) {
    explicit_bzero(a->headers[i], strlen(a->headers[i])); /* the key */
    free(a->headers[i]);
  }
  free(a->headers);
  free(a->base);
  free(a);
}

int cw_batch_api_new(const cw_config *cfg, cw_http *http, cw_batch_api **out) {
  if (cfg->llm.api_style && strcmp(cfg->llm.api_style, "openai") != 0)
    return -ENOTSUP;
  cw_batch_api *a = calloc(1, sizeof *a);
  if (!a)
    return -ENOMEM;
  a->cfg = cfg;
  a->http = http;
  a->rng = (uint64_t)getpid() * 0x9E3779B97F4A7C15ull ^ (uint64_t)(uintptr_t)a;
  const char *b = cfg->llm.base_url ? cfg->llm.base_url : "";
  size_t bl = strlen(b);
  while (bl > 0 && b[bl - 1] == '/')
    bl--;
  a->base = fmt("%.*s", (int)bl, b);
  a->headers = calloc((size_t)cfg->llm.n_headers + 2, sizeof *a->headers);
  if (!a->base || !a->headers) {
    cw_batch_api_free(a);
    return -ENOMEM;
  }
  a->headers[a->n_headers++] = strdup("Accept: application/json");
  if (cfg->llm.api_key && cfg->llm.api_key[0])
    a->headers[a->n_headers++] = fmt("Authorization: Bearer %s", cfg->llm.api_key);
  for (int i = 0; i < cfg->llm.n_headers; i++)
    a->headers[a->n_headers++] = strdup(cfg->llm.headers[i]);
  for (size_t i = 0; i < a->n_headers; i++)
    if (!a->headers[i]) {
      cw_batch_api_free(a);
      return -ENOMEM;
    }
  *out = a;
  return 0;
}

/* The API's error text, without anything that looks like a key. */
static void error_message(cw_batch_api_result *r, json_t *body) {
  json_t *e = json_object_get(body, "error");
  const char *m = json_string_value(json_object_get(e, "message"));
  snprintf(r->message, sizeof r->message, "HTTP %ld%s%.200s", r->http_status, m ? ": " : "", m ? m : "");
  for (char *q = r->message; (q = strstr(q, "sk-")) != NULL; q += 3)
    for (char *k = q + 3; *k && *k != ' ' && *k != '.'; k++)
      *k = '*';
}

static void on_done(void *arg, const cw_http_response *hr) {
  op *o = arg;
  cw_batch_api_result r = {.status = hr->status, .http_status = hr->http_status, .body = hr->body,
                           .body_len = hr->body_len};
  json_t *body = hr->status == 0 ? json_loadb(hr->body ? hr->body : "", hr->body_len, 0, NULL) : NULL;
  if (json_is_object(body))
    r.json = body;
  if (hr->status < 0)
    snprintf(r.message, sizeof r.message, "%s (%s)", hr->status == -ECANCELED ? "cancelled" : "no answer",
             hr->error ? hr->error : "");
  else if (hr->http_status < 200 || hr->http_status > 299) {
    r.status = hr->http_status == 429 || hr->http_status >= 500 ? -EAGAIN : -EPROTO;
    error_message(&r, body);
  }
  o->cb(o->arg, &r);
  json_decref(body);
  free(o);
}

static int start(cw_batch_api *a, const char *method, const char *url, const char *ctype, const void *body,
                 size_t len, size_t max_bytes, cw_batch_api_cb cb, void *arg, cw_http_req **req) {
  op *o = calloc(1, sizeof *o);
  const char **h = calloc(a->n_headers + 1, sizeof *h);
  char *ct = ctype ? fmt("Content-Type: %s", ctype) : NULL;
  if (!o || !h || (ctype && !ct)) {
    free(o);
    free(h);
    free(ct);
    return -ENOMEM;
  }
  size_t n = 0;
  for (size_t i = 0; i < a->n_headers; i++)
    h[n++] = a->headers[i];
  if (ct)
    h[n++] = ct;
  *o = (op){.a = a, .cb = cb, .arg = arg};
  cw_http_request_opts ro = {
      .method = method,
      .url = url,
      .headers = h,
      .n_headers = n,
      .body = body,
      .body_len = len,
      .connect_timeout_ms = a->cfg->llm.connect_timeout_ms,
      .timeout_ms = a->cfg->llm.timeout_ms,
      .low_speed_bytes = a->cfg->llm.low_speed_bytes,
      .low_speed_seconds = a->cfg->llm.low_speed_seconds,
      .max_body_bytes = max_bytes ? max_bytes : (1u << 20),
      .on_done = on_done,
      .arg = o,
  };
  int rc = cw_http_request(a->http, &ro, req);
  if (rc < 0)
    free(o);
  free(h);
  free(ct);
  return rc;
}

static uint64_t next_rand(cw_batch_api *a) {
  a->rng ^= a->rng << 13;
  a->rng ^= a->rng >> 7;
  a->rng ^= a->rng << 17;
  return a->rng;
}

int cw_batch_api_upload(cw_batch_api *a, const char *jsonl, size_t len, cw_batch_api_cb cb, void *arg,
                        cw_http_req **req) {
  /* a boundary that does not occur in the content */
  char boundary[48];
  do
    snprintf(boundary, sizeof boundary, "careeros-%016llx%08llx", (unsigned long long)next_rand(a),
             (unsigned long long)(next_rand(a) & 0xffffffffu));
  while (memmem(jsonl, len, boundary, strlen(boundary)));
  char *head = fmt("--%s\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
                   "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"careeros-batch.jsonl\"\r\n"
                   "Content-Type: application/jsonl\r\n\r\n",
                   boundary, boundary);
  char *tail = fmt("\r\n--%s--\r\n", boundary);
  char *ctype = fmt("multipart/form-data; boundary=%s", boundary);
  char *url = fmt("%s/files", a->base);
  size_t hl = head ? strlen(head) : 0, tl = tail ? strlen(tail) : 0;
  char *body = head && tail ? malloc(hl + len + tl) : NULL;
  int rc = -ENOMEM;
  if (body && ctype && url) {
    memcpy(body, head, hl);
    memcpy(body + hl, jsonl, len);
    memcpy(body + hl + len, tail, tl);
    rc = start(a, "POST", url, ctype, body, hl + len + tl, 0, cb, arg, req);
  }
  free(head);
  free(tail);
  free(ctype);
  free(url);
  free(body);
  return rc;
}

int cw_batch_api_create(cw_batch_api *a, const char *input_file_id, cw_batch_api_cb cb, void *arg,
                        cw_http_req **req) {
  json_t *o = json_pack("{s:s,s:s,s:s,s:{s:s}}", "input_file_id", input_file_id, "endpoint", "/v1/chat/completions",
                        "completion_window", "24h", "metadata", "submitted_by", "careeros-worker");
  char *body = o ? json_dumps(o, JSON_COMPACT) : NULL;
  json_decref(o);
  char *url = fmt("%s/batches", a->base);
  int rc = body && url ? start(a, "POST", url, "application/json", body, strlen(body), 0, cb, arg, req) : -ENOMEM;
  free(body);
  free(url);
  return rc;
}

/* Ids go into a URL path: only what the API hands out (letters, digits,
 * '-' and '_'). */
static bool safe_id(const char *id) {
  if (!id || !*id || strlen(id) > 200)
    return false;
  for (const char *p = id; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
          *p == '_'))
      return false;
  return true;
}

int cw_batch_api_get(cw_batch_api *a, const char *batch_id, cw_batch_api_cb cb, void *arg, cw_http_req **req) {
  if (!safe_id(batch_id))
    return -EINVAL;
  char *url = fmt("%s/batches/%s", a->base, batch_id);
  int rc = url ? start(a, "GET", url, NULL, NULL, 0, 0, cb, arg, req) : -ENOMEM;
  free(url);
  return rc;
}

int cw_batch_api_content(cw_batch_api *a, const char *file_id, size_t max_bytes, cw_batch_api_cb cb, void *arg,
                         cw_http_req **req) {
  if (!safe_id(file_id))
    return -EINVAL;
  char *url = fmt("%s/files/%s/content", a->base, file_id);
  int rc = url ? start(a, "GET", url, NULL, NULL, 0, max_bytes, cb, arg, req) : -ENOMEM;
  free(url);
  return rc;
}

char *cw_batch_line(const char *custom_id, const char *body) {
  /* the body is spliced in as it is: it is the request the live path sends */
  return fmt("{\"custom_id\":\"%s\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":%s}\n",
             custom_id, body);
}

/* One output or error line: {id, custom_id, response: {status_code,
 * request_id, body} | null, error: {code, message} | null}. */
static void read_line(json_t *line, json_t *answers, json_t *errors) {
  const char *id = json_string_value(json_object_get(line, "custom_id"));
  if (!id)
    return;
  json_t *resp = json_object_get(line, "response");
  json_t *err = json_object_get(line, "error");
  long code = (long)json_integer_value(json_object_get(resp, "status_code"));
  json_t *body = json_object_get(resp, "body");
  if (code == 200 && json_is_object(body) && !json_is_object(err)) {
    json_object_set(answers, id, body);
    json_object_del(errors, id);
    return;
  }
  if (json_object_get(answers, id))
    return;
  char why[200];
  const char *m = json_string_value(json_object_get(err, "message"));
  const char *c = json_string_value(json_object_get(err, "code"));
  if (!m)
    m = json_string_value(json_object_get(json_object_get(body, "error"), "message"));
  if (code)
    snprintf(why, sizeof why, "HTTP %ld%s%.150s", code, m ? ": " : "", m ? m : "");
  else
    snprintf(why, sizeof why, "%s%s%.150s", c ? c : "error", m ? ": " : "", m ? m : "");
  json_object_set_new(errors, id, json_string(why));
}

int cw_batch_read_results(const char *jsonl, size_t len, json_t *answers, json_t *errors) {
  int n = 0, bad = 0;
  size_t i = 0;
  while (i < len) {
    const char *nl = memchr(jsonl + i, '\n', len - i);
    size_t e = nl ? (size_t)(nl - jsonl) : len;
    if (e > i) {
      json_t *line = json_loadb(jsonl + i, e - i, 0, NULL);
      if (json_is_object(line)) {
        read_line(line, answers, errors);
        n++;
      } else {
        bad++;
      }
      json_decref(line);
    }
    i = e + 1;
  }
  return n == 0 && bad > 0 ? -EBADMSG : n;
}
