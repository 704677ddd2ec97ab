-- The profile is the user's (DESIGN.md invariant 7): the tables and keys of
-- the merge rules (README "Merging resumes into the profile"; the functions
-- are in sql/definitions: merge_resume_version, accept_merge_proposal,
-- dismiss_merge_proposal, get_complete_profile, profile_jsonresume, and the
-- tombstone trigger in 30_triggers/merge_tombstones.sql).
--
--  * merge_decisions: the rule of each decision, and proposals the user
--    accepts or dismisses (users may change only the resolution columns);
--  * merge_tombstones: what a user deleted, by the merge's key;
--  * company_key/title_key/degree_key: what two spellings of one entity
--    share.  They live here, like normalize_name in the baseline, because
--    the match-key indexes below use them (definitions run after migrations);
--    change them only in a new migration that rebuilds those indexes.

-- ------------------------------------------------------------ tables ----
ALTER TABLE public.merge_decisions
  ADD COLUMN IF NOT EXISTS rule text,
  ADD COLUMN IF NOT EXISTS proposal jsonb,
  ADD COLUMN IF NOT EXISTS proposal_status text,
  ADD COLUMN IF NOT EXISTS resolved_at timestamptz,
  ADD COLUMN IF NOT EXISTS resolved_entity_id uuid;
UPDATE public.merge_decisions
   SET rule = CASE decision WHEN 'inserted' THEN 'new_entity' WHEN 'new_version' THEN 'resume_update'
                            WHEN 'unchanged' THEN 'same_values' ELSE 'invalid_entry' END
 WHERE rule IS NULL;
ALTER TABLE public.merge_decisions
  DROP CONSTRAINT IF EXISTS merge_decisions_decision_check,
  DROP CONSTRAINT IF EXISTS merge_decisions_rule_check,
  DROP CONSTRAINT IF EXISTS merge_decisions_proposal_status_check,
  DROP CONSTRAINT IF EXISTS merge_decisions_proposal_shape;
ALTER TABLE public.merge_decisions
  ADD CONSTRAINT merge_decisions_decision_check CHECK (decision IN
    ('inserted', 'new_version', 'unchanged', 'skipped', 'proposed', 'suppressed')),
  -- the merge names a rule for every decision; rows written by hand
  -- (tests, imports) may leave it out for the four older decisions
  ADD CONSTRAINT merge_decisions_rule_check CHECK (rule IN
    ('new_entity', 'resume_update', 'same_values', 'manual_wins', 'low_confidence', 'removed_by_user',
     'invalid_entry') OR rule IS NULL AND decision IN ('inserted', 'new_version', 'unchanged', 'skipped')),
  ADD CONSTRAINT merge_decisions_proposal_status_check CHECK (proposal_status IN ('open', 'accepted', 'dismissed')),
  -- a proposal has content and a status; nothing else has either
  ADD CONSTRAINT merge_decisions_proposal_shape CHECK (
    (decision = 'proposed') = (proposal IS NOT NULL AND proposal_status IS NOT NULL)
    AND (proposal IS NULL OR jsonb_typeof(proposal) = 'object'));
CREATE INDEX IF NOT EXISTS merge_decisions_open_proposals
  ON public.merge_decisions (user_id, created_at) WHERE proposal_status = 'open';

-- What a user deleted, by the merge's key: a later resume that lists it
-- again is not merged.  Written by the tombstone trigger of each entity
-- table; a user may delete a tombstone to let the entity come back.
CREATE TABLE IF NOT EXISTS public.merge_tombstones (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  entity_type text NOT NULL,
  match_key text NOT NULL,
  logical_entity_id uuid,
  start_on date,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT merge_tombstones_pkey PRIMARY KEY (id),
  CONSTRAINT merge_tombstones_user_key UNIQUE (user_id, entity_type, match_key),
  CONSTRAINT merge_tombstones_user_fkey FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE CASCADE,
  CONSTRAINT merge_tombstones_entity_type_check CHECK (entity_type IN
    ('work_experience', 'education', 'skill', 'project', 'certification')),
  CONSTRAINT merge_tombstones_match_key_length CHECK (char_length(match_key) <= 1000)
);
ALTER TABLE public.merge_tombstones ENABLE ROW LEVEL SECURITY;

REVOKE ALL ON public.merge_tombstones FROM PUBLIC, anon, authenticated, careeros_worker;
GRANT ALL ON public.merge_tombstones TO service_role;
GRANT SELECT, INSERT, DELETE ON public.merge_tombstones TO authenticated;
GRANT SELECT ON public.merge_tombstones TO careeros_worker;
-- users resolve their own proposals (policy merge_decisions_user_resolve)
GRANT UPDATE (proposal_status, resolved_at, resolved_entity_id) ON public.merge_decisions TO authenticated;

