-- A version's file lies in its owner's folder: file_path is
-- "<user_id>/<name>", as Supabase Storage lays out a bucket (and as
-- `careeros-worker enqueue` stores files), with no "." or ".." segment,
-- no empty segment, no backslash and no control character.  Without this, a
-- user could insert a version naming another user's file: the worker,
-- which reads storage with rights of its own, would fetch it.  NOT VALID: a
-- database with older rows migrates; the upload stage refuses those rows
-- itself (STORAGE_PATH_NOT_OWNED).  Once they are gone:
--   ALTER TABLE public.resume_versions VALIDATE CONSTRAINT resume_versions_file_path_in_owner_folder;
ALTER TABLE public.resume_versions DROP CONSTRAINT IF EXISTS resume_versions_file_path_in_owner_folder;
ALTER TABLE public.resume_versions ADD CONSTRAINT resume_versions_file_path_in_owner_folder CHECK (
  pg_catalog.starts_with(file_path, user_id::text || '/')
  AND file_path !~ '(^|/)\.\.?(/|$)'
  AND file_path !~ '//|/$'
  AND file_path !~ '[[:cntrl:]\\]'
) NOT VALID;
