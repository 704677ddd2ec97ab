-- Merge review (invariant 7): an entry a resume lists twice, the same job
-- years later, proposals accepted over the user's values or after a later
-- resume added the entity, and the spelling variants of skills, degrees and
-- certification issuers.
BEGIN;
SELECT plan(40);

-- ---------------------------------------------------------------- keys ----
SELECT is(public.skill_key('Postgres'), public.skill_key('PostgreSQL'), 'Postgres is PostgreSQL');
SELECT is(public.skill_key('JS'), public.skill_key('JavaScript'), 'JS is JavaScript');
SELECT is(public.skill_key('Node.js'), public.skill_key('NodeJS'), 'Node.js is NodeJS');
SELECT is(public.skill_key('k8s'), public.skill_key('Kubernetes'), 'k8s is Kubernetes');
SELECT is(public.skill_key('Golang'), public.skill_key('go'), 'Golang is Go');
SELECT isnt(public.skill_key('Java'), public.skill_key('JavaScript'), 'Java is not JavaScript');
SELECT is((SELECT count(DISTINCT public.skill_key(x))::int FROM unnest('{C,C++,C#,Objective-C}'::text[]) x), 4,
  'C, C++, C# and Objective-C are four skills');
SELECT isnt(public.skill_key('React'), public.skill_key('React Native'), 'React is not React Native');
SELECT is((SELECT count(DISTINCT public.degree_key(x))::int
             FROM unnest(ARRAY['BSc', 'B.Sc.', 'B.S.', 'BS', 'Bachelor of Science', 'Bachelor''s of Science']) x), 1,
  'BSc, B.Sc., B.S., BS and Bachelor of Science are one degree');
SELECT is(public.degree_key('Bachelor of Science in Computer Science'), public.degree_key('B.Sc. Computer Science'),
  'with the field after it, "in" or not');
SELECT is((SELECT count(DISTINCT public.degree_key(x))::int
             FROM unnest(ARRAY['MBA', 'M.B.A.', 'Master of Business Administration']) x), 1, 'so is MBA');
SELECT is((SELECT count(DISTINCT public.degree_key(x))::int
             FROM unnest(ARRAY['PhD', 'Ph.D.', 'Doctor of Philosophy', 'DPhil']) x), 1, 'and PhD');
SELECT is((SELECT count(DISTINCT public.degree_key(x))::int FROM unnest('{BSc,BA,MSc,MA,MBA,PhD,BSN,BEng}'::text[]) x),
  8, 'different degrees stay different (BSN is not BS)');
SELECT is(public.issuer_key('Amazon Web Services, Inc.'), public.issuer_key('AWS'), 'Amazon Web Services is AWS');
SELECT is(public.issuer_key('Cloud Native Computing Foundation'), public.issuer_key('CNCF'), 'and CNCF its long name');
SELECT is(public.issuer_key('Microsoft Corporation'), public.issuer_key('microsoft'), 'legal forms do not count');
SELECT isnt(public.issuer_key('Google'), public.issuer_key('Microsoft'), 'two issuers stay two');

CREATE TEMP TABLE m AS
SELECT u, tests.create_version(u, 'processing') AS v1, tests.create_version(u, 'processing') AS v2,
       tests.create_version(u, 'processing') AS v3, tests.create_version(u, 'processing') AS v4,
       tests.create_version(u, 'processing') AS v5, tests.create_version(u, 'processing') AS v6,
       tests.create_version(u, 'processing') AS v7,
       tests.create_user('eve@example.com') AS other
  FROM (SELECT tests.create_user('ada@example.com') AS u) s;
GRANT SELECT ON m TO PUBLIC;

-- ---------------------------------------- one resume, the same entry twice ----
SELECT tests.add_parsed(v1, $${
  "work_experience": [
    {"company": "Google", "title": "Software Engineer", "start_date": "2012-01", "end_date": "2014-06"},
    {"company": "Google LLC", "title": "Software Engineer", "start_date": "2012-01", "end_date": "2014-06",
     "description": "listed twice"}],
  "education": [{"institution": "MIT", "degree": "B.Sc.", "start_date": "2008", "end_date": "2012"}],
  "skills": [{"name": "PostgreSQL", "proficiency_level": "expert"}, {"name": "Java"}, {"name": "postgres"},
             {"name": "Go", "proficiency_level": "beginner"}],
  "certifications": [{"name": "CKA", "issuer": "Cloud Native Computing Foundation", "date": "2021"}]
}$$::jsonb) FROM m;
UPDATE public.parsed_resume_entities SET confidence_score = 0.4
 WHERE resume_version_id = (SELECT v1 FROM m) AND field_name = 'skills.3';
