-- Throughput of the complete stage and of stage commits.
--
-- Measured on 1,000 resumes (bench/e2e-offline): Postgres spent most of its
-- time parsing and planning dynamic SQL (the merge and the versioned-entity
-- triggers built every statement with format() and EXECUTE), normalising
-- the names of every active row of the user on each lookup, and creating
-- MultiXacts (each stage's row update ran in a subtransaction on a row its
-- parent had locked).  This migration replaces those with static SQL, whose
-- plans each session caches, with expression indexes on the match keys,
-- with one statement per resume for its merge decisions and one for its
-- links, and with a stage commit that writes a whole batch in one
-- subtransaction.  What gets written is unchanged.  Stage commits also
-- learn two things: parse rows as compact arrays, and an enrich item that
-- runs the merge (the complete stage) in the same commit ("chain").

-- -------------------------------------------------- name normalising ----
-- Same result as before, in PL/pgSQL: a SQL function with SET search_path
-- cannot be inlined, and Postgres parses and plans its body again for every
-- statement that evaluates it (each merge insert, through the match-key
-- indexes below); PL/pgSQL keeps its plan for the session.
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

-- ------------------------------------------------------- match keys ----
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

-- ------------------------------------- versioned-entity triggers ----
-- One owner check and one supersede function per table, with static SQL,
-- replace the two generic ones (same checks, same messages).  The owner
-- check is SECURITY DEFINER for the reason given in the helpers migration;
-- nobody may execute these functions directly (triggers do not need it).
DO $versioned$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['work_experience', 'education', 'skill', 'project', 'certification'] LOOP
    EXECUTE pg_catalog.format($fn$
      CREATE OR REPLACE FUNCTION public.%1$I() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $body$
      BEGIN
        IF EXISTS (SELECT 1 FROM public.%3$I x
                    WHERE x.logical_entity_id = NEW.logical_entity_id AND x.user_id <> NEW.user_id) THEN
          RAISE EXCEPTION 'logical_entity_owner_mismatch: logical entity %% belongs to another user', NEW.logical_entity_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'logical_entity_owner_mismatch';
        END IF;
        RETURN NEW;
      END
      $body$;
      CREATE OR REPLACE FUNCTION public.%2$I() RETURNS trigger
      LANGUAGE plpgsql SECURITY INVOKER SET search_path = '' AS $body$
      BEGIN
        IF NEW.is_active THEN
          UPDATE public.%3$I x SET is_active = false
           WHERE x.logical_entity_id = NEW.logical_entity_id AND x.user_id = NEW.user_id AND x.is_active;
        END IF;
        RETURN NEW;
      END
      $body$;
      REVOKE ALL ON FUNCTION public.%1$I(), public.%2$I() FROM PUBLIC;
      CREATE OR REPLACE TRIGGER versioned_owner BEFORE INSERT ON public.%3$I
        FOR EACH ROW EXECUTE FUNCTION public.%1$I();
      CREATE OR REPLACE TRIGGER versioned_supersede BEFORE INSERT ON public.%3$I
        FOR EACH ROW EXECUTE FUNCTION public.%2$I();
      $fn$, 'tg_' || t || '_owner', 'tg_' || t || '_supersede', t);
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'anon') THEN
      EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION public.%I(), public.%I() FROM anon, authenticated',
                                'tg_' || t || '_owner', 'tg_' || t || '_supersede');
    END IF;
  END LOOP;
END
$versioned$;
DROP FUNCTION IF EXISTS public.tg_versioned_entity_owner();
DROP FUNCTION IF EXISTS public.tg_versioned_entity_supersede();

-- ------------------------------------------- merge's table statements ----
-- The merge's per-table statements, static so that their plans are cached.
-- SECURITY INVOKER: the caller's rights and RLS apply as to a direct write.
CREATE OR REPLACE FUNCTION public.next_entity_version(p_table text, p_logical uuid)
RETURNS integer
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = ''
AS $$
BEGIN
  RETURN CASE p_table
    WHEN 'work_experience' THEN (SELECT max(t.version) + 1 FROM public.work_experience t WHERE t.logical_entity_id = p_logical)
    WHEN 'education' THEN (SELECT max(t.version) + 1 FROM public.education t WHERE t.logical_entity_id = p_logical)
    WHEN 'skill' THEN (SELECT max(t.version) + 1 FROM public.skill t WHERE t.logical_entity_id = p_logical)
    WHEN 'project' THEN (SELECT max(t.version) + 1 FROM public.project t WHERE t.logical_entity_id = p_logical)
    WHEN 'certification' THEN (SELECT max(t.version) + 1 FROM public.certification t WHERE t.logical_entity_id = p_logical)
  END;
END
$$;

-- Inserts one merged entity: c holds the content columns by name (as the
-- merge compares them), the dates are the normalised start/end (issued for
-- a certification).  Returns the new row's id.
CREATE OR REPLACE FUNCTION public.insert_merged_entity(p_table text, c jsonb, p_user uuid, p_logical uuid,
  p_version integer, p_confidence double precision, p_source uuid,
  p_start_on date, p_start_prec text, p_end_on date, p_end_prec text)
RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = ''
AS $$
DECLARE
  v_id uuid;
