-- Marks one stage in processing_stages.
CREATE OR REPLACE FUNCTION queue.stage_mark(p_stages jsonb, p_stage text, p_patch jsonb)
RETURNS jsonb LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
  SELECT jsonb_set(coalesce(p_stages, '{}'::jsonb), ARRAY[p_stage],
                   coalesce(p_stages -> p_stage, '{}'::jsonb) || p_patch, true)
$$;

REVOKE ALL ON FUNCTION queue.stage_mark(jsonb, text, jsonb) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION queue.stage_mark(jsonb, text, jsonb) TO careeros_worker;
