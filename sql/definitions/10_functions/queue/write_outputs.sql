-- Writes one stage's outputs, after finish_stages' fence check.  A parse
-- output's rows are [field_name, raw_value, confidence_score] with
-- source_type and model_version once for all of them (a quarter of the
-- bytes of one object per row, to build, send and parse).
CREATE OR REPLACE FUNCTION queue.write_outputs(p_id uuid, p_user uuid, p_stage text, p_out jsonb)
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF p_stage = 'upload' THEN
    INSERT INTO public.resume_version_texts (resume_version_id, user_id, content, char_count,
           page_count, extractor, extractor_version, detected_mime)
    VALUES (p_id, p_user, p_out ->> 'text', (p_out ->> 'char_count')::int,
            (p_out ->> 'page_count')::int, p_out ->> 'extractor', p_out ->> 'extractor_version',
            p_out ->> 'detected_mime');
  ELSIF p_stage = 'parse' THEN
    INSERT INTO public.parsed_resume_entities (resume_version_id, user_id, field_name, raw_value,
           confidence_score, source_type, model_version)
    SELECT p_id, p_user, r ->> 0, r ->> 1, coalesce((r ->> 2)::double precision, 0),
           p_out ->> 'source_type', p_out ->> 'model_version'
      FROM jsonb_array_elements(p_out -> 'rows') r
     WHERE jsonb_typeof(r) = 'array'
    UNION ALL
    -- rows as objects with their own labels (older workers)
    SELECT p_id, p_user, r ->> 'field_name', r ->> 'raw_value',
           coalesce((r ->> 'confidence_score')::double precision, 0),
           r ->> 'source_type', r ->> 'model_version'
      FROM jsonb_array_elements(p_out -> 'rows') r
     WHERE jsonb_typeof(r) = 'object';
  ELSIF p_stage = 'enrich' THEN
    INSERT INTO public.entry_enrichment (user_id, resume_version_id, parsed_entity_id,
           parsed_structure, insights, skills_identified, recommendations, experience_level,
           career_progression, market_relevance, model_version, confidence_score,
           enrichment_metadata)
    SELECT p_id_user.u, p_id, pe.id, e -> 'parsed_structure', coalesce(e -> 'insights', '[]'),
           coalesce(e -> 'skills_identified', '[]'), coalesce(e -> 'recommendations', '[]'),
           e ->> 'experience_level', e ->> 'career_progression', e ->> 'market_relevance',
           p_out ->> 'model_version', coalesce((e ->> 'confidence')::double precision, 0),
           jsonb_build_object('source_type', p_out ->> 'source_type')
      FROM jsonb_array_elements(coalesce(p_out -> 'entries', '[]')) e
      CROSS JOIN (SELECT p_user AS u) p_id_user
      JOIN public.parsed_resume_entities pe
        ON pe.resume_version_id = p_id AND pe.field_name = e ->> 'path';
    IF p_out ? 'career' AND jsonb_typeof(p_out -> 'career') = 'object' THEN
      INSERT INTO public.career_enrichment (user_id, resume_version_id, role_archetype,
             role_archetype_explanation, persona_type, persona_explanation, leadership_score,
             leadership_explanation, scope_score, scope_explanation, technical_depth_score,
             technical_depth_explanation, model_version, confidence_score, enrichment_metadata)
      SELECT p_user, p_id, c ->> 'role_archetype', c ->> 'role_archetype_explanation',
             c ->> 'persona_type', c ->> 'persona_explanation', (c ->> 'leadership_score')::int,
             c ->> 'leadership_explanation', (c ->> 'scope_score')::int, c ->> 'scope_explanation',
             (c ->> 'technical_depth_score')::int, c ->> 'technical_depth_explanation',
             p_out ->> 'model_version', coalesce((c ->> 'confidence')::double precision, 0),
             jsonb_build_object('source_type', p_out ->> 'source_type')
        FROM (SELECT p_out -> 'career' AS c) x;
    END IF;
    INSERT INTO public.career_narratives (user_id, resume_version_id, narrative_type,
           narrative_text, narrative_explanation, model_version, confidence_score)
    SELECT p_user, p_id, n ->> 'narrative_type', n ->> 'narrative_text',
           n ->> 'narrative_explanation', p_out ->> 'model_version',
           coalesce((n ->> 'confidence')::double precision, 0)
      FROM jsonb_array_elements(coalesce(p_out -> 'narratives', '[]')) n;
  ELSIF p_stage = 'complete' THEN
    PERFORM public.merge_resume_version(p_id);
  ELSIF p_stage <> 'noop' THEN
    RAISE EXCEPTION 'unknown stage %', p_stage USING ERRCODE = '22023';
  END IF;
END;
$$;

REVOKE ALL ON FUNCTION queue.write_outputs(uuid, uuid, text, jsonb) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION queue.write_outputs(uuid, uuid, text, jsonb) TO careeros_worker;
