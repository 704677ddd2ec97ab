-- The merge's key of an entity: what two spellings of one entity share.
-- p_a, p_b: company+title, institution+degree, name, name, name+issuer
-- (merge_entity_keys, merge_join_key).
CREATE OR REPLACE FUNCTION public.entity_match_key(p_table text, p_a text, p_b text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT public.merge_join_key(p_table, k.gkey, k.nkey) FROM public.merge_entity_keys(p_table, p_a, p_b) k
$$;

REVOKE ALL ON FUNCTION public.entity_match_key(text, text, text) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.entity_match_key(text, text, text) TO authenticated, careeros_worker, service_role;
