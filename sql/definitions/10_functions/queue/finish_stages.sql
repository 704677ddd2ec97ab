-- Finishes stages of many jobs in one round trip.  p_items is a JSON array
-- of {id, token, stage, next_stage, progress, output, telemetry, chain};
-- next_stage null means the job is done.  Returns one row per item, in item
-- order: 'ok', 'completed' (chained), 'fenced' (lease token no longer ours:
-- nothing written), 'stale' (the lease is ours but the job is at another
-- stage: the database lost an earlier stage's commit; nothing written) or
-- 'error' with the database's message; one bad item
-- (a constraint violation) does not undo the others.  A batch runs in one
-- subtransaction: lock the rows (id order), write every unfenced item's
-- outputs, move every item's state with one UPDATE.  Only if that fails
-- does each item run alone, in id order, to find the one at fault.  Rows
-- locked and updated by the same subtransaction need no MultiXact, and a
-- subtransaction per item (whose cost grows past the item's own past 64 in
-- a transaction) is left to the uncommon case.
CREATE OR REPLACE FUNCTION queue.finish_stages(p_items jsonb)
RETURNS TABLE (id uuid, result text, message text)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  v_n integer := jsonb_array_length(p_items);
  v_err text;
  v_res text[];
  v_msg text[];
  v_user uuid;
  v_owners jsonb;
  it jsonb;
  ord bigint;
  f record;
BEGIN
  IF v_n = 0 THEN
    RETURN;
  END IF;
  -- Lock order, the same in every queue function: first the per-user merge
  -- locks (sorted), then the batch's rows (by id).  Merges of one user's
  -- versions serialise on the first, so two workers folding resumes into
  -- the same profile cannot deadlock on its entity rows.
  PERFORM queue.lock_merges(ARRAY(
    SELECT rv.user_id FROM jsonb_array_elements(p_items) e
      JOIN public.resume_versions rv ON rv.id = (e ->> 'id')::uuid
     WHERE e ->> 'stage' = 'complete' OR queue.chains_complete(e)));

  -- The same job twice in a batch is done one item after the other below.
  IF (SELECT count(DISTINCT e ->> 'id') FROM jsonb_array_elements(p_items) e) = v_n THEN
    BEGIN
      -- A batch of no-op items only (benchmarks) skips the lock pass and the
      -- writes: its UPDATE takes the same row locks.
      IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_items) e WHERE e ->> 'stage' IS DISTINCT FROM 'noop') THEN
        -- the rows, locked in id order, and the owner of each one whose
        -- lease is still ours and that is at the item's stage, by
        -- "id token stage"
        SELECT coalesce(jsonb_object_agg(l.id::text || ' ' || l.lease_token::text || ' ' || l.current_stage, l.user_id)
                          FILTER (WHERE l.processing_status = 'processing' AND l.lease_token IS NOT NULL), '{}')
          INTO v_owners
          FROM (SELECT rv.id, rv.lease_token, rv.processing_status, rv.user_id, rv.current_stage
                  FROM public.resume_versions rv
                 WHERE rv.id IN (SELECT (e ->> 'id')::uuid FROM jsonb_array_elements(p_items) e)
                 ORDER BY rv.id
                   FOR NO KEY UPDATE) l;
        FOR it IN SELECT e FROM jsonb_array_elements(p_items) e WHERE e ->> 'stage' <> 'noop' LOOP
          v_user := (v_owners ->> (((it ->> 'id')::uuid)::text || ' ' || ((it ->> 'token')::uuid)::text
                                   || ' ' || (it ->> 'stage')))::uuid;
          IF v_user IS NOT NULL THEN
            PERFORM queue.write_outputs((it ->> 'id')::uuid, v_user, it ->> 'stage', coalesce(it -> 'output', '{}'::jsonb));
            IF queue.chains_complete(it) THEN
              PERFORM queue.write_outputs((it ->> 'id')::uuid, v_user, 'complete', '{}'::jsonb);
            END IF;
          END IF;
        END LOOP;
      END IF;
      -- (chained: the complete stage ran too, so the job is done)
      WITH items AS (
        SELECT e, o, (e ->> 'id')::uuid AS iid, e ->> 'stage' AS stage, e ->> 'next_stage' AS next,
               queue.chains_complete(e) AS chained, coalesce(e -> 'telemetry' -> 'job', '{}'::jsonb) AS job
          FROM jsonb_array_elements(p_items) WITH ORDINALITY AS x(e, o)
      ), upd AS (
        UPDATE public.resume_versions rv SET
          processing_stages = CASE WHEN i.stage = 'noop' THEN rv.processing_stages
            WHEN i.next IS NULL THEN queue.stage_mark(rv.processing_stages, i.stage,
                   jsonb_build_object('status', 'completed', 'completed_at', now(), 'error', NULL))
            ELSE queue.stage_mark(queue.stage_mark(rv.processing_stages, i.stage,
                   jsonb_build_object('status', 'completed', 'completed_at', now(), 'error', NULL)),
                   i.next, jsonb_build_object('status', CASE WHEN i.chained THEN 'completed' ELSE 'running' END,
                                              'started_at', now(), 'error', NULL)
                           || CASE WHEN i.chained THEN jsonb_build_object('completed_at', now()) ELSE '{}' END)
            END,
          current_stage = coalesce(i.next, rv.current_stage),
          processing_progress = CASE WHEN i.chained THEN 100
                                     ELSE coalesce((i.e ->> 'progress')::int, rv.processing_progress) END,
          processing_telemetry = jsonb_set(
            (coalesce(rv.processing_telemetry, '{}'::jsonb) || i.job)
              || jsonb_build_object('stages', coalesce((coalesce(rv.processing_telemetry, '{}'::jsonb) || i.job)
                   -> 'stages', '{}'::jsonb)
                   || CASE WHEN i.chained THEN jsonb_build_object(i.next, jsonb_build_object('chained', true))
                           ELSE '{}' END),
            ARRAY['stages', i.stage], coalesce(i.e -> 'telemetry' -> 'stage', '{}'::jsonb), true),
          processing_status = CASE WHEN i.next IS NULL OR i.chained THEN 'completed' ELSE 'processing' END,
          locked_by = CASE WHEN i.next IS NULL OR i.chained THEN NULL ELSE rv.locked_by END,
          lease_token = CASE WHEN i.next IS NULL OR i.chained THEN NULL ELSE rv.lease_token END,
          lease_expires_at = CASE WHEN i.next IS NULL OR i.chained THEN NULL ELSE rv.lease_expires_at END,
          updated_at = now()
          FROM items i
         -- IS NOT DISTINCT FROM (the column is NOT NULL: same meaning) keeps
         -- the planner on the primary key: with "=" it reads every entry of
         -- the partial lease index, dead ones included, to build a hash.
         WHERE rv.id = i.iid AND rv.lease_token = (i.e ->> 'token')::uuid
           AND rv.processing_status IS NOT DISTINCT FROM 'processing'
           -- the stage fence: a stage commits only on top of its
           -- predecessor's commit (a database that lost that one, with
           -- synchronous_commit = off or a failover, must not end the job
           -- without its outputs)
           AND (i.stage = 'noop' OR rv.current_stage = i.stage)
        RETURNING rv.id
      )
      -- 'stale': the lease is ours but the job is at another stage; the
      -- worker hands it back to be done again from there
      SELECT array_agg(CASE WHEN u.id IS NOT NULL THEN CASE WHEN i.chained THEN 'completed' ELSE 'ok' END
                            WHEN EXISTS (SELECT 1 FROM public.resume_versions r
                                          WHERE r.id = i.iid AND r.lease_token = (i.e ->> 'token')::uuid
                                            AND r.processing_status = 'processing') THEN 'stale'
                            ELSE 'fenced' END
                       ORDER BY i.o) INTO v_res
        FROM items i LEFT JOIN upd u ON u.id = i.iid;
    EXCEPTION WHEN OTHERS THEN
      v_res := NULL;
      v_err := SQLSTATE || ': ' || SQLERRM;
    END;
    IF v_res IS NOT NULL THEN
      RETURN QUERY
        SELECT (e ->> 'id')::uuid, v_res[o], NULL::text
          FROM jsonb_array_elements(p_items) WITH ORDINALITY AS x(e, o) ORDER BY o;
      RETURN;
    END IF;
    IF v_n = 1 AND queue.chains_complete(p_items -> 0) THEN
      -- the merge failed, not the stage: commit the stage alone, and the
      -- complete stage runs (and fails, or not) on its own
      RETURN QUERY SELECT * FROM queue.finish_stages(jsonb_build_array((p_items -> 0) - 'chain'));
      RETURN;
    END IF;
    IF v_n = 1 THEN
      RETURN QUERY SELECT (p_items -> 0 ->> 'id')::uuid, 'error'::text, v_err;
      RETURN;
    END IF;
  END IF;

  -- Each item alone, rows in id order (the batch's locks went with its
  -- subtransaction), answers in item order.
  FOR it, ord IN
    SELECT e, o FROM jsonb_array_elements(p_items) WITH ORDINALITY AS x(e, o) ORDER BY (e ->> 'id')::uuid, o
  LOOP
    SELECT * INTO f FROM queue.finish_stages(jsonb_build_array(it));
    v_res[ord] := f.result;
    v_msg[ord] := f.message;
  END LOOP;
  RETURN QUERY
    SELECT (e ->> 'id')::uuid, v_res[o], v_msg[o]
      FROM jsonb_array_elements(p_items) WITH ORDINALITY AS x(e, o) ORDER BY o;
END;
$$;

REVOKE ALL ON FUNCTION queue.finish_stages(jsonb) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION queue.finish_stages(jsonb) TO careeros_worker;
