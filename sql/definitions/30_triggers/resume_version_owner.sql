-- A version belongs to its stream's owner: an insert that leaves user_id
-- out gets the stream's (as the design guide writes uploads).  One that
-- gives it must match, which the foreign key (user_id, stream_id) already
-- enforces.  SECURITY INVOKER: a stream the caller may not see leaves
-- user_id NULL, and NOT NULL refuses the row.
CREATE OR REPLACE FUNCTION public.tg_resume_version_owner()
RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  SELECT s.user_id INTO NEW.user_id FROM public.resume_streams s WHERE s.id = NEW.stream_id;
  RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION public.tg_resume_version_owner() FROM PUBLIC, anon, authenticated, careeros_worker, service_role;

CREATE OR REPLACE TRIGGER resume_versions_owner_from_stream BEFORE INSERT ON public.resume_versions
  FOR EACH ROW WHEN (NEW.user_id IS NULL) EXECUTE FUNCTION public.tg_resume_version_owner();
