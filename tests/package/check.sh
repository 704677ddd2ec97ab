#!/bin/sh
# The Debian package, end to end on this machine (CI runs as root on a
# throwaway machine): builds it with scripts/package (dpkg-buildpackage and
# lintian: no errors, no warnings), installs it with apt (twice: the second
# time takes the upgrade path of its scripts), and checks that
#  - `careeros-worker --version` is the package's version;
#  - `check-config` accepts the installed example.ini, and finds the
#    installed prompts and schemas (openai provider) and the helper;
#  - the installed units pass `systemd-analyze verify` and nothing is
#    enabled or started (the service is a template);
#  - both manual pages are installed where man finds them;
#  - with the test cluster of scripts/test: `migrate --status` with the
#    installed SQL finds every migration applied, none changed;
# then purges it and checks that none of its files are left, nor anything
# else named *careeros* (systemd state, directories made by its scripts).
#
# usage: check.sh SOURCE_ROOT      (CW_TEST_DEB_DIR=DIR: use the .deb/.changes there)
# Exit: 0 pass, 1 fail, 77 skipped (not root, or a tool missing: apt-get,
# systemd-analyze, man; dpkg-buildpackage and lintian when it builds).
set -eu
src=${1:?source root}
if [ "$(id -u)" != 0 ]; then echo "SKIP: installing a package needs root"; exit 77; fi
tools="apt-get systemd-analyze man"
[ -n "${CW_TEST_DEB_DIR:-}" ] || tools="$tools dpkg-buildpackage lintian"
for t in $tools; do
  command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
if dpkg-query -W -f='${Status}' careeros-worker 2>/dev/null | grep -q 'ok installed'; then
  echo "FAIL: careeros-worker is already installed here; this test installs and purges it"
  exit 1
fi

tmp=$(mktemp -d /tmp/careeros-pkgtest.XXXXXX)
apt_() { DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=600 "$@"; }
cleanup() {
  if dpkg-query -W -f='${Status}' careeros-worker 2>/dev/null | grep -q 'installed'; then
    apt_ purge careeros-worker >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
fail=0
bad() { echo "FAIL: $*"; fail=1; }

if [ -n "${CW_TEST_DEB_DIR:-}" ]; then
  dist=$CW_TEST_DEB_DIR
else
  dist=$tmp/dist
  sh "$src/scripts/package" "$dist" >"$tmp/package.log" 2>&1 || {
    cat "$tmp/package.log"; echo "FAIL: scripts/package (dpkg-buildpackage or lintian)"; exit 1; }
fi
dist=$(cd "$dist" && pwd)   # apt takes a .deb by its path
deb=$(ls "$dist"/careeros-worker_*.deb)
version=$(dpkg-deb -f "$deb" Version)

# Everything named *careeros* outside the scratch areas, before and after:
# whatever the package or its scripts create must be gone after the purge.
careeros_paths() {
  find /etc /usr /lib /var /opt /srv -xdev \( -path /var/tmp -o -path /var/log -o -path /var/cache \) -prune \
    -o -name '*careeros*' -print 2>/dev/null | sort
}
careeros_paths >"$tmp/before"

apt_ install --no-install-recommends "$deb" >"$tmp/install.log" 2>&1 || {
  cat "$tmp/install.log"; echo "FAIL: apt-get install $deb"; exit 1; }
# Once more over itself: the upgrade path of the maintainer scripts.
apt_ install --reinstall --no-install-recommends "$deb" >"$tmp/install.log" 2>&1 || {
  cat "$tmp/install.log"; bad "apt-get install --reinstall $deb"; }
dpkg -L careeros-worker | sort >"$tmp/files"

# --version
out=$(careeros-worker --version) || bad "careeros-worker --version exited $?"
case "$out" in
"careeros-worker $version "*) ;;
*) bad "--version says '$out', the package is $version" ;;
esac

# check-config against the installed example, with nothing from the caller
for v in $(env | sed -n 's/^\(CAREEROS_[A-Z0-9_]*\)=.*/\1/p'); do unset "$v"; done
unset CREDENTIALS_DIRECTORY || true
example=/usr/share/careeros-worker/example.ini
# storage.root's default (/var/lib/careeros/uploads) is the operator's to create.
CAREEROS_STORAGE_ROOT=$tmp careeros-worker --config "$example" check-config >"$tmp/cc" 2>&1 ||
  { cat "$tmp/cc"; bad "check-config rejects the installed $example"; }
