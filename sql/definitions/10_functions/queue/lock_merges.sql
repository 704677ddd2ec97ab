-- Takes the merge lock of each user (sorted, so two callers cannot
-- deadlock) until the transaction ends: a row lock on queue.merge_locks,
-- which only this function may touch.  SECURITY DEFINER so that its callers
-- (careeros_worker, service_role) need no privilege on the table.
CREATE OR REPLACE FUNCTION queue.lock_merges(p_users uuid[])
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF p_users IS NULL OR pg_catalog.cardinality(p_users) = 0 THEN
    RETURN;
  END IF;
  INSERT INTO queue.merge_locks (user_id)
  SELECT DISTINCT u FROM pg_catalog.unnest(p_users) AS u WHERE u IS NOT NULL ORDER BY u
  ON CONFLICT (user_id) DO NOTHING;
  PERFORM 1 FROM queue.merge_locks l WHERE l.user_id = ANY (p_users) ORDER BY l.user_id FOR NO KEY UPDATE;
END
$$;

REVOKE ALL ON FUNCTION queue.lock_merges(uuid[]) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION queue.lock_merges(uuid[]) TO careeros_worker, service_role;
