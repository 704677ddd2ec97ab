-- BEFORE INSERT OR UPDATE: keeps updated_at honest.
CREATE OR REPLACE FUNCTION public.tg_set_updated_at()
RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  NEW.updated_at := pg_catalog.now();
  RETURN NEW;
END
$$;

REVOKE ALL ON FUNCTION public.tg_set_updated_at() FROM PUBLIC, anon, authenticated, careeros_worker, service_role;


DO $triggers$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['profiles', 'career_profile', 'user_sessions', 'resume_streams', 'resume_versions',
                           'parsed_resume_entities', 'entry_enrichment', 'career_enrichment', 'career_narratives',
                           'normalized_entities', 'resume_entity_links', 'interview_sessions', 'interview_contexts',
                           'work_experience', 'education', 'skill', 'project', 'certification'] LOOP
    EXECUTE pg_catalog.format(
      'CREATE OR REPLACE TRIGGER set_updated_at BEFORE UPDATE ON public.%I FOR EACH ROW EXECUTE FUNCTION public.tg_set_updated_at()', t);
  END LOOP;
END
$triggers$;
