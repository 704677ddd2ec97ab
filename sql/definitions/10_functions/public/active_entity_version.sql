-- The active version of a logical entity as JSON, NULL when it has none.
CREATE OR REPLACE FUNCTION public.active_entity_version(p_table text, p_logical uuid)
RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN CASE p_table
    WHEN 'work_experience' THEN (SELECT pg_catalog.to_jsonb(t) FROM public.work_experience t
                                  WHERE t.logical_entity_id = p_logical AND t.is_active)
    WHEN 'education' THEN (SELECT pg_catalog.to_jsonb(t) FROM public.education t
                            WHERE t.logical_entity_id = p_logical AND t.is_active)
    WHEN 'skill' THEN (SELECT pg_catalog.to_jsonb(t) FROM public.skill t
                        WHERE t.logical_entity_id = p_logical AND t.is_active)
    WHEN 'project' THEN (SELECT pg_catalog.to_jsonb(t) FROM public.project t
                          WHERE t.logical_entity_id = p_logical AND t.is_active)
    WHEN 'certification' THEN (SELECT pg_catalog.to_jsonb(t) FROM public.certification t
                                WHERE t.logical_entity_id = p_logical AND t.is_active)
  END;
END
$$;

REVOKE ALL ON FUNCTION public.active_entity_version(text, uuid) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.active_entity_version(text, uuid) TO authenticated, careeros_worker, service_role;
