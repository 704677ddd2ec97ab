-- CareerOS baseline: every table, type, index, column, role and schema, as
-- of the squash of the unreleased history (the thirteen migrations
-- 20260101000000_supabase_compat.sql .. 20260501000000_queue_column_compression.sql).
--
-- Functions, views, triggers and policies are not here: each lives in one
-- file under sql/definitions/, which `careeros-worker migrate` re-applies
-- after the migrations whenever the file changes.  The exceptions are
-- public.normalize_name() and public.normalize_names(): generated columns,
-- a CHECK and expression indexes use them, so they are part of the tables,
-- and changing them takes a migration that also rebuilds what depends on
-- them.
--
-- Idempotent (IF NOT EXISTS and catalog guards): on a database made by the
-- squashed migrations it changes nothing, and at its end it drops their
-- thirteen rows from careeros_meta.schema_migrations.

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

-- The worker's login role.  Least privilege: no superuser, no BYPASSRLS
-- (row access comes from policies TO careeros_worker), no CREATEDB/CREATEROLE,
-- owns nothing (so it can drop, truncate or grant nothing).  Its table
-- privileges are granted at the end of this file.  Set its password
-- outside of migrations:  ALTER ROLE careeros_worker PASSWORD '...';
DO $role$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'careeros_worker') THEN
    CREATE ROLE careeros_worker LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS;
    COMMENT ON ROLE careeros_worker IS
      'careeros-worker daemon: reads pending resume versions, writes pipeline outputs and merged entities';
  END IF;
END
$role$;

-- The worker's queue functions live in schema "queue", which PostgREST does
-- not expose; only careeros_worker may use it.
CREATE SCHEMA IF NOT EXISTS queue;
REVOKE ALL ON SCHEMA queue FROM PUBLIC;

-- ------------------------------------------------- name normalisation ----
-- Name normalisation for matching: lower case, accents kept, punctuation and
-- runs of white space folded, common legal suffixes of companies untouched
-- (the trigram match absorbs them).  PL/pgSQL and not SQL: a SQL function
-- with SET search_path cannot be inlined, and Postgres parses and plans its
-- body again for every statement that evaluates it (each merge insert,
-- through the match-key indexes below); PL/pgSQL keeps its plan for the
-- session.
CREATE OR REPLACE FUNCTION public.normalize_name(p_name text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = ''
AS $$
BEGIN
  RETURN nullif(pg_catalog.btrim(pg_catalog.regexp_replace(
           pg_catalog.regexp_replace(pg_catalog.lower(p_name), '[^[:alnum:]+#]+', ' ', 'g'),
           '\s+', ' ', 'g')), '');
END
$$;

CREATE OR REPLACE FUNCTION public.normalize_names(p_names text[])
RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = ''
AS $$
  SELECT coalesce(pg_catalog.array_agg(n ORDER BY n), '{}')
    FROM (SELECT DISTINCT public.normalize_name(a) AS n FROM pg_catalog.unnest(p_names) AS a) s
   WHERE n IS NOT NULL
$$;

-- Evaluated with the caller's rights (generated columns, index expressions).
REVOKE ALL ON FUNCTION public.normalize_name(text), public.normalize_names(text[])
  FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.normalize_name(text), public.normalize_names(text[])
  TO authenticated, careeros_worker, service_role;

-- The CareerOS tables.  Conventions:
--  * every table has a primary key and RLS (enabled below; policies in sql/definitions/40_policies);
--  * user-owned rows carry user_id; child rows reference their parent through
--    (user_id, parent_id), so the database itself guarantees a child belongs
--    to the same user as its parent, and deleting the parent cascades;
--  * every enumerated text column has a named CHECK; scores are 0..100,
--    confidences 0..1; violations name the rule that was broken;
--  * every foreign key has an index whose columns are exactly the key's.
-- Idempotent: CREATE ... IF NOT EXISTS, constraints declared inline.

-- ---------------------------------------------------------------- users ----

CREATE TABLE IF NOT EXISTS public.profiles (
  id uuid NOT NULL,
  full_name text,
  headline text,
  location text,
  summary text,
  contact_email text,
  phone text,
  website_url text,
  linkedin_url text,
  github_url text,
  avatar_url text,
  timezone text,
  onboarding_completed boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT profiles_pkey PRIMARY KEY (id),
  CONSTRAINT profiles_user_fkey FOREIGN KEY (id) REFERENCES auth.users (id) ON DELETE CASCADE,
  CONSTRAINT profiles_full_name_length CHECK (char_length(full_name) <= 200),
  CONSTRAINT profiles_headline_length CHECK (char_length(headline) <= 300),
  CONSTRAINT profiles_summary_length CHECK (char_length(summary) <= 10000)
);
COMMENT ON TABLE public.profiles IS 'One row per user (id = auth.users.id): what the user shows about themselves.';

CREATE TABLE IF NOT EXISTS public.career_profile (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  current_title text,
  seniority_level text,
  years_of_experience numeric(4,1),
  target_titles text[] NOT NULL DEFAULT '{}',
  target_industries text[] NOT NULL DEFAULT '{}',
  preferred_locations text[] NOT NULL DEFAULT '{}',
  remote_preference text,
  job_search_status text NOT NULL DEFAULT 'not_looking',
  desired_salary_min integer,
  desired_salary_max integer,
  salary_currency text,
  career_goals text,
  role_archetype text,
  persona_type text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT career_profile_pkey PRIMARY KEY (id),
  CONSTRAINT career_profile_user_key UNIQUE (user_id),
  CONSTRAINT career_profile_user_fkey FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE CASCADE,
  CONSTRAINT career_profile_seniority_level_check CHECK (seniority_level IN
    ('intern', 'entry', 'mid', 'senior', 'staff', 'principal', 'manager', 'director', 'executive')),
  CONSTRAINT career_profile_years_of_experience_range CHECK (years_of_experience BETWEEN 0 AND 80),
  CONSTRAINT career_profile_remote_preference_check CHECK (remote_preference IN ('onsite', 'hybrid', 'remote', 'flexible')),
  CONSTRAINT career_profile_job_search_status_check CHECK (job_search_status IN
    ('not_looking', 'passively_looking', 'actively_looking')),
  CONSTRAINT career_profile_salary_range CHECK (desired_salary_min >= 0 AND
    (desired_salary_max IS NULL OR desired_salary_max >= desired_salary_min)),
  CONSTRAINT career_profile_salary_currency_format CHECK (salary_currency ~ '^[A-Z]{3}$')
);
COMMENT ON TABLE public.career_profile IS 'One row per user: career direction and preferences.';

CREATE TABLE IF NOT EXISTS public.user_sessions (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  session_type text NOT NULL DEFAULT 'web',
  started_at timestamptz NOT NULL DEFAULT now(),
  last_activity_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz,
  ip_address inet,
  user_agent text,
  device_info jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT user_sessions_pkey PRIMARY KEY (id),
  CONSTRAINT user_sessions_user_fkey FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE CASCADE,
  CONSTRAINT user_sessions_session_type_check CHECK (session_type IN ('web', 'mobile', 'api', 'interview')),
  CONSTRAINT user_sessions_ended_after_start CHECK (ended_at IS NULL OR ended_at >= started_at),
  CONSTRAINT user_sessions_device_info_object CHECK (jsonb_typeof(device_info) = 'object')
);
CREATE INDEX IF NOT EXISTS user_sessions_user_id_idx ON public.user_sessions (user_id);

-- ------------------------------------------------------ resume pipeline ----

CREATE TABLE IF NOT EXISTS public.resume_streams (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  name text NOT NULL DEFAULT 'Default Resume',
  description text,
  tags text[] NOT NULL DEFAULT '{}',
  auto_tagged boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT resume_streams_pkey PRIMARY KEY (id),
  CONSTRAINT resume_streams_user_id_id_key UNIQUE (user_id, id),
  CONSTRAINT resume_streams_user_fkey FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE CASCADE,
  CONSTRAINT resume_streams_name_not_blank CHECK (btrim(name) <> '')
);
CREATE INDEX IF NOT EXISTS resume_streams_user_id_idx ON public.resume_streams (user_id);

-- The queue row.  Kept narrow (no extracted text, few indexes on columns the
-- worker never updates) so that state changes stay HOT updates.
CREATE TABLE IF NOT EXISTS public.resume_versions (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  stream_id uuid NOT NULL,
  user_id uuid NOT NULL,
  version_number integer NOT NULL DEFAULT 1,
  file_name text NOT NULL,
  file_path text NOT NULL,
  file_size integer NOT NULL,
  file_hash text NOT NULL,
  mime_type text NOT NULL,
  processing_status text NOT NULL DEFAULT 'pending',
  processing_progress integer NOT NULL DEFAULT 0,
  current_stage text NOT NULL DEFAULT 'upload',
  processing_stages jsonb NOT NULL DEFAULT '{
    "upload": {"status": "pending", "started_at": null, "completed_at": null, "error": null},
    "parse": {"status": "pending", "started_at": null, "completed_at": null, "error": null},
    "enrich": {"status": "pending", "started_at": null, "completed_at": null, "error": null},
    "complete": {"status": "pending", "started_at": null, "completed_at": null, "error": null}
  }',
  processing_errors jsonb NOT NULL DEFAULT '[]',
  processing_telemetry jsonb NOT NULL DEFAULT '{}',
  upload_metadata jsonb NOT NULL DEFAULT '{}',
  resume_metadata jsonb NOT NULL DEFAULT '{}',
  priority smallint NOT NULL DEFAULT 0,
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 5,
  run_after timestamptz NOT NULL DEFAULT now(),
  locked_by text,
  lease_token uuid,
  lease_expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT resume_versions_pkey PRIMARY KEY (id),
  CONSTRAINT resume_versions_user_id_id_key UNIQUE (user_id, id),
  CONSTRAINT resume_versions_user_fkey FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE CASCADE,
  -- the version's owner is the stream's owner
  CONSTRAINT resume_versions_stream_fkey FOREIGN KEY (user_id, stream_id)
    REFERENCES public.resume_streams (user_id, id) ON DELETE CASCADE,
  CONSTRAINT resume_versions_version_number_positive CHECK (version_number >= 1),
  CONSTRAINT resume_versions_file_name_not_blank CHECK (btrim(file_name) <> ''),
  CONSTRAINT resume_versions_file_path_not_blank CHECK (btrim(file_path) <> ''),
  CONSTRAINT resume_versions_file_size_nonnegative CHECK (file_size >= 0),
  CONSTRAINT resume_versions_file_hash_not_blank CHECK (btrim(file_hash) <> ''),
  CONSTRAINT resume_versions_processing_status_check CHECK (processing_status IN
    ('pending', 'processing', 'completed', 'failed')),
  CONSTRAINT resume_versions_processing_progress_range CHECK (processing_progress BETWEEN 0 AND 100),
  CONSTRAINT resume_versions_current_stage_check CHECK (current_stage IN ('upload', 'parse', 'enrich', 'complete')),
  CONSTRAINT resume_versions_processing_stages_object CHECK (jsonb_typeof(processing_stages) = 'object'),
  CONSTRAINT resume_versions_processing_errors_array CHECK (jsonb_typeof(processing_errors) = 'array'),
  CONSTRAINT resume_versions_processing_telemetry_object CHECK (jsonb_typeof(processing_telemetry) = 'object'),
  CONSTRAINT resume_versions_upload_metadata_object CHECK (jsonb_typeof(upload_metadata) = 'object'),
  CONSTRAINT resume_versions_resume_metadata_object CHECK (jsonb_typeof(resume_metadata) = 'object'),
  CONSTRAINT resume_versions_attempts_nonnegative CHECK (attempts >= 0),
  CONSTRAINT resume_versions_max_attempts_positive CHECK (max_attempts >= 1)
);
-- Room on each page for the new row versions of queue updates, so that they
-- stay HOT (same page, no index writes) instead of spreading the table.
ALTER TABLE public.resume_versions SET (fillfactor = 70);
-- The unique (user_id, id) and (user_id, stream_id) both lead with user_id
-- and serve its foreign key and lookups by user; an index on user_id alone
-- would only tax every queue update.
CREATE INDEX IF NOT EXISTS resume_versions_user_id_stream_id_idx ON public.resume_versions (user_id, stream_id);