BEGIN
  CASE p_table
  WHEN 'work_experience' THEN
    INSERT INTO public.work_experience AS t (user_id, logical_entity_id, version, is_active, source, source_confidence,
           source_resume_version_id, company, title, location, start_date, end_date, date_text, is_current,
           description, start_on, start_precision, end_on, end_precision)
    VALUES (p_user, p_logical, p_version, true, 'upload', p_confidence, p_source, c ->> 'company', c ->> 'title',
            c ->> 'location', c ->> 'start_date', c ->> 'end_date', c ->> 'date_text', (c ->> 'is_current')::boolean,
            c ->> 'description', p_start_on, p_start_prec, p_end_on, p_end_prec)
    RETURNING t.id INTO v_id;
  WHEN 'education' THEN
    INSERT INTO public.education AS t (user_id, logical_entity_id, version, is_active, source, source_confidence,
           source_resume_version_id, institution, degree, field_of_study, start_date, end_date, date_text,
           is_current, gpa, start_on, start_precision, end_on, end_precision)
    VALUES (p_user, p_logical, p_version, true, 'upload', p_confidence, p_source, c ->> 'institution',
            c ->> 'degree', c ->> 'field_of_study', c ->> 'start_date', c ->> 'end_date', c ->> 'date_text',
            (c ->> 'is_current')::boolean, c ->> 'gpa', p_start_on, p_start_prec, p_end_on, p_end_prec)
    RETURNING t.id INTO v_id;
  WHEN 'skill' THEN
    INSERT INTO public.skill AS t (user_id, logical_entity_id, version, is_active, source, source_confidence,
           source_resume_version_id, name, category, proficiency_level, years_of_experience)
    VALUES (p_user, p_logical, p_version, true, 'upload', p_confidence, p_source, c ->> 'name', c ->> 'category',
            c ->> 'proficiency_level', (c ->> 'years_of_experience')::integer)
    RETURNING t.id INTO v_id;
  WHEN 'project' THEN
    INSERT INTO public.project AS t (user_id, logical_entity_id, version, is_active, source, source_confidence,
           source_resume_version_id, name, role, url, start_date, end_date, date_text, is_current, description,
           start_on, start_precision, end_on, end_precision)
    VALUES (p_user, p_logical, p_version, true, 'upload', p_confidence, p_source, c ->> 'name', c ->> 'role',
            c ->> 'url', c ->> 'start_date', c ->> 'end_date', c ->> 'date_text', (c ->> 'is_current')::boolean,
            c ->> 'description', p_start_on, p_start_prec, p_end_on, p_end_prec)
    RETURNING t.id INTO v_id;
  WHEN 'certification' THEN
    INSERT INTO public.certification AS t (user_id, logical_entity_id, version, is_active, source,
           source_confidence, source_resume_version_id, name, issuer, issued_date, issued_on, issued_precision)
    VALUES (p_user, p_logical, p_version, true, 'upload', p_confidence, p_source, c ->> 'name', c ->> 'issuer',
            c ->> 'issued_date', p_start_on, p_start_prec)
    RETURNING t.id INTO v_id;
  END CASE;
  RETURN v_id;
END
$$;

-- ------------------------------------------------------------ merge ----
-- Same contract as in the merge migration (idempotent, one decision per
-- entry, "unchanged" / "new_version" / "inserted" / "skipped", links to
-- normalized_entities); every statement is now static.
CREATE OR REPLACE FUNCTION public.merge_resume_version(p_resume_version_id uuid)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = ''
AS $$
DECLARE
  -- links scoring below this need a human look
  c_review_threshold constant double precision := 0.6;
  -- below this a trigram match is noise
  c_min_similarity constant double precision := 0.3;
  v_user uuid;
  r record;
  e jsonb;        -- the entry as parsed
  x jsonb;        -- the entry with every value trimmed, blanks as null
  c jsonb;        -- content columns compared between versions
  v_old jsonb;
  v_table text;
  v_key text;
  v_norm text;    -- the normalised name to link, if the section links one
  v_leaf text;    -- the field holding that name
  v_reason text;
  v_dropped jsonb;
  v_touched uuid[] := '{}';
  v_logical uuid;
  v_version integer;
  v_new_id uuid;
  v_decision text;
  v_start_on date;
  v_start_prec text;
  v_end_on date;
  v_end_prec text;
  v_current boolean;
  v_text text;
  v_num numeric;
  v_decisions jsonb := '[]';
  v_link_entry uuid[] := '{}';
  v_link_leaf text[] := '{}';
  v_link_norm text[] := '{}';
  v_link_types text[] := '{}';
  n_inserted integer := 0;
  n_new_version integer := 0;
  n_unchanged integer := 0;
  n_skipped integer := 0;
  n_links integer := 0;
