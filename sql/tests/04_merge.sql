-- merge_resume_version: versioning, idempotency, linking, dates; the
-- versioned-entity rules; user_career_stats; the JSON Resume export.
BEGIN;
SELECT plan(52);

INSERT INTO public.normalized_entities (entity_type, canonical_name, aliases) VALUES
  ('company', 'Google', '{"Google LLC","Alphabet"}'),
  ('company', 'Initech Corporation', '{}'),
  ('university', 'Massachusetts Institute of Technology', '{MIT}'),
  ('technology', 'PostgreSQL', '{Postgres}'),
  ('skill', 'Python', '{}'),
  ('certification', 'Certified Kubernetes Administrator', '{CKA}');

CREATE TEMP TABLE m AS
SELECT u, tests.create_version(u, 'processing') AS v1, tests.create_version(u, 'processing') AS v2,
       tests.create_version(u, 'processing') AS v3, tests.create_user('other@example.com') AS other
  FROM (SELECT tests.create_user('ada@example.com') AS u) s;
GRANT SELECT ON m TO PUBLIC;

CREATE TEMP TABLE added AS
SELECT tests.add_parsed(v1, $${
  "contact": {"name": "Ada Lovelace", "headline": "Engineer", "email": "ada@example.com", "phone": "+41 44 000 00 00",
              "location": "Zurich, Switzerland", "urls": ["https://github.com/ada", "https://ada.dev"]},
  "summary": "Engineer who likes engines.",
  "work_experience": [
    {"company": "Google LLC", "title": "Software Engineer", "location": "Zurich", "start_date": "2019-03",
     "end_date": null, "is_current": true, "date_text": "Mar 2019 - Present", "description": "Built things"},
    {"company": "Initech", "title": "Developer", "start_date": "2016", "end_date": "2019-02", "is_current": false,
     "description": "TPS reports"}],
  "education": [{"institution": "MIT", "degree": "BSc", "field_of_study": "Computer Science",
                 "start_date": "2012", "end_date": "2016", "gpa": "3.9"}],
  "skills": [{"name": "Python", "category": "Programming", "proficiency_level": "Expert", "years_of_experience": 8},
             {"name": "Postgres", "proficiency_level": "advanced", "years_of_experience": "5+"}],
  "projects": [{"name": "careeros", "role": "Author", "url": "https://example.com/careeros", "start_date": "2024-01",
                "is_current": true, "description": "A worker"}],
  "certifications": [{"name": "CKA", "issuer": "CNCF", "date": "2023-05"}],
  "languages": [{"name": "English", "proficiency": "Native"}]
}$$::jsonb) AS n FROM m;
INSERT INTO public.parsed_resume_entities (resume_version_id, user_id, field_name, raw_value)
SELECT v1, u, 'skills.2', 'not json at all' FROM m;

-- first merge, as the worker
SELECT tests.as_worker();
CREATE TEMP TABLE r1 AS SELECT public.merge_resume_version(v1) AS r FROM m;
RESET ROLE;
GRANT SELECT ON r1 TO PUBLIC;
SELECT is((SELECT r ->> 'inserted' FROM r1)::int, 7, 'first merge inserts 7 entities');
SELECT is((SELECT r ->> 'skipped' FROM r1)::int, 1, 'an entry that is not a JSON object is skipped');
SELECT is((SELECT r ->> 'unchanged' FROM r1)::int, 0, 'nothing unchanged on first merge');
SELECT is((SELECT count(*)::int FROM public.merge_decisions d, m WHERE d.resume_version_id = m.v1), 8,
  'one merge decision per entry');
SELECT is((SELECT reason FROM public.merge_decisions d, m WHERE d.resume_version_id = m.v1 AND decision = 'skipped'),
  'entry_not_a_json_object', 'the skip says why');
SELECT is((SELECT count(*)::int FROM public.work_experience w, m WHERE w.user_id = m.u AND w.is_active), 2, 'two active roles');
SELECT results_eq(
  $$SELECT company, start_on, start_precision, end_on, end_precision, is_current, source, version
      FROM public.work_experience WHERE user_id = (SELECT u FROM m) ORDER BY start_on$$,
  $$VALUES ('Initech', '2016-01-01'::date, 'year', '2019-02-01'::date, 'month', false, 'upload', 1),
           ('Google LLC', '2019-03-01'::date, 'month', NULL::date, NULL, true, 'upload', 1)$$,
  'work dates normalised: year/month precision, current role has no end');
