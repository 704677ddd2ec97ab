-- Schema lints in the spirit of Supabase's database linter (splinter),
-- written for this project.  One row per finding: (name, level, detail).
-- ERROR and WARN findings fail the build, and so do the INFO lints
-- unindexed_foreign_keys, no_primary_key and duplicate_index.
-- Objects that belong to extensions are ignored, as splinter does.
\set ON_ERROR_STOP 1
\pset format unaligned
\pset fieldsep ' | '
\pset tuples_only on

CREATE TEMP VIEW lint_tables AS
SELECT c.oid, n.nspname, c.relname, c.relkind, c.relrowsecurity, c.relispartition
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e');

CREATE TEMP VIEW lint_policies AS
SELECT p.polname, c.relname, n.nspname, c.relrowsecurity, p.polpermissive, p.polroles, p.polcmd,
       coalesce(pg_get_expr(p.polqual, p.polrelid), '') AS qual,
       coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '') AS with_check
  FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public';

CREATE TEMP VIEW lint_functions AS
SELECT p.oid, p.oid::regprocedure AS sig, p.prosecdef, p.proconfig, p.prosrc
  FROM pg_proc p
 WHERE p.pronamespace IN ('public'::regnamespace, 'queue'::regnamespace)
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e');

-- The search_path a function sets, as its list of schemas ('' when it sets
-- none or an empty one).
CREATE TEMP VIEW lint_function_paths AS
SELECT f.sig, f.prosecdef,
       coalesce((SELECT replace(replace(substr(c, length('search_path=') + 1), '"', ''), ' ', '')
                   FROM unnest(f.proconfig) c WHERE c LIKE 'search_path=%'), '') AS path
  FROM lint_functions f;

CREATE TEMP VIEW lint_results AS
-- RLS must be on for every table the API can reach.
SELECT 'rls_disabled_in_public' AS name, 'ERROR' AS level, format('table public.%I has RLS disabled', relname) AS detail
  FROM lint_tables WHERE NOT relrowsecurity
UNION ALL
SELECT 'policy_exists_rls_disabled', 'ERROR', format('policy %I on %I exists but RLS is disabled', polname, relname)
  FROM lint_policies WHERE NOT relrowsecurity
UNION ALL
-- auth.<fn>() and current_setting() re-evaluated per row unless wrapped in a scalar subquery.
SELECT 'auth_rls_initplan', 'WARN', format('policy %I on %I calls %s per row', polname, relname, fn)
  FROM lint_policies,
       LATERAL (SELECT unnest(ARRAY['auth.uid()', 'auth.jwt()', 'auth.role()', 'auth.email()', 'current_setting(']) AS fn) f
 WHERE (position(fn IN qual) > 0 AND position('select ' || fn IN lower(qual)) = 0)
    OR (position(fn IN with_check) > 0 AND position('select ' || fn IN lower(with_check)) = 0)
UNION ALL
SELECT 'rls_references_user_metadata', 'ERROR', format('policy %I on %I reads user_metadata', polname, relname)
  FROM lint_policies WHERE qual ~* 'user_meta' OR with_check ~* 'user_meta'
UNION ALL
-- (auth's user metadata: the users table's column or the JWT claim.  Storage
-- objects have a user_metadata column too, which the upload trigger reads as
-- a hint it checks, never for authorization.)
SELECT 'function_references_user_metadata', 'ERROR', format('function %s reads raw_user_meta_data', sig)
  FROM lint_functions WHERE prosrc ~* 'raw_user_meta_data|jwt\(\)[^;]*user_metadata'
UNION ALL
SELECT 'function_compares_email', 'WARN', format('function %s hard-codes an email address', sig)
  FROM lint_functions WHERE prosrc ~* '''[^'' ]+@[^'' ]+\.[a-z]+'''
