-- The profile is the user's (invariant 7): two resume versions with hand
-- edits, a correction, a retirement and a deletion in between; spelling
-- variants; re-merging; low-confidence proposals; accepting and dismissing.
BEGIN;
SELECT plan(57);

-- keys
SELECT is(public.company_key('Google LLC'), 'google', 'company key drops a legal suffix');
SELECT is(public.company_key('The Initech Corp.'), 'initech', 'company key drops "the" and "Corp."');
SELECT is(public.company_key('Acme, L.L.C.'), 'acme', 'company key drops a dotted suffix');
SELECT is(public.company_key('AG'), 'ag', 'a name that is only a legal form keeps it');
SELECT is(public.title_key('Sr. Software Eng.'), 'senior software engineer', 'title key spells out abbreviations');
SELECT is(public.degree_key('B.Sc.'), 'bsc', 'degree key ignores dots and spaces');

CREATE TEMP TABLE m AS
SELECT u, tests.create_version(u, 'processing') AS v1, tests.create_version(u, 'processing') AS v2,
       tests.create_version(u, 'processing') AS v3, tests.create_user('mallory@example.com') AS other
  FROM (SELECT tests.create_user('grace@example.com') AS u) s;
GRANT SELECT ON m TO PUBLIC;

-- ------------------------------------------------------------ version 1 ----
SELECT tests.add_parsed(v1, $${
  "work_experience": [
    {"company": "Google", "title": "Software Engineer", "location": "Zurich", "start_date": "2019-03",
     "end_date": null, "is_current": true, "description": "Built search"},
    {"company": "Acme Corp", "title": "Analyst", "start_date": "2015-01", "end_date": "2018-12",
     "is_current": false, "description": "Reports"},
    {"company": "Initech", "title": "Developer", "location": "Austin", "start_date": "2012", "end_date": "2014",
     "is_current": false, "description": "TPS reports"}],
  "education": [{"institution": "MIT", "degree": "BSc", "start_date": "2008", "end_date": "2012"}],
  "skills": [{"name": "Python", "category": "Programming", "proficiency_level": "expert", "years_of_experience": 8},
             {"name": "SQL", "proficiency_level": "advanced", "years_of_experience": 5},
             {"name": "Perl", "proficiency_level": "beginner"}]
}$$::jsonb) FROM m;
SELECT tests.as_worker();
CREATE TEMP TABLE r1 AS SELECT public.merge_resume_version(v1) AS r FROM m;
RESET ROLE;
SELECT is((SELECT r ->> 'inserted' FROM r1)::int, 7, 'version 1: seven entities inserted');

-- ----------------------------------------------------------- hand edits ----
SELECT tests.login_as(u) FROM m;
-- an edited description
INSERT INTO public.work_experience (logical_entity_id, version, user_id, company, title, location, start_date,
                                    is_current, description, source)
SELECT logical_entity_id, version + 1, user_id, company, title, location, start_date, is_current,
       'Built search ranking (my words)', 'manual'
  FROM public.work_experience WHERE company = 'Google' AND is_active;
-- a corrected title
INSERT INTO public.work_experience (logical_entity_id, version, user_id, company, title, start_date, end_date,
                                    description, source)
SELECT logical_entity_id, version + 1, user_id, company, 'Senior Analyst', start_date, end_date, description, 'manual'
  FROM public.work_experience WHERE company = 'Acme Corp' AND is_active;
-- a retired skill and a deleted one
UPDATE public.skill SET is_active = false WHERE name = 'SQL';
DELETE FROM public.skill WHERE name = 'Perl';
SELECT is((SELECT count(*)::int FROM public.merge_tombstones WHERE entity_type = 'skill' AND match_key = 'perl'), 1,
  'deleting an entity leaves a tombstone under its key');
RESET ROLE;

-- ------------------------------------------------------------ version 2 ----
SELECT tests.add_parsed(v2, $${
  "work_experience": [
    {"company": "Google LLC", "title": "Sr. Software Engineer", "start_date": "2019-03", "is_current": true,
     "description": "Built search at scale"},
    {"company": "ACME Corp.", "title": "Analyst", "start_date": "2015-01", "end_date": "2018-12",
     "description": "Reports"},
    {"company": "Initech Inc.", "title": "Dev", "start_date": "2012", "end_date": "2014",
     "description": "TPS reports with cover sheets"}],
  "education": [{"institution": "The MIT"}],
  "skills": [{"name": "python"}, {"name": "SQL", "proficiency_level": "expert"}, {"name": "perl"},
             {"name": "Go", "proficiency_level": "beginner"}, {"name": "Rust", "proficiency_level": "intermediate"}]
}$$::jsonb) FROM m;
UPDATE public.parsed_resume_entities SET confidence_score = 0.4
 WHERE resume_version_id = (SELECT v2 FROM m) AND field_name = 'skills.3';
