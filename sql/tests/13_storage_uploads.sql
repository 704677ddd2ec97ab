-- Triggered by uploads: a file that lands in the resumes bucket under
-- "<user_id>/..." becomes a pending version (stream, size, MIME and hash
-- from what Storage records), once per object content; anything else is
-- left alone.  Where Storage is missing (plain PostgreSQL) it is simulated
-- inside this transaction and the trigger installed by hand, as the README
-- tells operators who add Storage later.
BEGIN;
SELECT plan(22);

SELECT is(queue.install_storage_upload_trigger(), pg_catalog.to_regclass('storage.objects') IS NOT NULL,
  'the installer reports whether Storage is there');
\ir ../../tests/sql/storage-sim.sql
SELECT ok(queue.install_storage_upload_trigger(), 'with storage.objects the trigger is attached');
SELECT is((SELECT count(*)::int FROM pg_trigger WHERE tgrelid = 'storage.objects'::regclass
            AND tgname = 'careeros_version_from_upload'), 1, 'exactly one upload trigger');

CREATE TEMP TABLE su AS SELECT tests.create_user('up1@example.com') AS u1, tests.create_user('up2@example.com') AS u2;
GRANT SELECT ON su TO PUBLIC;
CREATE TEMP VIEW v1 AS SELECT rv.* FROM public.resume_versions rv, su WHERE rv.user_id = su.u1;

-- a plain upload: one pending version in a new "Default Resume" stream
INSERT INTO storage.objects (bucket_id, name, owner, metadata)
SELECT 'resumes', u1 || '/cv.pdf', u1,
       '{"eTag": "\"C01DB54145C367DE58951E242C4C6D73\"", "size": 13, "mimetype": "application/pdf"}' FROM su;
SELECT results_eq(
  $$SELECT file_name, file_size, mime_type, file_hash, processing_status, version_number, upload_metadata ->> 'source'
      FROM v1$$,
  $$VALUES ('cv.pdf', 13, 'application/pdf', 'md5:c01db54145c367de58951e242c4c6d73', 'pending', 1, 'storage')$$,
  'size, MIME and the MD5 eTag come from the object; the version is pending');
SELECT is((SELECT file_path FROM v1), (SELECT u1 || '/cv.pdf' FROM su), 'file_path is the object''s name');
SELECT is((SELECT s.name FROM public.resume_streams s JOIN v1 ON v1.stream_id = s.id), 'Default Resume',
  'the user''s default stream was created');

-- the same row written again (Storage touches last_accessed_at, rewrites metadata) is not a new version
UPDATE storage.objects SET metadata = metadata, last_accessed_at = now() WHERE name LIKE '%/cv.pdf';
SELECT is((SELECT count(*)::int FROM v1), 1, 'rewriting the same content adds nothing');
-- an upsert that replaces the file (new eTag) is version 2 of the same stream
UPDATE storage.objects SET metadata = metadata || '{"eTag": "\"0123456789abcdef0123456789abcdef\"", "size": 20}'
 WHERE name LIKE '%/cv.pdf';
SELECT results_eq($$SELECT version_number, file_size FROM v1 ORDER BY version_number$$,
  $$VALUES (1, 13), (2, 20)$$, 'a replaced file is the next version of the stream');
SELECT is((SELECT count(DISTINCT stream_id)::int FROM v1), 1, 'both in one stream');

-- a client-sent sha256 wins over the eTag; a multipart eTag is no MD5
INSERT INTO storage.objects (bucket_id, name, owner_id, metadata, user_metadata)
SELECT 'resumes', u1 || '/a/b/sha.txt', u1::text, '{"eTag": "\"abc\"", "size": 5, "mimetype": "text/plain"}',
       jsonb_build_object('sha256', repeat('AB', 32)) FROM su;
