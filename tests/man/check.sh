#!/bin/sh
# The manual pages cannot drift from the binary, and render cleanly:
#  - careeros-worker(8) has a section for every command of `--help`, the
#    global options and every exit code;
#  - careeros-worker.ini(5) has an entry for exactly the keys the binary
#    knows (the dump of check-config, i.e. the key table of src/config.c),
#    each under its section, with the binary's default;
#  - `MANWIDTH=80 man --warnings -l` renders both without a warning.
# usage: check.sh CAREEROS_WORKER_BINARY MAN8 MAN5
# Exit: 0 pass, 1 fail, 77 skipped (man not installed).
set -eu
bin=${1:?binary}
man8=${2:?careeros-worker.8}
man5=${3:?careeros-worker.ini.5}
command -v man >/dev/null 2>&1 || { echo "SKIP: man (man-db) not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# ---- rendering
for page in "$man8" "$man5"; do
  MANWIDTH=80 man --warnings -l "$page" >"$tmp/out" 2>"$tmp/err" || bad "man -l $page exited $?"
  if [ -s "$tmp/err" ]; then
    bad "man --warnings -l $page:"
    cat "$tmp/err"
  fi
  [ "$(wc -l <"$tmp/out")" -gt 20 ] || bad "$page renders to almost nothing"
done

# ---- careeros-worker(8): commands, options, exit codes
"$bin" --help >"$tmp/help"
commands=$(awk '/^commands:/ { on = 1; next } on && /^$/ { on = 0 } on { print $1 }' "$tmp/help")
[ -n "$commands" ] || bad "no commands in '$bin --help'"
for c in $commands; do
  pat=$(printf '%s' "$c" | sed 's/-/\\\\-/g')
  grep -Eq "^\.SS \"?$pat( |\"|\$)" "$man8" || bad "command '$c' has no .SS section in $man8"
done
for o in config help version; do
  grep -q "\\\\-\\\\-$o" "$man8" || bad "option --$o is not in $man8"
done
# "exit codes: 0 success, 1 ...," and its indented continuation lines
codes=$(awk '/^exit codes: / { on = 1; sub(/^exit codes: /, ""); print; next }
             on && /^[[:space:]]+[0-9]/ { print; next } { on = 0 }' "$tmp/help" |
  tr ',' '\n' | awk 'NF { print $1 }')
[ -n "$codes" ] || bad "no exit codes in '$bin --help'"
for n in $codes; do
  awk -v n="$n" '/^\.SH EXIT STATUS/ { on = 1; next } /^\.SH/ { on = 0 }
    on && prev == ".TP" && $0 == ".B " n { found = 1 } { prev = $0 } END { exit !found }' "$man8" ||
    bad "exit code $n is not under EXIT STATUS in $man8"
done
for s in SIGTERM SIGINT SIGHUP; do
  grep -q "$s" "$man8" || bad "signal $s is not in $man8"
done

# ---- careeros-worker.ini(5): keys and defaults
for v in $(env | sed -n 's/^\(CAREEROS_[A-Z0-9_]*\)=.*/\1/p'); do unset "$v"; done
unset CREDENTIALS_DIRECTORY || true
# check-config requires storage.root to exist; the default need not.
CAREEROS_STORAGE_ROOT="$tmp" "$bin" --config /dev/null check-config >"$tmp/dump" 2>"$tmp/err" || {
  cat "$tmp/err"; bad "check-config with the defaults failed"; }
# section.key<TAB>value from the dump; llm.header (repeatable, absent when
# unset) is added by hand.
awk '/^\[[a-z_]+\]$/ { s = substr($0, 2, length($0) - 2); next }
     /^[a-z_]+ = / { k = $1; v = $0; sub(/^[a-z_]+ = /, "", v); print s "." k "\t" v }' "$tmp/dump" >"$tmp/known"
printf 'llm.header\t\n' >>"$tmp/known"
# The same from the page: .SS "[section]", then .TP / .B key / ... / Default: \fBvalue\fR. (or empty.)
awk '/^\.SS "\[[a-z_]+\]"$/ { s = $2; gsub(/[]["]/, "", s); next }
     /^\.S[HS]/ { s = "" }
     s != "" && prev == ".TP" && /^\.B [a-z_]+$/ { k = $2; next }
     k != "" && /^Default: / {
       v = $0; sub(/^Default: /, "", v)
       if (v == "empty.") v = ""; else { sub(/^\\fB/, "", v); sub(/\\fR\.$/, "", v); gsub(/\\-/, "-", v) }
       print s "." k "\t" v; k = "" }
     { prev = $0 }' "$man5" >"$tmp/documented"
cut -f1 "$tmp/known" | sort >"$tmp/known.keys"
cut -f1 "$tmp/documented" | sort >"$tmp/documented.keys"
if ! diff -u "$tmp/known.keys" "$tmp/documented.keys" >"$tmp/diff"; then
  bad "keys differ between the binary (-) and $man5 (+):"
  cat "$tmp/diff"
fi
# Defaults, compared as numbers where both are numbers.  Two keys differ
# on purpose: storage.root was overridden above, and query_timeout_ms's
# default 0 is shown resolved (half the lease, at most 30000).
sort "$tmp/known" >"$tmp/k"; sort "$tmp/documented" >"$tmp/d"
join -t "$(printf '\t')" -a 1 "$tmp/k" "$tmp/d" | awk -F '\t' '
  $1 == "storage.root" || $1 == "database.query_timeout_ms" { next }
  { num = ($2 ~ /^-?[0-9.]+$/ && $3 ~ /^-?[0-9.]+$/) }
  (num && $2 + 0 != $3 + 0) || (!num && $2 != $3) { print $1 ": binary \"" $2 "\", page \"" $3 "\""; bad = 1 }
  END { exit bad }' >"$tmp/defaults" || { bad "defaults differ in $man5:"; cat "$tmp/defaults"; }

[ $fail = 0 ] || exit 1
echo "PASS: $(echo "$commands" | wc -w) commands, $(wc -l <"$tmp/known.keys") keys with their defaults documented; both pages render without warnings"