SELECT tests.as_worker();
CREATE TEMP TABLE r2 AS SELECT public.merge_resume_version(v2) AS r FROM m;
RESET ROLE;
GRANT SELECT ON r1, r2 TO PUBLIC;
SELECT is((SELECT r - 'resume_version_id' - 'user_id' - 'links' FROM r2),
  '{"already_merged": false, "inserted": 1, "new_version": 1, "unchanged": 3, "skipped": 0, "proposed": 2,
    "suppressed": 2}'::jsonb,
  'version 2: Rust inserted, Initech updated, Acme/Python/MIT unchanged, two proposals, two suppressed');
CREATE TEMP TABLE d2 AS
SELECT source_path, decision, rule, details, proposal, proposal_status, id
  FROM public.merge_decisions WHERE resume_version_id = (SELECT v2 FROM m);
GRANT SELECT ON d2 TO PUBLIC;
SELECT is((SELECT count(*)::int FROM public.merge_decisions WHERE rule IS NULL), 0, 'every merge decision names its rule');

-- manual values win
SELECT results_eq($$SELECT decision, rule, details ->> 'matched_by' FROM d2 WHERE source_path = 'work_experience.0'$$,
  $$VALUES ('proposed', 'manual_wins', 'similar_title')$$,
  '"Google LLC / Sr. Software Engineer" is the user''s "Google / Software Engineer": a proposal, not a new job');
SELECT is((SELECT proposal ->> 'description' FROM d2 WHERE source_path = 'work_experience.0'), 'Built search at scale',
  'the proposal carries the resume''s value');
SELECT results_eq($$SELECT version, source, title, description FROM public.work_experience
                     WHERE user_id = (SELECT u FROM m) AND company = 'Google' AND title = 'Software Engineer' AND is_active$$,
  $$VALUES (2, 'manual', 'Software Engineer', 'Built search ranking (my words)')$$,
  'the hand-edited version stays active and unchanged');

-- a correction stays corrected
SELECT results_eq($$SELECT decision, rule, details ->> 'matched_by' FROM d2 WHERE source_path = 'work_experience.1'$$,
  $$VALUES ('unchanged', 'same_values', 'history')$$,
  'the old title "Analyst" is recognised through the history of the corrected job');
SELECT is((SELECT count(*)::int FROM public.work_experience WHERE user_id = (SELECT u FROM m) AND is_active
            AND company ILIKE 'acme%'), 1, 'no second Acme job');
SELECT is((SELECT title FROM public.work_experience WHERE user_id = (SELECT u FROM m) AND is_active AND company = 'Acme Corp'),
  'Senior Analyst', 'the corrected title stays');

-- a resume's own values are updated, what it lacks is kept
SELECT results_eq($$SELECT decision, rule FROM d2 WHERE source_path = 'work_experience.2'$$,
  $$VALUES ('new_version', 'resume_update')$$, '"Initech Inc. / Dev" updates the resume-made "Initech / Developer"');
SELECT results_eq($$SELECT version, company, title, location, description FROM public.work_experience
                     WHERE user_id = (SELECT u FROM m) AND company = 'Initech' AND is_active$$,
  $$VALUES (2, 'Initech', 'Developer', 'Austin', 'TPS reports with cover sheets')$$,
  'the new version keeps the profile''s spelling and the location the resume lacks');
SELECT results_eq($$SELECT category, proficiency_level, years_of_experience, version FROM public.skill
                     WHERE user_id = (SELECT u FROM m) AND name = 'Python' AND is_active$$,
  $$VALUES ('Programming', 'expert', 8, 1)$$, 'a skill listed without details keeps its category, level and years');
SELECT results_eq($$SELECT degree, start_date FROM public.education WHERE user_id = (SELECT u FROM m) AND is_active$$,
  $$VALUES ('BSc', '2008')$$, '"The MIT" without a degree is the same education, nothing erased');

-- removed stays removed
SELECT results_eq($$SELECT source_path, decision, rule, details ->> 'matched_by' FROM d2
                     WHERE source_path IN ('skills.1', 'skills.2') ORDER BY source_path$$,
  $$VALUES ('skills.1', 'suppressed', 'removed_by_user', 'history'), ('skills.2', 'suppressed', 'removed_by_user', 'tombstone')$$,
  'the retired skill and the deleted skill are not merged again');
SELECT is((SELECT count(*)::int FROM public.skill WHERE user_id = (SELECT u FROM m) AND is_active AND name IN ('SQL', 'perl', 'Perl')),
  0, 'neither is active');

