-- The complete stage's merge: folds one resume version's parsed entries
-- (parsed_resume_entities rows "work_experience.0", "education.1", ... whose
-- raw_value is the entry as a JSON object, DESIGN.md) into the user's
-- versioned entities, links names to normalized_entities and records every
-- decision in merge_decisions, with the rule that made it.  The profile is
-- the user's (DESIGN.md invariant 7, README "Merging resumes into the
-- profile"):
--
--  * an entry is looked up among all the user's versions of its kind,
--    history included, by keys that ignore spelling (merge_entity_keys:
--    company_key, title_key, degree_key, skill_key, issuer_key); within one
--    company a title whose trigram similarity reaches 0.5 is the same job;
--    a job matches only when the starts lie within a year (merge_find_entity);
--  * what the user retired (no active version left) or deleted (a
--    tombstone) is not written again; what the user renamed is found
--    through its history, and the profile's spelling of names stays;
--  * a resume only replaces values that a resume wrote: when the active
--    version is the user's (manual, interview) the merge records a proposal;
--  * fields a resume lacks never erase a value: a new version is the active
--    one with the resume's non-null values laid over it (an end date only
--    when the resume gives one or says "current");
--  * entries whose confidence is below 0.6 are proposed, never written;
--  * a proposal the user has open or dismissed is not made again;
--  * entities absent from this resume stay active (a resume is a selection);
--  * two entries of one resume never collapse onto the same entity; an
--    entry that repeats an earlier one (same key, starts within a year) is
--    skipped as a duplicate;
--  * idempotent: decisions are unique per (resume version, entry path) and a
--    version that has decisions is not merged again; the second call returns
--    the first call's summary with "already_merged": true.
-- SECURITY INVOKER: runs with the caller's rights (careeros_worker or
-- service_role); RLS and column privileges bound what it can touch.

