-- The merge's per-table statements, static so that their plans are cached.
-- SECURITY INVOKER: the caller's rights and RLS apply as to a direct write.
CREATE OR REPLACE FUNCTION public.next_entity_version(p_table text, p_logical uuid)
RETURNS integer
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN CASE p_table
    WHEN 'work_experience' THEN (SELECT max(t.version) + 1 FROM public.work_experience t WHERE t.logical_entity_id = p_logical)
    WHEN 'education' THEN (SELECT max(t.version) + 1 FROM public.education t WHERE t.logical_entity_id = p_logical)
    WHEN 'skill' THEN (SELECT max(t.version) + 1 FROM public.skill t WHERE t.logical_entity_id = p_logical)
    WHEN 'project' THEN (SELECT max(t.version) + 1 FROM public.project t WHERE t.logical_entity_id = p_logical)
    WHEN 'certification' THEN (SELECT max(t.version) + 1 FROM public.certification t WHERE t.logical_entity_id = p_logical)
  END;
END
$$;

REVOKE ALL ON FUNCTION public.next_entity_version(text, uuid) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
-- authenticated: accept_merge_proposal runs as the user
GRANT EXECUTE ON FUNCTION public.next_entity_version(text, uuid) TO authenticated, careeros_worker, service_role;
