-- An item with "chain": true whose next stage is 'complete' runs the
-- complete stage (the merge) in the same commit, saving the job a round
-- trip; its answer is then 'completed' instead of 'ok'.  If the merge
-- fails, the item's own stage still commits ('ok') and the complete stage
-- is left to run, and fail or not, on its own.
CREATE OR REPLACE FUNCTION queue.chains_complete(p_item jsonb)
RETURNS boolean LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RETURN coalesce(p_item -> 'chain' = 'true'::jsonb AND p_item ->> 'next_stage' = 'complete', false);
END
$$;

REVOKE ALL ON FUNCTION queue.chains_complete(jsonb) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION queue.chains_complete(jsonb) TO careeros_worker;