-- One decision per entry, each with the rule that made it:
--   invalid_entry    skipped     the entry is unusable (reason says why)
--   duplicate_entry  skipped     an earlier entry of this resume is the same
--   removed_by_user  suppressed  the user retired or deleted this entity
--   same_values      unchanged   the resume adds nothing to the entity
--   already_proposed unchanged   the same proposal is open or was dismissed
--   manual_wins      proposed    the entity's active version is the user's
--   low_confidence   proposed    the entry's confidence is below 0.6
--   resume_update    new_version the active version came from a resume
--   new_entity       inserted    nothing of the user's matches
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
  -- entries less certain than this are proposed, not merged
  c_min_confidence constant double precision := 0.6;
  -- two entries of one resume with one key are one entity if their starts
  -- are at most this many days apart (or one is unknown), as in
  -- merge_find_entity
  c_start_days constant integer := 366;
  v_user uuid;
  r record;
  pd record;      -- a parsed partial date
  e jsonb;        -- the entry as parsed
  x jsonb;        -- the entry with every value trimmed, blanks as null
  c jsonb;        -- content columns as the resume gives them
  dt jsonb;       -- the entry's date columns (text and normalised), when it gives dates
  v_dt jsonb;     -- those of them that the entry gives
  g jsonb;        -- what the resume says about a matched entity: its non-null values
  v_changed text[];
  v_ident text[]; -- columns that name the entity: the profile's spelling stays
  v_k text;
  v_tombstones boolean; -- the user has any (most have none: no lookup then)
  v_old jsonb;    -- the matched entity's active version
  v_hit jsonb;    -- the version (perhaps inactive) that matched
  v_how text;     -- how it matched: key, similar_title, history, tombstone
  v_sim double precision;
  v_table text;
  v_gkey text;    -- first part of the key (company, institution, name)
  v_nkey text;    -- second part (title, degree, issuer), '' when absent
  v_key text;
  v_norm text;    -- the normalised name to link, if the section links one
  v_leaf text;    -- the field holding that name
  v_reason text;
  v_rule text;
  v_dropped jsonb;
  v_touched uuid[] := '{}';
  -- this resume's entries so far: key, start, path, logical entity
  v_seen_key text[] := '{}';
  v_seen_start date[] := '{}';
  v_seen_path text[] := '{}';
  v_seen_logical uuid[] := '{}';
  v_dup text;     -- the path of the earlier entry this one repeats
  v_prev_id uuid; -- the same proposal made before, and its status
  v_prev_status text;
  v_logical uuid;
  v_version integer;
  v_new_id uuid;
  v_decision text;
  v_proposal jsonb;
  v_start_on date;
  v_start_prec text;
  v_end_on date;
  v_end_prec text;
  v_current boolean;
  v_dates_given boolean;
  v_text text;
  v_num numeric;
  -- arrays, appended in place (a jsonb array is copied whole by each ||)
  v_decisions jsonb[] := '{}';
  v_new jsonb[] := '{}';  -- the versions to insert, keyed by column name, plus t
  v_new_all jsonb;
  v_link_entry uuid[] := '{}';
  v_link_leaf text[] := '{}';
  v_link_norm text[] := '{}';
  v_link_types text[] := '{}';
  n_inserted integer := 0;
  n_new_version integer := 0;
  n_unchanged integer := 0;
  n_skipped integer := 0;
  n_proposed integer := 0;
  n_suppressed integer := 0;
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
        'proposed', count(*) FILTER (WHERE md.decision = 'proposed'),
        'suppressed', count(*) FILTER (WHERE md.decision = 'suppressed'),
        'links', (SELECT count(*) FROM public.resume_entity_links l WHERE l.resume_version_id = p_resume_version_id))
      FROM public.merge_decisions md WHERE md.resume_version_id = p_resume_version_id);
  END IF;

  v_tombstones := EXISTS (SELECT 1 FROM public.merge_tombstones tb WHERE tb.user_id = v_user);

  -- The entry rows ("skills.3"), each with its values trimmed, blanks as
  -- null (x).
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
    v_gkey := NULL;
    v_nkey := '';
    v_norm := NULL;
    v_ident := '{}';
    dt := '{}'::jsonb;
    e := r.entry;
    v_current := false;
    v_dates_given := false;
    v_start_on := NULL; v_start_prec := NULL; v_end_on := NULL; v_end_prec := NULL;

    IF e IS NULL OR pg_catalog.jsonb_typeof(e) <> 'object' THEN
      v_reason := 'entry_not_a_json_object';
    ELSE
      x := r.x;
      -- Dates: text kept as given, normalised columns derived here.  They
      -- count as given when any of them is there; then they replace the
      -- entity's dates as a whole.
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
        v_dates_given := v_current OR x ->> 'start_date' IS NOT NULL OR x ->> 'end_date' IS NOT NULL
                         OR x ->> 'date_text' IS NOT NULL;
        dt := pg_catalog.jsonb_build_object(
          'start_date', x -> 'start_date', 'end_date', x -> 'end_date', 'date_text', x -> 'date_text',
          'is_current', v_current, 'start_on', v_start_on, 'start_precision', v_start_prec,
          'end_on', v_end_on, 'end_precision', v_end_prec);
      END IF;

      CASE r.section
      WHEN 'work_experience' THEN
        c := pg_catalog.jsonb_build_object(
          'company', x -> 'company', 'title', x -> 'title', 'location', x -> 'location',
          'description', x -> 'description');
        IF c ->> 'company' IS NULL OR c ->> 'title' IS NULL THEN
          v_reason := 'company_and_title_required';
        END IF;
        v_norm := public.normalize_name(c ->> 'company');
        v_leaf := 'company';
        SELECT k.gkey, k.nkey INTO v_gkey, v_nkey FROM public.merge_entity_keys(v_table, c ->> 'company', c ->> 'title') k;
        v_ident := '{company,title}';
      WHEN 'education' THEN
        c := pg_catalog.jsonb_build_object(
          'institution', x -> 'institution', 'degree', x -> 'degree', 'field_of_study', x -> 'field_of_study',
          'gpa', x -> 'gpa');
        IF c ->> 'institution' IS NULL THEN
          v_reason := 'institution_required';
        END IF;
        v_norm := public.normalize_name(c ->> 'institution');
        v_leaf := 'institution';
        SELECT k.gkey, k.nkey INTO v_gkey, v_nkey FROM public.merge_entity_keys(v_table, c ->> 'institution', c ->> 'degree') k;
        v_ident := '{institution,degree}';
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
        SELECT k.gkey, k.nkey INTO v_gkey, v_nkey FROM public.merge_entity_keys(v_table, c ->> 'name', NULL) k;
        v_ident := '{name}';
      WHEN 'projects' THEN
        c := pg_catalog.jsonb_build_object(
          'name', x -> 'name', 'role', x -> 'role', 'url', x -> 'url', 'description', x -> 'description');
        IF c ->> 'name' IS NULL THEN
          v_reason := 'name_required';
        END IF;
        SELECT k.gkey, k.nkey INTO v_gkey, v_nkey FROM public.merge_entity_keys(v_table, c ->> 'name', NULL) k;
        v_ident := '{name}';
      ELSE
        c := pg_catalog.jsonb_build_object('name', x -> 'name', 'issuer', x -> 'issuer');
        IF x ->> 'date' IS NOT NULL THEN
          pd := public.parse_partial_date(x ->> 'date');
          v_dates_given := true;
          dt := pg_catalog.jsonb_build_object('issued_date', x -> 'date', 'issued_on', pd.on_date,
                                              'issued_precision', pd.date_precision);
        ELSE
          dt := '{"issued_date": null, "issued_on": null, "issued_precision": null}';
        END IF;
        IF c ->> 'name' IS NULL THEN
          v_reason := 'name_required';
        END IF;
        v_norm := public.normalize_name(c ->> 'name');
        v_leaf := 'name';
        SELECT k.gkey, k.nkey INTO v_gkey, v_nkey FROM public.merge_entity_keys(v_table, c ->> 'name', c ->> 'issuer') k;
        v_ident := '{name,issuer}';
      END CASE;
      v_key := public.merge_join_key(v_table, v_gkey, v_nkey);
      IF v_reason IS NULL AND v_key IS NULL THEN
        v_reason := 'name_has_no_letters_or_digits';
      END IF;
    END IF;

    v_logical := NULL;
    v_new_id := NULL;
    v_old := NULL;
    v_hit := NULL;
    v_how := NULL;
    v_sim := NULL;
    v_proposal := NULL;
    v_changed := NULL;
    v_dup := NULL;
    v_prev_id := NULL;
    v_prev_status := NULL;
    IF v_reason IS NULL THEN
      -- An entry that repeats an earlier one of this resume (the same key,
      -- starts at most a year apart) is not a second entity.
      FOR i IN 1 .. coalesce(pg_catalog.array_length(v_seen_key, 1), 0) LOOP
        IF v_seen_key[i] = v_table || ':' || v_key
           AND (v_seen_start[i] IS NULL OR v_start_on IS NULL OR abs(v_seen_start[i] - v_start_on) <= c_start_days) THEN
          v_dup := v_seen_path[i];
          v_logical := v_seen_logical[i];
          EXIT;
        END IF;
      END LOOP;
    END IF;
    IF v_reason IS NULL AND v_dup IS NULL THEN
      v_seen_key := v_seen_key || (v_table || ':' || v_key);
      v_seen_start := v_seen_start || v_start_on;
      v_seen_path := v_seen_path || r.field_name;
    END IF;

    IF v_reason IS NOT NULL THEN
      v_decision := 'skipped';
      v_rule := 'invalid_entry';
      n_skipped := n_skipped + 1;
    ELSIF v_dup IS NOT NULL THEN
      v_decision := 'skipped';
      v_rule := 'duplicate_entry';
      v_reason := 'duplicate_entry';
      n_skipped := n_skipped + 1;
    ELSE
      -- The user's entity (merge_find_entity: history included, no logical
      -- entity an earlier entry of this resume took, then the tombstones).
      SELECT f.hit, f.how, f.sim, f.logical INTO v_hit, v_how, v_sim, v_logical
        FROM public.merge_find_entity(v_user, v_table, v_gkey, v_nkey, v_start_on, v_touched, v_tombstones) f;
      IF v_hit IS NOT NULL THEN
        IF (v_hit ->> 'is_active')::boolean THEN
          v_old := v_hit;
        ELSE
          -- an old version matched: renamed (another version is active) or
          -- retired (none is)
          v_how := 'history';
          v_old := public.active_entity_version(v_table, v_logical);
        END IF;
      ELSIF v_how = 'tombstone' AND v_logical IS NOT NULL THEN
        v_old := public.active_entity_version(v_table, v_logical);
        -- users write their own tombstones: one that names another user's
        -- entity says only that the key is deleted (never compare with,
        -- copy or reveal that entity)
        IF (v_old ->> 'user_id')::uuid <> v_user THEN
          v_old := NULL;
          v_logical := NULL;
        END IF;
      END IF;

      IF v_how IN ('history', 'tombstone') AND v_old IS NULL THEN
        v_decision := 'suppressed';
        v_rule := 'removed_by_user';
        n_suppressed := n_suppressed + 1;
      ELSIF v_old IS NULL THEN
        -- a new entity
        v_logical := pg_catalog.gen_random_uuid();
        g := c || dt;
        IF r.confidence_score < c_min_confidence THEN
          v_decision := 'proposed';
          v_rule := 'low_confidence';
          v_logical := NULL;
          v_proposal := pg_catalog.jsonb_strip_nulls(g);
          n_proposed := n_proposed + 1;
        ELSE
          v_decision := 'inserted';
          v_rule := 'new_entity';
          v_version := 1;
          n_inserted := n_inserted + 1;
        END IF;
      ELSE
        -- What the resume says about the entity: its non-null values, its
        -- dates only if it gives any, the names only where the profile has
        -- none (the profile's spelling stays).
        v_logical := (v_old ->> 'logical_entity_id')::uuid;
        g := pg_catalog.jsonb_strip_nulls(c);
        IF v_dates_given THEN
          -- the dates it gives: a start, an end or "current", the printed
          -- text; what it leaves out stays (a range "2015 -" does not erase
          -- the profile's end), unless the range would then end before it
          -- starts: then the entry's dates replace the entity's as a whole
          g := g || dt;
          IF r.section <> 'certifications' THEN
            v_dt := dt;
            IF x ->> 'start_date' IS NULL THEN
              v_dt := v_dt - '{start_date,start_on,start_precision}'::text[];
            END IF;
            IF x ->> 'end_date' IS NULL AND NOT v_current THEN
              v_dt := v_dt - '{end_date,end_on,end_precision,is_current}'::text[];
            END IF;
            IF x ->> 'date_text' IS NULL THEN
              v_dt := v_dt - 'date_text';
            END IF;
            IF NOT (((v_old || v_dt) ->> 'end_on')::date < ((v_old || v_dt) ->> 'start_on')::date) THEN
              g := (g - '{start_date,start_on,start_precision,end_date,end_on,end_precision,is_current,date_text}'::text[])
                   || v_dt;
            END IF;
          END IF;
        END IF;
        FOREACH v_k IN ARRAY v_ident LOOP
          IF v_old ->> v_k IS NOT NULL THEN
            g := g - v_k;
          END IF;
        END LOOP;
        SELECT pg_catalog.array_agg(k.key ORDER BY k.key) INTO v_changed
          FROM pg_catalog.jsonb_each(g) k WHERE (v_old -> k.key) IS DISTINCT FROM k.value;
        IF v_changed IS NULL THEN
          v_decision := 'unchanged';
          v_rule := 'same_values';
          v_new_id := (v_old ->> 'id')::uuid;
          v_version := (v_old ->> 'version')::integer;
          n_unchanged := n_unchanged + 1;
        ELSIF v_old ->> 'source' <> 'upload' OR r.confidence_score < c_min_confidence THEN
          v_decision := 'proposed';
          v_rule := CASE WHEN v_old ->> 'source' <> 'upload' THEN 'manual_wins' ELSE 'low_confidence' END;
          v_proposal := g;
          n_proposed := n_proposed + 1;
        ELSE
          v_decision := 'new_version';
          v_rule := 'resume_update';
          v_version := public.next_entity_version(v_table, v_logical);
          n_new_version := n_new_version + 1;
        END IF;
      END IF;

      IF v_decision = 'proposed' THEN
        -- the user has this very proposal open, or dismissed it: not again
        SELECT md.id, md.proposal_status INTO v_prev_id, v_prev_status FROM public.merge_decisions md
         WHERE md.user_id = v_user AND md.entity_type = v_table AND md.decision = 'proposed'
           AND md.proposal_status IN ('open', 'dismissed')
           AND CASE WHEN v_logical IS NULL THEN md.logical_entity_id IS NULL AND md.match_key = v_key
                    ELSE md.logical_entity_id = v_logical END
           AND md.proposal - 'source_confidence' = v_proposal
         ORDER BY md.created_at DESC
         LIMIT 1;
        IF FOUND THEN
          v_decision := 'unchanged';
          v_rule := 'already_proposed';
          v_proposal := NULL;
          n_proposed := n_proposed - 1;
          n_unchanged := n_unchanged + 1;
        END IF;
      END IF;

      IF v_decision IN ('inserted', 'new_version') THEN
        -- written after the loop, one statement per table
        v_new_id := pg_catalog.gen_random_uuid();
        v_new := pg_catalog.array_append(v_new,
          CASE WHEN v_decision = 'new_version' THEN v_old || g ELSE c || dt END
          || pg_catalog.jsonb_build_object('t', v_table, 'id', v_new_id, 'logical_entity_id', v_logical,
                                           'version', v_version, 'source_confidence', r.confidence_score));
      END IF;
      IF v_logical IS NOT NULL THEN
        v_touched := v_touched || v_logical;
      END IF;
      v_seen_logical := v_seen_logical || v_logical;
    END IF;

    v_decisions := pg_catalog.array_append(v_decisions, pg_catalog.jsonb_build_object(
      'parsed_entity_id', r.id, 'source_path', r.field_name, 'entity_type', v_table, 'decision', v_decision,
      'rule', v_rule, 'logical_entity_id', v_logical, 'entity_id', v_new_id,
      'previous_entity_id', CASE WHEN v_decision IN ('new_version', 'proposed') THEN v_old ->> 'id' END,
      'previous_version', v_old -> 'version',
      'new_version', CASE WHEN v_decision IN ('inserted', 'new_version') THEN v_version END,
      'match_key', v_key, 'reason', v_reason,
      'proposal', CASE WHEN v_proposal IS NOT NULL THEN
                    v_proposal || pg_catalog.jsonb_build_object('source_confidence', r.confidence_score) END,
      'proposal_status', CASE WHEN v_proposal IS NOT NULL THEN 'open' END,
      'details', pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
                   'dropped', CASE WHEN v_dropped <> '{}'::jsonb THEN v_dropped END, 'duplicate_of', v_dup,
                   'proposed_before', CASE WHEN v_rule = 'already_proposed' THEN v_prev_id END,
                   'proposal_status', CASE WHEN v_rule = 'already_proposed' THEN v_prev_status END,
                   'matched_by', v_how, 'title_similarity', CASE WHEN v_how = 'similar_title' THEN v_sim END,
                   'matched_version', CASE WHEN v_how = 'history' THEN v_hit -> 'version' END,
                   'active_source', v_old -> 'source', 'changed', pg_catalog.to_jsonb(v_changed),
                   'confidence', CASE WHEN r.confidence_score < c_min_confidence THEN r.confidence_score END))));
    -- names to link to the shared knowledge base
    IF v_reason IS NULL AND v_norm IS NOT NULL THEN
      v_link_entry := v_link_entry || r.id;
      v_link_leaf := v_link_leaf || (r.field_name || '.' || v_leaf);
      v_link_norm := v_link_norm || v_norm;
      v_link_types := v_link_types || CASE r.section WHEN 'work_experience' THEN 'company' WHEN 'education' THEN 'university'
                                                     WHEN 'skills' THEN 'skill technology' ELSE 'certification' END;
    END IF;
  END LOOP;

  -- The new versions, a statement per table.  A new version carries every
  -- column of the one it replaces that the resume did not give.  Nothing
  -- above reads them back: an entry never matches an entity this resume
  -- already touched.
  v_new_all := pg_catalog.to_jsonb(v_new);
  IF v_new_all @> '[{"t": "work_experience"}]' THEN
    INSERT INTO public.work_experience AS t (id, user_id, logical_entity_id, version, is_active, source,
           source_confidence, source_resume_version_id, company, title, location, start_date, end_date, date_text,
           is_current, description, start_on, start_precision, end_on, end_precision)
    SELECT n.id, v_user, n.logical_entity_id, n.version, true, 'upload', n.source_confidence, p_resume_version_id,
           n.company, n.title, n.location, n.start_date, n.end_date, n.date_text, coalesce(n.is_current, false),
           n.description, n.start_on, n.start_precision, n.end_on, n.end_precision
      FROM pg_catalog.jsonb_to_recordset(v_new_all) AS n(t text, id uuid, logical_entity_id uuid, version integer,
             source_confidence double precision, company text, title text, location text, start_date text,
             end_date text, date_text text, is_current boolean, description text, start_on date,
             start_precision text, end_on date, end_precision text)
     WHERE n.t = 'work_experience';
  END IF;
  IF v_new_all @> '[{"t": "education"}]' THEN
    INSERT INTO public.education AS t (id, user_id, logical_entity_id, version, is_active, source,
           source_confidence, source_resume_version_id, institution, degree, field_of_study, location, start_date,
           end_date, date_text, is_current, gpa, description, start_on, start_precision, end_on, end_precision)
    SELECT n.id, v_user, n.logical_entity_id, n.version, true, 'upload', n.source_confidence, p_resume_version_id,
           n.institution, n.degree, n.field_of_study, n.location, n.start_date, n.end_date, n.date_text,
           coalesce(n.is_current, false), n.gpa, n.description, n.start_on, n.start_precision, n.end_on,
           n.end_precision
      FROM pg_catalog.jsonb_to_recordset(v_new_all) AS n(t text, id uuid, logical_entity_id uuid, version integer,
             source_confidence double precision, institution text, degree text, field_of_study text, location text,
             start_date text, end_date text, date_text text, is_current boolean, gpa text, description text,
             start_on date, start_precision text, end_on date, end_precision text)
     WHERE n.t = 'education';
  END IF;
  IF v_new_all @> '[{"t": "skill"}]' THEN
    INSERT INTO public.skill AS t (id, user_id, logical_entity_id, version, is_active, source, source_confidence,
           source_resume_version_id, name, category, proficiency_level, years_of_experience, narrative_context)
    SELECT n.id, v_user, n.logical_entity_id, n.version, true, 'upload', n.source_confidence, p_resume_version_id,
           n.name, n.category, n.proficiency_level, n.years_of_experience, n.narrative_context
      FROM pg_catalog.jsonb_to_recordset(v_new_all) AS n(t text, id uuid, logical_entity_id uuid, version integer,
             source_confidence double precision, name text, category text, proficiency_level text,
             years_of_experience integer, narrative_context text)
     WHERE n.t = 'skill';
  END IF;
  IF v_new_all @> '[{"t": "project"}]' THEN
    INSERT INTO public.project AS t (id, user_id, logical_entity_id, version, is_active, source, source_confidence,
           source_resume_version_id, name, role, url, start_date, end_date, date_text, is_current, description,
           start_on, start_precision, end_on, end_precision)
    SELECT n.id, v_user, n.logical_entity_id, n.version, true, 'upload', n.source_confidence, p_resume_version_id,
           n.name, n.role, n.url, n.start_date, n.end_date, n.date_text, coalesce(n.is_current, false),
           n.description, n.start_on, n.start_precision, n.end_on, n.end_precision
      FROM pg_catalog.jsonb_to_recordset(v_new_all) AS n(t text, id uuid, logical_entity_id uuid, version integer,
             source_confidence double precision, name text, role text, url text, start_date text, end_date text,
             date_text text, is_current boolean, description text, start_on date, start_precision text,
             end_on date, end_precision text)
     WHERE n.t = 'project';
  END IF;
  IF v_new_all @> '[{"t": "certification"}]' THEN
    INSERT INTO public.certification AS t (id, user_id, logical_entity_id, version, is_active, source,
           source_confidence, source_resume_version_id, name, issuer, issued_date, issued_on, issued_precision,
           expires_date, expires_on, expires_precision, credential_id, credential_url)
    SELECT n.id, v_user, n.logical_entity_id, n.version, true, 'upload', n.source_confidence, p_resume_version_id,
           n.name, n.issuer, n.issued_date, n.issued_on, n.issued_precision, n.expires_date, n.expires_on,
           n.expires_precision, n.credential_id, n.credential_url
      FROM pg_catalog.jsonb_to_recordset(v_new_all) AS n(t text, id uuid, logical_entity_id uuid, version integer,
             source_confidence double precision, name text, issuer text, issued_date text, issued_on date,
             issued_precision text, expires_date text, expires_on date, expires_precision text,
             credential_id text, credential_url text)
     WHERE n.t = 'certification';
  END IF;

  INSERT INTO public.merge_decisions (user_id, resume_version_id, parsed_entity_id, source_path, entity_type,
                                      decision, rule, logical_entity_id, entity_id, previous_entity_id,
                                      previous_version, new_version, match_key, reason, proposal, proposal_status,
                                      details)
  SELECT v_user, p_resume_version_id, d.parsed_entity_id, d.source_path, d.entity_type, d.decision, d.rule,
         d.logical_entity_id, d.entity_id, d.previous_entity_id, d.previous_version, d.new_version,
         d.match_key, d.reason, d.proposal, d.proposal_status, d.details
    FROM pg_catalog.jsonb_to_recordset(pg_catalog.to_jsonb(v_decisions)) AS d(parsed_entity_id uuid,
           source_path text, entity_type text, decision text, rule text, logical_entity_id uuid, entity_id uuid,
           previous_entity_id uuid, previous_version integer, new_version integer, match_key text, reason text,
           proposal jsonb, proposal_status text, details jsonb)
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
    'proposed', n_proposed, 'suppressed', n_suppressed, 'links', n_links);
END
$$;

COMMENT ON FUNCTION public.merge_resume_version(uuid) IS
  'Complete stage: merge a version''s parsed entries into the user''s versioned entities (manual values win, removed entities stay removed, low-confidence entries are proposed). Idempotent. Returns {inserted,new_version,unchanged,skipped,proposed,suppressed,links,already_merged}.';

REVOKE ALL ON FUNCTION public.merge_resume_version(uuid) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.merge_resume_version(uuid) TO careeros_worker, service_role;
