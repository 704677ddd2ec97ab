-- The complete-profile function and completeness score on normalised dates;
-- transcripts through the partitioned parent.
BEGIN;
SELECT plan(12);

CREATE TEMP TABLE p AS SELECT tests.create_user('p@example.com') AS u, tests.create_user('padmin@example.com', '{"role":"admin"}') AS adm;
GRANT SELECT ON p TO PUBLIC;
SELECT tests.login_as(u) FROM p;
-- dates as people write them: text order would be wrong ("Jan 2020" < "2019-05" < "2021" as text)
INSERT INTO public.work_experience (user_id, company, title, start_date, end_date)
SELECT u, c, 'Engineer', s, e FROM p,
  (VALUES ('Beta', 'Jan 2020', 'Dec 2020'), ('Alpha', '2019-05', '12/2019'), ('Gamma', '2021', 'Present')) v(c, s, e);
SELECT results_eq(
  $$SELECT x ->> 'company', x ->> 'start', x ->> 'end', (x ->> 'is_current')::boolean
      FROM jsonb_array_elements(public.get_complete_profile() -> 'work_experience') x$$,
  $$VALUES ('Gamma', '2021', NULL, true), ('Beta', '2020-01', '2020-12', false), ('Alpha', '2019-05', '2019-12', false)$$,
  'profile ordered by normalised dates; "Present" makes a current role');
SELECT is((SELECT start_precision FROM public.work_experience WHERE company = 'Gamma'), 'year', 'precision kept');
SELECT is((public.calculate_profile_completeness(u) ->> 'score')::int, 40, 'work only: 40') FROM p;
INSERT INTO public.education (user_id, institution) SELECT u, 'ETH' FROM p;
SELECT is((public.calculate_profile_completeness(u) ->> 'score')::int, 70, 'work + education: 70') FROM p;
INSERT INTO public.skill (user_id, name) SELECT u, 'S' || i FROM p, generate_series(1, 5) i;
SELECT is((public.calculate_profile_completeness(u) ->> 'score')::int, 100, 'work + education + 5 skills: 100') FROM p;
SELECT ok((public.calculate_profile_completeness(u) ->> 'is_complete')::boolean, 'is_complete at 70+') FROM p;
SELECT is(jsonb_array_length(public.get_complete_profile() -> 'skills'), 5, 'skills in the profile');

-- transcripts go through the parent into monthly partitions, RLS applies
INSERT INTO public.interview_sessions (user_id) SELECT u FROM p;
INSERT INTO public.interview_transcripts (user_id, session_id, sequence_number, speaker, content, created_at)
SELECT u, s.id, i, 'user', 'utterance', ts FROM p, public.interview_sessions s,
  (VALUES (0, '2026-03-15'::timestamptz), (1, '2031-07-01'::timestamptz)) v(i, ts);
SELECT is((SELECT count(*)::int FROM public.interview_transcripts), 2, 'user reads own transcripts through the parent');
SELECT throws_ok($$SELECT count(*) FROM public.interview_transcripts_2026_03$$, '42501', NULL,
  'partitions are not reachable directly');
RESET ROLE;
SELECT is((SELECT tableoid::regclass::text FROM public.interview_transcripts WHERE sequence_number = 0
            AND user_id = (SELECT u FROM p)), 'interview_transcripts_2026_03', 'March 2026 lands in its month');
SELECT is((SELECT tableoid::regclass::text FROM public.interview_transcripts WHERE sequence_number = 1
            AND user_id = (SELECT u FROM p)), 'interview_transcripts_default', 'beyond the created months: default partition');

SELECT tests.login_as(adm) FROM p;
SELECT is(jsonb_array_length(public.get_complete_profile(u) -> 'work_experience'), 3, 'an admin reads another user''s profile') FROM p;
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
