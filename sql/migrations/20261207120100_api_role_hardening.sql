-- What the API roles may do, narrowed (issue 13).

-- Sessions are the backend's record of sign-ins: a user reads theirs and
-- can neither invent nor erase one.  (The write policies go with it, in
-- sql/definitions/40_policies/rls.sql.)
REVOKE INSERT, UPDATE, DELETE ON public.user_sessions FROM authenticated;

-- A merge decision outlives the parsed row it came from: deleting parsed
-- entities (the worker may) leaves the decision, without the link, so the
-- version still counts as merged.  Deleting the version deletes both.
ALTER TABLE public.merge_decisions DROP CONSTRAINT IF EXISTS merge_decisions_parsed_entity_fkey;
ALTER TABLE public.merge_decisions ADD CONSTRAINT merge_decisions_parsed_entity_fkey
  FOREIGN KEY (user_id, parsed_entity_id) REFERENCES public.parsed_resume_entities (user_id, id)
  ON DELETE SET NULL (parsed_entity_id);

-- The compat shim's authenticator (plain PostgreSQL) was a LOGIN role
-- without a password that may become service_role: with trust or peer
-- authentication anyone could.  It stays NOLOGIN until the operator gives
-- it a password and LOGIN (README, "Supabase compatibility shim").  A role
-- with a password (the operator's, or Supabase's) is left alone, and so is
-- a role this migration may not inspect or change.
DO $authenticator$
DECLARE
  v_no_password boolean;
BEGIN
  SELECT a.rolcanlogin AND a.rolpassword IS NULL INTO v_no_password
    FROM pg_catalog.pg_authid a WHERE a.rolname = 'authenticator';
  IF v_no_password THEN
    ALTER ROLE authenticator NOLOGIN;
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'authenticator left as it is (cannot read pg_authid or alter the role)';
END
$authenticator$;

-- A statement of an API role ends after a few seconds, as on Supabase
-- (anon 3 s, authenticated 8 s, set by the platform there: an existing
-- setting is kept).  PostgREST applies a role's settings when it switches
-- to the role.
DO $timeouts$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT * FROM (VALUES ('anon', '3s'), ('authenticated', '8s')) v(role, timeout)
            WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_db_role_setting s
                                JOIN pg_catalog.pg_roles ro ON ro.oid = s.setrole
                               WHERE ro.rolname = v.role AND s.setdatabase = 0
                                 AND EXISTS (SELECT 1 FROM pg_catalog.unnest(s.setconfig) c
                                              WHERE c LIKE 'statement\_timeout=%')) LOOP
    BEGIN
      EXECUTE pg_catalog.format('ALTER ROLE %I SET statement_timeout = %L', r.role, r.timeout);
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE NOTICE 'could not set statement_timeout for %: set it as a role administrator', r.role;
    END;
  END LOOP;
END
$timeouts$;
