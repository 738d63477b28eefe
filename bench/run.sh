#!/usr/bin/env bash
# Benchmark: full builds of generated corpora with plainsight and, side by
# side on the same Markdown, with Hugo; plus a rebuild after one edit.
#
#   bench/run.sh [SIZES...]        default: 1000 10000 100000
#                                  (richN: the example site's richest decision
#                                  folder copied N times, bench/rich_corpus.py)
#
# Knobs (environment):
#   RUNS=5             timed builds per tool and size (median is reported)
#   SEED=1             corpus generator seed
#   HUGO=1             0 skips Hugo entirely
#   RUN_HUGO_100K=0    1 also runs Hugo at 100,000 decisions and above (needs a lot of memory)
#   INCR_SIZE=10000    size at which the one-edit rebuild is timed (if it is among SIZES)
#   INCR_RUNS=15       timed rebuilds after each one-decision edit
#   INCR_KINDS="body summary title"   the edits timed, each on its own
#   VERIFY_INCR=1      after the rebuild runs, compare the output with a clean build (diff -r)
#   TIMEOUT=3600       seconds any single build may take before the benchmark fails
#   KEEP_OUTPUT=0      1 keeps the built sites under target/bench/out/
#   BENCH_DIR=target/bench   where corpora, scratch sites and outputs go
#
# Needs bash, coreutils, python3, /usr/bin/time, hyperfine, hugo and cargo.
# Installs hyperfine, hugo and time with apt-get if they are missing; downloads
# nothing else. See bench/README.md for what every number means.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
cd "$repo"

RUNS=${RUNS:-5}
SEED=${SEED:-1}
HUGO=${HUGO:-1}
RUN_HUGO_100K=${RUN_HUGO_100K:-0}
INCR_SIZE=${INCR_SIZE:-10000}
INCR_RUNS=${INCR_RUNS:-15}
INCR_KINDS=${INCR_KINDS:-body summary title}
VERIFY_INCR=${VERIFY_INCR:-1}
TIMEOUT=${TIMEOUT:-3600}
KEEP_OUTPUT=${KEEP_OUTPUT:-0}
BENCH_DIR=${BENCH_DIR:-$repo/target/bench}
# A fixed date for the withholding report, so every run builds the same thing.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1767225600}

die() { echo "bench/run.sh: error: $*" >&2; exit 2; }
note() { echo "bench/run.sh: $*" >&2; }
trap 'echo "bench/run.sh: failed at line $LINENO (exit $?)" >&2' ERR

is_uint() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }
for knob in RUNS SEED TIMEOUT INCR_SIZE INCR_RUNS; do
    is_uint "${!knob}" || [[ $knob == SEED && ${!knob} == 0 ]] || die "$knob must be a positive whole number, got '${!knob}'"
done

