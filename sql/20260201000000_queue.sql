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

CREATE SCHEMA IF NOT EXISTS queue;
REVOKE ALL ON SCHEMA queue FROM PUBLIC;

-- Served by the claim: only unfinished rows are indexed, so a million
-- completed rows cost nothing.
CREATE INDEX IF NOT EXISTS resume_versions_queue_pending_idx
  ON public.resume_versions (priority DESC, run_after)
  WHERE processing_status = 'pending';
-- Jobs in flight, for the rescue of expired leases.  Keyed on locked_by,
-- which does not change while a job runs, so that heartbeats (which move
-- lease_expires_at) stay HOT updates; the rows in flight are few.
DROP INDEX IF EXISTS public.resume_versions_queue_lease_idx;
CREATE INDEX IF NOT EXISTS resume_versions_queue_inflight_idx
  ON public.resume_versions (locked_by)
  WHERE processing_status = 'processing';

-- One notification per statement (and Postgres folds identical ones within a
-- transaction), so a bulk insert of thousands of versions wakes the pool once.
CREATE OR REPLACE FUNCTION queue.notify_pending() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM new_rows WHERE processing_status = 'pending') THEN
    PERFORM pg_notify('careeros_jobs', '');
  END IF;
  RETURN NULL;
END;
$$;
REVOKE ALL ON FUNCTION queue.notify_pending() FROM PUBLIC;

DROP TRIGGER IF EXISTS resume_versions_notify_pending ON public.resume_versions;
CREATE TRIGGER resume_versions_notify_pending
  AFTER INSERT ON public.resume_versions
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION queue.notify_pending();

-- Marks one stage in processing_stages.
CREATE OR REPLACE FUNCTION queue.stage_mark(p_stages jsonb, p_stage text, p_patch jsonb)
RETURNS jsonb LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT jsonb_set(coalesce(p_stages, '{}'::jsonb), ARRAY[p_stage],
                   coalesce(p_stages -> p_stage, '{}'::jsonb) || p_patch, true)
$$;

