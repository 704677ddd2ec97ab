/* The subset of JSON Schema our strict schemas use, for two jobs:
 *  - at startup, check that a schema is acceptable to OpenAI's strict mode
 *    (every object closed with additionalProperties false and every property
 *    required; optional values are ["T","null"]);
 *  - for every answer, validate it before anything is written (types,
 *    required, unknown properties, enums, ranges, item counts, patterns and
 *    our local string limits "x-cw-maxLength", which are stripped from what
 *    is sent because strict mode does not accept unknown keywords).
 * Error texts name paths and limits, never the values (resume text). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <math.h>
#include <pcre2.h>
#include <stdio.h>
#include <string.h>

#include "llm_int.h"

static int strict_node(const json_t *s, const char *path, char *err, size_t errlen) {
  if (!json_is_object(s)) {
    snprintf(err, errlen, "%s: schema node is not an object", path);
    return -EINVAL;
  }
  json_t *type = json_object_get(s, "type");
  json_t *anyof = json_object_get(s, "anyOf");
  if (!type && !anyof && !json_object_get(s, "enum")) {
    snprintf(err, errlen, "%s: no type", path);
    return -EINVAL;
  }
  if (anyof) {
    size_t i;
    json_t *v;
    json_array_foreach(anyof, i, v) {
      char p[512];
      snprintf(p, sizeof p, "%s.anyOf[%zu]", path, i);
      if (strict_node(v, p, err, errlen) < 0)
        return -EINVAL;
    }
  }
  bool is_obj = json_is_string(type) ? strcmp(json_string_value(type), "object") == 0 : false;
  if (json_is_array(type)) {
    size_t i;
    json_t *v;
    json_array_foreach(type, i, v) if (json_is_string(v) && !strcmp(json_string_value(v), "object")) is_obj = true;
  }
  if (is_obj) {
    json_t *props = json_object_get(s, "properties");
    json_t *req = json_object_get(s, "required");
    json_t *ap = json_object_get(s, "additionalProperties");
    if (!json_is_false(ap)) {
      snprintf(err, errlen, "%s: strict mode needs additionalProperties false", path);
      return -EINVAL;
    }
    if (!json_is_object(props) || !json_is_array(req)) {
      snprintf(err, errlen, "%s: object without properties/required", path);
      return -EINVAL;
    }
    const char *k;
    json_t *v;
    json_object_foreach(props, k, v) {
      bool listed = false;
      size_t i;
      json_t *r;
      json_array_foreach(req, i, r) if (json_is_string(r) && !strcmp(json_string_value(r), k)) listed = true;
      if (!listed) {
        snprintf(err, errlen, "%s.%s: strict mode needs every property in required (use [T, \"null\"])", path, k);
        return -EINVAL;
      }
      char p[512];
      snprintf(p, sizeof p, "%s.%s", path, k);
      if (strict_node(v, p, err, errlen) < 0)
        return -EINVAL;
    }
    if (json_array_size(req) != json_object_size(props)) {
      snprintf(err, errlen, "%s: required names a property that does not exist", path);
      return -EINVAL;
    }
  }
  json_t *items = json_object_get(s, "items");
  if (items) {
    char p[512];
    snprintf(p, sizeof p, "%s[]", path);
    if (strict_node(items, p, err, errlen) < 0)
      return -EINVAL;
  }
  return 0;
}

int cw__schema_check_strict(const json_t *schema, char *err, size_t errlen) {
  if (!json_is_object(schema) || strcmp(json_string_value(json_object_get(schema, "type")) ?: "", "object") != 0) {
    snprintf(err, errlen, "$: the root must be an object schema");
    return -EINVAL;
  }
  return strict_node(schema, "$", err, errlen);
}

json_t *cw__schema_for_api(const json_t *schema) {
  if (json_is_object(schema)) {
    json_t *o = json_object();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)schema, k, v) {
      if (strncmp(k, "x-cw-", 5) == 0)
        continue;
      json_object_set_new(o, k, cw__schema_for_api(v));
    }
    return o;
  }
  if (json_is_array(schema)) {
    json_t *a = json_array();
    size_t i;
    json_t *v;
    json_array_foreach((json_t *)schema, i, v) json_array_append_new(a, cw__schema_for_api(v));
    return a;
  }
  return json_deep_copy(schema);
}

/* Where a value sits ("$.skills[2].name"), as a chain from the value up to
 * the root: written out only for an error, since most answers have none. */
typedef struct vpath {
  const struct vpath *up; /* NULL: the root, "$" */
  const char *key;        /* a property, or NULL for the array index idx */
  size_t idx;
} vpath;

#define PATH_MAX_LEN 512

