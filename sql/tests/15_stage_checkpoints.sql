-- queue.save_checkpoint keeps what a stage paid for only while the caller
-- holds the job's lease, merges it with what the stage kept before, and
-- queue.stage_input hands it back to that stage alone.
BEGIN;
SELECT plan(8);

CREATE TEMP TABLE c AS
SELECT tests.create_version(tests.create_user('cp@example.com'), 'processing') AS v, gen_random_uuid() AS tok;
GRANT SELECT ON c TO PUBLIC;
UPDATE public.resume_versions SET lease_token = (SELECT tok FROM c), locked_by = 'w-1',
       lease_expires_at = now() + interval '30 s'
 WHERE id = (SELECT v FROM c);

SELECT tests.as_worker();
SELECT is(queue.save_checkpoint(v, gen_random_uuid(), 'enrich', '{"enrich_entries": 1}'), false,
  'a worker without the lease keeps nothing') FROM c;
SELECT is(queue.stage_input(v, 'enrich') -> 'checkpoint', 'null'::jsonb, 'nothing kept yet') FROM c;
SELECT is(queue.save_checkpoint(v, tok, 'enrich', '{"enrich_entries": 1}'), true,
  'the lease holder keeps what it paid for') FROM c;
SELECT is(queue.save_checkpoint(v, tok, 'enrich', '{"enrich_career": 2}'), true, 'and more later') FROM c;
SELECT is(queue.stage_input(v, 'enrich') -> 'checkpoint', '{"enrich_entries": 1, "enrich_career": 2}'::jsonb,
  'merged, and handed back to the stage') FROM c;
SELECT is(queue.stage_input(v, 'parse') -> 'checkpoint', 'null'::jsonb, 'other stages see none') FROM c;
SELECT is(queue.save_checkpoint(v, tok, 'enrich', '[1]'), false, 'only an object is kept') FROM c;
SELECT throws_ok($$DELETE FROM queue.stage_checkpoints$$, '42501', NULL, 'the worker cannot delete checkpoints');

SELECT * FROM finish();
ROLLBACK;