-- Claims up to p_limit jobs: ready pending rows by priority then age, and
-- rows whose lease expired (their worker died or hung: a "rescue").  A
-- rescued job that already used all its attempts fails instead of being
-- handed out again, so a file that kills workers cannot loop forever.
CREATE OR REPLACE FUNCTION queue.claim(p_worker text, p_limit integer, p_lease_ms integer)
RETURNS TABLE (id uuid, lease_token uuid, attempts integer, max_attempts integer,
               current_stage text, user_id uuid, file_path text, file_name text,
               file_size bigint, file_hash text, mime_type text, created_at timestamptz,
               rescued boolean)
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  RETURN QUERY
  WITH ready AS (
    SELECT rv.id, false AS rescued
      FROM public.resume_versions rv
     WHERE rv.processing_status = 'pending' AND rv.run_after <= now()
     ORDER BY rv.priority DESC, rv.run_after
     LIMIT p_limit
       FOR UPDATE SKIP LOCKED
  ), expired AS (
    SELECT rv.id, true AS rescued
      FROM public.resume_versions rv
     WHERE rv.processing_status = 'processing' AND rv.lease_expires_at < now()
     ORDER BY rv.lease_expires_at
     LIMIT p_limit
       FOR UPDATE SKIP LOCKED
  ), picked AS (
    SELECT * FROM expired UNION ALL SELECT * FROM ready LIMIT p_limit
  ), upd AS (
    UPDATE public.resume_versions rv SET
      processing_status = CASE WHEN p.rescued AND rv.attempts >= rv.max_attempts
                               THEN 'failed' ELSE 'processing' END,
      attempts = rv.attempts + CASE WHEN p.rescued AND rv.attempts >= rv.max_attempts THEN 0 ELSE 1 END,
      -- A rescue that gives up leaves no lease and marks the stage failed.
      locked_by = CASE WHEN p.rescued AND rv.attempts >= rv.max_attempts THEN NULL ELSE p_worker END,
      lease_token = CASE WHEN p.rescued AND rv.attempts >= rv.max_attempts THEN NULL ELSE gen_random_uuid() END,
      lease_expires_at = CASE WHEN p.rescued AND rv.attempts >= rv.max_attempts THEN NULL
                              ELSE now() + make_interval(secs => p_lease_ms / 1000.0) END,
      -- queue.stage_mark written out: a function with SET search_path is
      -- never inlined, and calling it per row is a tenth of the claim's cost.
      processing_stages = jsonb_set(rv.processing_stages, ARRAY[rv.current_stage],
        coalesce(rv.processing_stages -> rv.current_stage, '{}'::jsonb)
          || CASE WHEN p.rescued AND rv.attempts >= rv.max_attempts
                  THEN jsonb_build_object('status', 'failed', 'error', 'MAX_ATTEMPTS')
                  ELSE jsonb_build_object('status', 'running', 'started_at', now(), 'error', NULL) END, true),
      processing_errors = CASE WHEN p.rescued THEN
        coalesce(rv.processing_errors, '[]'::jsonb) || jsonb_build_array(jsonb_build_object(
          'stage', rv.current_stage, 'code', 'LEASE_EXPIRED',
          'message', 'lease of ' || coalesce(rv.locked_by, '?') || ' expired',
          'attempt', rv.attempts, 'at', now(), 'retryable', true)) ||
        CASE WHEN rv.attempts >= rv.max_attempts THEN jsonb_build_array(jsonb_build_object(
          'stage', rv.current_stage, 'code', 'MAX_ATTEMPTS',
          'message', 'gave up after ' || rv.attempts || ' attempts',
          'attempt', rv.attempts, 'at', now(), 'retryable', false)) ELSE '[]'::jsonb END
        ELSE rv.processing_errors END,
      updated_at = now()
    FROM picked p
    WHERE rv.id = p.id
    RETURNING rv.id, rv.lease_token, rv.attempts, rv.max_attempts, rv.current_stage,
              rv.user_id, rv.file_path, rv.file_name, rv.file_size::bigint, rv.file_hash,
              rv.mime_type, rv.created_at, p.rescued, rv.processing_status
  )
  SELECT u.id, u.lease_token, u.attempts, u.max_attempts, u.current_stage, u.user_id,
         u.file_path, u.file_name, u.file_size, u.file_hash, u.mime_type, u.created_at,
         u.rescued
    FROM upd u
   WHERE u.processing_status = 'processing';
END;
$$;

-- Extends the leases of all of a process's jobs in one statement.  Returns
-- the ids still held; a job missing from the answer was taken over.
CREATE OR REPLACE FUNCTION queue.heartbeat(p_ids uuid[], p_tokens uuid[], p_lease_ms integer)
RETURNS SETOF uuid LANGUAGE sql SET search_path = '' AS $$
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

-- What a stage needs to run: the extracted text (parse, enrich) and the
-- parsed document rebuilt from the entity rows (enrich).
CREATE OR REPLACE FUNCTION queue.stage_input(p_id uuid, p_stage text)
RETURNS jsonb LANGUAGE sql STABLE SET search_path = '' AS $$
  WITH p AS (
    SELECT field_name, raw_value FROM public.parsed_resume_entities
     WHERE resume_version_id = p_id AND p_stage = 'enrich'
  ), entries AS (
    SELECT split_part(field_name, '.', 1) AS section,
           jsonb_agg(raw_value::jsonb ORDER BY split_part(field_name, '.', 2)::int) AS items
      FROM p
     WHERE field_name ~ '^(work_experience|education|skills|projects|certifications|languages)\.[0-9]+$'
     GROUP BY 1
  )
  SELECT jsonb_build_object(
    'text', (SELECT t.content FROM public.resume_version_texts t WHERE t.resume_version_id = p_id),
    'document', CASE WHEN p_stage = 'enrich' THEN
      jsonb_build_object(
        'contact', coalesce((SELECT jsonb_object_agg(split_part(field_name, '.', 2), raw_value)
                               FROM p WHERE field_name ~ '^contact\.[a-z_]+$'), '{}'::jsonb)
                   || jsonb_build_object('urls', coalesce((SELECT jsonb_agg(raw_value ORDER BY split_part(field_name, '.', 3)::int)
                               FROM p WHERE field_name ~ '^contact\.urls\.[0-9]+$'), '[]'::jsonb)),
        'summary', (SELECT raw_value FROM p WHERE field_name = 'summary'))
      || coalesce((SELECT jsonb_object_agg(section, items) FROM entries), '{}'::jsonb)
    END)
