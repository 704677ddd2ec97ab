-- Deliberately broken objects: run.sh applies this to a copy of the test
-- database and checks that lint.sql reports each of them, so that a lint
-- that silently finds nothing cannot pass.
CREATE TABLE public.lint_bad (a int, u uuid REFERENCES auth.users (id));
CREATE INDEX lint_bad_a1 ON public.lint_bad (a);
CREATE INDEX lint_bad_a2 ON public.lint_bad (a);
CREATE TABLE public.lint_bad2 (id int PRIMARY KEY, u uuid);
ALTER TABLE public.lint_bad2 ENABLE ROW LEVEL SECURITY;
CREATE POLICY p1 ON public.lint_bad2 FOR SELECT TO authenticated USING (u = auth.uid());
CREATE POLICY p2 ON public.lint_bad2 FOR SELECT TO authenticated
  USING ((auth.jwt() -> 'user_metadata' ->> 'user_role') = 'admin');
CREATE POLICY p3 ON public.lint_bad2 FOR UPDATE TO authenticated USING (true);
CREATE TABLE public.lint_bad3 (id int PRIMARY KEY);
CREATE POLICY p4 ON public.lint_bad3 FOR SELECT TO authenticated USING (true);
CREATE FUNCTION public.lint_bad_fn() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1';
CREATE FUNCTION queue.lint_bad_definer() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = '' AS 'SELECT 1';
CREATE FUNCTION public.lint_bad_empty_path() RETURNS int LANGUAGE sql SET search_path = '' AS 'SELECT 1';
CREATE VIEW public.lint_bad_view AS SELECT id, email FROM auth.users;
GRANT SELECT ON public.lint_bad_view TO authenticated;
CREATE MATERIALIZED VIEW public.lint_bad_mv AS SELECT 1 AS x;
GRANT SELECT ON public.lint_bad_mv TO authenticated;
CREATE EXTENSION IF NOT EXISTS pg_stat_statements WITH SCHEMA public;
