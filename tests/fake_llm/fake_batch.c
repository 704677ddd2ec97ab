/* The fake server's Files and Batch API (OpenAI wire format):
 *
 *   POST /v1/files                 multipart: purpose=batch, file=<JSONL>
 *   GET  /v1/files/{id}/content
 *   POST /v1/batches               {input_file_id, endpoint, completion_window}
 *   GET  /v1/batches/{id}
 *   POST /batch/release            test control: batches held by --batch-hold end now
 *
 * The input file is checked like the API does (every line JSON with a
 * unique custom_id, method POST, the batch's endpoint as url, one model):
 * otherwise the batch fails with the errors listed.  A batch is
 * "validating" when created, "in_progress" until --batch-ms have passed
 * (and, with --batch-hold, until POST /batch/release), then ends.  Each
 * line is answered by the same code as a live chat request (so "[[fault:...]]"
 * markers work per line) and the answers go to the output file; non-200
 * answers to the error file.  Markers in a line's body change the batch:
 *   [[batch:expire]]     the batch expires: unanswered lines in the error file (batch_expired)
 *   [[batch:fail]]       the batch fails (errors.data), no files
 *   [[batch:cancel]]     the batch is cancelled, no output
 *   [[batch:vanish]]     the batch is not found (404) once it would have ended
 *   [[batch:lineerror]]  this line alone gets a 500 in the error file
 * --batch-fault NAME applies expire|fail|cancel|vanish to every batch. */
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fake_llm.h"

#define MAX_FILES 1024
#define MAX_BATCHES 256

typedef struct {
  char id[48];
  char *data;
  size_t len;
  char purpose[32];
  char name[128];
  long created;
} ffile;

typedef struct {
  char id[48];
  char input[48];
  char status[16];
  char fault[16];
  long created, due_ms;
  char output[48], error[48];
  json_t *errors; /* validation errors (failed) */
  int total, completed, failed;
} fbatch;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static ffile files[MAX_FILES];
static int n_files;
static fbatch batches[MAX_BATCHES];
static int n_batches;
static long n_lines, n_created;
static bool released;

struct fake_batch_opts fake_batch_opt;

static long mono_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static char *err_json(const char *message, const char *code) {
  json_t *o = json_pack("{s:{s:s,s:s,s:n,s:s?}}", "error", "message", message, "type", "invalid_request_error",
                        "param", "code", code);
  char *s = json_dumps(o, JSON_COMPACT);
  json_decref(o);
  return s;
}

static ffile *add_file(const char *purpose, const char *name, char *data, size_t len) {
  if (n_files >= MAX_FILES) {
    free(data);
    return NULL;
  }
  ffile *f = &files[n_files++];
  snprintf(f->id, sizeof f->id, "file-fake%04d", n_files);
  snprintf(f->purpose, sizeof f->purpose, "%s", purpose);
  snprintf(f->name, sizeof f->name, "%s", name);
  f->data = data;
  f->len = len;
  f->created = (long)time(NULL);
  return f;
}

static ffile *find_file(const char *id) {
  for (int i = 0; i < n_files; i++)
    if (!strcmp(files[i].id, id))
      return &files[i];
  return NULL;
}

static fbatch *find_batch(const char *id) {
  for (int i = 0; i < n_batches; i++)
    if (!strcmp(batches[i].id, id))
      return &batches[i];
  return NULL;
}

static json_t *file_object(const ffile *f) {
  return json_pack("{s:s,s:s,s:I,s:I,s:s,s:s,s:s}", "id", f->id, "object", "file", "bytes", (json_int_t)f->len,
                   "created_at", (json_int_t)f->created, "filename", f->name, "purpose", f->purpose, "status",
                   "processed");
}

static json_t *ts(long t) { return t ? json_integer(t) : json_null(); }

