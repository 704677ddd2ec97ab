-- Triggered by uploads (optional, Supabase Storage only): a file that lands
-- in a bucket of queue.upload_buckets under "<user_id>/..." becomes a pending
-- resume_versions row (see README, "Triggered by uploads").  Where
-- storage.objects does not exist the functions are created and nothing is
-- attached; SELECT queue.install_storage_upload_trigger() does it later.
CREATE OR REPLACE FUNCTION queue.version_from_storage_object() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  obj jsonb := pg_catalog.to_jsonb(NEW); -- columns differ across Storage versions (owner_id, user_metadata)
  meta jsonb := coalesce(NEW.metadata, '{}'::jsonb);
  umeta jsonb;
  v_first text := pg_catalog.split_part(NEW.name, '/', 1);
  v_user uuid;
  v_owner text;
  v_etag text;
  v_hash text;
  v_stream uuid;
  v_number integer;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM queue.upload_buckets b WHERE b.bucket_id = NEW.bucket_id)
     OR meta ->> 'size' IS NULL -- still uploading: Storage writes the metadata when the file is complete
     OR pg_catalog.strpos(NEW.name, '/') = 0
     OR v_first !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
    RETURN NULL;
  END IF;
  v_user := v_first::uuid;
  -- an upload by a signed-in user counts only in that user's own folder
  v_owner := coalesce(obj ->> 'owner_id', obj ->> 'owner');
  IF (v_owner IS NOT NULL AND v_owner <> v_user::text)
     OR NOT EXISTS (SELECT 1 FROM auth.users u WHERE u.id = v_user) THEN
    RETURN NULL;
  END IF;
  v_etag := pg_catalog.lower(pg_catalog.btrim(coalesce(meta ->> 'eTag', ''), '"'));
  IF EXISTS (SELECT 1 FROM public.resume_versions rv
              WHERE rv.user_id = v_user AND rv.upload_metadata ->> 'storage_object_id' = NEW.id::text
                AND rv.upload_metadata ->> 'etag' = v_etag) THEN
    RETURN NULL;
  END IF;
  umeta := CASE WHEN pg_catalog.jsonb_typeof(obj -> 'user_metadata') = 'object' THEN obj -> 'user_metadata'
                ELSE '{}'::jsonb END;
  v_hash := CASE
    WHEN umeta ->> 'sha256' ~* '^[0-9a-f]{64}$' THEN pg_catalog.lower(umeta ->> 'sha256')
    WHEN v_etag ~ '^[0-9a-f]{32}$' THEN 'md5:' || v_etag
    ELSE 'none' END;
  v_stream := queue.upload_stream(v_user, umeta ->> 'stream_id');
  SELECT coalesce(max(rv.version_number), 0) + 1 INTO v_number
    FROM public.resume_versions rv WHERE rv.stream_id = v_stream;
  INSERT INTO public.resume_versions (stream_id, user_id, version_number, file_name, file_path, file_size,
                                      file_hash, mime_type, upload_metadata)
  VALUES (v_stream, v_user, v_number,
          coalesce(nullif(pg_catalog.regexp_replace(NEW.name, '^.*/', ''), ''), 'resume'),
          NEW.name,
          least((meta ->> 'size')::numeric, 2147483647)::integer,
          v_hash,
          coalesce(nullif(meta ->> 'mimetype', ''), 'application/octet-stream'),
          pg_catalog.jsonb_build_object('source', 'storage', 'bucket', NEW.bucket_id,
                                        'storage_object_id', NEW.id::text, 'etag', v_etag));
  RETURN NULL;
END;
$$;

-- Attaches the trigger when Storage exists; true when it did.
CREATE OR REPLACE FUNCTION queue.install_storage_upload_trigger() RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF pg_catalog.to_regclass('storage.objects') IS NULL THEN
    RETURN false;
  END IF;
  -- Created once and never dropped here: on Supabase the project owner may
  -- add triggers to storage.objects (TRIGGER privilege) but not drop them
  -- (that takes ownership).  The function it calls is replaced in place.
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger t
                  WHERE t.tgrelid = 'storage.objects'::regclass AND t.tgname = 'careeros_version_from_upload') THEN
    CREATE TRIGGER careeros_version_from_upload
      AFTER INSERT OR UPDATE OF metadata ON storage.objects
      FOR EACH ROW EXECUTE FUNCTION queue.version_from_storage_object();
  END IF;
  RETURN true;
END;
$$;

REVOKE ALL ON FUNCTION queue.version_from_storage_object(), queue.install_storage_upload_trigger()
  FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
SELECT queue.install_storage_upload_trigger();
