-- EXPLAIN checks: load a few thousand users of generated data, then run a
-- user's complete-profile function and the worker's lookups (including the
-- merge) with auto_explain logging every plan, nested statements included.
-- run.sh reads the plans: no sequential scan on a user-data table allowed.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

INSERT INTO auth.users (id, email, raw_app_meta_data)
SELECT gen_random_uuid(), 'perf' || i || '@example.com', '{}' FROM generate_series(1, 3000) i;
CREATE TEMP TABLE us AS
SELECT id, row_number() OVER (ORDER BY email) AS n FROM auth.users WHERE email LIKE 'perf%@example.com';

INSERT INTO public.resume_streams (user_id, name) SELECT id, 'Main' FROM us;
INSERT INTO public.resume_versions (stream_id, user_id, version_number, file_name, file_path, file_size, file_hash,
                                    mime_type, processing_status, current_stage)
SELECT s.id, s.user_id, k, 'cv.pdf', s.user_id || '/' || k, 1000, md5(s.user_id::text || k), 'application/pdf',
       CASE WHEN k = 2 AND us.n % 20 = 0 THEN 'pending' ELSE 'completed' END,
       CASE WHEN k = 2 AND us.n % 20 = 0 THEN 'upload' ELSE 'complete' END
  FROM public.resume_streams s JOIN us ON us.id = s.user_id, generate_series(1, 2) k;

INSERT INTO public.resume_version_texts (resume_version_id, user_id, content, char_count, page_count, extractor)
SELECT id, user_id, repeat('text ', 200), 1000, 1, 'pdftotext' FROM public.resume_versions;

-- parsed rows: 4 work entries (entry row + 3 leaves), 10 skills, contact
INSERT INTO public.parsed_resume_entities (resume_version_id, user_id, field_name, raw_value, confidence_score, source_type)
SELECT v.id, v.user_id, 'work_experience.' || i,
       jsonb_build_object('company', 'Company ' || ((us.n * 7 + i) % 4000), 'title', 'Engineer ' || i,
                          'start_date', (2010 + i * 3)::text, 'end_date', (2012 + i * 3)::text,
                          'description', 'Did things ' || v.version_number)::text, 0.8, 'heuristic'
  FROM public.resume_versions v JOIN us ON us.id = v.user_id, generate_series(0, 3) i;
INSERT INTO public.parsed_resume_entities (resume_version_id, user_id, field_name, raw_value, confidence_score, source_type)
SELECT p.resume_version_id, p.user_id, p.field_name || '.' || k, p.raw_value::jsonb ->> k, 0.8, 'heuristic'
  FROM public.parsed_resume_entities p, unnest(ARRAY['company', 'title', 'start_date']) k
 WHERE p.field_name ~ '^work_experience\.\d+$';
INSERT INTO public.parsed_resume_entities (resume_version_id, user_id, field_name, raw_value, confidence_score, source_type)
SELECT v.id, v.user_id, 'skills.' || i, jsonb_build_object('name', 'Skill ' || ((i * 13) % 60))::text, 0.8, 'heuristic'
  FROM public.resume_versions v, generate_series(0, 9) i;
INSERT INTO public.parsed_resume_entities (resume_version_id, user_id, field_name, raw_value, confidence_score, source_type)
SELECT v.id, v.user_id, 'contact.' || k, 'value', 0.9, 'heuristic'
  FROM public.resume_versions v, unnest(ARRAY['name', 'email', 'phone', 'location']) k;

INSERT INTO public.entry_enrichment (user_id, resume_version_id, parsed_entity_id, insights, confidence_score)
SELECT user_id, resume_version_id, id, '["x"]', 0.5 FROM public.parsed_resume_entities WHERE field_name ~ '^work_experience\.\d+$';
INSERT INTO public.career_enrichment (user_id, resume_version_id, role_archetype, persona_type, leadership_score,
                                      scope_score, technical_depth_score)
SELECT user_id, id, 'Individual Contributor', 'Builder', 50, 50, 50 FROM public.resume_versions;
INSERT INTO public.career_narratives (user_id, resume_version_id, narrative_type, narrative_text)
SELECT user_id, id, t, 'text' FROM public.resume_versions,
       unnest(ARRAY['career_summary', 'key_strengths', 'growth_trajectory']) t;

INSERT INTO public.normalized_entities (entity_type, canonical_name, aliases)
SELECT 'company', 'Company ' || i, ARRAY['Company ' || i || ' Inc'] FROM generate_series(0, 3999) i;
INSERT INTO public.normalized_entities (entity_type, canonical_name)
SELECT 'skill', 'Skill ' || i FROM generate_series(0, 59) i;

-- versioned entities: 4 roles x 2 versions (one retired), 2 educations, 10 skills, 1 project, 1 certification
INSERT INTO public.work_experience (logical_entity_id, version, is_active, user_id, company, title, start_date, end_date, source)
SELECT md5(us.id::text || i)::uuid, ver, ver = 2, us.id, 'Company ' || i, 'Engineer', (2010 + i * 3)::text,
       CASE WHEN i < 3 THEN (2012 + i * 3)::text END, 'manual'
  FROM us, generate_series(0, 3) i, generate_series(1, 2) ver;
