-- The batch for these jobs could not be submitted: they go back to the
-- normal path at once (attempt refunded) and are never batched again.
CREATE OR REPLACE FUNCTION queue.batch_return(p_ids uuid[], p_tokens uuid[], p_reason text)
RETURNS integer LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE n integer;
BEGIN
  UPDATE public.resume_versions rv SET
    processing_status = 'pending', run_after = now(),
    attempts = greatest(rv.attempts - 1, 0),
    llm_batch_state = 'returned',
    processing_stages = queue.stage_mark(rv.processing_stages, rv.current_stage,
      jsonb_build_object('status', 'pending', 'started_at', NULL)),
    processing_telemetry = coalesce(rv.processing_telemetry, '{}'::jsonb) || jsonb_build_object('llm_batch',
      jsonb_build_object('state', 'returned', 'reason', p_reason)),
    locked_by = NULL, lease_token = NULL, lease_expires_at = NULL, updated_at = now()
  FROM (SELECT r.id FROM public.resume_versions r
          JOIN unnest(p_ids, p_tokens) AS t(id, token) ON r.id = t.id AND r.lease_token = t.token
         WHERE r.processing_status = 'processing'
         ORDER BY r.id
           FOR NO KEY UPDATE OF r) t
  WHERE rv.id = t.id;
  GET DIAGNOSTICS n = ROW_COUNT;
  IF n > 0 THEN
    PERFORM pg_notify('careeros_jobs', '');
  END IF;
  RETURN n;
END;
$$;

REVOKE ALL ON FUNCTION queue.batch_return(uuid[], uuid[], text) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION queue.batch_return(uuid[], uuid[], text) TO careeros_worker;