-- low confidence
SELECT results_eq($$SELECT decision, rule, proposal_status, proposal ->> 'name' FROM d2 WHERE source_path = 'skills.3'$$,
  $$VALUES ('proposed', 'low_confidence', 'open', 'Go')$$, 'an entry below confidence 0.6 is proposed');
SELECT is((SELECT count(*)::int FROM public.skill WHERE user_id = (SELECT u FROM m) AND name = 'Go'), 0,
  'and not written');

-- the user's view
SELECT tests.login_as(u) FROM m;
CREATE TEMP TABLE prof AS SELECT public.get_complete_profile() AS p;
SELECT is((SELECT jsonb_agg(x ->> 'name' ORDER BY x ->> 'name') FROM prof, jsonb_array_elements(p -> 'skills') x),
  '["Python", "Rust"]'::jsonb, 'the profile shows no retired or deleted skill');
SELECT is((SELECT jsonb_agg(x ->> 'title' ORDER BY x ->> 'title') FROM prof, jsonb_array_elements(p -> 'work_experience') x),
  '["Developer", "Senior Analyst", "Software Engineer"]'::jsonb, 'the profile shows the user''s titles');
SELECT is((SELECT x ->> 'description' FROM prof, jsonb_array_elements(p -> 'work_experience') x
            WHERE x ->> 'title' = 'Software Engineer'), 'Built search ranking (my words)', 'and the user''s description');
SELECT is((SELECT jsonb_array_length(p -> 'proposals') FROM prof), 2, 'the profile lists the open proposals');
CREATE TEMP TABLE jr AS SELECT public.profile_jsonresume() AS j;
SELECT is((SELECT jsonb_agg(x ->> 'position' ORDER BY x ->> 'position') FROM jr, jsonb_array_elements(j -> 'work') x),
  '["Developer", "Senior Analyst", "Software Engineer"]'::jsonb, 'the JSON Resume export has the user''s titles');
SELECT is((SELECT x ->> 'summary' FROM jr, jsonb_array_elements(j -> 'work') x WHERE x ->> 'position' = 'Software Engineer'),
  'Built search ranking (my words)', 'and the user''s description');
SELECT is((SELECT jsonb_agg(x ->> 'name' ORDER BY x ->> 'name') FROM jr, jsonb_array_elements(j -> 'skills') x),
  '["Python", "Rust"]'::jsonb, 'and no retired or deleted skill');
RESET ROLE;

-- ------------------------------------------------------ merge it again ----
CREATE TEMP TABLE snap AS
SELECT (SELECT count(*) FROM public.work_experience) + (SELECT count(*) FROM public.skill)
     + (SELECT count(*) FROM public.education) AS entities,
       (SELECT count(*) FROM public.merge_decisions) AS decisions;
SELECT tests.as_worker();
CREATE TEMP TABLE r2b AS SELECT public.merge_resume_version(v2) AS r FROM m;
RESET ROLE;
SELECT ok((SELECT (r ->> 'already_merged')::boolean FROM r2b), 're-merging version 2 reports already_merged');
SELECT is((SELECT r - 'already_merged' FROM r2b), (SELECT r - 'already_merged' FROM r2), 'with the same counts');
SELECT is((SELECT (SELECT count(*) FROM public.work_experience) + (SELECT count(*) FROM public.skill)
                + (SELECT count(*) FROM public.education)), (SELECT entities FROM snap), 'and writes no entity');
SELECT is((SELECT count(*) FROM public.merge_decisions), (SELECT decisions FROM snap), 'and no decision');

-- ------------------------------------------------------------ proposals ----
CREATE TEMP TABLE ids AS SELECT
  (SELECT id FROM d2 WHERE source_path = 'skills.3') AS go,
  (SELECT id FROM d2 WHERE source_path = 'work_experience.0') AS google;
GRANT SELECT ON ids TO PUBLIC;
SELECT tests.login_as(other) FROM m;
SELECT throws_ok(format('SELECT public.accept_merge_proposal(%L)', go), 'P0002', NULL,
  'another user cannot accept the proposal') FROM ids;
SELECT throws_ok(format('SELECT public.dismiss_merge_proposal(%L)', go), 'P0002', NULL,
  'nor dismiss it') FROM ids;
UPDATE public.merge_decisions SET proposal_status = 'dismissed';
RESET ROLE;
SELECT is((SELECT proposal_status FROM public.merge_decisions WHERE id = (SELECT go FROM ids)), 'open',
  'another user''s UPDATE reaches no proposal');

SELECT tests.login_as(u) FROM m;
SELECT throws_ok($$UPDATE public.merge_decisions SET rule = 'new_entity'$$, '42501', NULL,
  'users change nothing in a decision but its status');
SELECT lives_ok(format('SELECT public.accept_merge_proposal(%L)', go), 'the user accepts the low-confidence skill')
  FROM ids;