$$;

-- Writes one stage's outputs.  Called inside finish_stages' per-item
-- subtransaction, after the fence check.
CREATE OR REPLACE FUNCTION queue.write_outputs(p_id uuid, p_user uuid, p_stage text, p_out jsonb)
RETURNS void LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  IF p_stage = 'upload' THEN
    INSERT INTO public.resume_version_texts (resume_version_id, user_id, content, char_count,
           page_count, extractor, extractor_version, detected_mime)
    VALUES (p_id, p_user, p_out ->> 'text', (p_out ->> 'char_count')::int,
            (p_out ->> 'page_count')::int, p_out ->> 'extractor', p_out ->> 'extractor_version',
            p_out ->> 'detected_mime');
  ELSIF p_stage = 'parse' THEN
    INSERT INTO public.parsed_resume_entities (resume_version_id, user_id, field_name, raw_value,
           confidence_score, source_type, model_version)
    SELECT p_id, p_user, r ->> 'field_name', r ->> 'raw_value',
           coalesce((r ->> 'confidence_score')::double precision, 0),
           r ->> 'source_type', r ->> 'model_version'
      FROM jsonb_array_elements(p_out -> 'rows') r;
  ELSIF p_stage = 'enrich' THEN
    INSERT INTO public.entry_enrichment (user_id, resume_version_id, parsed_entity_id,
           parsed_structure, insights, skills_identified, recommendations, experience_level,
           career_progression, market_relevance, model_version, confidence_score,
           enrichment_metadata)
    SELECT p_id_user.u, p_id, pe.id, e -> 'parsed_structure', coalesce(e -> 'insights', '[]'),
           coalesce(e -> 'skills_identified', '[]'), coalesce(e -> 'recommendations', '[]'),
           e ->> 'experience_level', e ->> 'career_progression', e ->> 'market_relevance',
           p_out ->> 'model_version', coalesce((e ->> 'confidence')::double precision, 0),
           jsonb_build_object('source_type', p_out ->> 'source_type')
      FROM jsonb_array_elements(coalesce(p_out -> 'entries', '[]')) e
      CROSS JOIN (SELECT p_user AS u) p_id_user
      JOIN public.parsed_resume_entities pe
        ON pe.resume_version_id = p_id AND pe.field_name = e ->> 'path';
    IF p_out ? 'career' AND jsonb_typeof(p_out -> 'career') = 'object' THEN
      INSERT INTO public.career_enrichment (user_id, resume_version_id, role_archetype,
             role_archetype_explanation, persona_type, persona_explanation, leadership_score,
             leadership_explanation, scope_score, scope_explanation, technical_depth_score,
             technical_depth_explanation, model_version, confidence_score, enrichment_metadata)
      SELECT p_user, p_id, c ->> 'role_archetype', c ->> 'role_archetype_explanation',
             c ->> 'persona_type', c ->> 'persona_explanation', (c ->> 'leadership_score')::int,
             c ->> 'leadership_explanation', (c ->> 'scope_score')::int, c ->> 'scope_explanation',
             (c ->> 'technical_depth_score')::int, c ->> 'technical_depth_explanation',
             p_out ->> 'model_version', coalesce((c ->> 'confidence')::double precision, 0),
             jsonb_build_object('source_type', p_out ->> 'source_type')
        FROM (SELECT p_out -> 'career' AS c) x;
    END IF;
    INSERT INTO public.career_narratives (user_id, resume_version_id, narrative_type,
           narrative_text, narrative_explanation, model_version, confidence_score)
    SELECT p_user, p_id, n ->> 'narrative_type', n ->> 'narrative_text',
           n ->> 'narrative_explanation', p_out ->> 'model_version',
           coalesce((n ->> 'confidence')::double precision, 0)
      FROM jsonb_array_elements(coalesce(p_out -> 'narratives', '[]')) n;
  ELSIF p_stage = 'complete' THEN
    PERFORM public.merge_resume_version(p_id);
  ELSIF p_stage <> 'noop' THEN
    RAISE EXCEPTION 'unknown stage %', p_stage USING ERRCODE = '22023';
  END IF;
