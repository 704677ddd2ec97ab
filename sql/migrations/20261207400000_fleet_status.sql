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

REVOKE ALL ON TABLE queue.workers, queue.fleet_minutes, queue.recent_failures
  FROM PUBLIC, anon, authenticated, service_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE queue.workers, queue.fleet_minutes TO careeros_worker;
GRANT SELECT, DELETE ON TABLE queue.recent_failures TO careeros_worker;