static json_t *batch_object(const fbatch *b) {
  bool ended = !strcmp(b->status, "completed") || !strcmp(b->status, "expired") ||
               !strcmp(b->status, "cancelled") || !strcmp(b->status, "failed");
  long now = (long)time(NULL);
  json_t *o = json_pack(
      "{s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:{s:i,s:i,s:i},s:{s:s}}", "id", b->id, "object", "batch", "endpoint",
      "/v1/chat/completions", "input_file_id", b->input, "completion_window", "24h", "status", b->status,
      "created_at", (json_int_t)b->created, "expires_at", (json_int_t)(b->created + 86400), "request_counts",
      "total", b->total, "completed", b->completed, "failed", b->failed, "metadata", "source", "fake-llm");
  json_object_set_new(o, "errors", b->errors ? json_incref(b->errors) : json_null());
  json_object_set_new(o, "output_file_id", b->output[0] ? json_string(b->output) : json_null());
  json_object_set_new(o, "error_file_id", b->error[0] ? json_string(b->error) : json_null());
  json_object_set_new(o, "in_progress_at", ts(strcmp(b->status, "validating") ? b->created : 0));
  json_object_set_new(o, "finalizing_at", ts(!strcmp(b->status, "completed") ? now : 0));
  json_object_set_new(o, "completed_at", ts(!strcmp(b->status, "completed") ? now : 0));
  json_object_set_new(o, "failed_at", ts(!strcmp(b->status, "failed") ? now : 0));
  json_object_set_new(o, "expired_at", ts(!strcmp(b->status, "expired") ? now : 0));
  json_object_set_new(o, "cancelling_at", json_null());
  json_object_set_new(o, "cancelled_at", ts(!strcmp(b->status, "cancelled") ? now : 0));
  (void)ended;
  return o;
}

/* ---- multipart ------------------------------------------------------------ */

static const char *mem_find(const char *h, size_t hl, const char *n, size_t nl) {
  return nl <= hl ? memmem(h, hl, n, nl) : NULL;
}

/* Finds the form part called name; its content in *v, *vl. */
static bool form_part(const char *body, size_t len, const char *boundary, const char *name, const char **v,
                      size_t *vl, char *filename, size_t fnl) {
  char delim[256], want[160];
  snprintf(delim, sizeof delim, "--%s", boundary);
  snprintf(want, sizeof want, "name=\"%s\"", name);
  size_t dl = strlen(delim);
  const char *p = mem_find(body, len, delim, dl);
  while (p) {
    const char *start = p + dl;
    if ((size_t)(start - body) + 2 > len || !strncmp(start, "--", 2))
      return false;
    const char *hend = mem_find(start, len - (size_t)(start - body), "\r\n\r\n", 4);
    if (!hend)
      return false;
    const char *content = hend + 4;
    const char *next = mem_find(content, len - (size_t)(content - body), delim, dl);
    if (!next)
      return false;
    if (mem_find(start, (size_t)(hend - start), want, strlen(want))) {
      *v = content;
      *vl = (size_t)(next - content) >= 2 ? (size_t)(next - content) - 2 : 0; /* the CRLF before the delimiter */
      const char *fn = mem_find(start, (size_t)(hend - start), "filename=\"", 10);
      if (fn && filename) {
        const char *q = memchr(fn + 10, '"', (size_t)(hend - fn - 10));
        size_t n = q ? (size_t)(q - fn - 10) : 0;
        snprintf(filename, fnl, "%.*s", (int)(n < fnl ? n : fnl - 1), fn + 10);
      }
      return true;
    }
    p = next;
  }
  return false;
}

static char *upload(struct MHD_Connection *c, const char *body, size_t len, int *status) {
  const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
  const char *b = ct ? strstr(ct, "boundary=") : NULL;
  if (!ct || strncmp(ct, "multipart/form-data", 19) != 0 || !b) {
    *status = 400;
    return err_json("Expected a multipart/form-data body with a boundary.", NULL);
  }
  char boundary[200];
  snprintf(boundary, sizeof boundary, "%s", b + 9);
  if (boundary[0] == '"') {
    memmove(boundary, boundary + 1, strlen(boundary));
    char *q = strchr(boundary, '"');
    if (q)
      *q = '\0';
  }
  const char *purpose, *data;
  size_t pl, dl;
  char name[128] = "upload.jsonl";
  if (!form_part(body, len, boundary, "purpose", &purpose, &pl, NULL, 0) ||
      !form_part(body, len, boundary, "file", &data, &dl, name, sizeof name)) {
    *status = 400;
    return err_json("Missing required parameter: 'file' or 'purpose'.", "missing_required_parameter");
  }
  if (pl != 5 || strncmp(purpose, "batch", 5) != 0) {
    *status = 400;
    return err_json("Invalid value for 'purpose': this server takes batch files only.", "invalid_value");
  }
  char *copy = malloc(dl + 1);
  memcpy(copy, data, dl);
  copy[dl] = '\0';
  ffile *f = add_file("batch", name, copy, dl);
  if (!f) {
    *status = 500;
    return err_json("Too many files.", NULL);
  }
  json_t *o = file_object(f);
  char *s = json_dumps(o, JSON_COMPACT);
  json_decref(o);
  *status = 200;
  return s;
}

