-- Supabase Storage: in the "resumes" bucket a signed-in user reads and
-- writes only objects under their own folder, "<user id>/...", the layout
-- resume_versions.file_path must follow.  Applies only where storage.objects
-- exists (Supabase) and this role may create policies on it; elsewhere it
-- does nothing.  The worker reads with its own storage key and checks the
-- owner's folder itself (STORAGE_PATH_NOT_OWNED).
DO $storage$
DECLARE
  own constant text := 'bucket_id = ''resumes'' AND pg_catalog.split_part(name, ''/'', 1) = (select auth.uid())::text';
BEGIN
  IF pg_catalog.to_regclass('storage.objects') IS NULL THEN
    RETURN;
  END IF;
  IF NOT pg_catalog.pg_has_role(current_user, (SELECT c.relowner FROM pg_catalog.pg_class c
                                                 WHERE c.oid = 'storage.objects'::regclass), 'MEMBER') THEN
    RAISE NOTICE 'storage.objects: policies for the resumes bucket not created (run this file as the table''s owner)';
    RETURN;
  END IF;
  DROP POLICY IF EXISTS careeros_resumes_select ON storage.objects;
  DROP POLICY IF EXISTS careeros_resumes_insert ON storage.objects;
  DROP POLICY IF EXISTS careeros_resumes_update ON storage.objects;
  DROP POLICY IF EXISTS careeros_resumes_delete ON storage.objects;
  EXECUTE pg_catalog.format('CREATE POLICY careeros_resumes_select ON storage.objects FOR SELECT TO authenticated USING (%s)', own);
  EXECUTE pg_catalog.format('CREATE POLICY careeros_resumes_insert ON storage.objects FOR INSERT TO authenticated WITH CHECK (%s)', own);
  EXECUTE pg_catalog.format('CREATE POLICY careeros_resumes_update ON storage.objects FOR UPDATE TO authenticated USING (%s) WITH CHECK (%s)', own, own);
  EXECUTE pg_catalog.format('CREATE POLICY careeros_resumes_delete ON storage.objects FOR DELETE TO authenticated USING (%s)', own);
END
$storage$;
