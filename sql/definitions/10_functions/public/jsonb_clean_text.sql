-- Text value of a JSON key, trimmed, NULL when blank.
CREATE OR REPLACE FUNCTION public.jsonb_clean_text(p_obj jsonb, p_key text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT nullif(btrim(p_obj ->> p_key), '')
$$;

REVOKE ALL ON FUNCTION public.jsonb_clean_text(jsonb, text) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.jsonb_clean_text(jsonb, text) TO authenticated, careeros_worker, service_role;
