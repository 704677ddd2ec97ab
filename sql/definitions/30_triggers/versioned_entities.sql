-- The versioned entities (work_experience, education, skill, project,
-- certification): a version's content never changes, a logical entity
-- belongs to one user, and inserting an active version retires the previous
-- one.  Trigger functions are not executable by anyone (triggers do not
-- need EXECUTE).

-- Versioned entities: a version's content never changes after insert (history
-- is never overwritten); only is_active, updated_at and the provenance link
-- (set to NULL when its resume version is deleted) may change.  A new version
-- is a new row with the same logical_entity_id.
CREATE OR REPLACE FUNCTION public.tg_versioned_entity_immutable()
RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
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
REVOKE ALL ON FUNCTION public.tg_versioned_entity_immutable() FROM PUBLIC, anon, authenticated, careeros_worker, service_role;

-- Per table, with static SQL (plans cached per session):
--  * tg_<table>_owner, AFTER INSERT once per statement over its new rows: a
--    logical entity belongs to one user.  Without it, a user who learnt
--    another user's logical_entity_id could insert rows under it and take
--    version numbers the owner needs.  SECURITY DEFINER because RLS hides the
--    other user's rows from the inserting role.
--  * tg_<table>_supersede, BEFORE INSERT of an active version above 1 (a new
--    entity starts at 1, and a second active version 1 is refused by the
--    unique index anyway): retires the previous active version of the same
--    logical entity, so that "insert the next version" is one statement for
--    API clients.  The partial unique index stays the guard.
DO $versioned$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['work_experience', 'education', 'skill', 'project', 'certification'] LOOP
    EXECUTE pg_catalog.format($fn$
      CREATE OR REPLACE TRIGGER versioned_immutable BEFORE UPDATE ON public.%2$I
        FOR EACH ROW EXECUTE FUNCTION public.tg_versioned_entity_immutable();
      CREATE OR REPLACE FUNCTION public.%1$I() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$
      DECLARE
        v_logical uuid;
      BEGIN
        -- an index probe per new row (a join plan could read the table)
        SELECT n.logical_entity_id INTO v_logical
          FROM new_rows n
         CROSS JOIN LATERAL (SELECT 1 FROM public.%2$I x
                              WHERE x.logical_entity_id = n.logical_entity_id AND x.user_id <> n.user_id
                              LIMIT 1) other
         LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'logical_entity_owner_mismatch: logical entity %% belongs to another user', v_logical
            USING ERRCODE = 'check_violation', CONSTRAINT = 'logical_entity_owner_mismatch';
        END IF;
        RETURN NULL;
      END
      $body$;
      CREATE OR REPLACE FUNCTION public.%3$I() RETURNS trigger
      LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $body$
      BEGIN
        IF NEW.is_active THEN
          UPDATE public.%2$I x SET is_active = false
           WHERE x.logical_entity_id = NEW.logical_entity_id AND x.user_id = NEW.user_id AND x.is_active;
        END IF;
        RETURN NEW;
      END
      $body$;
      REVOKE ALL ON FUNCTION public.%1$I(), public.%3$I() FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
      DROP TRIGGER IF EXISTS versioned_owner ON public.%2$I;
      CREATE TRIGGER versioned_owner AFTER INSERT ON public.%2$I REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION public.%1$I();
      CREATE OR REPLACE TRIGGER versioned_supersede BEFORE INSERT ON public.%2$I
        FOR EACH ROW WHEN (NEW.is_active AND NEW.version > 1) EXECUTE FUNCTION public.%3$I();
      $fn$, 'tg_' || t || '_owner', t, 'tg_' || t || '_supersede');
  END LOOP;
END
$versioned$;
