#!/bin/sh
# config/example.ini documents every configuration key and is itself valid:
# check-config accepts it, and its keys are exactly the keys the binary
# knows (the dump printed by check-config), section by section.
# usage: example_ini.sh CAREEROS_WORKER_BINARY EXAMPLE_INI
set -eu
bin=${1:?binary}
ini=${2:?example.ini}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Nothing from the caller's environment may leak into the check.
for v in $(env | sed -n 's/^\(CAREEROS_[A-Z0-9_]*\)=.*/\1/p'); do unset "$v"; done
unset CREDENTIALS_DIRECTORY || true
# check-config also checks that storage.root exists; the example's
# /var/lib/careeros/uploads need not exist on a build machine.
export CAREEROS_STORAGE_ROOT="$tmp"

if ! "$bin" --config "$ini" check-config >"$tmp/dump" 2>"$tmp/err"; then
  cat "$tmp/err"
  echo "FAIL: check-config rejects $ini"
  exit 1
fi

# section.key lists; commented-out keys (";key = ...") count as documented.
keys() {
  awk '
    /^[[:space:]]*\[[a-z_]+\][[:space:]]*$/ { gsub(/[][[:space:]]/, ""); s = $0; next }
    /^;?[a-z_]+[[:space:]]*=/ { k = $0; sub(/^;/, "", k); sub(/[[:space:]]*=.*/, "", k); print s "." k }
  ' "$1" | sort -u
}
keys "$ini" >"$tmp/documented"
keys "$tmp/dump" >"$tmp/known"
# llm.header is repeatable and absent from the dump when unset.
echo llm.header >>"$tmp/known"
sort -u -o "$tmp/known" "$tmp/known"

if ! diff -u "$tmp/known" "$tmp/documented" >"$tmp/diff"; then
  echo "FAIL: keys differ between the binary (-) and $ini (+):"
  cat "$tmp/diff"
  exit 1
fi
echo "PASS: $(wc -l <"$tmp/known") keys documented in $ini and accepted by check-config"