SELECT tests.as_worker();
SELECT public.merge_resume_version(v1) FROM m;
RESET ROLE;
SELECT results_eq($$SELECT source_path, decision, rule, details ->> 'duplicate_of' FROM public.merge_decisions
                     WHERE resume_version_id = (SELECT v1 FROM m) AND decision = 'skipped' ORDER BY source_path$$,
  $$VALUES ('skills.2', 'skipped', 'duplicate_entry', 'skills.0'),
           ('work_experience.1', 'skipped', 'duplicate_entry', 'work_experience.0')$$,
  'an entry a resume repeats (another spelling too) is skipped as a duplicate of the first');
SELECT is((SELECT count(*)::int FROM public.work_experience WHERE user_id = (SELECT u FROM m)), 1, 'one job');
SELECT is((SELECT count(*)::int FROM public.skill WHERE user_id = (SELECT u FROM m)), 2, 'two skills (Go is proposed)');

-- ------------------------------------------- the same job, years later ----
SELECT tests.add_parsed(v2, $${
  "work_experience": [
    {"company": "Google", "title": "Software Engineer", "start_date": "2019-03", "is_current": true},
    {"company": "Google", "title": "Software Engineer", "start_date": "2012-01", "end_date": "2014-06"}],
  "education": [{"institution": "MIT", "degree": "Bachelor of Science"}],
  "skills": [{"name": "Postgres"}, {"name": "JavaScript"}, {"name": "Golang", "category": "Languages"}],
  "certifications": [{"name": "CKA", "issuer": "CNCF"}]
}$$::jsonb) FROM m;
SELECT tests.as_worker();
SELECT public.merge_resume_version(v2) FROM m;
RESET ROLE;
SELECT results_eq($$SELECT source_path, decision, rule FROM public.merge_decisions
                     WHERE resume_version_id = (SELECT v2 FROM m) ORDER BY source_path$$,
  $$VALUES ('certifications.0', 'unchanged', 'same_values'), ('education.0', 'unchanged', 'same_values'),
           ('skills.0', 'unchanged', 'same_values'), ('skills.1', 'inserted', 'new_entity'),
           ('skills.2', 'inserted', 'new_entity'),
           ('work_experience.0', 'inserted', 'new_entity'), ('work_experience.1', 'unchanged', 'same_values')$$,
  'a second stint years later is its own job, and the first stays as it was; Postgres, Bachelor of Science and CNCF are what the profile has; JavaScript is not Java');
SELECT results_eq($$SELECT start_date, end_date, version FROM public.work_experience
                     WHERE user_id = (SELECT u FROM m) AND is_active ORDER BY start_date$$,
  $$VALUES ('2012-01', '2014-06', 1), ('2019-03', NULL, 1)$$, 'two Google jobs, each with its own dates');
SELECT results_eq($$SELECT name FROM public.skill WHERE user_id = (SELECT u FROM m) AND is_active ORDER BY name$$,
  $$VALUES ('Golang'), ('Java'), ('JavaScript'), ('PostgreSQL')$$, 'the profile keeps its spelling of a skill');

-- ------------------------- accepting what a later resume already added ----
SELECT tests.login_as(u) FROM m;
CREATE TEMP TABLE acc AS
SELECT public.accept_merge_proposal(id) AS id FROM public.merge_decisions
 WHERE resume_version_id = (SELECT v1 FROM m) AND source_path = 'skills.3';
SELECT results_eq($$SELECT name, version, proficiency_level, category FROM public.skill
                     WHERE skill_key(name) = 'go' AND is_active$$,
  $$VALUES ('Golang', 2, 'beginner', 'Languages')$$,
  'accepting "Go" after a later resume added "Golang" updates that skill, no second one');
SELECT is((SELECT count(DISTINCT logical_entity_id)::int FROM public.skill WHERE skill_key(name) = 'go'), 1,
  'one Go skill');
SELECT is((SELECT resolved_entity_id FROM public.merge_decisions
            WHERE resume_version_id = (SELECT v1 FROM m) AND source_path = 'skills.3'), (SELECT id FROM acc),
  'the proposal names the version it went into');
