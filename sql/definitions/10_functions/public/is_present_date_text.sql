CREATE OR REPLACE FUNCTION public.is_present_date_text(p_text text)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT coalesce(pg_catalog.lower(btrim(p_text)) IN ('present', 'current', 'now', 'today', 'ongoing'), false)
$$;

REVOKE ALL ON FUNCTION public.is_present_date_text(text) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.is_present_date_text(text) TO authenticated, careeros_worker, service_role;
