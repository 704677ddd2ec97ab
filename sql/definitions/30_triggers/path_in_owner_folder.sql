-- A version's file lies in its owner's folder (see the migration
-- 20261207120200_file_path_in_owner_folder for why this is a trigger):
-- checked when a row is written with a file_path, never on the queue's own
-- updates, which leave file_path and user_id alone.
CREATE OR REPLACE FUNCTION public.tg_resume_version_file_path_owner() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  -- (a NULL user_id is left to NOT NULL and the row policy, which refuse it)
  IF NEW.user_id IS NOT NULL AND (pg_catalog.starts_with(NEW.file_path, NEW.user_id::text || '/')
      AND NEW.file_path !~ '(^|/)\.\.?(/|$)'
      AND NEW.file_path !~ '//|/$'
      AND NEW.file_path !~ '[[:cntrl:]\\]') IS NOT TRUE THEN
    RAISE EXCEPTION 'new row for relation "resume_versions" violates check constraint "resume_versions_file_path_in_owner_folder"'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'resume_versions_file_path_in_owner_folder',
            TABLE = 'resume_versions', SCHEMA = 'public',
            DETAIL = 'file_path must be "<user_id>/<name>" in the owner''s folder';
  END IF;
  RETURN NEW;
END;
$$;
REVOKE ALL ON FUNCTION public.tg_resume_version_file_path_owner() FROM PUBLIC, anon, authenticated, careeros_worker, service_role;

-- Named to fire after resume_versions_owner_from_stream (BEFORE triggers
-- run in name order), which fills user_id when the insert omits it.
CREATE OR REPLACE TRIGGER resume_versions_path_in_owner_folder
  BEFORE INSERT OR UPDATE OF file_path, user_id ON public.resume_versions
  FOR EACH ROW EXECUTE FUNCTION public.tg_resume_version_file_path_owner();
