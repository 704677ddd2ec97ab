-- The two parts of the merge's key of an entity (what two spellings of one
-- entity share), from its naming columns p_a, p_b: company + title,
-- institution + degree, skill name, project name, certification name +
-- issuer.  gkey finds the candidates (indexed where it can be); nkey, ''
-- when absent or not used, tells them apart.
CREATE OR REPLACE FUNCTION public.merge_entity_keys(p_table text, p_a text, p_b text, OUT gkey text, OUT nkey text)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  CASE p_table
  WHEN 'work_experience' THEN
    gkey := public.company_key(p_a);
    nkey := coalesce(public.title_key(p_b), '');
  WHEN 'education' THEN
    gkey := public.company_key(p_a);
    nkey := coalesce(public.degree_key(p_b), '');
  WHEN 'skill' THEN
    gkey := public.skill_key(p_a);
    nkey := '';
  WHEN 'certification' THEN
    gkey := public.normalize_name(p_a);
    nkey := coalesce(public.issuer_key(p_b), '');
  ELSE
    gkey := public.normalize_name(p_a);
    nkey := '';
  END CASE;
END
$$;

REVOKE ALL ON FUNCTION public.merge_entity_keys(text, text, text) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.merge_entity_keys(text, text, text) TO authenticated, careeros_worker, service_role;