-- Extracted text, one row per version, out of the hot queue row.
CREATE TABLE IF NOT EXISTS public.resume_version_texts (
  resume_version_id uuid NOT NULL,
  user_id uuid NOT NULL,
  content text NOT NULL,
  char_count integer,
  page_count integer,
  extractor text,
  extractor_version text,
  detected_mime text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT resume_version_texts_pkey PRIMARY KEY (resume_version_id),
  CONSTRAINT resume_version_texts_version_fkey FOREIGN KEY (user_id, resume_version_id)
    REFERENCES public.resume_versions (user_id, id) ON DELETE CASCADE,
  CONSTRAINT resume_version_texts_char_count_nonnegative CHECK (char_count >= 0),
  CONSTRAINT resume_version_texts_page_count_nonnegative CHECK (page_count >= 0)
);
CREATE INDEX IF NOT EXISTS resume_version_texts_user_id_version_idx
  ON public.resume_version_texts (user_id, resume_version_id);

CREATE TABLE IF NOT EXISTS public.parsed_resume_entities (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  resume_version_id uuid NOT NULL,
  user_id uuid NOT NULL,
  field_name text NOT NULL,
  raw_value text,
  confidence_score double precision NOT NULL DEFAULT 0.0,
  source_type text NOT NULL DEFAULT 'openai_function_call',
  model_version text DEFAULT 'gpt-4o-mini',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT parsed_resume_entities_pkey PRIMARY KEY (id),
  CONSTRAINT parsed_resume_entities_version_field_key UNIQUE (resume_version_id, field_name),
  -- target of the children's (user_id, parsed_entity_id) foreign keys
  CONSTRAINT parsed_resume_entities_user_id_id_key UNIQUE (user_id, id),
  CONSTRAINT parsed_resume_entities_version_fkey FOREIGN KEY (user_id, resume_version_id)
    REFERENCES public.resume_versions (user_id, id) ON DELETE CASCADE,
  CONSTRAINT parsed_resume_entities_field_name_format CHECK (field_name ~ '^[a-z_]+(\.[a-z0-9_]+)*$'),
  CONSTRAINT parsed_resume_entities_confidence_range CHECK (confidence_score BETWEEN 0 AND 1),
  CONSTRAINT parsed_resume_entities_source_type_check CHECK (source_type IN
    ('openai_function_call', 'openai_json_schema', 'heuristic', 'manual', 'interview'))
);
CREATE INDEX IF NOT EXISTS parsed_resume_entities_user_id_version_idx
  ON public.parsed_resume_entities (user_id, resume_version_id);