/* ---- batches -------------------------------------------------------------- */

static void add_error(json_t **errors, int line, const char *code, const char *message) {
  if (!*errors)
    *errors = json_pack("{s:s,s:[]}", "object", "list", "data");
  json_array_append_new(json_object_get(*errors, "data"),
                        json_pack("{s:s,s:s,s:n,s:i}", "code", code, "message", message, "param", "line", line));
}

/* Checks the input file as the API does; counts the lines. */
static void validate(fbatch *b, const ffile *f) {
  const char *model = NULL;
  json_t *seen = json_object();
  json_t *first = NULL;
  int line = 0;
  for (size_t i = 0; i < f->len;) {
    const char *nl = memchr(f->data + i, '\n', f->len - i);
    size_t e = nl ? (size_t)(nl - f->data) : f->len;
    if (e > i) {
      line++;
      json_t *l = json_loadb(f->data + i, e - i, 0, NULL);
      const char *id = json_string_value(json_object_get(l, "custom_id"));
      const char *m = json_string_value(json_object_get(json_object_get(l, "body"), "model"));
      if (!json_is_object(l))
        add_error(&b->errors, line, "invalid_json_line", "This line is not parseable as valid JSON.");
      else if (!id || json_object_get(seen, id))
        add_error(&b->errors, line, "duplicate_custom_id", "The custom_id is missing or not unique.");
      else if (strcmp(json_string_value(json_object_get(l, "method")) ?: "", "POST") ||
               strcmp(json_string_value(json_object_get(l, "url")) ?: "", "/v1/chat/completions"))
        add_error(&b->errors, line, "invalid_url", "The url must match the batch's endpoint /v1/chat/completions.");
      else if (!json_is_object(json_object_get(l, "body")) || !m || (model && strcmp(model, m)))
        add_error(&b->errors, line, "mismatched_model", "Every request of a batch must use the same model.");
      else {
        json_object_set_new(seen, id, json_true());
        if (!first) {
          first = json_incref(l);
          model = json_string_value(json_object_get(json_object_get(first, "body"), "model"));
        }
      }
      json_decref(l);
    }
    i = e + 1;
  }
  if (line == 0)
    add_error(&b->errors, 0, "empty_file", "The input file is empty.");
  b->total = line;
  json_decref(seen);
  json_decref(first);
}

static char *create(const char *body, size_t len, int *status) {
  json_t *req = json_loadb(body ? body : "", len, 0, NULL);
  const char *input = json_string_value(json_object_get(req, "input_file_id"));
  const char *ep = json_string_value(json_object_get(req, "endpoint"));
  const char *win = json_string_value(json_object_get(req, "completion_window"));
  ffile *f = input ? find_file(input) : NULL;
  char *out = NULL;
  if (!f || !ep || strcmp(ep, "/v1/chat/completions") || !win || strcmp(win, "24h") || n_batches >= MAX_BATCHES) {
    *status = 400;
    out = err_json(!f ? "No such input file." : "Invalid endpoint or completion_window.", "invalid_request");
    json_decref(req);
    return out;
  }
  fbatch *b = &batches[n_batches++];
  memset(b, 0, sizeof *b);
  snprintf(b->id, sizeof b->id, "batch_fake%04d", n_batches);
  snprintf(b->input, sizeof b->input, "%s", f->id);
  snprintf(b->status, sizeof b->status, "validating");
  b->created = (long)time(NULL);
  b->due_ms = mono_ms() + fake_batch_opt.batch_ms;
  static const char *names[] = {"expire", "fail", "cancel", "vanish"};
  for (int i = 0; i < 4; i++) {
    char m[32];
    snprintf(m, sizeof m, "[[batch:%s]]", names[i]);
    if (memmem(f->data, f->len, m, strlen(m)) ||
        (fake_batch_opt.fault && !strcmp(fake_batch_opt.fault, names[i])))
      snprintf(b->fault, sizeof b->fault, "%s", names[i]);
  }
  validate(b, f);
  n_created++;
  json_t *o = batch_object(b);
  out = json_dumps(o, JSON_COMPACT);
  json_decref(o);
  json_decref(req);
  *status = 200;
  return out;
}

