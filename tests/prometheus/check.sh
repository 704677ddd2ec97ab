#!/bin/sh
# The Prometheus rules of contrib/prometheus against promtool and the daemon.
#
#   check.sh rules DIR          promtool check rules and promtool test rules
#                               (DIR/careeros-worker.rules.yml, .tests.yml)
#   check.sh scrape FILE RULES  FILE is a live /metrics scrape of the daemon:
#                               promtool check metrics (exposition lint), and
#                               every careeros_* metric RULES uses is exported
# Exit: 0 pass, 1 fail, 77 skipped (no promtool: Debian package prometheus).
set -eu
command -v promtool >/dev/null 2>&1 || { echo "SKIP: promtool not installed (package prometheus)"; exit 77; }
mode=${1:?usage: check.sh rules DIR | scrape FILE RULES}

case "$mode" in
rules)
  dir=${2:?rules directory}
  cd "$dir"
  promtool check rules careeros-worker.rules.yml || { echo "FAIL: promtool check rules"; exit 1; }
  promtool test rules careeros-worker.tests.yml || { echo "FAIL: promtool test rules"; exit 1; }
  echo "PASS: rules valid, unit tests pass"
  ;;
scrape)
  scrape=${2:?scrape file}
  rules=${3:?rules file}
  [ -s "$scrape" ] || { echo "FAIL: empty scrape $scrape"; exit 1; }
  # promtool prints lint findings and exits 3 when there are any.
  if ! out=$(promtool check metrics <"$scrape" 2>&1) || [ -n "$out" ]; then
    echo "$out"
    echo "FAIL: promtool check metrics on the live scrape"
    exit 1
  fi
  # Names the rules read: careeros_* not preceded by ':' (recording rules
  # are level:careeros_...:operation); a histogram's _bucket/_sum/_count
  # belong to its family.
  exported=$(sed -n 's/^# TYPE \(careeros_[a-z0-9_]*\) .*/\1/p' "$scrape" | sort -u)
  used=$(grep -v '^ *#' "$rules" | grep -oE '(^|[^:a-z0-9_])careeros_[a-z0-9_]+' | sed 's/^[^c]//' | sort -u)
  missing=""
  for m in $used; do
    base=$(printf '%s' "$m" | sed -E 's/_(bucket|sum|count)$//')
    printf '%s\n' "$exported" | grep -qx -e "$m" -e "$base" || missing="$missing $m"
  done
  if [ -n "$missing" ]; then
    echo "FAIL: the rules use metrics the daemon does not export:$missing"
    exit 1
  fi
  echo "PASS: promtool check metrics clean; the $(echo "$used" | wc -w) metrics the rules use are all exported"
  ;;
*)
  echo "usage: check.sh rules DIR | scrape FILE RULES" >&2
  exit 2
  ;;
esac