SELECT results_eq($$SELECT name, proficiency_level, version, source, is_active FROM public.skill WHERE name = 'Go'$$,
  $$VALUES ('Go', 'beginner', 1, 'upload', true)$$, 'the accepted skill is in the profile');
SELECT lives_ok(format('SELECT public.accept_merge_proposal(%L)', google), 'the user accepts the Google description')
  FROM ids;
SELECT results_eq($$SELECT version, title, location, description, is_current, start_on FROM public.work_experience
                     WHERE company = 'Google' AND title = 'Software Engineer' AND is_active$$,
  $$VALUES (3, 'Software Engineer', 'Zurich', 'Built search at scale', true, '2019-03-01'::date)$$,
  'the accepted values become the next version over the user''s one');
SELECT results_eq($$SELECT proposal_status, resolved_entity_id IS NOT NULL FROM public.merge_decisions WHERE id = (SELECT google FROM ids)$$,
  $$VALUES ('accepted', true)$$, 'the proposal is marked accepted');
SELECT throws_ok(format('SELECT public.accept_merge_proposal(%L)', google), '55000', NULL,
  'a proposal is accepted once') FROM ids;
SELECT is(jsonb_array_length(public.get_complete_profile() -> 'proposals'), 0, 'no open proposal left');
RESET ROLE;

-- ------------------------------------------------------------ version 3 ----
SELECT tests.add_parsed(v3, $${
  "work_experience": [
    {"company": "Acme Corp", "title": "Senior Analyst", "start_date": "2015-01", "end_date": "2018-12",
     "description": "Dashboards"},
    {"company": "Google", "title": "Senior Software Engineer", "start_date": "2023-06", "is_current": true},
    {"company": "Google", "title": "Data Engineer", "start_date": "2019-03", "is_current": true}],
  "skills": [{"name": "Go", "proficiency_level": "advanced"}]
}$$::jsonb) FROM m;
SELECT tests.as_worker();
CREATE TEMP TABLE r3 AS SELECT public.merge_resume_version(v3) AS r FROM m;
RESET ROLE;
SELECT results_eq($$SELECT source_path, decision, rule FROM public.merge_decisions
                     WHERE resume_version_id = (SELECT v3 FROM m) ORDER BY source_path$$,
  $$VALUES ('skills.0', 'new_version', 'resume_update'), ('work_experience.0', 'proposed', 'manual_wins'),
           ('work_experience.1', 'inserted', 'new_entity'), ('work_experience.2', 'inserted', 'new_entity')$$,
  'version 3: the accepted skill follows the resume again, the corrected job gets a proposal, a promotion four years later is its own job, and so is "Data Engineer" (title similarity to "Software Engineer" below 0.5)');
SELECT tests.login_as(u) FROM m;
SELECT lives_ok(format('SELECT public.dismiss_merge_proposal(%L)', id), 'the user dismisses a proposal')
  FROM public.merge_decisions WHERE resume_version_id = (SELECT v3 FROM m) AND decision = 'proposed';
SELECT is((SELECT description FROM public.work_experience WHERE company = 'Acme Corp' AND is_active), 'Reports',
  'a dismissed proposal changes nothing');
SELECT is((SELECT proposal_status FROM public.merge_decisions WHERE resume_version_id = (SELECT v3 FROM m)
            AND decision = 'proposed'), 'dismissed', 'and is marked dismissed');

-- tombstones are the user's
SELECT is((SELECT count(*)::int FROM public.merge_tombstones), 1, 'the user sees their tombstone');
SELECT lives_ok($$DELETE FROM public.merge_tombstones WHERE match_key = 'perl'$$,
  'the user may delete a tombstone to let the entity come back');
SELECT tests.login_as(other) FROM m;
SELECT throws_ok(format($$INSERT INTO public.merge_tombstones (user_id, entity_type, match_key) VALUES (%L, 'skill', 'x')$$, u),
  '42501', NULL, 'a user cannot write another user''s tombstones') FROM m;
SELECT is((SELECT count(*)::int FROM public.merge_tombstones), 0, 'nor read them');
RESET ROLE;

-- the worker reads tombstones but does not write them
SELECT tests.as_worker();
SELECT throws_ok($$DELETE FROM public.merge_tombstones$$, '42501', NULL, 'the worker cannot delete tombstones');
RESET ROLE;

-- deleting the user deletes the tombstones too (the trigger does not block it)
SELECT lives_ok(format('DELETE FROM auth.users WHERE id = %L', u), 'a user with entities and tombstones can be deleted')
  FROM m;
SELECT is((SELECT count(*)::int FROM public.merge_tombstones WHERE user_id = (SELECT u FROM m)), 0,
  'no tombstone survives its user');

SELECT * FROM finish();
ROLLBACK;
