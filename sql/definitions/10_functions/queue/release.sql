CREATE OR REPLACE FUNCTION queue.release(p_ids uuid[], p_tokens uuid[], p_refund boolean)
RETURNS integer LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE n integer;
BEGIN
  UPDATE public.resume_versions rv SET
    processing_status = 'pending', run_after = now(),
    attempts = CASE WHEN p_refund THEN greatest(rv.attempts - 1, 0) ELSE rv.attempts END,
    processing_stages = queue.stage_mark(rv.processing_stages, rv.current_stage,
      jsonb_build_object('status', 'pending', 'started_at', NULL)),
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

REVOKE ALL ON FUNCTION queue.release(uuid[], uuid[], boolean) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION queue.release(uuid[], uuid[], boolean) TO careeros_worker;
