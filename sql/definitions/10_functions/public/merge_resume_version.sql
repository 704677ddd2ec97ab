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

CREATE OR REPLACE FUNCTION public.merge_resume_version(p_resume_version_id uuid)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  -- links scoring below this need a human look
  c_review_threshold constant double precision := 0.6;
  -- below this a trigram match is noise
  c_min_similarity constant double precision := 0.3;
  v_user uuid;
  r record;
  pd record;      -- a parsed partial date
  v_same boolean; -- the active entity found has the same content
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
  -- arrays, appended in place (a jsonb array is copied whole by each ||)
  v_decisions jsonb[] := '{}';
  v_new jsonb[] := '{}';  -- the entities to insert: content columns plus t, id, logical, version, ...
  v_new_all jsonb;
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
  -- otherwise race for the same logical entities.  (A lock no API role can
  -- take or hold: see queue.lock_merges.)
  PERFORM queue.lock_merges(ARRAY[v_user]);

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
  -- expression only on the few rows they leave.  Each entry comes with its
  -- values trimmed, blanks as null (x), computed here for all of them
  -- rather than by a statement per entry.
  FOR r IN
    SELECT q.id, q.field_name, q.entry, q.confidence_score, q.section,
           CASE WHEN pg_catalog.jsonb_typeof(q.entry) = 'object' THEN
             (SELECT coalesce(pg_catalog.jsonb_object_agg(k.key, nullif(btrim(k.value), '')), '{}'::jsonb)
                FROM pg_catalog.jsonb_each_text(q.entry) k)
           END AS x
      FROM (SELECT p.id, p.field_name, public.try_jsonb(p.raw_value) AS entry, p.confidence_score,
                   pg_catalog.split_part(p.field_name, '.', 1) AS section
              FROM public.parsed_resume_entities p
             WHERE p.resume_version_id = p_resume_version_id
               AND pg_catalog.split_part(p.field_name, '.', 1) IN ('work_experience', 'education', 'skills',
                                                                  'projects', 'certifications')
               AND pg_catalog.length(p.field_name) - pg_catalog.length(pg_catalog.replace(p.field_name, '.', '')) = 1
               AND pg_catalog.split_part(p.field_name, '.', 2) ~ '^[0-9]{1,9}$'
            OFFSET 0) q  -- (not pulled up: try_jsonb once per row)
     ORDER BY pg_catalog.array_position(ARRAY['work_experience', 'education', 'skills', 'projects', 'certifications'],
                                        q.section),
              pg_catalog.split_part(q.field_name, '.', 2)::integer
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
      x := r.x;
      -- Dates: text kept as given, normalised columns derived here.
      IF r.section IN ('work_experience', 'education', 'projects') THEN
        v_current := coalesce(pg_catalog.lower(x ->> 'is_current') IN ('true', 't', 'yes', '1'), false)
                     OR public.is_present_date_text(x ->> 'end_date');
        IF x ->> 'start_date' IS NOT NULL THEN
          pd := public.parse_partial_date(x ->> 'start_date');
          v_start_on := pd.on_date;
          v_start_prec := pd.date_precision;
        END IF;
        IF x ->> 'end_date' IS NOT NULL AND NOT v_current THEN
          pd := public.parse_partial_date(x ->> 'end_date');
          v_end_on := pd.on_date;
          v_end_prec := pd.date_precision;
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
          pd := public.parse_partial_date(x ->> 'date');
          v_start_on := pd.on_date;
          v_start_prec := pd.date_precision;
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

      -- (two steps: a condition with a subquery costs a statement even when
      -- nothing was found)
      v_same := false;
      IF v_old IS NOT NULL THEN
        v_same := NOT EXISTS (
          SELECT 1 FROM pg_catalog.jsonb_object_keys(c) k WHERE (v_old -> k) IS DISTINCT FROM (c -> k));
      END IF;
      IF v_same THEN
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
        -- written after the loop, one statement per table
        v_new_id := pg_catalog.gen_random_uuid();
        v_new := pg_catalog.array_append(v_new, pg_catalog.jsonb_build_object(
          't', v_table, 'id', v_new_id, 'logical', v_logical, 'version', v_version, 'conf', r.confidence_score,
          'start_on', v_start_on, 'start_prec', v_start_prec, 'end_on', v_end_on, 'end_prec', v_end_prec) || c);
      END IF;
      v_touched := v_touched || v_logical;
    END IF;

    v_decisions := pg_catalog.array_append(v_decisions, pg_catalog.jsonb_build_object(
      'parsed_entity_id', r.id, 'source_path', r.field_name, 'entity_type', v_table, 'decision', v_decision,
      'logical_entity_id', v_logical, 'entity_id', v_new_id,
      'previous_entity_id', CASE WHEN v_decision = 'new_version' THEN v_old ->> 'id' END,
      'previous_version', v_old -> 'version',
      'new_version', CASE WHEN v_decision IN ('inserted', 'new_version') THEN v_version END,
      'match_key', v_key, 'reason', v_reason,
      'details', CASE WHEN v_dropped = '{}'::jsonb THEN '{}'::jsonb ELSE pg_catalog.jsonb_build_object('dropped', v_dropped) END));
    -- names to link to the shared knowledge base
    IF v_reason IS NULL AND v_norm IS NOT NULL THEN
      v_link_entry := v_link_entry || r.id;
      v_link_leaf := v_link_leaf || (r.field_name || '.' || v_leaf);
      v_link_norm := v_link_norm || v_norm;
      v_link_types := v_link_types || CASE r.section WHEN 'work_experience' THEN 'company' WHEN 'education' THEN 'university'
                                                     WHEN 'skills' THEN 'skill technology' ELSE 'certification' END;
    END IF;
  END LOOP;

  -- The new entities, a statement per table instead of one per entity (the
  -- per-statement set-up of a table with its indexes and triggers cost
  -- more than the row).  Nothing above reads them back: an entry never
  -- matches an entity this resume already touched.
  v_new_all := pg_catalog.to_jsonb(v_new);
  IF v_new_all @> '[{"t": "work_experience"}]' THEN
    INSERT INTO public.work_experience AS t (id, user_id, logical_entity_id, version, is_active, source,
           source_confidence, source_resume_version_id, company, title, location, start_date, end_date, date_text,
           is_current, description, start_on, start_precision, end_on, end_precision)
    SELECT n.id, v_user, n.logical, n.version, true, 'upload', n.conf, p_resume_version_id, n.company, n.title,
           n.location, n.start_date, n.end_date, n.date_text, n.is_current, n.description, n.start_on,
           n.start_prec, n.end_on, n.end_prec
      FROM pg_catalog.jsonb_to_recordset(v_new_all) AS n(t text, id uuid, logical uuid, version integer,
             conf double precision, start_on date, start_prec text, end_on date, end_prec text, company text,
             title text, location text, start_date text, end_date text, date_text text, is_current boolean,
             description text)
     WHERE n.t = 'work_experience';
  END IF;
  IF v_new_all @> '[{"t": "education"}]' THEN
    INSERT INTO public.education AS t (id, user_id, logical_entity_id, version, is_active, source,
           source_confidence, source_resume_version_id, institution, degree, field_of_study, start_date, end_date,
           date_text, is_current, gpa, start_on, start_precision, end_on, end_precision)
    SELECT n.id, v_user, n.logical, n.version, true, 'upload', n.conf, p_resume_version_id, n.institution,
           n.degree, n.field_of_study, n.start_date, n.end_date, n.date_text, n.is_current, n.gpa, n.start_on,
           n.start_prec, n.end_on, n.end_prec
      FROM pg_catalog.jsonb_to_recordset(v_new_all) AS n(t text, id uuid, logical uuid, version integer,
             conf double precision, start_on date, start_prec text, end_on date, end_prec text, institution text,
             degree text, field_of_study text, start_date text, end_date text, date_text text, is_current boolean,
             gpa text)
     WHERE n.t = 'education';
  END IF;
  IF v_new_all @> '[{"t": "skill"}]' THEN
    INSERT INTO public.skill AS t (id, user_id, logical_entity_id, version, is_active, source, source_confidence,
           source_resume_version_id, name, category, proficiency_level, years_of_experience)
    SELECT n.id, v_user, n.logical, n.version, true, 'upload', n.conf, p_resume_version_id, n.name, n.category,
           n.proficiency_level, n.years_of_experience
      FROM pg_catalog.jsonb_to_recordset(v_new_all) AS n(t text, id uuid, logical uuid, version integer,
             conf double precision, name text, category text, proficiency_level text, years_of_experience integer)
     WHERE n.t = 'skill';
  END IF;
  IF v_new_all @> '[{"t": "project"}]' THEN
    INSERT INTO public.project AS t (id, user_id, logical_entity_id, version, is_active, source, source_confidence,
           source_resume_version_id, name, role, url, start_date, end_date, date_text, is_current, description,
           start_on, start_precision, end_on, end_precision)
    SELECT n.id, v_user, n.logical, n.version, true, 'upload', n.conf, p_resume_version_id, n.name, n.role, n.url,
           n.start_date, n.end_date, n.date_text, n.is_current, n.description, n.start_on, n.start_prec, n.end_on,
           n.end_prec
      FROM pg_catalog.jsonb_to_recordset(v_new_all) AS n(t text, id uuid, logical uuid, version integer,
             conf double precision, start_on date, start_prec text, end_on date, end_prec text, name text,
             role text, url text, start_date text, end_date text, date_text text, is_current boolean,
             description text)
     WHERE n.t = 'project';
  END IF;
  IF v_new_all @> '[{"t": "certification"}]' THEN
    INSERT INTO public.certification AS t (id, user_id, logical_entity_id, version, is_active, source,
           source_confidence, source_resume_version_id, name, issuer, issued_date, issued_on, issued_precision)
    SELECT n.id, v_user, n.logical, n.version, true, 'upload', n.conf, p_resume_version_id, n.name, n.issuer,
           n.issued_date, n.start_on, n.start_prec
      FROM pg_catalog.jsonb_to_recordset(v_new_all) AS n(t text, id uuid, logical uuid, version integer,
             conf double precision, start_on date, start_prec text, name text, issuer text, issued_date text)
     WHERE n.t = 'certification';
  END IF;

  INSERT INTO public.merge_decisions (user_id, resume_version_id, parsed_entity_id, source_path, entity_type,
                                      decision, logical_entity_id, entity_id, previous_entity_id,
                                      previous_version, new_version, match_key, reason, details)
  SELECT v_user, p_resume_version_id, d.parsed_entity_id, d.source_path, d.entity_type, d.decision,
         d.logical_entity_id, d.entity_id, d.previous_entity_id, d.previous_version, d.new_version,
         d.match_key, d.reason, d.details
    FROM pg_catalog.jsonb_to_recordset(pg_catalog.to_jsonb(v_decisions)) AS d(parsed_entity_id uuid, source_path text, entity_type text,
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

COMMENT ON FUNCTION public.merge_resume_version(uuid) IS
  'Complete stage: merge a version''s parsed entries into the user''s versioned entities. Idempotent. Returns {inserted,new_version,unchanged,skipped,links,already_merged}.';

REVOKE ALL ON FUNCTION public.merge_resume_version(uuid) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.merge_resume_version(uuid) TO careeros_worker, service_role;