SELECT results_eq(
  $$SELECT name, proficiency_level, years_of_experience FROM public.skill WHERE user_id = (SELECT u FROM m) ORDER BY name$$,
  $$VALUES ('Postgres', 'advanced', 5), ('Python', 'expert', 8)$$,
  'skills: proficiency normalised to the enumeration, "5+" years read as 5');
SELECT is((SELECT issued_on FROM public.certification WHERE user_id = (SELECT u FROM m)), '2023-05-01'::date,
  'certification date normalised');
SELECT is((SELECT count(*)::int FROM public.work_experience w, m WHERE w.source_resume_version_id = m.v1), 2,
  'entities remember the resume version they came from');

-- links
SELECT results_eq(
  $$SELECT n.canonical_name, l.match_method, l.review_required
      FROM public.resume_entity_links l JOIN public.normalized_entities n ON n.id = l.normalized_entity_id
     WHERE l.resume_version_id = (SELECT v1 FROM m) AND l.match_method <> 'trigram' ORDER BY n.canonical_name$$,
  $$VALUES ('Certified Kubernetes Administrator', 'alias', false), ('Google', 'alias', false),
           ('Massachusetts Institute of Technology', 'alias', false), ('PostgreSQL', 'alias', false),
           ('Python', 'exact', false)$$,
  'names linked by exact canonical name or alias');
SELECT ok((SELECT l.match_score BETWEEN 0.3 AND 1 AND l.review_required = (l.match_score < 0.6)
             FROM public.resume_entity_links l JOIN public.normalized_entities n ON n.id = l.normalized_entity_id
            WHERE l.resume_version_id = (SELECT v1 FROM m) AND n.canonical_name = 'Initech Corporation'
              AND l.match_method = 'trigram'),
  'Initech linked to Initech Corporation by trigram similarity, review required below 0.6');
SELECT is((SELECT p.field_name FROM public.resume_entity_links l JOIN public.parsed_resume_entities p ON p.id = l.parsed_entity_id
            JOIN public.normalized_entities n ON n.id = l.normalized_entity_id
           WHERE l.resume_version_id = (SELECT v1 FROM m) AND n.canonical_name = 'Google'),
  'work_experience.0.company', 'the link points at the leaf field');

-- idempotency
CREATE TEMP TABLE snap AS
SELECT (SELECT count(*) FROM public.work_experience) + (SELECT count(*) FROM public.education)
     + (SELECT count(*) FROM public.skill) + (SELECT count(*) FROM public.project)
     + (SELECT count(*) FROM public.certification) AS entities,
       (SELECT count(*) FROM public.merge_decisions) AS decisions,
       (SELECT count(*) FROM public.resume_entity_links) AS links,
       (SELECT max(updated_at) FROM public.work_experience) AS touched;
SELECT tests.as_worker();
CREATE TEMP TABLE r1b AS SELECT public.merge_resume_version(v1) AS r FROM m;
RESET ROLE;
SELECT ok((SELECT (r ->> 'already_merged')::boolean FROM r1b), 'second call reports already_merged');
SELECT is((SELECT r - 'already_merged' FROM r1b), (SELECT r - 'already_merged' FROM r1), 'second call returns the same summary');
SELECT is((SELECT (SELECT count(*) FROM public.work_experience) + (SELECT count(*) FROM public.education)
                + (SELECT count(*) FROM public.skill) + (SELECT count(*) FROM public.project)
                + (SELECT count(*) FROM public.certification)), (SELECT entities FROM snap),
  'second call creates no entity rows');
SELECT is((SELECT count(*) FROM public.merge_decisions), (SELECT decisions FROM snap), 'second call records no decisions');
SELECT is((SELECT count(*) FROM public.resume_entity_links), (SELECT links FROM snap), 'second call adds no links');

