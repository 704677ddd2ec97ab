-- The guide's "complete active profile in one query", as a function returning
-- one JSON document.  Ordered by the normalised dates (the guide sorted the
-- free text).  p_user_id defaults to the caller; RLS applies.  Active
-- versions only: the user's own values, nothing retired or deleted; and the
-- open merge proposals, newest first.
CREATE OR REPLACE FUNCTION public.get_complete_profile(p_user_id uuid DEFAULT NULL)
RETURNS jsonb
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
  WITH u AS (SELECT coalesce(p_user_id, auth.uid()) AS id)
  SELECT pg_catalog.jsonb_build_object(
    'user_id', (SELECT id FROM u),
    'work_experience', coalesce((
      SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
               'id', w.logical_entity_id, 'version', w.version, 'company', w.company, 'title', w.title,
               'location', w.location, 'start_date', w.start_date, 'end_date', w.end_date,
               'start', public.format_partial_date(w.start_on, w.start_precision),
               'end', public.format_partial_date(w.end_on, w.end_precision),
               'is_current', w.is_current, 'description', w.description, 'source', w.source)
             ORDER BY w.is_current DESC, w.start_on DESC NULLS LAST, w.end_on DESC NULLS FIRST)
        FROM public.work_experience w WHERE w.user_id = (SELECT id FROM u) AND w.is_active), '[]'::jsonb),
    'education', coalesce((
      SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
               'id', e.logical_entity_id, 'version', e.version, 'institution', e.institution,
               'degree', e.degree, 'field_of_study', e.field_of_study,
               'start_date', e.start_date, 'end_date', e.end_date,
               'start', public.format_partial_date(e.start_on, e.start_precision),
               'end', public.format_partial_date(e.end_on, e.end_precision),
               'is_current', e.is_current, 'gpa', e.gpa, 'source', e.source)
             ORDER BY e.start_on DESC NULLS LAST, e.end_on DESC NULLS FIRST)
        FROM public.education e WHERE e.user_id = (SELECT id FROM u) AND e.is_active), '[]'::jsonb),
    'skills', coalesce((
      SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
               'id', s.logical_entity_id, 'version', s.version, 'name', s.name, 'category', s.category,
               'proficiency_level', s.proficiency_level, 'years_of_experience', s.years_of_experience,
               'source', s.source)
             ORDER BY s.name)
        FROM public.skill s WHERE s.user_id = (SELECT id FROM u) AND s.is_active), '[]'::jsonb),
    'projects', coalesce((
      SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
               'id', p.logical_entity_id, 'version', p.version, 'name', p.name, 'role', p.role, 'url', p.url,
               'start', public.format_partial_date(p.start_on, p.start_precision),
               'end', public.format_partial_date(p.end_on, p.end_precision),
               'is_current', p.is_current, 'description', p.description, 'source', p.source)
             ORDER BY p.start_on DESC NULLS LAST)
        FROM public.project p WHERE p.user_id = (SELECT id FROM u) AND p.is_active), '[]'::jsonb),
    'certifications', coalesce((
      SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
               'id', c.logical_entity_id, 'version', c.version, 'name', c.name, 'issuer', c.issuer,
               'issued', public.format_partial_date(c.issued_on, c.issued_precision),
               'expires', public.format_partial_date(c.expires_on, c.expires_precision),
               'source', c.source)
             ORDER BY c.issued_on DESC NULLS LAST)
        FROM public.certification c WHERE c.user_id = (SELECT id FROM u) AND c.is_active), '[]'::jsonb),
    'proposals', coalesce((
      SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
               'decision_id', d.id, 'entity_type', d.entity_type, 'id', d.logical_entity_id, 'rule', d.rule,
               'values', d.proposal, 'resume_version_id', d.resume_version_id, 'created_at', d.created_at)
             ORDER BY d.created_at DESC, d.source_path)
        FROM public.merge_decisions d WHERE d.user_id = (SELECT id FROM u) AND d.proposal_status = 'open'),
      '[]'::jsonb)
  )
$$;

REVOKE ALL ON FUNCTION public.get_complete_profile(uuid) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.get_complete_profile(uuid) TO authenticated, service_role;
