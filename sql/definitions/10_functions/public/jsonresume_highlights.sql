-- A multi-line description (bullets joined by newlines) becomes JSON Resume
-- "highlights", one per line without its bullet; a one-line one stays a summary.
CREATE OR REPLACE FUNCTION public.jsonresume_highlights(p_text text)
RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE WHEN pg_catalog.strpos(btrim(p_text), E'\n') > 0 THEN
    (SELECT pg_catalog.jsonb_agg(l ORDER BY n)
       FROM (SELECT nullif(btrim(pg_catalog.regexp_replace(x, '^\s*([-*•·–]|\d+[.)])\s+', '')), '') AS l, n
               FROM pg_catalog.regexp_split_to_table(btrim(p_text), E'\n') WITH ORDINALITY AS t(x, n)) s
      WHERE l IS NOT NULL)
  END
$$;

REVOKE ALL ON FUNCTION public.jsonresume_highlights(text) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.jsonresume_highlights(text) TO authenticated, careeros_worker, service_role;
