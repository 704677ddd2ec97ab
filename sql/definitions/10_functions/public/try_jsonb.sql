CREATE OR REPLACE FUNCTION public.try_jsonb(p_text text)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN p_text::jsonb;
EXCEPTION WHEN invalid_text_representation THEN
  RETURN NULL;
END
$$;

REVOKE ALL ON FUNCTION public.try_jsonb(text) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.try_jsonb(text) TO authenticated, careeros_worker, service_role;