if [[ $# -gt 0 ]]; then sizes=("$@"); else sizes=(1000 10000 100000); fi
for s in "${sizes[@]}"; do is_uint "${s#rich}" || die "size must be a positive whole number (or rich and one, for the richest-folder corpus), got '$s'"; done

# ---------------------------------------------------------------- tools
need=()
command -v hyperfine >/dev/null 2>&1 || need+=(hyperfine)
[[ -x /usr/bin/time ]] || need+=(time)
if [[ $HUGO == 1 ]]; then command -v hugo >/dev/null 2>&1 || need+=(hugo); fi
if [[ ${#need[@]} -gt 0 ]]; then
    note "installing ${need[*]} with apt-get"
    command -v apt-get >/dev/null 2>&1 || die "missing ${need[*]} and no apt-get to install them"
    sudo=()
    if [[ $(id -u) != 0 ]]; then
        command -v sudo >/dev/null 2>&1 || die "missing ${need[*]}; run as root or install them"
        sudo=(sudo)
    fi
    "${sudo[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${need[@]}"
fi
command -v python3 >/dev/null 2>&1 || die "python3 is needed to read hyperfine's JSON and /usr/bin/time's report"
command -v cargo >/dev/null 2>&1 || die "cargo is needed to build plainsight and the corpus generator"
command -v timeout >/dev/null 2>&1 || die "coreutils' timeout is needed"

# ---------------------------------------------------------------- build
note "building plainsight and the corpus generator (release)"
cargo build --release --locked --quiet --bin plainsight --example gen_corpus
target_dir=$(cargo metadata --format-version 1 --no-deps 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
plainsight="$target_dir/release/plainsight"
gen="$target_dir/release/examples/gen_corpus"
[[ -x $plainsight && -x $gen ]] || die "release binaries not found under $target_dir/release"

mkdir -p "$BENCH_DIR/out" "$BENCH_DIR/logs"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
out_root="$BENCH_DIR/out"
logs="$BENCH_DIR/logs"
# Outputs of earlier runs are moved here, not deleted, until the benchmark
# ends: deleting tens of thousands of files just before a timed build slows
# that build's own file creation on some file systems (see bench/README.md,
# "Old outputs are set aside").
trash="$BENCH_DIR/set-aside"
if [[ -e $trash ]]; then
    note "removing outputs set aside by an earlier run that did not finish"
    rm -rf "$trash"
fi
mkdir -p "$trash"

gen_hash=$(sha256sum examples/gen_corpus.rs | cut -c1-16)
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [[ $commit != unknown ]] && ! git diff --quiet HEAD -- src Cargo.toml Cargo.lock 2>/dev/null; then
    commit="$commit-dirty"
fi
hugo_version=none
if [[ $HUGO == 1 ]]; then
    hugo_version=$(hugo version 2>/dev/null | head -1)
    [[ $hugo_version == *v0.111.* ]] ||
        note "warning: front-matter compatibility was checked with Hugo 0.111 only; this is: $hugo_version"
fi

# ---------------------------------------------------------------- helpers
# corpus SIZE -> prints the corpus folder, generating it once per seed+size+generator.
corpus() {
    if [[ $1 == rich* ]]; then rich_corpus "${1#rich}"; return; fi
    local n=$1 dir="$BENCH_DIR/corpus-$1-seed$SEED"
    local want="seed=$SEED size=$n generator=$gen_hash"
    if [[ -f $dir/.bench-stamp && $(cat "$dir/.bench-stamp") == "$want" ]]; then
        note "corpus $n: reusing $dir"
    else
        note "corpus $n: generating into $dir"
        rm -rf "$dir" "$dir.tmp"
        timeout "$TIMEOUT" "$gen" --decisions "$n" --out "$dir.tmp" --seed "$SEED" >&2 ||
            die "corpus generator failed for size $n"
        echo "$want" >"$dir.tmp/.bench-stamp"
        mv "$dir.tmp" "$dir"
    fi
    printf '%s\n' "$dir"
}

# rich_corpus SIZE -> prints the folder of the richest-folder corpus
# (bench/rich_corpus.py), made once per size, script and example content.
rich_corpus() {
    local n=$1 dir="$BENCH_DIR/corpus-rich$1"
    local want
    want="rich size=$n script=$(sha256sum "$here/rich_corpus.py" | cut -c1-16) content=$(
        cd "$repo" && find site.toml data content -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
    if [[ -f $dir/.bench-stamp && $(cat "$dir/.bench-stamp") == "$want" ]]; then
        note "corpus rich$n: reusing $dir"
    else
        note "corpus rich$n: generating into $dir"
        rm -rf "$dir" "$dir.tmp"
        timeout "$TIMEOUT" python3 "$here/rich_corpus.py" "$repo" "$n" "$dir.tmp" ||
            die "the richest-folder corpus could not be made for size $n"
        echo "$want" >"$dir.tmp/.bench-stamp"
        mv "$dir.tmp" "$dir"
    fi
    printf '%s\n' "$dir"
}

# rss_run LOG CMD... : runs CMD once under /usr/bin/time -v, prints peak RSS in MiB.
rss_run() {
    local log=$1; shift
    local tfile="$log.time"
    if ! timeout "$TIMEOUT" /usr/bin/time -v -o "$tfile" "$@" >"$log" 2>&1; then
        tail -n 20 "$log" >&2 || true
        die "command failed (log: $log): $*"
    fi
    python3 - "$tfile" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
if not m:
    sys.exit("no 'Maximum resident set size' in " + sys.argv[1])
print(f"{int(m.group(1)) / 1024:.0f}")
PY
}

# timed NAME JSON PREPARE CMD [RUNS] : hyperfine, RUNS runs; prints "median min max cpu"
# (wall seconds; cpu = mean user+system seconds, less sensitive to a busy machine).
timed() {
    local name=$1 json=$2 prepare=$3 cmd=$4 runs=${5:-$RUNS}
    if ! hyperfine --runs "$runs" --style basic --command-name "$name" \
        --prepare "$prepare" --export-json "$json" "timeout $TIMEOUT $cmd" \
        >"$json.log" 2>&1; then
        tail -n 20 "$json.log" >&2 || true
        die "hyperfine failed for $name (log: $json.log)"
    fi
    python3 - "$json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f'{r["median"]:.3f} {r["min"]:.3f} {r["max"]:.3f} {r["user"] + r["system"]:.2f}')
PY
}

# set_aside PATH... : moves each existing PATH into the trash folder (a rename).
set_aside() {
    local p
    for p in "$@"; do
        if [[ -e $p ]]; then mv "$p" "$(mktemp -d "$trash/XXXXXXXX")/"; fi
    done
}
# The same as a command line for hyperfine's --prepare (run by sh).
set_aside_cmd() {
    local cmd="" p
    for p in "$@"; do
        cmd+="if [ -e $(q "$p") ]; then mv $(q "$p") \"\$(mktemp -d $(q "$trash")/XXXXXXXX)/\"; fi; "
    done
    printf '%s' "${cmd%; }"
}

count_html() { find "$1" -type f -name '*.html' | wc -l; }
# largest_register_page OUT : prints "BYTES PATH" of the largest page of the
# register and its filters (every decisions/**/index.html outside a
# decision's own folder, decisions/NN-NNNNN/).
largest_register_page() {
    find "$1/decisions" -type f -name index.html -printf '%s %P\n' |
        grep -Ev '^[0-9]+ [0-9]{2}-[0-9]{5}/' | sort -n | tail -1
}
q() { printf '%q' "$1"; }
calc() { python3 -c "print($1)"; }

# The decision folder name for index i, as gen_corpus numbers them.
folder_of() { local i=$1; printf '%02d-%05d' $((20 + i / 99999)) $((i % 99999 + 1)); }

# ---------------------------------------------------------------- run
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
rows=()
stages=()
targets=()
incr_lines=()

for label in "${sizes[@]}"; do
    # "rich10000": the richest-folder corpus of 10,000 decisions.
    n=${label#rich}
    h_out=""
    dir=$(corpus "$label")
    ps_out="$out_root/plainsight-$label"
    ps_rep="$out_root/plainsight-$label-reports"
    ps_cache="$out_root/plainsight-$label-cache"
    # A full build: no output, no cache (it writes the cache, as a first build does).
    ps_cmd="$(q "$plainsight") build --root $(q "$dir") --output $(q "$ps_out") --report-dir $(q "$ps_rep") --cache-dir $(q "$ps_cache")"
    ps_prep=$(set_aside_cmd "$ps_out" "$ps_rep" "$ps_cache")

    # One untimed run under /usr/bin/time -v: peak memory, page count, stage
    # timings; it also warms the page cache for the timed runs.
    note "plainsight $label: peak-memory run"
    set_aside "$ps_out" "$ps_rep" "$ps_cache"
    ps_rss=$(rss_run "$logs/plainsight-$label.log" bash -c "$ps_cmd")
    ps_pages=$(count_html "$ps_out")
    read -r reg_bytes reg_path < <(largest_register_page "$ps_out")
    reg_ok=$(calc "'met' if $reg_bytes < 100 * 1024 else 'NOT met'")
    targets+=("- $label decisions, every register page under 100 KB of HTML: the largest is $(calc "f'{$reg_bytes / 1024:.1f}'") KB (decisions/$reg_path) — $reg_ok")
    stages+=("| $label | $(grep -m1 '^timings:' "$logs/plainsight-$label.log" | sed 's/^timings: //') |")
    note "plainsight $label: $RUNS timed full builds"
    read -r ps_med ps_min ps_max ps_cpu < <(timed "plainsight-$label" "$logs/plainsight-$label.json" "$ps_prep" "$ps_cmd")
    ps_pps=$(calc "round($ps_pages / $ps_med)")

    hugo_ran=0
    if [[ $HUGO == 1 ]] && { [[ $n -lt 100000 ]] || [[ $RUN_HUGO_100K == 1 ]]; }; then
        hugo_ran=1
        site="$BENCH_DIR/hugo-site-$label"
        h_out="$out_root/hugo-$label"
        rm -rf "$site"
        mkdir -p "$site"
        cp "$here/hugo/hugo.toml" "$site/hugo.toml"
        cp -R "$here/hugo/layouts" "$site/layouts"
        # contentDir is the corpus's own content/ (absolute path): no copy is
        # needed, Hugo 0.111 reads our TOML front matter as it is (see README).
        h_cmd="hugo --quiet --source $(q "$site") --contentDir $(q "$dir/content") --cacheDir $(q "$site/cache") --destination $(q "$h_out")"
        h_prep=$(set_aside_cmd "$h_out")
        note "hugo $label: peak-memory run"
        set_aside "$h_out"
        h_rss=$(rss_run "$logs/hugo-$label.log" bash -c "$h_cmd")
        h_pages=$(count_html "$h_out")
        # Every Markdown file must have become a page, or Hugo is not doing
        # the same work (for example if a front matter key were misread).
        md=$(find "$dir/content" -type f -name '*.md' | wc -l)
        [[ $h_pages -ge $md ]] || die "Hugo wrote $h_pages HTML files for $md Markdown files; see $logs/hugo-$label.log"
        note "hugo $label: $RUNS timed full builds"
        read -r h_med h_min h_max h_cpu < <(timed "hugo-$label" "$logs/hugo-$label.json" "$h_prep" "$h_cmd")
        h_pps=$(calc "round($h_pages / $h_med)")
        wall_ratio=$(calc "f'{$ps_med / $h_med:.2f}'")
        rss_ratio=$(calc "f'{$ps_rss / $h_rss:.2f}'")
        cpu_ratio=$(calc "f'{$ps_cpu / $h_cpu:.2f}'")
        rows+=("| $label | plainsight | $ps_med | $ps_min–$ps_max | $ps_cpu | $ps_pages | $ps_pps | $ps_rss | wall ${wall_ratio}×, RSS ${rss_ratio}× (CPU ${cpu_ratio}×) of Hugo |")
        rows+=("| $label | Hugo | $h_med | $h_min–$h_max | $h_cpu | $h_pages | $h_pps | $h_rss | 1 (reference) |")
        if [[ $n == 10000 ]]; then
            # Judged on the measurements, not on the rounded ratios printed.
            ok_w=$(calc "'met' if $ps_med <= 0.5 * $h_med else 'NOT met'")
            ok_m=$(calc "'met' if $ps_rss <= 0.25 * $h_rss else 'NOT met'")
            targets+=("- 10,000 decisions, wall time at most half of Hugo's: ${wall_ratio}× — $ok_w")
            targets+=("- 10,000 decisions, peak memory at most a quarter of Hugo's: ${rss_ratio}× — $ok_m")
        fi
    else
        why="HUGO=0"
        [[ $HUGO == 1 ]] && why="not run: RUN_HUGO_100K=0"
        rows+=("| $label | plainsight | $ps_med | $ps_min–$ps_max | $ps_cpu | $ps_pages | $ps_pps | $ps_rss | — |")
        rows+=("| $label | Hugo | — | — | — | — | — | — | $why |")
    fi
    if [[ $n -ge 100000 ]]; then
        ok=$(calc "'met' if $ps_rss < 1024 else 'NOT met'")
        targets+=("- $label decisions in under 1 GiB peak memory: $ps_rss MiB — $ok")
    fi
    if [[ $KEEP_OUTPUT != 1 ]]; then set_aside "$ps_out" "$ps_rep" "$ps_cache" ${h_out:+"$h_out"}; fi

    # ------------------------------------------------------------ incremental
    if [[ $n == "$INCR_SIZE" ]]; then
        inc="$BENCH_DIR/incr-$label"
        inc_out="$out_root/incr-$label"
        inc_rep="$out_root/incr-$label-reports"
        note "incremental $label: copying the corpus (untimed)"
        set_aside "$inc" "$inc_out" "$inc_rep"
        cp -R "$dir" "$inc"
        # Two edits to the middle decision, each timed on its own: one sentence
        # appended to its body (only its own pages change), and its summary
        # changed (the harder case: the summary is shown in the register, the
        # listings and the data downloads, so site-wide pages are made again).
        target="$inc/content/decisions/$(folder_of $((n / 2)))/decision.md"
        [[ -f $target ]] || die "expected $target in the corpus"
        grep -q '^summary = "' "$target" || die "expected a summary line in $target"
        cp "$target" "$inc/.decision.orig"
        restore="cp $(q "$inc/.decision.orig") $(q "$target")"
        body_edit="$restore && printf '\nWe added this sentence so that the benchmark can time a rebuild after one edit.\n' >> $(q "$target")"
        if [[ $label == rich* ]]; then
            # The example's summary is a multi-line string: its first line of text.
            summary_edit="$restore && sed -i '/^summary = \"\"\"\$/{n;s/^/We changed this summary for the benchmark. /}' $(q "$target")"
        else
            summary_edit="$restore && sed -i 's/^summary = \"/summary = \"We changed this summary for the benchmark. /' $(q "$target")"
        fi
        title_edit="$restore && sed -i 's/^title = \"/title = \"Changed for the benchmark: /' $(q "$target")"
        inc_cmd="$(q "$plainsight") build --root $(q "$inc") --output $(q "$inc_out") --report-dir $(q "$inc_rep")"
        # The copy's first (full) build, untimed, and its files flushed to
        # disk: otherwise the kernel is still writing 70,000 new files
        # during the first timed rebuilds, which the full builds, warmed by
        # their peak-memory run, do not meet either.
        note "incremental $label: first build of the copy (untimed)"
        eval "$inc_cmd" >/dev/null 2>&1 || die "the first build of the copied corpus failed"
        sync
        for kind in $INCR_KINDS; do
            edit_var="${kind}_edit"
            edit=${!edit_var}
            # Before each timed run: restore the file and rebuild (untimed), so
            # the site is built from the unedited corpus; then make the edit.
            # The timed run is therefore always the same one-file change on a
            # built site.
            inc_prep="$restore && $inc_cmd >/dev/null 2>&1 && $edit"
            note "incremental $label: $INCR_RUNS timed rebuilds after editing one decision's $kind (each preceded by an untimed restore + build)"
            read -r i_med i_min i_max i_cpu < <(timed "incremental-$kind-$label" "$logs/incremental-$kind-$label.json" "$inc_prep" "$inc_cmd" "$INCR_RUNS")
            frac=$(calc "f'{$i_med / $ps_med:.3f}'")
            rows+=("| $label | plainsight, rebuild after editing 1 decision's $kind | $i_med | $i_min–$i_max | $i_cpu | — | — | — | ${frac} of its full build |")
            ok=$(calc "'met' if $i_med < 0.1 * $ps_med else 'NOT met'")
            line="- Rebuild after editing one decision's $kind in a $label-decision site, under a tenth of a full build: ${frac} — $ok"
            if [[ $VERIFY_INCR == 1 ]]; then
                note "incremental $label: comparing the site rebuilt after the $kind edit with a clean build (untimed)"
                clean="$out_root/incr-$label-clean"
                set_aside "$clean" "$clean-reports"
                timeout "$TIMEOUT" "$plainsight" build --no-cache --root "$inc" --output "$clean" --report-dir "$clean-reports" >/dev/null 2>&1 ||
                    die "clean build of the edited corpus failed"
                if diff -r -q "$inc_out" "$clean" >"$logs/incremental-$kind-$label.diff" 2>&1; then
                    line="$line; output byte-identical to a clean build"
                else
                    line="$line; output DIFFERS from a clean build (see $logs/incremental-$kind-$label.diff)"
                fi
                set_aside "$clean" "$clean-reports"
            fi
            incr_lines+=("$line")
        done
        if [[ $KEEP_OUTPUT != 1 ]]; then set_aside "$inc_out" "$inc_rep"; fi
        set_aside "$inc"
    fi
done
targets+=(${incr_lines[@]+"${incr_lines[@]}"})
note "removing the outputs set aside during the run"
rm -rf "$trash"
[[ ${#targets[@]} -eq 0 ]] && targets+=("- (no target applies to the sizes run)")

# ---------------------------------------------------------------- report
cpu=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || true)
mem=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
day=$(date -u +%Y-%m-%d)

report=$(
    cat <<EOF
# plainsight benchmark, $day

Full builds of generated corpora (\`examples/gen_corpus.rs\`, seed $SEED), median
of $RUNS runs each ($INCR_RUNS for the rebuild after one edit); peak RSS from
one extra run under \`/usr/bin/time -v\`.
Hugo builds the same Markdown files with minimal templates (see
bench/README.md: it does much less work per page than plainsight).

| decisions | tool | median wall s | range s | CPU s | HTML pages | pages/s | peak RSS MiB | ratio |
| ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | --- |
$(printf '%s\n' "${rows[@]}")

Targets from issues 5 and 16:

$(printf '%s\n' "${targets[@]}")

plainsight stage timings (the peak-memory run; stages overlap):

| decisions | stages |
| ---: | --- |
$(printf '%s\n' "${stages[@]}")

Machine and versions:

- date: $started
- nproc: $(nproc); memory: $mem; CPU: ${cpu:-unknown}
- load average (1/5/15 min) at start: $load_start; at end: $load_end (shared machine: other work may run)
- plainsight commit: $commit; $($plainsight --version 2>/dev/null || echo plainsight)
- $(rustc --version 2>/dev/null || echo 'rustc unknown')
- hugo: $hugo_version
- $(hyperfine --version)
- command: \`RUNS=$RUNS SEED=$SEED HUGO=$HUGO RUN_HUGO_100K=$RUN_HUGO_100K INCR_SIZE=$INCR_SIZE INCR_RUNS=$INCR_RUNS INCR_KINDS="$INCR_KINDS" bench/run.sh ${sizes[*]}\`
EOF
)

mkdir -p "$here/results"
result="$here/results/$day-$commit.md"
k=2
while [[ -e $result ]]; do result="$here/results/$day-$commit-$k.md"; k=$((k + 1)); done
printf '%s\n' "$report" >"$result"
printf '%s\n' "$report"
note "written to ${result#"$repo"/}"
