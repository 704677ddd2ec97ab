-- careeros_worker: can do its job (read pending versions, write pipeline
-- outputs and upload-sourced entity versions) and no more.
BEGIN;
SELECT plan(42);

CREATE TEMP TABLE w AS
SELECT u1, u2, tests.create_version(u1) AS v1, tests.create_version(u2) AS v2
  FROM (SELECT tests.create_user('w1@example.com') AS u1, tests.create_user('w2@example.com') AS u2) s;
CREATE TEMP TABLE seeded AS SELECT tests.seed_user(u1) AS sv FROM w;
GRANT SELECT ON w TO PUBLIC;

SELECT tests.as_worker();
SELECT is((SELECT count(*)::int FROM public.resume_versions
            WHERE processing_status = 'pending' AND id IN ((SELECT v1 FROM w), (SELECT v2 FROM w))), 2,
  'worker reads pending versions of every user');
SELECT lives_ok($$UPDATE public.resume_versions SET processing_status = 'processing', locked_by = 'w-1',
                   lease_token = gen_random_uuid(), lease_expires_at = now() + interval '30 s', attempts = attempts + 1,
                   current_stage = 'parse', processing_progress = 25
                 WHERE id = (SELECT v1 FROM w)$$, 'worker updates status, stage, progress and lease columns');
SELECT throws_ok($$UPDATE public.resume_versions SET file_path = 'elsewhere' WHERE id = (SELECT v1 FROM w)$$,
  '42501', NULL, 'worker cannot change file_path');
SELECT throws_ok($$UPDATE public.resume_versions SET user_id = (SELECT u2 FROM w) WHERE id = (SELECT v1 FROM w)$$,
  '42501', NULL, 'worker cannot move a version to another user');
SELECT throws_ok($$DELETE FROM public.resume_versions$$, '42501', NULL, 'worker cannot delete versions');
SELECT throws_ok($$INSERT INTO public.resume_versions (stream_id, user_id, file_name, file_path, file_size, file_hash, mime_type)
                   SELECT stream_id, user_id, 'x', 'x', 1, 'x', 'x' FROM public.resume_versions LIMIT 1$$,
  '42501', NULL, 'worker cannot create versions');

-- outputs
SELECT lives_ok($$INSERT INTO public.resume_version_texts (resume_version_id, user_id, content, char_count, page_count,
                     extractor, extractor_version, detected_mime)
                   SELECT v1, u1, 'Ada Lovelace', 12, 1, 'pdftotext', '22.02', 'application/pdf' FROM w$$,
  'worker stores extracted text');
SELECT lives_ok($$INSERT INTO public.resume_version_texts (resume_version_id, user_id, content)
                   SELECT v1, u1, 'Ada Lovelace (retry)' FROM w
                   ON CONFLICT (resume_version_id) DO UPDATE SET content = EXCLUDED.content$$,
  'worker upserts extracted text');
SELECT lives_ok($$INSERT INTO public.parsed_resume_entities (resume_version_id, user_id, field_name, raw_value,
                     confidence_score, source_type, model_version)
                   SELECT v1, u1, f, 'x', 0.9, 'openai_json_schema', 'gpt-4o-mini-2024-07-18'
                     FROM w, unnest(ARRAY['contact.name', 'work_experience.0', 'work_experience.0.company']) f$$,
  'worker inserts parsed entities');
SELECT lives_ok($$INSERT INTO public.parsed_resume_entities (resume_version_id, user_id, field_name, raw_value)
                   SELECT v1, u1, 'contact.name', 'y' FROM w
                   ON CONFLICT (resume_version_id, field_name) DO NOTHING$$,
  'a second copy of a parsed row is absorbed by ON CONFLICT');
SELECT is((SELECT count(*)::int FROM public.parsed_resume_entities p, w
            WHERE p.resume_version_id = w.v1 AND field_name = 'contact.name'), 1, 'still one row per (version, field)');
SELECT throws_ok($$INSERT INTO public.parsed_resume_entities (resume_version_id, user_id, field_name, raw_value)
                   SELECT v1, u2, 'summary', 'x' FROM w$$,
  '23503', NULL, 'worker cannot write a parsed row whose user is not the version''s owner');
SELECT lives_ok($$INSERT INTO public.entry_enrichment (user_id, resume_version_id, parsed_entity_id, insights,
                     experience_level, confidence_score, source_type)
                   SELECT w.u1, w.v1, p.id, '["led"]', 'senior', 0.7, 'heuristic'
                     FROM w JOIN public.parsed_resume_entities p ON p.resume_version_id = w.v1
                    WHERE p.field_name = 'work_experience.0'$$, 'worker inserts entry enrichment');
SELECT lives_ok($$INSERT INTO public.career_enrichment (user_id, resume_version_id, role_archetype, persona_type,
                     leadership_score, scope_score, technical_depth_score, confidence_score)
                   SELECT u1, v1, 'Technical Leader', 'Builder', 70, 60, 80, 0.8 FROM w$$, 'worker inserts career enrichment');