RESET ROLE;

-- a proposal the profile already says in full adds no version
SELECT tests.add_parsed(v3, $${"skills": [{"name": "JS"}], "education": [{"institution": "MIT", "degree": "BA"}]}$$::jsonb)
  FROM m;
UPDATE public.parsed_resume_entities SET confidence_score = 0.4
 WHERE resume_version_id = (SELECT v3 FROM m) AND field_name IN ('skills.0', 'education.0');
SELECT tests.as_worker();
SELECT public.merge_resume_version(v3) FROM m;
RESET ROLE;
SELECT results_eq($$SELECT source_path, decision, rule FROM public.merge_decisions
                     WHERE resume_version_id = (SELECT v3 FROM m) ORDER BY source_path$$,
  $$VALUES ('education.0', 'proposed', 'low_confidence'), ('skills.0', 'unchanged', 'same_values')$$,
  'JS is the JavaScript the profile has; a BA from MIT is not its BSc');
SELECT tests.login_as(u) FROM m;
-- the user deletes the JavaScript skill, then accepts nothing: JS stays gone
DELETE FROM public.skill WHERE name = 'JavaScript';
RESET ROLE;

-- ---------------------------------- accepted over the user's own values ----
SELECT tests.login_as(u) FROM m;
INSERT INTO public.skill (logical_entity_id, version, user_id, name, proficiency_level, source)
SELECT logical_entity_id, version + 1, user_id, name, 'advanced', 'manual' FROM public.skill
 WHERE name = 'Java' AND is_active;
RESET ROLE;
SELECT tests.add_parsed(v4, $${"skills": [{"name": "Java", "category": "Languages", "proficiency_level": "beginner"},
                                          {"name": "javascript"}]}$$::jsonb) FROM m;
SELECT tests.as_worker();
SELECT public.merge_resume_version(v4) FROM m;
RESET ROLE;
SELECT results_eq($$SELECT source_path, decision, rule FROM public.merge_decisions
                     WHERE resume_version_id = (SELECT v4 FROM m) ORDER BY source_path$$,
  $$VALUES ('skills.0', 'proposed', 'manual_wins'), ('skills.1', 'suppressed', 'removed_by_user')$$,
  'the hand-edited skill gets a proposal; the deleted JavaScript stays deleted in another spelling');
SELECT tests.login_as(u) FROM m;
SELECT public.accept_merge_proposal(id) FROM public.merge_decisions
 WHERE resume_version_id = (SELECT v4 FROM m) AND source_path = 'skills.0';
SELECT results_eq($$SELECT version, source, proficiency_level, category FROM public.skill WHERE name = 'Java' AND is_active$$,
  $$VALUES (3, 'manual', 'beginner', 'Languages')$$,
  'accepted over the user''s version, the new version stays the user''s (a later resume proposes again)');
RESET ROLE;

-- ------------------------------------------- dates a resume leaves out ----
SELECT tests.add_parsed(v5, $${"work_experience": [
  {"company": "Acme", "title": "Analyst", "start_date": "2015-01", "end_date": "2016-06", "date_text": "2015 - 2016"},
  {"company": "Initech", "title": "Developer", "start_date": "2010-01", "end_date": "2010-06"}]}$$::jsonb) FROM m;
SELECT tests.add_parsed(v6, $${"work_experience": [
  {"company": "Acme", "title": "Analyst", "start_date": "2015-01", "description": "Reports"},
  {"company": "Initech", "title": "Developer", "start_date": "2010-09"}]}$$::jsonb) FROM m;
SELECT tests.as_worker();
SELECT public.merge_resume_version(v5) FROM m;
SELECT public.merge_resume_version(v6) FROM m;
RESET ROLE;
SELECT results_eq($$SELECT company, version, start_date, end_date, end_on, date_text, is_current, description
                     FROM public.work_experience WHERE user_id = (SELECT u FROM m) AND is_active
                      AND company IN ('Acme', 'Initech') ORDER BY company$$,
  $$VALUES ('Acme', 2, '2015-01', '2016-06', '2016-06-01'::date, '2015 - 2016', false, 'Reports'),
           ('Initech', 2, '2010-09', NULL, NULL::date, NULL, false, NULL)$$,
  'a start without an end keeps the profile''s end; one that would end before its start replaces the dates');

