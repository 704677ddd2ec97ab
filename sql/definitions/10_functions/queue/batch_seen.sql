-- Records what the provider says about a batch still running.
CREATE OR REPLACE FUNCTION queue.batch_seen(p_id text, p_token uuid, p_status text, p_counts jsonb)
RETURNS boolean LANGUAGE sql SET search_path = '' AS $$
  WITH u AS (
    UPDATE queue.llm_batches b SET status = p_status, request_counts = p_counts
     WHERE b.id = p_id AND b.check_token = p_token AND b.finished_at IS NULL
    RETURNING 1)
  SELECT EXISTS (SELECT 1 FROM u)
$$;

REVOKE ALL ON FUNCTION queue.batch_seen(text, uuid, text, jsonb) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION queue.batch_seen(text, uuid, text, jsonb) TO careeros_worker;
