#!/bin/sh
# Conformance: every request body the LLM client produces (json_schema and
# tools modes, first request and repair round, parse and both enrich calls)
# must pass validation by a Prism mock of the OpenAI API description; so
# must the Batch API mode's requests: the multipart JSONL upload to /files,
# the /batches create, the retrieve and file content GETs, and every line of
# the input file as a chat completion request.
#
#   run.sh DRIVER      (DRIVER: the conformance-drive executable)
#
# Needs npm with a reachable registry and the description in $CW_SHARED_DIR/openai
# (default: ../shared/openai beside the source tree).  Prints SKIP and exits 77
# (meson's "skipped") when either is missing.  Prism is installed once into
# $CW_PRISM_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/careeros-worker/prism).
set -u
DRIVER=${1:?usage: run.sh DRIVER}
SRC=${CW_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SHARED=${CW_SHARED_DIR:-$SRC/../shared}
SPEC_DIR=$SHARED/openai
[ -d "$SPEC_DIR" ] || SPEC_DIR=$SHARED   # CW_SHARED_DIR may point at the openai directory itself
skip() { echo "SKIP: $*"; exit 77; }

[ -f "$SPEC_DIR/openapi.yaml" ] && [ -f "$SPEC_DIR/fixspec.js" ] ||
  skip "no OpenAI description at $SHARED/openai (set CW_SHARED_DIR)"
command -v npm >/dev/null 2>&1 || skip "npm is not installed"
command -v node >/dev/null 2>&1 || skip "node is not installed"
CACHE=${CW_PRISM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/careeros-worker/prism}
mkdir -p "$CACHE" || skip "cannot create $CACHE"
if [ ! -x "$CACHE/node_modules/.bin/prism" ]; then
  timeout 20 npm ping >/dev/null 2>&1 || skip "the npm registry is not reachable"
  (cd "$CACHE" && [ -f package.json ] || echo '{"private":true}' > package.json) &&
  (cd "$CACHE" && timeout 600 npm install --no-audit --no-fund @stoplight/prism-cli@5.16.0 js-yaml@4 >npm.log 2>&1) ||
    skip "npm install of Prism failed (see $CACHE/npm.log)"
fi
(cd "$CACHE" && NODE_PATH="$CACHE/node_modules" node "$SPEC_DIR/fixspec.js" "$SPEC_DIR/openapi.yaml" "$CACHE/openapi.fixed.yaml") ||
  { echo "FAIL: fixspec.js failed"; exit 1; }

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
LOG=$CACHE/prism.$$.log
"$CACHE/node_modules/.bin/prism" mock -h 127.0.0.1 -p "$PORT" "$CACHE/openapi.fixed.yaml" >"$LOG" 2>&1 &
PRISM=$!
trap 'kill $PRISM 2>/dev/null; wait $PRISM 2>/dev/null; rm -f "$LOG"' EXIT INT TERM
BASE=http://127.0.0.1:$PORT
i=0
until curl -s -o /dev/null "$BASE/models" -H 'Authorization: Bearer sk-x'; do
  i=$((i + 1)); [ $i -gt 360 ] && { echo "FAIL: Prism did not start within 180 s"; cat "$LOG"; exit 1; }
  sleep 0.5
done

# the validator is live: an invalid request must be refused
code=$(curl -s -o /dev/null -w '%{http_code}' -m 20 "$BASE/chat/completions" -H 'Authorization: Bearer sk-x' \
  -H 'Content-Type: application/json' -d '{"model":5,"messages":"not a list"}')
[ "$code" = 422 ] || { echo "FAIL: Prism accepted an invalid request (HTTP $code): validation is off"; exit 1; }
echo "ok: an invalid request is refused (422)"

# the client's requests, recorded by the fake server
REC=$(mktemp -d /tmp/cw-conformance-XXXXXX)
trap 'kill $PRISM 2>/dev/null; wait $PRISM 2>/dev/null; rm -f "$LOG"; rm -rf "$REC"' EXIT INT TERM
CW_SOURCE_ROOT=$SRC "$DRIVER" "$REC" 2>/dev/null || { echo "FAIL: the driver did not produce every request kind"; exit 1; }
total=0; refused=0
for f in "$REC"/*.json; do
  total=$((total + 1))
  code=$(curl -s -o "$REC/resp" -w '%{http_code}' -m 30 "$BASE/chat/completions" -H 'Authorization: Bearer sk-x' \
    -H 'Content-Type: application/json' --data-binary @"$f")
  if [ "$code" != 200 ]; then
    refused=$((refused + 1))
    echo "FAIL: $(basename "$f") refused with HTTP $code:"; head -c 2000 "$REC/resp"; echo
  fi
done
# the Batch API requests, replayed as recorded (content type included)
bad_batch=0; uploads=0; creates=0; gets=0
code=$(curl -s -o /dev/null -w '%{http_code}' -m 20 "$BASE/batches" -H 'Authorization: Bearer sk-x' \
  -H 'Content-Type: application/json' -d '{"input_file_id":"file-x","endpoint":"/v1/chat/completions","completion_window":"1h"}')
[ "$code" = 422 ] || { echo "FAIL: Prism accepted an invalid batch (HTTP $code): validation is off"; exit 1; }
for f in "$REC"/*.batch-upload; do
  [ -f "$f" ] || continue
  uploads=$((uploads + 1))
  code=$(curl -s -o "$REC/resp" -w '%{http_code}' -m 30 "$BASE/files" -H 'Authorization: Bearer sk-x' \
    -H "Content-Type: $(cat "$f.ctype")" --data-binary @"$f")
  [ "$code" = 200 ] || { bad_batch=$((bad_batch + 1)); echo "FAIL: $(basename "$f") refused with HTTP $code:"; head -c 2000 "$REC/resp"; echo; }
done
for f in "$REC"/*.batch-create; do
  [ -f "$f" ] || continue
  creates=$((creates + 1))
  code=$(curl -s -o "$REC/resp" -w '%{http_code}' -m 30 "$BASE/batches" -H 'Authorization: Bearer sk-x' \
    -H 'Content-Type: application/json' --data-binary @"$f")
  [ "$code" = 200 ] || { bad_batch=$((bad_batch + 1)); echo "FAIL: $(basename "$f") refused with HTTP $code:"; head -c 2000 "$REC/resp"; echo; }
done
while read -r path; do
  gets=$((gets + 1))
  code=$(curl -s -o "$REC/resp" -w '%{http_code}' -m 30 "$BASE$path" -H 'Authorization: Bearer sk-x')
  [ "$code" = 200 ] || { bad_batch=$((bad_batch + 1)); echo "FAIL: GET $path refused with HTTP $code:"; head -c 2000 "$REC/resp"; echo; }
done < "$REC/batch-gets.txt"
lines=$(ls "$REC"/batchline-*.json 2>/dev/null | wc -l)
echo "batch: uploads=$uploads creates=$creates gets=$gets input_lines=$lines refused=$bad_batch"
[ "$uploads" -gt 0 ] && [ "$creates" -gt 0 ] && [ "$gets" -gt 0 ] && [ "$lines" -gt 0 ] && [ "$bad_batch" = 0 ] || exit 1
echo "ok: the Batch API requests validate against the OpenAI description"

tools=$(grep -l '"tool_choice"' "$REC"/*.json | wc -l)
repair_json=$(grep -L '"tool_choice"' "$REC"/*.json | xargs grep -l '"role":"assistant"' | wc -l)
repair_tools=$(grep -l '"role":"tool"' "$REC"/*.json | wc -l)
echo "requests=$total refused=$refused tools_mode=$tools repair_rounds_json_schema=$repair_json repair_rounds_tools=$repair_tools"
[ "$total" -gt 0 ] && [ "$refused" = 0 ] && [ "$repair_json" -gt 0 ] && [ "$repair_tools" -gt 0 ] || exit 1
echo "ok: every request validates against the OpenAI description"
exit 0
