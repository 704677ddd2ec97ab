-- Structure: tables, keys, columns the other components rely on, indexes
-- on foreign keys, RLS everywhere, roles and function hygiene.
BEGIN;
SELECT plan(106);

SELECT has_table('public', t, 'table public.' || t || ' exists')
  FROM unnest(ARRAY['profiles', 'career_profile', 'user_sessions', 'resume_streams', 'resume_versions',
                    'resume_version_texts', 'parsed_resume_entities', 'entry_enrichment', 'career_enrichment',
                    'career_narratives', 'normalized_entities', 'resume_entity_links', 'merge_decisions',
                    'work_experience', 'education', 'skill', 'project', 'certification', 'interview_sessions',
                    'interview_contexts', 'interview_transcripts', 'security_audit_log',
                    'monitoring_column_stats']) t;                                                     -- 23

SELECT is((SELECT count(*)::int FROM pg_class c
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
              AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)),
          0, 'every table in public has a primary key');
SELECT is((SELECT count(*)::int FROM pg_class c
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relrowsecurity),
          0, 'RLS is enabled on every table in public (partitions included)');
SELECT is((SELECT count(*)::int FROM pg_constraint ct
            WHERE ct.contype = 'f' AND ct.connamespace = 'public'::regnamespace
              AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = ct.conrelid AND i.indpred IS NULL
                                AND (string_to_array(i.indkey::text, ' ')::smallint[])[1:cardinality(ct.conkey)] = ct.conkey)),
          0, 'every foreign key has an index whose leading columns are its columns');
SELECT is((SELECT array_agg(c.relname::text ORDER BY c.relname) FROM pg_class c
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'user_id' AND NOT a.attisdropped
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
              AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indpred IS NULL
                                AND i.indkey[0] = a.attnum)),
          NULL, 'every user_id that policies filter on leads an index');
SELECT is((SELECT count(*)::int FROM pg_constraint ct
            WHERE ct.contype = 'c' AND ct.connamespace = 'public'::regnamespace AND ct.conname ~ '_check\d*$'
              AND ct.conname ~ '^\w+_\w+_check[0-9]+$'),
          0, 'no anonymous (auto-numbered) CHECK constraints');

-- resume_versions: the queue contract
SELECT col_type_is('public', 'resume_versions', c, ty, 'resume_versions.' || c || ' is ' || ty)
  FROM (VALUES ('user_id', 'uuid'), ('priority', 'smallint'), ('attempts', 'integer'), ('max_attempts', 'integer'),
               ('run_after', 'timestamp with time zone'), ('locked_by', 'text'), ('lease_token', 'uuid'),
               ('lease_expires_at', 'timestamp with time zone'), ('processing_status', 'text'),
               ('current_stage', 'text'), ('processing_progress', 'integer'), ('processing_stages', 'jsonb'),
               ('processing_errors', 'jsonb'), ('processing_telemetry', 'jsonb')) v(c, ty);           -- 14
SELECT col_not_null('public', 'resume_versions', c, 'resume_versions.' || c || ' is NOT NULL')
  FROM unnest(ARRAY['user_id', 'priority', 'attempts', 'max_attempts', 'run_after']) c;                -- 5
SELECT col_default_is('public', 'resume_versions', 'max_attempts', '5', 'max_attempts defaults to 5');
SELECT ok((SELECT 'fillfactor=70' = ANY (reloptions) FROM pg_class WHERE oid = 'public.resume_versions'::regclass),
  'resume_versions leaves room for HOT updates (fillfactor 70)');
CREATE FUNCTION pg_temp.server_has_lz4() RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('default_toast_compression', 'lz4', true);
  PERFORM set_config('default_toast_compression', 'pglz', true);
  RETURN true;
EXCEPTION WHEN invalid_parameter_value THEN
  RETURN false;
END
$$;
SELECT is((SELECT string_agg(attname || '=' || attcompression::text, ', ' ORDER BY attname)
             FROM pg_attribute WHERE attrelid = 'public.resume_versions'::regclass
              AND attname IN ('processing_telemetry', 'processing_stages')),
          CASE WHEN pg_temp.server_has_lz4() THEN 'processing_stages=l, processing_telemetry=l'
               ELSE 'processing_stages=, processing_telemetry=' END,
          'the columns every stage commit rewrites are compressed with lz4 where the server has it');
SELECT col_default_is('public', 'resume_versions', 'processing_status', 'pending'::text, 'status defaults to pending');

-- resume_version_texts: the extractor's contract
SELECT columns_are('public', 'resume_version_texts',
  ARRAY['resume_version_id', 'user_id', 'content', 'char_count', 'page_count', 'extractor', 'extractor_version',
        'detected_mime', 'created_at'], 'resume_version_texts has the agreed columns');
SELECT col_is_pk('public', 'resume_version_texts', 'resume_version_id', 'resume_version_texts keyed by version');

-- idempotency uniques
SELECT col_is_unique('public', 'parsed_resume_entities', ARRAY['resume_version_id', 'field_name'],
  'one parsed row per (resume_version_id, field_name)');
SELECT col_is_unique('public', 'entry_enrichment', ARRAY['parsed_entity_id'], 'one entry_enrichment per parsed entity');
SELECT col_is_unique('public', 'career_enrichment', ARRAY['resume_version_id'], 'one career_enrichment per version');
SELECT col_is_unique('public', 'career_narratives', ARRAY['resume_version_id', 'narrative_type'],
  'one narrative per (version, narrative_type)');

