-- BEFORE INSERT OR UPDATE on tables with <prefix>_date text columns: fills
-- the normalised <prefix>_on / <prefix>_precision columns from the text when
-- the writer did not supply them, and derives is_current from "Present".
-- Generic over the table through jsonb so one function serves all of them.
CREATE OR REPLACE FUNCTION public.tg_normalise_partial_dates()
RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
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

REVOKE ALL ON FUNCTION public.tg_normalise_partial_dates() FROM PUBLIC, anon, authenticated, careeros_worker, service_role;


DO $triggers$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['work_experience', 'education', 'project'] LOOP
    EXECUTE pg_catalog.format(
      'CREATE OR REPLACE TRIGGER normalise_dates BEFORE INSERT OR UPDATE ON public.%I FOR EACH ROW EXECUTE FUNCTION public.tg_normalise_partial_dates(''start'', ''end'')', t);
  END LOOP;
  CREATE OR REPLACE TRIGGER normalise_dates BEFORE INSERT OR UPDATE ON public.certification
    FOR EACH ROW EXECUTE FUNCTION public.tg_normalise_partial_dates('issued', 'expires');
END
$triggers$;
