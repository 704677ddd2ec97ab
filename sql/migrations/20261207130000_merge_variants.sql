-- Merge review (DESIGN.md invariant 7, README "Merging resumes into the
-- profile"):
--
--  * rule duplicate_entry: an entry that repeats an earlier entry of the same
--    resume (same key, starts at most a year apart) is skipped instead of
--    becoming a second entity; rule already_proposed: a proposal the user
--    has open or dismissed is not made again;
--  * skill_key: skills match on a key that ignores case, spaces and dots
--    and folds a short, fixed list of common aliases ("Postgres" =
--    "PostgreSQL", "JS" = "JavaScript", "k8s" = "Kubernetes"); anything else
--    must be spelt the same ("Java" and "JavaScript" stay two skills);
--  * degree_key: "BSc" = "B.Sc." = "B.S." = "Bachelor of Science", and so
--    for the common degrees;
--  * issuer_key: a certification's issuer without legal forms, and issuers
--    of three or more words as their initials ("Amazon Web Services" =
--    "AWS").
-- The keys are fixed functions, not normalized_entities aliases: the skill
-- key is indexed and tombstones store keys, so a key must not change when an
-- admin edits the shared aliases.

ALTER TABLE public.merge_decisions DROP CONSTRAINT IF EXISTS merge_decisions_rule_check;
ALTER TABLE public.merge_decisions
  ADD CONSTRAINT merge_decisions_rule_check CHECK (rule IN
    ('new_entity', 'resume_update', 'same_values', 'manual_wins', 'low_confidence', 'removed_by_user',
     'invalid_entry', 'duplicate_entry', 'already_proposed') OR rule IS NULL AND decision IN ('inserted', 'new_version', 'unchanged', 'skipped'));

CREATE OR REPLACE FUNCTION public.skill_key(p_name text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  -- "Node.js" = "node js" = "NodeJS": spaces and dots do not count
  k text := pg_catalog.replace(public.normalize_name(pg_catalog.replace(p_name, '.', '')), ' ', '');
BEGIN
  RETURN CASE k
    WHEN 'postgres' THEN 'postgresql' WHEN 'pgsql' THEN 'postgresql'
    WHEN 'js' THEN 'javascript' WHEN 'ecmascript' THEN 'javascript'
    WHEN 'ts' THEN 'typescript'
    WHEN 'golang' THEN 'go'
    WHEN 'k8s' THEN 'kubernetes'
    WHEN 'node' THEN 'nodejs'
    WHEN 'reactjs' THEN 'react'
    WHEN 'vuejs' THEN 'vue'
    WHEN 'csharp' THEN 'c#'
    WHEN 'cpp' THEN 'c++' WHEN 'cplusplus' THEN 'c++'
    WHEN 'ml' THEN 'machinelearning'
    WHEN 'ai' THEN 'artificialintelligence'
    WHEN 'aws' THEN 'amazonwebservices'
    WHEN 'gcp' THEN 'googlecloudplatform' WHEN 'googlecloud' THEN 'googlecloudplatform'
    WHEN 'mssql' THEN 'sqlserver' WHEN 'microsoftsqlserver' THEN 'sqlserver'
    WHEN 'msexcel' THEN 'excel' WHEN 'microsoftexcel' THEN 'excel'
    WHEN 'restapi' THEN 'rest' WHEN 'restapis' THEN 'rest' WHEN 'restful' THEN 'rest'
    ELSE k END;
END
$$;

CREATE OR REPLACE FUNCTION public.degree_key(p_degree text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  -- dots dropped first: "B.Sc." is "bsc", "B. S." is "b s"
  s text := public.normalize_name(pg_catalog.replace(p_degree, '.', ''));
  -- the long form or abbreviation at the start (a whole word), an optional
  -- "in", and the key it becomes; first hit wins
  rules constant text[] := ARRAY[
    '^(bachelor ?s? of science|b ?sc|b ?s|s ?b)( in)?\M', 'bsc',
    '^(bachelor ?s? of arts|b ?a|a ?b)( in)?\M', 'ba',
    '^(master ?s? of business administration|m ?b ?a)( in)?\M', 'mba',
    '^(master ?s? of science|m ?sc|m ?s|s ?m)( in)?\M', 'msc',
    '^(master ?s? of arts|m ?a|a ?m)( in)?\M', 'ma',
    '^(doctor of philosophy|ph ?d|d ?phil)( in)?\M', 'phd',
    '^(bachelor ?s? of engineering|b ?eng|b ?e)( in)?\M', 'beng',
    '^(master ?s? of engineering|m ?eng)( in)?\M', 'meng'];
  i integer := 1;
BEGIN
  WHILE i < pg_catalog.array_length(rules, 1) LOOP
    IF s ~ rules[i] THEN
      s := pg_catalog.regexp_replace(s, rules[i], rules[i + 1]);
      EXIT;
    END IF;
    i := i + 2;
  END LOOP;
  RETURN nullif(pg_catalog.replace(s, ' ', ''), '');
END
$$;

CREATE OR REPLACE FUNCTION public.issuer_key(p_issuer text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  w text[];
BEGIN
  SELECT pg_catalog.array_agg(x ORDER BY o) INTO w
    FROM pg_catalog.unnest(pg_catalog.string_to_array(public.company_key(p_issuer), ' ')) WITH ORDINALITY AS u(x, o)
   WHERE x <> ALL ('{of,and,for,the,&}'::text[]);
  IF coalesce(pg_catalog.array_length(w, 1), 0) < 3 THEN
    RETURN public.company_key(p_issuer);
  END IF;
  RETURN (SELECT pg_catalog.string_agg(pg_catalog.left(x, 1), '' ORDER BY o)
            FROM pg_catalog.unnest(w) WITH ORDINALITY AS u(x, o));
END
$$;

REVOKE ALL ON FUNCTION public.skill_key(text), public.issuer_key(text)
  FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.skill_key(text), public.issuer_key(text)
  TO authenticated, careeros_worker, service_role;

-- skills are looked up by their key
DROP INDEX IF EXISTS public.skill_user_name_key;
CREATE INDEX IF NOT EXISTS skill_user_skill_key ON public.skill (user_id, public.skill_key(name));
