-- One notification per statement (and Postgres folds identical ones within a
-- transaction), so a bulk insert of thousands of versions wakes the pool once.
CREATE OR REPLACE FUNCTION queue.notify_pending() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM new_rows WHERE processing_status = 'pending') THEN
    PERFORM pg_notify('careeros_jobs', '');
  END IF;
  RETURN NULL;
END;
$$;
REVOKE ALL ON FUNCTION queue.notify_pending() FROM PUBLIC, anon, authenticated, careeros_worker, service_role;

DROP TRIGGER IF EXISTS resume_versions_notify_pending ON public.resume_versions;
CREATE TRIGGER resume_versions_notify_pending
  AFTER INSERT ON public.resume_versions
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION queue.notify_pending();
