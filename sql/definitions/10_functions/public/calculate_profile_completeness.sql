-- Profile completeness (the guide's scoring).  SECURITY INVOKER: RLS decides
-- what the caller can count; on top of that, a signed-in user asking about
-- someone else is refused unless an admin (the guide's SECURITY DEFINER
-- version disclosed anyone's counts).
CREATE OR REPLACE FUNCTION public.calculate_profile_completeness(p_user_id uuid)
RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
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

REVOKE ALL ON FUNCTION public.calculate_profile_completeness(uuid) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.calculate_profile_completeness(uuid) TO authenticated, service_role;
