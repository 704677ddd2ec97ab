#!/bin/sh
# Installs the build into a scratch DESTDIR and runs `systemd-analyze verify`
# on the installed careeros-worker@.service / careeros-worker.target
# (including the manual pages their Documentation= names).
# usage: verify.sh BUILD_DIR
# Exit: 0 pass, 1 verify reported a problem, 77 skipped (no systemd-analyze).
set -eu
build=${1:?usage: verify.sh BUILD_DIR}

if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "SKIP: systemd-analyze not installed"
  exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
meson install -C "$build" --destdir "$tmp/root" --no-rebuild --quiet >"$tmp/install.log" 2>&1 || {
  cat "$tmp/install.log"; echo "FAIL: meson install"; exit 1; }

unit=$(find "$tmp/root" -path '*/systemd/system/careeros-worker@.service' | head -n 1)
target=$(find "$tmp/root" -path '*/systemd/system/careeros-worker.target' | head -n 1)
[ -n "$unit" ] || { echo "FAIL: careeros-worker@.service was not installed"; exit 1; }
[ -n "$target" ] || { echo "FAIL: careeros-worker.target was not installed"; exit 1; }

# The unit names the binary by its final path; point it at the DESTDIR copy
# so that verify can check that the binary exists and is executable.
exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")
[ -x "$tmp/root$exe" ] || { echo "FAIL: ExecStart binary $exe is not installed at the same path"; exit 1; }
mkdir "$tmp/units"
sed "s|$exe|$tmp/root$exe|g" "$unit" >"$tmp/units/careeros-worker@.service"
cp "$target" "$tmp/units/careeros-worker.target"

# Documentation= names the manual pages; verify runs man on them, so look
# for them in the DESTDIR too (which also checks that they are installed).
man8=$(find "$tmp/root" -path '*/man8/careeros-worker.8' | head -n 1)
[ -n "$man8" ] || { echo "FAIL: careeros-worker.8 was not installed"; exit 1; }
MANPATH=$(dirname "$(dirname "$man8")")
export MANPATH

cd "$tmp/units"
rc=0
SYSTEMD_LOG_LEVEL=notice systemd-analyze verify careeros-worker@verify.service careeros-worker.target \
  >"$tmp/verify.out" 2>&1 || rc=$?
cat "$tmp/verify.out"
# Any complaint about our own files fails, even one that verify only warns
# about ("Unknown key", "Invalid syntax, ignoring"); messages about the
# host's other units (a container without sysinit.target...) do not.
if [ $rc -ne 0 ] || grep -q 'careeros-worker' "$tmp/verify.out"; then
  echo "FAIL: systemd-analyze verify (rc=$rc)"
  exit 1
fi
echo "PASS: systemd-analyze verify careeros-worker@.service careeros-worker.target"
