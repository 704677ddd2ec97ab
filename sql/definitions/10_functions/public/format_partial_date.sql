-- Formats a normalised partial date back to ISO 8601 at its precision
-- ("2020", "2020-03", "2020-03-15"), the form JSON Resume expects.
CREATE OR REPLACE FUNCTION public.format_partial_date(p_on date, p_precision text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE p_precision
           WHEN 'year' THEN pg_catalog.to_char(p_on, 'YYYY')
           WHEN 'month' THEN pg_catalog.to_char(p_on, 'YYYY-MM')
           WHEN 'day' THEN pg_catalog.to_char(p_on, 'YYYY-MM-DD')
         END
$$;

REVOKE ALL ON FUNCTION public.format_partial_date(date, text) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.format_partial_date(date, text) TO authenticated, careeros_worker, service_role;
