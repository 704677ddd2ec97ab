-- A version names a file in its owner's folder ("<user id>/..."), and in
-- Supabase Storage (where storage.objects exists) a user reads and writes
-- only their own folder of the resumes bucket.
BEGIN;
SELECT plan(12);

CREATE TEMP TABLE fp AS
SELECT a, b, tests.create_version(a) AS va, tests.create_version(b) AS vb
  FROM (SELECT tests.create_user('fp-a@example.com') AS a, tests.create_user('fp-b@example.com') AS b) s;
GRANT SELECT ON fp TO PUBLIC;
CREATE TEMP TABLE fp_stream AS SELECT stream_id FROM public.resume_versions WHERE id = (SELECT va FROM fp);
GRANT SELECT ON fp_stream TO PUBLIC;

SELECT tests.login_as(a) FROM fp;
CREATE FUNCTION pg_temp.upload(p_path text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.resume_versions (stream_id, file_name, file_path, file_size, file_hash, mime_type)
  SELECT stream_id, 'cv.pdf', p_path, 10, repeat('d', 64), 'application/pdf' FROM fp_stream;
  RETURN 'ok';
EXCEPTION WHEN check_violation THEN
  RETURN SQLSTATE || ' ' || (SELECT CASE WHEN SQLERRM LIKE '%resume_versions_file_path_in_owner_folder%'
                                         THEN 'owner folder' ELSE SQLERRM END);
END $$;
SELECT is(pg_temp.upload(a || '/cv.pdf'), 'ok', 'a file in the owner''s folder') FROM fp;
SELECT is(pg_temp.upload(a || '/2026/cv.pdf'), 'ok', 'a file in a subfolder of it') FROM fp;
SELECT is(pg_temp.upload(p), '23514 owner folder', 'refused: ' || d)
  FROM fp, LATERAL (VALUES (b || '/cv.pdf', 'another user''s folder'), ('cv.pdf', 'no folder'),
                           (a || '/../' || b || '/cv.pdf', 'a .. segment'), (a || '//cv.pdf', 'an empty segment'),
                           (a || '/', 'the folder itself'), ('/' || a || '/cv.pdf', 'an absolute path')) t(p, d);
RESET ROLE;

CREATE FUNCTION pg_temp.storage_checks() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  ua uuid := (SELECT a FROM fp);
  ub uuid := (SELECT b FROM fp);
BEGIN
  IF pg_catalog.to_regclass('storage.objects') IS NULL THEN
    RETURN NEXT skip('no storage.objects here (plain PostgreSQL)', 4);
    RETURN;
  END IF;
  INSERT INTO storage.objects (bucket_id, name, owner) VALUES ('resumes', ub || '/cv.pdf', ub);
  PERFORM tests.login_as(ua);
  RETURN NEXT lives_ok(format($q$INSERT INTO storage.objects (bucket_id, name, owner) VALUES ('resumes', %L, %L)$q$,
                              ua || '/cv.pdf', ua), 'storage: a user writes into their folder of the resumes bucket');
  RETURN NEXT throws_ok(format($q$INSERT INTO storage.objects (bucket_id, name, owner) VALUES ('resumes', %L, %L)$q$,
                               ub || '/mine-now.pdf', ua), '42501', NULL, 'storage: not into another user''s folder');
  RETURN NEXT throws_ok(format($q$INSERT INTO storage.objects (bucket_id, name, owner) VALUES ('avatars', %L, %L)$q$,
                               ua || '/cv.pdf', ua), '42501', NULL, 'storage: the policies cover the resumes bucket only');
  RETURN NEXT is((SELECT array_agg(name) FROM storage.objects), ARRAY[ua || '/cv.pdf'],
                 'storage: and reads only that folder');
  RESET ROLE;
END $$;
SELECT * FROM pg_temp.storage_checks();

SELECT * FROM finish();
ROLLBACK;
