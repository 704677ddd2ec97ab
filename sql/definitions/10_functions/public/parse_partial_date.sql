-- Partial dates as resumes print them: "2020", "2020-03", "2020-03-15",
-- "03/2020", "Mar 2020", "March 2020".  Returns the first day of the period and
-- its precision; NULLs for "Present" or anything unparseable (the text column
-- keeps what was printed).
CREATE OR REPLACE FUNCTION public.parse_partial_date(p_text text, OUT on_date date, OUT date_precision text)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
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

REVOKE ALL ON FUNCTION public.parse_partial_date(text) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.parse_partial_date(text) TO authenticated, careeros_worker, service_role;
