-- Simulates what a Supabase project already has before our migrations run:
-- schema auth owned by supabase_auth_admin with auth.users and the request
-- helpers, schema extensions with pg_trgm, and a non-superuser owner role
-- (Supabase's "postgres") that may reference auth.users but not create in auth.
-- Run as a superuser in a fresh database owned by cw_supa_owner.
\set ON_ERROR_STOP 1
CREATE SCHEMA auth AUTHORIZATION supabase_auth_admin;
CREATE SCHEMA extensions;
CREATE EXTENSION pg_trgm WITH SCHEMA extensions;
GRANT USAGE ON SCHEMA extensions TO cw_supa_owner WITH GRANT OPTION;
GRANT USAGE ON SCHEMA extensions TO anon, authenticated, service_role;

SET ROLE supabase_auth_admin;
CREATE TABLE auth.users (
  instance_id uuid, id uuid PRIMARY KEY, aud varchar(255), role varchar(255), email varchar(255),
  encrypted_password varchar(255), raw_app_meta_data jsonb, raw_user_meta_data jsonb,
  phone text, created_at timestamptz DEFAULT now(), updated_at timestamptz DEFAULT now()
);
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
                  (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid $$;
CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(current_setting('request.jwt.claim.role', true), ''),
                  (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'))::text $$;
CREATE FUNCTION auth.email() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(current_setting('request.jwt.claim.email', true), ''),
                  (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email'))::text $$;
CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(current_setting('request.jwt.claim', true), ''),
                  nullif(current_setting('request.jwt.claims', true), ''))::jsonb $$;
GRANT USAGE ON SCHEMA auth TO cw_supa_owner, anon, authenticated, service_role;
GRANT SELECT, REFERENCES ON auth.users TO cw_supa_owner;
RESET ROLE;

-- Supabase Storage's tables (tests/sql/storage-sim.sql: the columns Storage
-- writes, owned by supabase_storage_admin, RLS on, every API role granted).
-- The project owner may manage their policies and triggers, as postgres may
-- on Supabase.
\ir storage-sim.sql
GRANT supabase_storage_admin TO cw_supa_owner;