UNION ALL
-- More than one permissive policy for one role and command.
SELECT 'multiple_permissive_policies', 'WARN',
       format('table %I: %s permissive policies for role %s, %s: %s', relname, count(*), rolname, cmd,
              string_agg(polname, ', ' ORDER BY polname))
  FROM (SELECT lp.polname, lp.relname, r.rolname, x.cmd
          FROM lint_policies lp
          JOIN pg_roles r ON lp.polroles @> ARRAY[r.oid] OR lp.polroles = ARRAY[0::oid],
          LATERAL unnest(CASE lp.polcmd WHEN 'r' THEN ARRAY['SELECT'] WHEN 'a' THEN ARRAY['INSERT']
                                        WHEN 'w' THEN ARRAY['UPDATE'] WHEN 'd' THEN ARRAY['DELETE']
                                        ELSE ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE'] END) AS x(cmd)
         WHERE lp.polpermissive AND r.rolname NOT LIKE 'pg\_%' AND NOT r.rolbypassrls) s
 GROUP BY relname, rolname, cmd HAVING count(*) > 1
UNION ALL
-- Policies for API roles that let every row through on writes.
SELECT 'rls_policy_always_true', 'WARN', format('policy %I on %I is always true for %s', polname, relname,
       CASE polcmd WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END)
  FROM lint_policies
 WHERE polpermissive AND polcmd IN ('a', 'w', 'd', '*')
   AND (polroles = ARRAY[0::oid] OR EXISTS (SELECT 1 FROM unnest(polroles) r
                                              WHERE r::regrole::text IN ('anon', 'authenticated')))
   AND (replace(lower(qual), ' ', '') IN ('true', '(true)', '1=1', '(1=1)')
        OR replace(lower(with_check), ' ', '') IN ('true', '(true)', '1=1', '(1=1)')
        OR (polcmd = 'a' AND with_check = '') OR (polcmd IN ('w', 'd', '*') AND qual = ''))
UNION ALL
SELECT 'function_search_path_mutable', 'WARN', format('function %s has no fixed search_path', sig)
  FROM lint_functions
 WHERE NOT coalesce(EXISTS (SELECT 1 FROM unnest(proconfig) c WHERE c LIKE 'search_path=%'), false)
UNION ALL
-- A SECURITY DEFINER function must name pg_temp last: otherwise PostgreSQL
-- searches the caller's pg_temp first for relations and types (even with an
-- empty search_path), and a pg_temp.uuid domain runs the caller's code with
-- the owner's rights.  Splinter's search_path = '' passes this; we do not.
SELECT 'security_definer_search_path_pg_temp_not_last', 'ERROR',
       format('SECURITY DEFINER function %s: search_path "%s" does not end with pg_temp', sig, path)
  FROM lint_function_paths
 WHERE prosecdef AND path !~ '(^|,)pg_temp$'
UNION ALL
-- Every other function of ours too, and exactly pg_catalog first.
SELECT 'function_search_path_not_catalog_temp', 'WARN',
       format('function %s: search_path is "%s", not pg_catalog, pg_temp', sig, path)
  FROM lint_function_paths
 WHERE path <> 'pg_catalog,pg_temp'
UNION ALL
SELECT 'security_definer_view', 'ERROR', format('view public.%I is not security_invoker', c.relname)
  FROM pg_class c
 WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'v'
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
   AND NOT coalesce('security_invoker=true' = ANY (c.reloptions) OR 'security_invoker=on' = ANY (c.reloptions), false)
UNION ALL
SELECT 'materialized_view_in_api', 'WARN', format('materialized view public.%I is selectable by %s', c.relname, r)
  FROM pg_class c, unnest(ARRAY['anon', 'authenticated']) r
 WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'm' AND has_table_privilege(r, c.oid, 'SELECT')
UNION ALL
SELECT 'auth_users_exposed', 'ERROR', format('view public.%I exposes auth.users to %s', c.relname, r)
  FROM pg_class c
  JOIN pg_depend d ON d.refobjid = 'auth.users'::regclass
  JOIN pg_rewrite rw ON rw.oid = d.objid AND rw.ev_class = c.oid,
       unnest(ARRAY['anon', 'authenticated']) r
 WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('v', 'm') AND has_table_privilege(r, c.oid, 'SELECT')
