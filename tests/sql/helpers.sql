-- Test helpers for the pgTAP files (schema tests, applied by run.sh after
-- the migrations and the lints; not part of the product).
\set ON_ERROR_STOP 1
CREATE SCHEMA IF NOT EXISTS tests;
GRANT USAGE ON SCHEMA tests TO PUBLIC;

-- A user as GoTrue would create it.
CREATE OR REPLACE FUNCTION tests.create_user(p_email text, p_app_meta jsonb DEFAULT '{}', p_user_meta jsonb DEFAULT '{}')
RETURNS uuid LANGUAGE sql AS $$
  INSERT INTO auth.users (id, email, raw_app_meta_data, raw_user_meta_data, role, aud)
  VALUES (gen_random_uuid(), p_email, '{"provider":"email"}'::jsonb || p_app_meta, p_user_meta, 'authenticated', 'authenticated')
  RETURNING id
$$;

-- Become that user as PostgREST would: role authenticated, JWT claims built
-- from auth.users the way GoTrue signs them (app_metadata, user_metadata).
-- Only for the current transaction.
CREATE OR REPLACE FUNCTION tests.user_claims(p_user uuid) RETURNS jsonb
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT jsonb_build_object(
    'sub', u.id, 'role', 'authenticated', 'email', u.email,
    'app_metadata', coalesce(u.raw_app_meta_data, '{}'), 'user_metadata', coalesce(u.raw_user_meta_data, '{}'))
  FROM auth.users u WHERE u.id = p_user
$$;