-- second resume: one unchanged, one changed, one new, one absent
CREATE TEMP TABLE added2 AS
SELECT tests.add_parsed(v2, $${
  "work_experience": [
    {"company": "Google LLC", "title": "Software Engineer", "location": "Zurich", "start_date": "2019-03",
     "end_date": null, "is_current": true, "date_text": "Mar 2019 - Present", "description": "Built things"},
    {"company": "INITECH", "title": "developer", "start_date": "2016", "end_date": "2019-02", "is_current": false,
     "description": "TPS reports, with cover sheets"}],
  "education": [{"institution": "MIT", "degree": "BSc", "field_of_study": "Computer Science",
                 "start_date": "2012", "end_date": "2016", "gpa": "3.9"}],
  "skills": [{"name": "Python", "category": "Programming", "proficiency_level": "Expert", "years_of_experience": 8},
             {"name": "Rust", "proficiency_level": "beginner", "years_of_experience": 1}]
}$$::jsonb) AS n FROM m;
SELECT tests.as_worker();
CREATE TEMP TABLE r2 AS SELECT public.merge_resume_version(v2) AS r FROM m;
RESET ROLE;
SELECT is((SELECT r ->> 'unchanged' FROM r2)::int, 3, 'unchanged entities stay as they are (Google, MIT, Python)');
SELECT is((SELECT r ->> 'new_version' FROM r2)::int, 1, 'a changed entity gets a new version (Initech)');
SELECT is((SELECT r ->> 'inserted' FROM r2)::int, 1, 'a new entity is inserted (Rust)');
SELECT results_eq(
  $$SELECT version, is_active, description FROM public.work_experience
     WHERE user_id = (SELECT u FROM m) AND title ILIKE 'developer' ORDER BY version$$,
  $$VALUES (1, false, 'TPS reports'), (2, true, 'TPS reports, with cover sheets')$$,
  'history kept: version 1 inactive, version 2 active');
SELECT is((SELECT count(DISTINCT logical_entity_id)::int FROM public.work_experience WHERE user_id = (SELECT u FROM m)), 2,
  'the new version shares the logical entity');
SELECT ok((SELECT is_active FROM public.skill WHERE user_id = (SELECT u FROM m) AND name = 'Postgres'),
  'an entity absent from the new resume stays active');
SELECT ok((SELECT updated_at FROM public.work_experience WHERE user_id = (SELECT u FROM m) AND company = 'Google LLC')
          <= (SELECT touched FROM snap), 'an unchanged entity is not touched');
SELECT results_eq(
  $$SELECT decision, previous_version, new_version FROM public.merge_decisions
     WHERE resume_version_id = (SELECT v2 FROM m) AND source_path = 'work_experience.1'$$,
  $$VALUES ('new_version', 1, 2)$$, 'the decision records the version change');

-- two identical entries in one resume stay two entities
CREATE TEMP TABLE added3 AS
SELECT tests.add_parsed(v3, $${"work_experience": [
  {"company": "Acme", "title": "Dev", "start_date": "2010", "end_date": "2011"},
  {"company": "Acme", "title": "Dev", "start_date": "2013", "end_date": "2014"}]}$$::jsonb) AS n FROM m;
SELECT tests.as_worker();
CREATE TEMP TABLE r3 AS SELECT public.merge_resume_version(v3) AS r FROM m;
RESET ROLE;
SELECT is((SELECT count(*)::int FROM public.work_experience WHERE user_id = (SELECT u FROM m) AND company = 'Acme' AND is_active), 2,
  'two entries with the same key in one resume do not collapse');

-- versioned-entity rules
SELECT throws_ok($$UPDATE public.work_experience SET company = 'Renamed' WHERE company = 'Google LLC'$$,
  '23514', NULL, 'a version''s content cannot be updated in place');
SELECT throws_ok($$UPDATE public.work_experience SET is_active = true WHERE title ILIKE 'developer' AND version = 1$$,
  '23505', NULL, 'at most one active version per logical entity');
SELECT tests.login_as(u) FROM m;
SELECT lives_ok($$INSERT INTO public.work_experience (logical_entity_id, version, user_id, company, title, start_date, end_date, source)
                  SELECT logical_entity_id, 3, user_id, company, title, 'Jan 2016', 'Feb 2019', 'manual'
                    FROM public.work_experience WHERE title ILIKE 'developer' AND is_active$$,
  'a user adds a manual version in one statement');
