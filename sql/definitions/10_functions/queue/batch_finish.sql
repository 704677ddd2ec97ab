-- The batch ended (p_status: completed, expired, cancelled or failed).
-- p_answers: {"<version id>": <chat completion body>} for the lines that
-- answered 200; p_errors: {"<version id>": "why"} for the others that said
-- something.  Every job still waiting for this batch becomes claimable:
-- 'answered' with its answer stored, or 'returned' (a job an operator made
-- runnable by hand meanwhile, and that is running, is left alone).  Fenced by the check
-- token: NULL when another worker checks this batch now, or it is finished.
CREATE OR REPLACE FUNCTION queue.batch_finish(p_id text, p_token uuid, p_status text, p_info jsonb,
                                              p_answers jsonb, p_errors jsonb)
RETURNS jsonb LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  v_answered integer;
  v_returned integer;
BEGIN
  PERFORM 1 FROM queue.llm_batches b
   WHERE b.id = p_id AND b.check_token = p_token AND b.finished_at IS NULL
     FOR UPDATE;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  INSERT INTO queue.llm_batch_answers AS a (resume_version_id, batch_id, body)
  SELECT rv.id, p_id, x.value
    FROM jsonb_each(coalesce(p_answers, '{}'::jsonb)) x
    JOIN public.resume_versions rv ON rv.id::text = x.key
   WHERE rv.llm_batch_id = p_id AND rv.llm_batch_state = 'waiting' AND rv.processing_status = 'pending'
  ON CONFLICT (resume_version_id) DO UPDATE SET batch_id = excluded.batch_id, body = excluded.body,
                                                created_at = now();
  WITH mine AS (
    SELECT r.id FROM public.resume_versions r
     WHERE r.llm_batch_id = p_id AND r.llm_batch_state = 'waiting' AND r.processing_status = 'pending'
     ORDER BY r.id
       FOR NO KEY UPDATE
  ), upd AS (
    UPDATE public.resume_versions rv SET
      run_after = now(),
      llm_batch_state = CASE WHEN coalesce(p_answers, '{}'::jsonb) ? rv.id::text THEN 'answered' ELSE 'returned' END,
      processing_stages = queue.stage_mark(rv.processing_stages, 'parse',
        jsonb_build_object('status', 'pending', 'started_at', NULL)),
      processing_telemetry = coalesce(rv.processing_telemetry, '{}'::jsonb) || jsonb_build_object('llm_batch',
        coalesce(rv.processing_telemetry -> 'llm_batch', '{}'::jsonb) || jsonb_strip_nulls(jsonb_build_object(
          'status', p_status, 'finished_at', now(),
          'state', CASE WHEN coalesce(p_answers, '{}'::jsonb) ? rv.id::text THEN 'answered' ELSE 'returned' END,
          'reason', CASE WHEN coalesce(p_answers, '{}'::jsonb) ? rv.id::text THEN NULL
                         ELSE coalesce(p_errors ->> rv.id::text, 'batch ' || p_status || ' without an answer') END))),
      updated_at = now()
    FROM mine WHERE rv.id = mine.id
    RETURNING rv.llm_batch_state
  )
  SELECT count(*) FILTER (WHERE llm_batch_state = 'answered'), count(*) FILTER (WHERE llm_batch_state = 'returned')
    INTO v_answered, v_returned FROM upd;
  UPDATE queue.llm_batches b SET
    status = p_status, finished_at = now(), answered = v_answered, returned = v_returned,
    output_file_id = p_info ->> 'output_file_id', error_file_id = p_info ->> 'error_file_id',
    request_counts = p_info -> 'request_counts'
   WHERE b.id = p_id;
  IF v_answered + v_returned > 0 THEN
    PERFORM pg_notify('careeros_jobs', '');
  END IF;
  RETURN jsonb_build_object('answered', v_answered, 'returned', v_returned);
END;
$$;

REVOKE ALL ON FUNCTION queue.batch_finish(text, uuid, text, jsonb, jsonb, jsonb) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION queue.batch_finish(text, uuid, text, jsonb, jsonb, jsonb) TO careeros_worker;
