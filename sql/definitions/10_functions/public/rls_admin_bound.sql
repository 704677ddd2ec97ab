-- For read policies "own rows, or every row for an admin" in an indexable
-- form.  "user_id = uid OR is_admin" cannot use an index (the planner cannot
-- know the admin flag in advance), so an unfiltered SELECT by a user would
-- scan the whole table.  Written as
--   user_id BETWEEN coalesce((select rls_admin_bound(false)), (select auth.uid()))
--               AND coalesce((select rls_admin_bound(true)),  (select auth.uid()))
-- it is a range on user_id: [uid, uid] for a user, the whole uuid range for
-- an admin, and empty (NULL bounds) without a signed-in user.
CREATE OR REPLACE FUNCTION public.rls_admin_bound(p_upper boolean)
RETURNS uuid
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE WHEN public.is_admin() THEN
           CASE WHEN p_upper THEN 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid
                ELSE '00000000-0000-0000-0000-000000000000'::uuid END
         END
$$;

REVOKE ALL ON FUNCTION public.rls_admin_bound(boolean) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.rls_admin_bound(boolean) TO authenticated, careeros_worker, service_role;
