/* Flattener and validator of the parse document (DESIGN.md paths). */
#include "careeros/entities.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  const char *name;
  const char *const *fields;
} section_def;

static const char *const work_fields[] = {"company", "title", "location", "start_date",
                                          "end_date", "is_current", "date_text", "description",
                                          NULL};
static const char *const edu_fields[] = {"institution", "degree", "field_of_study",
                                         "start_date", "end_date", "is_current", "date_text",
                                         "gpa", NULL};
static const char *const skill_fields[] = {"name", "category", "proficiency_level",
                                           "years_of_experience", NULL};
static const char *const project_fields[] = {"name", "role", "url", "start_date", "end_date",
                                             "is_current", "date_text", "description", NULL};
static const char *const cert_fields[] = {"name", "issuer", "date", NULL};
static const char *const lang_fields[] = {"name", "proficiency", NULL};
static const char *const contact_fields[] = {"name", "headline", "email", "phone", "location",
                                             NULL};

static const section_def sections[] = {
    {"work_experience", work_fields}, {"education", edu_fields}, {"skills", skill_fields},
    {"projects", project_fields},     {"certifications", cert_fields},
    {"languages", lang_fields},       {NULL, NULL}};

int cw_entities_is_partial_date(const char *s) {
  if (!s) return 0;
  for (int i = 0; i < 4; i++)
    if (!isdigit((unsigned char)s[i])) return 0;
  if (s[4] == 0) return 1;
  if (s[4] != '-' || !isdigit((unsigned char)s[5]) || !isdigit((unsigned char)s[6]) || s[7])
    return 0;
  int m = (s[5] - '0') * 10 + (s[6] - '0');
  return m >= 1 && m <= 12;
}

/* ---- flatten ------------------------------------------------------------------ */

typedef struct {
  json_t *rows;
  int err;
} flat;

static json_t *as_text(json_t *v) {
  if (!v || json_is_null(v)) return json_null();
  if (json_is_string(v)) return json_incref(v);
  if (json_is_true(v)) return json_string("true");
  if (json_is_false(v)) return json_string("false");
  if (json_is_integer(v)) {
    char b[32];
    snprintf(b, sizeof b, "%lld", (long long)json_integer_value(v));
    return json_string(b);
  }
  if (json_is_real(v)) {
    char b[32];
    snprintf(b, sizeof b, "%g", json_real_value(v));
    return json_string(b);
  }
  if (json_is_array(v)) {
    /* A description given as a list of bullets: one string, "\n"-joined. */
    size_t cap = 1, i;
    json_t *x;
    json_array_foreach(v, i, x) cap += (json_is_string(x) ? json_string_length(x) : 0) + 1;
    char *buf = malloc(cap);
    if (!buf) return NULL;
    size_t n = 0;
    json_array_foreach(v, i, x) {
      if (!json_is_string(x)) continue;
      if (n) buf[n++] = '\n';
      memcpy(buf + n, json_string_value(x), json_string_length(x));
      n += json_string_length(x);
    }
    json_t *s = json_stringn(buf, n);
    free(buf);
    return s;
  }
  char *dump = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
  json_t *s = dump ? json_string(dump) : NULL;
  free(dump);
  return s;
}

static void add_row(flat *f, const char *name, json_t *value /* stolen */, double conf) {
  if (f->err) {
    json_decref(value);
    return;
  }
  if (!value) {
    f->err = -ENOMEM;
    return;
  }
  if (conf < 0) conf = 0;
  if (conf > 1) conf = 1;
  /* Built by hand: json_pack would parse its format for each of ~90 rows.
   * Every append takes its value, even when it fails (or row is NULL). */
  json_t *row = json_array();
  int rc = json_array_append_new(row, json_string(name));
  rc |= json_array_append_new(row, value);
  /* Confidences travel with three decimals: the database compares and
   * shows nothing finer, and short numbers keep the batch small. */
  rc |= json_array_append_new(row, json_real(round(conf * 1000) / 1000));
  if (rc != 0) {
    json_decref(row);
    f->err = -ENOMEM;
    return;
  }
  if (json_array_append_new(f->rows, row) != 0) f->err = -ENOMEM;
}

static bool blank_string(const char *p) {
  while (*p && isspace((unsigned char)*p)) p++;
  return *p == 0;
}

/* No value: missing, null, an empty or blank string, a list without text. */
static bool is_blank(json_t *v) {
  if (!v || json_is_null(v)) return true;
  if (json_is_string(v)) return blank_string(json_string_value(v));
  if (json_is_array(v)) {
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) if (json_is_string(x) && !blank_string(json_string_value(x))) return false;
    return true;
  }
  return false;
}

/* A leaf row, only for a field that has a value (DESIGN.md). */
static void add_leaf(flat *f, const char *name, json_t *v, double conf) {
  if (!is_blank(v)) add_row(f, name, as_text(v), conf);
}

