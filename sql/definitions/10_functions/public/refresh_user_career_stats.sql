-- REFRESH needs the view's owner: SECURITY DEFINER, executable only by the
-- worker and the service role (granted below).
CREATE OR REPLACE FUNCTION public.refresh_user_career_stats()
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  REFRESH MATERIALIZED VIEW CONCURRENTLY public.user_career_stats;
  INSERT INTO public.security_audit_log (action, resource_type, details)
  VALUES ('stats.refresh', 'user_career_stats', pg_catalog.jsonb_build_object('by', session_user));
END
$$;

REVOKE ALL ON FUNCTION public.refresh_user_career_stats() FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.refresh_user_career_stats() TO careeros_worker, service_role;
