-- The batch p_batch ({id, input_file_id, status}) was created for these
-- jobs: each one still ours (lease token) and at the parse stage gives up
-- its lease and waits for the batch, its attempt refunded.  Returns the ids
-- parked; the others were taken over meanwhile.
CREATE OR REPLACE FUNCTION queue.batch_park(p_ids uuid[], p_tokens uuid[], p_batch jsonb, p_worker text,
                                            p_check_ms integer)
RETURNS SETOF uuid LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  INSERT INTO queue.llm_batches (id, input_file_id, status, jobs, submitted_by, next_check_at)
  VALUES (p_batch ->> 'id', p_batch ->> 'input_file_id', coalesce(p_batch ->> 'status', 'validating'),
          cardinality(p_ids), p_worker, now() + make_interval(secs => p_check_ms / 1000.0))
  ON CONFLICT (id) DO NOTHING;
  RETURN QUERY
  UPDATE public.resume_versions rv SET
    processing_status = 'pending', run_after = 'infinity',
    attempts = greatest(rv.attempts - 1, 0),
    llm_batch_id = p_batch ->> 'id', llm_batch_state = 'waiting',
    processing_stages = queue.stage_mark(rv.processing_stages, 'parse',
      jsonb_build_object('status', 'batched', 'batch_id', p_batch ->> 'id', 'started_at', NULL)),
    processing_telemetry = coalesce(rv.processing_telemetry, '{}'::jsonb) || jsonb_build_object('llm_batch',
      jsonb_build_object('id', p_batch ->> 'id', 'state', 'waiting', 'submitted_at', now(),
                         'submitted_by', p_worker)),
    locked_by = NULL, lease_token = NULL, lease_expires_at = NULL, updated_at = now()
  FROM (SELECT r.id FROM public.resume_versions r
          JOIN unnest(p_ids, p_tokens) AS t(id, token) ON r.id = t.id AND r.lease_token = t.token
         WHERE r.processing_status = 'processing' AND r.current_stage = 'parse'
         ORDER BY r.id
           FOR NO KEY UPDATE OF r) t
  WHERE rv.id = t.id
  RETURNING rv.id;
END;
$$;

REVOKE ALL ON FUNCTION queue.batch_park(uuid[], uuid[], jsonb, text, integer) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION queue.batch_park(uuid[], uuid[], jsonb, text, integer) TO careeros_worker;
