-- Triggered by uploads (optional, Supabase Storage only): a file that lands
-- in a configured bucket under "<user_id>/..." becomes a pending
-- resume_versions row by itself, so uploading is all an application does.
--
-- The functions and the trigger are in definitions/ (queue/upload_stream,
-- 30_triggers/storage_uploads); this migration holds the bucket list.
--
-- What the row gets, from what Storage records:
--   stream     user_metadata.stream_id when it names one of the user's streams,
--              else the user's oldest "Default Resume" stream (created if none)
--   file_size  metadata.size          mime_type  metadata.mimetype
--   file_hash  user_metadata.sha256 when the client sent one (64 hex digits),
--              else "md5:<eTag>" when the eTag is a plain MD5 (single-part
--              uploads), else "none": Storage recorded no digest to check.
-- One version per object and content: an upsert that replaces the file
-- (new eTag) is a new version; the same row written again is not.

CREATE TABLE IF NOT EXISTS queue.upload_buckets (
  bucket_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT upload_buckets_pkey PRIMARY KEY (bucket_id),
  CONSTRAINT upload_buckets_bucket_id_len CHECK (length(bucket_id) BETWEEN 1 AND 100)
);
INSERT INTO queue.upload_buckets (bucket_id) VALUES ('resumes') ON CONFLICT DO NOTHING;
REVOKE ALL ON TABLE queue.upload_buckets FROM PUBLIC, anon, authenticated, careeros_worker, service_role;