BEGIN
  SELECT v.user_id INTO v_user FROM public.resume_versions v WHERE v.id = p_resume_version_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'resume_version_not_found: no resume version %', p_resume_version_id
      USING ERRCODE = 'no_data_found';
  END IF;

  -- One merge per user at a time: two versions merged concurrently would
  -- otherwise race for the same logical entities.
  PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('careeros.merge:' || v_user::text, 0));

  IF EXISTS (SELECT 1 FROM public.merge_decisions md WHERE md.resume_version_id = p_resume_version_id) THEN
    RETURN (
      SELECT pg_catalog.jsonb_build_object(
        'resume_version_id', p_resume_version_id, 'user_id', v_user, 'already_merged', true,
        'inserted', count(*) FILTER (WHERE md.decision = 'inserted'),
        'new_version', count(*) FILTER (WHERE md.decision = 'new_version'),
        'unchanged', count(*) FILTER (WHERE md.decision = 'unchanged'),
        'skipped', count(*) FILTER (WHERE md.decision = 'skipped'),
        'links', (SELECT count(*) FROM public.resume_entity_links l WHERE l.resume_version_id = p_resume_version_id))
      FROM public.merge_decisions md WHERE md.resume_version_id = p_resume_version_id);
  END IF;

  -- The entry rows ("skills.3"): string functions first, a regular
  -- expression only on the few rows they leave.
  FOR r IN
    SELECT p.id, p.field_name, public.try_jsonb(p.raw_value) AS entry, p.confidence_score,
           pg_catalog.split_part(p.field_name, '.', 1) AS section
      FROM public.parsed_resume_entities p
     WHERE p.resume_version_id = p_resume_version_id
       AND pg_catalog.split_part(p.field_name, '.', 1) IN ('work_experience', 'education', 'skills', 'projects',
                                                          'certifications')
       AND pg_catalog.length(p.field_name) - pg_catalog.length(pg_catalog.replace(p.field_name, '.', '')) = 1
       AND pg_catalog.split_part(p.field_name, '.', 2) ~ '^[0-9]{1,9}$'
     ORDER BY pg_catalog.array_position(ARRAY['work_experience', 'education', 'skills', 'projects', 'certifications'],
                                        pg_catalog.split_part(p.field_name, '.', 1)),
              pg_catalog.split_part(p.field_name, '.', 2)::integer
  LOOP
    v_table := CASE r.section WHEN 'work_experience' THEN 'work_experience' WHEN 'education' THEN 'education'
                              WHEN 'skills' THEN 'skill' WHEN 'projects' THEN 'project' ELSE 'certification' END;
    v_reason := NULL;
    v_dropped := '{}'::jsonb;
    v_key := NULL;
    v_norm := NULL;
    e := r.entry;
    v_current := false;
    v_start_on := NULL; v_start_prec := NULL; v_end_on := NULL; v_end_prec := NULL;

    IF e IS NULL OR pg_catalog.jsonb_typeof(e) <> 'object' THEN
      v_reason := 'entry_not_a_json_object';
    ELSE
      SELECT coalesce(pg_catalog.jsonb_object_agg(k.key, nullif(btrim(k.value), '')), '{}'::jsonb)
        INTO x FROM pg_catalog.jsonb_each_text(e) k;
      -- Dates: text kept as given, normalised columns derived here.
      IF r.section IN ('work_experience', 'education', 'projects') THEN
        v_current := coalesce(pg_catalog.lower(x ->> 'is_current') IN ('true', 't', 'yes', '1'), false)
                     OR public.is_present_date_text(x ->> 'end_date');
        IF x ->> 'start_date' IS NOT NULL THEN
          SELECT pd.on_date, pd.date_precision INTO v_start_on, v_start_prec
            FROM public.parse_partial_date(x ->> 'start_date') pd;
        END IF;
        IF x ->> 'end_date' IS NOT NULL AND NOT v_current THEN
          SELECT pd.on_date, pd.date_precision INTO v_end_on, v_end_prec
            FROM public.parse_partial_date(x ->> 'end_date') pd;
        END IF;
        IF v_end_on < v_start_on THEN
          v_dropped := v_dropped || '{"end_on": "before start"}';
          v_end_on := NULL;
          v_end_prec := NULL;
        END IF;
      END IF;

      CASE r.section
      WHEN 'work_experience' THEN
        c := pg_catalog.jsonb_build_object(
          'company', x -> 'company', 'title', x -> 'title', 'location', x -> 'location',
          'start_date', x -> 'start_date', 'end_date', x -> 'end_date', 'date_text', x -> 'date_text',
          'is_current', v_current, 'description', x -> 'description');
        IF c ->> 'company' IS NULL OR c ->> 'title' IS NULL THEN
          v_reason := 'company_and_title_required';
        END IF;
        v_norm := public.normalize_name(c ->> 'company');
        v_leaf := 'company';
        v_key := v_norm || ' @ ' || public.normalize_name(c ->> 'title');
      WHEN 'education' THEN
        c := pg_catalog.jsonb_build_object(
          'institution', x -> 'institution', 'degree', x -> 'degree', 'field_of_study', x -> 'field_of_study',
          'start_date', x -> 'start_date', 'end_date', x -> 'end_date', 'date_text', x -> 'date_text',
          'is_current', v_current, 'gpa', x -> 'gpa');
        IF c ->> 'institution' IS NULL THEN
          v_reason := 'institution_required';
        END IF;
        v_norm := public.normalize_name(c ->> 'institution');
        v_leaf := 'institution';
        v_key := v_norm || ' | ' || coalesce(public.normalize_name(c ->> 'degree'), '');
      WHEN 'skills' THEN
        v_text := pg_catalog.lower(x ->> 'proficiency_level');
        v_text := CASE
          WHEN v_text IN ('beginner', 'intermediate', 'advanced', 'expert') THEN v_text
          WHEN v_text IN ('novice', 'basic', 'elementary', 'familiar') THEN 'beginner'
          WHEN v_text IN ('proficient', 'competent', 'working', 'good') THEN 'intermediate'
          WHEN v_text IN ('strong', 'fluent', 'very good') THEN 'advanced'
          WHEN v_text IN ('master', 'native', 'excellent') THEN 'expert'
          ELSE NULL END;
        IF v_text IS NULL AND x ->> 'proficiency_level' IS NOT NULL THEN
          v_dropped := v_dropped || pg_catalog.jsonb_build_object('proficiency_level', e -> 'proficiency_level');
        END IF;
        v_num := (pg_catalog.regexp_match(coalesce(e ->> 'years_of_experience', ''), '^\s*(\d{1,3}(\.\d+)?)'))[1]::numeric;
        IF v_num > 80 THEN
          v_dropped := v_dropped || pg_catalog.jsonb_build_object('years_of_experience', e -> 'years_of_experience');
          v_num := NULL;
        END IF;
        c := pg_catalog.jsonb_build_object(
          'name', x -> 'name', 'category', x -> 'category',
          'proficiency_level', v_text, 'years_of_experience', pg_catalog.floor(v_num)::integer);
        IF c ->> 'name' IS NULL THEN
          v_reason := 'name_required';
        END IF;
        v_norm := public.normalize_name(c ->> 'name');
        v_leaf := 'name';
        v_key := v_norm;
      WHEN 'projects' THEN
        c := pg_catalog.jsonb_build_object(
          'name', x -> 'name', 'role', x -> 'role', 'url', x -> 'url',
          'start_date', x -> 'start_date', 'end_date', x -> 'end_date', 'date_text', x -> 'date_text',
          'is_current', v_current, 'description', x -> 'description');
        IF c ->> 'name' IS NULL THEN
          v_reason := 'name_required';
        END IF;
        v_key := public.normalize_name(c ->> 'name');
      ELSE
        c := pg_catalog.jsonb_build_object('name', x -> 'name', 'issuer', x -> 'issuer', 'issued_date', x -> 'date');
        IF x ->> 'date' IS NOT NULL THEN
          SELECT pd.on_date, pd.date_precision INTO v_start_on, v_start_prec
            FROM public.parse_partial_date(x ->> 'date') pd;
        END IF;
        IF c ->> 'name' IS NULL THEN
          v_reason := 'name_required';
        END IF;
        v_norm := public.normalize_name(c ->> 'name');
        v_leaf := 'name';
        v_key := v_norm || ' | ' || coalesce(public.normalize_name(c ->> 'issuer'), '');
      END CASE;
      IF v_reason IS NULL AND v_key IS NULL THEN
        v_reason := 'name_has_no_letters_or_digits';
      END IF;
    END IF;

    v_logical := NULL;
    v_new_id := NULL;
    v_old := NULL;
    IF v_reason IS NOT NULL THEN
      v_decision := 'skipped';
      n_skipped := n_skipped + 1;
    ELSE
      -- The user's oldest active entity with this key that no earlier entry
      -- of this resume took (expression indexes *_user_match_key).
      CASE v_table
      WHEN 'work_experience' THEN
        SELECT pg_catalog.to_jsonb(t) INTO v_old FROM public.work_experience t
         WHERE t.user_id = v_user AND t.is_active
           AND public.normalize_name(t.company) || ' @ ' || public.normalize_name(t.title) = v_key
           AND t.logical_entity_id <> ALL (v_touched)
         ORDER BY t.created_at, t.id LIMIT 1;
      WHEN 'education' THEN
        SELECT pg_catalog.to_jsonb(t) INTO v_old FROM public.education t
         WHERE t.user_id = v_user AND t.is_active
           AND public.normalize_name(t.institution) || ' | ' || coalesce(public.normalize_name(t.degree), '') = v_key
           AND t.logical_entity_id <> ALL (v_touched)
         ORDER BY t.created_at, t.id LIMIT 1;
      WHEN 'skill' THEN
        SELECT pg_catalog.to_jsonb(t) INTO v_old FROM public.skill t
         WHERE t.user_id = v_user AND t.is_active AND public.normalize_name(t.name) = v_key
           AND t.logical_entity_id <> ALL (v_touched)
         ORDER BY t.created_at, t.id LIMIT 1;
      WHEN 'project' THEN
        SELECT pg_catalog.to_jsonb(t) INTO v_old FROM public.project t
         WHERE t.user_id = v_user AND t.is_active AND public.normalize_name(t.name) = v_key
           AND t.logical_entity_id <> ALL (v_touched)
         ORDER BY t.created_at, t.id LIMIT 1;
      ELSE
        SELECT pg_catalog.to_jsonb(t) INTO v_old FROM public.certification t
         WHERE t.user_id = v_user AND t.is_active
           AND public.normalize_name(t.name) || ' | ' || coalesce(public.normalize_name(t.issuer), '') = v_key
           AND t.logical_entity_id <> ALL (v_touched)
         ORDER BY t.created_at, t.id LIMIT 1;
      END CASE;

      IF v_old IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM pg_catalog.jsonb_object_keys(c) k WHERE (v_old -> k) IS DISTINCT FROM (c -> k)) THEN
        v_decision := 'unchanged';
        v_logical := (v_old ->> 'logical_entity_id')::uuid;
        v_new_id := (v_old ->> 'id')::uuid;
        v_version := (v_old ->> 'version')::integer;
        n_unchanged := n_unchanged + 1;
      ELSE
        IF v_old IS NULL THEN
          v_decision := 'inserted';
          v_logical := pg_catalog.gen_random_uuid();
          v_version := 1;
          n_inserted := n_inserted + 1;
        ELSE
          v_decision := 'new_version';
          v_logical := (v_old ->> 'logical_entity_id')::uuid;
          v_version := public.next_entity_version(v_table, v_logical);
          n_new_version := n_new_version + 1;
        END IF;
        v_new_id := public.insert_merged_entity(v_table, c, v_user, v_logical, v_version, r.confidence_score,
                                                p_resume_version_id, v_start_on, v_start_prec, v_end_on, v_end_prec);
      END IF;
      v_touched := v_touched || v_logical;
    END IF;

    v_decisions := v_decisions || pg_catalog.jsonb_build_object(
      'parsed_entity_id', r.id, 'source_path', r.field_name, 'entity_type', v_table, 'decision', v_decision,
      'logical_entity_id', v_logical, 'entity_id', v_new_id,
      'previous_entity_id', CASE WHEN v_decision = 'new_version' THEN v_old ->> 'id' END,
      'previous_version', v_old -> 'version',
      'new_version', CASE WHEN v_decision IN ('inserted', 'new_version') THEN v_version END,
      'match_key', v_key, 'reason', v_reason,
      'details', CASE WHEN v_dropped = '{}'::jsonb THEN '{}'::jsonb ELSE pg_catalog.jsonb_build_object('dropped', v_dropped) END);
    -- names to link to the shared knowledge base
    IF v_reason IS NULL AND v_norm IS NOT NULL THEN
      v_link_entry := v_link_entry || r.id;
      v_link_leaf := v_link_leaf || (r.field_name || '.' || v_leaf);
      v_link_norm := v_link_norm || v_norm;
      v_link_types := v_link_types || CASE r.section WHEN 'work_experience' THEN 'company' WHEN 'education' THEN 'university'
                                                     WHEN 'skills' THEN 'skill technology' ELSE 'certification' END;
    END IF;
  END LOOP;

  INSERT INTO public.merge_decisions (user_id, resume_version_id, parsed_entity_id, source_path, entity_type,
                                      decision, logical_entity_id, entity_id, previous_entity_id,
                                      previous_version, new_version, match_key, reason, details)
  SELECT v_user, p_resume_version_id, d.parsed_entity_id, d.source_path, d.entity_type, d.decision,
         d.logical_entity_id, d.entity_id, d.previous_entity_id, d.previous_version, d.new_version,
         d.match_key, d.reason, d.details
    FROM pg_catalog.jsonb_to_recordset(v_decisions) AS d(parsed_entity_id uuid, source_path text, entity_type text,
           decision text, logical_entity_id uuid, entity_id uuid, previous_entity_id uuid, previous_version integer,
           new_version integer, match_key text, reason text, details jsonb)
  ON CONFLICT ON CONSTRAINT merge_decisions_version_path_key DO NOTHING;

  -- Each name links to the approved entity of its kinds with that canonical
  -- name or alias, else to the nearest name by trigram distance (GiST index
  -- order) if its similarity reaches c_min_similarity.  The link goes on the
  -- leaf row of the name ("work_experience.0.company") when there is one.
  INSERT INTO public.resume_entity_links (user_id, resume_version_id, parsed_entity_id, normalized_entity_id,
                                          match_method, match_score, confidence_score, review_required)
  SELECT v_user, p_resume_version_id, coalesce(leaf.id, l.entry_id), m.id, m.method, m.score, m.score,
         m.score < c_review_threshold
    FROM unnest(v_link_entry, v_link_leaf, v_link_norm, v_link_types) AS l(entry_id, leaf_path, norm, types)
    LEFT JOIN public.parsed_resume_entities leaf
      ON leaf.resume_version_id = p_resume_version_id AND leaf.field_name = l.leaf_path
    CROSS JOIN LATERAL (
      -- Append runs its branches in order and the LIMIT stops it at the
      -- first row: the trigram search runs only without a name match.
      (SELECT n.id, CASE WHEN n.normalized_name = l.norm THEN 'exact' ELSE 'alias' END AS method,
              1.0::double precision AS score
         FROM public.normalized_entities n
        WHERE n.entity_type = ANY (pg_catalog.string_to_array(l.types, ' ')) AND n.review_status = 'approved'
          AND (n.normalized_name = l.norm OR n.normalized_aliases @> ARRAY[l.norm])
        ORDER BY (n.normalized_name = l.norm) DESC, n.id
        LIMIT 1)
      UNION ALL
      (SELECT best.id, 'trigram', best.sim
         FROM (SELECT n.id, extensions.similarity(n.normalized_name, l.norm)::double precision AS sim
                 FROM public.normalized_entities n
                WHERE n.entity_type = ANY (pg_catalog.string_to_array(l.types, ' ')) AND n.review_status = 'approved'
                ORDER BY n.normalized_name OPERATOR(extensions.<->) l.norm
                LIMIT 1) best
        WHERE best.sim >= c_min_similarity)
      LIMIT 1) m
  ON CONFLICT ON CONSTRAINT resume_entity_links_parsed_normalized_key DO NOTHING;
  GET DIAGNOSTICS n_links = ROW_COUNT;

  RETURN pg_catalog.jsonb_build_object(
    'resume_version_id', p_resume_version_id, 'user_id', v_user, 'already_merged', false,
    'inserted', n_inserted, 'new_version', n_new_version, 'unchanged', n_unchanged, 'skipped', n_skipped,
    'links', n_links);
