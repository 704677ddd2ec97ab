-- Size limits on every column an API role writes (text, jsonb, arrays), so
-- that a signed-in user cannot store 100 MB values or million-element
-- arrays.  Columns with a fixed set of values or a format CHECK are bounded
-- by it already.  Text in characters, jsonb and arrays in bytes as stored
-- (pg_column_size), arrays also in elements.  One CHECK per column, named
-- <table>_<column>_size; README "Hardening" lists them.
DO $limits$
DECLARE
  r record;
  t text;
  adds text;
BEGIN
  CREATE TEMP TABLE size_limits (tbl text, col text, kind text, lim integer) ON COMMIT DROP;
  INSERT INTO size_limits VALUES
    -- short labels
    ('career_profile', 'current_title', 'text', 500), ('career_profile', 'persona_type', 'text', 500),
    ('career_profile', 'role_archetype', 'text', 500),
    ('work_experience', 'company', 'text', 500), ('work_experience', 'title', 'text', 500),
    ('work_experience', 'location', 'text', 500),
    ('education', 'institution', 'text', 500), ('education', 'degree', 'text', 500),
    ('education', 'field_of_study', 'text', 500), ('education', 'gpa', 'text', 50), ('education', 'location', 'text', 500),
    ('skill', 'name', 'text', 500), ('skill', 'category', 'text', 500),
    ('project', 'name', 'text', 500), ('project', 'role', 'text', 500),
    ('certification', 'name', 'text', 500), ('certification', 'issuer', 'text', 500),
    ('certification', 'credential_id', 'text', 500),
    ('profiles', 'location', 'text', 500), ('profiles', 'phone', 'text', 100), ('profiles', 'timezone', 'text', 100),
    ('profiles', 'contact_email', 'text', 320),
    ('resume_streams', 'name', 'text', 500), ('resume_versions', 'file_name', 'text', 500),
    ('resume_versions', 'mime_type', 'text', 255), ('resume_versions', 'file_hash', 'text', 128),
    ('resume_versions', 'file_path', 'text', 1024),
    ('interview_sessions', 'session_id', 'text', 500), ('normalized_entities', 'canonical_name', 'text', 500),
    -- dates as printed
    ('work_experience', 'start_date', 'text', 100), ('work_experience', 'end_date', 'text', 100),
    ('work_experience', 'date_text', 'text', 200),
    ('education', 'start_date', 'text', 100), ('education', 'end_date', 'text', 100), ('education', 'date_text', 'text', 200),
    ('project', 'start_date', 'text', 100), ('project', 'end_date', 'text', 100), ('project', 'date_text', 'text', 200),
    ('certification', 'issued_date', 'text', 100), ('certification', 'expires_date', 'text', 100),
    -- URLs
    ('profiles', 'avatar_url', 'text', 2048), ('profiles', 'github_url', 'text', 2048),
    ('profiles', 'linkedin_url', 'text', 2048), ('profiles', 'website_url', 'text', 2048),
    ('project', 'url', 'text', 2048), ('certification', 'credential_url', 'text', 2048),
    ('interview_sessions', 'audio_file_url', 'text', 2048),
    -- prose
    ('career_profile', 'career_goals', 'text', 20000), ('work_experience', 'description', 'text', 20000),
    ('education', 'description', 'text', 20000), ('project', 'description', 'text', 20000),
    ('skill', 'narrative_context', 'text', 20000), ('resume_streams', 'description', 'text', 20000),
    ('interview_transcripts', 'content', 'text', 100000),
    -- arrays: elements, and bytes
    ('career_profile', 'preferred_locations', 'array', 100), ('career_profile', 'target_industries', 'array', 100),
    ('career_profile', 'target_titles', 'array', 100), ('resume_streams', 'tags', 'array', 100),
    ('normalized_entities', 'aliases', 'array', 100),
    -- jsonb documents, bytes
    ('resume_versions', 'upload_metadata', 'jsonb', 262144), ('resume_versions', 'resume_metadata', 'jsonb', 262144),
    ('interview_sessions', 'context_data', 'jsonb', 262144), ('interview_sessions', 'phase_data', 'jsonb', 262144),
    ('interview_sessions', 'session_insights', 'jsonb', 262144), ('interview_contexts', 'extracted_data', 'jsonb', 262144),
    ('interview_transcripts', 'metadata', 'jsonb', 262144), ('normalized_entities', 'metadata', 'jsonb', 262144);

  FOR t IN SELECT DISTINCT tbl FROM size_limits ORDER BY 1 LOOP
    adds := '';
    FOR r IN SELECT * FROM size_limits WHERE tbl = t ORDER BY col LOOP
      IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint
                  WHERE conrelid = pg_catalog.format('public.%I', t)::regclass AND conname = r.tbl || '_' || r.col || '_size') THEN
        adds := adds || pg_catalog.format('DROP CONSTRAINT %I, ', r.tbl || '_' || r.col || '_size');
      END IF;
      adds := adds || pg_catalog.format('ADD CONSTRAINT %I CHECK (%s), ', r.tbl || '_' || r.col || '_size',
        CASE r.kind
          WHEN 'text' THEN pg_catalog.format('pg_catalog.char_length(%I) <= %s', r.col, r.lim)
          WHEN 'array' THEN pg_catalog.format('pg_catalog.cardinality(%I) <= %s AND pg_catalog.pg_column_size(%I) <= 65536',
                                              r.col, r.lim, r.col)
          ELSE pg_catalog.format('pg_catalog.pg_column_size(%I) <= %s', r.col, r.lim)
        END);
    END LOOP;
    EXECUTE pg_catalog.format('ALTER TABLE public.%I %s', t, pg_catalog.rtrim(adds, ', '));
  END LOOP;
END
$limits$;