SELECT lives_ok($$INSERT INTO public.career_narratives (user_id, resume_version_id, narrative_type, narrative_text)
                   SELECT u1, v1, t, 'text' FROM w, unnest(ARRAY['career_summary', 'key_strengths', 'growth_trajectory']) t$$,
  'worker inserts the three narratives');
SELECT throws_ok($$INSERT INTO public.career_enrichment (user_id, resume_version_id, role_archetype, persona_type,
                     leadership_score, scope_score, technical_depth_score)
                   SELECT u2, v2, 'X', 'Y', 140, 50, 50 FROM w$$,
  '23514', 'new row for relation "career_enrichment" violates check constraint "career_enrichment_leadership_score_range"',
  'a score of 140 from the worker is refused, not clamped');
SELECT throws_ok($$INSERT INTO public.career_narratives (user_id, resume_version_id, narrative_type, narrative_text)
                   SELECT u2, v2, 'poem', 'x' FROM w$$,
  '23514', 'new row for relation "career_narratives" violates check constraint "career_narratives_narrative_type_check"',
  'an unknown narrative type from the worker is refused');
SELECT lives_ok($$DELETE FROM public.career_narratives WHERE resume_version_id = (SELECT v1 FROM w)$$,
  'worker may redo a stage''s own outputs');

-- versioned entities
SELECT lives_ok($$INSERT INTO public.work_experience (user_id, company, title, source, source_resume_version_id)
                   SELECT u1, 'Acme', 'Dev', 'upload', v1 FROM w$$, 'worker inserts an upload-sourced entity version');
SELECT throws_ok($$INSERT INTO public.work_experience (user_id, company, title, source, source_resume_version_id)
                   SELECT u1, 'Acme', 'Dev', 'manual', v1 FROM w$$, '42501', NULL,
  'worker cannot insert entities posing as manual edits');
SELECT throws_ok($$INSERT INTO public.work_experience (user_id, company, title, source, source_resume_version_id)
                   SELECT u2, 'Acme', 'Dev', 'upload', v1 FROM w$$, '23503', NULL,
  'worker cannot attach an entity to another user''s resume version');
SELECT throws_ok($$UPDATE public.work_experience SET company = 'Evil' WHERE user_id = (SELECT u1 FROM w)$$, '42501', NULL,
  'worker cannot rewrite entity content');
SELECT lives_ok($$UPDATE public.work_experience SET is_active = false WHERE user_id = (SELECT u1 FROM w) AND company = 'Acme'$$,
  'worker can retire a version');
SELECT throws_ok($$DELETE FROM public.work_experience$$, '42501', NULL, 'worker cannot delete entities');

-- normalisation, audit
SELECT lives_ok($$INSERT INTO public.normalized_entities (entity_type, canonical_name, review_status)
                  VALUES ('company', 'Worker Proposed Inc', 'pending')$$, 'worker proposes a pending normalized entity');
SELECT throws_ok($$INSERT INTO public.normalized_entities (entity_type, canonical_name, review_status)
                   VALUES ('company', 'Self Approved Inc', 'approved')$$, '42501', NULL,
  'worker cannot add approved normalized entities');
SELECT lives_ok($$INSERT INTO public.security_audit_log (user_id, action, details)
                  SELECT u1, 'worker.job_failed', '{"code":"E_PARSE"}' FROM w$$, 'worker appends to the audit log');
SELECT throws_ok($$INSERT INTO public.security_audit_log (actor, action) VALUES ('admin', 'forged')$$, '42501', NULL,
  'worker cannot write the audit log in another actor''s name');
SELECT throws_ok($$SELECT count(*) FROM public.security_audit_log$$, '42501', NULL, 'worker cannot read the audit log');

-- what the worker must not reach
SELECT throws_ok($$SELECT count(*) FROM auth.users$$, '42501', NULL, 'worker cannot read auth.users');
SELECT throws_ok('SELECT count(*) FROM public.' || t, '42501', NULL, 'worker cannot read ' || t)
  FROM unnest(ARRAY['profiles', 'career_profile', 'user_sessions', 'interview_sessions', 'interview_transcripts']) t;
SELECT throws_ok($$TRUNCATE public.parsed_resume_entities$$, '42501', NULL, 'worker cannot truncate');
SELECT throws_ok($$DROP TABLE public.parsed_resume_entities$$, '42501', NULL, 'worker cannot drop tables');
SELECT throws_ok($$ALTER TABLE public.parsed_resume_entities DISABLE ROW LEVEL SECURITY$$, '42501', NULL,
  'worker cannot alter tables');
SELECT throws_ok($$CREATE TABLE public.worker_table (id int)$$, '42501', NULL, 'worker cannot create tables in public');
SET LOCAL client_min_messages = error;
SELECT lives_ok($$GRANT SELECT ON public.parsed_resume_entities TO anon$$, 'GRANT by the worker is a no-op (warning)');
RESET ROLE;
SELECT ok(NOT has_table_privilege('anon', 'public.parsed_resume_entities', 'SELECT'), 'worker could not grant anything');
SELECT ok(NOT has_table_privilege('careeros_worker', 'public.resume_streams', 'SELECT'), 'worker has no access to streams');

SELECT * FROM finish();
ROLLBACK;
