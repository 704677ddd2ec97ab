-- Copies the value-free column statistics of schema public from pg_stats
-- into public.monitoring_column_stats.  SECURITY DEFINER because pg_stats
-- shows a table under RLS only to its owner (or to a role bypassing RLS);
-- executable by the service role only (and the migration owner), never by
-- the API roles, so no signed-in user can run code with the owner's rights.
-- Schedule it after (auto)analyze, e.g. hourly from pg_cron.
CREATE OR REPLACE FUNCTION public.refresh_performance_monitoring()
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  n integer;
BEGIN
  DELETE FROM public.monitoring_column_stats WHERE true;
  -- a partitioned table has only whole-tree (inherited) statistics; a plain
  -- table only its own; an inheritance parent both: keep the whole tree's
  INSERT INTO public.monitoring_column_stats (tablename, attname, n_distinct, correlation, null_frac, avg_width)
  SELECT DISTINCT ON (s.tablename, s.attname)
         s.tablename, s.attname, s.n_distinct, s.correlation, s.null_frac, s.avg_width
    FROM pg_catalog.pg_stats s
   WHERE s.schemaname = 'public'
   ORDER BY s.tablename, s.attname, s.inherited DESC;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

REVOKE ALL ON FUNCTION public.refresh_performance_monitoring() FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.refresh_performance_monitoring() TO service_role;
