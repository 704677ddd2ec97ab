-- Bad input is refused by name: every enumerated column, score and
-- confidence has a named CHECK, and the stage uniques hold.
BEGIN;
SELECT plan(44);

CREATE TEMP TABLE c AS SELECT u, tests.create_version(u) AS v FROM (SELECT tests.create_user('c@example.com') AS u) s;
INSERT INTO public.parsed_resume_entities (resume_version_id, user_id, field_name, raw_value)
SELECT v, u, 'work_experience.0', '{}' FROM c;

SELECT throws_ok(format(q, (SELECT v FROM c), (SELECT u FROM c)), '23514',
                 format('new row for relation "%s" violates check constraint "%s"', rel, con), 'refused: ' || con)
  FROM (VALUES
   ('UPDATE public.resume_versions SET processing_status = ''done'' WHERE id = %L AND %L IS NOT NULL',
    'resume_versions', 'resume_versions_processing_status_check'),
   ('UPDATE public.resume_versions SET current_stage = ''publish'' WHERE id = %L AND %L IS NOT NULL',
    'resume_versions', 'resume_versions_current_stage_check'),
   ('UPDATE public.resume_versions SET processing_progress = 101 WHERE id = %L AND %L IS NOT NULL',
    'resume_versions', 'resume_versions_processing_progress_range'),
   ('UPDATE public.resume_versions SET processing_errors = ''{}'' WHERE id = %L AND %L IS NOT NULL',
    'resume_versions', 'resume_versions_processing_errors_array'),
   ('INSERT INTO public.parsed_resume_entities (resume_version_id, user_id, field_name, confidence_score) VALUES (%L, %L, ''summary'', 1.5)',
    'parsed_resume_entities', 'parsed_resume_entities_confidence_range'),
   ('INSERT INTO public.parsed_resume_entities (resume_version_id, user_id, field_name, source_type) VALUES (%L, %L, ''summary'', ''guess'')',
    'parsed_resume_entities', 'parsed_resume_entities_source_type_check'),
   ('INSERT INTO public.parsed_resume_entities (resume_version_id, user_id, field_name) VALUES (%L, %L, ''Work Experience!'')',
    'parsed_resume_entities', 'parsed_resume_entities_field_name_format'),
   ('INSERT INTO public.career_enrichment (resume_version_id, user_id, role_archetype, persona_type, leadership_score, scope_score, technical_depth_score) VALUES (%L, %L, ''a'', ''b'', 50, -1, 50)',
    'career_enrichment', 'career_enrichment_scope_score_range'),
   ('INSERT INTO public.career_enrichment (resume_version_id, user_id, role_archetype, persona_type, leadership_score, scope_score, technical_depth_score) VALUES (%L, %L, ''a'', ''b'', 50, 50, 101)',
    'career_enrichment', 'career_enrichment_technical_depth_score_range'),
   ('INSERT INTO public.career_narratives (resume_version_id, user_id, narrative_type, narrative_text, confidence_score) VALUES (%L, %L, ''career_summary'', ''x'', 2)',
    'career_narratives', 'career_narratives_confidence_range'),
   ('INSERT INTO public.work_experience (user_id, company, title, source) SELECT %2$L, ''A'', ''B'', ''scraped'' WHERE %1$L IS NOT NULL',
    'work_experience', 'work_experience_source_check'),
   ('INSERT INTO public.work_experience (user_id, company, title, source_confidence) SELECT %2$L, ''A'', ''B'', 1.2 WHERE %1$L IS NOT NULL',
    'work_experience', 'work_experience_source_confidence_range'),
   ('INSERT INTO public.work_experience (user_id, company, title, start_date, end_date) SELECT %2$L, ''A'', ''B'', ''2020'', ''2019'' WHERE %1$L IS NOT NULL',
    'work_experience', 'work_experience_end_after_start'),
   ('INSERT INTO public.work_experience (user_id, company, title, end_date, is_current) SELECT %2$L, ''A'', ''B'', ''2019'', true WHERE %1$L IS NOT NULL',
    'work_experience', 'work_experience_current_has_no_end'),
   ('INSERT INTO public.skill (user_id, name, proficiency_level) SELECT %2$L, ''C'', ''guru'' WHERE %1$L IS NOT NULL',
    'skill', 'skill_proficiency_level_check'),
   ('INSERT INTO public.normalized_entities (entity_type, canonical_name, review_status) SELECT ''company'', ''Z'', ''maybe'' WHERE %L IS NOT NULL AND %L IS NOT NULL',
    'normalized_entities', 'normalized_entities_review_status_check'),
   ('INSERT INTO public.normalized_entities (entity_type, canonical_name) SELECT ''planet'', ''Z'' WHERE %L IS NOT NULL AND %L IS NOT NULL',
    'normalized_entities', 'normalized_entities_entity_type_check'),
   ('INSERT INTO public.interview_sessions (user_id, status) SELECT %2$L, ''sleeping'' WHERE %1$L IS NOT NULL',
    'interview_sessions', 'interview_sessions_status_check'),
   ('INSERT INTO public.interview_sessions (user_id, completion_percentage) SELECT %2$L, 140 WHERE %1$L IS NOT NULL',
    'interview_sessions', 'interview_sessions_completion_range'),
   ('INSERT INTO public.entry_enrichment (resume_version_id, user_id, parsed_entity_id, experience_level) SELECT %L, %L, id, ''wizard'' FROM public.parsed_resume_entities WHERE field_name = ''work_experience.0''',
    'entry_enrichment', 'entry_enrichment_experience_level_check'),
   ('INSERT INTO public.entry_enrichment (resume_version_id, user_id, parsed_entity_id, market_relevance) SELECT %L, %L, id, ''huge'' FROM public.parsed_resume_entities WHERE field_name = ''work_experience.0''',
    'entry_enrichment', 'entry_enrichment_market_relevance_check')
  ) t(q, rel, con);

