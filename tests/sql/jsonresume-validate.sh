#!/bin/sh
# Validates resume_version_jsonresume() output against the official JSON
# Resume schema (npm package @jsonresume/schema).  Needs the helpers of
# tests/sql/helpers.sql in database $1.  Validation itself is
# tests/jsonresume-check.sh (skipped, exit 0, without npm or the registry).
set -u
db=${1:?database}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Three documents: a full resume, a minimal one, and a messy one (bad email,
# odd dates, a non-URL link), all produced by the SQL function; and the
# profile export after merging the full one.
psql -X -q -tA -v ON_ERROR_STOP=1 -d "$db" >"$tmp/docs.jsonl" <<'SQL' || exit 1
BEGIN;
CREATE TEMP TABLE jv AS SELECT u, tests.create_version(u, 'completed') AS v1, tests.create_version(u, 'completed') AS v2,
                               tests.create_version(u, 'completed') AS v3
  FROM (SELECT tests.create_user('jr@example.com') AS u) s;
CREATE TEMP TABLE jv_added AS SELECT
 tests.add_parsed(v1, $${
  "contact": {"name": "Ada Lovelace", "headline": "Engineer", "email": "ada@example.com", "phone": "+41 44 000 00 00",
              "location": "Zurich, Switzerland", "urls": ["https://github.com/ada", "https://www.linkedin.com/in/ada", "https://ada.dev"]},
  "summary": "Engineer.",
  "work_experience": [{"company": "Google", "title": "SWE", "location": "Zurich", "start_date": "2019-03", "end_date": null,
                       "is_current": true, "date_text": "Mar 2019 - Present", "description": "Built things\nand more"},
                      {"company": "Initech", "title": "Dev", "start_date": "2016", "end_date": "2019-02", "is_current": false}],
  "education": [{"institution": "MIT", "degree": "BSc", "field_of_study": "CS", "start_date": "2012", "end_date": "2016", "gpa": "3.9"}],
  "skills": [{"name": "Python", "category": "Programming", "proficiency_level": "expert", "years_of_experience": 8}],
  "projects": [{"name": "careeros", "role": "Author", "url": "https://example.com", "start_date": "2024-01", "is_current": true}],
  "certifications": [{"name": "CKA", "issuer": "CNCF", "date": "2023-05"}],
  "languages": [{"name": "English", "proficiency": "Native"}]}$$::jsonb) AS n1,
 tests.add_parsed(v2, '{"contact": {"name": "Min"}}'::jsonb) AS n2,
 tests.add_parsed(v3, $${
  "contact": {"name": "Messy", "email": "not an email", "location": "Berlin", "urls": ["ftp://x", "www.example.com"]},
  "work_experience": [{"company": "X", "title": "Y", "start_date": "Spring 2019", "end_date": "2020-13", "is_current": "yes"}],
  "education": [{"institution": "Z", "start_date": "19", "end_date": "Jan 2001"}],
  "projects": [{"name": "P", "url": "javascript:alert(1)"}],
  "certifications": [{"name": "C", "date": "sometime"}]}$$::jsonb) AS n3
 FROM jv;
SELECT public.resume_version_jsonresume(v1)::text FROM jv
UNION ALL SELECT public.resume_version_jsonresume(v2)::text FROM jv
UNION ALL SELECT public.resume_version_jsonresume(v3)::text FROM jv;
-- the profile export, after merging the full resume
INSERT INTO public.profiles (id, full_name, headline, contact_email, website_url, github_url, location)
SELECT u, 'Ada Lovelace', 'Engineer', 'ada@example.com', 'https://ada.dev', 'https://github.com/ada', 'Zurich' FROM jv;
SELECT public.merge_resume_version(v1) FROM jv \g /dev/null
SELECT public.profile_jsonresume(u)::text FROM jv;
ROLLBACK;
SQL

sh "$here/../jsonresume-check.sh" "$tmp/docs.jsonl" 4
