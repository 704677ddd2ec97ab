/* libFuzzer target: the heuristic parser end to end.  Every document it
 * builds must pass the contract validator, flatten, enrich and serialise;
 * every company and institution must occur in the input. */
#include <stdint.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "careeros/entities.h"
#include "careeros/heuristic.h"
#include "careeros/offline.h"

static cw_skills *skills;
static cw_heuristic *h;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  if (cw_skills_load(CW_FUZZ_SKILLS, &skills) != 0 &&
      cw_skills_load_buffer("[Any]\nPython\n", 14, "inline", &skills) != 0)
    abort();
  if (cw_heuristic_new(skills, &h) != 0) abort();
  return 0;
}

/* Companies are cut out of the normalised text, which only drops invisible
 * characters: compare with those removed from the input as well. */
/* A name joined from lines a narrow column wrapped ("Universidad Central
 * de" / "Venezuela") has a space where the input has a line break: each
 * space of the name may stand for any run of blanks and line breaks. */
static bool occurs_wrapped(const char *in, size_t n, const char *name) {
  size_t m = strlen(name);
  for (size_t at = 0; at < n; at++) {
    size_t i = 0, j = at;
    while (i < m && j < n) {
      if (name[i] == ' ' && isspace((unsigned char)in[j])) {
        while (j < n && isspace((unsigned char)in[j])) j++;
        i++;
      } else if (name[i] == in[j]) {
        i++, j++;
      } else {
        break;
      }
    }
    if (i == m) return true;
  }
  return false;
}

static bool occurs(const char *in, size_t n, const char *name) {
  if (!name || !*name) return true;
  if (memmem(in, n, name, strlen(name))) return true;
  return occurs_wrapped(in, n, name);
}

static void check_names(const char *in, size_t n, json_t *doc, const char *sec, const char *key) {
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(doc, sec), i, e) {
    const char *v = json_string_value(json_object_get(e, key));
    if (!occurs(in, n, v)) {
      /* allow normalisation differences: only when the input had such bytes */
      if (!memmem(in, n, "\xe2\x80\x8b", 3) && !memmem(in, n, "\xc2", 1) &&
          !memmem(in, n, "\t", 1) && !memmem(in, n, "**", 2) && !memchr(in, '\r', n) &&
          !memmem(in, n, "\xef\xbb\xbf", 3) && !memmem(in, n, "\xe2\x80\x8c", 3) &&
          !memmem(in, n, "\xe2\x80\x8d", 3) && !memmem(in, n, "\xe2\x80\xaf", 3))
        abort();
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!h) LLVMFuzzerInitialize(NULL, NULL);
  json_t *doc = NULL;
  if (cw_heuristic_parse(h, (const char *)data, size, &doc) != 0) abort();
  char err[160];
  if (cw_entities_validate_document(doc, err, sizeof err) != 0) abort();
  bool plain = true;
  for (size_t i = 0; i < size; i++)
    if (data[i] < 0x09 || (data[i] > 0x0d && data[i] < 0x20) || data[i] >= 0x80) plain = false;
  if (plain) {
    check_names((const char *)data, size, doc, "work_experience", "company");
    check_names((const char *)data, size, doc, "education", "institution");
  }
  json_t *rows = NULL;
  if (cw_entities_flatten(doc, 0.6, &rows) != 0) abort();
  json_t *enr = NULL;
  if (cw_heuristic_enrich(doc, "2025-01-01", skills, &enr) != 0) abort();
  char *a = json_dumps(rows, JSON_COMPACT), *b = json_dumps(enr, JSON_COMPACT);
  if (!a || !b) abort();
  free(a);
  free(b);
  json_decref(enr);
  json_decref(rows);
  json_decref(doc);
  return 0;
}
