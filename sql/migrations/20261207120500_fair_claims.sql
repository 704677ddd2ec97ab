-- Fair claims across users.  A claim took pending versions by priority,
-- then age: one user's 5,000 pending versions were all claimed before
-- another user's later upload.  Each pending version now carries its place
-- in its user's queue (queue_rank: 0 for a user's first pending version,
-- then 1, 2, ...), and claims go by priority, then queue_rank, then age:
-- every user's next version before anyone's second, so an upload waits for
-- at most one version of each other user with pending work, not for their
-- backlog.  Set by a trigger on insert (sql/definitions/30_triggers/
-- queue_rank.sql); no API role may write it.
ALTER TABLE public.resume_versions ADD COLUMN IF NOT EXISTS queue_rank integer NOT NULL DEFAULT 0;
ALTER TABLE public.resume_versions DROP CONSTRAINT IF EXISTS resume_versions_queue_rank_nonnegative;
ALTER TABLE public.resume_versions ADD CONSTRAINT resume_versions_queue_rank_nonnegative CHECK (queue_rank >= 0);

-- Versions already waiting get their places, oldest first.
UPDATE public.resume_versions rv SET queue_rank = r.rank
  FROM (SELECT v.id, (pg_catalog.row_number() OVER (PARTITION BY v.user_id ORDER BY v.priority DESC, v.run_after, v.id) - 1)::integer AS rank
          FROM public.resume_versions v WHERE v.processing_status = 'pending') r
 WHERE rv.id = r.id AND rv.queue_rank <> r.rank;

-- The claim's index, now in claim order; and each user's pending places,
-- for the trigger (pending rows only, so claims and stage commits never
-- touch it).
DROP INDEX IF EXISTS public.resume_versions_queue_pending_idx;
CREATE INDEX resume_versions_queue_pending_idx
  ON public.resume_versions (priority DESC, queue_rank, run_after)
  WHERE processing_status = 'pending';
CREATE INDEX IF NOT EXISTS resume_versions_queue_user_rank_idx
  ON public.resume_versions (user_id, queue_rank)
  WHERE processing_status = 'pending';