END;
$$;

-- Finishes stages of many jobs in one round trip.  p_items is a JSON array
-- of {id, token, stage, next_stage, progress, output, telemetry}; next_stage
-- null means the job is done.  Each item runs in its own subtransaction:
-- one bad item (a constraint violation) does not undo the others.  Returns
-- one row per item, in item order: 'ok', 'fenced' (lease token no longer
-- ours: nothing written) or 'error' with the database's message.
--
-- Fast path: items with nothing to write (stage 'noop') are finished by one
-- set-based UPDATE, fenced per item by its token, instead of one
-- subtransaction each (a subtransaction per item costs more than the item,
-- and past 64 of them every snapshot in the cluster gets slower).  If that
-- statement fails as a whole, its items go through the per-item loop, so
-- errors stay per item.
CREATE OR REPLACE FUNCTION queue.finish_stages(p_items jsonb)
RETURNS TABLE (id uuid, result text, message text)
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  it jsonb;
  ord bigint;
  v_fast text[];
  v_id uuid;
  v_user uuid;
  v_stage text;
  v_next text;
  v_tel jsonb;
BEGIN
  -- Lock order, the same in every queue function: first the per-user merge
  -- locks (sorted), then the batch's rows (by id).  Merges of one user's
  -- versions serialise on the first, so two workers folding resumes into
  -- the same profile cannot deadlock on its entity rows.
  PERFORM pg_advisory_xact_lock(k)
     FROM (SELECT DISTINCT hashtextextended(rv.user_id::text, 7391) AS k
             FROM jsonb_array_elements(p_items) e
             JOIN public.resume_versions rv ON rv.id = (e ->> 'id')::uuid
            WHERE e ->> 'stage' = 'complete') u
    ORDER BY k;
  -- A batch of no-op items only (benchmarks) skips this pass: its one
  -- UPDATE below takes the same row locks, and a deadlock there would only
  -- send the items through the per-item loop.  The pass is about a seventh
  -- of a no-op job's cost.
  IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_items) e WHERE e ->> 'stage' IS DISTINCT FROM 'noop') THEN
    PERFORM 1 FROM public.resume_versions rv
      WHERE rv.id IN (SELECT (e ->> 'id')::uuid FROM jsonb_array_elements(p_items) e)
      ORDER BY rv.id
        FOR NO KEY UPDATE;
  END IF;
  IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_items) e WHERE e ->> 'stage' = 'noop') THEN
    BEGIN
      WITH items AS (
        SELECT e, o, (e ->> 'id')::uuid AS iid,
               e ->> 'stage' = 'noop' AND count(*) OVER (PARTITION BY e ->> 'id') = 1 AS fast
          FROM jsonb_array_elements(p_items) WITH ORDINALITY AS x(e, o)
      ), upd AS (
        UPDATE public.resume_versions rv SET
          current_stage = coalesce(i.e ->> 'next_stage', rv.current_stage),
          processing_progress = coalesce((i.e ->> 'progress')::int, rv.processing_progress),
          processing_telemetry = jsonb_set(
            (coalesce(rv.processing_telemetry, '{}'::jsonb) || coalesce(i.e -> 'telemetry' -> 'job', '{}'::jsonb))
              || jsonb_build_object('stages', coalesce((coalesce(rv.processing_telemetry, '{}'::jsonb)
                   || coalesce(i.e -> 'telemetry' -> 'job', '{}'::jsonb)) -> 'stages', '{}'::jsonb)),
            ARRAY['stages', 'noop'], coalesce(i.e -> 'telemetry' -> 'stage', '{}'::jsonb), true),
          processing_status = CASE WHEN i.e ->> 'next_stage' IS NULL THEN 'completed' ELSE 'processing' END,
          locked_by = CASE WHEN i.e ->> 'next_stage' IS NULL THEN NULL ELSE rv.locked_by END,
          lease_token = CASE WHEN i.e ->> 'next_stage' IS NULL THEN NULL ELSE rv.lease_token END,
          lease_expires_at = CASE WHEN i.e ->> 'next_stage' IS NULL THEN NULL ELSE rv.lease_expires_at END,
          updated_at = now()
          FROM items i
         -- IS NOT DISTINCT FROM (the column is NOT NULL: same meaning) keeps
         -- the planner on the primary key: with "=" it reads every entry of
         -- the partial lease index, dead ones included, to build a hash.
         WHERE i.fast AND rv.id = i.iid AND rv.lease_token = (i.e ->> 'token')::uuid
           AND rv.processing_status IS NOT DISTINCT FROM 'processing'
        RETURNING rv.id
      )
      SELECT array_agg(CASE WHEN NOT i.fast THEN NULL
                            WHEN u.id IS NULL THEN 'fenced' ELSE 'ok' END ORDER BY i.o)
        INTO v_fast
        FROM items i LEFT JOIN upd u ON u.id = i.iid AND i.fast;
    EXCEPTION WHEN OTHERS THEN
      v_fast := NULL;
    END;
  END IF;
  FOR it, ord IN SELECT * FROM jsonb_array_elements(p_items) WITH ORDINALITY LOOP
    v_id := (it ->> 'id')::uuid;
    IF v_fast[ord] IS NOT NULL THEN
      id := v_id; result := v_fast[ord]; message := NULL;
      RETURN NEXT;
      CONTINUE;
    END IF;
    v_stage := it ->> 'stage';
    v_next := it ->> 'next_stage';
    BEGIN
      SELECT rv.user_id, coalesce(rv.processing_telemetry, '{}'::jsonb) INTO v_user, v_tel
        FROM public.resume_versions rv
       WHERE rv.id = v_id AND rv.lease_token = (it ->> 'token')::uuid
         AND rv.processing_status = 'processing'
         FOR NO KEY UPDATE;
      IF NOT FOUND THEN
        id := v_id; result := 'fenced'; message := NULL;
        RETURN NEXT;
        CONTINUE;
      END IF;
      PERFORM queue.write_outputs(v_id, v_user, v_stage, coalesce(it -> 'output', '{}'::jsonb));
      v_tel := v_tel || coalesce(it -> 'telemetry' -> 'job', '{}'::jsonb);
      v_tel := jsonb_set(v_tel || jsonb_build_object('stages', coalesce(v_tel -> 'stages', '{}'::jsonb)),
                         ARRAY['stages', v_stage], coalesce(it -> 'telemetry' -> 'stage', '{}'::jsonb), true);
      UPDATE public.resume_versions rv SET
        processing_stages = CASE WHEN v_stage = 'noop' THEN rv.processing_stages ELSE
            CASE WHEN v_next IS NULL THEN queue.stage_mark(rv.processing_stages, v_stage,
                   jsonb_build_object('status', 'completed', 'completed_at', now(), 'error', NULL))
            ELSE queue.stage_mark(queue.stage_mark(rv.processing_stages, v_stage,
                   jsonb_build_object('status', 'completed', 'completed_at', now(), 'error', NULL)),
                   v_next, jsonb_build_object('status', 'running', 'started_at', now(), 'error', NULL))
            END END,
        current_stage = coalesce(v_next, rv.current_stage),
        processing_progress = coalesce((it ->> 'progress')::int, rv.processing_progress),
        processing_telemetry = v_tel,
        processing_status = CASE WHEN v_next IS NULL THEN 'completed' ELSE 'processing' END,
        locked_by = CASE WHEN v_next IS NULL THEN NULL ELSE rv.locked_by END,
        lease_token = CASE WHEN v_next IS NULL THEN NULL ELSE rv.lease_token END,
        lease_expires_at = CASE WHEN v_next IS NULL THEN NULL ELSE rv.lease_expires_at END,
        updated_at = now()
      WHERE rv.id = v_id;
      id := v_id; result := 'ok'; message := NULL;
      RETURN NEXT;
    EXCEPTION WHEN OTHERS THEN
      id := v_id; result := 'error'; message := SQLSTATE || ': ' || SQLERRM;
      RETURN NEXT;
    END;
  END LOOP;
