-- The failure log behind the status page (see queue.fleet_status()).
-- Only the transition into 'failed' fires (the WHEN clause is evaluated
-- without calling the function, so ordinary queue updates pay next to nothing).
-- SECURITY DEFINER so that whoever fails a version (the worker, an operator's
-- session) needs no grant on the log; it writes fixed columns only.
CREATE OR REPLACE FUNCTION queue.log_failure() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  INSERT INTO queue.recent_failures (resume_version_id, stage, code)
  VALUES (NEW.id, NEW.processing_errors -> -1 ->> 'stage', NEW.processing_errors -> -1 ->> 'code');
  RETURN NULL;
END;
$$;
REVOKE ALL ON FUNCTION queue.log_failure() FROM PUBLIC, anon, authenticated, careeros_worker, service_role;

CREATE OR REPLACE TRIGGER resume_versions_log_failure
  AFTER UPDATE OF processing_status ON public.resume_versions
  FOR EACH ROW WHEN (NEW.processing_status = 'failed' AND OLD.processing_status IS DISTINCT FROM 'failed')
  EXECUTE FUNCTION queue.log_failure();
