#!/bin/sh
# A throwaway PostgreSQL 15 cluster for the tests and the demo.
#
#   tests/pgcluster.sh start DIR [PORT]   initdb and start as needed; prints env lines
#   tests/pgcluster.sh stop DIR           stop fast
#   tests/pgcluster.sh restart DIR        restart (used by the Postgres-restart test)
#   tests/pgcluster.sh crash DIR          stop at once, as a crash would (-m immediate):
#                                         with synchronous_commit = off, recent commits are lost
#   tests/pgcluster.sh env DIR            print the env lines again
#
# The server runs as the "postgres" user when started by root (initdb refuses
# root), listens on 127.0.0.1 and on a socket inside DIR, and trusts local
# connections: it is a test fixture, never a deployment.
set -eu
cmd=${1:?usage: pgcluster.sh start|stop|restart|env DIR [PORT]}
dir=${2:?data directory}
port=${3:-}
bindir=$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || pg_config --bindir)

as_pg() {
  if [ "$(id -u)" = 0 ]; then
    su postgres -s /bin/sh -c "$*"
  else
    sh -c "$*"
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
    echo $((20000 + $$ % 20000))
}

print_env() {
  p=$(cat "$dir/port")
  echo "PGHOST=127.0.0.1"
  echo "PGPORT=$p"
  echo "PGUSER=postgres"
  echo "PGDATABASE=careeros"
  echo "CW_TEST_PGDIR=$dir"
}

case "$cmd" in
start)
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; chmod 700 "$dir"; fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_pg "'$bindir/initdb' -D '$dir/data' -A trust -U postgres -E UTF8 --locale=C.UTF-8 >'$dir/initdb.log' 2>&1"
    [ -n "$port" ] || port=$(free_port)
    echo "$port" >"$dir/port"
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
shared_buffers = 256MB
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
log_min_error_statement = panic
CONF
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir/port"; fi
  fi
  # A server already running on DIR is reused; a pid file left by a crash or
  # a reboot is not a running server, and pg_ctl start deals with it.
  as_pg "'$bindir/pg_ctl' -D '$dir/data' status >/dev/null 2>&1" ||
    as_pg "'$bindir/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -t 60 start >/dev/null"
  p=$(cat "$dir/port")
  i=0
  until "$bindir/pg_isready" -q -h 127.0.0.1 -p "$p"; do
    i=$((i + 1)); [ $i -lt 100 ] || { echo "postgres did not start" >&2; exit 1; }
    sleep 0.1
  done
  "$bindir/psql" -q -h 127.0.0.1 -p "$p" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='careeros'" | grep -q 1 ||
    "$bindir/createdb" -h 127.0.0.1 -p "$p" -U postgres careeros
  print_env
  ;;
stop)
  [ -d "$dir/data" ] && as_pg "'$bindir/pg_ctl' -D '$dir/data' -m fast -w stop >/dev/null 2>&1" || true
  ;;
crash)
  as_pg "'$bindir/pg_ctl' -D '$dir/data' -m immediate -w stop >/dev/null"
  ;;
restart)
  as_pg "'$bindir/pg_ctl' -D '$dir/data' -l '$dir/server.log' -m fast -w restart >/dev/null"
  ;;
env)
  print_env
  ;;
*)
  echo "unknown command $cmd" >&2; exit 2
  ;;
esac
