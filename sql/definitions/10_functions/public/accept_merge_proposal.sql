-- The user accepts a proposal: its values become the entity's next version
-- (over the active one, which keeps what the proposal does not say), or a
-- new entity.  A proposed new entity is looked up again first
-- (merge_find_entity): when a later resume or the user added it since, the
-- proposal becomes that entity's next version (keeping the profile's
-- spelling of its names), or nothing when it adds no value.  A version the
-- user wrote stays the user's: accepted over a manual or interview version,
-- the new version keeps that source, so that later resumes propose again
-- instead of overwriting.  Runs as the caller: RLS limits it to the
-- caller's own proposals and entities.  Returns the id of the version that
-- holds the accepted values.
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
  v_keys record;
  v_found record;
  v_proposal jsonb;
  v_k text;
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
  v_proposal := d.proposal;
  IF v_logical IS NULL THEN
    -- a new entity when proposed: is it one now?
    SELECT k.gkey, k.nkey INTO v_keys FROM public.merge_entity_keys(d.entity_type,
      CASE d.entity_type WHEN 'work_experience' THEN d.proposal ->> 'company'
                         WHEN 'education' THEN d.proposal ->> 'institution' ELSE d.proposal ->> 'name' END,
      CASE d.entity_type WHEN 'work_experience' THEN d.proposal ->> 'title' WHEN 'education' THEN d.proposal ->> 'degree'
                         WHEN 'certification' THEN d.proposal ->> 'issuer' END) k;
    SELECT f.logical INTO v_found
      FROM public.merge_find_entity(d.user_id, d.entity_type, v_keys.gkey, v_keys.nkey,
                                    (d.proposal ->> 'start_on')::date, '{}', false) f;
    v_logical := v_found.logical;
  END IF;
  IF v_logical IS NOT NULL THEN
    v_active := public.active_entity_version(d.entity_type, v_logical);
    v_version := public.next_entity_version(d.entity_type, v_logical);
  END IF;
  IF v_active IS NOT NULL AND d.logical_entity_id IS NULL THEN
    -- the profile's spelling of the names stays (as in the merge)
    FOREACH v_k IN ARRAY CASE d.entity_type WHEN 'work_experience' THEN '{company,title}'::text[]
                              WHEN 'education' THEN '{institution,degree}' WHEN 'certification' THEN '{name,issuer}'
                              ELSE '{name}' END LOOP
      IF v_active ->> v_k IS NOT NULL THEN
        v_proposal := v_proposal - v_k;
      END IF;
    END LOOP;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.jsonb_each(v_proposal - 'source_confidence') p
                    WHERE (v_active -> p.key) IS DISTINCT FROM p.value) THEN
      -- the entity already says all of it
      UPDATE public.merge_decisions SET proposal_status = 'accepted', resolved_at = pg_catalog.now(),
             resolved_entity_id = (v_active ->> 'id')::uuid
       WHERE id = d.id;
      RETURN (v_active ->> 'id')::uuid;
    END IF;
  END IF;
  IF v_version IS NULL THEN
    -- a new entity, or one whose versions were all deleted since
    v_logical := coalesce(v_logical, pg_catalog.gen_random_uuid());
    v_version := 1;
  END IF;
  v_row := (coalesce(v_active, '{}'::jsonb) - '{id,created_at,updated_at}'::text[]) || v_proposal
           || pg_catalog.jsonb_build_object('user_id', d.user_id, 'logical_entity_id', v_logical,
                'version', v_version, 'is_active', true,
                'source', CASE WHEN v_active ->> 'source' IN ('manual', 'interview') THEN v_active ->> 'source'
                               ELSE 'upload' END,
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
