-- Helper functions used by the tables, triggers and policies that follow.
-- All of them run with an empty search_path and qualify every name, so that a
-- caller cannot redirect them with objects of their own.

-- Admin rights come from the JWT's app_metadata, which only the service role
-- (or the Supabase admin API) can change.  raw_user_meta_data / user_metadata
-- is editable by every user and is never consulted.
CREATE OR REPLACE FUNCTION public.is_admin()
RETURNS boolean
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = ''
AS $$
  SELECT coalesce((auth.jwt() -> 'app_metadata' ->> 'role') = 'admin', false)
$$;
COMMENT ON FUNCTION public.is_admin() IS
  'True when the caller''s JWT carries app_metadata.role = "admin". Use as (select public.is_admin()) in policies.';

-- Name normalisation for matching: lower case, accents kept, punctuation and
-- runs of white space folded, common legal suffixes of companies untouched
-- (the trigram match absorbs them).
CREATE OR REPLACE FUNCTION public.normalize_name(p_name text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = ''
AS $$
  SELECT nullif(btrim(pg_catalog.regexp_replace(
           pg_catalog.regexp_replace(pg_catalog.lower(p_name), '[^[:alnum:]+#]+', ' ', 'g'),
           '\s+', ' ', 'g')), '')
$$;

CREATE OR REPLACE FUNCTION public.normalize_names(p_names text[])
RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = ''
AS $$
  SELECT coalesce(pg_catalog.array_agg(n ORDER BY n), '{}')
    FROM (SELECT DISTINCT public.normalize_name(a) AS n FROM pg_catalog.unnest(p_names) AS a) s
   WHERE n IS NOT NULL
$$;

-- Partial dates as resumes print them: "2020", "2020-03", "2020-03-15",
-- "03/2020", "Mar 2020", "March 2020".  Returns the first day of the period and
-- its precision; NULLs for "Present" or anything unparseable (the text column
-- keeps what was printed).
CREATE OR REPLACE FUNCTION public.parse_partial_date(p_text text, OUT on_date date, OUT date_precision text)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = ''
AS $$
DECLARE
  t text := pg_catalog.lower(btrim(coalesce(p_text, '')));
  m text[];
  y int;
  mo int;
  d int;
  months text[] := ARRAY['jan','feb','mar','apr','may','jun','jul','aug','sep','oct','nov','dec'];
BEGIN
  on_date := NULL;
  date_precision := NULL;
  IF t = '' THEN
    RETURN;
  END IF;
  IF t ~ '^\d{4}$' THEN
    y := t::int; mo := 1; d := 1; date_precision := 'year';
  ELSIF t ~ '^\d{4}-\d{1,2}$' THEN
    m := pg_catalog.regexp_match(t, '^(\d{4})-(\d{1,2})$');
    y := m[1]::int; mo := m[2]::int; d := 1; date_precision := 'month';
  ELSIF t ~ '^\d{4}-\d{1,2}-\d{1,2}$' THEN
    m := pg_catalog.regexp_match(t, '^(\d{4})-(\d{1,2})-(\d{1,2})$');
    y := m[1]::int; mo := m[2]::int; d := m[3]::int; date_precision := 'day';
  ELSIF t ~ '^\d{1,2}[/.]\d{4}$' THEN
    m := pg_catalog.regexp_match(t, '^(\d{1,2})[/.](\d{4})$');
    y := m[2]::int; mo := m[1]::int; d := 1; date_precision := 'month';
  ELSIF t ~ '^[a-z]{3}[a-z]*\.?,?\s+\d{4}$' THEN
    m := pg_catalog.regexp_match(t, '^([a-z]{3})[a-z]*\.?,?\s+(\d{4})$');
    mo := pg_catalog.array_position(months, m[1]);
    IF mo IS NULL THEN
      RETURN;
    END IF;
    y := m[2]::int; d := 1; date_precision := 'month';
  ELSE
    RETURN;
  END IF;
  IF y < 1900 OR y > 2200 OR mo < 1 OR mo > 12 OR d < 1 OR d > 31 THEN
    date_precision := NULL;
    RETURN;
  END IF;
  BEGIN
    on_date := pg_catalog.make_date(y, mo, d);
  EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
    on_date := NULL;
    date_precision := NULL;
  END;
END
$$;

-- Formats a normalised partial date back to ISO 8601 at its precision
-- ("2020", "2020-03", "2020-03-15"), the form JSON Resume expects.
CREATE OR REPLACE FUNCTION public.format_partial_date(p_on date, p_precision text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = ''
AS $$
  SELECT CASE p_precision
           WHEN 'year' THEN pg_catalog.to_char(p_on, 'YYYY')
           WHEN 'month' THEN pg_catalog.to_char(p_on, 'YYYY-MM')
           WHEN 'day' THEN pg_catalog.to_char(p_on, 'YYYY-MM-DD')
         END
$$;

CREATE OR REPLACE FUNCTION public.is_present_date_text(p_text text)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = ''
AS $$
  SELECT coalesce(pg_catalog.lower(btrim(p_text)) IN ('present', 'current', 'now', 'today', 'ongoing'), false)
$$;

-- BEFORE INSERT OR UPDATE: keeps updated_at honest.
CREATE OR REPLACE FUNCTION public.tg_set_updated_at()
RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = ''
AS $$
BEGIN
  NEW.updated_at := pg_catalog.now();
  RETURN NEW;
END
$$;

-- BEFORE INSERT OR UPDATE on tables with <prefix>_date text columns: fills
-- the normalised <prefix>_on / <prefix>_precision columns from the text when
-- the writer did not supply them, and derives is_current from "Present".
-- Generic over the table through jsonb so one function serves all of them.
CREATE OR REPLACE FUNCTION public.tg_normalise_partial_dates()
RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = ''
AS $$
DECLARE
  j jsonb := pg_catalog.to_jsonb(NEW);
  o jsonb := CASE WHEN TG_OP = 'UPDATE' THEN pg_catalog.to_jsonb(OLD) ELSE '{}'::jsonb END;
  patch jsonb := '{}'::jsonb;
  prefix text;
  parsed record;
BEGIN
  FOREACH prefix IN ARRAY TG_ARGV LOOP
    -- On UPDATE, a changed text invalidates the old normalisation.
    IF TG_OP = 'UPDATE' AND (j -> (prefix || '_date')) IS DISTINCT FROM (o -> (prefix || '_date'))
       AND (j -> (prefix || '_on')) IS NOT DISTINCT FROM (o -> (prefix || '_on')) THEN
      j := j || pg_catalog.jsonb_build_object(prefix || '_on', NULL, prefix || '_precision', NULL);
      patch := patch || pg_catalog.jsonb_build_object(prefix || '_on', NULL, prefix || '_precision', NULL);
    END IF;
    IF (j ->> (prefix || '_on')) IS NULL AND (j ->> (prefix || '_date')) IS NOT NULL THEN
      IF prefix = 'end' AND public.is_present_date_text(j ->> 'end_date') THEN
        IF j ? 'is_current' THEN
          patch := patch || '{"is_current": true}'::jsonb;
        END IF;
      ELSE
        SELECT * INTO parsed FROM public.parse_partial_date(j ->> (prefix || '_date'));
        IF parsed.on_date IS NOT NULL THEN
          patch := patch || pg_catalog.jsonb_build_object(prefix || '_on', parsed.on_date,
                                                          prefix || '_precision', parsed.date_precision);
        END IF;
      END IF;
    ELSIF (j ->> (prefix || '_on')) IS NOT NULL AND (j ->> (prefix || '_precision')) IS NULL THEN
      patch := patch || pg_catalog.jsonb_build_object(prefix || '_precision', 'day');
    END IF;
  END LOOP;
  IF patch <> '{}'::jsonb THEN
    NEW := pg_catalog.jsonb_populate_record(NEW, patch);
  END IF;
  RETURN NEW;
END
$$;

-- Versioned entities: a version's content never changes after insert (history
-- is never overwritten); only is_active, updated_at and the provenance link
-- (set to NULL when its resume version is deleted) may change.  A new version
-- is a new row with the same logical_entity_id.
CREATE OR REPLACE FUNCTION public.tg_versioned_entity_immutable()
RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = ''
AS $$
BEGIN
  IF (pg_catalog.to_jsonb(NEW) - '{is_active,updated_at,source_resume_version_id}'::text[])
     IS DISTINCT FROM (pg_catalog.to_jsonb(OLD) - '{is_active,updated_at,source_resume_version_id}'::text[]) THEN
    RAISE EXCEPTION 'versioned_entity_immutable: % rows are versioned; insert a new version instead of updating %',
      TG_TABLE_NAME, OLD.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'versioned_entity_immutable';
  END IF;
  RETURN NEW;
END
$$;

-- BEFORE INSERT of an active version: retires the previous active version of
-- the same logical entity (same owner), so that "insert the next version" is
-- one statement for API clients.  The partial unique index stays the guard.
CREATE OR REPLACE FUNCTION public.tg_versioned_entity_supersede()
RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = ''
AS $$
BEGIN
  IF NEW.is_active THEN
    EXECUTE pg_catalog.format(
      'UPDATE %I.%I SET is_active = false WHERE logical_entity_id = $1 AND user_id = $2 AND is_active',
      TG_TABLE_SCHEMA, TG_TABLE_NAME)
      USING NEW.logical_entity_id, NEW.user_id;
  END IF;
  RETURN NEW;
END
$$;

-- BEFORE INSERT: a logical entity belongs to one user.  Without this, a user
-- who learnt another user's logical_entity_id could insert rows under it and
-- take version numbers the owner needs.  SECURITY DEFINER because RLS hides
-- the other user's rows from the inserting role; EXECUTE is revoked from
-- everyone (triggers do not need it).
CREATE OR REPLACE FUNCTION public.tg_versioned_entity_owner()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_other boolean;
BEGIN
  EXECUTE pg_catalog.format(
    'SELECT EXISTS (SELECT 1 FROM %I.%I WHERE logical_entity_id = $1 AND user_id <> $2)',
    TG_TABLE_SCHEMA, TG_TABLE_NAME)
    INTO v_other USING NEW.logical_entity_id, NEW.user_id;
  IF v_other THEN
    RAISE EXCEPTION 'logical_entity_owner_mismatch: logical entity % belongs to another user', NEW.logical_entity_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'logical_entity_owner_mismatch';
  END IF;
  RETURN NEW;
END
$$;

-- For read policies "own rows, or every row for an admin" in an indexable
-- form.  "user_id = uid OR is_admin" cannot use an index (the planner cannot
-- know the admin flag in advance), so an unfiltered SELECT by a user would
-- scan the whole table.  Written as
--   user_id BETWEEN coalesce((select rls_admin_bound(false)), (select auth.uid()))
--               AND coalesce((select rls_admin_bound(true)),  (select auth.uid()))
-- it is a range on user_id: [uid, uid] for a user, the whole uuid range for
-- an admin, and empty (NULL bounds) without a signed-in user.
CREATE OR REPLACE FUNCTION public.rls_admin_bound(p_upper boolean)
RETURNS uuid
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = ''
AS $$
  SELECT CASE WHEN public.is_admin() THEN
           CASE WHEN p_upper THEN 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid
                ELSE '00000000-0000-0000-0000-000000000000'::uuid END
         END
$$;