COMMENT ON TABLE public.parsed_resume_entities IS
  'One row per parsed field (work_experience.0.company) and per entry (work_experience.0: raw_value is the entry as a JSON object).';

CREATE TABLE IF NOT EXISTS public.entry_enrichment (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  resume_version_id uuid NOT NULL,
  parsed_entity_id uuid NOT NULL,
  parsed_structure jsonb,
  insights jsonb NOT NULL DEFAULT '[]',
  skills_identified jsonb NOT NULL DEFAULT '[]',
  recommendations jsonb NOT NULL DEFAULT '[]',
  experience_level text,
  career_progression text,
  market_relevance text,
  source_type text,
  model_version text DEFAULT 'gpt-4o-mini',
  confidence_score double precision NOT NULL DEFAULT 0.0,
  enrichment_metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT entry_enrichment_pkey PRIMARY KEY (id),
  CONSTRAINT entry_enrichment_parsed_entity_key UNIQUE (parsed_entity_id),
  CONSTRAINT entry_enrichment_version_fkey FOREIGN KEY (user_id, resume_version_id)
    REFERENCES public.resume_versions (user_id, id) ON DELETE CASCADE,
  -- (user_id, ...) so that an enrichment cannot point at another user's entity
  CONSTRAINT entry_enrichment_parsed_entity_fkey FOREIGN KEY (user_id, parsed_entity_id)
    REFERENCES public.parsed_resume_entities (user_id, id) ON DELETE CASCADE,
  CONSTRAINT entry_enrichment_insights_array CHECK (jsonb_typeof(insights) = 'array'),
  CONSTRAINT entry_enrichment_skills_identified_array CHECK (jsonb_typeof(skills_identified) = 'array'),
  CONSTRAINT entry_enrichment_recommendations_array CHECK (jsonb_typeof(recommendations) = 'array'),
  CONSTRAINT entry_enrichment_metadata_object CHECK (jsonb_typeof(enrichment_metadata) = 'object'),
  CONSTRAINT entry_enrichment_confidence_range CHECK (confidence_score BETWEEN 0 AND 1),
  CONSTRAINT entry_enrichment_source_type_check CHECK (source_type IN
    ('openai_function_call', 'openai_json_schema', 'heuristic', 'manual', 'interview')),
  -- The union of what the enrich providers write: the LLM schema
  -- (config/llm/enrich_entries.v1.schema.json) and the offline provider give
  -- work entries entry..executive; the offline provider also labels education
  -- entries by degree (undergraduate, graduate, doctorate) and other entries 'n/a'.
  CONSTRAINT entry_enrichment_experience_level_check CHECK (experience_level IN
    ('entry', 'junior', 'mid', 'senior', 'lead', 'executive', 'undergraduate', 'graduate', 'doctorate', 'n/a')),
  CONSTRAINT entry_enrichment_market_relevance_check CHECK (market_relevance IN ('low', 'medium', 'high'))
);
CREATE INDEX IF NOT EXISTS entry_enrichment_user_id_version_idx ON public.entry_enrichment (user_id, resume_version_id);
CREATE INDEX IF NOT EXISTS entry_enrichment_user_id_parsed_entity_idx ON public.entry_enrichment (user_id, parsed_entity_id);
CREATE INDEX IF NOT EXISTS entry_enrichment_insights_gin ON public.entry_enrichment USING gin (insights);

CREATE TABLE IF NOT EXISTS public.career_enrichment (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  resume_version_id uuid,
  role_archetype text NOT NULL,
  role_archetype_explanation text,
  persona_type text NOT NULL,
  persona_explanation text,
  leadership_score integer NOT NULL,
  leadership_explanation text,
  scope_score integer NOT NULL,
  scope_explanation text,
  technical_depth_score integer NOT NULL,
  technical_depth_explanation text,
  source_type text,
  model_version text DEFAULT 'gpt-4o-mini',
  confidence_score double precision NOT NULL DEFAULT 0.0,
  enrichment_metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT career_enrichment_pkey PRIMARY KEY (id),
  CONSTRAINT career_enrichment_resume_version_key UNIQUE (resume_version_id),
  CONSTRAINT career_enrichment_user_fkey FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE CASCADE,
  CONSTRAINT career_enrichment_version_fkey FOREIGN KEY (user_id, resume_version_id)
    REFERENCES public.resume_versions (user_id, id) ON DELETE CASCADE,
  CONSTRAINT career_enrichment_role_archetype_not_blank CHECK (btrim(role_archetype) <> ''),
  CONSTRAINT career_enrichment_persona_type_not_blank CHECK (btrim(persona_type) <> ''),
  CONSTRAINT career_enrichment_leadership_score_range CHECK (leadership_score BETWEEN 0 AND 100),
  CONSTRAINT career_enrichment_scope_score_range CHECK (scope_score BETWEEN 0 AND 100),
  CONSTRAINT career_enrichment_technical_depth_score_range CHECK (technical_depth_score BETWEEN 0 AND 100),
  CONSTRAINT career_enrichment_confidence_range CHECK (confidence_score BETWEEN 0 AND 1),
  CONSTRAINT career_enrichment_metadata_object CHECK (jsonb_typeof(enrichment_metadata) = 'object'),
  CONSTRAINT career_enrichment_source_type_check CHECK (source_type IN
    ('openai_function_call', 'openai_json_schema', 'heuristic', 'manual', 'interview'))
);
CREATE INDEX IF NOT EXISTS career_enrichment_user_id_idx ON public.career_enrichment (user_id);
CREATE INDEX IF NOT EXISTS career_enrichment_user_id_version_idx ON public.career_enrichment (user_id, resume_version_id);
CREATE INDEX IF NOT EXISTS career_enrichment_metadata_gin ON public.career_enrichment USING gin (enrichment_metadata);

CREATE TABLE IF NOT EXISTS public.career_narratives (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  resume_version_id uuid,
  narrative_type text NOT NULL,
  narrative_text text NOT NULL,
  narrative_explanation text,
  source_type text,
  model_version text DEFAULT 'gpt-4o-mini',
  confidence_score double precision NOT NULL DEFAULT 0.0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT career_narratives_pkey PRIMARY KEY (id),
  CONSTRAINT career_narratives_version_type_key UNIQUE (resume_version_id, narrative_type),
  CONSTRAINT career_narratives_user_fkey FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE CASCADE,
  CONSTRAINT career_narratives_version_fkey FOREIGN KEY (user_id, resume_version_id)
    REFERENCES public.resume_versions (user_id, id) ON DELETE CASCADE,
  CONSTRAINT career_narratives_narrative_type_check CHECK (narrative_type IN
    ('career_summary', 'key_strengths', 'growth_trajectory')),
  CONSTRAINT career_narratives_text_not_blank CHECK (btrim(narrative_text) <> ''),
  CONSTRAINT career_narratives_confidence_range CHECK (confidence_score BETWEEN 0 AND 1),
  CONSTRAINT career_narratives_source_type_check CHECK (source_type IN
    ('openai_function_call', 'openai_json_schema', 'heuristic', 'manual', 'interview'))
);
CREATE INDEX IF NOT EXISTS career_narratives_user_id_idx ON public.career_narratives (user_id);
CREATE INDEX IF NOT EXISTS career_narratives_user_id_version_idx ON public.career_narratives (user_id, resume_version_id);

