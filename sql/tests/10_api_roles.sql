-- What the API roles may not do (issue 13): forge or erase session rows,
-- erase merge decisions by deleting parsed rows, upload a version into a
-- stream that is not theirs; uploads without user_id get the stream's
-- owner; the shim's authenticator cannot log in; API statements time out.
BEGIN;
SELECT plan(17);

CREATE TEMP TABLE ar AS
SELECT a, b, tests.seed_user(a) AS va, tests.seed_user(b) AS vb
  FROM (SELECT tests.create_user('ar-a@example.com') AS a, tests.create_user('ar-b@example.com') AS b) s;
GRANT SELECT ON ar TO PUBLIC;

-- sessions
SELECT tests.login_as(a) FROM ar;
SELECT throws_ok(format($$INSERT INTO public.user_sessions (user_id) VALUES (%L)$$, a), '42501', NULL,
                 'a user cannot create a session row, even their own') FROM ar;
SELECT throws_ok(format($$DELETE FROM public.user_sessions WHERE user_id = %L$$, a), '42501', NULL,
                 'a user cannot delete their session rows') FROM ar;
SELECT throws_ok(format($$UPDATE public.user_sessions SET ended_at = now() WHERE user_id = %L$$, a), '42501', NULL,
                 'a user cannot change their session rows') FROM ar;
SELECT is((SELECT count(*)::int FROM public.user_sessions), 1, 'a user reads their session rows');

-- uploads: user_id from the stream
SELECT lives_ok(format($$INSERT INTO public.resume_versions (stream_id, file_name, file_path, file_size, file_hash, mime_type)
                         SELECT stream_id, 'cv2.pdf', %L || '/cv2.pdf', 10, repeat('c', 64), 'application/pdf'
                           FROM public.resume_versions WHERE id = %L$$, a, va),
                'an upload without user_id is accepted') FROM ar;
SELECT is((SELECT user_id FROM public.resume_versions WHERE file_name = 'cv2.pdf'), a,
          'and gets the stream owner''s user_id') FROM ar;
SELECT throws_ok(format($$INSERT INTO public.resume_versions (stream_id, file_name, file_path, file_size, file_hash, mime_type, queue_rank)
                          SELECT stream_id, 'cv3.pdf', %L || '/cv3.pdf', 10, repeat('c', 64), 'application/pdf', 0
                            FROM public.resume_versions WHERE id = %L$$, a, va),
                 '42501', NULL, 'a user cannot choose their place in the queue') FROM ar;
RESET ROLE;
CREATE TEMP TABLE bstream AS SELECT stream_id FROM public.resume_versions WHERE id = (SELECT vb FROM ar);
GRANT SELECT ON bstream TO PUBLIC;
SELECT tests.login_as(a) FROM ar;
SELECT throws_ok($$INSERT INTO public.resume_versions (stream_id, file_name, file_path, file_size, file_hash, mime_type)
                   SELECT stream_id, 'x.pdf', 'x/x.pdf', 10, repeat('c', 64), 'application/pdf' FROM bstream$$,
                 '42501', NULL, 'an upload without user_id into another user''s stream is refused');
SELECT throws_ok(format($$INSERT INTO public.resume_versions (stream_id, user_id, file_name, file_path, file_size, file_hash, mime_type)
                          SELECT stream_id, %L, 'x.pdf', %L || '/x.pdf', 10, repeat('c', 64), 'application/pdf' FROM bstream$$, a, a),
                 '23503', NULL, 'an upload naming itself as owner of another user''s stream is refused') FROM ar;
RESET ROLE;
SELECT throws_ok(format($$INSERT INTO public.resume_versions (stream_id, user_id, file_name, file_path, file_size, file_hash, mime_type)
                          SELECT stream_id, %L, 'x.pdf', %L || '/x.pdf', 10, repeat('c', 64), 'application/pdf' FROM bstream$$, a, a),
                 '23503', NULL, 'a user_id that does not match the stream is refused for every role') FROM ar;

-- merge decisions outlive the parsed rows they came from
CREATE TEMP TABLE md AS SELECT count(*) AS n FROM public.merge_decisions WHERE resume_version_id = (SELECT va FROM ar);
SELECT tests.as_worker();
SELECT lives_ok(format($$DELETE FROM public.parsed_resume_entities WHERE resume_version_id = %L$$, va),
                'the worker deletes a version''s parsed rows') FROM ar;
RESET ROLE;
SELECT is((SELECT count(*) FROM public.merge_decisions WHERE resume_version_id = (SELECT va FROM ar)),
          (SELECT n FROM md), 'its merge decisions stay');
SELECT ok((SELECT n FROM md) > 0 AND (SELECT bool_and(parsed_entity_id IS NULL) FROM public.merge_decisions
                                       WHERE resume_version_id = (SELECT va FROM ar)),
          'without the link to the deleted rows');
SELECT tests.login_as(b) FROM ar;
SELECT lives_ok(format($$DELETE FROM public.resume_versions WHERE id = %L$$, vb), 'a user deletes a version') FROM ar;
RESET ROLE;
SELECT is((SELECT count(*)::int FROM public.merge_decisions WHERE resume_version_id = (SELECT vb FROM ar)), 0,
          'and its merge decisions and parsed rows go with it');

-- roles
SELECT ok(NOT (SELECT rolcanlogin FROM pg_roles WHERE rolname = 'authenticator')
          OR (SELECT rolpassword IS NOT NULL FROM pg_authid WHERE rolname = 'authenticator'),
          'authenticator cannot log in without a password the operator set');
SELECT is((SELECT array_agg(r.rolname || ' ' || c ORDER BY r.rolname) FROM pg_db_role_setting s
             JOIN pg_roles r ON r.oid = s.setrole, unnest(s.setconfig) c
            WHERE s.setdatabase = 0 AND r.rolname IN ('anon', 'authenticated') AND c LIKE 'statement_timeout=%'),
          ARRAY['anon statement_timeout=3s', 'authenticated statement_timeout=8s'],
          'anon and authenticated have a statement_timeout');

SELECT * FROM finish();
ROLLBACK;
