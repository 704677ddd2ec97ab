-- Records an error for a job and either schedules a retry (exponential
-- backoff with jitter, or the delay the failing service asked for) or fails
-- it.  Fenced like a stage: returns false when the lease is no longer ours.
CREATE OR REPLACE FUNCTION queue.fail(p_id uuid, p_token uuid, p_stage text, p_code text,
                                      p_message text, p_retryable boolean,
                                      p_retry_after_ms bigint, p_backoff_base_ms integer,
                                      p_backoff_max_ms integer, p_telemetry jsonb)
RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  rv_attempts integer;
  rv_max integer;
  v_retry boolean;
  v_delay double precision;
BEGIN
  SELECT rv.attempts, rv.max_attempts INTO rv_attempts, rv_max
    FROM public.resume_versions rv
   WHERE rv.id = p_id AND rv.lease_token = p_token AND rv.processing_status = 'processing'
     FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    RETURN 'fenced';
  END IF;
  v_retry := p_retryable AND rv_attempts < rv_max;
  -- Full exponential backoff with up to 25% jitter below it.
  v_delay := least(p_backoff_base_ms * power(2, greatest(rv_attempts - 1, 0)), p_backoff_max_ms)
             * (1 - random() * 0.25);
  IF p_retry_after_ms IS NOT NULL AND p_retry_after_ms > v_delay THEN
    v_delay := p_retry_after_ms;
  END IF;
  UPDATE public.resume_versions rv SET
    processing_status = CASE WHEN v_retry THEN 'pending' ELSE 'failed' END,
    run_after = CASE WHEN v_retry THEN now() + make_interval(secs => v_delay / 1000.0) ELSE rv.run_after END,
    processing_stages = queue.stage_mark(rv.processing_stages, p_stage,
      jsonb_build_object('status', CASE WHEN v_retry THEN 'retrying' ELSE 'failed' END,
                         'error', p_code)),
    processing_errors = coalesce(rv.processing_errors, '[]'::jsonb) ||
      jsonb_build_array(jsonb_build_object('stage', p_stage, 'code', p_code, 'message', p_message,
        'attempt', rv_attempts, 'at', now(), 'retryable', p_retryable)) ||
      CASE WHEN p_retryable AND NOT v_retry THEN jsonb_build_array(jsonb_build_object(
        'stage', p_stage, 'code', 'MAX_ATTEMPTS', 'message', 'gave up after ' || rv_attempts || ' attempts',
        'attempt', rv_attempts, 'at', now(), 'retryable', false)) ELSE '[]'::jsonb END,
    processing_telemetry = coalesce(rv.processing_telemetry, '{}'::jsonb) || coalesce(p_telemetry, '{}'::jsonb),
    locked_by = NULL, lease_token = NULL, lease_expires_at = NULL,
    updated_at = now()
  WHERE rv.id = p_id;
  RETURN CASE WHEN v_retry THEN 'retry' ELSE 'failed' END;
END;
$$;

REVOKE ALL ON FUNCTION queue.fail(uuid, uuid, text, text, text, boolean, bigint, integer, integer, jsonb) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION queue.fail(uuid, uuid, text, text, text, boolean, bigint, integer, integer, jsonb) TO careeros_worker;
