-- Functions and views of the guide, made safe: SECURITY INVOKER wherever RLS
-- should apply to the caller, SET search_path = '' everywhere, EXECUTE granted
-- explicitly (see 20260101000900_grants.sql).

-- Monthly partitions for interview_transcripts.  Each new partition gets RLS
-- enabled (it is reachable by name in schema public; with no policy of its
-- own, only the owner reads it directly) and no privileges for the API roles.
CREATE OR REPLACE FUNCTION public.create_interview_transcript_partitions(p_from date, p_months integer)
RETURNS integer
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = ''
AS $$
DECLARE
  i integer;
  m date;
  part text;
  created integer := 0;
BEGIN
  IF p_months IS NULL OR p_months < 1 OR p_months > 120 THEN
    RAISE EXCEPTION 'partition_months_out_of_range: p_months must be 1..120, got %', p_months
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  FOR i IN 0 .. p_months - 1 LOOP
    m := (pg_catalog.date_trunc('month', p_from) + pg_catalog.make_interval(months => i))::date;
    part := pg_catalog.format('interview_transcripts_%s', pg_catalog.to_char(m, 'YYYY_MM'));
    IF pg_catalog.to_regclass(pg_catalog.format('public.%I', part)) IS NULL THEN
      EXECUTE pg_catalog.format(
        'CREATE TABLE public.%I PARTITION OF public.interview_transcripts FOR VALUES FROM (%L) TO (%L)',
        part, m::timestamptz, (m + pg_catalog.make_interval(months => 1))::timestamptz);
      created := created + 1;
    END IF;
    EXECUTE pg_catalog.format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', part);
    EXECUTE pg_catalog.format('REVOKE ALL ON public.%I FROM PUBLIC, anon, authenticated', part);
  END LOOP;
  RETURN created;
END
$$;

DO $parts$
BEGIN
  IF pg_catalog.to_regclass('public.interview_transcripts_default') IS NULL THEN
    CREATE TABLE public.interview_transcripts_default PARTITION OF public.interview_transcripts DEFAULT;
  END IF;
  ALTER TABLE public.interview_transcripts_default ENABLE ROW LEVEL SECURITY;
  REVOKE ALL ON public.interview_transcripts_default FROM PUBLIC, anon, authenticated;
  -- From 2026-01 to at least 2027-12 and at least a year ahead of today;
  -- operators extend it with the function above (e.g. from pg_cron).
  PERFORM public.create_interview_transcript_partitions('2026-01-01', least(120, greatest(24,
    ((pg_catalog.date_part('year', now()) - 2026) * 12 + pg_catalog.date_part('month', now()) + 12)::integer)));
END
$parts$;

-- Profile completeness (the guide's scoring).  SECURITY INVOKER: RLS decides
-- what the caller can count; on top of that, a signed-in user asking about
-- someone else is refused unless an admin (the guide's SECURITY DEFINER
-- version disclosed anyone's counts).
CREATE OR REPLACE FUNCTION public.calculate_profile_completeness(p_user_id uuid)
RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = ''
AS $$
DECLARE
  v_uid uuid := auth.uid();
  work_count integer;
  education_count integer;
  skills_count integer;
  project_count integer;
  certification_count integer;
  completeness_score integer := 0;
BEGIN
  IF p_user_id IS NULL THEN
    RAISE EXCEPTION 'profile_completeness_user_required: p_user_id must not be null'
      USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF (v_uid IS NULL OR p_user_id <> v_uid)
     AND current_user IN ('anon', 'authenticated')
     AND NOT public.is_admin() THEN
    RAISE EXCEPTION 'profile_completeness_forbidden: only the owner or an admin may read this profile''s completeness'
      USING ERRCODE = 'insufficient_privilege';
  END IF;

  SELECT count(*) INTO work_count FROM public.work_experience WHERE user_id = p_user_id AND is_active;
  SELECT count(*) INTO education_count FROM public.education WHERE user_id = p_user_id AND is_active;
  SELECT count(*) INTO skills_count FROM public.skill WHERE user_id = p_user_id AND is_active;
  SELECT count(*) INTO project_count FROM public.project WHERE user_id = p_user_id AND is_active;
  SELECT count(*) INTO certification_count FROM public.certification WHERE user_id = p_user_id AND is_active;

  IF work_count > 0 THEN completeness_score := completeness_score + 40; END IF;
  IF education_count > 0 THEN completeness_score := completeness_score + 30; END IF;
  IF skills_count >= 5 THEN completeness_score := completeness_score + 30; END IF;

  RETURN pg_catalog.jsonb_build_object(
    'user_id', p_user_id,
    'score', completeness_score,
    'work_experience_count', work_count,
    'education_count', education_count,
    'skills_count', skills_count,
    'project_count', project_count,
    'certification_count', certification_count,
    'is_complete', completeness_score >= 70
  );
END
$$;

-- The guide's "complete active profile in one query", as a function returning
-- one JSON document.  Ordered by the normalised dates (the guide sorted the
-- free text).  p_user_id defaults to the caller; RLS applies.
CREATE OR REPLACE FUNCTION public.get_complete_profile(p_user_id uuid DEFAULT NULL)
RETURNS jsonb
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = ''
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
        FROM public.certification c WHERE c.user_id = (SELECT id FROM u) AND c.is_active), '[]'::jsonb)
  )