SELECT results_eq($$SELECT version, start_on, end_on FROM public.work_experience WHERE title ILIKE 'developer' AND is_active$$,
  $$VALUES (3, '2016-01-01'::date, '2019-02-01'::date)$$,
  'the previous version was retired and "Jan 2016" normalised');
SELECT is((SELECT count(*)::int FROM public.work_experience WHERE title ILIKE 'developer'), 3, 'history is never deleted by an update');
CREATE TEMP TABLE lid AS SELECT logical_entity_id FROM public.work_experience WHERE title ILIKE 'developer' AND is_active;
GRANT SELECT ON lid TO PUBLIC;
SELECT tests.login_as(other) FROM m;
SELECT throws_ok(format($$INSERT INTO public.work_experience (logical_entity_id, version, is_active, user_id, company, title)
                          VALUES (%L, 9, false, %L, 'Hijack', 'Hijack')$$, (SELECT logical_entity_id FROM lid), other),
  '23514', NULL, 'another user cannot add versions to someone else''s logical entity') FROM m;
RESET ROLE;

-- stats on normalised dates
SELECT tests.as_worker();
SELECT lives_ok('SELECT public.refresh_user_career_stats()', 'worker refreshes user_career_stats');
RESET ROLE;
SELECT results_eq($$SELECT total_roles, current_roles, first_role_start, latest_role_start
                      FROM public.user_career_stats WHERE user_id = (SELECT u FROM m)$$,
  $$VALUES (4::bigint, 1::bigint, '2010-01-01'::date, '2019-03-01'::date)$$,
  'user_career_stats computed from the normalised dates');
SELECT ok((SELECT avg_role_duration_years > 0 FROM public.user_career_stats WHERE user_id = (SELECT u FROM m)),
  'average role duration is computed');

-- JSON Resume
SELECT tests.login_as(u) FROM m;
CREATE TEMP TABLE jr AS SELECT public.resume_version_jsonresume(v1) AS j FROM m;
SELECT is((SELECT j #>> '{basics,name}' FROM jr), 'Ada Lovelace', 'JSON Resume basics.name');
SELECT is((SELECT j #>> '{basics,location,city}' FROM jr), 'Zurich', 'JSON Resume basics.location.city');
SELECT is((SELECT j #>> '{basics,profiles,0,network}' FROM jr), 'GitHub', 'JSON Resume profile from the GitHub URL');
SELECT is((SELECT j #>> '{basics,url}' FROM jr), 'https://ada.dev', 'JSON Resume basics.url is the personal site');
SELECT is((SELECT jsonb_array_length(j -> 'work') FROM jr), 2, 'JSON Resume work entries');
SELECT is((SELECT j #>> '{work,0,startDate}' FROM jr), '2019-03', 'JSON Resume dates are ISO partial dates');
SELECT ok((SELECT NOT (j -> 'work' -> 0 ? 'endDate') FROM jr), 'a current role has no endDate');
SELECT is((SELECT j #>> '{education,0,studyType}' FROM jr), 'BSc', 'JSON Resume education');
SELECT is((SELECT jsonb_array_length(j -> 'skills') FROM jr), 2, 'JSON Resume skills (the broken entry left out)');
SELECT is((SELECT j #>> '{certificates,0,date}' FROM jr), '2023-05', 'JSON Resume certificates');
SELECT is((SELECT j #>> '{languages,0,language}' FROM jr), 'English', 'JSON Resume languages');
SELECT is((SELECT j #>> '{projects,0,roles,0}' FROM jr), 'Author', 'JSON Resume projects');
SELECT is((SELECT j #> '{work,1,highlights}' FROM jr), NULL, 'a one-line description stays a summary');
RESET ROLE;
SELECT is(public.jsonresume_highlights(E'- Led a team\n• Shipped v2\n\n3) Cut costs'),
  '["Led a team", "Shipped v2", "Cut costs"]'::jsonb, 'bulleted descriptions become highlights without bullets');
SELECT tests.login_as(u) FROM m;
SELECT tests.login_as(other) FROM m;
SELECT throws_ok('SELECT public.resume_version_jsonresume(''' || v1 || ''')', 'P0002', NULL,
  'another user cannot export this version') FROM m;
SELECT throws_ok('SELECT public.merge_resume_version(''' || v1 || ''')', '42501', NULL,
  'users cannot call the merge') FROM m;
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
