-- The user's profile (what get_complete_profile shows: the active versions,
-- the user's own values, nothing retired or deleted) as a JSON Resume
-- v1.0.0 document; basics from public.profiles.  Runs as the caller (RLS).
CREATE OR REPLACE FUNCTION public.profile_jsonresume(p_user_id uuid DEFAULT NULL)
RETURNS jsonb
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
  WITH u AS (SELECT coalesce(p_user_id, auth.uid()) AS id),
  pr AS (SELECT p.* FROM public.profiles p WHERE p.id = (SELECT id FROM u))
  SELECT pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
    'basics', (SELECT pg_catalog.jsonb_build_object(
        'name', pr.full_name, 'label', pr.headline, 'summary', pr.summary, 'phone', pr.phone,
        'email', CASE WHEN pr.contact_email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' THEN pr.contact_email END,
        'url', CASE WHEN pr.website_url ~* '^https?://[^\s]+$' THEN pr.website_url END,
        'location', CASE WHEN pr.location IS NOT NULL THEN pg_catalog.jsonb_build_object('city', pr.location) END,
        'profiles', (SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('network', n, 'url', url)), '[]')
                       FROM (VALUES ('LinkedIn', pr.linkedin_url), ('GitHub', pr.github_url)) x(n, url)
                      WHERE url ~* '^https?://[^\s]+$'))
      FROM pr),
    'work', (SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
        'name', w.company, 'position', w.title, 'location', w.location,
        'startDate', public.format_partial_date(w.start_on, w.start_precision),
        'endDate', CASE WHEN NOT w.is_current THEN public.format_partial_date(w.end_on, w.end_precision) END,
        'summary', CASE WHEN public.jsonresume_highlights(w.description) IS NULL THEN w.description END,
        'highlights', public.jsonresume_highlights(w.description))
        ORDER BY w.is_current DESC, w.start_on DESC NULLS LAST, w.end_on DESC NULLS FIRST), '[]')
      FROM public.work_experience w WHERE w.user_id = (SELECT id FROM u) AND w.is_active),
    'education', (SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
        'institution', e.institution, 'studyType', e.degree, 'area', e.field_of_study, 'score', e.gpa,
        'startDate', public.format_partial_date(e.start_on, e.start_precision),
        'endDate', CASE WHEN NOT e.is_current THEN public.format_partial_date(e.end_on, e.end_precision) END)
        ORDER BY e.start_on DESC NULLS LAST), '[]')
      FROM public.education e WHERE e.user_id = (SELECT id FROM u) AND e.is_active),
    'skills', (SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
        'name', s.name, 'level', s.proficiency_level,
        'keywords', CASE WHEN s.category IS NOT NULL THEN pg_catalog.jsonb_build_array(s.category) END)
        ORDER BY s.name), '[]')
      FROM public.skill s WHERE s.user_id = (SELECT id FROM u) AND s.is_active),
    'projects', (SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
        'name', p.name, 'url', CASE WHEN p.url ~* '^https?://[^\s]+$' THEN p.url END,
        'roles', CASE WHEN p.role IS NOT NULL THEN pg_catalog.jsonb_build_array(p.role) END,
        'description', CASE WHEN public.jsonresume_highlights(p.description) IS NULL THEN p.description END,
        'highlights', public.jsonresume_highlights(p.description),
        'startDate', public.format_partial_date(p.start_on, p.start_precision),
        'endDate', CASE WHEN NOT p.is_current THEN public.format_partial_date(p.end_on, p.end_precision) END)
        ORDER BY p.start_on DESC NULLS LAST), '[]')
      FROM public.project p WHERE p.user_id = (SELECT id FROM u) AND p.is_active),
    'certificates', (SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
        'name', c.name, 'issuer', c.issuer, 'date', public.format_partial_date(c.issued_on, c.issued_precision),
        'url', CASE WHEN c.credential_url ~* '^https?://[^\s]+$' THEN c.credential_url END)
        ORDER BY c.issued_on DESC NULLS LAST), '[]')
      FROM public.certification c WHERE c.user_id = (SELECT id FROM u) AND c.is_active),
    'meta', pg_catalog.jsonb_build_object('version', 'v1.0.0')))
$$;

COMMENT ON FUNCTION public.profile_jsonresume(uuid) IS
  'The user''s profile (active versions) as a JSON Resume v1.0.0 document (https://jsonresume.org/schema).';

REVOKE ALL ON FUNCTION public.profile_jsonresume(uuid) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.profile_jsonresume(uuid) TO authenticated, service_role;