-- ------------------------------------------------------- normalisation ----

CREATE TABLE IF NOT EXISTS public.normalized_entities (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  entity_type text NOT NULL,
  canonical_name text NOT NULL,
  aliases text[] NOT NULL DEFAULT '{}',
  normalized_name text GENERATED ALWAYS AS (public.normalize_name(canonical_name)) STORED,
  normalized_aliases text[] GENERATED ALWAYS AS (public.normalize_names(aliases)) STORED,
  confidence_score double precision NOT NULL DEFAULT 1.0,
  review_status text NOT NULL DEFAULT 'approved',
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT normalized_entities_pkey PRIMARY KEY (id),
  CONSTRAINT normalized_entities_type_name_key UNIQUE (entity_type, normalized_name),
  CONSTRAINT normalized_entities_entity_type_check CHECK (entity_type IN
    ('company', 'skill', 'technology', 'university', 'job_title', 'certification', 'language', 'location')),
  CONSTRAINT normalized_entities_canonical_name_not_blank CHECK (public.normalize_name(canonical_name) IS NOT NULL),
  CONSTRAINT normalized_entities_confidence_range CHECK (confidence_score BETWEEN 0 AND 1),
  CONSTRAINT normalized_entities_review_status_check CHECK (review_status IN ('approved', 'pending', 'flagged')),
  CONSTRAINT normalized_entities_metadata_object CHECK (jsonb_typeof(metadata) = 'object')
);
-- GiST, not GIN: the merge asks for the single nearest name (ORDER BY <-> LIMIT 1),
-- which a GiST trigram index answers in index order.
CREATE INDEX IF NOT EXISTS normalized_entities_name_trgm_gist
  ON public.normalized_entities USING gist (normalized_name extensions.gist_trgm_ops);
CREATE INDEX IF NOT EXISTS normalized_entities_aliases_gin ON public.normalized_entities USING gin (normalized_aliases);
-- review_status: the users' read policy keeps 'approved' rows, which are nearly
-- all rows, so an index on it would never be chosen for them (they find
-- entries through the name and alias indexes above and filter on the way).
-- The rows that are selective are the review queue: admins listing pending
-- or flagged entries and the worker's update policy (review_status =
-- 'pending').  A partial index holds exactly those and stays small.
CREATE INDEX IF NOT EXISTS normalized_entities_review_queue_idx
  ON public.normalized_entities (review_status, entity_type) WHERE review_status <> 'approved';

-- pgvector where available (Supabase: schema extensions); skipped elsewhere.
DO $vector$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'vector')
     OR EXISTS (SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = 'vector') THEN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'vector') THEN
      CREATE EXTENSION vector WITH SCHEMA extensions;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute
                    WHERE attrelid = 'public.normalized_entities'::regclass
                      AND attname = 'embedding_vector' AND NOT attisdropped) THEN
      EXECUTE pg_catalog.format('ALTER TABLE public.normalized_entities ADD COLUMN embedding_vector %I.vector(1536)',
        (SELECT n.nspname FROM pg_catalog.pg_extension e
           JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'vector'));
    END IF;
  ELSE
    RAISE NOTICE 'pgvector (extension "vector") is not available: normalized_entities.embedding_vector not created';
  END IF;
END
$vector$;

-- -------------------------------------------------- versioned entities ----
-- Common columns: id (row), logical_entity_id + version (the history of one
-- thing), is_active (at most one per logical entity: partial unique index),
-- source, source_confidence, source_resume_version_id (provenance; cleared
-- when that resume version is deleted, the entity stays).
-- Dates: the text as printed/parsed (start_date, end_date, date_text) plus
-- normalised start_on/end_on (first day of the period) with a precision.

CREATE TABLE IF NOT EXISTS public.work_experience (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  logical_entity_id uuid NOT NULL DEFAULT gen_random_uuid(),
  version integer NOT NULL DEFAULT 1,
  is_active boolean NOT NULL DEFAULT true,
  source text NOT NULL DEFAULT 'manual',
  source_confidence double precision,
  source_resume_version_id uuid,
  user_id uuid NOT NULL,
  company text NOT NULL,
  title text NOT NULL,
  location text,
  start_date text,
  end_date text,
  date_text text,
  start_on date,
  start_precision text,
  end_on date,
  end_precision text,
  is_current boolean NOT NULL DEFAULT false,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT work_experience_pkey PRIMARY KEY (id),
  CONSTRAINT work_experience_logical_version_key UNIQUE (logical_entity_id, version),
  CONSTRAINT work_experience_user_fkey FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE CASCADE,
  CONSTRAINT work_experience_source_version_fkey FOREIGN KEY (user_id, source_resume_version_id)
    REFERENCES public.resume_versions (user_id, id) ON DELETE SET NULL (source_resume_version_id),
  CONSTRAINT work_experience_version_positive CHECK (version >= 1),
  CONSTRAINT work_experience_source_check CHECK (source IN ('interview', 'upload', 'manual')),
  CONSTRAINT work_experience_source_confidence_range CHECK (source_confidence BETWEEN 0 AND 1),
  CONSTRAINT work_experience_company_not_blank CHECK (btrim(company) <> ''),
  CONSTRAINT work_experience_title_not_blank CHECK (btrim(title) <> ''),
  CONSTRAINT work_experience_start_precision_check CHECK (start_precision IN ('year', 'month', 'day')
    AND start_on IS NOT NULL OR start_precision IS NULL AND start_on IS NULL),
  CONSTRAINT work_experience_end_precision_check CHECK (end_precision IN ('year', 'month', 'day')
    AND end_on IS NOT NULL OR end_precision IS NULL AND end_on IS NULL),
  CONSTRAINT work_experience_end_after_start CHECK (end_on >= start_on),
  CONSTRAINT work_experience_current_has_no_end CHECK (NOT is_current OR end_on IS NULL)
);
CREATE UNIQUE INDEX IF NOT EXISTS work_experience_one_active_version
  ON public.work_experience (logical_entity_id) WHERE is_active;
CREATE INDEX IF NOT EXISTS work_experience_user_id_idx ON public.work_experience (user_id);
CREATE INDEX IF NOT EXISTS work_experience_user_id_source_version_idx
  ON public.work_experience (user_id, source_resume_version_id);
CREATE INDEX IF NOT EXISTS work_experience_timeline
  ON public.work_experience (user_id, start_on DESC NULLS LAST, end_on DESC NULLS FIRST) WHERE is_active;

