/* `export VERSION_ID [--format jsonresume|json]`: one version's parsed
 * resume on stdout, as a JSON Resume v1.0.0 document (the SQL function
 * public.resume_version_jsonresume, the same text the API serves) or as
 * the parsed document in the shape of the parsed-entity contract, rebuilt
 * from its parsed_resume_entities rows. */
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careeros/cli.h"

static const char *const sections[] = {"work_experience", "education", "skills",
                                       "projects",        "certifications", "languages"};
#define NSECTIONS (sizeof sections / sizeof sections[0])

/* The version's status and whether parse left rows for it: exit 4 for a
 * version that does not exist or has nothing to export yet. */
static int check_version(PGconn *conn, const char *id) {
  const char *p[1] = {id};
  PGresult *r = PQexecParams(conn,
                             "SELECT v.processing_status, EXISTS (SELECT 1 FROM public.parsed_resume_entities p "
                             "WHERE p.resume_version_id = v.id) FROM public.resume_versions v WHERE v.id = $1",
                             1, NULL, p, NULL, NULL, 0);
  int rc = CW_EXIT_OK;
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    cw_cli_pg_error("export", conn, r);
    rc = CW_EXIT_FAILURE;
  } else if (PQntuples(r) == 0) {
    fprintf(stderr, "careeros-worker export: no resume version %s\n", id);
    rc = CW_EXIT_NOT_FOUND;
  } else if (strcmp(PQgetvalue(r, 0, 1), "t") != 0) {
    fprintf(stderr, "careeros-worker export: version %s has no parsed data yet (processing_status=%s)\n", id,
            PQgetvalue(r, 0, 0));
    rc = CW_EXIT_NOT_FOUND;
  }
  PQclear(r);
  return rc;
}

static int print_jsonresume(PGconn *conn, const char *id) {
  const char *p[1] = {id};
  PGresult *r = PQexecParams(conn, "SELECT jsonb_pretty(public.resume_version_jsonresume($1))", 1, NULL, p,
                             NULL, NULL, 0);
  int rc = CW_EXIT_FAILURE;
  if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
    printf("%s\n", PQgetvalue(r, 0, 0));
    rc = CW_EXIT_OK;
  } else {
    cw_cli_pg_error("export", conn, r);
  }
  PQclear(r);
  return rc;
}

/* Puts value at index idx of arr, padding with nulls: rows come in name
 * order ("skills.10" before "skills.2"), not index order. */
static void put_at(json_t *arr, size_t idx, json_t *value) {
  while (json_array_size(arr) <= idx)
    json_array_append_new(arr, json_null());
  json_array_set_new(arr, idx, value);
}

/* Indexes above this are not ours: the contract caps every list far lower. */
#define MAX_INDEX 1000

static bool parse_index(const char *s, size_t *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (end == s || *end || v < 0 || v > MAX_INDEX)
    return false;
  *out = (size_t)v;
  return true;
}

/* One row into the document: entry rows (section.i, a JSON object), contact
 * leaves, contact URLs and the summary.  Entry leaves repeat what the entry
 * row holds and are skipped. */
static void add_row(json_t *doc, const char *field, const char *raw) {
  json_t *contact = json_object_get(doc, "contact");
  size_t idx;
  if (strcmp(field, "summary") == 0) {
    json_object_set_new(doc, "summary", json_string(raw));
    return;
  }
  if (strncmp(field, "contact.urls.", 13) == 0) {
    if (parse_index(field + 13, &idx))
      put_at(json_object_get(contact, "urls"), idx, json_string(raw));
    return;
  }
  if (strncmp(field, "contact.", 8) == 0 && !strchr(field + 8, '.')) {
    json_object_set_new(contact, field + 8, json_string(raw));
    return;
  }
  for (size_t s = 0; s < NSECTIONS; s++) {
    size_t n = strlen(sections[s]);
    if (strncmp(field, sections[s], n) != 0 || field[n] != '.' || strchr(field + n + 1, '.'))
      continue;
    json_t *entry = json_loads(raw, JSON_REJECT_DUPLICATES, NULL);
    if (json_is_object(entry) && parse_index(field + n + 1, &idx))
      put_at(json_object_get(doc, sections[s]), idx, json_incref(entry));
    json_decref(entry);
    return;
  }
}

static json_t *empty_document(void) {
  json_t *doc = json_pack("{s:{s:n, s:n, s:n, s:n, s:n, s:[]}, s:n}", "contact", "name", "headline", "email",
                          "phone", "location", "urls", "summary");
  for (size_t s = 0; doc && s < NSECTIONS; s++)
    json_object_set_new(doc, sections[s], json_array());
  return doc;
}

static int print_parsed(PGconn *conn, const char *id) {
  const char *p[1] = {id};
  PGresult *r = PQexecParams(conn,
                             "SELECT field_name, raw_value FROM public.parsed_resume_entities "
                             "WHERE resume_version_id = $1 AND raw_value IS NOT NULL ORDER BY field_name",
                             1, NULL, p, NULL, NULL, 0);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    cw_cli_pg_error("export", conn, r);
    PQclear(r);
    return CW_EXIT_FAILURE;
  }
  json_t *doc = empty_document();
  if (!doc) {
    PQclear(r);
    return CW_EXIT_FAILURE;
  }
  for (int i = 0; i < PQntuples(r); i++)
    add_row(doc, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
  PQclear(r);
  int rc = json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 ? CW_EXIT_OK : CW_EXIT_FAILURE;
  fputc('\n', stdout);
  json_decref(doc);
  return rc;
}

int cw_cmd_export(const cw_cli_ctx *ctx, int argc, char **argv) {
  static const struct option opts[] = {
      {"format", required_argument, NULL, 'f'},
      {NULL, 0, NULL, 0},
  };
  const char *format = "jsonresume";
  int c;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c != 'f')
      return cw_cli_bad_option(argv[0], argv);
    format = optarg;
  }
  if (strcmp(format, "jsonresume") != 0 && strcmp(format, "json") != 0) {
    fprintf(stderr, "careeros-worker export: --format: '%s' is not jsonresume or json\n", format);
    return CW_EXIT_USAGE;
  }
  if (argc - optind != 1) {
    fprintf(stderr, "careeros-worker export: name exactly one version id\n");
    return CW_EXIT_USAGE;
  }
  const char *id = argv[optind];
  if (!cw_cli_is_uuid(id)) {
    fprintf(stderr, "careeros-worker export: '%s' is not a version id (UUID)\n", id);
    return CW_EXIT_USAGE;
  }
  int rc;
  PGconn *conn = cw_cli_open_db(ctx, &rc);
  if (!conn)
    return rc;
  /* One snapshot: the rows cannot change between the check and the read. */
  PQclear(PQexec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  rc = check_version(conn, id);
  if (rc == CW_EXIT_OK)
    rc = strcmp(format, "json") == 0 ? print_parsed(conn, id) : print_jsonresume(conn, id);
  PQclear(PQexec(conn, "COMMIT"));
  PQfinish(conn);
  if (rc == CW_EXIT_OK && (fflush(stdout) != 0 || ferror(stdout)))
    rc = CW_EXIT_FAILURE; /* a full disk or a closed pipe is not a success */
  return rc;
}
