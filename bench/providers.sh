#!/usr/bin/env bash
# The provider listing at scale (issue 17): builds a copy of the example site
# with N providers (bench/gen_providers.py) and measures what a resident's
# browser loads: the HTML size of every page of the listing and its filters
# (LISTING/**/index.html but providers' own pages), against 150 KB, and what
# a typical search query loads in Chromium (bench/search-weight.mjs),
# against 300 KB. Figures, not a timed test: the build is timed once, only
# as a note.
#
#   bench/providers.sh                 # 2,000 providers
#   bench/providers.sh 5000            # another size
#   PLAINSIGHT=target/debug/plainsight bench/providers.sh   # skip the release build
#
# Writes bench/results/DATE-COMMIT-providers-N.md and prints it. Needs
# python3, node and Chromium with tests/browser's npm packages
# (bash tests/browser/install.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cd "$repo"
n=${1:-2000}
SEED=${SEED:-1}
BENCH_DIR=${BENCH_DIR:-target/bench}
QUERIES=${QUERIES:-"online swale 20|cooking|gardening maidstone|day centre|travel training"}
note() { printf 'providers.sh: %s\n' "$*" >&2; }

if [[ -z ${PLAINSIGHT:-} ]]; then
    note "building plainsight (release)"
    cargo build --release --quiet --bin plainsight
    PLAINSIGHT="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/plainsight"
fi
[[ -x $PLAINSIGHT ]] || { note "no plainsight binary at $PLAINSIGHT"; exit 2; }
[[ -d tests/browser/node_modules/playwright-core ]] || bash tests/browser/install.sh >&2

mkdir -p "$BENCH_DIR"
site="$BENCH_DIR/providers-$n-seed$SEED"
out="$BENCH_DIR/out/providers-$n"
note "generating $n providers into $site"
python3 bench/gen_providers.py --providers "$n" --seed "$SEED" --out "$site" >&2
rm -rf "$out" "$out-reports"
note "building into $out"
start=$(date +%s.%N)
"$PLAINSIGHT" build --root "$site" --output "$out" --report-dir "$out-reports" --no-cache >"$BENCH_DIR/providers-$n.log" 2>&1 ||
    { tail -n 20 "$BENCH_DIR/providers-$n.log" >&2; note "build failed"; exit 1; }
took=$(python3 -c "import time; print(f'{time.time() - $start:.1f}')")

listing=$(python3 -c 'import tomllib,sys; print(tomllib.load(open(sys.argv[1],"rb")).get("listing",{}).get("path","providers"))' "$site/site.toml")
sizes=$(python3 - "$out" "$listing" <<'PY'
import os, sys
out, listing = sys.argv[1], sys.argv[2]
base = os.path.join(out, listing)
lists, providers = [], []
for d, _, files in os.walk(base):
    for f in files:
        if f != "index.html":
            continue
        p = os.path.join(d, f)
        rel = os.path.relpath(p, out)
        (providers if rel.startswith(f"{listing}/provider/") else lists).append((os.path.getsize(p), rel))
lists.sort(); providers.sort()
paged = [r for _, r in lists if "/page/" in r]
med = lists[len(lists) // 2][0]
print(f"pages={len(lists)} paged={len(paged)} largest={lists[-1][0]} largest_path={lists[-1][1]} median={med} total={sum(s for s, _ in lists)} providers={len(providers)} provider_largest={providers[-1][0]} first={os.path.getsize(os.path.join(base, 'index.html'))}")
PY
)
eval "$sizes"
IFS='|' read -r -a qs <<<"$QUERIES"
note "measuring ${#qs[@]} search queries in Chromium"
weights=$(node bench/search-weight.mjs "$out" "${qs[@]}")
heaviest=$(printf '%s\n' "$weights" | awk -F'|' 'NR > 2 { gsub(/ /, "", $6); if ($6 + 0 > m) m = $6 + 0 } END { print m }')
html_ok=$(python3 -c "print('met' if $largest < 150 * 1024 else 'NOT met')")
search_ok=$(python3 -c "print('met' if $heaviest < 300 else 'NOT met')")
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [[ $commit != unknown ]] && ! git diff --quiet HEAD -- src 2>/dev/null; then commit="$commit-dirty"; fi
kb() { python3 -c "print(f'{$1 / 1024:.1f}')"; }
report=$(cat <<EOF
# Provider listing at $n providers, $(date -u +%Y-%m-%d)

A copy of the example site with $n providers (\`bench/gen_providers.py --providers $n --seed $SEED\`),
built once (${took} s wall on a shared machine; a note, not a measurement).

| what | figure |
| --- | ---: |
| listing and filter pages (\`$listing/**/index.html\` but providers' own) | $pages |
| ... of which later pages of a paginated list (\`.../page/N/\`) | $paged |
| largest of them | $(kb "$largest") KB (\`$largest_path\`) |
| median | $(kb "$median") KB |
| the listing's first page (\`$listing/\`) | $(kb "$first") KB |
| all of them together | $(python3 -c "print(f'{$total / 1048576:.1f}')") MB |
| providers' own pages | $providers, largest $(kb "$provider_largest") KB |

What a search query loads in Chromium (fresh browser context each, as
served, no compression; \`bench/search-weight.mjs\`):

$weights

Targets from issue 17:

- every listing page under 150 KB of HTML: largest $(kb "$largest") KB — $html_ok
- a typical search query loads under 300 KB: heaviest of these $heaviest KB, page included — $search_ok

- commit: $commit; $("$PLAINSIGHT" --version 2>/dev/null || echo plainsight) (\`$PLAINSIGHT\`); nproc $(nproc); load average at end: $(cut -d' ' -f1-3 /proc/loadavg)
- command: \`SEED=$SEED bench/providers.sh $n\`
EOF
)
mkdir -p "$here/results"
result="$here/results/$(date -u +%Y-%m-%d)-$commit-providers-$n.md"
printf '%s\n' "$report" >"$result"
printf '%s\n' "$report"
note "written to ${result#"$repo"/}"
