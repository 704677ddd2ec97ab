-- Row Level Security: for every user-owned table, user A cannot select,
-- insert, update or delete user B's rows; anon gets nothing; an admin by
-- app_metadata reads; a user who writes {"user_role":"admin"} (or "role")
-- into their own user metadata gains nothing.
BEGIN;
SELECT plan(309);

CREATE TEMP TABLE ids AS
SELECT tests.create_user('a@example.com') AS a,
       tests.create_user('b@example.com') AS b,
       tests.create_user('admin@example.com', '{"role":"admin"}') AS adm,
       tests.create_user('faker@example.com', '{}', '{"user_role":"admin","role":"admin"}') AS fake;
CREATE TEMP TABLE seeded AS SELECT tests.seed_user(a) AS va, tests.seed_user(b) AS vb, tests.seed_user(fake) AS vf FROM ids;

CREATE TEMP TABLE tt (tbl text, col text, setcol text, kind text);
INSERT INTO tt VALUES
  ('profiles', 'id', 'updated_at', 'user'), ('career_profile', 'user_id', 'updated_at', 'user'),
  ('user_sessions', 'user_id', 'updated_at', 'output'), ('resume_streams', 'user_id', 'updated_at', 'user'),
  ('resume_versions', 'user_id', 'file_name', 'user'), ('work_experience', 'user_id', 'updated_at', 'user'),
  ('education', 'user_id', 'updated_at', 'user'), ('skill', 'user_id', 'updated_at', 'user'),
  ('project', 'user_id', 'updated_at', 'user'), ('certification', 'user_id', 'updated_at', 'user'),
  ('interview_sessions', 'user_id', 'updated_at', 'user'), ('interview_contexts', 'user_id', 'updated_at', 'user'),
  ('interview_transcripts', 'user_id', 'content', 'user'),
  ('resume_version_texts', 'user_id', 'content', 'output'), ('parsed_resume_entities', 'user_id', 'updated_at', 'output'),
  ('entry_enrichment', 'user_id', 'updated_at', 'output'), ('career_enrichment', 'user_id', 'updated_at', 'output'),
  ('career_narratives', 'user_id', 'updated_at', 'output'), ('resume_entity_links', 'user_id', 'updated_at', 'output'),
  ('merge_decisions', 'user_id', 'reason', 'output');

-- B's rows as the superuser sees them, and a copy of one with a fresh id.
CREATE TEMP TABLE baseline AS
SELECT tbl, col, tests.try_count(tbl, col, (SELECT b FROM ids)) AS n,
       CASE WHEN tbl IN ('profiles', 'resume_version_texts') THEN tests.row_image(tbl, col, (SELECT b FROM ids))
            ELSE tests.row_image(tbl, col, (SELECT b FROM ids)) || jsonb_build_object('id', gen_random_uuid()) END AS img
  FROM tt;
GRANT SELECT ON ids, tt, baseline TO PUBLIC;

SELECT ok((SELECT bool_and(n > 0) FROM baseline), 'fixture: B owns rows in every table');

-- user A
SELECT tests.login_as(a) FROM ids;
SELECT ok(tests.try_count(tbl, col, (SELECT a FROM ids)) > 0, 'A reads own rows in ' || tbl) FROM tt;
SELECT is(tests.try_count(tbl, col, (SELECT b FROM ids)), 0::bigint, 'A cannot select B''s rows in ' || tbl) FROM tt;
SELECT is(tests.try_insert(tbl, img), '42501', 'A cannot insert a row owned by B into ' || tbl) FROM baseline;
SELECT ok(tests.try_update(tbl, setcol, col, (SELECT b FROM ids)) <= 0, 'A cannot update B''s rows in ' || tbl) FROM tt;
SELECT ok(tests.try_delete(tbl, col, (SELECT b FROM ids)) <= 0, 'A cannot delete B''s rows in ' || tbl) FROM tt;
SELECT ok(tests.try_update(tbl, setcol, col, (SELECT a FROM ids)) > 0, 'A can update own rows in ' || tbl)
  FROM tt WHERE kind = 'user';
SELECT is(tests.try_update(tbl, setcol, col, (SELECT a FROM ids)), -1::bigint, 'A cannot update ' || tbl || ' (written by the worker or the backend)')
  FROM tt WHERE kind = 'output';
RESET ROLE;
SELECT is(tests.try_count(b.tbl, b.col, (SELECT b FROM ids)), b.n, 'B''s rows in ' || b.tbl || ' are intact') FROM baseline b;