static void append_line(char **buf, size_t *len, json_t *line) {
  char *s = json_dumps(line, JSON_COMPACT);
  size_t sl = strlen(s);
  *buf = realloc(*buf, *len + sl + 2);
  memcpy(*buf + *len, s, sl);
  (*buf)[*len + sl] = '\n';
  *len += sl + 1;
  (*buf)[*len] = '\0';
  free(s);
}

/* The batch ends: every line answered (or not), files written. */
static void run(fbatch *b) {
  if (b->errors) {
    snprintf(b->status, sizeof b->status, "failed");
    return;
  }
  if (!strcmp(b->fault, "fail")) {
    add_error(&b->errors, 1, "invalid_request", "The batch could not be processed (injected failure).");
    snprintf(b->status, sizeof b->status, "failed");
    return;
  }
  ffile *f = find_file(b->input);
  char *out = NULL, *err = NULL;
  size_t ol = 0, el = 0;
  int k = 0;
  for (size_t i = 0; f && i < f->len;) {
    const char *nl = memchr(f->data + i, '\n', f->len - i);
    size_t e = nl ? (size_t)(nl - f->data) : f->len;
    json_t *l = e > i ? json_loadb(f->data + i, e - i, 0, NULL) : NULL;
    i = e + 1;
    if (!l)
      continue;
    k++;
    n_lines++;
    const char *id = json_string_value(json_object_get(l, "custom_id"));
    char rid[48], reqid[48];
    snprintf(rid, sizeof rid, "batch_req_fake%ld", n_lines);
    snprintf(reqid, sizeof reqid, "req_batch%ld", n_lines);
    char *body = json_dumps(json_object_get(l, "body"), JSON_COMPACT);
    bool lineerror = strstr(body, "[[batch:lineerror]]") != NULL;
    json_t *line;
    if (!strcmp(b->fault, "expire") || !strcmp(b->fault, "cancel")) {
      line = json_pack("{s:s,s:s,s:n,s:{s:s,s:s}}", "id", rid, "custom_id", id, "response", "error", "code",
                       b->fault[0] == 'e' ? "batch_expired" : "batch_cancelled", "message",
                       b->fault[0] == 'e' ? "This request could not be executed before the completion window "
                                            "expired."
                                          : "This request was not executed because the batch was cancelled.");
      b->failed++;
      append_line(&err, &el, line);
    } else {
      int status = 500;
      char *resp = lineerror ? err_json("The server had an error processing this request.", NULL)
                             : fake_chat_answer(body, strlen(body), &status);
      if (lineerror)
        status = 500;
      json_t *rj = json_loads(resp ? resp : "{}", 0, NULL);
      free(resp);
      line = json_pack("{s:s,s:s,s:{s:i,s:s,s:o},s:n}", "id", rid, "custom_id", id, "response", "status_code",
                       status, "request_id", reqid, "body", rj ? rj : json_object(), "error");
      if (status == 200) {
        b->completed++;
        append_line(&out, &ol, line);
      } else {
        b->failed++;
        append_line(&err, &el, line);
      }
    }
    free(body);
    json_decref(line);
    json_decref(l);
  }
  (void)k;
  if (out) {
    ffile *of = add_file("batch_output", "batch_output.jsonl", out, ol);
    if (of)
      snprintf(b->output, sizeof b->output, "%s", of->id);
  }
  if (err) {
    ffile *ef = add_file("batch_output", "batch_errors.jsonl", err, el);
    if (ef)
      snprintf(b->error, sizeof b->error, "%s", ef->id);
  }
  snprintf(b->status, sizeof b->status, "%s",
           !strcmp(b->fault, "expire") ? "expired" : !strcmp(b->fault, "cancel") ? "cancelled" : "completed");
}

static char *retrieve(const char *id, int *status) {
  fbatch *b = find_batch(id);
  if (!b) {
    *status = 404;
    return err_json("No such batch.", NULL);
  }
  if (!strcmp(b->status, "validating"))
    snprintf(b->status, sizeof b->status, "in_progress");
  else if (!strcmp(b->status, "in_progress") && mono_ms() >= b->due_ms && (!fake_batch_opt.hold || released)) {
    if (!strcmp(b->fault, "vanish")) {
      *status = 404;
      return err_json("No batch found with id.", NULL);
    }
    run(b);
  }
  json_t *o = batch_object(b);
  char *s = json_dumps(o, JSON_COMPACT);
  json_decref(o);
  *status = 200;
  return s;
}

/* ---- recording (conformance) ------------------------------------------------ */

static long n_recorded;

