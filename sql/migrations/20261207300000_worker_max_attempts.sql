-- The claim writes the worker's [worker] max_attempts into every row it
-- claims (queue.claim's p_max_attempts), so the worker's role needs that
-- column too.
GRANT UPDATE (max_attempts) ON public.resume_versions TO careeros_worker;