-- ------------------------------------------------------------- rights ----
-- a tombstone naming another user's entity reveals nothing of it
CREATE TEMP TABLE m2 AS SELECT tests.create_version(other, 'processing') AS ve,
  (SELECT logical_entity_id FROM public.skill WHERE user_id = m.u AND name = 'Java' AND is_active) AS java
  FROM m;
GRANT SELECT ON m2 TO PUBLIC;
SELECT tests.add_parsed(ve, $${"skills": [{"name": "Java", "proficiency_level": "expert"}]}$$::jsonb) FROM m2;
SELECT tests.login_as(other) FROM m;
INSERT INTO public.merge_tombstones (user_id, entity_type, match_key, logical_entity_id)
SELECT other, 'skill', 'java', java FROM m, m2;
RESET ROLE;
SELECT tests.as_worker();
SELECT public.merge_resume_version(ve) FROM m2;
RESET ROLE;
SELECT results_eq($$SELECT decision, rule, logical_entity_id, previous_entity_id, details ? 'active_source'
                     FROM public.merge_decisions WHERE resume_version_id = (SELECT ve FROM m2)$$,
  $$VALUES ('suppressed', 'removed_by_user', NULL::uuid, NULL::uuid, false)$$,
  'a tombstone that names another user''s entity only suppresses the key: no comparison with it, no id of it');
SELECT tests.login_as(other) FROM m;
SELECT is((SELECT count(*)::int FROM public.merge_find_entity(u, 'skill', 'java', '', NULL, '{}', true) f
            WHERE f.logical IS NOT NULL), 0, 'another user finds nothing of the user''s through merge_find_entity')
  FROM m;
RESET ROLE;
SELECT tests.login_anon();
SELECT throws_ok($$SELECT public.merge_find_entity(gen_random_uuid(), 'skill', 'java', '', NULL, '{}', true)$$,
  '42501', NULL, 'anon cannot call merge_find_entity');
SELECT throws_ok($$SELECT public.skill_key('x')$$, '42501', NULL, 'nor the key functions');
RESET ROLE;

-- a proposal of one user cannot be resolved by another, nor twice
CREATE TEMP TABLE pid AS SELECT id FROM public.merge_decisions
 WHERE resume_version_id = (SELECT v3 FROM m) AND source_path = 'education.0';
GRANT SELECT ON pid TO PUBLIC;
SELECT tests.login_as(other) FROM m;
SELECT throws_ok(format('SELECT public.accept_merge_proposal(%L)', id), 'P0002', NULL,
  'another user cannot accept a proposal') FROM pid;
RESET ROLE;
SELECT tests.login_as(u) FROM m;
SELECT lives_ok(format('SELECT public.dismiss_merge_proposal(%L)', id), 'the user dismisses it') FROM pid;
SELECT throws_ok(format('SELECT public.accept_merge_proposal(%L)', id), '55000', NULL,
  'a dismissed proposal cannot be accepted') FROM pid;
SELECT throws_ok(format('SELECT public.dismiss_merge_proposal(%L)', id), '55000', NULL,
  'nor dismissed again') FROM pid;
SELECT throws_ok(format($$UPDATE public.merge_decisions SET proposal_status = 'open' WHERE id = %L$$, id),
  '23514', NULL, 'nor reopened by hand') FROM pid;
RESET ROLE;

-- what the user dismissed is not proposed again; a different value is
SELECT tests.add_parsed(v7, $${"education": [{"institution": "MIT", "degree": "BA"}, {"institution": "Harvard", "degree": "MBA"}]}$$::jsonb)
  FROM m;
UPDATE public.parsed_resume_entities SET confidence_score = 0.4
 WHERE resume_version_id = (SELECT v7 FROM m) AND field_name IN ('education.0', 'education.1');
SELECT tests.as_worker();
SELECT public.merge_resume_version(v7) FROM m;
RESET ROLE;
SELECT results_eq($$SELECT source_path, decision, rule, details ->> 'proposal_status' FROM public.merge_decisions
                     WHERE resume_version_id = (SELECT v7 FROM m) ORDER BY source_path$$,
  $$VALUES ('education.0', 'unchanged', 'already_proposed', 'dismissed'),
           ('education.1', 'proposed', 'low_confidence', NULL)$$,
  'the dismissed proposal (a BA from MIT) is not made again');

SELECT * FROM finish();
ROLLBACK;