-- versioned entities
SELECT col_is_unique('public', t, ARRAY['logical_entity_id', 'version'], t || ': UNIQUE (logical_entity_id, version)')
  FROM unnest(ARRAY['work_experience', 'education', 'skill', 'project', 'certification']) t;            -- 5
SELECT ok(EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = 'public' AND tablename = t
                   AND indexname = t || '_one_active_version' AND indexdef ~ 'UNIQUE' AND indexdef ~ 'WHERE is_active'),
          t || ': partial unique index allows one active version')
  FROM unnest(ARRAY['work_experience', 'education', 'skill', 'project', 'certification']) t;            -- 5
SELECT has_column('public', t, c, t || '.' || c || ' (normalised date) exists')
  FROM unnest(ARRAY['work_experience', 'education', 'project']) t,
       unnest(ARRAY['start_on', 'start_precision', 'end_on', 'is_current']) c;                        -- 12

-- partitions
SELECT is((SELECT c.relkind::text FROM pg_class c WHERE c.oid = 'public.interview_transcripts'::regclass), 'p',
  'interview_transcripts is partitioned');
SELECT ok((SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.interview_transcripts'::regclass) >= 13,
  'interview_transcripts has monthly partitions and a default');

-- roles
SELECT ok((SELECT rolbypassrls FROM pg_roles WHERE rolname = 'service_role'), 'service_role bypasses RLS');
SELECT ok((SELECT rolcanlogin AND NOT rolsuper AND NOT rolbypassrls AND NOT rolcreaterole AND NOT rolcreatedb
             FROM pg_roles WHERE rolname = 'careeros_worker'), 'careeros_worker: login, no superuser/bypassrls/createrole/createdb');
SELECT is((SELECT count(*)::int FROM pg_class WHERE relowner = 'careeros_worker'::regrole), 0, 'careeros_worker owns nothing');
SELECT ok(NOT rolsuper AND NOT rolbypassrls, r || ' does not bypass RLS')
  FROM pg_roles, unnest(ARRAY['anon', 'authenticated']) r WHERE rolname = r;                             -- 2

-- functions
SELECT is((SELECT count(*)::int FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
            AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
            AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false)),
          0, 'every function in public runs with search_path = pg_catalog, pg_temp');
SELECT is((SELECT count(*)::int FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
            AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
            AND (has_function_privilege('anon', p.oid, 'EXECUTE')
                 OR has_function_privilege('public', p.oid, 'EXECUTE'))),
          0, 'no function in public is executable by anon or PUBLIC');
SELECT is((SELECT array_agg(proname::text ORDER BY proname) FROM pg_proc p
            WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')),
          ARRAY['refresh_performance_monitoring', 'refresh_user_career_stats'],
          'SECURITY DEFINER only for the two stats refreshes (entity owners are a foreign key)');
SELECT ok(NOT has_function_privilege('authenticated', f, 'EXECUTE'), 'authenticated cannot execute ' || f)
  FROM unnest(ARRAY['public.refresh_performance_monitoring()', 'public.refresh_user_career_stats()',
                    'public.tg_versioned_entity_register()', 'public.tg_work_experience_supersede()',
                    'public.tg_education_supersede()', 'public.tg_skill_supersede()',
                    'public.tg_certification_supersede()']) f;               -- 7
SELECT ok(has_function_privilege('careeros_worker', 'public.merge_resume_version(uuid)', 'EXECUTE'),
  'careeros_worker can execute merge_resume_version');
SELECT function_returns('public', 'merge_resume_version', ARRAY['uuid'], 'jsonb', 'merge_resume_version(uuid) returns jsonb');
SELECT function_returns('public', 'resume_version_jsonresume', ARRAY['uuid'], 'jsonb', 'resume_version_jsonresume(uuid) returns jsonb');
SELECT is((SELECT count(*)::int FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
            AND p.prosrc ~* 'raw_user_meta_data|user_metadata'), 0, 'no function reads user metadata');
SELECT ok(coalesce((SELECT 'security_invoker=true' = ANY (reloptions) FROM pg_class WHERE oid = ('public.' || v)::regclass), false),
  v || ' is security_invoker')
  FROM unnest(ARRAY['table_sizes', 'performance_monitoring']) v;                                      -- 2


-- children of parsed_resume_entities reference it through (user_id, id), so
-- they cannot point at another user's entity
SELECT fk_ok('public', t, ARRAY['user_id', 'parsed_entity_id'], 'public', 'parsed_resume_entities', ARRAY['user_id', 'id'],
             t || ' -> parsed_resume_entities is keyed by (user_id, parsed_entity_id)')
  FROM unnest(ARRAY['entry_enrichment', 'resume_entity_links', 'merge_decisions']) t;                  -- 3

-- the review queue of normalized_entities (pending/flagged) is indexed
SET LOCAL enable_seqscan = off;
SELECT ok((SELECT string_agg(l, ' ') FROM tests.explain_lines(
             $q$SELECT id FROM public.normalized_entities WHERE review_status = 'pending' AND entity_type = 'company'$q$) l)
          ~ 'normalized_entities_review_queue_idx', 'pending normalized entities are found through the review-queue index');
RESET enable_seqscan;

SELECT * FROM finish();
ROLLBACK;
