-- The merge's key of an entity: what two spellings of one entity share.
-- p_a, p_b: company+title, institution+degree, name, name, name+issuer.
CREATE OR REPLACE FUNCTION public.entity_match_key(p_table text, p_a text, p_b text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN CASE p_table
    WHEN 'work_experience' THEN public.company_key(p_a) || ' @ ' || public.title_key(p_b)
    WHEN 'education' THEN public.company_key(p_a) || ' | ' || coalesce(public.degree_key(p_b), '')
    WHEN 'certification' THEN public.normalize_name(p_a) || ' | ' || coalesce(public.company_key(p_b), '')
    ELSE public.normalize_name(p_a) END;
END
$$;

REVOKE ALL ON FUNCTION public.entity_match_key(text, text, text) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.entity_match_key(text, text, text) TO authenticated, careeros_worker, service_role;
