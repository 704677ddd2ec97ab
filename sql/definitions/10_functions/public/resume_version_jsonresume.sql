-- A processed resume version as a JSON Resume document (jsonresume.org
-- schema v1.0.0: basics, work, education, skills, projects, certificates,
-- languages, meta), built from the version's parsed entities.  SECURITY
-- INVOKER: a user gets only their own versions, an admin any.

CREATE OR REPLACE FUNCTION public.resume_version_jsonresume(p_resume_version_id uuid)
RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_updated timestamptz;
  v_leaf jsonb;        -- leaf field_name -> raw_value
  v_entries jsonb;     -- section -> [entry objects in index order]
  v_urls text[];
  v_basics jsonb;
  v_summary text;
  v_email text;
  v_url text;
BEGIN
  SELECT v.updated_at INTO v_updated FROM public.resume_versions v WHERE v.id = p_resume_version_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'resume_version_not_found: no resume version % visible to this role', p_resume_version_id
      USING ERRCODE = 'no_data_found';
  END IF;

  SELECT coalesce(pg_catalog.jsonb_object_agg(p.field_name, p.raw_value), '{}'::jsonb) INTO v_leaf
    FROM public.parsed_resume_entities p WHERE p.resume_version_id = p_resume_version_id;

  -- One object per entry: the entry row's JSON, or else its leaves.
  WITH parts AS (
    SELECT x.m[1] AS section, x.m[2]::integer AS idx, x.m[3] AS leaf, p.raw_value
      FROM public.parsed_resume_entities p,
           LATERAL (SELECT pg_catalog.regexp_match(p.field_name,
                     '^(work_experience|education|skills|projects|certifications|languages)\.(\d+)(?:\.([a-z_]+))?$') AS m) x
     WHERE p.resume_version_id = p_resume_version_id AND x.m IS NOT NULL
  ), entries AS (
    SELECT section, idx,
           coalesce(
             (SELECT public.try_jsonb(raw_value) FROM parts e
               WHERE e.section = parts.section AND e.idx = parts.idx AND e.leaf IS NULL
                 AND pg_catalog.jsonb_typeof(public.try_jsonb(e.raw_value)) = 'object' LIMIT 1),
             pg_catalog.jsonb_object_agg(leaf, raw_value) FILTER (WHERE leaf IS NOT NULL)) AS obj
      FROM parts GROUP BY section, idx
  )
  SELECT coalesce(pg_catalog.jsonb_object_agg(section, arr), '{}'::jsonb) INTO v_entries
    FROM (SELECT section, pg_catalog.jsonb_agg(obj ORDER BY idx) AS arr FROM entries WHERE obj IS NOT NULL
           GROUP BY section) s;

  SELECT coalesce(pg_catalog.array_agg(p.raw_value ORDER BY (pg_catalog.split_part(p.field_name, '.', 3))::integer), '{}')
    INTO v_urls
    FROM public.parsed_resume_entities p
   WHERE p.resume_version_id = p_resume_version_id AND p.field_name ~ '^contact\.urls\.\d+$'
     AND p.raw_value ~* '^https?://[^\s]+$';

  v_summary := coalesce(nullif(btrim(v_leaf ->> 'summary'), ''),
    (SELECT n.narrative_text FROM public.career_narratives n
      WHERE n.resume_version_id = p_resume_version_id AND n.narrative_type = 'career_summary'));
  v_email := nullif(btrim(v_leaf ->> 'contact.email'), '');
  IF v_email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' THEN
    v_email := NULL;
  END IF;
  SELECT u INTO v_url FROM pg_catalog.unnest(v_urls) u
   WHERE u !~* '(linkedin|github|gitlab|twitter|x)\.com' LIMIT 1;

  v_basics := pg_catalog.jsonb_build_object(
    'name', nullif(btrim(v_leaf ->> 'contact.name'), ''),
    'label', nullif(btrim(v_leaf ->> 'contact.headline'), ''),
    'email', v_email,
    'phone', nullif(btrim(v_leaf ->> 'contact.phone'), ''),
    'url', v_url,
    'summary', v_summary,
    'location', CASE WHEN nullif(btrim(v_leaf ->> 'contact.location'), '') IS NOT NULL THEN
      pg_catalog.jsonb_build_object(
        'city', nullif(btrim(pg_catalog.split_part(v_leaf ->> 'contact.location', ',', 1)), ''),
        'region', nullif(btrim(pg_catalog.substr(v_leaf ->> 'contact.location',
                    pg_catalog.strpos(v_leaf ->> 'contact.location', ',') + 1)), '')
      ) END,
    'profiles', (SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
        'network', CASE WHEN u ~* 'linkedin\.com' THEN 'LinkedIn' WHEN u ~* 'github\.com' THEN 'GitHub'
                        WHEN u ~* 'gitlab\.com' THEN 'GitLab' ELSE 'Twitter' END,
        'username', nullif(pg_catalog.regexp_replace(u, '^.*/([^/?#]+)/?([?#].*)?$', '\1'), u),
        'url', u)), '[]'::jsonb)
      FROM pg_catalog.unnest(v_urls) u WHERE u ~* '(linkedin|github|gitlab|twitter|x)\.com'));
  -- A location without a comma is a city only.
  IF pg_catalog.strpos(coalesce(v_leaf ->> 'contact.location', ''), ',') = 0 THEN
    v_basics := pg_catalog.jsonb_set(v_basics, '{location,region}', 'null', false);
  END IF;

  RETURN pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
    'basics', v_basics,
    'work', (SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
        'name', public.jsonb_clean_text(e, 'company'),
        'position', public.jsonb_clean_text(e, 'title'),
        'location', public.jsonb_clean_text(e, 'location'),
        'startDate', public.jsonresume_date(e ->> 'start_date'),
        'endDate', CASE WHEN pg_catalog.lower(e ->> 'is_current') IN ('true', 't', 'yes', '1') THEN NULL
                        ELSE public.jsonresume_date(e ->> 'end_date') END,
        'summary', CASE WHEN public.jsonresume_highlights(e ->> 'description') IS NULL
                        THEN public.jsonb_clean_text(e, 'description') END,
        'highlights', public.jsonresume_highlights(e ->> 'description')) ORDER BY o), '[]'::jsonb)
      FROM pg_catalog.jsonb_array_elements(coalesce(v_entries -> 'work_experience', '[]')) WITH ORDINALITY a(e, o)),
    'education', (SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
        'institution', public.jsonb_clean_text(e, 'institution'),
        'studyType', public.jsonb_clean_text(e, 'degree'),
        'area', public.jsonb_clean_text(e, 'field_of_study'),
        'startDate', public.jsonresume_date(e ->> 'start_date'),
        'endDate', CASE WHEN pg_catalog.lower(e ->> 'is_current') IN ('true', 't', 'yes', '1') THEN NULL
                        ELSE public.jsonresume_date(e ->> 'end_date') END,
        'score', public.jsonb_clean_text(e, 'gpa')) ORDER BY o), '[]'::jsonb)
      FROM pg_catalog.jsonb_array_elements(coalesce(v_entries -> 'education', '[]')) WITH ORDINALITY a(e, o)),
    'skills', (SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
        'name', public.jsonb_clean_text(e, 'name'),
        'level', public.jsonb_clean_text(e, 'proficiency_level'),
        'keywords', CASE WHEN public.jsonb_clean_text(e, 'category') IS NOT NULL
                         THEN pg_catalog.jsonb_build_array(public.jsonb_clean_text(e, 'category')) END) ORDER BY o), '[]'::jsonb)
      FROM pg_catalog.jsonb_array_elements(coalesce(v_entries -> 'skills', '[]')) WITH ORDINALITY a(e, o)),
    'projects', (SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
        'name', public.jsonb_clean_text(e, 'name'),
        'description', CASE WHEN public.jsonresume_highlights(e ->> 'description') IS NULL
                            THEN public.jsonb_clean_text(e, 'description') END,
        'highlights', public.jsonresume_highlights(e ->> 'description'),
        'url', CASE WHEN e ->> 'url' ~* '^https?://[^\s]+$' THEN e ->> 'url' END,
        'roles', CASE WHEN public.jsonb_clean_text(e, 'role') IS NOT NULL
                      THEN pg_catalog.jsonb_build_array(public.jsonb_clean_text(e, 'role')) END,
        'startDate', public.jsonresume_date(e ->> 'start_date'),
        'endDate', CASE WHEN pg_catalog.lower(e ->> 'is_current') IN ('true', 't', 'yes', '1') THEN NULL
                        ELSE public.jsonresume_date(e ->> 'end_date') END) ORDER BY o), '[]'::jsonb)
      FROM pg_catalog.jsonb_array_elements(coalesce(v_entries -> 'projects', '[]')) WITH ORDINALITY a(e, o)),
    'certificates', (SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
        'name', public.jsonb_clean_text(e, 'name'),
        'issuer', public.jsonb_clean_text(e, 'issuer'),
        'date', public.jsonresume_date(e ->> 'date')) ORDER BY o), '[]'::jsonb)
      FROM pg_catalog.jsonb_array_elements(coalesce(v_entries -> 'certifications', '[]')) WITH ORDINALITY a(e, o)),
    'languages', (SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
        'language', public.jsonb_clean_text(e, 'name'),
        'fluency', public.jsonb_clean_text(e, 'proficiency')) ORDER BY o), '[]'::jsonb)
      FROM pg_catalog.jsonb_array_elements(coalesce(v_entries -> 'languages', '[]')) WITH ORDINALITY a(e, o)),
    'meta', pg_catalog.jsonb_build_object(
        'version', 'v1.0.0',
        'lastModified', pg_catalog.to_char(v_updated AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'))
  ));
END
$$;

COMMENT ON FUNCTION public.resume_version_jsonresume(uuid) IS
  'The version''s parsed resume as a JSON Resume v1.0.0 document (https://jsonresume.org/schema).';

REVOKE ALL ON FUNCTION public.resume_version_jsonresume(uuid) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.resume_version_jsonresume(uuid) TO authenticated, careeros_worker, service_role;