$$;

-- Career statistics on the normalised dates.  A role's duration runs to its
-- end month, or to today when current; roles without a start are not
-- averaged.  Backend analytics only: not selectable by the API roles.
CREATE MATERIALIZED VIEW IF NOT EXISTS public.user_career_stats AS
SELECT
  w.user_id,
  count(DISTINCT w.logical_entity_id) AS total_roles,
  count(DISTINCT w.logical_entity_id) FILTER (WHERE w.is_current) AS current_roles,
  round(avg(
    (CASE WHEN w.is_current THEN current_date
          WHEN w.end_on IS NOT NULL THEN
            CASE w.end_precision WHEN 'year' THEN (w.end_on + interval '1 year')::date
                                 WHEN 'month' THEN (w.end_on + interval '1 month')::date
                                 ELSE w.end_on END
     END - w.start_on) / 365.25
  )::numeric, 2) AS avg_role_duration_years,
  min(w.start_on) AS first_role_start,
  max(w.start_on) AS latest_role_start,
  now() AS refreshed_at
FROM public.work_experience w
WHERE w.is_active
GROUP BY w.user_id;
CREATE UNIQUE INDEX IF NOT EXISTS user_career_stats_user_id_key ON public.user_career_stats (user_id);

-- REFRESH needs the view's owner: SECURITY DEFINER, executable only by the
-- worker and the service role (granted in 20260101000900_grants.sql).
CREATE OR REPLACE FUNCTION public.refresh_user_career_stats()
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  REFRESH MATERIALIZED VIEW CONCURRENTLY public.user_career_stats;
  INSERT INTO public.security_audit_log (action, resource_type, details)
  VALUES ('stats.refresh', 'user_career_stats', pg_catalog.jsonb_build_object('by', session_user));
END
$$;

-- Copies the value-free column statistics of schema public from pg_stats
-- into public.monitoring_column_stats.  SECURITY DEFINER because pg_stats
-- shows a table under RLS only to its owner (or to a role bypassing RLS);
-- executable by the service role only (and the migration owner), never by
-- the API roles, so no signed-in user can run code with the owner's rights.
-- Schedule it after (auto)analyze, e.g. hourly from pg_cron.
CREATE OR REPLACE FUNCTION public.refresh_performance_monitoring()
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  n integer;
BEGIN
  DELETE FROM public.monitoring_column_stats WHERE true;
  -- a partitioned table has only whole-tree (inherited) statistics; a plain
  -- table only its own; an inheritance parent both: keep the whole tree's
  INSERT INTO public.monitoring_column_stats (tablename, attname, n_distinct, correlation, null_frac, avg_width)
  SELECT DISTINCT ON (s.tablename, s.attname)
         s.tablename, s.attname, s.n_distinct, s.correlation, s.null_frac, s.avg_width
    FROM pg_catalog.pg_stats s
   WHERE s.schemaname = 'public'
   ORDER BY s.tablename, s.attname, s.inherited DESC;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

-- Monitoring views: security_invoker, so the caller's own privileges apply;
-- they show rows only to admins.  performance_monitoring: one row per
-- column with statistics (from the last refresh above), or one row with
-- attname NULL for a table not analysed yet, plus the table's live activity
-- from pg_stat_user_tables (which holds no row data and is readable by all).
CREATE OR REPLACE VIEW public.performance_monitoring WITH (security_invoker = true) AS
SELECT t.schemaname, t.relname AS tablename, s.attname::name AS attname, s.n_distinct, s.correlation, s.null_frac,
       s.avg_width, t.n_live_tup, t.n_dead_tup, t.seq_scan, t.idx_scan,
       greatest(t.last_analyze, t.last_autoanalyze) AS last_analyzed_at, s.captured_at AS stats_captured_at
FROM pg_catalog.pg_stat_user_tables t
LEFT JOIN public.monitoring_column_stats s ON s.tablename = t.relname
WHERE t.schemaname = 'public' AND (SELECT public.is_admin());

CREATE OR REPLACE VIEW public.table_sizes WITH (security_invoker = true) AS
SELECT t.schemaname, t.tablename,
       pg_catalog.pg_size_pretty(pg_catalog.pg_total_relation_size(pg_catalog.format('%I.%I', t.schemaname, t.tablename)::regclass)) AS size,
       pg_catalog.pg_total_relation_size(pg_catalog.format('%I.%I', t.schemaname, t.tablename)::regclass) AS size_bytes
FROM pg_catalog.pg_tables t
WHERE t.schemaname = 'public' AND (SELECT public.is_admin());