END;
$$;

-- Records an error for a job and either schedules a retry (exponential
-- backoff with jitter, or the delay the failing service asked for) or fails
-- it.  Fenced like a stage: returns false when the lease is no longer ours.
CREATE OR REPLACE FUNCTION queue.fail(p_id uuid, p_token uuid, p_stage text, p_code text,
                                      p_message text, p_retryable boolean,
                                      p_retry_after_ms bigint, p_backoff_base_ms integer,
                                      p_backoff_max_ms integer, p_telemetry jsonb)
RETURNS text LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  rv_attempts integer;
  rv_max integer;
  v_retry boolean;
  v_delay double precision;
BEGIN
  SELECT rv.attempts, rv.max_attempts INTO rv_attempts, rv_max
    FROM public.resume_versions rv
   WHERE rv.id = p_id AND rv.lease_token = p_token AND rv.processing_status = 'processing'
     FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    RETURN 'fenced';
  END IF;
  v_retry := p_retryable AND rv_attempts < rv_max;
  -- Full exponential backoff with up to 25% jitter below it.
  v_delay := least(p_backoff_base_ms * power(2, greatest(rv_attempts - 1, 0)), p_backoff_max_ms)
             * (1 - random() * 0.25);
  IF p_retry_after_ms IS NOT NULL AND p_retry_after_ms > v_delay THEN
    v_delay := p_retry_after_ms;
  END IF;
  UPDATE public.resume_versions rv SET
    processing_status = CASE WHEN v_retry THEN 'pending' ELSE 'failed' END,
    run_after = CASE WHEN v_retry THEN now() + make_interval(secs => v_delay / 1000.0) ELSE rv.run_after END,
    processing_stages = queue.stage_mark(rv.processing_stages, p_stage,
      jsonb_build_object('status', CASE WHEN v_retry THEN 'retrying' ELSE 'failed' END,
                         'error', p_code)),
    processing_errors = coalesce(rv.processing_errors, '[]'::jsonb) ||
      jsonb_build_array(jsonb_build_object('stage', p_stage, 'code', p_code, 'message', p_message,
        'attempt', rv_attempts, 'at', now(), 'retryable', p_retryable)) ||
      CASE WHEN p_retryable AND NOT v_retry THEN jsonb_build_array(jsonb_build_object(
        'stage', p_stage, 'code', 'MAX_ATTEMPTS', 'message', 'gave up after ' || rv_attempts || ' attempts',
        'attempt', rv_attempts, 'at', now(), 'retryable', false)) ELSE '[]'::jsonb END,
    processing_telemetry = coalesce(rv.processing_telemetry, '{}'::jsonb) || coalesce(p_telemetry, '{}'::jsonb),
    locked_by = NULL, lease_token = NULL, lease_expires_at = NULL,
    updated_at = now()
  WHERE rv.id = p_id;
  RETURN CASE WHEN v_retry THEN 'retry' ELSE 'failed' END;
