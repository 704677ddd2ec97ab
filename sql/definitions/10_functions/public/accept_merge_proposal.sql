-- The user accepts a proposal: its values become the entity's next version
-- (over the active one, which keeps what the proposal does not say), or a
-- new entity.  Runs as the caller: RLS limits it to the caller's own
-- proposals and entities.  Returns the new version's id.
CREATE OR REPLACE FUNCTION public.accept_merge_proposal(p_decision_id uuid)
RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  d record;
  v_active jsonb;
  v_logical uuid;
  v_version integer;
  v_row jsonb;
  v_cols text;
  v_id uuid;
BEGIN
  SELECT md.id, md.user_id, md.resume_version_id, md.entity_type, md.logical_entity_id, md.proposal,
         md.proposal_status
    INTO d FROM public.merge_decisions md
   WHERE md.id = p_decision_id AND md.decision = 'proposed'
     FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'merge_proposal_not_found: no proposal % visible to this role', p_decision_id
      USING ERRCODE = 'no_data_found';
  END IF;
  IF d.proposal_status <> 'open' THEN
    RAISE EXCEPTION 'merge_proposal_not_open: proposal % is %', p_decision_id, d.proposal_status
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;

  v_logical := d.logical_entity_id;
  IF v_logical IS NOT NULL THEN
    v_active := public.active_entity_version(d.entity_type, v_logical);
    v_version := public.next_entity_version(d.entity_type, v_logical);
  END IF;
  IF v_version IS NULL THEN
    -- a new entity, or one whose versions were all deleted since
    v_logical := coalesce(v_logical, pg_catalog.gen_random_uuid());
    v_version := 1;
  END IF;
  v_row := (coalesce(v_active, '{}'::jsonb) - '{id,created_at,updated_at}'::text[]) || d.proposal
           || pg_catalog.jsonb_build_object('user_id', d.user_id, 'logical_entity_id', v_logical,
                'version', v_version, 'is_active', true, 'source', 'upload',
                'source_resume_version_id', d.resume_version_id);
  SELECT pg_catalog.string_agg(pg_catalog.quote_ident(k), ', ') INTO v_cols FROM pg_catalog.jsonb_object_keys(v_row) k;
  -- entity_type is one of the five tables (merge_decisions_entity_type_check)
  EXECUTE pg_catalog.format(
    'INSERT INTO public.%I (%s) SELECT %s FROM pg_catalog.jsonb_populate_record(NULL::public.%I, $1) RETURNING id',
    d.entity_type, v_cols, v_cols, d.entity_type)
    INTO v_id USING v_row;
  UPDATE public.merge_decisions SET proposal_status = 'accepted', resolved_at = pg_catalog.now(),
         resolved_entity_id = v_id
   WHERE id = d.id;
  RETURN v_id;
END
$$;

COMMENT ON FUNCTION public.accept_merge_proposal(uuid) IS
  'The user accepts a merge proposal: its values become the entity''s next version (or a new entity). Returns the new version''s id.';

REVOKE ALL ON FUNCTION public.accept_merge_proposal(uuid) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.accept_merge_proposal(uuid) TO authenticated, service_role;