END
$$;

-- ---------------------------------------------------- stage commits ----
-- An item with "chain": true whose next stage is 'complete' runs the
-- complete stage (the merge) in the same commit, saving the job a round
-- trip; its answer is then 'completed' instead of 'ok'.  If the merge
-- fails, the item's own stage still commits ('ok') and the complete stage
-- is left to run, and fail or not, on its own.
CREATE OR REPLACE FUNCTION queue.chains_complete(p_item jsonb)
RETURNS boolean LANGUAGE plpgsql IMMUTABLE SET search_path = '' AS $$
BEGIN
  RETURN coalesce(p_item -> 'chain' = 'true'::jsonb AND p_item ->> 'next_stage' = 'complete', false);
END
$$;

-- Writes one stage's outputs, after finish_stages' fence check.  A parse
-- output's rows are [field_name, raw_value, confidence_score] with
-- source_type and model_version once for all of them (a quarter of the
-- bytes of one object per row, to build, send and parse).
CREATE OR REPLACE FUNCTION queue.write_outputs(p_id uuid, p_user uuid, p_stage text, p_out jsonb)
RETURNS void LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  IF p_stage = 'upload' THEN
    INSERT INTO public.resume_version_texts (resume_version_id, user_id, content, char_count,
           page_count, extractor, extractor_version, detected_mime)
    VALUES (p_id, p_user, p_out ->> 'text', (p_out ->> 'char_count')::int,
            (p_out ->> 'page_count')::int, p_out ->> 'extractor', p_out ->> 'extractor_version',
            p_out ->> 'detected_mime');
  ELSIF p_stage = 'parse' THEN
    INSERT INTO public.parsed_resume_entities (resume_version_id, user_id, field_name, raw_value,
           confidence_score, source_type, model_version)
    SELECT p_id, p_user, r ->> 0, r ->> 1, coalesce((r ->> 2)::double precision, 0),
           p_out ->> 'source_type', p_out ->> 'model_version'
      FROM jsonb_array_elements(p_out -> 'rows') r
     WHERE jsonb_typeof(r) = 'array'
    UNION ALL
    -- rows as objects with their own labels, from workers before this migration
    SELECT p_id, p_user, r ->> 'field_name', r ->> 'raw_value',
           coalesce((r ->> 'confidence_score')::double precision, 0),
           r ->> 'source_type', r ->> 'model_version'
      FROM jsonb_array_elements(p_out -> 'rows') r
     WHERE jsonb_typeof(r) = 'object';
  ELSIF p_stage = 'enrich' THEN
    INSERT INTO public.entry_enrichment (user_id, resume_version_id, parsed_entity_id,
           parsed_structure, insights, skills_identified, recommendations, experience_level,
           career_progression, market_relevance, model_version, confidence_score,
           enrichment_metadata)
    SELECT p_id_user.u, p_id, pe.id, e -> 'parsed_structure', coalesce(e -> 'insights', '[]'),
           coalesce(e -> 'skills_identified', '[]'), coalesce(e -> 'recommendations', '[]'),
           e ->> 'experience_level', e ->> 'career_progression', e ->> 'market_relevance',
           p_out ->> 'model_version', coalesce((e ->> 'confidence')::double precision, 0),
           jsonb_build_object('source_type', p_out ->> 'source_type')
      FROM jsonb_array_elements(coalesce(p_out -> 'entries', '[]')) e
      CROSS JOIN (SELECT p_user AS u) p_id_user
      JOIN public.parsed_resume_entities pe
        ON pe.resume_version_id = p_id AND pe.field_name = e ->> 'path';
    IF p_out ? 'career' AND jsonb_typeof(p_out -> 'career') = 'object' THEN
      INSERT INTO public.career_enrichment (user_id, resume_version_id, role_archetype,
             role_archetype_explanation, persona_type, persona_explanation, leadership_score,
             leadership_explanation, scope_score, scope_explanation, technical_depth_score,
             technical_depth_explanation, model_version, confidence_score, enrichment_metadata)
      SELECT p_user, p_id, c ->> 'role_archetype', c ->> 'role_archetype_explanation',
             c ->> 'persona_type', c ->> 'persona_explanation', (c ->> 'leadership_score')::int,
             c ->> 'leadership_explanation', (c ->> 'scope_score')::int, c ->> 'scope_explanation',
             (c ->> 'technical_depth_score')::int, c ->> 'technical_depth_explanation',
             p_out ->> 'model_version', coalesce((c ->> 'confidence')::double precision, 0),
             jsonb_build_object('source_type', p_out ->> 'source_type')
        FROM (SELECT p_out -> 'career' AS c) x;
    END IF;
    INSERT INTO public.career_narratives (user_id, resume_version_id, narrative_type,
           narrative_text, narrative_explanation, model_version, confidence_score)
    SELECT p_user, p_id, n ->> 'narrative_type', n ->> 'narrative_text',
           n ->> 'narrative_explanation', p_out ->> 'model_version',
           coalesce((n ->> 'confidence')::double precision, 0)
      FROM jsonb_array_elements(coalesce(p_out -> 'narratives', '[]')) n;
  ELSIF p_stage = 'complete' THEN
    PERFORM public.merge_resume_version(p_id);
  ELSIF p_stage <> 'noop' THEN
    RAISE EXCEPTION 'unknown stage %', p_stage USING ERRCODE = '22023';
  END IF;