# The openai provider checks the installed prompts and schemas (llm.prompt_dir
# empty: the installed ones); a local base_url needs no key.
CAREEROS_STORAGE_ROOT=$tmp CAREEROS_PROVIDER_NAME=openai CAREEROS_LLM_BASE_URL=http://127.0.0.1:9/v1 \
  careeros-worker --config "$example" check-config >"$tmp/cc" 2>&1 ||
  { cat "$tmp/cc"; bad "check-config with the openai provider: installed prompts/schemas not found"; }
[ -x /usr/libexec/careeros-extract ] || bad "the extraction helper is not at /usr/libexec/careeros-extract"

# systemd units: verify, and nothing enabled
(cd "$tmp" && SYSTEMD_LOG_LEVEL=notice systemd-analyze verify careeros-worker@pkgtest.service \
  careeros-worker.target) >"$tmp/verify" 2>&1 || bad "systemd-analyze verify exited $?"
if grep -q careeros-worker "$tmp/verify"; then cat "$tmp/verify"; bad "systemd-analyze verify complained"; fi
enabled=$(find /etc/systemd/system -name 'careeros-worker*' 2>/dev/null || true)
[ -z "$enabled" ] || bad "installing enabled units: $enabled"

# the Prometheus rules, valid where they are installed
rules=/usr/share/careeros-worker/prometheus/careeros-worker.rules.yml
if [ ! -f "$rules" ]; then bad "$rules is not installed"
elif command -v promtool >/dev/null 2>&1; then
  promtool check rules "$rules" >"$tmp/rules" 2>&1 || { cat "$tmp/rules"; bad "promtool check rules $rules"; }
fi

# manual pages
man -w 8 careeros-worker >/dev/null 2>&1 || bad "man -w 8 careeros-worker finds nothing"
man -w 5 careeros-worker.ini >/dev/null 2>&1 || bad "man -w 5 careeros-worker.ini finds nothing"

# the installed SQL is what the test cluster was migrated with
if [ -n "${CW_TEST_TEMPLATE:-}" ] && [ -n "${PGHOST:-}" ]; then
  CAREEROS_DATABASE_CONNINFO="host=$PGHOST port=${PGPORT:-5432} user=${PGUSER:-postgres} dbname=$CW_TEST_TEMPLATE" \
    careeros-worker migrate --status >"$tmp/status" 2>&1 || { cat "$tmp/status"; bad "migrate --status exited $?"; }
  n=$(grep -c '^applied ' "$tmp/status" || true)
  if grep -Eq '^(pending|CHANGED|MISSING) ' "$tmp/status" || [ "$n" -lt 1 ]; then
    cat "$tmp/status"; bad "the installed SQL differs from the migrated test database"
  fi
else
  echo "note: no test cluster (run through scripts/test): migrate --status not checked"
fi

# purge: no file of the package is left, no state either
apt_ purge careeros-worker >"$tmp/purge.log" 2>&1 || { cat "$tmp/purge.log"; bad "apt-get purge"; }
! dpkg-query -W -f='${Status}' careeros-worker 2>/dev/null | grep -q 'installed' || bad "still installed after purge"
while read -r f; do
  [ -d "$f" ] && continue   # shared directories (/usr/bin, /lib -> usr/lib, ...) stay
  [ -e "$f" ] || [ -L "$f" ] && bad "left after purge: $f"
done <"$tmp/files"
for d in /usr/share/careeros-worker /usr/share/doc/careeros-worker /etc/careeros-worker; do
  [ ! -e "$d" ] || bad "left after purge: $d"
done
careeros_paths >"$tmp/after"
left=$(comm -13 "$tmp/before" "$tmp/after")
[ -z "$left" ] || bad "left after purge: $left"

[ $fail = 0 ] || exit 1
how="built (lintian clean)"; [ -z "${CW_TEST_DEB_DIR:-}" ] || how="from $CW_TEST_DEB_DIR"
echo "PASS: $(basename "$deb") $how, installed, checked and purged without a trace"
