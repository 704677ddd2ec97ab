-- Monthly partitions for interview_transcripts.  Each new partition gets RLS
-- enabled (it is reachable by name in schema public; with no policy of its
-- own, only the owner reads it directly) and no privileges for the API roles.
CREATE OR REPLACE FUNCTION public.create_interview_transcript_partitions(p_from date, p_months integer)
RETURNS integer
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  i integer;
  m date;
  part text;
  created integer := 0;
BEGIN
  IF p_months IS NULL OR p_months < 1 OR p_months > 120 THEN
    RAISE EXCEPTION 'partition_months_out_of_range: p_months must be 1..120, got %', p_months
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  FOR i IN 0 .. p_months - 1 LOOP
    m := (pg_catalog.date_trunc('month', p_from) + pg_catalog.make_interval(months => i))::date;
    part := pg_catalog.format('interview_transcripts_%s', pg_catalog.to_char(m, 'YYYY_MM'));
    IF pg_catalog.to_regclass(pg_catalog.format('public.%I', part)) IS NULL THEN
      EXECUTE pg_catalog.format(
        'CREATE TABLE public.%I PARTITION OF public.interview_transcripts FOR VALUES FROM (%L) TO (%L)',
        part, m::timestamptz, (m + pg_catalog.make_interval(months => 1))::timestamptz);
      created := created + 1;
    END IF;
    EXECUTE pg_catalog.format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', part);
    EXECUTE pg_catalog.format('REVOKE ALL ON public.%I FROM PUBLIC, anon, authenticated', part);
  END LOOP;
  RETURN created;
END
$$;

REVOKE ALL ON FUNCTION public.create_interview_transcript_partitions(date, integer) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION public.create_interview_transcript_partitions(date, integer) TO service_role;

-- Monthly partitions from 2026-01 to at least 2027-12 and at least a year
-- ahead of today (each time this file is applied); operators extend them
-- with the function (e.g. from pg_cron).
SELECT public.create_interview_transcript_partitions('2026-01-01', least(120, greatest(24,
  ((pg_catalog.date_part('year', now()) - 2026) * 12 + pg_catalog.date_part('month', now()) + 12)::integer)));
