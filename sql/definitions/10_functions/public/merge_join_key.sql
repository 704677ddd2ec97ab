-- The merge's key as one string (merge_decisions.match_key,
-- merge_tombstones.match_key) from its two parts (merge_entity_keys).  NULL
-- when the entity has no name; a job also needs a title.
CREATE OR REPLACE FUNCTION public.merge_join_key(p_table text, p_gkey text, p_nkey text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE p_table
    WHEN 'work_experience' THEN p_gkey || ' @ ' || nullif(p_nkey, '')
    WHEN 'education' THEN p_gkey || ' | ' || coalesce(p_nkey, '')
    WHEN 'certification' THEN p_gkey || ' | ' || coalesce(p_nkey, '')
    ELSE p_gkey END
$$;

REVOKE ALL ON FUNCTION public.merge_join_key(text, text, text) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.merge_join_key(text, text, text) TO authenticated, careeros_worker, service_role;
