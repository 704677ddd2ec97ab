#!/bin/sh
# The README's error table lists exactly the codes of the catalogue in
# include/careeros/errors.h, with the same retryable flag.
set -eu
src=${1:?source root}
from_header=$(sed -n 's/^ *X(\([A-Z_]*\), *\(true\|false\),.*/\1 \2/p' "$src/include/careeros/errors.h" |
  sed 's/ true$/ yes/; s/ false$/ no/')
from_readme=$(sed -n '/<!-- errors:begin -->/,/<!-- errors:end -->/p' "$src/README.md" |
  sed -n 's/^| `\([A-Z_]*\)` | \(yes\|no\) |.*/\1 \2/p')
if [ "$from_header" != "$from_readme" ]; then
  echo "README.md error table differs from include/careeros/errors.h:" >&2
  printf '%s\n' "$from_header" >/tmp/cw-errors-header.$$
  printf '%s\n' "$from_readme" >/tmp/cw-errors-readme.$$
  diff /tmp/cw-errors-header.$$ /tmp/cw-errors-readme.$$ >&2 || true
  rm -f /tmp/cw-errors-header.$$ /tmp/cw-errors-readme.$$
  exit 1
fi
echo "1..1"
echo "ok 1 - README lists all $(printf '%s\n' "$from_header" | wc -l) error codes"