CREATE TABLE IF NOT EXISTS public.education (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  logical_entity_id uuid NOT NULL DEFAULT gen_random_uuid(),
  version integer NOT NULL DEFAULT 1,
  is_active boolean NOT NULL DEFAULT true,
  source text NOT NULL DEFAULT 'manual',
  source_confidence double precision,
  source_resume_version_id uuid,
  user_id uuid NOT NULL,
  institution text NOT NULL,
  degree text,
  field_of_study text,
  location text,
  start_date text,
  end_date text,
  date_text text,
  start_on date,
  start_precision text,
  end_on date,
  end_precision text,
  is_current boolean NOT NULL DEFAULT false,
  gpa text,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT education_pkey PRIMARY KEY (id),
  CONSTRAINT education_logical_version_key UNIQUE (logical_entity_id, version),
  CONSTRAINT education_user_fkey FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE CASCADE,
  CONSTRAINT education_source_version_fkey FOREIGN KEY (user_id, source_resume_version_id)
    REFERENCES public.resume_versions (user_id, id) ON DELETE SET NULL (source_resume_version_id),
  CONSTRAINT education_version_positive CHECK (version >= 1),
  CONSTRAINT education_source_check CHECK (source IN ('interview', 'upload', 'manual')),
  CONSTRAINT education_source_confidence_range CHECK (source_confidence BETWEEN 0 AND 1),
  CONSTRAINT education_institution_not_blank CHECK (btrim(institution) <> ''),
  CONSTRAINT education_start_precision_check CHECK (start_precision IN ('year', 'month', 'day')
    AND start_on IS NOT NULL OR start_precision IS NULL AND start_on IS NULL),
  CONSTRAINT education_end_precision_check CHECK (end_precision IN ('year', 'month', 'day')
    AND end_on IS NOT NULL OR end_precision IS NULL AND end_on IS NULL),
  CONSTRAINT education_end_after_start CHECK (end_on >= start_on),
  CONSTRAINT education_current_has_no_end CHECK (NOT is_current OR end_on IS NULL)
);
CREATE UNIQUE INDEX IF NOT EXISTS education_one_active_version
  ON public.education (logical_entity_id) WHERE is_active;
CREATE INDEX IF NOT EXISTS education_user_id_idx ON public.education (user_id);
CREATE INDEX IF NOT EXISTS education_user_id_source_version_idx
  ON public.education (user_id, source_resume_version_id);
CREATE INDEX IF NOT EXISTS education_timeline
  ON public.education (user_id, start_on DESC NULLS LAST, end_on DESC NULLS FIRST) WHERE is_active;

CREATE TABLE IF NOT EXISTS public.skill (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  logical_entity_id uuid NOT NULL DEFAULT gen_random_uuid(),
  version integer NOT NULL DEFAULT 1,
  is_active boolean NOT NULL DEFAULT true,
  source text NOT NULL DEFAULT 'manual',
  source_confidence double precision,
  source_resume_version_id uuid,
  user_id uuid NOT NULL,
  name text NOT NULL,
  category text,
  proficiency_level text,
  years_of_experience integer,
  narrative_context text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT skill_pkey PRIMARY KEY (id),
  CONSTRAINT skill_logical_version_key UNIQUE (logical_entity_id, version),
  CONSTRAINT skill_user_fkey FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE CASCADE,
  CONSTRAINT skill_source_version_fkey FOREIGN KEY (user_id, source_resume_version_id)
    REFERENCES public.resume_versions (user_id, id) ON DELETE SET NULL (source_resume_version_id),
  CONSTRAINT skill_version_positive CHECK (version >= 1),
  CONSTRAINT skill_source_check CHECK (source IN ('interview', 'upload', 'manual')),
  CONSTRAINT skill_source_confidence_range CHECK (source_confidence BETWEEN 0 AND 1),
  CONSTRAINT skill_name_not_blank CHECK (btrim(name) <> ''),
  CONSTRAINT skill_proficiency_level_check CHECK (proficiency_level IN ('beginner', 'intermediate', 'advanced', 'expert')),
  CONSTRAINT skill_years_of_experience_range CHECK (years_of_experience BETWEEN 0 AND 80)
);
CREATE UNIQUE INDEX IF NOT EXISTS skill_one_active_version ON public.skill (logical_entity_id) WHERE is_active;
CREATE INDEX IF NOT EXISTS skill_user_id_idx ON public.skill (user_id);
CREATE INDEX IF NOT EXISTS skill_user_id_source_version_idx ON public.skill (user_id, source_resume_version_id);
CREATE INDEX IF NOT EXISTS skill_user_active ON public.skill (user_id, name) WHERE is_active;

CREATE TABLE IF NOT EXISTS public.project (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  logical_entity_id uuid NOT NULL DEFAULT gen_random_uuid(),
  version integer NOT NULL DEFAULT 1,
  is_active boolean NOT NULL DEFAULT true,
  source text NOT NULL DEFAULT 'manual',
  source_confidence double precision,
  source_resume_version_id uuid,
  user_id uuid NOT NULL,
  name text NOT NULL,
  role text,
  url text,
  start_date text,
  end_date text,
  date_text text,
  start_on date,
  start_precision text,
  end_on date,
  end_precision text,
  is_current boolean NOT NULL DEFAULT false,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT project_pkey PRIMARY KEY (id),
  CONSTRAINT project_logical_version_key UNIQUE (logical_entity_id, version),
  CONSTRAINT project_user_fkey FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE CASCADE,
  CONSTRAINT project_source_version_fkey FOREIGN KEY (user_id, source_resume_version_id)
    REFERENCES public.resume_versions (user_id, id) ON DELETE SET NULL (source_resume_version_id),
  CONSTRAINT project_version_positive CHECK (version >= 1),
  CONSTRAINT project_source_check CHECK (source IN ('interview', 'upload', 'manual')),
  CONSTRAINT project_source_confidence_range CHECK (source_confidence BETWEEN 0 AND 1),
  CONSTRAINT project_name_not_blank CHECK (btrim(name) <> ''),
  CONSTRAINT project_start_precision_check CHECK (start_precision IN ('year', 'month', 'day')
    AND start_on IS NOT NULL OR start_precision IS NULL AND start_on IS NULL),
  CONSTRAINT project_end_precision_check CHECK (end_precision IN ('year', 'month', 'day')
    AND end_on IS NOT NULL OR end_precision IS NULL AND end_on IS NULL),
  CONSTRAINT project_end_after_start CHECK (end_on >= start_on),
  CONSTRAINT project_current_has_no_end CHECK (NOT is_current OR end_on IS NULL)
);
CREATE UNIQUE INDEX IF NOT EXISTS project_one_active_version ON public.project (logical_entity_id) WHERE is_active;
CREATE INDEX IF NOT EXISTS project_user_id_idx ON public.project (user_id);
CREATE INDEX IF NOT EXISTS project_user_id_source_version_idx ON public.project (user_id, source_resume_version_id);
CREATE INDEX IF NOT EXISTS project_timeline
  ON public.project (user_id, start_on DESC NULLS LAST, end_on DESC NULLS FIRST) WHERE is_active;

CREATE TABLE IF NOT EXISTS public.certification (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  logical_entity_id uuid NOT NULL DEFAULT gen_random_uuid(),
  version integer NOT NULL DEFAULT 1,
  is_active boolean NOT NULL DEFAULT true,
  source text NOT NULL DEFAULT 'manual',
  source_confidence double precision,
  source_resume_version_id uuid,
  user_id uuid NOT NULL,
  name text NOT NULL,
  issuer text,
  issued_date text,
  issued_on date,
  issued_precision text,
  expires_date text,
  expires_on date,
  expires_precision text,
  credential_id text,
  credential_url text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT certification_pkey PRIMARY KEY (id),
  CONSTRAINT certification_logical_version_key UNIQUE (logical_entity_id, version),
  CONSTRAINT certification_user_fkey FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE CASCADE,
  CONSTRAINT certification_source_version_fkey FOREIGN KEY (user_id, source_resume_version_id)
    REFERENCES public.resume_versions (user_id, id) ON DELETE SET NULL (source_resume_version_id),
  CONSTRAINT certification_version_positive CHECK (version >= 1),
  CONSTRAINT certification_source_check CHECK (source IN ('interview', 'upload', 'manual')),
  CONSTRAINT certification_source_confidence_range CHECK (source_confidence BETWEEN 0 AND 1),
  CONSTRAINT certification_name_not_blank CHECK (btrim(name) <> ''),
  CONSTRAINT certification_issued_precision_check CHECK (issued_precision IN ('year', 'month', 'day')
    AND issued_on IS NOT NULL OR issued_precision IS NULL AND issued_on IS NULL),
  CONSTRAINT certification_expires_precision_check CHECK (expires_precision IN ('year', 'month', 'day')
    AND expires_on IS NOT NULL OR expires_precision IS NULL AND expires_on IS NULL),
  CONSTRAINT certification_expires_after_issued CHECK (expires_on >= issued_on)
);
CREATE UNIQUE INDEX IF NOT EXISTS certification_one_active_version
  ON public.certification (logical_entity_id) WHERE is_active;
