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

REVOKE ALL ON FUNCTION queue.report_worker(text, text, text, integer, integer, bigint, bigint, timestamptz) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION queue.report_worker(text, text, text, integer, integer, bigint, bigint, timestamptz) TO careeros_worker;
