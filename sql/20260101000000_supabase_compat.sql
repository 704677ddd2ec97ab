-- Supabase compatibility shim.
--
-- On a Supabase project everything below already exists (schema auth owned by
-- supabase_auth_admin, the API roles, schema extensions) and Supabase refuses
-- CREATE in auth, so every statement is guarded by an existence check and this
-- file creates nothing there.  On a plain PostgreSQL 15 it creates the minimum
-- the later migrations rely on, with the same names and semantics:
--   schemas auth, extensions; table auth.users; auth.uid(), auth.jwt(),
--   auth.role(), auth.email() reading request.jwt.claims (PostgREST >= 9) and
--   the older per-claim settings request.jwt.claim.sub/role/email;
--   roles anon, authenticated, service_role (BYPASSRLS), authenticator.
-- Guards use the catalogs and not IF NOT EXISTS, because CREATE SCHEMA IF NOT
-- EXISTS still checks the CREATE privilege on the database first.

DO $compat$
BEGIN
  -- API roles (cluster-wide: may exist from another database already).
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'anon') THEN
    CREATE ROLE anon NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'authenticated') THEN
    CREATE ROLE authenticated NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'service_role') THEN
    CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'authenticator') THEN
    CREATE ROLE authenticator LOGIN NOINHERIT;
    GRANT anon, authenticated, service_role TO authenticator;
  END IF;

  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'extensions') THEN
    CREATE SCHEMA extensions;
    GRANT USAGE ON SCHEMA extensions TO anon, authenticated, service_role;
  END IF;

  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'auth') THEN
    CREATE SCHEMA auth;
    GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
  END IF;
END
$compat$;

-- auth.users: the columns CareerOS and Supabase tooling touch.  Only created
-- where absent (never on Supabase).
DO $users$
BEGIN
  IF pg_catalog.to_regclass('auth.users') IS NULL THEN
    CREATE TABLE auth.users (
      instance_id uuid,
      id uuid NOT NULL PRIMARY KEY,
      aud varchar(255),
      role varchar(255),
      email varchar(255),
      encrypted_password varchar(255),
      email_confirmed_at timestamptz,
      invited_at timestamptz,
      confirmation_token varchar(255),
      recovery_token varchar(255),
      last_sign_in_at timestamptz,
      raw_app_meta_data jsonb DEFAULT '{}'::jsonb,
      raw_user_meta_data jsonb DEFAULT '{}'::jsonb,
      is_super_admin boolean,
      phone text UNIQUE DEFAULT NULL,
      phone_confirmed_at timestamptz,
      banned_until timestamptz,
      is_sso_user boolean NOT NULL DEFAULT false,
      is_anonymous boolean NOT NULL DEFAULT false,
      deleted_at timestamptz,
      created_at timestamptz DEFAULT now(),
      updated_at timestamptz DEFAULT now()
    );
    CREATE INDEX users_instance_id_email_idx ON auth.users (instance_id, lower(email::text));
    -- Nobody but the owner and service_role reads auth.users (password hashes, tokens).
    REVOKE ALL ON auth.users FROM PUBLIC;
    GRANT ALL ON auth.users TO service_role;
  END IF;
END
$users$;

-- The request helpers, with Supabase's semantics: a non-empty per-claim
-- setting (request.jwt.claim.sub, set by old PostgREST versions) wins, then
-- the JSON setting request.jwt.claims (PostgREST >= 9).
DO $fns$
BEGIN
  IF pg_catalog.to_regprocedure('auth.uid()') IS NULL THEN
    CREATE FUNCTION auth.uid() RETURNS uuid
      LANGUAGE sql STABLE SET search_path = ''
    AS $f$
      SELECT coalesce(
        nullif(pg_catalog.current_setting('request.jwt.claim.sub', true), ''),
        (nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
      )::uuid
    $f$;
  END IF;
  IF pg_catalog.to_regprocedure('auth.role()') IS NULL THEN
    CREATE FUNCTION auth.role() RETURNS text
      LANGUAGE sql STABLE SET search_path = ''
    AS $f$
      SELECT coalesce(
        nullif(pg_catalog.current_setting('request.jwt.claim.role', true), ''),
        (nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
      )::text
    $f$;
  END IF;
  IF pg_catalog.to_regprocedure('auth.email()') IS NULL THEN
    CREATE FUNCTION auth.email() RETURNS text
      LANGUAGE sql STABLE SET search_path = ''
    AS $f$
      SELECT coalesce(
        nullif(pg_catalog.current_setting('request.jwt.claim.email', true), ''),
        (nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
      )::text
    $f$;
  END IF;
  IF pg_catalog.to_regprocedure('auth.jwt()') IS NULL THEN
    CREATE FUNCTION auth.jwt() RETURNS jsonb
      LANGUAGE sql STABLE SET search_path = ''
    AS $f$
      SELECT coalesce(
        nullif(pg_catalog.current_setting('request.jwt.claim', true), ''),
        nullif(pg_catalog.current_setting('request.jwt.claims', true), '')
      )::jsonb
    $f$;
  END IF;
END
$fns$;

-- Trigram matching for merge_resume_version().  Supabase keeps extensions in
-- schema "extensions"; we do the same so that nothing lands in public.
DO $ext$
DECLARE
  v_schema name;
BEGIN
  SELECT n.nspname INTO v_schema
    FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
   WHERE e.extname = 'pg_trgm';
  IF v_schema IS NULL THEN
    CREATE EXTENSION pg_trgm WITH SCHEMA extensions;
  ELSIF v_schema <> 'extensions' THEN
    RAISE EXCEPTION 'pg_trgm is installed in schema %, CareerOS expects it in schema extensions', v_schema
      USING HINT = 'ALTER EXTENSION pg_trgm SET SCHEMA extensions;';
  END IF;
END
$ext$;
