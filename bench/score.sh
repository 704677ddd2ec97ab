#!/bin/sh
# Scores the offline heuristic parser against a resume test set in the
# resume-gt/v1 format (ground_truth/<id>.gt.json + documents/<id>.*).
#
#   bench/score.sh SHARED_RESUMES_DIR [BUILD_DIR] [OUT_DIR]
#
# Text per document: the careeros-extract helper from BUILD_DIR when it exists
# (CW_SCORE_BASELINE=1 skips it), else
# SHARED/extraction_baseline/<id>.pdftotext-layout.txt for PDFs, else
# `pdftotext -layout`; DOCX without the extractor via a minimal unzip of
# word/document.xml; TXT/MD as is.  Each text is then normalised as the
# worker stores it (score-parser --normalize), and score-parser writes OUT/<id>.json
# and SHARED/score_resume.py prints precision/recall/F1 per field.
set -eu
shared=${1:?usage: bench/score.sh SHARED_RESUMES_DIR [BUILD_DIR] [OUT_DIR]}
build=${2:-build}
out=${3:-$(mktemp -d /tmp/cw-score.XXXXXX)}
src=$(cd "$(dirname "$0")/.." && pwd)
text="$out/text"
cand="$out/candidates"
mkdir -p "$text" "$cand"
extract="$build/src/extract/careeros-extract"
[ -x "$extract" ] || extract="$build/src/careeros-extract"
[ "${CW_SCORE_BASELINE:-0}" = 1 ] && extract=/nonexistent   # force the pdftotext baseline

for doc in "$shared"/documents/*; do
  name=$(basename "$doc")
  id=${name%.*}
  dest="$text/$id.txt"
  case "$name" in
    *.pdf) type=pdf ;;
    *.docx|*.odt) type=zip ;;
    *.rtf) type=rtf ;;
    *) type= ;;
  esac
  # The helper prints a JSON status line, then the text.
  if [ -n "$type" ] && [ -x "$extract" ] &&
     "$extract" --type=$type < "$doc" > "$dest.raw" 2>/dev/null &&
     head -n 1 "$dest.raw" | grep -q '"ok":true'; then
    tail -n +2 "$dest.raw" > "$dest"
    rm -f "$dest.raw"
    continue
  fi
  rm -f "$dest.raw"
  case "$name" in
    *.pdf)
      if [ -f "$shared/extraction_baseline/$id.pdftotext-layout.txt" ]; then
        cp "$shared/extraction_baseline/$id.pdftotext-layout.txt" "$dest"
      else
        pdftotext -layout "$doc" "$dest"
      fi ;;
    *.docx)
      python3 - "$doc" > "$dest" <<'PY'
import html, re, sys, zipfile
x = zipfile.ZipFile(sys.argv[1]).read("word/document.xml").decode("utf-8")
x = re.sub(r"</w:p>", "\n", x)
x = re.sub(r"</w:tc>|<w:tab/>", "\t", x)
print(html.unescape(re.sub(r"<[^>]+>", "", x)))
PY
      ;;
    *) cp "$doc" "$dest" ;;
  esac
done

"$build/bench/score-parser" --normalize "$text"/*.txt
"$build/bench/score-parser" --skills "$src/config/skills.ini" --out "$cand" "$text"/*.txt
echo "candidates: $cand  texts: $text"
python3 "$shared/score_resume.py" "$shared/ground_truth" "$cand" --text-dir "$text"
