-- The job queue on public.resume_versions.
--
-- The worker claims pending versions with FOR UPDATE SKIP LOCKED, holds a
-- lease (token + expiry) that heartbeats extend, and commits every stage's
-- outputs together with its processing_stages entry in one call that first
-- checks the lease token (fencing): a worker whose job was taken over can no
-- longer write anything for it.
--
-- Everything lives in schema "queue", which PostgREST does not expose, and
-- only careeros_worker may execute it.

-- Claims up to p_limit jobs: ready pending rows by priority, then each
-- user's place in their own queue (queue_rank: fair across users), then age; and
-- rows whose lease expired (their worker died or hung: a "rescue").  A
-- rescued job that already used all its attempts fails instead of being
-- handed out again, so a file that kills workers cannot loop forever.
-- p_max_attempts is the worker's [worker] max_attempts: written into every
-- row claimed, so that it is the limit queue.fail and the rescue apply and
-- the row shows the limit in force; NULL keeps each row's own value.
DROP FUNCTION IF EXISTS queue.claim(text, integer, integer);
CREATE OR REPLACE FUNCTION queue.claim(p_worker text, p_limit integer, p_lease_ms integer,
                                       p_max_attempts integer DEFAULT NULL)
RETURNS TABLE (id uuid, lease_token uuid, attempts integer, max_attempts integer,
               current_stage text, user_id uuid, file_path text, file_name text,
               file_size bigint, file_hash text, mime_type text, created_at timestamptz,
               rescued boolean)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RETURN QUERY
  WITH ready AS (
    SELECT rv.id, false AS rescued, coalesce(p_max_attempts, rv.max_attempts) AS max_att
      FROM public.resume_versions rv
     WHERE rv.processing_status = 'pending' AND rv.run_after <= now()
     ORDER BY rv.priority DESC, rv.queue_rank, rv.run_after
     LIMIT p_limit
       FOR UPDATE SKIP LOCKED
  ), expired AS (
    SELECT rv.id, true AS rescued, coalesce(p_max_attempts, rv.max_attempts) AS max_att
      FROM public.resume_versions rv
     WHERE rv.processing_status = 'processing' AND rv.lease_expires_at < now()
     ORDER BY rv.lease_expires_at
     LIMIT p_limit
       FOR UPDATE SKIP LOCKED
  ), picked AS (
    SELECT * FROM expired UNION ALL SELECT * FROM ready LIMIT p_limit
  ), upd AS (
    UPDATE public.resume_versions rv SET
      processing_status = CASE WHEN p.rescued AND rv.attempts >= p.max_att
                               THEN 'failed' ELSE 'processing' END,
      attempts = rv.attempts + CASE WHEN p.rescued AND rv.attempts >= p.max_att THEN 0 ELSE 1 END,
      -- A rescue that gives up leaves no lease and marks the stage failed.
      locked_by = CASE WHEN p.rescued AND rv.attempts >= p.max_att THEN NULL ELSE p_worker END,
      lease_token = CASE WHEN p.rescued AND rv.attempts >= p.max_att THEN NULL ELSE gen_random_uuid() END,
      lease_expires_at = CASE WHEN p.rescued AND rv.attempts >= p.max_att THEN NULL
                              ELSE now() + make_interval(secs => p_lease_ms / 1000.0) END,
      -- queue.stage_mark written out: a function with SET search_path is
      -- never inlined, and calling it per row is a tenth of the claim's cost.
      processing_stages = jsonb_set(rv.processing_stages, ARRAY[rv.current_stage],
        coalesce(rv.processing_stages -> rv.current_stage, '{}'::jsonb)
          || CASE WHEN p.rescued AND rv.attempts >= p.max_att
                  THEN jsonb_build_object('status', 'failed', 'error', 'MAX_ATTEMPTS')
                  ELSE jsonb_build_object('status', 'running', 'started_at', now(), 'error', NULL) END, true),
      processing_errors = CASE WHEN p.rescued THEN
        coalesce(rv.processing_errors, '[]'::jsonb) || jsonb_build_array(jsonb_build_object(
          'stage', rv.current_stage, 'code', 'LEASE_EXPIRED',
          'message', 'lease of ' || coalesce(rv.locked_by, '?') || ' expired',
          'attempt', rv.attempts, 'at', now(), 'retryable', true)) ||
        CASE WHEN rv.attempts >= p.max_att THEN jsonb_build_array(jsonb_build_object(
          'stage', rv.current_stage, 'code', 'MAX_ATTEMPTS',
          'message', 'gave up after ' || rv.attempts || ' attempts',
          'attempt', rv.attempts, 'at', now(), 'retryable', false)) ELSE '[]'::jsonb END
        ELSE rv.processing_errors END,
      max_attempts = p.max_att,
      updated_at = now()
    FROM picked p
    WHERE rv.id = p.id
    RETURNING rv.id, rv.lease_token, rv.attempts, p.max_att, rv.current_stage,
              rv.user_id, rv.file_path, rv.file_name, rv.file_size::bigint, rv.file_hash,
              rv.mime_type, rv.created_at, p.rescued, rv.processing_status
  )
  SELECT u.id, u.lease_token, u.attempts, u.max_att, u.current_stage, u.user_id,
         u.file_path, u.file_name, u.file_size, u.file_hash, u.mime_type, u.created_at,
         u.rescued
    FROM upd u
   WHERE u.processing_status = 'processing';
END;
$$;

REVOKE ALL ON FUNCTION queue.claim(text, integer, integer, integer) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION queue.claim(text, integer, integer, integer) TO careeros_worker;