CREATE OR REPLACE FUNCTION tests.login_as(p_user uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('request.jwt.claims', tests.user_claims(p_user)::text, true);
  PERFORM set_config('role', 'authenticated', true);
END $$;

CREATE OR REPLACE FUNCTION tests.login_anon() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('request.jwt.claims', '{"role":"anon"}', true);
  PERFORM set_config('role', 'anon', true);
END $$;

CREATE OR REPLACE FUNCTION tests.as_worker() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('request.jwt.claims', '', true);
  PERFORM set_config('role', 'careeros_worker', true);
END $$;

-- A stream + version for a user, as the web app uploads it (superuser).
CREATE OR REPLACE FUNCTION tests.create_version(p_user uuid, p_status text DEFAULT 'pending') RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
  s uuid;
  v uuid;
BEGIN
  INSERT INTO public.resume_streams (user_id, name) VALUES (p_user, 'Main') RETURNING id INTO s;
  INSERT INTO public.resume_versions (stream_id, user_id, file_name, file_path, file_size, file_hash, mime_type,
                                      processing_status)
  VALUES (s, p_user, 'cv.pdf', p_user || '/cv.pdf', 1234, repeat('a', 64), 'application/pdf', p_status)
  RETURNING id INTO v;
  RETURN v;
END $$;

-- Parsed rows for a version from a parse document (entry rows + leaves),
-- the shape cw_entities_flatten() writes.
CREATE OR REPLACE FUNCTION tests.add_parsed(p_version uuid, p_doc jsonb) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  v_user uuid;
  sec text;
  i integer;
  e jsonb;
  k text;
  n integer := 0;
BEGIN
  SELECT user_id INTO v_user FROM public.resume_versions WHERE id = p_version;
  FOR k IN SELECT jsonb_object_keys(coalesce(p_doc -> 'contact', '{}')) LOOP
    IF k = 'urls' THEN
      FOR i IN 0 .. jsonb_array_length(p_doc -> 'contact' -> 'urls') - 1 LOOP
        INSERT INTO public.parsed_resume_entities (resume_version_id, user_id, field_name, raw_value, confidence_score, source_type)
        VALUES (p_version, v_user, 'contact.urls.' || i, p_doc -> 'contact' -> 'urls' ->> i, 0.9, 'heuristic');
        n := n + 1;
      END LOOP;
    ELSE
      INSERT INTO public.parsed_resume_entities (resume_version_id, user_id, field_name, raw_value, confidence_score, source_type)
      VALUES (p_version, v_user, 'contact.' || k, p_doc -> 'contact' ->> k, 0.9, 'heuristic');
      n := n + 1;
    END IF;
  END LOOP;
  IF p_doc ? 'summary' THEN
    INSERT INTO public.parsed_resume_entities (resume_version_id, user_id, field_name, raw_value, confidence_score, source_type)
    VALUES (p_version, v_user, 'summary', p_doc ->> 'summary', 0.9, 'heuristic');
    n := n + 1;
  END IF;
  FOREACH sec IN ARRAY ARRAY['work_experience', 'education', 'skills', 'projects', 'certifications', 'languages'] LOOP
    FOR i IN 0 .. coalesce(jsonb_array_length(p_doc -> sec), 0) - 1 LOOP
      e := p_doc -> sec -> i;
      INSERT INTO public.parsed_resume_entities (resume_version_id, user_id, field_name, raw_value, confidence_score, source_type)
      VALUES (p_version, v_user, sec || '.' || i, e::text, 0.8, 'heuristic');
      n := n + 1;
      FOR k IN SELECT jsonb_object_keys(e) LOOP
        INSERT INTO public.parsed_resume_entities (resume_version_id, user_id, field_name, raw_value, confidence_score, source_type)
        VALUES (p_version, v_user, sec || '.' || i || '.' || k, e ->> k, 0.8, 'heuristic');
        n := n + 1;
      END LOOP;
    END LOOP;
  END LOOP;
  RETURN n;
END $$;

GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA tests TO PUBLIC;

-- One row in every user-owned table for p_user (superuser).  Returns the
-- resume version id.
CREATE OR REPLACE FUNCTION tests.seed_user(p_user uuid) RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
  v uuid;
  entry uuid;
  ne uuid;
  sess uuid;
BEGIN
  v := tests.create_version(p_user, 'completed');
  INSERT INTO public.profiles (id, full_name) VALUES (p_user, 'Someone');
  INSERT INTO public.career_profile (user_id, current_title) VALUES (p_user, 'Engineer');
  INSERT INTO public.user_sessions (user_id) VALUES (p_user);
  INSERT INTO public.resume_version_texts (resume_version_id, user_id, content, char_count, page_count, extractor)
  VALUES (v, p_user, 'text', 4, 1, 'test');
  INSERT INTO public.parsed_resume_entities (resume_version_id, user_id, field_name, raw_value)
  VALUES (v, p_user, 'work_experience.0', '{"company":"Acme","title":"Engineer"}') RETURNING id INTO entry;
  INSERT INTO public.parsed_resume_entities (resume_version_id, user_id, field_name, raw_value)
  VALUES (v, p_user, 'work_experience.0.company', 'Acme');
  INSERT INTO public.entry_enrichment (user_id, resume_version_id, parsed_entity_id) VALUES (p_user, v, entry);
  INSERT INTO public.career_enrichment (user_id, resume_version_id, role_archetype, persona_type,
                                        leadership_score, scope_score, technical_depth_score)
  VALUES (p_user, v, 'Individual Contributor', 'Builder', 40, 50, 60);
  INSERT INTO public.career_narratives (user_id, resume_version_id, narrative_type, narrative_text)
  VALUES (p_user, v, 'career_summary', 'A summary.');
  INSERT INTO public.normalized_entities (entity_type, canonical_name) VALUES ('company', 'Acme ' || p_user)
  RETURNING id INTO ne;
  INSERT INTO public.resume_entity_links (user_id, resume_version_id, parsed_entity_id, normalized_entity_id,
                                          match_method, match_score)
  VALUES (p_user, v, entry, ne, 'exact', 1);
  INSERT INTO public.merge_decisions (user_id, resume_version_id, parsed_entity_id, source_path, entity_type, decision)
  VALUES (p_user, v, entry, 'work_experience.0', 'work_experience', 'inserted');
  INSERT INTO public.work_experience (user_id, company, title, start_date) VALUES (p_user, 'Acme', 'Engineer', '2020-01');
  INSERT INTO public.education (user_id, institution, degree) VALUES (p_user, 'MIT', 'BSc');
  INSERT INTO public.skill (user_id, name) VALUES (p_user, 'SQL');
  INSERT INTO public.project (user_id, name) VALUES (p_user, 'Thing');
  INSERT INTO public.certification (user_id, name, issuer) VALUES (p_user, 'CKA', 'CNCF');
  INSERT INTO public.interview_sessions (user_id) VALUES (p_user) RETURNING id INTO sess;
  INSERT INTO public.interview_contexts (user_id, session_id, context_type) VALUES (p_user, sess, 'goals');
  INSERT INTO public.interview_transcripts (user_id, session_id, sequence_number, speaker, content)
  VALUES (p_user, sess, 0, 'user', 'hello');
  INSERT INTO public.security_audit_log (user_id, action) VALUES (p_user, 'test.seed');
  RETURN v;
END $$;

-- Row-level probes run with the caller's rights.  -1 means the statement
-- was refused outright (permission denied).
CREATE OR REPLACE FUNCTION tests.try_count(p_table text, p_col text, p_user uuid) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  EXECUTE format('SELECT count(*) FROM public.%I WHERE %I = $1', p_table, p_col) INTO n USING p_user;
  RETURN n;
EXCEPTION WHEN insufficient_privilege THEN
  RETURN -1;
END $$;

CREATE OR REPLACE FUNCTION tests.try_update(p_table text, p_set text, p_col text, p_user uuid) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  EXECUTE format('UPDATE public.%I SET %I = %I WHERE %I = $1', p_table, p_set, p_set, p_col) USING p_user;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
EXCEPTION WHEN insufficient_privilege THEN
  RETURN -1;
END $$;

CREATE OR REPLACE FUNCTION tests.try_delete(p_table text, p_col text, p_user uuid) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  EXECUTE format('DELETE FROM public.%I WHERE %I = $1', p_table, p_col) USING p_user;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
EXCEPTION WHEN insufficient_privilege THEN
  RETURN -1;
END $$;

-- Insert a copy of p_row (a jsonb image of another user's row, new id):
-- returns 'inserted' or the SQLSTATE of the refusal.
CREATE OR REPLACE FUNCTION tests.try_insert(p_table text, p_row jsonb) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE cols text;
BEGIN
  SELECT string_agg(quote_ident(a.attname), ', ') INTO cols
    FROM pg_attribute a
   WHERE a.attrelid = format('public.%I', p_table)::regclass AND a.attnum > 0 AND NOT a.attisdropped
     AND a.attgenerated = '' AND p_row ? a.attname;
  EXECUTE format('INSERT INTO public.%I (%s) SELECT %s FROM jsonb_populate_record(NULL::public.%I, $1)',
                 p_table, cols, cols, p_table) USING p_row;
  RETURN 'inserted';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END $$;

-- jsonb image of one row of p_table where p_col = p_user.
CREATE OR REPLACE FUNCTION tests.row_image(p_table text, p_col text, p_user uuid) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE j jsonb;
BEGIN
  EXECUTE format('SELECT to_jsonb(x) FROM public.%I x WHERE %I = $1 LIMIT 1', p_table, p_col) INTO j USING p_user;
  RETURN j;
END $$;

GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA tests TO PUBLIC;

-- The plan of a query, one line per row (for index-usage assertions).
CREATE OR REPLACE FUNCTION tests.explain_lines(p_query text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || p_query;
END $$;

-- An attacker's session: objects in pg_temp that shadow the types and the
-- tables our functions use.  Every shadow calls pg_temp.spy(), which records
-- who ran it in pg_temp.spy_log: a domain's CHECK runs whenever a value is
-- cast to it, a view's select list whenever it is read.  Plant them as the
-- attacking role, first thing in the session (PL/pgSQL caches the types it
-- resolved), and keep the session's own search_path with pg_temp last so
-- that only code that does not say where to look can fall for them.
CREATE OR REPLACE FUNCTION tests.plant_pg_temp_shadows() RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  t text;
  n integer := 0;
BEGIN
  CREATE TABLE pg_temp.spy_log (who text, via text);
  GRANT ALL ON pg_temp.spy_log TO PUBLIC;
  CREATE FUNCTION pg_temp.spy(p_via text) RETURNS boolean LANGUAGE plpgsql AS $f$
  BEGIN
    INSERT INTO pg_temp.spy_log VALUES (current_user, p_via);
    RETURN true;
  END $f$;
  FOREACH t IN ARRAY ARRAY['uuid', 'text', 'jsonb', 'json', 'date', 'timestamptz', 'timestamp', 'int2', 'int4',
                           'int8', 'bool', 'float8', 'numeric', 'varchar', 'bpchar', 'interval', 'regclass', 'name',
                           'bytea', 'inet', 'oid'] LOOP
    EXECUTE format('CREATE DOMAIN pg_temp.%I AS pg_catalog.%I CHECK (pg_temp.spy(%L))', t, t, 'type ' || t);
    n := n + 1;
  END LOOP;
  FOR t IN SELECT c.relname FROM pg_class c
            WHERE c.relnamespace IN ('public'::regnamespace, 'queue'::regnamespace, 'auth'::regnamespace)
              AND c.relkind IN ('r', 'p', 'v', 'm') LOOP
    EXECUTE format('CREATE VIEW pg_temp.%I AS SELECT pg_temp.spy(%L) AS spy', t, 'relation ' || t);
    n := n + 1;
  END LOOP;
  RETURN n;
END $$;
GRANT EXECUTE ON FUNCTION tests.plant_pg_temp_shadows() TO PUBLIC;

-- What pg_temp.spy() recorded, one "who via" per line (NULL: nothing).
CREATE OR REPLACE FUNCTION tests.spy_report() RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RETURN (SELECT string_agg(DISTINCT who || ' via ' || via, '; ') FROM pg_temp.spy_log);
END $$;
GRANT EXECUTE ON FUNCTION tests.spy_report() TO PUBLIC;