static void path_str(const vpath *p, char *buf, size_t n) {
  if (!p->up) {
    snprintf(buf, n, "$");
    return;
  }
  path_str(p->up, buf, n);
  size_t l = strlen(buf);
  if (p->key)
    snprintf(buf + l, n - l, ".%.100s", p->key);
  else
    snprintf(buf + l, n - l, "[%zu]", p->idx);
}

/* Compiled "pattern"s, for one answer: its date fields share one. */
#define MAX_PATTERNS 8
typedef struct {
  struct {
    const char *src;
    pcre2_code *re;
    pcre2_match_data *md;
  } e[MAX_PATTERNS];
  size_t n;
} patterns;

typedef struct {
  json_t *errors;
  size_t max;
  patterns *pats;
} vctx;

static void add_err(vctx *c, const vpath *path, const char *fmt, const char *a) {
  if (json_array_size(c->errors) >= c->max)
    return;
  char where[PATH_MAX_LEN];
  path_str(path, where, sizeof where);
  char msg[600];
  char detail[300];
  snprintf(detail, sizeof detail, fmt, a ? a : "");
  /* (a long path cuts the message at sizeof msg, as it always did; the
   * test of the result tells the compiler that is meant) */
  if (snprintf(msg, sizeof msg, "%s: %s", where, detail) < 0)
    return;
  json_array_append_new(c->errors, json_string(msg));
}

/* -1 if the pattern does not compile (it is then not checked, as before),
 * else whether s matches it.  Past MAX_PATTERNS a pattern is compiled for
 * the one value. */
static int pattern_matches(patterns *pats, const char *src, const char *s, size_t len) {
  size_t i = 0;
  while (i < pats->n && strcmp(pats->e[i].src, src) != 0)
    i++;
  if (i == pats->n) {
    int err;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &err, &off, NULL);
    if (!re)
      return -1;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    if (i == MAX_PATTERNS) {
      int rc = pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, NULL);
      pcre2_match_data_free(md);
      pcre2_code_free(re);
      return rc >= 0;
    }
    pats->e[i].src = src;
    pats->e[i].re = re;
    pats->e[i].md = md;
    pats->n++;
  }
  return pcre2_match(pats->e[i].re, (PCRE2_SPTR)s, len, 0, 0, pats->e[i].md, NULL) >= 0;
}

static const char *type_name(const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_OBJECT: return "object";
  case JSON_ARRAY: return "array";
  case JSON_STRING: return "string";
  case JSON_INTEGER: return "integer";
  case JSON_REAL: return "number";
  case JSON_TRUE:
  case JSON_FALSE: return "boolean";
  default: return "null";
  }
}

static bool type_matches(const char *t, const json_t *v) {
  if (!strcmp(t, "number"))
    return json_is_number(v);
  if (!strcmp(t, "integer")) {
    if (json_is_integer(v))
      return true;
    /* 40.0 is an integer in JSON Schema */
    return json_is_real(v) && floor(json_real_value(v)) == json_real_value(v);
  }
  return !strcmp(t, type_name(v));
}

static size_t utf8_chars(const char *s, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80)
      c++;
  return c;
}