END;
$$;

-- Gives jobs back: claimable at once.  At shutdown (p_refund) the attempt
-- does not count, since the job did nothing wrong; a job whose last write
-- had an unknown outcome (the connection died under it) keeps the attempt,
-- so that a job which kills connections still reaches max_attempts.
DROP FUNCTION IF EXISTS queue.release(uuid[], uuid[]);
CREATE OR REPLACE FUNCTION queue.release(p_ids uuid[], p_tokens uuid[], p_refund boolean)
RETURNS integer LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE n integer;
BEGIN
  UPDATE public.resume_versions rv SET
    processing_status = 'pending', run_after = now(),
    attempts = CASE WHEN p_refund THEN greatest(rv.attempts - 1, 0) ELSE rv.attempts END,
    processing_stages = queue.stage_mark(rv.processing_stages, rv.current_stage,
      jsonb_build_object('status', 'pending', 'started_at', NULL)),
    locked_by = NULL, lease_token = NULL, lease_expires_at = NULL, updated_at = now()
  FROM (SELECT r.id FROM public.resume_versions r
          JOIN unnest(p_ids, p_tokens) AS t(id, token) ON r.id = t.id AND r.lease_token = t.token
         WHERE r.processing_status = 'processing'
         ORDER BY r.id
           FOR NO KEY UPDATE OF r) t
  WHERE rv.id = t.id;
  GET DIAGNOSTICS n = ROW_COUNT;
  IF n > 0 THEN
    PERFORM pg_notify('careeros_jobs', '');
  END IF;
  RETURN n;