CREATE INDEX IF NOT EXISTS certification_user_id_idx ON public.certification (user_id);
CREATE INDEX IF NOT EXISTS certification_user_id_source_version_idx
  ON public.certification (user_id, source_resume_version_id);

-- ------------------------------------------ links, merge bookkeeping ----

CREATE TABLE IF NOT EXISTS public.resume_entity_links (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  resume_version_id uuid NOT NULL,
  parsed_entity_id uuid NOT NULL,
  normalized_entity_id uuid NOT NULL,
  match_method text NOT NULL,
  match_score double precision NOT NULL,
  confidence_score double precision NOT NULL DEFAULT 1.0,
  review_required boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT resume_entity_links_pkey PRIMARY KEY (id),
  CONSTRAINT resume_entity_links_parsed_normalized_key UNIQUE (parsed_entity_id, normalized_entity_id),
  CONSTRAINT resume_entity_links_version_fkey FOREIGN KEY (user_id, resume_version_id)
    REFERENCES public.resume_versions (user_id, id) ON DELETE CASCADE,
  CONSTRAINT resume_entity_links_parsed_entity_fkey FOREIGN KEY (user_id, parsed_entity_id)
    REFERENCES public.parsed_resume_entities (user_id, id) ON DELETE CASCADE,
  CONSTRAINT resume_entity_links_normalized_entity_fkey FOREIGN KEY (normalized_entity_id)
    REFERENCES public.normalized_entities (id) ON DELETE CASCADE,
  CONSTRAINT resume_entity_links_match_method_check CHECK (match_method IN
    ('exact', 'alias', 'trigram', 'embedding', 'fuzzy', 'llm', 'manual')),
  CONSTRAINT resume_entity_links_match_score_range CHECK (match_score BETWEEN 0 AND 1),
  CONSTRAINT resume_entity_links_confidence_range CHECK (confidence_score BETWEEN 0 AND 1)
);
CREATE INDEX IF NOT EXISTS resume_entity_links_user_id_parsed_entity_idx
  ON public.resume_entity_links (user_id, parsed_entity_id);
CREATE INDEX IF NOT EXISTS resume_entity_links_normalized_entity_id_idx ON public.resume_entity_links (normalized_entity_id);
CREATE INDEX IF NOT EXISTS resume_entity_links_user_id_version_idx
  ON public.resume_entity_links (user_id, resume_version_id);

CREATE TABLE IF NOT EXISTS public.merge_decisions (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  resume_version_id uuid NOT NULL,
  parsed_entity_id uuid,
  source_path text NOT NULL,
  entity_type text NOT NULL,
  decision text NOT NULL,
  logical_entity_id uuid,
  entity_id uuid,
  previous_entity_id uuid,
  previous_version integer,
  new_version integer,
  match_key text,
  reason text,
  details jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT merge_decisions_pkey PRIMARY KEY (id),
  CONSTRAINT merge_decisions_version_path_key UNIQUE (resume_version_id, source_path),
  CONSTRAINT merge_decisions_version_fkey FOREIGN KEY (user_id, resume_version_id)
    REFERENCES public.resume_versions (user_id, id) ON DELETE CASCADE,
  -- parsed_entity_id may be NULL (MATCH SIMPLE: then nothing is checked)
  CONSTRAINT merge_decisions_parsed_entity_fkey FOREIGN KEY (user_id, parsed_entity_id)
    REFERENCES public.parsed_resume_entities (user_id, id) ON DELETE CASCADE,
  CONSTRAINT merge_decisions_entity_type_check CHECK (entity_type IN
    ('work_experience', 'education', 'skill', 'project', 'certification')),
  CONSTRAINT merge_decisions_decision_check CHECK (decision IN ('inserted', 'new_version', 'unchanged', 'skipped')),
  CONSTRAINT merge_decisions_details_object CHECK (jsonb_typeof(details) = 'object')
);
CREATE INDEX IF NOT EXISTS merge_decisions_user_id_version_idx ON public.merge_decisions (user_id, resume_version_id);
CREATE INDEX IF NOT EXISTS merge_decisions_user_id_parsed_entity_idx ON public.merge_decisions (user_id, parsed_entity_id);

-- ------------------------------------------------------------ interviews ----

CREATE TABLE IF NOT EXISTS public.interview_sessions (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  session_id text,
  status text NOT NULL DEFAULT 'created',
  interview_type text NOT NULL DEFAULT 'general',
  current_phase text NOT NULL DEFAULT 'warmup',
  completion_percentage integer NOT NULL DEFAULT 0,
  progression_score integer NOT NULL DEFAULT 0,
  total_questions_asked integer NOT NULL DEFAULT 0,
  context_data jsonb NOT NULL DEFAULT '{}',
  phase_data jsonb NOT NULL DEFAULT '{}',
  session_insights jsonb NOT NULL DEFAULT '{}',
  started_at timestamptz DEFAULT now(),
  ended_at timestamptz,
  current_question_id uuid,
  next_recommended_phase text,
  audio_file_url text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT interview_sessions_pkey PRIMARY KEY (id),
  CONSTRAINT interview_sessions_user_id_id_key UNIQUE (user_id, id),
  CONSTRAINT interview_sessions_user_fkey FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE CASCADE,
  CONSTRAINT interview_sessions_status_check CHECK (status IN ('created', 'active', 'paused', 'completed', 'abandoned')),
  CONSTRAINT interview_sessions_interview_type_check CHECK (interview_type IN
    ('general', 'behavioral', 'technical', 'leadership', 'career_change', 'skills')),
  CONSTRAINT interview_sessions_current_phase_check CHECK (current_phase IN
    ('warmup', 'exploration', 'deep_dive', 'reflection', 'wrap_up')),
  CONSTRAINT interview_sessions_next_phase_check CHECK (next_recommended_phase IN
    ('warmup', 'exploration', 'deep_dive', 'reflection', 'wrap_up')),
  CONSTRAINT interview_sessions_completion_range CHECK (completion_percentage BETWEEN 0 AND 100),
  CONSTRAINT interview_sessions_progression_range CHECK (progression_score BETWEEN 0 AND 100),
  CONSTRAINT interview_sessions_questions_nonnegative CHECK (total_questions_asked >= 0),
  CONSTRAINT interview_sessions_ended_after_start CHECK (ended_at >= started_at),
  CONSTRAINT interview_sessions_context_object CHECK (jsonb_typeof(context_data) = 'object'),
  CONSTRAINT interview_sessions_phase_object CHECK (jsonb_typeof(phase_data) = 'object'),
  CONSTRAINT interview_sessions_insights_object CHECK (jsonb_typeof(session_insights) = 'object')
);
CREATE INDEX IF NOT EXISTS interview_sessions_user_id_idx ON public.interview_sessions (user_id);