-- A child of parsed_resume_entities cannot point at another user's entity,
-- even with its own (user_id, resume_version_id) being consistent.
CREATE TEMP TABLE d AS SELECT u, tests.create_version(u) AS v FROM (SELECT tests.create_user('d@example.com') AS u) s;
INSERT INTO public.normalized_entities (entity_type, canonical_name) VALUES ('company', 'Cross Corp');
SELECT throws_ok(format(q, (SELECT u FROM d), (SELECT v FROM d),
                        (SELECT p.id FROM c JOIN public.parsed_resume_entities p ON p.resume_version_id = c.v
                          WHERE p.field_name = 'work_experience.0')),
                 '23503', format('insert or update on table "%s" violates foreign key constraint "%s_parsed_entity_fkey"', rel, rel),
                 rel || ': a row of user D cannot reference user C''s parsed entity')
  FROM (VALUES
   ('INSERT INTO public.entry_enrichment (user_id, resume_version_id, parsed_entity_id) VALUES (%L, %L, %L)', 'entry_enrichment'),
   ('INSERT INTO public.resume_entity_links (user_id, resume_version_id, parsed_entity_id, normalized_entity_id, match_method, match_score)
     SELECT %L, %L, %L, id, ''exact'', 1 FROM public.normalized_entities WHERE canonical_name = ''Cross Corp''', 'resume_entity_links'),
   ('INSERT INTO public.merge_decisions (user_id, resume_version_id, parsed_entity_id, source_path, entity_type, decision)
     VALUES (%L, %L, %L, ''work_experience.0'', ''work_experience'', ''inserted'')', 'merge_decisions')
  ) t(q, rel);

-- stage uniques
INSERT INTO public.parsed_resume_entities (resume_version_id, user_id, field_name) SELECT v, u, 'summary' FROM c;
SELECT throws_ok($$INSERT INTO public.parsed_resume_entities (resume_version_id, user_id, field_name) SELECT v, u, 'summary' FROM c$$,
  '23505', NULL, 'one parsed row per (resume_version_id, field_name)');
INSERT INTO public.entry_enrichment (user_id, resume_version_id, parsed_entity_id)
SELECT c.u, c.v, p.id FROM c JOIN public.parsed_resume_entities p ON p.resume_version_id = c.v AND p.field_name = 'work_experience.0';
SELECT throws_ok($$INSERT INTO public.entry_enrichment (user_id, resume_version_id, parsed_entity_id)
                   SELECT c.u, c.v, p.id FROM c JOIN public.parsed_resume_entities p
                     ON p.resume_version_id = c.v AND p.field_name = 'work_experience.0'$$,
  '23505', NULL, 'one entry_enrichment per parsed entity');
INSERT INTO public.career_enrichment (resume_version_id, user_id, role_archetype, persona_type, leadership_score, scope_score, technical_depth_score)
SELECT v, u, 'a', 'b', 1, 2, 3 FROM c;
SELECT throws_ok($$INSERT INTO public.career_enrichment (resume_version_id, user_id, role_archetype, persona_type, leadership_score, scope_score, technical_depth_score)
                   SELECT v, u, 'a', 'b', 1, 2, 3 FROM c$$, '23505', NULL, 'one career_enrichment per resume version');
INSERT INTO public.career_narratives (resume_version_id, user_id, narrative_type, narrative_text) SELECT v, u, 'key_strengths', 'x' FROM c;
SELECT throws_ok($$INSERT INTO public.career_narratives (resume_version_id, user_id, narrative_type, narrative_text)
                   SELECT v, u, 'key_strengths', 'y' FROM c$$, '23505', NULL, 'one narrative per (resume version, narrative_type)');
SELECT lives_ok($$INSERT INTO public.career_narratives (resume_version_id, user_id, narrative_type, narrative_text)
                  SELECT v, u, 'key_strengths', 'z' FROM c
                  ON CONFLICT (resume_version_id, narrative_type) DO UPDATE SET narrative_text = EXCLUDED.narrative_text$$,
  'narratives upsert on (resume_version_id, narrative_type)');
-- every experience_level and market_relevance the enrich providers write is
-- accepted: the LLM schema's enums and the offline provider's labels
SELECT lives_ok(format('UPDATE public.entry_enrichment SET experience_level = %L WHERE user_id = %L', lv, (SELECT u FROM c)),
                'accepted: experience_level ' || lv)
  FROM unnest(ARRAY['entry', 'junior', 'mid', 'senior', 'lead', 'executive',
                    'undergraduate', 'graduate', 'doctorate', 'n/a']) lv;                                -- 10
SELECT lives_ok(format('UPDATE public.entry_enrichment SET market_relevance = %L WHERE user_id = %L', mr, (SELECT u FROM c)),
                'accepted: market_relevance ' || mr)
  FROM unnest(ARRAY['low', 'medium', 'high']) mr;                                                      -- 3
SELECT throws_ok($$INSERT INTO public.merge_decisions (user_id, resume_version_id, source_path, entity_type, decision)
                   SELECT u, v, 'skills.0', 'skill', 'maybe' FROM c$$, '23514', NULL, 'merge decision values are enumerated');
SELECT throws_ok($$INSERT INTO public.resume_version_texts (resume_version_id, user_id, content, char_count)
                   SELECT v, u, 'x', -1 FROM c$$, '23514', NULL, 'char_count cannot be negative');

SELECT * FROM finish();
ROLLBACK;
