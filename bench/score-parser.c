/* Runs the offline heuristic parser over text files.
 *
 *   score-parser [--skills FILE] [--out DIR] [--enrich] TEXT...
 *   score-parser --normalize TEXT...
 *
 * Each text is first normalised as the worker does before it parses
 * (cw_text_normalize: icon-font glyphs dropped, bullets and spaces mapped,
 * ...), so that the figures are the product's.  --normalize only rewrites
 * each file in place with that text (bench/score.sh does, so that the
 * texts it keeps are the ones parsed).  A document the entity contract
 * rejects is scored empty, as the worker refuses it.
 *
 * With --out, writes DIR/<id>.json per input (id: the file name without
 * ".txt"), in the resume-gt/v1 shape that score_resume.py reads
 * (descriptions as lists of bullets).  Without it, prints each document
 * (and with --enrich, the enrichment) to stdout.  With --out, the last line
 * on stderr is the parse time per document (CPU time of cw_heuristic_parse
 * alone, without reading and writing files). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "careeros/entities.h"
#include "careeros/heuristic.h"
#include "careeros/normalize.h"
#include "careeros/offline.h"

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  size_t r;
  while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
    n += r;
    if (n == cap) {
      char *nb = realloc(buf, cap *= 2);
      if (!nb) {
        free(buf);
        buf = NULL;
      }
      buf = nb;
    }
  }
  fclose(f);
  *len = n;
  return buf;
}

/* description "a\nb" -> ["a", "b"] for every entry of every section. */
static void to_gt_shape(json_t *doc) {
  const char *secs[] = {"work_experience", "education", "projects", NULL};
  for (int s = 0; secs[s]; s++) {
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(doc, secs[s]), i, e) {
      const char *d = json_string_value(json_object_get(e, "description"));
      json_t *list = json_array();
      while (d && *d) {
        const char *nl = strchr(d, '\n');
        size_t n = nl ? (size_t)(nl - d) : strlen(d);
        if (n) json_array_append_new(list, json_stringn(d, n));
        d += n + (nl ? 1 : 0);
      }
      json_object_set_new(e, "description", list);
    }
  }
  json_object_set_new(doc, "format", json_string("resume-gt/v1"));
}

static char *id_of(const char *path) {
  const char *b = strrchr(path, '/');
  b = b ? b + 1 : path;
  char *id = strdup(b);
  const char *sfx[] = {".pdftotext-layout.txt", ".txt", ".md", NULL};
  for (int i = 0; id && sfx[i]; i++) {
    size_t n = strlen(id), m = strlen(sfx[i]);
    if (n > m && strcmp(id + n - m, sfx[i]) == 0) {
      id[n - m] = 0;
      break;
    }
  }
  return id;
}

/* Writes OUT/<id>.json in the resume-gt/v1 shape; returns 0 or 1. */
static int write_candidate(const char *out_dir, const char *path, json_t *doc) {
  char *id = id_of(path);
  char file[4096];
  snprintf(file, sizeof file, "%s/%s.json", out_dir, id ? id : "unknown");
  to_gt_shape(doc);
  json_object_set_new(doc, "id", json_string(id ? id : "unknown"));
  free(id);
  return json_dump_file(doc, file, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0;
}

/* The text as the worker stores it after extraction; NULL on failure. */
static char *normalized(const char *path, size_t *len) {
  size_t n;
  char *raw = slurp(path, &n), *out = NULL;
  if (raw && cw_text_normalize(raw, n, &out, len) < 0) out = NULL;
  free(raw);
  return out;
}

/* Rewrites each file with its normalised text; returns 0 or 1. */
static int normalize_files(char **paths, int n) {
  int status = 0;
  for (int i = 0; i < n; i++) {
    size_t len;
    char *text = normalized(paths[i], &len);
    FILE *f = text ? fopen(paths[i], "wb") : NULL;
    bool ok = f && fwrite(text, 1, len, f) == len;
    if (f && fclose(f) != 0) ok = false;
    if (!ok) {
      fprintf(stderr, "%s: cannot normalise\n", paths[i]);
      status = 1;
    }
    free(text);
  }
  return status;
}

static void print_document(json_t *doc, const cw_skills *skills, bool enrich) {
  json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  putchar('\n');
  json_t *r = NULL;
  if (enrich && cw_heuristic_enrich(doc, NULL, skills, &r) == 0) {
    json_dumpf(r, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    putchar('\n');
  }
  json_decref(r);
}

int main(int argc, char **argv) {
  const char *skills_path = NULL, *out_dir = NULL;
  bool enrich = false, normalize_only = false;
  static const struct option opts[] = {{"skills", required_argument, 0, 's'},
                                       {"out", required_argument, 0, 'o'},
                                       {"enrich", no_argument, 0, 'e'},
                                       {"normalize", no_argument, 0, 'n'},
                                       {0, 0, 0, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "s:o:en", opts, NULL)) != -1) {
    if (c == 's') skills_path = optarg;
    else if (c == 'o') out_dir = optarg;
    else if (c == 'e') enrich = true;
    else if (c == 'n') normalize_only = true;
    else return 2;
  }
  if (optind >= argc) {
    fprintf(stderr, "usage: %s [--skills FILE] [--out DIR] [--enrich] TEXT...\n"
                    "       %s --normalize TEXT...\n", argv[0], argv[0]);
    return 2;
  }
  if (normalize_only) return normalize_files(argv + optind, argc - optind);
  cw_skills *skills = NULL;
  int rc = skills_path ? cw_skills_load(skills_path, &skills) : cw_skills_load_buffer("", 0, "-", &skills);
  if (rc) {
    fprintf(stderr, "%s: cannot load skills: %s\n", skills_path, strerror(-rc));
    return 1;
  }
  cw_heuristic *h;
  if (cw_heuristic_new(skills, &h) != 0) return 1;
  int status = 0;
  long long parse_ns = 0;
  int ndocs = 0;
  for (int i = optind; i < argc; i++) {
    size_t len;
    char *text = normalized(argv[i], &len);
    json_t *doc = NULL;
    struct timespec t0, t1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    int prc = text ? cw_heuristic_parse(h, text, len, &doc) : -EIO;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    parse_ns += (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
    ndocs++;
    char why[160] = "";
    if (prc == 0 && cw_entities_validate_document(doc, why, sizeof why) != 0) {
      /* the worker refuses such a document (offline.invalid_document): score
       * it as the empty result the user would get */
      fprintf(stderr, "%s: refused by the entity contract: %s\n", argv[i], why);
      json_decref(doc);
      doc = NULL;
      prc = -EPROTO;
    }
    if (prc != 0) {
      if (!why[0]) fprintf(stderr, "%s: cannot parse\n", argv[i]);
      doc = json_object(); /* an empty candidate is still scored */
      if (!why[0]) status = 1;
    }
    if (out_dir) status |= write_candidate(out_dir, argv[i], doc);
    else print_document(doc, skills, enrich);
    json_decref(doc);
    free(text);
  }
  if (out_dir && ndocs)
    fprintf(stderr, "parse time: %d documents, %.3f ms CPU per document\n", ndocs,
            (double)parse_ns / 1e6 / ndocs);
  cw_heuristic_free(h);
  cw_skills_free(skills);
  return status;
}
