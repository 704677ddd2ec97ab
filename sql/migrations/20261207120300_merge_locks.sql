-- The lock that serialises one user's merges (two versions folded into the
-- same profile at once would race for the same logical entities).  It was
-- an advisory lock whose key came from the user id, and pg_advisory_*() is
-- open to every role: a signed-in user could take another user's key and
-- stall their merges.  Now it is a row lock on that user's row here, in
-- schema queue, which no API role may use; queue.lock_merges() takes it.
CREATE TABLE IF NOT EXISTS queue.merge_locks (
  user_id uuid NOT NULL,
  CONSTRAINT merge_locks_pkey PRIMARY KEY (user_id),
  CONSTRAINT merge_locks_user_fkey FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE CASCADE
);
COMMENT ON TABLE queue.merge_locks IS
  'One row per user whose versions were merged; queue.lock_merges() locks it for the merge''s transaction.';
REVOKE ALL ON queue.merge_locks FROM PUBLIC, anon, authenticated, careeros_worker;
-- service_role calls public.merge_resume_version() too, which takes the lock.
GRANT USAGE ON SCHEMA queue TO service_role;