/* The entry row's value: the entry as compact JSON with every field of its
 * section in contract order, null where absent or blank; scalars keep their
 * JSON type, a description given as a list is one "\n"-joined string. */
static json_t *entry_object(const section_def *s, json_t *e) {
  json_t *o = json_object();
  if (!o) return NULL;
  for (int k = 0; s->fields[k]; k++) {
    json_t *v = json_object_get(e, s->fields[k]);
    json_t *x = is_blank(v) ? json_null() : json_is_array(v) ? as_text(v) : json_incref(v);
    if (json_object_set_new(o, s->fields[k], x) != 0) { /* takes x, even NULL */
      json_decref(o);
      return NULL;
    }
  }
  return o;
}

static json_t *entry_json(const section_def *s, json_t *e) {
  json_t *o = entry_object(s, e);
  if (!o) return NULL;
  char *dump = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
  json_decref(o);
  json_t *t = dump ? json_string(dump) : NULL;
  free(dump);
  return t;
}

static double conf_of(json_t *o, double def) {
  json_t *c = json_object_get(o, "confidence");
  return json_is_number(c) ? json_number_value(c) : def;
}

static void flatten_contact(flat *f, json_t *c, double conf) {
  if (!json_is_object(c)) return;
  char path[64];
  for (int i = 0; contact_fields[i]; i++) {
    snprintf(path, sizeof path, "contact.%s", contact_fields[i]);
    add_leaf(f, path, json_object_get(c, contact_fields[i]), conf);
  }
  /* URLs keep their index in the list (contact.urls.{j}), so a blank one
   * leaves a gap rather than renumbering the others. */
  json_t *urls = json_object_get(c, "urls");
  size_t j;
  json_t *u;
  json_array_foreach(urls, j, u) {
    snprintf(path, sizeof path, "contact.urls.%zu", j);
    add_leaf(f, path, u, conf);
  }
}

static void flatten_section(flat *f, const section_def *s, json_t *arr, double def) {
  size_t i;
  json_t *e;
  char path[96];
  json_array_foreach(arr, i, e) {
    if (!json_is_object(e)) continue;
    double conf = conf_of(e, def);
    snprintf(path, sizeof path, "%s.%zu", s->name, i);
    add_row(f, path, entry_json(s, e), conf);
    for (int k = 0; s->fields[k]; k++) {
      snprintf(path, sizeof path, "%s.%zu.%s", s->name, i, s->fields[k]);
      add_leaf(f, path, json_object_get(e, s->fields[k]), conf);
    }
  }
}

int cw_entities_flatten(json_t *document, double default_confidence, json_t **rows) {
  if (!json_is_object(document) || !rows) return -EINVAL;
  flat f = {json_array(), 0};
  if (!f.rows) return -ENOMEM;
  flatten_contact(&f, json_object_get(document, "contact"), default_confidence);
  add_leaf(&f, "summary", json_object_get(document, "summary"), default_confidence);
  for (int s = 0; sections[s].name; s++)
    flatten_section(&f, &sections[s], json_object_get(document, sections[s].name),
                    default_confidence);
  if (f.err) {
    json_decref(f.rows);
    return f.err;
  }
  *rows = f.rows;
  return 0;
}

/* ---- validate ---------------------------------------------------------------------- */

static int fail(char *err, size_t errlen, const char *fmt, ...) {
  if (err && errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return -EINVAL;
}

static bool str_or_null(json_t *v) { return !v || json_is_null(v) || json_is_string(v); }

static bool is_date_field(const char *k) {
  return strcmp(k, "start_date") == 0 || strcmp(k, "end_date") == 0 || strcmp(k, "date") == 0;
}

static int check_field(const char *sec, size_t i, const char *k, json_t *v, char *err,
                       size_t errlen) {
  if (!v || json_is_null(v)) return 0;
  if (strcmp(k, "is_current") == 0) {
    if (!json_is_boolean(v)) return fail(err, errlen, "%s[%zu].%s: not a boolean", sec, i, k);
    return 0;
  }
  if (strcmp(k, "years_of_experience") == 0) {
    if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 80)
      return fail(err, errlen, "%s[%zu].%s: not a number 0..80", sec, i, k);
    return 0;
  }
  if (strcmp(k, "description") == 0 && json_is_array(v)) {
    size_t j;
    json_t *x;
    json_array_foreach(v, j, x) if (!json_is_string(x))
        return fail(err, errlen, "%s[%zu].%s[%zu]: not a string", sec, i, k, j);
    return 0;
  }
  if (strcmp(k, "gpa") == 0 && json_is_number(v)) return 0;
  if (!json_is_string(v)) return fail(err, errlen, "%s[%zu].%s: not a string", sec, i, k);
  if (is_date_field(k) && !cw_entities_is_partial_date(json_string_value(v)))
    return fail(err, errlen, "%s[%zu].%s: not a YYYY or YYYY-MM date", sec, i, k);
  return 0;
}

