#!/bin/sh
# Validates JSON Resume documents (one per line of FILE) against the official
# schema (npm package @jsonresume/schema) and checks that there are COUNT of
# them.  When node, npm or the registry is not reachable the check is skipped
# and says so (exit 0); an invalid document exits 1.
#
#   tests/jsonresume-check.sh FILE COUNT
set -u
docs=${1:?file of documents, one per line}
count=${2:?number of documents expected}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  echo "# SKIP JSON Resume validation: npm/node not installed"
  exit 0
fi
if ! timeout 20 npm view @jsonresume/schema@1 version >/dev/null 2>&1; then
  echo "# SKIP JSON Resume validation: npm registry not reachable"
  exit 0
fi
if ! (cd "$tmp" && timeout 180 npm install --no-audit --no-fund --silent @jsonresume/schema@1 >/dev/null 2>&1); then
  echo "# SKIP JSON Resume validation: npm install @jsonresume/schema failed"
  exit 0
fi

cat >"$tmp/validate.js" <<'JS'
const { validate } = require('@jsonresume/schema');
const lines = require('fs').readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean);
let bad = 0;
lines.forEach((line, i) => {
  const doc = JSON.parse(line);
  validate(doc, (errors, valid) => {
    if (valid) {
      console.log(`# JSON Resume document ${i + 1}: valid (${Object.keys(doc).join(', ')})`);
    } else {
      bad++;
      console.log(`# JSON Resume document ${i + 1}: INVALID`);
      for (const e of errors) console.log(`#   ${e.property} ${e.message}`);
    }
  });
});
// the validator must reject a broken document, or this check proves nothing
validate({ basics: { email: 'not an email', url: 'not a url' }, work: [{ startDate: 'Spring 2019' }] }, (errors, valid) => {
  if (valid) { console.log('# validator self-check failed: a broken document passed'); bad++; }
  else console.log(`# validator self-check: a broken document is rejected (${errors.length} errors)`);
});
const want = Number(process.argv[3]);
if (lines.length !== want) { console.log(`# expected ${want} documents, got ${lines.length}`); bad++; }
process.exit(bad ? 1 : 0);
JS
(cd "$tmp" && node validate.js "$docs" "$count")