static void save(const char *name, const char *data, size_t len) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", fake_batch_opt.record_dir, name);
  FILE *f = fopen(path, "wb");
  if (f) {
    fwrite(data, 1, len, f);
    fclose(f);
  }
}

/* Every batch request as sent: NNN.batch-upload (+ .ctype), NNN.batch-create,
 * batch-gets.txt (paths), and each input line's body as
 * batchline-NNN.json (a chat completion request). */
static void record(struct MHD_Connection *c, const char *method, const char *url, const char *body, size_t len) {
  if (!fake_batch_opt.record_dir || !strcmp(url, "/batch/release"))
    return;
  char name[128];
  long k = ++n_recorded;
  if (!strcmp(method, "GET")) {
    char path[1024];
    snprintf(path, sizeof path, "%s/batch-gets.txt", fake_batch_opt.record_dir);
    FILE *f = fopen(path, "ab");
    if (f) {
      fprintf(f, "%s\n", url);
      fclose(f);
    }
  } else if (!strcmp(url, "/files")) {
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    snprintf(name, sizeof name, "%06ld.batch-upload", k);
    save(name, body ? body : "", len);
    snprintf(name, sizeof name, "%06ld.batch-upload.ctype", k);
    save(name, ct ? ct : "", ct ? strlen(ct) : 0);
    /* the lines' bodies, for the chat completions request schema */
    const char *p = body ? memmem(body, len, "\r\n\r\n{", 5) : NULL;
    for (p = p ? p + 4 : NULL; p && *p == '{';) {
      const char *nl = memchr(p, '\n', len - (size_t)(p - body));
      json_t *l = json_loadb(p, nl ? (size_t)(nl - p) : 0, 0, NULL);
      char *b = l ? json_dumps(json_object_get(l, "body"), JSON_COMPACT) : NULL;
      if (b) {
        snprintf(name, sizeof name, "batchline-%06ld.json", ++n_recorded);
        save(name, b, strlen(b));
      }
      free(b);
      json_decref(l);
      p = nl ? nl + 1 : NULL;
    }
  } else {
    snprintf(name, sizeof name, "%06ld.batch-create", k);
    save(name, body ? body : "", len);
  }
}

/* ---- dispatch ------------------------------------------------------------- */

bool fake_batch_path(const char *url) {
  if (!strncmp(url, "/v1/", 4))
    url += 3;
  return !strncmp(url, "/files", 6) || !strncmp(url, "/batches", 8) || !strcmp(url, "/batch/release");
}

char *fake_batch_handle(struct MHD_Connection *c, const char *method, const char *url, const char *body,
                        size_t len, int *status, const char **ctype) {
  if (!strncmp(url, "/v1/", 4))
    url += 3;
  *ctype = "application/json";
  char *out = NULL;
  pthread_mutex_lock(&mu);
  record(c, method, url, body, len);
  if (!strcmp(method, "POST") && !strcmp(url, "/batch/release")) {
    released = true;
    *status = 200;
    out = strdup("{}");
  } else if (!strcmp(method, "POST") && !strcmp(url, "/files")) {
    out = upload(c, body ? body : "", len, status);
  } else if (!strcmp(method, "POST") && !strcmp(url, "/batches")) {
    out = create(body, len, status);
  } else if (!strcmp(method, "GET") && !strncmp(url, "/batches/", 9) && !strchr(url + 9, '/')) {
    out = retrieve(url + 9, status);
  } else if (!strcmp(method, "GET") && !strncmp(url, "/files/", 7) && strstr(url + 7, "/content")) {
    char id[64];
    snprintf(id, sizeof id, "%.*s", (int)(strstr(url + 7, "/content") - (url + 7)), url + 7);
    ffile *f = find_file(id);
    if (f) {
      *status = 200;
      *ctype = "application/octet-stream";
      out = malloc(f->len + 1);
      memcpy(out, f->data, f->len);
      out[f->len] = '\0';
    } else {
      *status = 404;
      out = err_json("No such file.", NULL);
    }
  } else {
    *status = 404;
    out = err_json("not found", NULL);
  }
  pthread_mutex_unlock(&mu);
  return out;
}

void fake_batch_stats(json_t *o) {
  pthread_mutex_lock(&mu);
  json_object_set_new(o, "batches_created", json_integer(n_created));
  json_object_set_new(o, "batch_lines", json_integer(n_lines));
  json_object_set_new(o, "files", json_integer(n_files));
  pthread_mutex_unlock(&mu);
}
