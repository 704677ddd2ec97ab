-- What the parse stage needs to decide: the row's batch state, its priority,
-- a stored answer, and (p_backlog_cap > 0) how many jobs are ready to claim,
-- counted up to p_backlog_cap only.
CREATE OR REPLACE FUNCTION queue.batch_route(p_id uuid, p_backlog_cap integer)
RETURNS jsonb LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  SELECT jsonb_build_object(
    'state', rv.llm_batch_state, 'batch_id', rv.llm_batch_id, 'priority', rv.priority,
    'answer', (SELECT a.body FROM queue.llm_batch_answers a WHERE a.resume_version_id = p_id),
    'backlog', CASE WHEN p_backlog_cap > 0 THEN
      (SELECT count(*) FROM (SELECT 1 FROM public.resume_versions b
                              WHERE b.processing_status = 'pending' AND b.run_after <= now()
                              LIMIT p_backlog_cap) x)
      ELSE 0 END)
    FROM public.resume_versions rv WHERE rv.id = p_id
$$;

REVOKE ALL ON FUNCTION queue.batch_route(uuid, integer) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION queue.batch_route(uuid, integer) TO careeros_worker;
