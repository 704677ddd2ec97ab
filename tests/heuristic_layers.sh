#!/bin/sh
# The offline parser's files depend one way only (src/heuristic/text.h lists
# the layers): each file includes its own header and headers of lower layers,
# never one of its own layer or above.  TAP output.
set -eu
dir=${1:?usage: heuristic_layers.sh SOURCE_ROOT}/src/heuristic
rank() {
  case $1 in
    text) echo 0 ;;
    words|lines|levels|items) echo 1 ;;
    sections|contacts|lists|chips|lineclass) echo 2 ;;
    skills|cutnames|names|cells) echo 3 ;;
    groups) echo 4 ;;
    anchors) echo 5 ;;
    layout) echo 6 ;;
    parts|edugroups) echo 7 ;;
    work|education|projects) echo 8 ;;
    entries) echo 9 ;;
    heuristic) echo 10 ;;
    *) echo 99 ;;
  esac
}
n=0 bad=0
for f in "$dir"/*.c "$dir"/*.h; do
  self=$(basename "$f"); self=${self%.*}
  r=$(rank "$self")
  n=$((n + 1))
  ok=1 why=
  if [ "$r" = 99 ]; then ok=0 why="not in a layer"; fi
  for inc in $(sed -n 's/^#include "\([a-z_]*\)\.h"$/\1/p' "$f"); do
    [ "$inc" = "$self" ] && continue
    if [ "$(rank "$inc")" -ge "$r" ]; then ok=0 why="$why includes $inc.h"; fi
  done
  if [ $ok = 1 ]; then echo "ok $n - $self.${f##*.}"; else echo "not ok $n - $self.${f##*.}:$why"; bad=1; fi
done
echo "1..$n"
exit $bad
