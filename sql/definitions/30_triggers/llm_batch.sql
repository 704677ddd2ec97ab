-- Batch API mode (migration 20261207200000_llm_batch).
-- An answer is read no more once its parse stage has committed: it goes
-- in that same transaction (a parse commit that fails keeps it for the
-- retry, which must not pay for the call again).  Fires only for rows that
-- were answered by a batch.
CREATE OR REPLACE FUNCTION queue.batch_answer_consumed() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  DELETE FROM queue.llm_batch_answers a WHERE a.resume_version_id = NEW.id;
  RETURN NULL;
END;
$$;
REVOKE ALL ON FUNCTION queue.batch_answer_consumed() FROM PUBLIC, anon, authenticated, careeros_worker, service_role;

CREATE OR REPLACE TRIGGER resume_versions_batch_answer_consumed
  AFTER UPDATE OF current_stage ON public.resume_versions
  FOR EACH ROW WHEN (OLD.current_stage = 'parse' AND NEW.current_stage <> 'parse'
                     AND NEW.llm_batch_state = 'answered')
  EXECUTE FUNCTION queue.batch_answer_consumed();
