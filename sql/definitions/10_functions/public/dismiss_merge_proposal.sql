-- The user turns a proposal down; the profile stays as it is.
CREATE OR REPLACE FUNCTION public.dismiss_merge_proposal(p_decision_id uuid)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_status text;
BEGIN
  SELECT md.proposal_status INTO v_status FROM public.merge_decisions md
   WHERE md.id = p_decision_id AND md.decision = 'proposed'
     FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'merge_proposal_not_found: no proposal % visible to this role', p_decision_id
      USING ERRCODE = 'no_data_found';
  END IF;
  IF v_status <> 'open' THEN
    RAISE EXCEPTION 'merge_proposal_not_open: proposal % is %', p_decision_id, v_status
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  UPDATE public.merge_decisions SET proposal_status = 'dismissed', resolved_at = pg_catalog.now()
   WHERE id = p_decision_id;
END
$$;

REVOKE ALL ON FUNCTION public.dismiss_merge_proposal(uuid) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.dismiss_merge_proposal(uuid) TO authenticated, service_role;
