-- The merge's matching rule, shared by merge_resume_version and
-- accept_merge_proposal: which of the user's entities an entry (given by
-- its two key parts, merge_entity_keys) is.  Among all versions, history
-- included, minus the logical entities in p_exclude: the exact key first,
-- then (work) the most similar title at the same company; a job matches
-- only when the starts lie at most c_start_days apart or one is unknown (the
-- same title at the same company years later is another stint).  Active
-- versions before inactive ones.  Without a hit and with p_tombstones, the
-- user's tombstones are searched the same way.
--   hit: the matching version as JSON (perhaps inactive), NULL for none
--   how: key, similar_title or tombstone (hit is then NULL, logical set)
CREATE OR REPLACE FUNCTION public.merge_find_entity(
  p_user uuid, p_table text, p_gkey text, p_nkey text, p_start date, p_exclude uuid[], p_tombstones boolean,
  OUT hit jsonb, OUT how text, OUT sim double precision, OUT logical uuid)
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  -- two titles at one company at least this similar (pg_trgm) are one job
  c_title_similarity constant double precision := 0.5;
  -- ... if their starts are at most this many days apart (or one is unknown)
  c_start_days constant integer := 366;
  v_key text := public.merge_join_key(p_table, p_gkey, p_nkey);
BEGIN
  CASE p_table
  WHEN 'work_experience' THEN
    SELECT pg_catalog.to_jsonb(t), s.exact, s.sim INTO hit, how, sim
      FROM public.work_experience t
     CROSS JOIN LATERAL (SELECT public.title_key(t.title) AS tk) k
     CROSS JOIN LATERAL (SELECT CASE WHEN k.tk = p_nkey THEN 'key' ELSE 'similar_title' END AS exact,
                                extensions.similarity(k.tk, p_nkey)::double precision AS sim) s
     WHERE t.user_id = p_user AND public.company_key(t.company) = p_gkey
       AND t.logical_entity_id <> ALL (p_exclude)
       AND (k.tk = p_nkey OR s.sim >= c_title_similarity)
       AND (t.start_on IS NULL OR p_start IS NULL OR abs(t.start_on - p_start) <= c_start_days)
     ORDER BY s.exact = 'key' DESC, t.is_active DESC, s.sim DESC, abs(t.start_on - p_start) NULLS LAST,
              t.created_at, t.id
     LIMIT 1;
  WHEN 'education' THEN
    -- a degree that one side lacks does not tell two entries apart
    SELECT pg_catalog.to_jsonb(t), 'key' INTO hit, how FROM public.education t
     WHERE t.user_id = p_user AND public.company_key(t.institution) = p_gkey
       AND t.logical_entity_id <> ALL (p_exclude)
       AND (coalesce(public.degree_key(t.degree), '') = p_nkey OR p_nkey = '' OR t.degree IS NULL)
     ORDER BY coalesce(public.degree_key(t.degree), '') = p_nkey DESC, t.is_active DESC, t.created_at, t.id
     LIMIT 1;
  WHEN 'skill' THEN
    SELECT pg_catalog.to_jsonb(t), 'key' INTO hit, how FROM public.skill t
     WHERE t.user_id = p_user AND public.skill_key(t.name) = p_gkey
       AND t.logical_entity_id <> ALL (p_exclude)
     ORDER BY t.is_active DESC, t.created_at, t.id
     LIMIT 1;
  WHEN 'project' THEN
    SELECT pg_catalog.to_jsonb(t), 'key' INTO hit, how FROM public.project t
     WHERE t.user_id = p_user AND public.normalize_name(t.name) = p_gkey
       AND t.logical_entity_id <> ALL (p_exclude)
     ORDER BY t.is_active DESC, t.created_at, t.id
     LIMIT 1;
  ELSE
    -- an issuer that one side lacks does not tell two entries apart
    SELECT pg_catalog.to_jsonb(t), 'key' INTO hit, how FROM public.certification t
     WHERE t.user_id = p_user AND public.normalize_name(t.name) = p_gkey
       AND t.logical_entity_id <> ALL (p_exclude)
       AND (coalesce(public.issuer_key(t.issuer), '') = p_nkey OR p_nkey = '' OR t.issuer IS NULL)
     ORDER BY coalesce(public.issuer_key(t.issuer), '') = p_nkey DESC, t.is_active DESC, t.created_at, t.id
     LIMIT 1;
  END CASE;
  IF hit IS NOT NULL THEN
    logical := (hit ->> 'logical_entity_id')::uuid;
    RETURN;
  END IF;
  IF p_tombstones THEN
    -- deleted by the user?
    SELECT tb.logical_entity_id, 'tombstone' INTO logical, how FROM public.merge_tombstones tb
     WHERE tb.user_id = p_user AND tb.entity_type = p_table
       AND (tb.logical_entity_id IS NULL OR tb.logical_entity_id <> ALL (p_exclude))
       AND (tb.match_key = v_key
            OR (p_table = 'work_experience'
                AND pg_catalog.split_part(tb.match_key, ' @ ', 1) = p_gkey
                AND extensions.similarity(pg_catalog.split_part(tb.match_key, ' @ ', 2), p_nkey) >= c_title_similarity))
       AND (p_table <> 'work_experience' OR tb.start_on IS NULL OR p_start IS NULL
            OR abs(tb.start_on - p_start) <= c_start_days)
     ORDER BY tb.match_key = v_key DESC, tb.created_at
     LIMIT 1;
  END IF;
END
$$;

REVOKE ALL ON FUNCTION public.merge_find_entity(uuid, text, text, text, date, uuid[], boolean)
  FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
-- authenticated: accept_merge_proposal runs as the user (RLS applies)
GRANT EXECUTE ON FUNCTION public.merge_find_entity(uuid, text, text, text, date, uuid[], boolean)
  TO authenticated, careeros_worker, service_role;
