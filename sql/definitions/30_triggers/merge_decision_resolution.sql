-- A proposal is resolved once: users may change only its resolution columns
-- (column privileges), and only from open to accepted or dismissed, so that
-- a hand-written UPDATE cannot reopen an accepted proposal and have it
-- accepted twice (accept_merge_proposal, dismiss_merge_proposal).
CREATE OR REPLACE FUNCTION public.tg_merge_decision_resolution()
RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF (NEW.proposal_status, NEW.resolved_at, NEW.resolved_entity_id)
     IS DISTINCT FROM (OLD.proposal_status, OLD.resolved_at, OLD.resolved_entity_id)
     AND (OLD.proposal_status IS DISTINCT FROM 'open' OR NEW.proposal_status NOT IN ('accepted', 'dismissed')) THEN
    RAISE EXCEPTION 'merge_proposal_resolved_once: proposal % is %; it can only go from open to accepted or dismissed',
      OLD.id, OLD.proposal_status
      USING ERRCODE = 'check_violation', CONSTRAINT = 'merge_proposal_resolved_once';
  END IF;
  RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION public.tg_merge_decision_resolution() FROM PUBLIC, anon, authenticated, careeros_worker, service_role;

CREATE OR REPLACE TRIGGER merge_decision_resolution BEFORE UPDATE ON public.merge_decisions
  FOR EACH ROW EXECUTE FUNCTION public.tg_merge_decision_resolution();
