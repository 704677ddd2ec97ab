#!/bin/sh
# Leave-one-theme-out scores of the offline parser on a themed corpus
# (resumes-themes: documents/rt_<person>_<theme>.*, ground_truth/, score_resume.py).
#
#   bench/score-loto.sh THEMES_DIR [BUILD_DIR] [OUT_DIR]
#
# Runs bench/score.sh once over the corpus (the parser has no trained state,
# so a fold's check figures are those of its held-back documents), then
# prints one row per fold for the held-back themes (check) and for the others
# (tune), each held-back theme's work F1, and the totals over every fold.
# CW_LOTO_FOLDS="a,b,c;d,e" chooses the folds (default: four folds, each
# with a two-column theme on both sides).  CW_LOTO_MIN_CONFIDENCE=0.6 scores
# only the entries the profile merge takes as facts.
set -eu
themes=${1:?usage: bench/score-loto.sh THEMES_DIR [BUILD_DIR] [OUT_DIR]}
build=${2:-build}
out=${3:-$(mktemp -d /tmp/cw-loto.XXXXXX)}
here=$(cd "$(dirname "$0")" && pwd)
folds=${CW_LOTO_FOLDS:-"latte,kwan,folio;orbit,class,crisp;spartacus,direct,eloquent;simple-red,slick,tachyons-clean,classy"}
mkdir -p "$out"
sh "$here/score.sh" "$themes" "$build" "$out" > "$out/score.txt"
echo "all documents: $(grep '^TOTAL' "$out/score.txt")"
python3 "$here/loto.py" "$themes" "$out/candidates" "$out/text" "$folds" \
  --min-confidence "${CW_LOTO_MIN_CONFIDENCE:-0}"
echo "per-document rows: $out/score.txt"