SELECT is((SELECT file_hash FROM v1 WHERE file_name = 'sha.txt'), repeat('ab', 32), 'user_metadata.sha256 is the hash');
INSERT INTO storage.objects (bucket_id, name, owner, metadata)
SELECT 'resumes', u1 || '/multi.pdf', u1, '{"eTag": "\"9b2cf535f27731c974343645a3985328-3\"", "size": 9}' FROM su;
SELECT results_eq($$SELECT file_hash, mime_type FROM v1 WHERE file_name = 'multi.pdf'$$,
  $$VALUES ('none', 'application/octet-stream')$$, 'a multipart eTag records no digest; no MIME: octet-stream');

-- user_metadata.stream_id picks one of the user's streams, never another user's
INSERT INTO public.resume_streams (user_id, name) SELECT u1, 'Engineering' FROM su;
INSERT INTO public.resume_streams (user_id, name) SELECT u2, 'Theirs' FROM su;
INSERT INTO storage.objects (bucket_id, name, owner, metadata, user_metadata)
SELECT 'resumes', u1 || '/eng.pdf', u1, '{"eTag": "\"e\"", "size": 3}',
       jsonb_build_object('stream_id', (SELECT id FROM public.resume_streams WHERE name = 'Engineering')) FROM su;
SELECT is((SELECT s.name FROM public.resume_streams s JOIN v1 ON v1.stream_id = s.id WHERE v1.file_name = 'eng.pdf'),
  'Engineering', 'user_metadata.stream_id chooses the stream');
SELECT is((SELECT version_number FROM v1 WHERE file_name = 'eng.pdf'), 1, 'numbered within that stream');
INSERT INTO storage.objects (bucket_id, name, owner, metadata, user_metadata)
SELECT 'resumes', u1 || '/theirs.pdf', u1, '{"eTag": "\"f\"", "size": 3}',
       jsonb_build_object('stream_id', (SELECT id FROM public.resume_streams WHERE name = 'Theirs')) FROM su;
SELECT is((SELECT s.name FROM public.resume_streams s JOIN v1 ON v1.stream_id = s.id WHERE v1.file_name = 'theirs.pdf'),
  'Default Resume', 'another user''s stream id falls back to the default stream');

-- an upload still in progress (no size yet) waits for its metadata
INSERT INTO storage.objects (bucket_id, name, owner) SELECT 'resumes', u1 || '/late.pdf', u1 FROM su;
SELECT is((SELECT count(*)::int FROM v1 WHERE file_name = 'late.pdf'), 0, 'no version before the metadata');
UPDATE storage.objects SET metadata = '{"eTag": "\"1\"", "size": 4, "mimetype": "application/pdf"}'
 WHERE name LIKE '%/late.pdf';
SELECT is((SELECT count(*)::int FROM v1 WHERE file_name = 'late.pdf'), 1, 'the version comes with the metadata');

-- left alone: other buckets, files outside a user folder, someone else's folder, unknown users
SELECT lives_ok($$INSERT INTO storage.objects (bucket_id, name, owner, metadata)
  SELECT 'avatars', u1 || '/me.png', u1, '{"size": 1}' FROM su$$, 'other bucket');
SELECT lives_ok($$INSERT INTO storage.objects (bucket_id, name, metadata) VALUES ('resumes', 'loose.pdf', '{"size": 1}')$$,
  'outside any folder');
SELECT lives_ok($$INSERT INTO storage.objects (bucket_id, name, owner, metadata)
  SELECT 'resumes', u2 || '/planted.pdf', u1, '{"size": 1}' FROM su$$, 'user 1 uploading into user 2''s folder');
SELECT lives_ok($$INSERT INTO storage.objects (bucket_id, name, metadata)
  VALUES ('resumes', '00000000-0000-4000-8000-0000000000ff/x.pdf', '{"size": 1}')$$, 'a folder of no user');
SELECT is((SELECT count(*)::int FROM public.resume_versions rv, su WHERE rv.user_id IN (su.u1, su.u2)), 7,
  'none of those made a version (7 from the uploads above)');
SELECT is((SELECT count(*)::int FROM public.resume_versions rv, su WHERE rv.user_id = su.u2), 0,
  'nothing lands in user 2''s profile');

SELECT * FROM finish();
ROLLBACK;
