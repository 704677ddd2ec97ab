-- pg_temp shadows planted by the worker's login (careeros_worker): a job
-- through every stage (claim, upload, parse, enrich, complete with the
-- merge, its entity inserts and triggers), the other queue calls, the merge
-- lock (SECURITY DEFINER) and the stats refresh run none of them.
BEGIN;
SET LOCAL search_path = pg_catalog, public, pg_temp;
SELECT plan(9);

SET LOCAL ROLE careeros_worker;
SELECT tests.plant_pg_temp_shadows() > 20 AS planted \gset
RESET ROLE;

CREATE TEMP TABLE wx AS
SELECT u, tests.create_version(u) AS v, tests.create_version(u) AS v2
  FROM (SELECT tests.create_user('wx@example.com') AS u) s;
GRANT SELECT ON wx TO PUBLIC;
UPDATE public.resume_versions SET priority = 1 WHERE id = (SELECT v FROM wx);
CREATE TEMP TABLE job (id uuid, token uuid);
GRANT ALL ON job TO PUBLIC;

SELECT tests.as_worker();
INSERT INTO job SELECT id, lease_token FROM queue.claim('spy-test', 1, 60000);
SELECT is((SELECT id FROM job), (SELECT v FROM wx), 'claimed the job');
SELECT ok(EXISTS (SELECT 1 FROM queue.heartbeat(ARRAY[(SELECT id FROM job)], ARRAY[(SELECT token FROM job)], 60000)),
          'heartbeat');
SELECT is((SELECT string_agg(result, ',') FROM queue.finish_stages(jsonb_build_array(jsonb_build_object(
  'id', (SELECT id FROM job), 'token', (SELECT token FROM job), 'stage', 'upload', 'next_stage', 'parse',
  'output', jsonb_build_object('text', 'Ada Lovelace, Engineer at Acme', 'char_count', 30, 'page_count', 1,
                               'extractor', 'test', 'extractor_version', '1', 'detected_mime', 'text/plain'))))),
  'ok', 'upload stage');
SELECT ok(queue.stage_input((SELECT id FROM job), 'parse') IS NOT NULL, 'stage_input');
SELECT is((SELECT string_agg(result, ',') FROM queue.finish_stages(jsonb_build_array(jsonb_build_object(
  'id', (SELECT id FROM job), 'token', (SELECT token FROM job), 'stage', 'parse', 'next_stage', 'enrich',
  'output', jsonb_build_object('source_type', 'heuristic', 'model_version', 'test', 'rows', $$[
    ["contact.name", "Ada Lovelace", 0.9],
    ["work_experience.0", "{\"company\": \"Acme\", \"title\": \"Engineer\", \"start_date\": \"2020-01\", \"end_date\": \"Present\"}", 0.8],
    ["work_experience.0.company", "Acme", 0.8],
    ["education.0", "{\"institution\": \"MIT\", \"degree\": \"BSc\", \"start_date\": \"2012\", \"end_date\": \"2016\"}", 0.8],
    ["skills.0", "{\"name\": \"SQL\", \"category\": \"Data\"}", 0.8],
    ["projects.0", "{\"name\": \"Thing\", \"start_date\": \"2021-05\"}", 0.8],
    ["certifications.0", "{\"name\": \"CKA\", \"issuer\": \"CNCF\", \"date\": \"2023\"}", 0.8]]$$::jsonb))))),
  'ok', 'parse stage');
SELECT is((SELECT string_agg(result, ',') FROM queue.finish_stages(jsonb_build_array(jsonb_build_object(
  'id', (SELECT id FROM job), 'token', (SELECT token FROM job), 'stage', 'enrich', 'next_stage', 'complete',
  'output', $${"model_version": "test", "source_type": "heuristic",
    "entries": [{"path": "work_experience.0", "insights": ["x"], "experience_level": "mid", "confidence": 0.5}],
    "career": {"role_archetype": "Builder", "persona_type": "Maker", "leadership_score": 10, "scope_score": 20,
               "technical_depth_score": 30, "confidence": 0.5},
    "narratives": [{"narrative_type": "career_summary", "narrative_text": "A builder.", "confidence": 0.5}]}$$::jsonb)))),
  'ok', 'enrich stage');
SELECT is((SELECT string_agg(result, ',') FROM queue.finish_stages(jsonb_build_array(jsonb_build_object(
  'id', (SELECT id FROM job), 'token', (SELECT token FROM job), 'stage', 'complete', 'next_stage', NULL,
  'output', '{}'::jsonb)))),
  'ok', 'complete stage (the merge)');
SELECT public.resume_version_jsonresume((SELECT id FROM job));
SELECT public.refresh_user_career_stats();
-- the second job: fail it, requeue it, claim it, give it back
DELETE FROM job;
INSERT INTO job SELECT id, lease_token FROM queue.claim('spy-test', 1, 60000);
SELECT queue.fail((SELECT id FROM job), (SELECT token FROM job), 'upload', 'FILE_NOT_FOUND', 'gone', false,
                  NULL, 100, 1000, '{}'::jsonb);
SELECT queue.requeue(ARRAY[(SELECT v2 FROM wx)], NULL);
DELETE FROM job;
INSERT INTO job SELECT id, lease_token FROM queue.claim('spy-test', 1, 60000);
SELECT queue.release(ARRAY[(SELECT id FROM job)], ARRAY[(SELECT token FROM job)], true);
RESET ROLE;

SELECT is((SELECT count(*)::int FROM public.work_experience WHERE user_id = (SELECT u FROM wx)), 1,
          'the merge wrote the entities');
SELECT is(tests.spy_report(), NULL, 'nothing of ours ran code planted in pg_temp by careeros_worker');

SELECT * FROM finish();
ROLLBACK;