-- anon
SELECT tests.login_anon();
SELECT is(tests.try_count(tbl, col, (SELECT b FROM ids)), -1::bigint, 'anon cannot select from ' || tbl) FROM tt;
SELECT is(tests.try_insert(tbl, img), '42501', 'anon cannot insert into ' || tbl) FROM baseline;
SELECT is(tests.try_count(t, 'id', NULL), -1::bigint, 'anon cannot select from ' || t)
  FROM unnest(ARRAY['normalized_entities', 'security_audit_log']) t;
SELECT throws_ok('SELECT public.calculate_profile_completeness(''' || b || ''')', '42501', NULL,
  'anon cannot call calculate_profile_completeness') FROM ids;
SELECT throws_ok('SELECT * FROM public.table_sizes', '42501', NULL, 'anon cannot read table_sizes');
SELECT throws_ok('SELECT * FROM public.performance_monitoring', '42501', NULL, 'anon cannot read performance_monitoring');
SELECT throws_ok('SELECT public.refresh_performance_monitoring()', '42501', NULL,
  'anon cannot call refresh_performance_monitoring');
RESET ROLE;

-- statistics for performance_monitoring: analyse a table that has rows, and
-- snapshot them as the service role would (e.g. from pg_cron)
ANALYZE public.resume_versions;
SET LOCAL ROLE service_role;
CREATE TEMP TABLE mon AS SELECT public.refresh_performance_monitoring() AS n;
RESET ROLE;
SELECT ok((SELECT n FROM mon) > 0, 'service_role snapshots column statistics for performance_monitoring');

-- admin by app_metadata
SELECT tests.login_as(adm) FROM ids;
SELECT ok(tests.try_count(tbl, col, (SELECT b FROM ids)) > 0, 'admin (app_metadata) reads B''s rows in ' || tbl) FROM tt;
SELECT ok(tests.try_delete(tbl, col, (SELECT b FROM ids)) <= 0, 'admin cannot delete B''s rows in ' || tbl) FROM tt;
SELECT ok((SELECT count(*) FROM public.security_audit_log) > 0, 'admin reads the audit log');
SELECT ok((SELECT count(*) FROM public.table_sizes) > 0, 'admin reads table_sizes');
SELECT is((SELECT count(*)::int FROM public.performance_monitoring
            WHERE tablename = 'resume_versions' AND attname = 'user_id' AND null_frac IS NOT NULL AND n_distinct IS NOT NULL),
          1, 'admin reads the column statistics of resume_versions in performance_monitoring');
SELECT ok((SELECT count(DISTINCT tablename) FROM public.performance_monitoring
            WHERE tablename IN ('resume_versions', 'parsed_resume_entities', 'entry_enrichment', 'normalized_entities')) = 4,
          'admin sees each table''s activity in performance_monitoring');
SELECT ok((SELECT count(*) FROM public.monitoring_column_stats) > 0, 'admin reads monitoring_column_stats');
SELECT lives_ok($$INSERT INTO public.normalized_entities (entity_type, canonical_name, review_status)
                  VALUES ('company', 'Admin Corp', 'pending')$$, 'admin inserts into normalized_entities');
SELECT is((SELECT count(*)::int FROM public.normalized_entities WHERE canonical_name = 'Admin Corp'), 1,
  'admin sees pending normalized entities');
SELECT lives_ok($$UPDATE public.normalized_entities SET review_status = 'approved' WHERE canonical_name = 'Admin Corp'$$,
  'admin approves a normalized entity');
SELECT is((public.calculate_profile_completeness(b) ->> 'work_experience_count')::int, 1,
  'admin may compute another user''s completeness') FROM ids;
RESET ROLE;
INSERT INTO public.normalized_entities (entity_type, canonical_name, review_status) VALUES ('company', 'Pending Corp', 'pending');

-- a user who claims admin in user metadata
SELECT tests.login_as(fake) FROM ids;
SELECT is(tests.try_count(tbl, col, (SELECT b FROM ids)), 0::bigint,
  'user_metadata "admin" cannot select B''s rows in ' || tbl) FROM tt;
SELECT is((SELECT count(*)::int FROM public.security_audit_log), 0, 'user_metadata "admin" reads no audit log');
SELECT is((SELECT count(*)::int FROM public.table_sizes), 0, 'user_metadata "admin" sees no table sizes');
SELECT is((SELECT count(*)::int FROM public.performance_monitoring), 0, 'user_metadata "admin" gets no performance_monitoring rows');
SELECT is((SELECT count(*)::int FROM public.monitoring_column_stats), 0, 'user_metadata "admin" reads no monitoring_column_stats');
SELECT throws_ok($$INSERT INTO public.normalized_entities (entity_type, canonical_name) VALUES ('company', 'Fake Corp')$$,
  '42501', NULL, 'user_metadata "admin" cannot write normalized_entities');
SELECT throws_ok('SELECT public.calculate_profile_completeness(''' || b || ''')', '42501', NULL,
  'user_metadata "admin" cannot compute another user''s completeness') FROM ids;
SELECT is((public.get_complete_profile(b) -> 'work_experience'), '[]'::jsonb,
  'user_metadata "admin" gets an empty profile for another user') FROM ids;
RESET ROLE;

-- user A, specifics
SELECT tests.login_as(a) FROM ids;
SELECT is((SELECT count(*)::int FROM public.normalized_entities WHERE canonical_name = 'Admin Corp'), 1,
  'users read approved normalized entities');
SELECT is((SELECT count(*)::int FROM public.normalized_entities WHERE review_status <> 'approved'), 0,
  'users do not see pending normalized entities');
SELECT throws_ok($$INSERT INTO public.normalized_entities (entity_type, canonical_name) VALUES ('company', 'Mine')$$,
  '42501', NULL, 'users cannot write normalized_entities');
SELECT is((SELECT count(*)::int FROM public.security_audit_log), 0, 'users read no audit log');
SELECT is((SELECT count(*)::int FROM public.performance_monitoring), 0, 'users get no performance_monitoring rows');
SELECT is((SELECT count(*)::int FROM public.monitoring_column_stats), 0, 'users read no monitoring_column_stats');
SELECT throws_ok('SELECT public.refresh_performance_monitoring()', '42501', NULL,
  'users cannot call refresh_performance_monitoring');
SELECT is((public.calculate_profile_completeness(a) ->> 'work_experience_count')::int, 1,
  'A computes own completeness') FROM ids;
SELECT throws_ok('SELECT public.calculate_profile_completeness(''' || b || ''')', '42501', NULL,
  'completeness refuses another user''s id') FROM ids;
SELECT is(jsonb_array_length(public.get_complete_profile() -> 'work_experience'), 1,
  'get_complete_profile() returns the caller''s profile');
SELECT throws_ok($$SELECT 1 FROM auth.users$$, '42501', NULL, 'users cannot read auth.users');
-- uploads: own stream only; queue columns are not the user's
SELECT throws_ok(format($$INSERT INTO public.resume_versions (stream_id, user_id, file_name, file_path, file_size, file_hash, mime_type)
                          VALUES (%L, %L, 'x.pdf', %L || '/x.pdf', 1, 'h', 'application/pdf')$$,
                        (SELECT stream_id FROM baseline, LATERAL jsonb_to_record(img) AS r(stream_id uuid) WHERE tbl = 'resume_versions'), a, a),
  '23503', NULL, 'A cannot attach a version to B''s stream (stream owner must match)') FROM ids;
SELECT lives_ok(format($$INSERT INTO public.resume_versions (stream_id, user_id, file_name, file_path, file_size, file_hash, mime_type)
                         SELECT id, %L, 'x.pdf', %L || '/x.pdf', 1, 'h', 'application/pdf' FROM public.resume_streams WHERE user_id = %L$$, a, a, a),
  'A uploads a version into own stream') FROM ids;
SELECT throws_ok($$UPDATE public.resume_versions SET processing_status = 'completed'$$, '42501', NULL,
  'users cannot change processing_status');
SELECT throws_ok($$UPDATE public.resume_versions SET lease_token = gen_random_uuid()$$, '42501', NULL,
  'users cannot touch the queue columns');
RESET ROLE;

-- deleting a stream deletes its versions and their outputs; merged entities stay
SELECT tests.login_as(a) FROM ids;
SELECT lives_ok('DELETE FROM public.resume_streams', 'A deletes own streams');
RESET ROLE;
SELECT is(tests.try_count(t, 'user_id', (SELECT a FROM ids)), 0::bigint, 'stream delete cascaded to ' || t)
  FROM unnest(ARRAY['resume_versions', 'resume_version_texts', 'parsed_resume_entities', 'entry_enrichment',
                    'career_enrichment', 'career_narratives', 'resume_entity_links', 'merge_decisions']) t;
SELECT is(tests.try_count('work_experience', 'user_id', (SELECT a FROM ids)), 1::bigint, 'merged entities survive a stream delete');

-- deleting the auth user deletes everything of theirs
DELETE FROM auth.users WHERE id = (SELECT b FROM ids);
SELECT is(tests.try_count(tbl, col, (SELECT b FROM ids)), 0::bigint, 'user delete cascaded to ' || tbl) FROM tt;

SELECT * FROM finish();
ROLLBACK;
