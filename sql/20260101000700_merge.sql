-- The complete stage's merge: folds one resume version's parsed entries
-- (parsed_resume_entities rows "work_experience.0", "education.1", ... whose
-- raw_value is the entry as a JSON object, DESIGN.md) into the user's
-- versioned entities, links names to normalized_entities and records every
-- decision in merge_decisions.
--
--  * match on normalised keys: company+title, institution+degree, skill name,
--    project name, certification name+issuer, among the user's active rows;
--  * unchanged -> nothing written ("unchanged"); changed -> a new version with
--    the same logical_entity_id, the old one inactive ("new_version"); no
--    match -> a new logical entity ("inserted"); unusable entry -> "skipped";
--  * entities absent from this resume stay active (a resume is a selection);
--  * two entries of one resume never collapse onto the same entity;
--  * idempotent: decisions are unique per (resume version, entry path) and a
--    version that has decisions is not merged again; the second call returns
--    the first call's summary with "already_merged": true.
-- SECURITY INVOKER: runs with the caller's rights (careeros_worker or
-- service_role); RLS and column privileges bound what it can touch.

-- Text value of a JSON key, trimmed, NULL when blank.
CREATE OR REPLACE FUNCTION public.jsonb_clean_text(p_obj jsonb, p_key text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = ''
AS $$
  SELECT nullif(btrim(p_obj ->> p_key), '')
$$;

-- Best-effort link of one name to normalized_entities: exact canonical name,
-- then alias, then the nearest name by trigram similarity (pg_trgm) if it
-- reaches 0.3.
-- Returns (id, method, score); no row when nothing is close enough.
CREATE OR REPLACE FUNCTION public.match_normalized_entity(p_name text, p_types text[],
  OUT normalized_entity_id uuid, OUT match_method text, OUT match_score double precision)
RETURNS SETOF record
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = ''
AS $$
DECLARE
  -- below this a trigram match is noise
  c_min_similarity constant double precision := 0.3;
  v_norm text := public.normalize_name(p_name);
BEGIN
  IF v_norm IS NULL THEN
    RETURN;
  END IF;
  RETURN QUERY
    SELECT n.id, CASE WHEN n.normalized_name = v_norm THEN 'exact' ELSE 'alias' END, 1.0::double precision
      FROM public.normalized_entities n
     WHERE n.entity_type = ANY (p_types) AND n.review_status = 'approved'
       AND (n.normalized_name = v_norm OR n.normalized_aliases @> ARRAY[v_norm])
     ORDER BY (n.normalized_name = v_norm) DESC, n.id
     LIMIT 1;
  IF FOUND THEN
    RETURN;
  END IF;
  -- nearest name by trigram distance (GiST index order), kept if similar enough
  RETURN QUERY
    SELECT best.id, 'trigram'::text, best.sim
      FROM (SELECT n.id, extensions.similarity(n.normalized_name, v_norm)::double precision AS sim
              FROM public.normalized_entities n
             WHERE n.entity_type = ANY (p_types) AND n.review_status = 'approved'
             ORDER BY n.normalized_name OPERATOR(extensions.<->) v_norm
             LIMIT 1) best
     WHERE best.sim >= c_min_similarity;
END
$$;

CREATE OR REPLACE FUNCTION public.merge_resume_version(p_resume_version_id uuid)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = ''
AS $$
DECLARE
  -- links scoring below this need a human look
  c_review_threshold constant double precision := 0.6;
  v_user uuid;
  r record;
  m record;
  e jsonb;
  c jsonb;        -- content columns compared between versions
  d jsonb;        -- derived columns (normalised dates), written not compared
  v_row jsonb;
  v_old jsonb;
  v_table text;
  v_key text;
  v_key_expr text;
  v_reason text;
  v_dropped jsonb;
  v_touched uuid[] := '{}';
  v_logical uuid;
  v_version integer;
  v_new_id uuid;
  v_decision text;
  v_cols text;
  v_start_on date;
  v_start_prec text;
  v_end_on date;
  v_end_prec text;
  v_current boolean;
  v_text text;
  v_num numeric;
  v_leaf_id uuid;
  link record;
  n_inserted integer := 0;
  n_new_version integer := 0;
  n_unchanged integer := 0;
  n_skipped integer := 0;
  n_links integer := 0;
  n_rows integer;
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

  FOR r IN
    SELECT p.id, p.field_name, p.raw_value, p.confidence_score, x.m[1] AS section, x.m[2]::integer AS idx
      FROM public.parsed_resume_entities p,
           LATERAL (SELECT pg_catalog.regexp_match(p.field_name,
                     '^(work_experience|education|skills|projects|certifications)\.(\d+)$') AS m) x
     WHERE p.resume_version_id = p_resume_version_id AND x.m IS NOT NULL
     ORDER BY pg_catalog.array_position(ARRAY['work_experience', 'education', 'skills', 'projects', 'certifications'],
                                        x.m[1]), x.m[2]::integer
  LOOP
    v_table := CASE r.section WHEN 'work_experience' THEN 'work_experience' WHEN 'education' THEN 'education'
                              WHEN 'skills' THEN 'skill' WHEN 'projects' THEN 'project' ELSE 'certification' END;
    v_reason := NULL;
    v_dropped := '{}'::jsonb;
    v_key := NULL;
    c := NULL;
    d := '{}'::jsonb;
    BEGIN
      e := r.raw_value::jsonb;
    EXCEPTION WHEN invalid_text_representation THEN
      e := NULL;
    END;

    IF e IS NULL OR pg_catalog.jsonb_typeof(e) <> 'object' THEN
      v_reason := 'entry_not_a_json_object';
    ELSE
      -- Dates: text kept as given, normalised columns derived here.
      v_current := coalesce(pg_catalog.lower(public.jsonb_clean_text(e, 'is_current')) IN ('true', 't', 'yes', '1'), false)
                   OR public.is_present_date_text(public.jsonb_clean_text(e, 'end_date'));
      SELECT pd.on_date, pd.date_precision INTO v_start_on, v_start_prec
        FROM public.parse_partial_date(public.jsonb_clean_text(e, 'start_date')) pd;
      SELECT pd.on_date, pd.date_precision INTO v_end_on, v_end_prec
        FROM public.parse_partial_date(public.jsonb_clean_text(e, 'end_date')) pd;
      IF v_current OR v_end_on < v_start_on THEN
        IF NOT v_current THEN
          v_dropped := v_dropped || '{"end_on": "before start"}';
        END IF;
        v_end_on := NULL;
        v_end_prec := NULL;
      END IF;
      IF r.section IN ('work_experience', 'education', 'projects') THEN
        d := pg_catalog.jsonb_build_object('start_on', v_start_on, 'start_precision', v_start_prec,
                                           'end_on', v_end_on, 'end_precision', v_end_prec);
      END IF;

      CASE r.section
      WHEN 'work_experience' THEN
        c := pg_catalog.jsonb_build_object(
          'company', public.jsonb_clean_text(e, 'company'), 'title', public.jsonb_clean_text(e, 'title'),
          'location', public.jsonb_clean_text(e, 'location'),
          'start_date', public.jsonb_clean_text(e, 'start_date'), 'end_date', public.jsonb_clean_text(e, 'end_date'),
          'date_text', public.jsonb_clean_text(e, 'date_text'), 'is_current', v_current,
          'description', public.jsonb_clean_text(e, 'description'));
        IF c ->> 'company' IS NULL OR c ->> 'title' IS NULL THEN
          v_reason := 'company_and_title_required';
        END IF;
        v_key := public.normalize_name(c ->> 'company') || ' @ ' || public.normalize_name(c ->> 'title');
        v_key_expr := 'public.normalize_name(t.company) || '' @ '' || public.normalize_name(t.title)';
      WHEN 'education' THEN
        c := pg_catalog.jsonb_build_object(
          'institution', public.jsonb_clean_text(e, 'institution'), 'degree', public.jsonb_clean_text(e, 'degree'),
          'field_of_study', public.jsonb_clean_text(e, 'field_of_study'),
          'start_date', public.jsonb_clean_text(e, 'start_date'), 'end_date', public.jsonb_clean_text(e, 'end_date'),
          'date_text', public.jsonb_clean_text(e, 'date_text'), 'is_current', v_current,
          'gpa', public.jsonb_clean_text(e, 'gpa'));
        IF c ->> 'institution' IS NULL THEN
          v_reason := 'institution_required';
        END IF;
        v_key := public.normalize_name(c ->> 'institution') || ' | ' || coalesce(public.normalize_name(c ->> 'degree'), '');
        v_key_expr := 'public.normalize_name(t.institution) || '' | '' || coalesce(public.normalize_name(t.degree), '''')';
      WHEN 'skills' THEN
        v_text := pg_catalog.lower(public.jsonb_clean_text(e, 'proficiency_level'));
        v_text := CASE
          WHEN v_text IN ('beginner', 'intermediate', 'advanced', 'expert') THEN v_text
          WHEN v_text IN ('novice', 'basic', 'elementary', 'familiar') THEN 'beginner'
          WHEN v_text IN ('proficient', 'competent', 'working', 'good') THEN 'intermediate'
          WHEN v_text IN ('strong', 'fluent', 'very good') THEN 'advanced'
          WHEN v_text IN ('master', 'native', 'excellent') THEN 'expert'
          ELSE NULL END;
        IF v_text IS NULL AND public.jsonb_clean_text(e, 'proficiency_level') IS NOT NULL THEN
          v_dropped := v_dropped || pg_catalog.jsonb_build_object('proficiency_level', e -> 'proficiency_level');
        END IF;
        v_num := (pg_catalog.regexp_match(coalesce(e ->> 'years_of_experience', ''), '^\s*(\d{1,3}(\.\d+)?)'))[1]::numeric;
        IF v_num > 80 THEN
          v_dropped := v_dropped || pg_catalog.jsonb_build_object('years_of_experience', e -> 'years_of_experience');
          v_num := NULL;
        END IF;
        c := pg_catalog.jsonb_build_object(
          'name', public.jsonb_clean_text(e, 'name'), 'category', public.jsonb_clean_text(e, 'category'),
          'proficiency_level', v_text, 'years_of_experience', pg_catalog.floor(v_num)::integer);
        IF c ->> 'name' IS NULL THEN
          v_reason := 'name_required';
        END IF;
        v_key := public.normalize_name(c ->> 'name');
        v_key_expr := 'public.normalize_name(t.name)';
      WHEN 'projects' THEN
        c := pg_catalog.jsonb_build_object(
          'name', public.jsonb_clean_text(e, 'name'), 'role', public.jsonb_clean_text(e, 'role'),
          'url', public.jsonb_clean_text(e, 'url'),
          'start_date', public.jsonb_clean_text(e, 'start_date'), 'end_date', public.jsonb_clean_text(e, 'end_date'),
          'date_text', public.jsonb_clean_text(e, 'date_text'), 'is_current', v_current,
          'description', public.jsonb_clean_text(e, 'description'));
        IF c ->> 'name' IS NULL THEN
          v_reason := 'name_required';
        END IF;
        v_key := public.normalize_name(c ->> 'name');
        v_key_expr := 'public.normalize_name(t.name)';
      ELSE
        c := pg_catalog.jsonb_build_object(
          'name', public.jsonb_clean_text(e, 'name'), 'issuer', public.jsonb_clean_text(e, 'issuer'),
          'issued_date', public.jsonb_clean_text(e, 'date'));
        SELECT pd.on_date, pd.date_precision INTO v_start_on, v_start_prec
          FROM public.parse_partial_date(c ->> 'issued_date') pd;
        d := pg_catalog.jsonb_build_object('issued_on', v_start_on, 'issued_precision', v_start_prec);
        IF c ->> 'name' IS NULL THEN
          v_reason := 'name_required';
        END IF;
        v_key := public.normalize_name(c ->> 'name') || ' | ' || coalesce(public.normalize_name(c ->> 'issuer'), '');
        v_key_expr := 'public.normalize_name(t.name) || '' | '' || coalesce(public.normalize_name(t.issuer), '''')';
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
      EXECUTE pg_catalog.format(
        'SELECT pg_catalog.to_jsonb(t) FROM public.%I t
          WHERE t.user_id = $1 AND t.is_active AND (%s) = $2 AND t.logical_entity_id <> ALL ($3)
          ORDER BY t.created_at, t.id LIMIT 1', v_table, v_key_expr)
        INTO v_old USING v_user, v_key, v_touched;

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
          EXECUTE pg_catalog.format('SELECT max(t.version) + 1 FROM public.%I t WHERE t.logical_entity_id = $1', v_table)
            INTO v_version USING v_logical;
          n_new_version := n_new_version + 1;
        END IF;
        v_row := c || d || pg_catalog.jsonb_build_object(
          'user_id', v_user, 'logical_entity_id', v_logical, 'version', v_version, 'is_active', true,
          'source', 'upload', 'source_confidence', r.confidence_score,
          'source_resume_version_id', p_resume_version_id);
        SELECT pg_catalog.string_agg(pg_catalog.quote_ident(k), ', ') INTO v_cols FROM pg_catalog.jsonb_object_keys(v_row) k;
        -- The supersede trigger retires the previous active version.
        EXECUTE pg_catalog.format(
          'INSERT INTO public.%I (%s) SELECT %s FROM pg_catalog.jsonb_populate_record(NULL::public.%I, $1) RETURNING id',
          v_table, v_cols, v_cols, v_table)
          INTO v_new_id USING v_row;
      END IF;
      v_touched := v_touched || v_logical;
    END IF;

    INSERT INTO public.merge_decisions (user_id, resume_version_id, parsed_entity_id, source_path, entity_type,
                                        decision, logical_entity_id, entity_id, previous_entity_id,
                                        previous_version, new_version, match_key, reason, details)
    VALUES (v_user, p_resume_version_id, r.id, r.field_name, v_table, v_decision, v_logical, v_new_id,
            CASE WHEN v_decision = 'new_version' THEN (v_old ->> 'id')::uuid END,
            (v_old ->> 'version')::integer,
            CASE WHEN v_decision IN ('inserted', 'new_version') THEN v_version END,
            v_key, v_reason,
            CASE WHEN v_dropped = '{}'::jsonb THEN '{}'::jsonb ELSE pg_catalog.jsonb_build_object('dropped', v_dropped) END)
    ON CONFLICT ON CONSTRAINT merge_decisions_version_path_key DO NOTHING;

    -- Link names to the shared knowledge base.
    IF v_reason IS NULL AND r.section IN ('work_experience', 'education', 'skills', 'certifications') THEN
      v_text := CASE r.section WHEN 'work_experience' THEN 'company' WHEN 'education' THEN 'institution' ELSE 'name' END;
      SELECT p.id INTO v_leaf_id FROM public.parsed_resume_entities p
       WHERE p.resume_version_id = p_resume_version_id AND p.field_name = r.field_name || '.' || v_text;
      SELECT * INTO link FROM public.match_normalized_entity(c ->> v_text,
        CASE r.section WHEN 'work_experience' THEN ARRAY['company'] WHEN 'education' THEN ARRAY['university']
                       WHEN 'skills' THEN ARRAY['skill', 'technology'] ELSE ARRAY['certification'] END);
      IF link.normalized_entity_id IS NOT NULL THEN
        INSERT INTO public.resume_entity_links (user_id, resume_version_id, parsed_entity_id, normalized_entity_id,
                                                match_method, match_score, confidence_score, review_required)
        VALUES (v_user, p_resume_version_id, coalesce(v_leaf_id, r.id), link.normalized_entity_id,
                link.match_method, link.match_score, link.match_score, link.match_score < c_review_threshold)
        ON CONFLICT ON CONSTRAINT resume_entity_links_parsed_normalized_key DO NOTHING;
        GET DIAGNOSTICS n_rows = ROW_COUNT;
        n_links := n_links + n_rows;
      END IF;
    END IF;
  END LOOP;

  RETURN pg_catalog.jsonb_build_object(
    'resume_version_id', p_resume_version_id, 'user_id', v_user, 'already_merged', false,
    'inserted', n_inserted, 'new_version', n_new_version, 'unchanged', n_unchanged, 'skipped', n_skipped,
    'links', n_links);
END
$$;
COMMENT ON FUNCTION public.merge_resume_version(uuid) IS
  'Complete stage: merge a version''s parsed entries into the user''s versioned entities. Idempotent. Returns {inserted,new_version,unchanged,skipped,links,already_merged}.';
