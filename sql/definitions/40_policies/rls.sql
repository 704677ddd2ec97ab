-- The policies of every table in public (the baseline migration enables RLS).
--
-- Signed-in users (role authenticated) reach their own rows through user_id,
-- which every user-owned table carries and which the foreign keys
-- (user_id, parent_id) keep equal to the parent's owner along the chain
-- stream -> version -> parsed entity -> enrichment / link / merge decision.
-- Admins (app_metadata.role = 'admin' in the JWT) read everything users own
-- and manage normalized_entities; they read the audit log.  anon has no
-- policy and no privilege anywhere.  careeros_worker has its own policies.
--
-- Every auth.*() call is wrapped in (select ...) so it is evaluated once per
-- statement, not once per row, and there is exactly one permissive policy per
-- table, role and command.

DO $rls$
DECLARE
  t text;
  own constant text := 'user_id = (select auth.uid())';
  -- own rows, or all rows for an admin, as an indexable range (see
  -- public.rls_admin_bound)
  own_or_admin constant text := '(user_id BETWEEN coalesce((select public.rls_admin_bound(false)), (select auth.uid()))'
                                || ' AND coalesce((select public.rls_admin_bound(true)), (select auth.uid())))';
  user_tables constant text[] := ARRAY['career_profile', 'resume_streams', 'resume_versions',
    'work_experience', 'education', 'skill', 'project', 'certification',
    'interview_sessions', 'interview_contexts', 'interview_transcripts'];
  output_tables constant text[] := ARRAY['resume_version_texts', 'parsed_resume_entities', 'entry_enrichment',
    'career_enrichment', 'career_narratives', 'resume_entity_links', 'merge_decisions'];
  entity_tables constant text[] := ARRAY['work_experience', 'education', 'skill', 'project', 'certification'];
  all_tables text[];
  pol record;
