-- Fleet status (GET /status on any worker's metrics listener).
--
-- Workers report themselves every few seconds (queue.report_worker): who is
-- alive, how many jobs each holds, and how many it completed since its last
-- report, summed per minute in queue.fleet_minutes.  Failures are logged by
-- a trigger when a version turns 'failed', whoever failed it (a worker, a
-- claim that found a job out of attempts), so the page never scans the
-- million finished rows of resume_versions.  Everything lives in schema
-- "queue": not exposed by PostgREST, readable only by careeros_worker.

CREATE TABLE IF NOT EXISTS queue.workers (
  worker_id text NOT NULL,
  host text NOT NULL,
  version text NOT NULL,
  inflight integer NOT NULL DEFAULT 0,
  concurrency integer NOT NULL DEFAULT 0,
  completed_total bigint NOT NULL DEFAULT 0,
  failed_total bigint NOT NULL DEFAULT 0,
  started_at timestamptz NOT NULL,
  last_seen timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT workers_pkey PRIMARY KEY (worker_id),
  CONSTRAINT workers_worker_id_len CHECK (length(worker_id) BETWEEN 1 AND 300),
  CONSTRAINT workers_host_len CHECK (length(host) <= 300),
  CONSTRAINT workers_version_len CHECK (length(version) <= 100)
);

CREATE TABLE IF NOT EXISTS queue.fleet_minutes (
  minute timestamptz NOT NULL,
  completed integer NOT NULL DEFAULT 0,
  CONSTRAINT fleet_minutes_pkey PRIMARY KEY (minute)
);

CREATE TABLE IF NOT EXISTS queue.recent_failures (
  id bigint GENERATED ALWAYS AS IDENTITY,
  resume_version_id uuid NOT NULL,
  failed_at timestamptz NOT NULL DEFAULT now(),
  stage text,
  code text,
  CONSTRAINT recent_failures_pkey PRIMARY KEY (id)
);
CREATE INDEX IF NOT EXISTS recent_failures_failed_at_idx ON queue.recent_failures (failed_at);

-- Only the transition into 'failed' fires (the WHEN clause is evaluated
-- without calling the function, so ordinary queue updates pay next to nothing).
-- SECURITY DEFINER so that whoever fails a version (the worker, an operator's
-- session) needs no grant on the log; it writes fixed columns only.
CREATE OR REPLACE FUNCTION queue.log_failure() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  INSERT INTO queue.recent_failures (resume_version_id, stage, code)
  VALUES (NEW.id, NEW.processing_errors -> -1 ->> 'stage', NEW.processing_errors -> -1 ->> 'code');
  RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS resume_versions_log_failure ON public.resume_versions;
CREATE TRIGGER resume_versions_log_failure
  AFTER UPDATE OF processing_status ON public.resume_versions
  FOR EACH ROW WHEN (NEW.processing_status = 'failed' AND OLD.processing_status IS DISTINCT FROM 'failed')
  EXECUTE FUNCTION queue.log_failure();

-- One worker's report.  Totals are the process's own counters since it
-- started; a new started_at (a restart under the same worker id) counts
-- from zero again.  Old minutes, failures and silent workers are trimmed
-- here, so no cron job is needed.
CREATE OR REPLACE FUNCTION queue.report_worker(p_worker text, p_host text, p_version text,
                                               p_inflight integer, p_concurrency integer,
                                               p_completed bigint, p_failed bigint,
                                               p_started_at timestamptz)
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  prev_completed bigint := 0;
  prev_started timestamptz;
  delta bigint;
BEGIN
  SELECT w.completed_total, w.started_at INTO prev_completed, prev_started
    FROM queue.workers w WHERE w.worker_id = p_worker FOR UPDATE;
  IF NOT FOUND OR prev_started IS DISTINCT FROM p_started_at THEN
    prev_completed := 0;
  END IF;
  delta := greatest(p_completed - prev_completed, 0);
  INSERT INTO queue.workers AS w (worker_id, host, version, inflight, concurrency, completed_total,
                                  failed_total, started_at, last_seen)
  VALUES (p_worker, p_host, p_version, p_inflight, p_concurrency, p_completed, p_failed, p_started_at, now())
  ON CONFLICT (worker_id) DO UPDATE SET
    host = EXCLUDED.host, version = EXCLUDED.version, inflight = EXCLUDED.inflight,
    concurrency = EXCLUDED.concurrency, completed_total = EXCLUDED.completed_total,
    failed_total = EXCLUDED.failed_total, started_at = EXCLUDED.started_at, last_seen = now();
  IF delta > 0 THEN
    INSERT INTO queue.fleet_minutes AS m (minute, completed)
    VALUES (date_trunc('minute', now()), delta::integer)
    ON CONFLICT (minute) DO UPDATE SET completed = m.completed + EXCLUDED.completed;
  END IF;
  DELETE FROM queue.fleet_minutes WHERE minute < now() - interval '2 hours';
  DELETE FROM queue.recent_failures WHERE failed_at < now() - interval '7 days';
  DELETE FROM queue.workers WHERE last_seen < now() - interval '1 day';
END;
$$;

-- Everything the status page shows, in one snapshot.  No resume text and
-- no personal data: ids, codes, stages, counts and times only.
CREATE OR REPLACE FUNCTION queue.fleet_status()
RETURNS jsonb LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  SELECT jsonb_build_object(
    'generated_at', now(),
    'depth', (SELECT coalesce(jsonb_agg(jsonb_build_object('status', s, 'stage', st, 'count', n)
                                        ORDER BY s DESC, st), '[]'::jsonb)
                FROM (SELECT rv.processing_status AS s, rv.current_stage AS st, count(*) AS n
                        FROM public.resume_versions rv
                       WHERE rv.processing_status IN ('pending', 'processing')
                       GROUP BY 1, 2) d),
    'pending', (SELECT jsonb_build_object(
                  'ready', count(*) FILTER (WHERE rv.run_after <= now()),
                  'waiting_retry', count(*) FILTER (WHERE rv.run_after > now()),
                  'oldest_age_seconds', extract(epoch FROM now() - min(rv.created_at)))
                  FROM public.resume_versions rv WHERE rv.processing_status = 'pending'),
    'minutes', (SELECT jsonb_agg(jsonb_build_object(
                         'minute', g.m,
                         'completed', coalesce(fm.completed, 0),
                         'failed', (SELECT count(*) FROM queue.recent_failures f
                                     WHERE f.failed_at >= g.m AND f.failed_at < g.m + interval '1 minute'))
                       ORDER BY g.m)
                  FROM generate_series(date_trunc('minute', now()) - interval '59 minutes',
                                       date_trunc('minute', now()), interval '1 minute') AS g(m)
                  LEFT JOIN queue.fleet_minutes fm ON fm.minute = g.m),
    'failures', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                          'id', f.resume_version_id, 'stage', f.stage, 'code', f.code, 'at', f.failed_at)
                        ORDER BY f.failed_at DESC, f.id DESC), '[]'::jsonb)
                   FROM (SELECT * FROM queue.recent_failures
                          ORDER BY failed_at DESC, id DESC LIMIT 20) f),
    'workers', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                         'id', w.worker_id, 'host', w.host, 'version', w.version,
                         'inflight', w.inflight, 'concurrency', w.concurrency,
                         'completed', w.completed_total, 'failed', w.failed_total,
                         'started_at', w.started_at,
                         'seen_seconds_ago', round(extract(epoch FROM now() - w.last_seen)::numeric, 1))
                       ORDER BY w.worker_id), '[]'::jsonb)
                  FROM queue.workers w WHERE w.last_seen > now() - interval '1 minute'))
$$;

REVOKE ALL ON TABLE queue.workers, queue.fleet_minutes, queue.recent_failures FROM PUBLIC;
REVOKE ALL ON FUNCTION queue.log_failure(), queue.fleet_status(),
  queue.report_worker(text, text, text, integer, integer, bigint, bigint, timestamptz) FROM PUBLIC;
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'careeros_worker') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE queue.workers, queue.fleet_minutes TO careeros_worker;
    GRANT SELECT, DELETE ON TABLE queue.recent_failures TO careeros_worker;
    GRANT EXECUTE ON FUNCTION queue.fleet_status(),
      queue.report_worker(text, text, text, integer, integer, bigint, bigint, timestamptz) TO careeros_worker;
  END IF;
END;
$$;
