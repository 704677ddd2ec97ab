-- Sizes of the tables of schema public, for admins (security_invoker: the caller's
-- own privileges apply).

CREATE OR REPLACE VIEW public.table_sizes WITH (security_invoker = true) AS
SELECT t.schemaname, t.tablename,
       pg_catalog.pg_size_pretty(pg_catalog.pg_total_relation_size(pg_catalog.format('%I.%I', t.schemaname, t.tablename)::regclass)) AS size,
       pg_catalog.pg_total_relation_size(pg_catalog.format('%I.%I', t.schemaname, t.tablename)::regclass) AS size_bytes
FROM pg_catalog.pg_tables t
WHERE t.schemaname = 'public' AND (SELECT public.is_admin());

REVOKE ALL ON public.table_sizes FROM PUBLIC, anon, authenticated, careeros_worker;
GRANT ALL ON public.table_sizes TO service_role;
GRANT SELECT ON public.table_sizes TO authenticated;
