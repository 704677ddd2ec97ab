-- JSON Resume dates: YYYY, YYYY-MM or YYYY-MM-DD, or absent.
CREATE OR REPLACE FUNCTION public.jsonresume_date(p_text text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT public.format_partial_date(pd.on_date, pd.date_precision) FROM public.parse_partial_date(p_text) pd
$$;

REVOKE ALL ON FUNCTION public.jsonresume_date(text) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.jsonresume_date(text) TO authenticated, careeros_worker, service_role;
