-- Every function runs with search_path = pg_catalog, pg_temp.  With an
-- empty search_path PostgreSQL still looks for relations and types in the
-- session's pg_temp schema first, so a session that created pg_temp.uuid (a
-- domain whose CHECK calls its own function) had that function run inside
-- ours, with the owner's rights where ours was SECURITY DEFINER.  Listed
-- last, pg_temp is searched after pg_catalog and never for functions.
-- The functions in sql/definitions/ say so themselves; these two live in the
-- baseline (indexes and generated columns use them; same results).
ALTER FUNCTION public.normalize_name(text) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION public.normalize_names(text[]) SET search_path = pg_catalog, pg_temp;

-- The compat shim's auth.uid()/role()/email()/jwt() (plain PostgreSQL), when
-- this role may change them.  On Supabase they belong to supabase_auth_admin
-- and stay as the platform made them.
DO $auth$
DECLARE
  f regprocedure;
BEGIN
  FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
            WHERE p.pronamespace = 'auth'::regnamespace AND p.proname IN ('uid', 'role', 'email', 'jwt')
              AND p.pronargs = 0 AND p.proconfig @> ARRAY['search_path=""']
              AND pg_catalog.pg_has_role(current_user, p.proowner, 'MEMBER') LOOP
    EXECUTE pg_catalog.format('ALTER FUNCTION %s SET search_path = pg_catalog, pg_temp', f);
  END LOOP;
END
$auth$;
