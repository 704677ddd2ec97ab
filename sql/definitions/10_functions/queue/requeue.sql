-- Puts failed versions back in the queue: those named (p_ids), or those
-- whose last error has code p_code (the error before a final MAX_ATTEMPTS
-- counts too: that is what was repeated), or all failed ones when both are
-- null.
-- Stages that completed stay completed: the job resumes where it failed.
CREATE OR REPLACE FUNCTION queue.requeue(p_ids uuid[], p_code text)
RETURNS integer LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE n integer;
BEGIN
  UPDATE public.resume_versions rv SET
    processing_status = 'pending', run_after = now(), attempts = 0,
    processing_stages = queue.stage_mark(rv.processing_stages, rv.current_stage,
      jsonb_build_object('status', 'pending', 'started_at', NULL, 'error', NULL)),
    updated_at = now()
  WHERE rv.processing_status = 'failed'
    AND (p_ids IS NULL OR rv.id = ANY (p_ids))
    AND (p_code IS NULL OR p_code = rv.processing_errors -> -1 ->> 'code' OR p_code = (
          SELECT e ->> 'code'
            FROM jsonb_array_elements(coalesce(rv.processing_errors, '[]'::jsonb))
                 WITH ORDINALITY AS x(e, o)
           WHERE e ->> 'code' <> 'MAX_ATTEMPTS'
           ORDER BY o DESC LIMIT 1));
  GET DIAGNOSTICS n = ROW_COUNT;
  IF n > 0 THEN
    PERFORM pg_notify('careeros_jobs', '');
  END IF;
  RETURN n;
END;
$$;

REVOKE ALL ON FUNCTION queue.requeue(uuid[], text) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION queue.requeue(uuid[], text) TO careeros_worker;
