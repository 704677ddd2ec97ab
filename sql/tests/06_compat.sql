-- The Supabase shim: auth helpers read the JWT claims as Supabase's do;
-- roles, schemas, extensions; pgvector optional; partitions.
BEGIN;
SELECT plan(22);

SELECT has_schema('auth');
SELECT has_schema('extensions');
SELECT has_table('auth', 'users', 'auth.users exists');
SELECT has_column('auth', 'users', c, 'auth.users.' || c)
  FROM unnest(ARRAY['id', 'email', 'phone', 'raw_app_meta_data', 'raw_user_meta_data', 'created_at', 'updated_at']) c;
SELECT has_role(r) FROM unnest(ARRAY['anon', 'authenticated', 'service_role', 'authenticator']) r;

SELECT set_config('request.jwt.claims',
  '{"sub":"00000000-0000-0000-0000-0000000000aa","role":"authenticated","email":"x@example.com","app_metadata":{"role":"admin"}}', true);
SELECT results_eq($$SELECT auth.uid()::text, auth.role(), auth.email(), auth.jwt() -> 'app_metadata' ->> 'role'$$,
  $$VALUES ('00000000-0000-0000-0000-0000000000aa', 'authenticated', 'x@example.com', 'admin')$$,
  'auth.uid/role/email/jwt read request.jwt.claims');
SELECT set_config('request.jwt.claims', '', true);
SELECT set_config('request.jwt.claim.sub', '00000000-0000-0000-0000-0000000000bb', true);
SELECT is(auth.uid()::text, '00000000-0000-0000-0000-0000000000bb', 'auth.uid() falls back to request.jwt.claim.sub');
SELECT set_config('request.jwt.claim.sub', '', true);
SELECT ok(auth.uid() IS NULL AND auth.jwt() IS NULL, 'no claims: auth.uid() and auth.jwt() are NULL');

SELECT is((SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'), 'extensions',
  'pg_trgm lives in schema extensions');
SELECT ok(CASE WHEN EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector')
               THEN EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'public.normalized_entities'::regclass
                             AND attname = 'embedding_vector' AND NOT attisdropped)
               ELSE NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'public.normalized_entities'::regclass
                                 AND attname = 'embedding_vector' AND NOT attisdropped) END,
  'embedding_vector exists exactly when pgvector is installed');

SELECT is(public.create_interview_transcript_partitions('2030-01-01', 2), 2, 'partition helper creates months');
SELECT ok((SELECT relrowsecurity FROM pg_class WHERE oid = 'public.interview_transcripts_2030_02'::regclass),
  'new partitions get RLS');
SELECT ok(NOT has_table_privilege('authenticated', 'public.interview_transcripts_2030_02', 'SELECT'),
  'new partitions are not reachable by API roles directly');

SELECT * FROM finish();
ROLLBACK;
