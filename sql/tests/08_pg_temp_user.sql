-- pg_temp shadows planted by a signed-in user (role authenticated): no
-- trigger, policy helper or function of ours runs them.  Each pgTAP file is
-- its own session, so the shadows are in place before any of our PL/pgSQL
-- is compiled in it.
BEGIN;
SET LOCAL search_path = pg_catalog, public, pg_temp;
SELECT plan(6);

SET LOCAL ROLE authenticated;
SELECT tests.plant_pg_temp_shadows() > 20 AS planted \gset
RESET ROLE;

-- The trap works: a function that does not put pg_temp last falls for it.
CREATE FUNCTION pg_temp.naive() RETURNS integer LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE x uuid := gen_random_uuid(); BEGIN RETURN 1; END $$;
SELECT pg_temp.naive();
SELECT ok(tests.spy_report() LIKE '%type uuid%', 'the planted pg_temp.uuid catches a function with search_path = ''''');
DELETE FROM pg_temp.spy_log;

CREATE TEMP TABLE px AS
SELECT u, tests.create_version(u, 'completed') AS v, tests.create_user('px-other@example.com') AS other
  FROM (SELECT tests.create_user('px@example.com') AS u) s;
GRANT SELECT ON px TO PUBLIC;
INSERT INTO public.profiles (id, full_name) SELECT u, 'Pat' FROM px;
SELECT tests.add_parsed(v, '{"work_experience": [{"company": "Acme", "title": "Engineer"}]}') FROM px;

SELECT tests.login_as(u) FROM px;
-- every entity table: insert (owner check, dates), a second version
-- (supersede), an in-place change of is_active (immutability check)
INSERT INTO public.work_experience (user_id, company, title, start_date, end_date, source)
SELECT u, 'Acme', 'Engineer', 'Mar 2019', 'Present', 'manual' FROM px;
INSERT INTO public.work_experience (logical_entity_id, version, user_id, company, title, start_date, source)
SELECT logical_entity_id, 2, user_id, company, 'Senior Engineer', '2020-01', 'manual'
  FROM public.work_experience WHERE user_id = (SELECT u FROM px);
INSERT INTO public.education (user_id, institution, degree, start_date) SELECT u, 'MIT', 'BSc', '2012' FROM px;
INSERT INTO public.skill (user_id, name, category) SELECT u, 'SQL', 'Data' FROM px;
INSERT INTO public.project (user_id, name, start_date) SELECT u, 'Thing', '2021-05' FROM px;
INSERT INTO public.certification (user_id, name, issuer, issued_date) SELECT u, 'CKA', 'CNCF', '2023' FROM px;
UPDATE public.skill SET is_active = false WHERE user_id = (SELECT u FROM px);
UPDATE public.profiles SET headline = 'Builder' WHERE id = (SELECT u FROM px);
INSERT INTO public.resume_versions (stream_id, user_id, file_name, file_path, file_size, file_hash, mime_type)
SELECT stream_id, user_id, 'cv2.pdf', user_id || '/cv2.pdf', 10, repeat('b', 64), 'application/pdf'
  FROM public.resume_versions WHERE id = (SELECT v FROM px);
SELECT ok(public.get_complete_profile() IS NOT NULL, 'get_complete_profile runs');
SELECT ok(public.calculate_profile_completeness(u) IS NOT NULL, 'calculate_profile_completeness runs') FROM px;
SELECT ok(public.resume_version_jsonresume(v) IS NOT NULL, 'resume_version_jsonresume runs') FROM px;
SELECT count(*) FROM public.table_sizes;
SELECT count(*) FROM public.performance_monitoring;
SELECT count(*) FROM public.resume_versions;
SELECT count(*) FROM public.parsed_resume_entities;
-- another user's logical entity (the owner check runs and refuses)
SELECT throws_ok(format($$INSERT INTO public.skill (logical_entity_id, version, user_id, name, source)
                          SELECT logical_entity_id, 7, %L, 'Hijack', 'manual' FROM public.skill LIMIT 1$$, other))
  FROM px;
RESET ROLE;

SELECT is(tests.spy_report(), NULL, 'nothing of ours ran code planted in pg_temp by authenticated');

SELECT * FROM finish();
ROLLBACK;