-- --------------------------------------------------------------- keys ----
-- Company and institution names: normalised, without a leading "the" and
-- without trailing legal forms ("Google LLC" = "google", "Initech Corp." =
-- "initech").  A name that is nothing but a legal form keeps it.
CREATE OR REPLACE FUNCTION public.company_key(p_name text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  -- dots dropped first: "L.L.C." is "llc", "S.A." is "sa"
  w text[] := pg_catalog.string_to_array(public.normalize_name(pg_catalog.replace(p_name, '.', '')), ' ');
  n integer := coalesce(pg_catalog.array_length(w, 1), 0);
BEGIN
  IF n = 0 THEN
    RETURN NULL;
  END IF;
  IF n > 1 AND w[1] = 'the' THEN
    w := w[2:n];
    n := n - 1;
  END IF;
  WHILE n > 1 AND w[n] = ANY ('{llc,inc,incorporated,ltd,limited,corp,corporation,co,company,plc,llp,lp,gmbh,ag,
                                sa,sas,sarl,srl,spa,bv,nv,oy,oyj,ab,as,aps,kg,pty,pte,kk,se,lda,sl}'::text[]) LOOP
    n := n - 1;
  END LOOP;
  RETURN pg_catalog.array_to_string(w[1:n], ' ');
END
$$;

-- Job titles: normalised, with common abbreviations spelt out
-- ("Sr. Software Eng." = "senior software engineer").
CREATE OR REPLACE FUNCTION public.title_key(p_title text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  w text;
  out text[] := '{}';
BEGIN
  FOREACH w IN ARRAY coalesce(pg_catalog.string_to_array(public.normalize_name(p_title), ' '), '{}') LOOP
    out := out || CASE w
      WHEN 'sr' THEN 'senior' WHEN 'snr' THEN 'senior' WHEN 'jr' THEN 'junior' WHEN 'jnr' THEN 'junior'
      WHEN 'mgr' THEN 'manager' WHEN 'mngr' THEN 'manager' WHEN 'eng' THEN 'engineer' WHEN 'engr' THEN 'engineer'
      WHEN 'dev' THEN 'developer' WHEN 'swe' THEN 'software engineer' WHEN 'vp' THEN 'vice president'
      WHEN 'svp' THEN 'senior vice president' WHEN 'dir' THEN 'director' WHEN 'asst' THEN 'assistant'
      WHEN 'assoc' THEN 'associate' WHEN 'admin' THEN 'administrator' WHEN 'mgmt' THEN 'management'
      WHEN 'ops' THEN 'operations' WHEN 'mktg' THEN 'marketing' WHEN 'intl' THEN 'international'
      WHEN 'and' THEN NULL
      ELSE w END;
  END LOOP;
  RETURN nullif(pg_catalog.array_to_string(out, ' '), '');
END
$$;

-- Degrees: normalised without spaces ("B.Sc." = "BSc" = "bsc").
CREATE OR REPLACE FUNCTION public.degree_key(p_degree text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN pg_catalog.replace(public.normalize_name(p_degree), ' ', '');
END
$$;
REVOKE ALL ON FUNCTION public.company_key(text), public.title_key(text), public.degree_key(text)
  FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
-- evaluated in index expressions and by the tombstone trigger with the
-- writer's rights
GRANT EXECUTE ON FUNCTION public.company_key(text), public.title_key(text), public.degree_key(text)
  TO authenticated, careeros_worker, service_role;

-- The merge finds an entry's candidates among all versions (history
-- included) by the first part of the key.
DROP INDEX IF EXISTS public.work_experience_user_match_key;
DROP INDEX IF EXISTS public.education_user_match_key;
DROP INDEX IF EXISTS public.skill_user_match_key;
DROP INDEX IF EXISTS public.project_user_match_key;
DROP INDEX IF EXISTS public.certification_user_match_key;
CREATE INDEX IF NOT EXISTS work_experience_user_company_key
  ON public.work_experience (user_id, public.company_key(company));
CREATE INDEX IF NOT EXISTS education_user_institution_key
  ON public.education (user_id, public.company_key(institution));
CREATE INDEX IF NOT EXISTS skill_user_name_key ON public.skill (user_id, public.normalize_name(name));
CREATE INDEX IF NOT EXISTS project_user_name_key ON public.project (user_id, public.normalize_name(name));
CREATE INDEX IF NOT EXISTS certification_user_name_key
  ON public.certification (user_id, public.normalize_name(name));
