#!/usr/bin/env bash
# Self-test of the browser audit: it must pass on fixtures/good and fail on
# fixtures/broken, reporting each deliberate problem.
# Usage: bash tests/browser/selftest.sh   (installs dependencies when missing)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ ! -d "$here/node_modules" ] || [ ! -x /usr/bin/chromium ] || ! command -v java >/dev/null 2>&1; then
  bash "$here/install.sh" || { echo "selftest: install failed"; echo "selftest: 0 passed, 1 failed"; exit 2; }
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok()  { pass=$((pass+1)); echo "  ok   $1"; }
bad() { fail=$((fail+1)); echo "  FAIL $1"; }
expect() { # description, pattern (extended regex), file
  if grep -Eq -- "$2" "$3"; then ok "$1"; else bad "$1 (no line matching /$2/)"; fi
}

echo "selftest: audit on fixtures/good (expect pass)"
start=$(date +%s)
node "$here/audit.mjs" "$here/fixtures/good" --screenshots "$tmp/shots" > "$tmp/good.log" 2>&1
rc=$?
echo "  (took $(( $(date +%s) - start ))s)"
if [ "$rc" -eq 0 ]; then ok "good: exit 0"; else bad "good: exit $rc"; sed 's/^/    | /' "$tmp/good.log"; fi
expect "good: closing line reports 0 failed" '^[0-9]+ passed, 0 failed$' "$tmp/good.log"
expect "good: keyboard check ran on every page" '^  keyboard +4 passed +0 failed' "$tmp/good.log"
for f in index-phone index-desktop decisions-phone decisions-X-desktop 404-phone; do
  if [ -s "$tmp/shots/$f.png" ]; then ok "good: screenshot $f.png"; else bad "good: screenshot $f.png missing"; fi
done

echo "selftest: audit on fixtures/broken (expect failures)"
node "$here/audit.mjs" "$here/fixtures/broken" > "$tmp/broken.log" 2>&1
rc=$?
if [ "$rc" -eq 1 ]; then ok "broken: exit 1"; else bad "broken: exit $rc (want 1)"; fi
expect "broken: closing line reports failures" '^[0-9]+ passed, [1-9][0-9]* failed$' "$tmp/broken.log"
expect "broken: image without alt (axe image-alt)"       '^  - image-alt \[critical\]' "$tmp/broken.log"
expect "broken: image without alt (vnu)"                 'index.html:[0-9]+:[0-9]+: An “img” element must have an “alt” attribute' "$tmp/broken.log"
expect "broken: skipped heading level (heading-order)"   '^  - heading-order ' "$tmp/broken.log"
expect "broken: low contrast #aaa on #fff"               '^  - color-contrast \[serious\]' "$tmp/broken.log"
expect "broken: table without caption"                   '^  - table-caption: ' "$tmp/broken.log"
expect "broken: table without header cells"              '^  - table-headers: ' "$tmp/broken.log"
expect "broken: broken internal link"                    'href="/decisions/no-such-decision/".*no such file' "$tmp/broken.log"
expect "broken: sideways scroll at 320px on wide.html"   '^FAIL reflow /wide.html' "$tmp/broken.log"
if grep -q '^FAIL reflow /index.html' "$tmp/broken.log"; then bad "broken: index.html wrongly fails reflow"; else ok "broken: index.html passes reflow"; fi
if [ "$fail" -ne 0 ]; then
  echo "--- audit output on fixtures/broken ---"; cat "$tmp/broken.log"
fi
echo "selftest: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