static int check_entry(const section_def *s, size_t i, json_t *e, char *err, size_t errlen) {
  if (!json_is_object(e)) return fail(err, errlen, "%s[%zu]: not an object", s->name, i);
  for (int k = 0; s->fields[k]; k++) {
    int rc = check_field(s->name, i, s->fields[k], json_object_get(e, s->fields[k]), err, errlen);
    if (rc) return rc;
  }
  json_t *c = json_object_get(e, "confidence");
  if (c && !json_is_null(c) &&
      (!json_is_number(c) || json_number_value(c) < 0 || json_number_value(c) > 1))
    return fail(err, errlen, "%s[%zu].confidence: not a number 0..1", s->name, i);
  if (json_is_true(json_object_get(e, "is_current")) &&
      json_is_string(json_object_get(e, "end_date")))
    return fail(err, errlen, "%s[%zu]: is_current with an end_date", s->name, i);
  const char *st = json_string_value(json_object_get(e, "start_date"));
  const char *en = json_string_value(json_object_get(e, "end_date"));
  if (st && en && strncmp(st, en, strlen(st) < strlen(en) ? strlen(st) : strlen(en)) > 0)
    return fail(err, errlen, "%s[%zu]: start_date after end_date", s->name, i);
  const char *first = s->fields[0];
  if (strcmp(s->name, "skills") == 0 || strcmp(s->name, "languages") == 0 ||
      strcmp(s->name, "certifications") == 0 || strcmp(s->name, "projects") == 0) {
    if (!json_is_string(json_object_get(e, first)))
      return fail(err, errlen, "%s[%zu].%s: missing", s->name, i, first);
  }
  return 0;
}

static int check_contact(json_t *c, char *err, size_t errlen) {
  if (!json_is_object(c)) return fail(err, errlen, "contact: not an object");
  for (int i = 0; contact_fields[i]; i++)
    if (!str_or_null(json_object_get(c, contact_fields[i])))
      return fail(err, errlen, "contact.%s: not a string", contact_fields[i]);
  json_t *urls = json_object_get(c, "urls");
  if (urls && !json_is_null(urls)) {
    if (!json_is_array(urls)) return fail(err, errlen, "contact.urls: not an array");
    size_t j;
    json_t *u;
    json_array_foreach(urls, j, u) if (!json_is_string(u))
        return fail(err, errlen, "contact.urls[%zu]: not a string", j);
  }
  return 0;
}

int cw_entities_validate_document(const json_t *document, char *err, size_t errlen) {
  json_t *doc = (json_t *)document;
  if (err && errlen) err[0] = 0;
  if (!json_is_object(doc)) return fail(err, errlen, "document: not an object");
  int rc = check_contact(json_object_get(doc, "contact"), err, errlen);
  if (rc) return rc;
  json_t *summary = json_object_get(doc, "summary");
  if (!summary) return fail(err, errlen, "summary: missing");
  if (!str_or_null(summary)) return fail(err, errlen, "summary: not a string");
  for (int s = 0; sections[s].name; s++) {
    json_t *arr = json_object_get(doc, sections[s].name);
    if (!json_is_array(arr)) return fail(err, errlen, "%s: missing or not an array", sections[s].name);
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e) {
      rc = check_entry(&sections[s], i, e, err, errlen);
      if (rc) return rc;
    }
  }
  return 0;
}

/* ---- canonical form ------------------------------------------------------------- */

static json_t *canonical_contact(json_t *c) {
  json_t *o = json_object(), *urls = json_array();
  for (int i = 0; json_is_object(c) && contact_fields[i]; i++) {
    json_t *v = json_object_get(c, contact_fields[i]);
    if (!is_blank(v)) json_object_set_new(o, contact_fields[i], as_text(v));
  }
  size_t j;
  json_t *u;
  json_array_foreach(json_object_get(c, "urls"), j, u) if (!is_blank(u)) json_array_append_new(urls, as_text(u));
  json_object_set_new(o, "urls", urls);
  return o;
}

json_t *cw_entities_canonical(json_t *document) {
  if (!json_is_object(document)) return NULL;
  json_t *out = json_object();
  if (!out) return NULL;
  json_object_set_new(out, "contact", canonical_contact(json_object_get(document, "contact")));
  json_t *summary = json_object_get(document, "summary");
  json_object_set_new(out, "summary", is_blank(summary) ? json_null() : as_text(summary));
  for (int s = 0; sections[s].name; s++) {
    json_t *arr = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(document, sections[s].name), i, e) {
      if (json_is_object(e)) json_array_append_new(arr, entry_object(&sections[s], e));
    }
    json_object_set_new(out, sections[s].name, arr);
  }
  return out;
}
