-- Simulates Supabase Storage's tables closely enough for the upload trigger
-- and the resumes bucket's policies: schema storage and its tables owned by
-- supabase_storage_admin, storage.buckets and storage.objects with the
-- columns Storage writes (metadata with size, mimetype and eTag;
-- owner/owner_id; user_metadata), RLS on and every API role granted, as on
-- Supabase.
-- Idempotent, no psql meta-commands: the pgTAP suite includes it and the
-- worker tests execute it as one string.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'supabase_storage_admin') THEN
    CREATE ROLE supabase_storage_admin NOLOGIN NOINHERIT;
  END IF;
  IF pg_catalog.to_regnamespace('storage') IS NULL THEN
    EXECUTE 'CREATE SCHEMA storage AUTHORIZATION supabase_storage_admin';
  END IF;
END;
$$;

SET ROLE supabase_storage_admin;
CREATE TABLE IF NOT EXISTS storage.buckets (
  id text PRIMARY KEY,
  name text NOT NULL,
  owner uuid,
  public boolean DEFAULT false,
  created_at timestamptz DEFAULT now(),
  updated_at timestamptz DEFAULT now()
);

CREATE TABLE IF NOT EXISTS storage.objects (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  bucket_id text REFERENCES storage.buckets (id),
  name text,
  owner uuid,
  owner_id text,
  created_at timestamptz DEFAULT now(),
  updated_at timestamptz DEFAULT now(),
  last_accessed_at timestamptz DEFAULT now(),
  metadata jsonb,
  path_tokens text[] GENERATED ALWAYS AS (string_to_array(name, '/')) STORED,
  version text,
  user_metadata jsonb,
  CONSTRAINT bucketid_objname UNIQUE (bucket_id, name)
);
ALTER TABLE storage.objects ENABLE ROW LEVEL SECURITY;
ALTER TABLE storage.buckets ENABLE ROW LEVEL SECURITY;
GRANT USAGE ON SCHEMA storage TO anon, authenticated, service_role;
GRANT ALL ON storage.buckets, storage.objects TO anon, authenticated, service_role;
INSERT INTO storage.buckets (id, name) VALUES ('resumes', 'resumes'), ('avatars', 'avatars')
ON CONFLICT DO NOTHING;
RESET ROLE;
