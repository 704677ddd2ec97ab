-- A new pending version goes to the end of its user's queue: one past the
-- highest queue_rank of the user's pending versions, or 0 (see the
-- migration 20261207120500_fair_claims.sql).  Rows inserted earlier by the
-- same statement count, so a bulk upload is ranked 0, 1, 2, ...  SECURITY
-- INVOKER: the inserting user sees their own versions, which is all it
-- needs.
CREATE OR REPLACE FUNCTION public.tg_resume_version_queue_rank()
RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  NEW.queue_rank := coalesce((SELECT rv.queue_rank + 1 FROM public.resume_versions rv
                               WHERE rv.user_id = NEW.user_id AND rv.processing_status = 'pending'
                               ORDER BY rv.queue_rank DESC LIMIT 1), 0);
  RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION public.tg_resume_version_queue_rank() FROM PUBLIC, anon, authenticated, careeros_worker, service_role;

-- After resume_versions_owner_from_stream (triggers fire in name order),
-- which may have just filled user_id.
CREATE OR REPLACE TRIGGER resume_versions_queue_rank BEFORE INSERT ON public.resume_versions
  FOR EACH ROW WHEN (NEW.processing_status = 'pending') EXECUTE FUNCTION public.tg_resume_version_queue_rank();
