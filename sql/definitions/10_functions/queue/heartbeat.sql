-- Extends the leases of all of a process's jobs in one statement.  Returns
-- the ids still held; a job missing from the answer was taken over.
CREATE OR REPLACE FUNCTION queue.heartbeat(p_ids uuid[], p_tokens uuid[], p_lease_ms integer)
RETURNS SETOF uuid LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
  -- Rows are locked in id order, like finish_stages does, so that a
  -- heartbeat and a stage commit of the same process cannot deadlock.
  WITH mine AS (
    SELECT rv.id FROM public.resume_versions rv
      JOIN unnest(p_ids, p_tokens) AS t(id, token) ON rv.id = t.id AND rv.lease_token = t.token
     WHERE rv.processing_status = 'processing'
     ORDER BY rv.id
       FOR NO KEY UPDATE OF rv
  )
  UPDATE public.resume_versions rv
     SET lease_expires_at = now() + make_interval(secs => p_lease_ms / 1000.0)
    FROM mine
   WHERE rv.id = mine.id
  RETURNING rv.id
$$;

REVOKE ALL ON FUNCTION queue.heartbeat(uuid[], uuid[], integer) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION queue.heartbeat(uuid[], uuid[], integer) TO careeros_worker;