CREATE TABLE IF NOT EXISTS public.interview_contexts (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  session_id uuid NOT NULL,
  context_type text NOT NULL,
  extracted_data jsonb NOT NULL DEFAULT '{}',
  processing_status text NOT NULL DEFAULT 'pending',
  confidence_score double precision NOT NULL DEFAULT 0.0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT interview_contexts_pkey PRIMARY KEY (id),
  CONSTRAINT interview_contexts_session_fkey FOREIGN KEY (user_id, session_id)
    REFERENCES public.interview_sessions (user_id, id) ON DELETE CASCADE,
  CONSTRAINT interview_contexts_context_type_check CHECK (context_type IN
    ('work_experience', 'education', 'skills', 'projects', 'certifications', 'goals', 'preferences',
     'achievements', 'challenges', 'values', 'other')),
  CONSTRAINT interview_contexts_extracted_data_object CHECK (jsonb_typeof(extracted_data) = 'object'),
  CONSTRAINT interview_contexts_processing_status_check CHECK (processing_status IN
    ('pending', 'processing', 'completed', 'failed')),
  CONSTRAINT interview_contexts_confidence_range CHECK (confidence_score BETWEEN 0 AND 1)
);
CREATE INDEX IF NOT EXISTS interview_contexts_user_id_session_idx ON public.interview_contexts (user_id, session_id);
CREATE INDEX IF NOT EXISTS interview_contexts_extracted_data_gin ON public.interview_contexts USING gin (extracted_data);

-- Transcripts grow without bound: monthly range partitions on created_at
-- (created by public.create_interview_transcript_partitions) plus a default
-- partition so that an insert never fails for want of a partition.
CREATE TABLE IF NOT EXISTS public.interview_transcripts (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  session_id uuid NOT NULL,
  sequence_number integer NOT NULL,
  speaker text NOT NULL,
  content text NOT NULL,
  audio_offset_ms integer,
  duration_ms integer,
  token_count integer,
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT interview_transcripts_pkey PRIMARY KEY (id, created_at),
  CONSTRAINT interview_transcripts_session_fkey FOREIGN KEY (user_id, session_id)
    REFERENCES public.interview_sessions (user_id, id) ON DELETE CASCADE,
  CONSTRAINT interview_transcripts_speaker_check CHECK (speaker IN ('user', 'assistant', 'system')),
  CONSTRAINT interview_transcripts_sequence_nonnegative CHECK (sequence_number >= 0),
  CONSTRAINT interview_transcripts_offset_nonnegative CHECK (audio_offset_ms >= 0),
  CONSTRAINT interview_transcripts_duration_nonnegative CHECK (duration_ms >= 0),
  CONSTRAINT interview_transcripts_token_count_nonnegative CHECK (token_count >= 0),
  CONSTRAINT interview_transcripts_metadata_object CHECK (jsonb_typeof(metadata) = 'object')
) PARTITION BY RANGE (created_at);
CREATE INDEX IF NOT EXISTS interview_transcripts_user_id_session_idx
  ON public.interview_transcripts (user_id, session_id);

-- --------------------------------------------------------------- audit ----

CREATE TABLE IF NOT EXISTS public.security_audit_log (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid,
  actor text NOT NULL DEFAULT current_user,
  action text NOT NULL,
  resource_type text,
  resource_id uuid,
  ip_address inet,
  user_agent text,
  details jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT security_audit_log_pkey PRIMARY KEY (id),
  CONSTRAINT security_audit_log_user_fkey FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE SET NULL,
  CONSTRAINT security_audit_log_action_format CHECK (action ~ '^[a-z][a-z0-9_.]*$'),
  CONSTRAINT security_audit_log_details_object CHECK (jsonb_typeof(details) = 'object')
);
CREATE INDEX IF NOT EXISTS security_audit_log_user_id_idx ON public.security_audit_log (user_id);
CREATE INDEX IF NOT EXISTS security_audit_log_created_at_idx ON public.security_audit_log (created_at);

-- ------------------------------------------------------------ monitoring ----

-- Column statistics for the admins' performance_monitoring view.  pg_stats
-- hides every table with RLS from a caller under RLS (its histograms hold
-- real values), so a signed-in admin sees nothing there.  The owner copies
-- the value-free figures (no most-common values, no histograms) here with
-- public.refresh_performance_monitoring(); admins read them through RLS.
CREATE TABLE IF NOT EXISTS public.monitoring_column_stats (
  tablename text NOT NULL,
  attname text NOT NULL,
  n_distinct real,
  correlation real,
  null_frac real,
  avg_width integer,
  captured_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT monitoring_column_stats_pkey PRIMARY KEY (tablename, attname)
);
COMMENT ON TABLE public.monitoring_column_stats IS
  'Snapshot of pg_stats for schema public (no values), refreshed by refresh_performance_monitoring(); admins only.';

-- ------------------------------------------------------------ triggers ----
-- ---------------------------------------------------------------- queue ----
-- Served by the claim: only unfinished rows are indexed, so a million
-- completed rows cost nothing.
CREATE INDEX IF NOT EXISTS resume_versions_queue_pending_idx
  ON public.resume_versions (priority DESC, run_after)
  WHERE processing_status = 'pending';
-- Jobs in flight, by worker.  Keyed on locked_by, which does not change
-- while a job runs, so that heartbeats (which move lease_expires_at) stay
-- HOT updates; the rows in flight are few.
CREATE INDEX IF NOT EXISTS resume_versions_queue_inflight_idx
  ON public.resume_versions (locked_by)
  WHERE processing_status = 'processing';
-- The leases of jobs in flight, for the claim's rescue of expired ones
-- (without it, a claim read every job in flight to find none expired).
CREATE INDEX IF NOT EXISTS resume_versions_queue_lease_idx
  ON public.resume_versions (lease_expires_at) WHERE processing_status = 'processing';

-- Every stage commit rewrites a job's processing_telemetry (about 2.5 kB of
-- JSON, compressed in line) and processing_stages.  With the default pglz,
-- compressing them was a fifth of the cost of that UPDATE: 2,000 enrich
-- commits took 175 us per row with pglz, 142 us with lz4.  lz4 applies to
-- values written from now on; older rows keep theirs and read as before.
--
-- A server built without lz4 keeps pglz: the baseline says so and goes on.
DO $compression$
BEGIN
  ALTER TABLE public.resume_versions
    ALTER COLUMN processing_telemetry SET COMPRESSION lz4,
    ALTER COLUMN processing_stages SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'this server has no lz4: resume_versions keeps pglz compression';
END
$compression$;

-- ----------------------------------------------------------- match keys ----
-- The merge looks up the user's active entity by these exact expressions.
CREATE INDEX IF NOT EXISTS work_experience_user_match_key
  ON public.work_experience (user_id, (public.normalize_name(company) || ' @ ' || public.normalize_name(title)))
  WHERE is_active;
CREATE INDEX IF NOT EXISTS education_user_match_key
  ON public.education (user_id, (public.normalize_name(institution) || ' | ' || coalesce(public.normalize_name(degree), '')))
  WHERE is_active;
