#!/bin/sh
# The Debian package in clean Debian 12 roots, for a release (not run by
# scripts/test: it downloads two Debian roots and takes about ten minutes):
#  1. a fresh "buildd" root gets exactly the Build-Depends of debian/control
#     (apt-get build-dep) and builds the package with dpkg-buildpackage, which
#     shows that Build-Depends are complete;
#  2. a fresh "minbase" root installs that .deb with apt (its Depends, from
#     shlibs, must be enough to run it), plus systemd and man-db for the
#     checks, and runs tests/package/check.sh on it (--version, check-config,
#     systemd-analyze verify, man, purge without a trace).
# usage: tests/package/chroot.sh [MIRROR]     (as root, with debootstrap)
# Exit: 0 pass, 1 fail, 77 skipped (not root, or no debootstrap).
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
mirror=${1:-http://deb.debian.org/debian}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (chroot)"; exit 77; }
command -v debootstrap >/dev/null 2>&1 || { echo "SKIP: debootstrap not installed"; exit 77; }

work=$(mktemp -d /var/tmp/careeros-chroot.XXXXXX)
cleanup() {
  for r in build clean; do
    if mountpoint -q "$work/$r/proc" 2>/dev/null; then umount "$work/$r/proc"; fi
  done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT INT TERM
fail() { [ -f "$2" ] && tail -n 60 "$2"; echo "FAIL: $1"; exit 1; }

root() { # NAME VARIANT: a fresh Debian 12 root with networking and /proc
  debootstrap --variant="$2" bookworm "$work/$1" "$mirror" >"$work/$1-debootstrap.log" 2>&1 ||
    fail "debootstrap $2" "$work/$1-debootstrap.log"
  cp /etc/resolv.conf "$work/$1/etc/resolv.conf"
  mount -t proc proc "$work/$1/proc"
}

# 1. build
root build buildd
mkdir "$work/build/src"
(cd "$src" && git ls-files -z --cached --others --exclude-standard | xargs -0 sh -c \
  'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh | tar -c --null -T - -f -) | tar -x -C "$work/build/src"
chroot "$work/build" sh -ec '
  export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
  apt-get update -qq
  cd /src && apt-get build-dep -y -qq --no-install-recommends ./
  dpkg-buildpackage -us -uc -b' >"$work/build.log" 2>&1 || fail "dpkg-buildpackage in a fresh Debian 12 root" "$work/build.log"
echo "built in a fresh Debian 12 root with only the Build-Depends: $(cd "$work/build" && ls careeros-worker_*.deb)"

# 2. install, check, purge
root clean minbase
mkdir "$work/clean/deb"
cp "$work/build"/careeros-worker_*.deb "$work/clean/deb/"
cp "$src/tests/package/check.sh" "$work/clean/check.sh"
chroot "$work/clean" sh -ec '
  export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends systemd man-db >/dev/null
  CW_TEST_DEB_DIR=/deb sh /check.sh /' >"$work/check.log" 2>&1 || fail "the package in a clean Debian 12 root" "$work/check.log"
cat "$work/check.log"
echo "PASS: built and checked in clean Debian 12 roots"