END;
$$;


-- Same contract as before (queue migration): one row per item, in item
-- order, 'ok' / 'fenced' / 'error' with the database's message, and one bad
-- item does not undo the others.  A batch now runs in one subtransaction:
-- lock the rows (id order), write every unfenced item's outputs, move every
-- item's state with one UPDATE.  Only if that fails does each item run
-- alone, in id order, to find the one at fault.  Rows locked and updated
-- by the same subtransaction need no MultiXact, and the per-item
-- subtransactions of the old loop (their cost grew past the item's own
-- past 64 in a transaction) are gone from the common case.
CREATE OR REPLACE FUNCTION queue.finish_stages(p_items jsonb)
RETURNS TABLE (id uuid, result text, message text)
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  v_n integer := jsonb_array_length(p_items);
  v_err text;
  v_res text[];
  v_msg text[];
  v_user uuid;
  v_owners jsonb;
  it jsonb;
  ord bigint;
  f record;
BEGIN
  IF v_n = 0 THEN
    RETURN;
  END IF;
  -- Lock order, the same in every queue function: first the per-user merge
  -- locks (sorted), then the batch's rows (by id).  Merges of one user's
  -- versions serialise on the first, so two workers folding resumes into
  -- the same profile cannot deadlock on its entity rows.
  PERFORM pg_advisory_xact_lock(k)
     FROM (SELECT DISTINCT hashtextextended(rv.user_id::text, 7391) AS k
             FROM jsonb_array_elements(p_items) e
             JOIN public.resume_versions rv ON rv.id = (e ->> 'id')::uuid
            WHERE e ->> 'stage' = 'complete' OR queue.chains_complete(e)) u
    ORDER BY k;

  -- The same job twice in a batch is done one item after the other below.
  IF (SELECT count(DISTINCT e ->> 'id') FROM jsonb_array_elements(p_items) e) = v_n THEN
    BEGIN
      -- A batch of no-op items only (benchmarks) skips the lock pass and the
      -- writes: its UPDATE takes the same row locks.
      IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_items) e WHERE e ->> 'stage' IS DISTINCT FROM 'noop') THEN
        -- the rows, locked in id order, and the owner of each one whose
        -- lease is still ours, by "id token"
        SELECT coalesce(jsonb_object_agg(l.id::text || ' ' || l.lease_token::text, l.user_id)
                          FILTER (WHERE l.processing_status = 'processing' AND l.lease_token IS NOT NULL), '{}')
          INTO v_owners
          FROM (SELECT rv.id, rv.lease_token, rv.processing_status, rv.user_id FROM public.resume_versions rv
                 WHERE rv.id IN (SELECT (e ->> 'id')::uuid FROM jsonb_array_elements(p_items) e)
                 ORDER BY rv.id
                   FOR NO KEY UPDATE) l;
        FOR it IN SELECT e FROM jsonb_array_elements(p_items) e WHERE e ->> 'stage' <> 'noop' LOOP
          v_user := (v_owners ->> (((it ->> 'id')::uuid)::text || ' ' || ((it ->> 'token')::uuid)::text))::uuid;
          IF v_user IS NOT NULL THEN
            PERFORM queue.write_outputs((it ->> 'id')::uuid, v_user, it ->> 'stage', coalesce(it -> 'output', '{}'::jsonb));
            IF queue.chains_complete(it) THEN
              PERFORM queue.write_outputs((it ->> 'id')::uuid, v_user, 'complete', '{}'::jsonb);
            END IF;
          END IF;
        END LOOP;
      END IF;
      -- (chained: the complete stage ran too, so the job is done)
      WITH items AS (
        SELECT e, o, (e ->> 'id')::uuid AS iid, e ->> 'stage' AS stage, e ->> 'next_stage' AS next,
               queue.chains_complete(e) AS chained, coalesce(e -> 'telemetry' -> 'job', '{}'::jsonb) AS job
          FROM jsonb_array_elements(p_items) WITH ORDINALITY AS x(e, o)
      ), upd AS (
        UPDATE public.resume_versions rv SET
          processing_stages = CASE WHEN i.stage = 'noop' THEN rv.processing_stages
            WHEN i.next IS NULL THEN queue.stage_mark(rv.processing_stages, i.stage,
                   jsonb_build_object('status', 'completed', 'completed_at', now(), 'error', NULL))
            ELSE queue.stage_mark(queue.stage_mark(rv.processing_stages, i.stage,
                   jsonb_build_object('status', 'completed', 'completed_at', now(), 'error', NULL)),
                   i.next, jsonb_build_object('status', CASE WHEN i.chained THEN 'completed' ELSE 'running' END,
                                              'started_at', now(), 'error', NULL)
                           || CASE WHEN i.chained THEN jsonb_build_object('completed_at', now()) ELSE '{}' END)
            END,
          current_stage = coalesce(i.next, rv.current_stage),
          processing_progress = CASE WHEN i.chained THEN 100
                                     ELSE coalesce((i.e ->> 'progress')::int, rv.processing_progress) END,
          processing_telemetry = jsonb_set(
            (coalesce(rv.processing_telemetry, '{}'::jsonb) || i.job)
              || jsonb_build_object('stages', coalesce((coalesce(rv.processing_telemetry, '{}'::jsonb) || i.job)
                   -> 'stages', '{}'::jsonb)
                   || CASE WHEN i.chained THEN jsonb_build_object(i.next, jsonb_build_object('chained', true))
                           ELSE '{}' END),
            ARRAY['stages', i.stage], coalesce(i.e -> 'telemetry' -> 'stage', '{}'::jsonb), true),
          processing_status = CASE WHEN i.next IS NULL OR i.chained THEN 'completed' ELSE 'processing' END,
          locked_by = CASE WHEN i.next IS NULL OR i.chained THEN NULL ELSE rv.locked_by END,
          lease_token = CASE WHEN i.next IS NULL OR i.chained THEN NULL ELSE rv.lease_token END,
          lease_expires_at = CASE WHEN i.next IS NULL OR i.chained THEN NULL ELSE rv.lease_expires_at END,
          updated_at = now()
          FROM items i
         -- IS NOT DISTINCT FROM (the column is NOT NULL: same meaning) keeps
         -- the planner on the primary key: with "=" it reads every entry of
         -- the partial lease index, dead ones included, to build a hash.
         WHERE rv.id = i.iid AND rv.lease_token = (i.e ->> 'token')::uuid
           AND rv.processing_status IS NOT DISTINCT FROM 'processing'
        RETURNING rv.id
      )
      SELECT array_agg(CASE WHEN u.id IS NULL THEN 'fenced' WHEN i.chained THEN 'completed' ELSE 'ok' END
                       ORDER BY i.o) INTO v_res
        FROM items i LEFT JOIN upd u ON u.id = i.iid;
    EXCEPTION WHEN OTHERS THEN
      v_res := NULL;
      v_err := SQLSTATE || ': ' || SQLERRM;
    END;
    IF v_res IS NOT NULL THEN
      RETURN QUERY
        SELECT (e ->> 'id')::uuid, v_res[o], NULL::text
          FROM jsonb_array_elements(p_items) WITH ORDINALITY AS x(e, o) ORDER BY o;
      RETURN;
    END IF;
    IF v_n = 1 AND queue.chains_complete(p_items -> 0) THEN
      -- the merge failed, not the stage: commit the stage alone, and the
      -- complete stage runs (and fails, or not) on its own
      RETURN QUERY SELECT * FROM queue.finish_stages(jsonb_build_array((p_items -> 0) - 'chain'));
      RETURN;
    END IF;
    IF v_n = 1 THEN
      RETURN QUERY SELECT (p_items -> 0 ->> 'id')::uuid, 'error'::text, v_err;
      RETURN;
    END IF;
  END IF;

  -- Each item alone, rows in id order (the batch's locks went with its
  -- subtransaction), answers in item order.
  FOR it, ord IN
    SELECT e, o FROM jsonb_array_elements(p_items) WITH ORDINALITY AS x(e, o) ORDER BY (e ->> 'id')::uuid, o
  LOOP
    SELECT * INTO f FROM queue.finish_stages(jsonb_build_array(it));
    v_res[ord] := f.result;
    v_msg[ord] := f.message;
  END LOOP;
  RETURN QUERY
    SELECT (e ->> 'id')::uuid, v_res[o], v_msg[o]
      FROM jsonb_array_elements(p_items) WITH ORDINALITY AS x(e, o) ORDER BY o;
END;
$$;

-- ------------------------------------------------------------ grants ----
-- New functions in public are executable by PUBLIC until revoked; the merge
-- helpers run with the caller's rights, so the merge's callers need them.
REVOKE ALL ON FUNCTION public.next_entity_version(text, uuid),
  public.insert_merged_entity(text, jsonb, uuid, uuid, integer, double precision, uuid, date, text, date, text)
  FROM PUBLIC, anon, authenticated;
REVOKE ALL ON FUNCTION queue.chains_complete(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION queue.chains_complete(jsonb) TO careeros_worker;
GRANT EXECUTE ON FUNCTION public.next_entity_version(text, uuid),
  public.insert_merged_entity(text, jsonb, uuid, uuid, integer, double precision, uuid, date, text, date, text)
  TO careeros_worker, service_role;

-- The merge matches names to normalized_entities itself, all of a resume's
-- names in one statement; the per-name function it called is gone.
DROP FUNCTION IF EXISTS public.match_normalized_entity(text, text[]);
