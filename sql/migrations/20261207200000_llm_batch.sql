-- OpenAI Batch API mode (llm.batch): parse calls of low-priority jobs are
-- collected into provider batches (half price, answered within 24 h).
--
-- A job waiting for a batch holds no lease: it is 'pending' with run_after
-- 'infinity' (so the claim passes it by) and names its batch in
-- llm_batch_id, with llm_batch_state 'waiting'.  Whichever worker finds the
-- batch finished (queue.batch_due hands each batch check to one worker,
-- queue.batch_finish is fenced by that check's token) stores the answers and
-- makes the jobs claimable again: 'answered' (the parse stage reads its
-- answer from queue.llm_batch_answers instead of calling the API) or
-- 'returned' (no usable answer: the normal path, never batched again).
--
-- This migration: the two columns (with a check and a partial index) and the
-- two tables, with their grants.  The functions queue.batch_route,
-- batch_park, batch_return, batch_due, batch_seen and batch_finish are in
-- sql/definitions/10_functions/queue/, the trigger that deletes a consumed
-- answer in sql/definitions/30_triggers/llm_batch.sql.  No existing function
-- changes.

ALTER TABLE public.resume_versions
  ADD COLUMN IF NOT EXISTS llm_batch_id text,
  ADD COLUMN IF NOT EXISTS llm_batch_state text;

DO $c$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'resume_versions_llm_batch_state_check') THEN
    ALTER TABLE public.resume_versions ADD CONSTRAINT resume_versions_llm_batch_state_check
      CHECK (llm_batch_state IN ('waiting', 'answered', 'returned'));
  END IF;
END
$c$;

-- The jobs of one batch, for batch_finish; only rows that ever went
-- through a batch are in it.
CREATE INDEX IF NOT EXISTS resume_versions_llm_batch_idx
  ON public.resume_versions (llm_batch_id) WHERE llm_batch_id IS NOT NULL;

-- One row per batch submitted to the provider.
CREATE TABLE IF NOT EXISTS queue.llm_batches (
  id text PRIMARY KEY,                 -- the provider's batch id
  input_file_id text NOT NULL,
  status text NOT NULL,                -- as the provider last reported it
  jobs integer NOT NULL,
  submitted_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  next_check_at timestamptz NOT NULL DEFAULT now(),
  check_token uuid,                    -- the worker checking it now (fencing)
  checked_by text,
  checked_at timestamptz,
  request_counts jsonb,
  output_file_id text,
  error_file_id text,
  finished_at timestamptz,
  answered integer,
  returned integer
);
CREATE INDEX IF NOT EXISTS llm_batches_due_idx ON queue.llm_batches (next_check_at) WHERE finished_at IS NULL;

-- A finished batch's answer for one job: the chat completion body, read by
-- the job's parse stage and validated there exactly like a live answer.
CREATE TABLE IF NOT EXISTS queue.llm_batch_answers (
  resume_version_id uuid PRIMARY KEY REFERENCES public.resume_versions (id) ON DELETE CASCADE,
  batch_id text NOT NULL,
  body jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

REVOKE ALL ON queue.llm_batches, queue.llm_batch_answers FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON queue.llm_batches, queue.llm_batch_answers TO careeros_worker;
GRANT UPDATE (llm_batch_id, llm_batch_state) ON public.resume_versions TO careeros_worker;
