-- Ends a check of a batch still running: records what the provider said
-- (p_status NULL: the check failed, nothing learnt) and when to look again.
DROP FUNCTION IF EXISTS queue.batch_seen(text, uuid, text, jsonb); -- before p_next_ms
CREATE OR REPLACE FUNCTION queue.batch_seen(p_id text, p_token uuid, p_status text, p_counts jsonb,
                                            p_next_ms integer)
RETURNS boolean LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
  WITH u AS (
    UPDATE queue.llm_batches b SET status = coalesce(p_status, b.status),
           request_counts = coalesce(p_counts, b.request_counts),
           next_check_at = now() + make_interval(secs => p_next_ms / 1000.0)
     WHERE b.id = p_id AND b.check_token = p_token AND b.finished_at IS NULL
    RETURNING 1)
  SELECT EXISTS (SELECT 1 FROM u)
$$;

REVOKE ALL ON FUNCTION queue.batch_seen(text, uuid, text, jsonb, integer) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION queue.batch_seen(text, uuid, text, jsonb, integer) TO careeros_worker;
