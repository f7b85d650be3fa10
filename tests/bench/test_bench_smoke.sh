#!/usr/bin/env bash
# test_bench_smoke.sh — runs the benchmark at a tiny size (bench/run.sh
# --smoke: a few hundred records, 1-second loads, peers only where
# installed) so that it cannot rot. No timing assertion: it must run to the
# end and print the table. Run by ctest with SECSTD_BIN, SECSTD_SRC and
# SECSTD_SHARED_DATA.
set -euo pipefail

SRC="${SECSTD_SRC:?SECSTD_SRC must name the source directory}"
: "${SECSTD_BIN:?SECSTD_BIN must name the build directory}"
export SECSTD_SHARED_DATA="${SECSTD_SHARED_DATA:-$SRC/../shared/data/sdo}"
if [ ! -d "$SECSTD_SHARED_DATA" ]; then
    echo "skip: no shared data at $SECSTD_SHARED_DATA"
    exit 0
fi
if [ ! -x "$SECSTD_BIN/searchd" ]; then
    echo "skip: no searchd in $SECSTD_BIN"
    exit 0
fi
OUT="$(mktemp "${TMPDIR:-/tmp}/secstd-bench-smoke-XXXXXX")"
trap 'rm -f "$OUT"' EXIT

"$SRC/bench/run.sh" --smoke >"$OUT" 2>"$OUT.err" || {
    echo "FAIL: bench/run.sh --smoke exited $?" >&2
    tail -20 "$OUT.err" >&2
    rm -f "$OUT.err"
    exit 1
}
rm -f "$OUT.err"
cat "$OUT"
fail=0
check() {
    if grep -qF -- "$1" "$OUT"; then echo "ok: $2"; else echo "FAIL: $2" >&2; fail=1; fi
}
check "| corpus | figure | secstd |" "table header printed"
check "indexing, records/s" "indexing rate row"
check "index size, MiB" "index size row"
check "cold start to first answer, ms" "cold start row"
check "refresh, nothing changed, s" "refresh row"
check "1 client p50, ms" "latency row"
# The targets after the table: at smoke size only the crawled records' two
# (rebuild, refresh) can be read; the others are marked not measured.
check "Targets (bench/README.md): " "targets line printed"
check "| crawled records: full rebuild ≤ 5 s |" "rebuild target row"
check "not measured (they are set for 26,000 and 260,000 records" "targets of other sizes marked"
# secstd's build by stage (its --json summary): six rows a corpus, every
# figure a number, together no longer than the build's wall time (the
# stages are timed inside the process, the wall time around it).
if python3 - "$OUT" <<'PY'
import re, sys
rows = {}
for line in open(sys.argv[1]):
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) < 3:
        continue
    m = re.match(r"secstd's build \(median\), stage: (.+), s$", cells[1])
    if m:
        rows.setdefault(cells[0], {})[m.group(1)] = float(cells[2])
    elif cells[1] == "indexing wall time, s (median build)":
        rows.setdefault(cells[0], {})["wall"] = float(cells[2])
corpora = [c for c in rows if c.endswith(" records") and c != "real"]
assert corpora, "no corpus has stage rows"
for c in corpora:
    r = rows[c]
    stages = [r[k] for k in ("read records", "classify", "compare with current",
                             "write documents", "merge shards", "finish, publish")]
    assert all(v >= 0 for v in stages), (c, r)
    assert r["write documents"] > 0, (c, r)
    assert sum(stages) <= r["wall"] + 0.02, (c, sum(stages), r["wall"])
PY
then
    echo "ok: build stage rows"
else
    echo "FAIL: build stage rows" >&2
    fail=1
fi
# The machine probe under the header: a figure before the corpus and one at
# the end (a probe that failed would read "before 400 failed").
if grep -Eq '^machine probe .*: [0-9]+\.[0-9]{3} s before [0-9]+, [0-9]+\.[0-9]{3} s at the end$' "$OUT"; then
    echo "ok: machine probe line"
else
    echo "FAIL: machine probe line" >&2
    fail=1
fi
if command -v wrk >/dev/null; then
    check "server CPU per request at 16 conn, µs" "CPU per request row"
    # --smoke runs two rounds of the loads: the spread rows are there.
    check "1 client p50, ms, highest round" "p50 spread row"
    check "throughput 16 conn, q/s, slowest round" "q/s spread row"
    check "the median of 2 rounds" "header names the rounds"
fi
# Every secstd figure is a number (n/a only where a peer or tool is absent).
if awk -F'|' '/records \| / && $4 ~ /n\/a/ && $3 !~ /in-process/ {bad=1} END {exit bad}' "$OUT"; then
    echo "ok: secstd figures present"
else
    if command -v wrk >/dev/null; then echo "FAIL: a secstd figure is n/a" >&2; fail=1; fi
fi
exit $fail
