-- What a user deletes from the profile is remembered by the merge's key
-- (public.merge_tombstones), so that the next resume does not bring it back.
-- AFTER DELETE, per statement: a tombstone per deleted key.  When the
-- rows go because their user is deleted (a cascade from auth.users), the
-- user is gone and so is the need: the foreign key refuses the tombstone,
-- and that is ignored.
CREATE OR REPLACE FUNCTION public.tg_entity_tombstone()
RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  BEGIN
    INSERT INTO public.merge_tombstones (user_id, entity_type, match_key, logical_entity_id, start_on)
    SELECT DISTINCT ON (o.user_id, k.key) o.user_id, TG_TABLE_NAME, k.key, o.logical_entity_id,
           (o.j ->> 'start_on')::date
      FROM (SELECT r.user_id, r.logical_entity_id, pg_catalog.to_jsonb(r) AS j FROM old_rows r) o
     CROSS JOIN LATERAL (SELECT public.entity_match_key(TG_TABLE_NAME,
             CASE TG_TABLE_NAME WHEN 'work_experience' THEN o.j ->> 'company'
                                WHEN 'education' THEN o.j ->> 'institution' ELSE o.j ->> 'name' END,
             CASE TG_TABLE_NAME WHEN 'work_experience' THEN o.j ->> 'title' WHEN 'education' THEN o.j ->> 'degree'
                                WHEN 'certification' THEN o.j ->> 'issuer' END) AS key) k
     WHERE k.key IS NOT NULL
     ORDER BY o.user_id, k.key, (o.j ->> 'is_active')::boolean DESC
    ON CONFLICT ON CONSTRAINT merge_tombstones_user_key DO NOTHING;
  EXCEPTION WHEN foreign_key_violation THEN
    NULL;
  END;
  RETURN NULL;
END
$$;

DO $tombstones$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['work_experience', 'education', 'skill', 'project', 'certification'] LOOP
    EXECUTE pg_catalog.format('CREATE OR REPLACE TRIGGER merge_tombstone AFTER DELETE ON public.%I REFERENCING OLD TABLE AS old_rows '
                              'FOR EACH STATEMENT EXECUTE FUNCTION public.tg_entity_tombstone()', t);
  END LOOP;
END
$tombstones$;
REVOKE ALL ON FUNCTION public.tg_entity_tombstone() FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
