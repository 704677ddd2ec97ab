#!/bin/sh
# Installs the Debian 12 packages careeros-worker needs to build, test,
# package (debhelper, lintian; promtool from prometheus for the alert rules)
# and run the demo, but only those that are missing.  Needs root when anything
# is missing.
set -eu
pkgs="build-essential meson ninja-build pkg-config python3
libpq-dev libuv1-dev libcurl4-openssl-dev libjansson-dev libpcre2-dev check
libmicrohttpd-dev libmimalloc-dev libmagic-dev libzip-dev libxml2-dev libpoppler-glib-dev poppler-utils
libsystemd-dev libssl-dev libseccomp-dev tesseract-ocr tesseract-ocr-eng openssl nghttp2-server
postgresql-15 postgresql-contrib postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl
man-db dpkg-dev debhelper lintian prometheus"
[ -n "${CW_EXTRA_PACKAGES:-}" ] && pkgs="$pkgs $CW_EXTRA_PACKAGES"

missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "missing packages:$missing" >&2
  echo "run as root (or: sudo apt-get install$missing)" >&2
  exit 1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 $missing >/dev/null
