-- Admin rights come from the JWT's app_metadata, which only the service role
-- (or the Supabase admin API) can change.  raw_user_meta_data / user_metadata
-- is editable by every user and is never consulted.
CREATE OR REPLACE FUNCTION public.is_admin()
RETURNS boolean
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT coalesce((auth.jwt() -> 'app_metadata' ->> 'role') = 'admin', false)
$$;

COMMENT ON FUNCTION public.is_admin() IS
  'True when the caller''s JWT carries app_metadata.role = "admin". Use as (select public.is_admin()) in policies.';

REVOKE ALL ON FUNCTION public.is_admin() FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.is_admin() TO authenticated, careeros_worker, service_role;