INSERT INTO public.education (user_id, institution, degree, start_date, end_date)
SELECT us.id, 'University ' || i, 'BSc', (2000 + i)::text, (2004 + i)::text FROM us, generate_series(1, 2) i;
INSERT INTO public.skill (user_id, name, proficiency_level) SELECT us.id, 'Skill ' || i, 'advanced' FROM us, generate_series(1, 10) i;
INSERT INTO public.project (user_id, name, start_date) SELECT us.id, 'Project', '2020-05' FROM us;
INSERT INTO public.certification (user_id, name, issuer, issued_date) SELECT us.id, 'Cert', 'Issuer', '2021' FROM us;
-- merge bookkeeping for the first versions, as earlier merges would have left it
INSERT INTO public.merge_decisions (user_id, resume_version_id, parsed_entity_id, source_path, entity_type, decision)
SELECT p.user_id, p.resume_version_id, p.id, p.field_name,
       CASE WHEN p.field_name LIKE 'work%' THEN 'work_experience' ELSE 'skill' END, 'inserted'
  FROM public.parsed_resume_entities p JOIN public.resume_versions v ON v.id = p.resume_version_id
 WHERE v.version_number = 1 AND p.field_name ~ '^(work_experience|skills)\.\d+$';
INSERT INTO public.resume_entity_links (user_id, resume_version_id, parsed_entity_id, normalized_entity_id, match_method, match_score)
SELECT p.user_id, p.resume_version_id, p.id, n.id, 'exact', 1
  FROM public.parsed_resume_entities p JOIN public.resume_versions v ON v.id = p.resume_version_id
  JOIN public.normalized_entities n ON n.entity_type = 'company' AND n.canonical_name = p.raw_value
 WHERE v.version_number = 1 AND p.field_name ~ '^work_experience\.\d+\.company$';
ANALYZE;

SELECT 'ROWS ' || relname || '=' || n_live_tup FROM pg_stat_user_tables
 WHERE relname IN ('resume_versions', 'parsed_resume_entities', 'work_experience', 'skill', 'normalized_entities',
                   'merge_decisions', 'resume_entity_links')
 ORDER BY relname;

CREATE TEMP TABLE pick AS
SELECT (SELECT id FROM us WHERE n = 1500) AS u,
       (SELECT v.id FROM public.resume_versions v JOIN us ON us.id = v.user_id WHERE us.n = 1500 AND v.version_number = 2) AS v,
       (SELECT p.id FROM public.parsed_resume_entities p JOIN public.resume_versions v ON v.id = p.resume_version_id
          JOIN us ON us.id = v.user_id WHERE us.n = 1500 AND p.field_name = 'work_experience.1' AND v.version_number = 2) AS pe;
GRANT SELECT ON pick TO PUBLIC;
\gset
SELECT u AS pick_u, v AS pick_v, pe AS pick_pe FROM pick \gset

-- one misspelt company in the picked version, so that the merge takes the trigram path
INSERT INTO public.parsed_resume_entities (resume_version_id, user_id, field_name, raw_value, source_type)
SELECT v.id, v.user_id, 'work_experience.9', '{"company": "Compnay 1234 Incorporated", "title": "Analyst"}', 'heuristic'
  FROM public.resume_versions v WHERE v.id = :'pick_v';

LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_format = text;
SET client_min_messages = log;

\echo '# section: user complete profile (as the user, RLS on)'
BEGIN;
SELECT set_config('request.jwt.claims', jsonb_build_object('sub', :'pick_u', 'role', 'authenticated')::text, true);
SET LOCAL ROLE authenticated;
SELECT jsonb_array_length(public.get_complete_profile() -> 'work_experience') AS roles;
SELECT public.calculate_profile_completeness(:'pick_u') ->> 'score' AS score;
SELECT count(*) FROM public.resume_versions WHERE user_id = :'pick_u';
-- no filter of the client's own: RLS alone must still lead to an index
SELECT count(*) FROM public.parsed_resume_entities;
SELECT count(*) FROM public.work_experience WHERE is_active;
SELECT count(*) FROM public.merge_decisions;
COMMIT;

\echo '# section: worker lookups (as careeros_worker)'
BEGIN;
SET LOCAL ROLE careeros_worker;
SELECT id, file_path, file_hash, mime_type FROM public.resume_versions WHERE id = :'pick_v';
SELECT length(content) FROM public.resume_version_texts WHERE resume_version_id = :'pick_v';
SELECT count(*) FROM public.parsed_resume_entities WHERE resume_version_id = :'pick_v';
SELECT count(*) FROM public.entry_enrichment WHERE parsed_entity_id = :'pick_pe';
SELECT count(*) FROM public.career_enrichment WHERE resume_version_id = :'pick_v';
SELECT count(*) FROM public.career_narratives WHERE resume_version_id = :'pick_v';
SELECT public.merge_resume_version(:'pick_v');
SELECT public.merge_resume_version(:'pick_v');
COMMIT;
SET client_min_messages = warning;
