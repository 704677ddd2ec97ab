-- Hands out up to p_limit unfinished batches whose check is due, each to
-- one worker for p_lease_ms (long enough for its requests: no other worker
-- takes the batch meanwhile); a new check token fences the previous
-- checker's batch_finish.  A check that ends early sets the next one with
-- batch_seen.
DROP FUNCTION IF EXISTS queue.batch_due(text, integer, integer); -- its last parameter was renamed
CREATE OR REPLACE FUNCTION queue.batch_due(p_worker text, p_limit integer, p_lease_ms integer)
RETURNS TABLE (id text, check_token uuid) LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
  WITH due AS (
    SELECT b.id FROM queue.llm_batches b
     WHERE b.finished_at IS NULL AND b.next_check_at <= now()
     ORDER BY b.next_check_at
     LIMIT p_limit
       FOR UPDATE SKIP LOCKED
  )
  UPDATE queue.llm_batches b SET
    next_check_at = now() + make_interval(secs => p_lease_ms / 1000.0),
    check_token = gen_random_uuid(), checked_by = p_worker, checked_at = now()
  FROM due WHERE b.id = due.id
  RETURNING b.id, b.check_token
$$;

REVOKE ALL ON FUNCTION queue.batch_due(text, integer, integer) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION queue.batch_due(text, integer, integer) TO careeros_worker;
