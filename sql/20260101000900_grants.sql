-- Privileges.  Supabase's default privileges hand every new table and
-- function in public to anon and authenticated; we revoke everything first
-- and grant exactly what each role needs.  RLS then narrows rows.

DO $grants$
DECLARE
  t text;
  f regprocedure;
  user_tables constant text[] := ARRAY['profiles', 'career_profile', 'user_sessions', 'resume_streams',
    'work_experience', 'education', 'skill', 'project', 'certification',
    'interview_sessions', 'interview_contexts', 'interview_transcripts'];
  output_tables constant text[] := ARRAY['resume_version_texts', 'parsed_resume_entities', 'entry_enrichment',
    'career_enrichment', 'career_narratives', 'resume_entity_links'];
  entity_tables constant text[] := ARRAY['work_experience', 'education', 'skill', 'project', 'certification'];
  all_tables constant text[] := user_tables || output_tables ||
    ARRAY['resume_versions', 'merge_decisions', 'normalized_entities', 'security_audit_log',
          'performance_monitoring', 'table_sizes', 'user_career_stats', 'monitoring_column_stats'];
BEGIN
  FOREACH t IN ARRAY all_tables LOOP
    EXECUTE pg_catalog.format('REVOKE ALL ON public.%I FROM PUBLIC, anon, authenticated, careeros_worker', t);
    EXECUTE pg_catalog.format('GRANT ALL ON public.%I TO service_role', t);
  END LOOP;

  -- signed-in users (rows limited by RLS)
  FOREACH t IN ARRAY user_tables LOOP
    EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE, DELETE ON public.%I TO authenticated', t);
  END LOOP;
  FOREACH t IN ARRAY output_tables || ARRAY['merge_decisions', 'security_audit_log',
                                            'performance_monitoring', 'table_sizes', 'monitoring_column_stats'] LOOP
    EXECUTE pg_catalog.format('GRANT SELECT ON public.%I TO authenticated', t);
  END LOOP;
  GRANT SELECT, INSERT, UPDATE, DELETE ON public.normalized_entities TO authenticated;
  -- the web app uploads (pending rows) and deletes versions; the queue
  -- columns are the worker's
  GRANT SELECT, DELETE ON public.resume_versions TO authenticated;
  GRANT INSERT (id, stream_id, user_id, version_number, file_name, file_path, file_size, file_hash, mime_type,
                upload_metadata, resume_metadata) ON public.resume_versions TO authenticated;
  GRANT UPDATE (file_name, resume_metadata) ON public.resume_versions TO authenticated;

  -- the worker
  GRANT SELECT ON public.resume_versions TO careeros_worker;
  GRANT UPDATE (processing_status, processing_progress, current_stage, processing_stages, processing_errors,
                processing_telemetry, resume_metadata, attempts, run_after, locked_by, lease_token,
                lease_expires_at, updated_at) ON public.resume_versions TO careeros_worker;
  FOREACH t IN ARRAY output_tables LOOP
    EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE, DELETE ON public.%I TO careeros_worker', t);
  END LOOP;
  GRANT SELECT, INSERT ON public.merge_decisions TO careeros_worker;
  FOREACH t IN ARRAY entity_tables LOOP
    EXECUTE pg_catalog.format('GRANT SELECT, INSERT ON public.%I TO careeros_worker', t);
    EXECUTE pg_catalog.format('GRANT UPDATE (is_active, updated_at) ON public.%I TO careeros_worker', t);
  END LOOP;
  GRANT SELECT ON public.normalized_entities TO careeros_worker;
  GRANT INSERT (entity_type, canonical_name, aliases, confidence_score, review_status, metadata),
        UPDATE (aliases, confidence_score, metadata, updated_at)
    ON public.normalized_entities TO careeros_worker;
  GRANT INSERT (user_id, action, resource_type, resource_id, details) ON public.security_audit_log TO careeros_worker;

  -- Functions: nothing for PUBLIC/anon; each role gets what it calls.
  FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
            WHERE p.pronamespace = 'public'::regnamespace
              AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') LOOP
    EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC, anon, authenticated, careeros_worker', f);
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO service_role', f);
  END LOOP;
  -- helpers evaluated inside policies, triggers and generated columns run
  -- with the caller's rights, so the callers need them
  GRANT EXECUTE ON FUNCTION public.is_admin(), public.rls_admin_bound(boolean), public.normalize_name(text), public.normalize_names(text[]),
    public.parse_partial_date(text), public.format_partial_date(date, text), public.is_present_date_text(text),
    public.jsonb_clean_text(jsonb, text), public.try_jsonb(text), public.jsonresume_date(text),
    public.jsonresume_highlights(text)
    TO authenticated, careeros_worker;
  GRANT EXECUTE ON FUNCTION public.calculate_profile_completeness(uuid), public.get_complete_profile(uuid),
    public.resume_version_jsonresume(uuid)
    TO authenticated;
  GRANT EXECUTE ON FUNCTION public.merge_resume_version(uuid), public.match_normalized_entity(text, text[]),
    public.resume_version_jsonresume(uuid), public.refresh_user_career_stats()
    TO careeros_worker;
END
$grants$;

-- Schema access for the worker.  On Supabase, postgres holds these with
-- grant option; where it does not, say so instead of failing the migration.
DO $schemas$
BEGIN
  GRANT USAGE ON SCHEMA public TO careeros_worker;
  BEGIN
    GRANT USAGE ON SCHEMA extensions TO careeros_worker;
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'could not grant USAGE on schema extensions to careeros_worker: grant it as the schema owner (merge_resume_version needs pg_trgm)';
  END;
END
$schemas$;
