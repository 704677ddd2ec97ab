-- Keeps p_data (merged into what the stage kept before) while the lease is
-- ours; returns whether it did.
CREATE OR REPLACE FUNCTION queue.save_checkpoint(p_id uuid, p_token uuid, p_stage text, p_data jsonb)
RETURNS boolean LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
  WITH mine AS (
    SELECT rv.id FROM public.resume_versions rv
     WHERE rv.id = p_id AND rv.lease_token = p_token AND rv.processing_status = 'processing'
       AND jsonb_typeof(p_data) = 'object'
  ), kept AS (
    INSERT INTO queue.stage_checkpoints AS c (resume_version_id, stage, data)
    SELECT id, p_stage, p_data FROM mine
    ON CONFLICT (resume_version_id, stage) DO UPDATE SET data = c.data || excluded.data, updated_at = now()
    RETURNING 1
  )
  SELECT EXISTS (SELECT 1 FROM kept)
$$;

REVOKE ALL ON FUNCTION queue.save_checkpoint(uuid, uuid, text, jsonb) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION queue.save_checkpoint(uuid, uuid, text, jsonb) TO careeros_worker;