UNION ALL
SELECT 'extension_in_public', 'WARN', format('extension %s is installed in schema public', e.extname)
  FROM pg_extension e WHERE e.extnamespace = 'public'::regnamespace AND e.extname NOT IN ('plpgsql', 'pgtap')
UNION ALL
SELECT r || '_security_definer_function_executable', 'WARN', format('%s can execute SECURITY DEFINER function %s', r, sig)
  FROM lint_functions, unnest(ARRAY['anon', 'authenticated']) r
 WHERE prosecdef AND has_function_privilege(r, oid, 'EXECUTE')
UNION ALL
SELECT 'anon_can_execute', 'WARN', format('anon can execute %s', sig)
  FROM lint_functions WHERE has_function_privilege('anon', oid, 'EXECUTE')
UNION ALL
SELECT 'anon_table_privilege', 'WARN', format('anon has %s on public.%I', priv, relname)
  FROM lint_tables, unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) priv
 WHERE has_table_privilege('anon', oid, priv)
UNION ALL
SELECT 'worker_dangerous_privilege', 'ERROR', format('careeros_worker has %s on public.%I', priv, relname)
  FROM lint_tables, unnest(ARRAY['TRUNCATE', 'REFERENCES', 'TRIGGER']) priv
 WHERE has_table_privilege('careeros_worker', oid, priv)
UNION ALL
-- Every foreign key needs a plain index whose columns are exactly the key's
-- (splinter compares the column lists exactly; a partial index does not
-- serve the cascade from the parent).
SELECT 'unindexed_foreign_keys', 'INFO', format('foreign key %I on %s has no covering index', ct.conname, ct.conrelid::regclass)
  FROM pg_constraint ct
 WHERE ct.contype = 'f' AND ct.connamespace = 'public'::regnamespace
   AND NOT EXISTS (SELECT 1 FROM pg_index i
                    WHERE i.indrelid = ct.conrelid AND i.indpred IS NULL AND i.indisvalid
                      -- as splinter: an index whose leading columns are the key's serves it
                      AND (string_to_array(i.indkey::text, ' ')::smallint[])[1:cardinality(ct.conkey)] = ct.conkey)
UNION ALL
SELECT 'no_primary_key', 'INFO', format('table public.%I has no primary key', relname)
  FROM lint_tables t
 WHERE NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = t.oid AND i.indisprimary)
UNION ALL
SELECT 'duplicate_index', 'WARN', format('indexes %s on %s are identical', string_agg(indexrelid::regclass::text, ', '), indrelid::regclass)
  FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
 WHERE c.relnamespace = 'public'::regnamespace
 GROUP BY indrelid, indkey::text, indclass::text, indcollation::text, coalesce(pg_get_expr(indexprs, indrelid), ''),
          coalesce(pg_get_expr(indpred, indrelid), '')
HAVING count(*) > 1
UNION ALL
-- Informational: RLS on, no policy (deny-all for the API roles), e.g. partitions.
SELECT 'rls_enabled_no_policy', 'INFO', format('table public.%I has RLS enabled and no policy', relname)
  FROM lint_tables t
 WHERE relrowsecurity AND NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = t.oid);

SELECT level, name, detail FROM lint_results ORDER BY level, name, detail;

\pset tuples_only off
\pset format aligned
SELECT level, name, count(*) AS findings FROM lint_results GROUP BY level, name ORDER BY level, name;

-- The verdict, read by run.sh.
\pset tuples_only on
\pset format unaligned
SELECT 'LINT_FAILURES=' || count(*) FROM lint_results
 WHERE level IN ('ERROR', 'WARN') OR name IN ('unindexed_foreign_keys', 'no_primary_key', 'duplicate_index');
