-- Who owns a logical entity, as a table: the owner check of the versioned
-- entities becomes a foreign key (user_id, logical_entity_id) ->
-- logical_entities (user_id, id), and the SECURITY DEFINER triggers
-- tg_<table>_owner (they had to see other users' rows through RLS) go.
-- A row is registered by the trigger versioned_register (sql/definitions/
-- 30_triggers/versioned_entities.sql) with the rights of the inserting role.
CREATE TABLE IF NOT EXISTS public.logical_entities (
  id uuid NOT NULL,
  user_id uuid NOT NULL,
  entity_table text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT logical_entities_pkey PRIMARY KEY (id),
  CONSTRAINT logical_entities_user_id_id_key UNIQUE (user_id, id),
  CONSTRAINT logical_entities_user_fkey FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE CASCADE,
  CONSTRAINT logical_entities_entity_table_check
    CHECK (entity_table IN ('work_experience', 'education', 'skill', 'project', 'certification'))
);
COMMENT ON TABLE public.logical_entities IS
  'The owner of each logical entity of the versioned tables; their rows reference it by (user_id, logical_entity_id).';
ALTER TABLE public.logical_entities ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.logical_entities FROM PUBLIC, anon, authenticated, careeros_worker;
GRANT ALL ON public.logical_entities TO service_role;
GRANT SELECT, INSERT (id, user_id, entity_table) ON public.logical_entities TO authenticated, careeros_worker;

DO $owners$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['work_experience', 'education', 'skill', 'project', 'certification'] LOOP
    EXECUTE pg_catalog.format(
      'INSERT INTO public.logical_entities (id, user_id, entity_table, created_at)
       SELECT DISTINCT ON (x.logical_entity_id) x.logical_entity_id, x.user_id, %L, x.created_at
         FROM public.%I x ORDER BY x.logical_entity_id, x.version
       ON CONFLICT (id) DO NOTHING', t, t);
    EXECUTE pg_catalog.format('DROP TRIGGER IF EXISTS versioned_owner ON public.%I', t);
    EXECUTE pg_catalog.format('DROP FUNCTION IF EXISTS public.%I()', 'tg_' || t || '_owner');
    -- the foreign key's index, in place of the one on user_id alone
    EXECUTE pg_catalog.format('CREATE INDEX IF NOT EXISTS %I ON public.%I (user_id, logical_entity_id)',
                              t || '_user_id_logical_idx', t);
    EXECUTE pg_catalog.format('DROP INDEX IF EXISTS public.%I', t || '_user_id_idx');
    EXECUTE pg_catalog.format('ALTER TABLE public.%I DROP CONSTRAINT IF EXISTS %I', t, t || '_logical_entity_owner_fkey');
    EXECUTE pg_catalog.format(
      'ALTER TABLE public.%I ADD CONSTRAINT %I FOREIGN KEY (user_id, logical_entity_id)
         REFERENCES public.logical_entities (user_id, id) ON DELETE CASCADE', t, t || '_logical_entity_owner_fkey');
  END LOOP;
END
$owners$;
