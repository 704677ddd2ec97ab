-- Answers a stage paid for, kept across its attempts.  The enrich stage
-- makes two LLM calls side by side; when one fails, the other's answer is
-- kept here so that the retry does not pay for it again (a paid call is
-- never paid for again).  The worker writes it with queue.save_checkpoint()
-- in the statement that records the failure (fenced by the lease) and
-- reads it back through queue.stage_input().  The rows go with their
-- version (ON DELETE CASCADE); the worker checks that a kept answer still
-- fits the stage's input before it uses it.
CREATE TABLE IF NOT EXISTS queue.stage_checkpoints (
  resume_version_id uuid NOT NULL REFERENCES public.resume_versions (id) ON DELETE CASCADE,
  stage text NOT NULL,
  data jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (resume_version_id, stage)
);

REVOKE ALL ON queue.stage_checkpoints FROM PUBLIC, anon, authenticated, service_role;
GRANT SELECT, INSERT, UPDATE ON queue.stage_checkpoints TO careeros_worker;
