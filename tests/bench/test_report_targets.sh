#!/usr/bin/env bash
# test_report_targets.sh — bench/report.py's targets table read on
# hand-written figures: each target met on its limit, missed just past it
# (a p50 of 0.504 ms must read "0.504 | no", not "0.50"), errors summed
# over both loads, and the targets of sizes a run did not measure marked
# as such. No timing is measured here. Run by ctest with SECSTD_SRC.
set -euo pipefail

SRC="${SECSTD_SRC:?SECSTD_SRC must name the source directory}"
DIR="$(mktemp -d "${TMPDIR:-/tmp}/secstd-report-XXXXXX")"
trap 'rm -rf "$DIR"' EXIT

fail=0
expect() {   # FILE LINE WHAT
    if grep -qxF -- "$2" "$1"; then echo "ok: $3"; else echo "FAIL: $3: no line '$2'" >&2; fail=1; fi
}

# Every figure on its limit: all thirteen met.
cat >"$DIR/edge.tsv" <<'EOF'
26000	lat_p50	secstd	0.5
26000	lat_p99	secstd	5
26000	rps_c16	secstd	3000
26000	err_c2	secstd	0
26000	err_c16	secstd	0
26000	index_rate	secstd	6000
26000	index_rate	omega	2900
260000	lat_p99	secstd	30
260000	rps_c16	secstd	600
260000	err_c2	secstd	0
260000	err_c16	secstd	0
260000	rss_mib	secstd	64
260000	cold_ms	secstd	50
260000	index_rate	secstd	6000
real	rebuild_s	secstd	5
real	refresh_s	secstd	2
EOF
python3 "$SRC/bench/report.py" "$DIR/edge.tsv" >"$DIR/edge.out"
expect "$DIR/edge.out" "Targets (bench/README.md): 13 of 13 met" "every limit itself meets its target"
expect "$DIR/edge.out" "| 26,000 records: 1 client p50 ≤ 0.5 ms | 0.500 | yes |" "p50 on the limit"
expect "$DIR/edge.out" "| 260,000 records: cold start to first answer ≤ 50 ms | 50 | yes |" "cold start on the limit"
expect "$DIR/edge.out" "| 26000 records | indexing, records/s (median build) | 6000 | n/a | n/a | 2900 | 2.07 |" \
    "the figures table as before"
if [ "$(grep -n -m1 '^| corpus | figure |' "$DIR/edge.out" | cut -d: -f1)" -lt \
     "$(grep -n -m1 '^Targets' "$DIR/edge.out" | cut -d: -f1)" ]; then
    echo "ok: the figures table comes first"
else
    echo "FAIL: the targets come before the figures table" >&2
    fail=1
fi

# Just past each limit: missed; errors of the 2-connection load count.
sed -e 's/^26000\tlat_p50\tsecstd\t0.5$/26000\tlat_p50\tsecstd\t0.504/' \
    -e 's/^26000\trps_c16\tsecstd\t3000$/26000\trps_c16\tsecstd\t2999/' \
    -e 's/^260000\terr_c2\tsecstd\t0$/260000\terr_c2\tsecstd\t1/' \
    -e 's/^260000\trss_mib\tsecstd\t64$/260000\trss_mib\tsecstd\t64.1/' \
    -e 's/^260000\tindex_rate\tsecstd\t6000$/260000\tindex_rate\tsecstd\t5999/' \
    -e 's/^real\trefresh_s\tsecstd\t2$/real\trefresh_s\tsecstd\t2.01/' \
    "$DIR/edge.tsv" >"$DIR/past.tsv"
python3 "$SRC/bench/report.py" "$DIR/past.tsv" >"$DIR/past.out"
expect "$DIR/past.out" "Targets (bench/README.md): 7 of 13 met" "six targets missed"
expect "$DIR/past.out" "| 26,000 records: 1 client p50 ≤ 0.5 ms | 0.504 | no |" "p50 past the limit, to the thousandth"
expect "$DIR/past.out" "| 26,000 records: ≥ 3,000 q/s at 16 connections | 2999 | no |" "q/s under the limit"
expect "$DIR/past.out" "| 260,000 records: zero errors under load | 1 | no |" "an error at 2 connections"
expect "$DIR/past.out" "| 260,000 records: searchd RSS after load ≤ 64 MiB | 64.1 | no |" "RSS past the limit"
expect "$DIR/past.out" "| 260,000 records: indexing ≥ 6,000 records/s | 5999 | no |" "indexing under the limit"
expect "$DIR/past.out" "| crawled records: refresh with nothing changed ≤ 2 s | 2.010 | no |" "refresh past the limit"
expect "$DIR/past.out" "| 26,000 records: zero errors under load | 0 | yes |" "the other size's errors unaffected"

# A load wrk gave no figures for counts as the worst (run.sh: latency
# "inf", q/s 0, one error): read as missed, not a crash.
sed -e 's/^26000\tlat_p99\tsecstd\t5$/26000\tlat_p99\tsecstd\tinf/' \
    -e 's/^26000\trps_c16\tsecstd\t3000$/26000\trps_c16\tsecstd\t0/' \
    "$DIR/edge.tsv" >"$DIR/failed.tsv"
if python3 "$SRC/bench/report.py" "$DIR/failed.tsv" >"$DIR/failed.out"; then
    expect "$DIR/failed.out" "| 26,000 records: 1 client p99 ≤ 5 ms | inf | no |" "a failed latency load is missed"
    expect "$DIR/failed.out" "| 26,000 records: ≥ 3,000 q/s at 16 connections | 0 | no |" "a failed throughput load is missed"
    expect "$DIR/failed.out" "Targets (bench/README.md): 11 of 13 met" "two targets missed by failed loads"
else
    echo "FAIL: report.py failed on a failed load's figures" >&2
    fail=1
fi

# A smoke-sized run: only the crawled records' targets can be read.
grep -v -e '^26000' -e '^260000' "$DIR/edge.tsv" >"$DIR/smoke.tsv"
printf '400\tlat_p50\tsecstd\t0.3\n' >>"$DIR/smoke.tsv"
python3 "$SRC/bench/report.py" "$DIR/smoke.tsv" >"$DIR/smoke.out"
expect "$DIR/smoke.out" \
    "Targets (bench/README.md): 2 of 13 met, 11 not measured (they are set for 26,000 and 260,000 records; this run: 400)" \
    "targets of sizes not run are not measured"
expect "$DIR/smoke.out" "| 26,000 records: 1 client p50 ≤ 0.5 ms | n/a | not measured |" "a target without its figure"

exit $fail
