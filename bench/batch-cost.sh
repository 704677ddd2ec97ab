#!/bin/sh
# Batch API mode, cost per resume: N generated plain-text resumes through one
# `careeros-worker run` against the fake OpenAI server, with llm.batch = off
# (every call live) and = on (parse calls through a batch, enrich live), and
# the parse and total cost per resume from the rows' telemetry (the fake
# server's token counts at the default gpt-4o-mini prices).
#
#   bench/batch-cost.sh [N] [BUILD_DIR]      (default 50, build)
#
# Starts a throwaway PostgreSQL cluster (tests/pgcluster.sh) and removes it
# again.
set -eu
n=${1:-50}
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${2:-$src/build}" && pwd)
work=$(mktemp -d /tmp/cw-batch-cost.XXXXXX)
pgdir=$(mktemp -d /tmp/cw-batch-cost-pg.XXXXXX)
fake_pid=
cleanup() {
  [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null
  sh "$src/tests/pgcluster.sh" stop "$pgdir" >/dev/null 2>&1 || true
  rm -rf "$work" "$pgdir"
}
trap cleanup EXIT INT TERM
eval "$(sh "$src/tests/pgcluster.sh" start "$pgdir" | sed 's/^/export /')"

"$build/tests/fake-llm" --port 0 >"$work/port" &
fake_pid=$!
while [ ! -s "$work/port" ]; do sleep 0.1; done
port=$(cat "$work/port")
user=00000000-0000-4000-8000-0000000000aa
mkdir -p "$work/in"
i=0
while [ "$i" -lt "$n" ]; do
  printf 'Person %d Example\nEXPERIENCE\nEngineer at Acme%d (2019 - Present)\n- Built things number %d\nEDUCATION\nMIT, BSc (2015)\nSKILLS\nC, Go, SQL\n' \
    "$i" "$i" "$i" >"$work/in/r$i.txt"
  i=$((i + 1))
done

for mode in off on; do
  db=batch_cost_$mode
  psql -q -d postgres -c "CREATE DATABASE $db"
  mkdir -p "$work/root-$mode"
  cat >"$work/$mode.ini" <<EOF
[database]
conninfo = host=$PGHOST port=$PGPORT user=$PGUSER dbname=$db
[worker]
id = bench-$mode
poll_interval_ms = 200
[storage]
backend = local
root = $work/root-$mode
[provider]
name = openai
[llm]
base_url = http://127.0.0.1:$port/v1
prompt_dir = $src/config/llm
batch = $mode
batch_collect_ms = 500
batch_poll_ms = 200
[extract]
helper = $build/src/extract/careeros-extract
EOF
  "$build/src/careeros-worker" --config "$work/$mode.ini" migrate --dir "$src/sql" >/dev/null
  psql -q -d "$db" -c "INSERT INTO auth.users (id, email) VALUES ('$user', 'bench@example.com')"
  "$build/src/careeros-worker" --config "$work/$mode.ini" enqueue --user "$user" --mime text/plain "$work"/in/*.txt >/dev/null
  "$build/src/careeros-worker" --config "$work/$mode.ini" run >"$work/$mode.log" 2>&1 &
  worker=$!
  while [ "$(psql -Atd "$db" -c "SELECT count(*) FROM public.resume_versions WHERE processing_status NOT IN ('completed', 'failed')")" != 0 ]; do
    sleep 0.5
  done
  kill "$worker"
  wait "$worker" || true
  psql -Atd "$db" -F ' ' -c "SELECT 'llm.batch=$mode', 'resumes=' || count(*),
      'completed=' || count(*) FILTER (WHERE processing_status = 'completed'),
      'answered_by_batch=' || count(*) FILTER (WHERE llm_batch_state = 'answered'),
      'parse_usd_per_resume=' || round(avg((processing_telemetry #>> '{stages,parse,total_cost_usd}')::numeric), 8),
      'total_usd_per_resume=' || round(avg((processing_telemetry ->> 'total_cost_usd')::numeric), 8)
    FROM public.resume_versions"
done
