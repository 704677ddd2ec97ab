-- Monitoring views: security_invoker, so the caller's own privileges apply;
-- they show rows only to admins.  performance_monitoring: one row per
-- column with statistics (from the last refresh above), or one row with
-- attname NULL for a table not analysed yet, plus the table's live activity
-- from pg_stat_user_tables (which holds no row data and is readable by all).
CREATE OR REPLACE VIEW public.performance_monitoring WITH (security_invoker = true) AS
SELECT t.schemaname, t.relname AS tablename, s.attname::name AS attname, s.n_distinct, s.correlation, s.null_frac,
       s.avg_width, t.n_live_tup, t.n_dead_tup, t.seq_scan, t.idx_scan,
       greatest(t.last_analyze, t.last_autoanalyze) AS last_analyzed_at, s.captured_at AS stats_captured_at
FROM pg_catalog.pg_stat_user_tables t
LEFT JOIN public.monitoring_column_stats s ON s.tablename = t.relname
WHERE t.schemaname = 'public' AND (SELECT public.is_admin());

REVOKE ALL ON public.performance_monitoring FROM PUBLIC, anon, authenticated, careeros_worker;
GRANT ALL ON public.performance_monitoring TO service_role;
GRANT SELECT ON public.performance_monitoring TO authenticated;
