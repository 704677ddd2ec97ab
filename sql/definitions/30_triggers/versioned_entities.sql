-- The versioned entities (work_experience, education, skill, project,
-- certification): a version's content never changes, a logical entity
-- belongs to one user, and inserting an active version retires the previous
-- one.  Trigger functions are not executable by anyone (triggers do not
-- need EXECUTE), and none is SECURITY DEFINER.

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

-- BEFORE INSERT: a logical entity belongs to one user.  Without this, a user
-- who learnt another user's logical_entity_id could insert rows under it
-- and take version numbers the owner needs.  The first version registers
-- the entity in public.logical_entities (with the inserting role's rights:
-- RLS lets a user register only their own); a later one must find it
-- registered to the same user.  The foreign key (user_id,
-- logical_entity_id) -> logical_entities (user_id, id) holds either way;
-- this gives the refusal its name.
CREATE OR REPLACE FUNCTION public.tg_versioned_entity_register()
RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  INSERT INTO public.logical_entities (id, user_id, entity_table)
  VALUES (NEW.logical_entity_id, NEW.user_id, TG_TABLE_NAME)
  ON CONFLICT (id) DO NOTHING;
  IF NOT FOUND AND NOT EXISTS (SELECT 1 FROM public.logical_entities l
                                WHERE l.id = NEW.logical_entity_id AND l.user_id = NEW.user_id) THEN
    RAISE EXCEPTION 'logical_entity_owner_mismatch: logical entity % belongs to another user', NEW.logical_entity_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'logical_entity_owner_mismatch';
  END IF;
  RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION public.tg_versioned_entity_register() FROM PUBLIC, anon, authenticated, careeros_worker, service_role;

-- Per table, with static SQL (plans cached per session), tg_<table>_supersede,
-- BEFORE INSERT of an active version above 1 (a new entity starts at 1, and
-- a second active version 1 is refused by the unique index anyway): retires
-- the previous active version of the same logical entity, so that "insert
-- the next version" is one statement for API clients.  The partial unique
-- index stays the guard.
DO $versioned$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['work_experience', 'education', 'skill', 'project', 'certification'] LOOP
    EXECUTE pg_catalog.format($fn$
      CREATE OR REPLACE TRIGGER versioned_immutable BEFORE UPDATE ON public.%1$I
        FOR EACH ROW EXECUTE FUNCTION public.tg_versioned_entity_immutable();
      CREATE OR REPLACE TRIGGER versioned_register BEFORE INSERT ON public.%1$I
        FOR EACH ROW EXECUTE FUNCTION public.tg_versioned_entity_register();
      CREATE OR REPLACE FUNCTION public.%2$I() RETURNS trigger
      LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $body$
      BEGIN
        IF NEW.is_active THEN
          UPDATE public.%1$I x SET is_active = false
           WHERE x.logical_entity_id = NEW.logical_entity_id AND x.user_id = NEW.user_id AND x.is_active;
        END IF;
        RETURN NEW;
      END
      $body$;
      REVOKE ALL ON FUNCTION public.%2$I() FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
      CREATE OR REPLACE TRIGGER versioned_supersede BEFORE INSERT ON public.%1$I
        FOR EACH ROW WHEN (NEW.is_active AND NEW.version > 1) EXECUTE FUNCTION public.%2$I();
      $fn$, t, 'tg_' || t || '_supersede');
  END LOOP;
END
$versioned$;
