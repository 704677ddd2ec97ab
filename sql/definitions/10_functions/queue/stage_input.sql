-- What a stage needs to run: the extracted text (parse, enrich), the
-- parsed document rebuilt from the entity rows (enrich), and what an
-- earlier attempt of the stage kept (checkpoint, or null).
CREATE OR REPLACE FUNCTION queue.stage_input(p_id uuid, p_stage text)
RETURNS jsonb LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  WITH p AS (
    SELECT field_name, raw_value FROM public.parsed_resume_entities
     WHERE resume_version_id = p_id AND p_stage = 'enrich'
  ), entries AS (
    SELECT split_part(field_name, '.', 1) AS section,
           jsonb_agg(raw_value::jsonb ORDER BY split_part(field_name, '.', 2)::int) AS items
      FROM p
     WHERE field_name ~ '^(work_experience|education|skills|projects|certifications|languages)\.[0-9]+$'
     GROUP BY 1
  )
  SELECT jsonb_build_object(
    'text', (SELECT t.content FROM public.resume_version_texts t WHERE t.resume_version_id = p_id),
    'document', CASE WHEN p_stage = 'enrich' THEN
      jsonb_build_object(
        'contact', coalesce((SELECT jsonb_object_agg(split_part(field_name, '.', 2), raw_value)
                               FROM p WHERE field_name ~ '^contact\.[a-z_]+$'), '{}'::jsonb)
                   || jsonb_build_object('urls', coalesce((SELECT jsonb_agg(raw_value ORDER BY split_part(field_name, '.', 3)::int)
                               FROM p WHERE field_name ~ '^contact\.urls\.[0-9]+$'), '[]'::jsonb)),
        'summary', (SELECT raw_value FROM p WHERE field_name = 'summary'))
      || coalesce((SELECT jsonb_object_agg(section, items) FROM entries), '{}'::jsonb)
    END,
    'checkpoint', (SELECT c.data FROM queue.stage_checkpoints c
                    WHERE c.resume_version_id = p_id AND c.stage = p_stage))
$$;

REVOKE ALL ON FUNCTION queue.stage_input(uuid, text) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION queue.stage_input(uuid, text) TO careeros_worker;
