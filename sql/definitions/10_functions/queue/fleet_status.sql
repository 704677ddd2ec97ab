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

REVOKE ALL ON FUNCTION queue.fleet_status() FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
GRANT EXECUTE ON FUNCTION queue.fleet_status() TO careeros_worker;
