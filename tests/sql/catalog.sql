-- A text dump of everything the migrations and definitions create in our
-- schemas, one sorted line per object property, for comparing two installs
-- (fresh install, upgrade from an older layout, Supabase migrations folder).
-- Owners are left out (each install path may use another role); function
-- bodies are compared by md5.
\pset format unaligned
\pset tuples_only on
WITH ns AS (
  SELECT oid, nspname FROM pg_catalog.pg_namespace WHERE nspname IN ('public', 'queue', 'auth', 'extensions')
), 
rels AS (
  SELECT n.nspname || '.' || c.relname AS name, c.* FROM pg_catalog.pg_class c JOIN ns n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
)
SELECT line FROM (
  SELECT 'schema ' || n.nspname || ' acl=' || coalesce((SELECT string_agg(a::text, ',' ORDER BY a::text)
           FROM unnest(x.nspacl) a), '') AS line
    FROM ns n JOIN pg_catalog.pg_namespace x ON x.oid = n.oid
  UNION ALL
  SELECT 'relation ' || r.name || ' kind=' || r.relkind::text || ' rls=' || r.relrowsecurity || '/' || r.relforcerowsecurity
         || ' options=' || coalesce(r.reloptions::text, '') || ' acl='
         || coalesce((SELECT string_agg(a::text, ',' ORDER BY a::text) FROM unnest(r.relacl) a), '')
         || ' comment=' || coalesce(md5(obj_description(r.oid, 'pg_class')), '')
         || ' partbound=' || coalesce(pg_get_expr(r.relpartbound, r.oid), '')
    FROM rels r
  UNION ALL
  SELECT 'column ' || r.name || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
         || ' notnull=' || a.attnotnull || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
         || ' generated=' || a.attgenerated::text || ' compression=' || a.attcompression::text
         || ' acl=' || coalesce((SELECT string_agg(x::text, ',' ORDER BY x::text) FROM unnest(a.attacl) x), '')
    FROM rels r JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = r.oid AND d.adnum = a.attnum
  UNION ALL
  SELECT 'constraint ' || r.name || '.' || co.conname || ' ' || pg_get_constraintdef(co.oid)
    FROM rels r JOIN pg_catalog.pg_constraint co ON co.conrelid = r.oid
  UNION ALL
  SELECT 'index ' || pg_get_indexdef(i.indexrelid)
    FROM rels r JOIN pg_catalog.pg_index i ON i.indrelid = r.oid
  UNION ALL
  SELECT 'view ' || r.name || ' ' || md5(pg_get_viewdef(r.oid))
    FROM rels r WHERE r.relkind IN ('v', 'm')
  UNION ALL
  SELECT 'trigger ' || pg_get_triggerdef(t.oid) || ' enabled=' || t.tgenabled::text
    FROM rels r JOIN pg_catalog.pg_trigger t ON t.tgrelid = r.oid AND NOT t.tgisinternal
  UNION ALL
  SELECT 'policy ' || p.schemaname || '.' || p.tablename || '.' || p.policyname || ' ' || p.permissive::text || ' '
         || p.cmd || ' roles=' || p.roles::text || ' using=' || coalesce(p.qual, '') || ' check=' || coalesce(p.with_check, '')
    FROM pg_catalog.pg_policies p WHERE p.schemaname IN (SELECT nspname FROM ns)
  UNION ALL
  SELECT 'function ' || p.oid::regprocedure::text || ' returns ' || pg_get_function_result(p.oid)
         || ' lang=' || l.lanname || ' kind=' || p.prokind::text || ' secdef=' || p.prosecdef || ' volatile=' || p.provolatile::text::text
         || ' parallel=' || p.proparallel::text || ' strict=' || p.proisstrict
         || ' config=' || coalesce(p.proconfig::text, '') || ' body=' || md5(p.prosrc)
         || ' acl=' || coalesce((SELECT string_agg(a::text, ',' ORDER BY a::text) FROM unnest(p.proacl) a), '')
         || ' comment=' || coalesce(md5(obj_description(p.oid, 'pg_proc')), '')
    FROM pg_catalog.pg_proc p JOIN ns n ON n.oid = p.pronamespace JOIN pg_catalog.pg_language l ON l.oid = p.prolang
   WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
  UNION ALL
  SELECT 'type ' || n.nspname || '.' || t.typname || ' ' || t.typtype::text
    FROM pg_catalog.pg_type t JOIN ns n ON n.oid = t.typnamespace
   WHERE t.typtype IN ('d', 'e', 'c') AND (t.typtype <> 'c' OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
  UNION ALL
  SELECT 'extension ' || e.extname || ' in ' || e.extnamespace::regnamespace::text FROM pg_catalog.pg_extension e
) s
ORDER BY line;