END;
$$;

-- Puts failed versions back in the queue: those named (p_ids), or those
-- whose last error has code p_code (the error before a final MAX_ATTEMPTS
-- counts too: that is what was repeated), or all failed ones when both are
-- null.
-- Stages that completed stay completed: the job resumes where it failed.
CREATE OR REPLACE FUNCTION queue.requeue(p_ids uuid[], p_code text)
RETURNS integer LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE n integer;
BEGIN
  UPDATE public.resume_versions rv SET
    processing_status = 'pending', run_after = now(), attempts = 0,
    processing_stages = queue.stage_mark(rv.processing_stages, rv.current_stage,
      jsonb_build_object('status', 'pending', 'started_at', NULL, 'error', NULL)),
    updated_at = now()
  WHERE rv.processing_status = 'failed'
    AND (p_ids IS NULL OR rv.id = ANY (p_ids))
    AND (p_code IS NULL OR p_code = rv.processing_errors -> -1 ->> 'code' OR p_code = (
          SELECT e ->> 'code'
            FROM jsonb_array_elements(coalesce(rv.processing_errors, '[]'::jsonb))
                 WITH ORDINALITY AS x(e, o)
           WHERE e ->> 'code' <> 'MAX_ATTEMPTS'
           ORDER BY o DESC LIMIT 1));
  GET DIAGNOSTICS n = ROW_COUNT;
  IF n > 0 THEN
    PERFORM pg_notify('careeros_jobs', '');
  END IF;
  RETURN n;
END;
$$;

DO $$
DECLARE f text;
BEGIN
  FOR f IN SELECT p.oid::regprocedure::text FROM pg_proc p
            WHERE p.pronamespace = 'queue'::regnamespace LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN
      EXECUTE format('REVOKE ALL ON FUNCTION %s FROM anon, authenticated', f);
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'careeros_worker') THEN
      EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO careeros_worker', f);
    END IF;
  END LOOP;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'careeros_worker') THEN
    GRANT USAGE ON SCHEMA queue TO careeros_worker;
  END IF;
END;
$$;