BEGIN
  all_tables := user_tables || output_tables || ARRAY['profiles', 'user_sessions', 'normalized_entities',
                                                         'security_audit_log', 'monitoring_column_stats',
                                                         'logical_entities'];

  -- Re-application replaces this file's policies (by name) and leaves any
  -- policy an operator added alone.
  FOR pol IN SELECT p.policyname, p.tablename FROM pg_catalog.pg_policies p
              WHERE p.schemaname = 'public' AND p.tablename = ANY (all_tables)
                AND p.policyname IN (SELECT p.tablename || '_' || x FROM pg_catalog.unnest(ARRAY[
                      'select', 'insert', 'update', 'delete', 'worker_select', 'worker_insert',
                      'worker_update', 'worker_delete']) x) LOOP
    EXECUTE pg_catalog.format('DROP POLICY %I ON public.%I', pol.policyname, pol.tablename);
  END LOOP;

  -- profiles: keyed by id = auth.users.id
  CREATE POLICY profiles_select ON public.profiles FOR SELECT TO authenticated
    USING (id BETWEEN coalesce((select public.rls_admin_bound(false)), (select auth.uid()))
                  AND coalesce((select public.rls_admin_bound(true)), (select auth.uid())));
  CREATE POLICY profiles_insert ON public.profiles FOR INSERT TO authenticated
    WITH CHECK (id = (select auth.uid()));
  CREATE POLICY profiles_update ON public.profiles FOR UPDATE TO authenticated
    USING (id = (select auth.uid())) WITH CHECK (id = (select auth.uid()));
  CREATE POLICY profiles_delete ON public.profiles FOR DELETE TO authenticated
    USING (id = (select auth.uid()));

  -- Tables users write themselves.
  FOREACH t IN ARRAY user_tables LOOP
    EXECUTE pg_catalog.format('CREATE POLICY %I ON public.%I FOR SELECT TO authenticated USING %s',
      t || '_select', t, own_or_admin);
    EXECUTE pg_catalog.format('CREATE POLICY %I ON public.%I FOR INSERT TO authenticated WITH CHECK (%s)',
      t || '_insert', t, own);
    EXECUTE pg_catalog.format('CREATE POLICY %I ON public.%I FOR UPDATE TO authenticated USING (%s) WITH CHECK (%s)',
      t || '_update', t, own, own);
    EXECUTE pg_catalog.format('CREATE POLICY %I ON public.%I FOR DELETE TO authenticated USING (%s)',
      t || '_delete', t, own);
  END LOOP;

  -- Sessions: written by the backend (service_role); users read theirs.
  EXECUTE pg_catalog.format('CREATE POLICY user_sessions_select ON public.user_sessions FOR SELECT TO authenticated USING %s',
    own_or_admin);

  -- Owners of logical entities: registered by the versioned tables' insert
  -- trigger, with the inserting role's rights (a user registers their own).
  EXECUTE pg_catalog.format('CREATE POLICY logical_entities_select ON public.logical_entities FOR SELECT TO authenticated USING %s',
    own_or_admin);
  EXECUTE pg_catalog.format('CREATE POLICY logical_entities_insert ON public.logical_entities FOR INSERT TO authenticated WITH CHECK (%s)',
    own);
  CREATE POLICY logical_entities_worker_select ON public.logical_entities FOR SELECT TO careeros_worker USING (true);
  CREATE POLICY logical_entities_worker_insert ON public.logical_entities FOR INSERT TO careeros_worker WITH CHECK (true);

  -- Pipeline outputs: users read theirs; only the worker writes them.
  FOREACH t IN ARRAY output_tables LOOP
    EXECUTE pg_catalog.format('CREATE POLICY %I ON public.%I FOR SELECT TO authenticated USING %s',
      t || '_select', t, own_or_admin);
    EXECUTE pg_catalog.format('CREATE POLICY %I ON public.%I FOR SELECT TO careeros_worker USING (true)',
      t || '_worker_select', t);
    EXECUTE pg_catalog.format('CREATE POLICY %I ON public.%I FOR INSERT TO careeros_worker WITH CHECK (true)',
      t || '_worker_insert', t);
    IF t <> 'merge_decisions' THEN
      EXECUTE pg_catalog.format('CREATE POLICY %I ON public.%I FOR UPDATE TO careeros_worker USING (true) WITH CHECK (true)',
        t || '_worker_update', t);
      EXECUTE pg_catalog.format('CREATE POLICY %I ON public.%I FOR DELETE TO careeros_worker USING (true)',
        t || '_worker_delete', t);
    END IF;
  END LOOP;

  -- Merge proposals: users resolve their own (column privileges: the
  -- resolution columns only, see accept_merge_proposal).  Tombstones of what
  -- a user deleted: the user reads, writes (the delete trigger, as the user)
  -- and removes them; the merge reads them.
  DROP POLICY IF EXISTS merge_decisions_user_resolve ON public.merge_decisions;
  CREATE POLICY merge_decisions_user_resolve ON public.merge_decisions FOR UPDATE TO authenticated
    USING (user_id = (select auth.uid())) WITH CHECK (user_id = (select auth.uid()));
  DROP POLICY IF EXISTS merge_tombstones_select ON public.merge_tombstones;
  DROP POLICY IF EXISTS merge_tombstones_insert ON public.merge_tombstones;
  DROP POLICY IF EXISTS merge_tombstones_delete ON public.merge_tombstones;
  DROP POLICY IF EXISTS merge_tombstones_worker_select ON public.merge_tombstones;
  EXECUTE pg_catalog.format('CREATE POLICY merge_tombstones_select ON public.merge_tombstones FOR SELECT TO authenticated USING %s',
    own_or_admin);
  CREATE POLICY merge_tombstones_insert ON public.merge_tombstones FOR INSERT TO authenticated
    WITH CHECK (user_id = (select auth.uid()));
  CREATE POLICY merge_tombstones_delete ON public.merge_tombstones FOR DELETE TO authenticated
    USING (user_id = (select auth.uid()));
  CREATE POLICY merge_tombstones_worker_select ON public.merge_tombstones FOR SELECT TO careeros_worker
    USING (true);

  -- The queue row: the worker reads every version and updates the
  -- processing columns (column privileges narrow what it can change).
  CREATE POLICY resume_versions_worker_select ON public.resume_versions FOR SELECT TO careeros_worker USING (true);
  CREATE POLICY resume_versions_worker_update ON public.resume_versions FOR UPDATE TO careeros_worker
    USING (true) WITH CHECK (true);

  -- Versioned entities: the worker inserts upload-sourced versions tied to the
  -- resume version they came from (the FK keeps that version the same user's),
  -- and retires superseded versions (is_active only, by column privilege).
  FOREACH t IN ARRAY entity_tables LOOP
    EXECUTE pg_catalog.format('CREATE POLICY %I ON public.%I FOR SELECT TO careeros_worker USING (true)',
      t || '_worker_select', t);
    EXECUTE pg_catalog.format('CREATE POLICY %I ON public.%I FOR INSERT TO careeros_worker WITH CHECK (source = %L AND source_resume_version_id IS NOT NULL)',
      t || '_worker_insert', t, 'upload');
    EXECUTE pg_catalog.format('CREATE POLICY %I ON public.%I FOR UPDATE TO careeros_worker USING (true) WITH CHECK (true)',
      t || '_worker_update', t);
  END LOOP;

  -- normalized_entities: approved entries are shared knowledge; admins curate;
  -- the worker may propose (pending) entries.
  CREATE POLICY normalized_entities_select ON public.normalized_entities FOR SELECT TO authenticated
    USING (review_status = 'approved' OR (select public.is_admin()));
  CREATE POLICY normalized_entities_insert ON public.normalized_entities FOR INSERT TO authenticated
    WITH CHECK ((select public.is_admin()));
  CREATE POLICY normalized_entities_update ON public.normalized_entities FOR UPDATE TO authenticated
    USING ((select public.is_admin())) WITH CHECK ((select public.is_admin()));
  CREATE POLICY normalized_entities_delete ON public.normalized_entities FOR DELETE TO authenticated
    USING ((select public.is_admin()));
  CREATE POLICY normalized_entities_worker_select ON public.normalized_entities FOR SELECT TO careeros_worker
    USING (true);
  CREATE POLICY normalized_entities_worker_insert ON public.normalized_entities FOR INSERT TO careeros_worker
    WITH CHECK (review_status = 'pending');
  CREATE POLICY normalized_entities_worker_update ON public.normalized_entities FOR UPDATE TO careeros_worker
    USING (review_status = 'pending') WITH CHECK (review_status = 'pending');

  -- security_audit_log: admins read; the worker appends rows in its own name.
  CREATE POLICY security_audit_log_select ON public.security_audit_log FOR SELECT TO authenticated
    USING ((select public.is_admin()));
  -- monitoring_column_stats: admins read (written by its SECURITY DEFINER refresh).
  CREATE POLICY monitoring_column_stats_select ON public.monitoring_column_stats FOR SELECT TO authenticated
    USING ((select public.is_admin()));
  CREATE POLICY security_audit_log_worker_insert ON public.security_audit_log FOR INSERT TO careeros_worker
    WITH CHECK (actor = current_user);
END
$rls$;
