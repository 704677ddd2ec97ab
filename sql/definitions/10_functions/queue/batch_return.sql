-- The batch for these jobs could not be submitted: they go back to the
-- normal path at once (attempt refunded) and are never batched again.
-- The hand-back itself is queue.release's; this only marks the rows first
-- (same lease check, locked in the same order).
CREATE OR REPLACE FUNCTION queue.batch_return(p_ids uuid[], p_tokens uuid[], p_reason text)
RETURNS integer LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  UPDATE public.resume_versions rv SET
    llm_batch_state = 'returned',
    processing_telemetry = coalesce(rv.processing_telemetry, '{}'::jsonb) || jsonb_build_object('llm_batch',
      jsonb_build_object('state', 'returned', 'reason', p_reason))
  FROM (SELECT r.id FROM public.resume_versions r
          JOIN unnest(p_ids, p_tokens) AS t(id, token) ON r.id = t.id AND r.lease_token = t.token
         WHERE r.processing_status = 'processing'
         ORDER BY r.id
           FOR NO KEY UPDATE OF r) t
  WHERE rv.id = t.id;
  RETURN queue.release(p_ids, p_tokens, true);
END;
$$;

REVOKE ALL ON FUNCTION queue.batch_return(uuid[], uuid[], text) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION queue.batch_return(uuid[], uuid[], text) TO careeros_worker;