static void validate(vctx *c, const json_t *s, const json_t *v, const vpath *path) {
  if (json_array_size(c->errors) >= c->max)
    return;
  json_t *type = json_object_get(s, "type");
  if (type) {
    bool ok = false;
    if (json_is_string(type))
      ok = type_matches(json_string_value(type), v);
    else {
      size_t i;
      json_t *t;
      json_array_foreach(type, i, t) if (json_is_string(t) && type_matches(json_string_value(t), v)) ok = true;
    }
    if (!ok) {
      char want[128] = "";
      if (json_is_string(type))
        snprintf(want, sizeof want, "%s", json_string_value(type));
      else {
        size_t i;
        json_t *t;
        json_array_foreach(type, i, t) {
          size_t l = strlen(want);
          snprintf(want + l, sizeof want - l, "%s%s", i ? " or " : "", json_string_value(t) ?: "");
        }
      }
      char msg[200];
      snprintf(msg, sizeof msg, "expected %s, got %s", want, type_name(v));
      add_err(c, path, "%s", msg);
      return;
    }
  }
  json_t *en = json_object_get(s, "enum");
  if (en) {
    bool ok = false;
    size_t i;
    json_t *e;
    json_array_foreach(en, i, e) if (json_equal(e, (json_t *)v)) ok = true;
    if (!ok)
      add_err(c, path, "value is not one of the allowed values%s", "");
  }
  if (json_is_number(v)) {
    double d = json_number_value(v);
    json_t *mn = json_object_get(s, "minimum"), *mx = json_object_get(s, "maximum");
    char b[64];
    if (mn && d < json_number_value(mn)) {
      snprintf(b, sizeof b, "%g", json_number_value(mn));
      add_err(c, path, "below the minimum %s", b);
    }
    if (mx && d > json_number_value(mx)) {
      snprintf(b, sizeof b, "%g", json_number_value(mx));
      add_err(c, path, "above the maximum %s", b);
    }
  }
  if (json_is_string(v)) {
    json_t *ml = json_object_get(s, "x-cw-maxLength");
    if (ml && utf8_chars(json_string_value(v), json_string_length(v)) > (size_t)json_integer_value(ml)) {
      char b[32];
      snprintf(b, sizeof b, "%lld", (long long)json_integer_value(ml));
      add_err(c, path, "longer than %s characters", b);
    }
    json_t *pat = json_object_get(s, "pattern");
    if (json_is_string(pat) &&
        pattern_matches(c->pats, json_string_value(pat), json_string_value(v), json_string_length(v)) == 0)
      add_err(c, path, "does not match the pattern %s", json_string_value(pat));
  }
  if (json_is_array(v)) {
    json_t *mn = json_object_get(s, "minItems"), *mx = json_object_get(s, "maxItems");
    char b[32];
    if (mn && json_array_size(v) < (size_t)json_integer_value(mn)) {
      snprintf(b, sizeof b, "%lld", (long long)json_integer_value(mn));
      add_err(c, path, "fewer than %s items", b);
    }
    if (mx && json_array_size(v) > (size_t)json_integer_value(mx)) {
      snprintf(b, sizeof b, "%lld", (long long)json_integer_value(mx));
      add_err(c, path, "more than %s items", b);
    }
    json_t *items = json_object_get(s, "items");
    if (items) {
      size_t i;
      json_t *e;
      json_array_foreach((json_t *)v, i, e) {
        vpath p = {path, NULL, i};
        validate(c, items, e, &p);
      }
    }
  }
  if (json_is_object(v)) {
    json_t *props = json_object_get(s, "properties");
    json_t *req = json_object_get(s, "required");
    size_t i;
    json_t *r;
    json_array_foreach(req, i, r) {
      if (json_is_string(r) && !json_object_get(v, json_string_value(r)))
        add_err(c, path, "missing required property \"%s\"", json_string_value(r));
    }
    const char *k;
    json_t *x;
    json_object_foreach((json_t *)v, k, x) {
      json_t *ps = json_object_get(props, k);
      if (!ps) {
        if (json_is_false(json_object_get(s, "additionalProperties")))
          add_err(c, path, "unknown property \"%.100s\"", k);
        continue;
      }
      vpath p = {path, k, 0};
      validate(c, ps, x, &p);
    }
  }
  json_t *anyof = json_object_get(s, "anyOf");
  if (anyof) {
    size_t i;
    json_t *alt;
    bool ok = false;
    json_array_foreach(anyof, i, alt) {
      vctx sub = {json_array(), 1, c->pats};
      validate(&sub, alt, v, path);
      if (json_array_size(sub.errors) == 0)
        ok = true;
      json_decref(sub.errors);
    }
    if (!ok)
      add_err(c, path, "matches none of the alternatives%s", "");
  }
}

size_t cw__schema_validate(const json_t *schema, const json_t *inst, json_t *errors, size_t max_errors) {
  patterns pats = {.n = 0};
  vctx c = {errors, max_errors, &pats};
  vpath root = {NULL, NULL, 0};
  validate(&c, schema, inst, &root);
  for (size_t i = 0; i < pats.n; i++) {
    pcre2_match_data_free(pats.e[i].md);
    pcre2_code_free(pats.e[i].re);
  }
  return json_array_size(errors);
}

/* Follows the schema as validate() does, removing where it is closed
 * (additionalProperties false) the properties it does not name. */
static size_t drop_unknown(const json_t *s, json_t *v) {
  size_t n = 0;
  if (json_is_array(v)) {
    json_t *items = json_object_get(s, "items");
    size_t i;
    json_t *e;
    if (json_is_object(items))
      json_array_foreach(v, i, e) n += drop_unknown(items, e);
  } else if (json_is_object(v) && json_is_object(json_object_get(s, "properties"))) {
    json_t *props = json_object_get(s, "properties");
    bool closed = json_is_false(json_object_get(s, "additionalProperties"));
    const char *k;
    json_t *x;
    void *tmp;
    json_object_foreach_safe(v, tmp, k, x) {
      json_t *ps = json_object_get(props, k);
      if (ps) {
        n += drop_unknown(ps, x);
      } else if (closed) {
        json_object_del(v, k);
        n++;
      }
    }
  }
  return n;
}

size_t cw__schema_drop_unknown(const json_t *schema, json_t *inst) { return drop_unknown(schema, inst); }