CREATE INDEX IF NOT EXISTS skill_user_match_key
  ON public.skill (user_id, public.normalize_name(name)) WHERE is_active;
CREATE INDEX IF NOT EXISTS project_user_match_key
  ON public.project (user_id, public.normalize_name(name)) WHERE is_active;
CREATE INDEX IF NOT EXISTS certification_user_match_key
  ON public.certification (user_id, (public.normalize_name(name) || ' | ' || coalesce(public.normalize_name(issuer), '')))
  WHERE is_active;

-- ------------------------------------------------ transcript partitions ----
-- The default partition; monthly ones come from
-- public.create_interview_transcript_partitions() (sql/definitions).  Each
-- partition has RLS on (it is reachable by name in schema public; with no
-- policy of its own, only the owner reads it directly) and no privileges
-- for the API roles.
DO $parts$
BEGIN
  IF pg_catalog.to_regclass('public.interview_transcripts_default') IS NULL THEN
    CREATE TABLE public.interview_transcripts_default PARTITION OF public.interview_transcripts DEFAULT;
  END IF;
  ALTER TABLE public.interview_transcripts_default ENABLE ROW LEVEL SECURITY;
  REVOKE ALL ON public.interview_transcripts_default FROM PUBLIC, anon, authenticated;
END
$parts$;

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

-- ---------------------------------------------------------------- RLS ----
-- Row Level Security on every table in public (policies: sql/definitions/40_policies).
DO $rls$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['career_profile', 'user_sessions', 'resume_streams', 'resume_versions',
    'work_experience', 'education', 'skill', 'project', 'certification',
    'interview_sessions', 'interview_contexts', 'interview_transcripts',
    'resume_version_texts', 'parsed_resume_entities', 'entry_enrichment',
    'career_enrichment', 'career_narratives', 'resume_entity_links', 'merge_decisions',
    'profiles', 'normalized_entities', 'security_audit_log', 'monitoring_column_stats'] LOOP
    EXECUTE pg_catalog.format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', t);
  END LOOP;
END
$rls$;

-- ----------------------------------------------------------- privileges ----
-- Supabase's default privileges hand every new table and function in public
-- to anon and authenticated; we revoke everything first and grant exactly
-- what each role needs.  RLS then narrows rows.  (Each function's and view's
-- privileges are in its definition file.)

DO $grants$
DECLARE
  t text;
  user_tables constant text[] := ARRAY['profiles', 'career_profile', 'user_sessions', 'resume_streams',
    'work_experience', 'education', 'skill', 'project', 'certification',
    'interview_sessions', 'interview_contexts', 'interview_transcripts'];
  output_tables constant text[] := ARRAY['resume_version_texts', 'parsed_resume_entities', 'entry_enrichment',
    'career_enrichment', 'career_narratives', 'resume_entity_links'];
  entity_tables constant text[] := ARRAY['work_experience', 'education', 'skill', 'project', 'certification'];
  all_tables constant text[] := user_tables || output_tables ||
    ARRAY['resume_versions', 'merge_decisions', 'normalized_entities', 'security_audit_log',
          'user_career_stats', 'monitoring_column_stats'];
BEGIN
  FOREACH t IN ARRAY all_tables LOOP
    EXECUTE pg_catalog.format('REVOKE ALL ON public.%I FROM PUBLIC, anon, authenticated, careeros_worker', t);
    EXECUTE pg_catalog.format('GRANT ALL ON public.%I TO service_role', t);
  END LOOP;

  -- signed-in users (rows limited by RLS)
  FOREACH t IN ARRAY user_tables LOOP
    EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE, DELETE ON public.%I TO authenticated', t);
  END LOOP;
  FOREACH t IN ARRAY output_tables || ARRAY['merge_decisions', 'security_audit_log',
                                            'monitoring_column_stats'] LOOP
    EXECUTE pg_catalog.format('GRANT SELECT ON public.%I TO authenticated', t);
  END LOOP;
  GRANT SELECT, INSERT, UPDATE, DELETE ON public.normalized_entities TO authenticated;
  -- the web app uploads (pending rows) and deletes versions; the queue
  -- columns are the worker's
  GRANT SELECT, DELETE ON public.resume_versions TO authenticated;
  GRANT INSERT (id, stream_id, user_id, version_number, file_name, file_path, file_size, file_hash, mime_type,
                upload_metadata, resume_metadata) ON public.resume_versions TO authenticated;
  GRANT UPDATE (file_name, resume_metadata) ON public.resume_versions TO authenticated;

  -- the worker
  GRANT SELECT ON public.resume_versions TO careeros_worker;
  GRANT UPDATE (processing_status, processing_progress, current_stage, processing_stages, processing_errors,
                processing_telemetry, resume_metadata, attempts, run_after, locked_by, lease_token,
                lease_expires_at, updated_at) ON public.resume_versions TO careeros_worker;
  FOREACH t IN ARRAY output_tables LOOP
    EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE, DELETE ON public.%I TO careeros_worker', t);
  END LOOP;
  GRANT SELECT, INSERT ON public.merge_decisions TO careeros_worker;
  FOREACH t IN ARRAY entity_tables LOOP
    EXECUTE pg_catalog.format('GRANT SELECT, INSERT ON public.%I TO careeros_worker', t);
    EXECUTE pg_catalog.format('GRANT UPDATE (is_active, updated_at) ON public.%I TO careeros_worker', t);
  END LOOP;
  GRANT SELECT ON public.normalized_entities TO careeros_worker;
  GRANT INSERT (entity_type, canonical_name, aliases, confidence_score, review_status, metadata),
        UPDATE (aliases, confidence_score, metadata, updated_at)
    ON public.normalized_entities TO careeros_worker;
  GRANT INSERT (user_id, action, resource_type, resource_id, details) ON public.security_audit_log TO careeros_worker;
END
$grants$;

-- Schema access for the worker.  On Supabase, postgres holds these with
-- grant option; where it does not, say so instead of failing the migration.
DO $schemas$
BEGIN
  GRANT USAGE ON SCHEMA public TO careeros_worker;
  BEGIN
    GRANT USAGE ON SCHEMA extensions TO careeros_worker;
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'could not grant USAGE on schema extensions to careeros_worker: grant it as the schema owner (merge_resume_version needs pg_trgm)';
  END;
END
$schemas$;
GRANT USAGE ON SCHEMA queue TO careeros_worker;

-- ---------------------------------------------------------------- squash ----
-- A database made by the squashed migrations already has everything above;
-- their bookkeeping rows go, this file's row (written by migrate) stands for
-- them.  (Applied with psql or the Supabase CLI there is no such table.)
DO $squash$
BEGIN
  IF pg_catalog.to_regclass('careeros_meta.schema_migrations') IS NOT NULL THEN
    DELETE FROM careeros_meta.schema_migrations
     WHERE name IN ('20260101000000_supabase_compat.sql', '20260101000100_helpers.sql',
                    '20260101000200_tables.sql', '20260101000300_functions.sql',
                    '20260101000400_worker_role.sql', '20260101000500_rls.sql', '20260101000700_merge.sql',
                    '20260101000800_jsonresume.sql', '20260101000900_grants.sql', '20260201000000_queue.sql',
                    '20260301000000_merge_throughput.sql', '20260401000000_commit_cost.sql',
                    '20260501000000_queue_column_compression.sql');
  END IF;
END
$squash$;
