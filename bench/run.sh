#!/usr/bin/env bash
# bench/run.sh — secstd's benchmark, side by side with SQLite FTS5 and Xapian
# Omega, in one run. See bench/README.md.
#
#   bench/run.sh [--sizes 26000,260000] [--duration 10] [--index-runs 3]
#                [--load-runs 3] [--smoke] [--no-peers] [--build DIR]
#                [--mirror DIR] [--keep]
#
# Builds secstd (Release), crawls the mirror, derives corpora of each size
# from the crawled records, and measures indexing, searchd over HTTP on
# 127.0.0.1 (latency, throughput, RSS, cold start) and `secstd refresh`;
# then the same corpora and queries through the peers; prints one table.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$(dirname "$HERE")"
SIZES="26000,260000"
DURATION=10
INDEX_RUNS=""
LOAD_RUNS=""
SMOKE=0
PEERS=1
KEEP=0
BUILD=""
MIRROR="${SECSTD_SHARED_DATA:-$SRC/../shared/data/sdo}"
QUERIES="$HERE/queries.txt"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
    case "$1" in
    --sizes) SIZES="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --index-runs) INDEX_RUNS="$2"; shift 2 ;;
    --load-runs) LOAD_RUNS="$2"; shift 2 ;;
    --smoke) SMOKE=1; shift ;;
    --no-peers) PEERS=0; shift ;;
    --build) BUILD="$2"; shift 2 ;;
    --mirror) MIRROR="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done
if [ "$SMOKE" = 1 ]; then
    SIZES="${SMOKE_SIZES:-400}"
    DURATION=1
    INDEX_RUNS="${INDEX_RUNS:-2}"
    LOAD_RUNS="${LOAD_RUNS:-2}"
fi
INDEX_RUNS="${INDEX_RUNS:-3}"
LOAD_RUNS="${LOAD_RUNS:-3}"
case "$DURATION" in '' | *[!0-9]*) echo "run.sh: --duration wants whole seconds" >&2; exit 2 ;; esac
case "$INDEX_RUNS" in '' | *[!0-9]* | 0) echo "run.sh: --index-runs wants a whole number of builds, 1 or more" >&2; exit 2 ;; esac
case "$LOAD_RUNS" in '' | *[!0-9]* | 0) echo "run.sh: --load-runs wants a whole number of rounds, 1 or more" >&2; exit 2 ;; esac
[ -d "$MIRROR" ] || { echo "run.sh: no mirror at $MIRROR (--mirror DIR)" >&2; exit 2; }
MIRROR="$(cd "$MIRROR" && pwd)"

log() { printf '== %s\n' "$*" >&2; }

# ---- dependencies (Debian packages) ------------------------------------------------
# secstd's own build dependencies (scripts/deps.sh, as the README's commands
# install them: a checkout newer than the last install may need one more),
# then the peers and the load client.
if [ "$SMOKE" = 0 ] && [ -z "${SECSTD_BIN:-}" ]; then
    # shellcheck source=../scripts/deps.sh
    . "$SRC/scripts/deps.sh"
    secstd_install "${SECSTD_BUILD_PACKAGES[@]}" || { echo "run.sh: could not install secstd's build dependencies" >&2; exit 2; }
fi
missing=()
command -v python3 >/dev/null || missing+=(python3)
command -v wrk >/dev/null || missing+=(wrk)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
command -v scriptindex >/dev/null || missing+=(xapian-omega)
command -v quest >/dev/null || missing+=(xapian-tools)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$SMOKE" = 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "installing ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
            { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2; }
    else
        log "missing (not installed in this mode): ${missing[*]}"
    fi
fi
command -v python3 >/dev/null || { echo "run.sh: python3 is required" >&2; exit 2; }
HAVE_WRK=0; command -v wrk >/dev/null && HAVE_WRK=1
HAVE_OMEGA=0; command -v scriptindex >/dev/null && command -v quest >/dev/null && HAVE_OMEGA=1
HAVE_FTS5=0; python3 -c 'import sqlite3; c=sqlite3.connect(":memory:"); c.execute("create virtual table t using fts5(x)")' 2>/dev/null && HAVE_FTS5=1
if [ "$SMOKE" = 0 ] && [ "$PEERS" = 1 ] && { [ "$HAVE_WRK" = 0 ] || [ "$HAVE_OMEGA" = 0 ] || [ "$HAVE_FTS5" = 0 ]; }; then
    echo "run.sh: wrk, FTS5 and Omega are required for a full run (or --no-peers / --smoke)" >&2
    exit 2
fi

# ---- build --------------------------------------------------------------------------
if [ -z "$BUILD" ] && [ -n "${SECSTD_BIN:-}" ] && [ -x "$SECSTD_BIN/secstd" ] && [ -x "$SECSTD_BIN/searchd" ]; then
    BUILD="$SECSTD_BIN"   # under ctest: the build being tested
fi
if [ -z "$BUILD" ]; then
    BUILD="$SRC/build-bench"
    log "building secstd (Release) in $BUILD"
    cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD" -j"$(nproc)" --target secstd searchd >/dev/null
fi
SECSTD="$BUILD/secstd"
SEARCHD="$BUILD/searchd"
[ -x "$SECSTD" ] && [ -x "$SEARCHD" ] || { echo "run.sh: no secstd/searchd in $BUILD" >&2; exit 2; }

# ---- work area, servers, cleanup ---------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/secstd-bench-XXXXXX")"
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do
        kill "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    if [ "$KEEP" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
stop_pid() {
    local p="$1" q rest=()
    kill "$p" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
    for q in "${PIDS[@]}"; do [ "$q" = "$p" ] || rest+=("$q"); done
    PIDS=("${rest[@]+"${rest[@]}"}")
}
RES="$WORK/results.tsv"
: >"$RES"
put() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RES"; }
# kv KEY LINE — value of KEY=... in a "k=v k=v" line
kv() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -1; }
calc() { python3 -c "print(round($1, 3))"; }
# timed OUT CMD... — runs CMD with /usr/bin/time: OUT.time holds "wall rss_kb user sys"
timed() {
    local out="$1"
    shift
    /usr/bin/time -f '%e %M %U %S' -o "$out.time" "$@" >"$out.out" 2>"$out.err"
}
# timed_runs OUT PREP CMD... — builds an index INDEX_RUNS times: PREP (a
# shell command: empty the previous index) then `timed` CMD. OUT.* are the
# files of the run of median wall time (of an even count, the slower of the
# middle two); OUT.walls holds every run's wall time. A build lasts a few
# seconds at 26k, less than one load figure, so one build is one sample of
# the VM's speed at that moment; the median of several is the figure.
timed_runs() {
    local out="$1" prep="$2" k pick
    shift 2
    : >"$out.walls"
    for k in $(seq "$INDEX_RUNS"); do
        eval "$prep"
        timed "$out.run$k" "$@"
        printf '%s %s\n' "$(wall "$out.run$k")" "$k" >>"$out.walls"
    done
    pick="$(sort -n "$out.walls" | sed -n "$((INDEX_RUNS / 2 + 1))p" | awk '{print $2}')"
    for k in time out err; do cp "$out.run$pick.$k" "$out.$k"; done
}
# column FILE COL ASC|DESC — column COL (1-based) of FILE's lines, sorted
# as numbers ("inf" last in ASC): a failed load's figures are "inf"
# (latency, CPU) or 0 (q/s), the worst either way.
column() {
    local order=-g
    [ "$3" = DESC ] && order=-rg
    awk -v c="$2" '{print $c}' "$1" | sort $order
}
# med FILE COL BETTER — the median of column COL; of an even count, the
# worse of the middle two (BETTER: higher or lower)
med() {
    local dir=ASC
    [ "$3" = higher ] && dir=DESC
    column "$1" "$2" "$dir" | sed -n "$(( $(wc -l <"$1") / 2 + 1 ))p"
}
# extreme FILE COL min|max — the lowest or highest value of column COL
extreme() {
    local dir=ASC
    [ "$3" = max ] && dir=DESC
    column "$1" "$2" "$dir" | head -1
}
# put_index SIZE SYSTEM N OUT — the indexing figures of timed_runs OUT for N records
put_index() {
    local size="$1" sys="$2" n="$3" out="$4" t
    t=$(wall "$out")
    put "$size" index_s "$sys" "$t"
    put "$size" index_rate "$sys" "$(calc "$n / max($t, 0.001)")"
    put "$size" index_rate_lo "$sys" "$(calc "$n / max($(extreme "$out.walls" 1 max), 0.001)")"
    put "$size" index_rate_hi "$sys" "$(calc "$n / max($(extreme "$out.walls" 1 min), 0.001)")"
    put "$size" index_cpu_s "$sys" "$(cpu "$out")"
    put "$size" index_rss_mib "$sys" "$(rss_mib "$out")"
}
wall() { awk '{print $1}' "$1.time"; }
rss_mib() { awk '{printf "%.1f", $2 / 1024}' "$1.time"; }
cpu() { awk '{printf "%.2f", $3 + $4}' "$1.time"; }
mib() { du -sk "$1" | awk '{printf "%.1f", $1 / 1024}'; }
proc_rss_mib() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
# proc_cpu_s PID — user+sys CPU seconds a process has used so far (/proc/PID/stat
# fields 14 and 15, after the command name in parentheses)
proc_cpu_s() { sed 's/^.*) //' "/proc/$1/stat" | awk -v t="$(getconf CLK_TCK)" '{print ($12 + $13) / t}'; }

# wrk_run NAME CONNS URL — bounded load through the query set; "BENCH ..." line
wrk_run() {
    local name="$1" conns="$2" url="$3" threads=2
    [ "$conns" -lt 2 ] && threads=1
    timeout $((DURATION + 30)) wrk -t"$threads" -c"$conns" -d"${DURATION}s" --timeout 10s \
        -s "$HERE/wrk_queries.lua" "$url" -- "$QUERIES" >"$WORK/$name.wrk" 2>&1 || true
    grep '^BENCH ' "$WORK/$name.wrk" || echo "BENCH failed"
}

# http_bench SIZE SYSTEM URL PID — latency (1 conn), throughput (2, 16
# conns), RSS. LOAD_RUNS rounds of the three loads, one after the other;
# each figure is the median over the rounds (a 10-s load is one sample of
# the VM's speed, as one build is), the spread of the p50 and of the
# 16-connection q/s on rows of their own, errors summed over all rounds.
http_bench() {
    local size="$1" sys="$2" url="$3" pid="$4" line r c cpu0 cpu1 nreq f
    f="$WORK/$sys-$size.load"
    if [ "$HAVE_WRK" = 0 ]; then
        log "$sys: no wrk, HTTP load skipped"
        return
    fi
    : >"$f.c1"; : >"$f.c2"; : >"$f.c16"
    for r in $(seq "$LOAD_RUNS"); do
        line="$(wrk_run "$sys-$size-c1-r$r" 1 "$url")"
        printf '%s %s %s\n' "$(kv p50_ms "$line")" "$(kv p95_ms "$line")" "$(kv p99_ms "$line")" |
            sed 's/^ *$/inf inf inf/' >>"$f.c1"
        for c in 2 16; do
            cpu0="$(proc_cpu_s "$pid")"
            line="$(wrk_run "$sys-$size-c$c-r$r" "$c" "$url")"
            cpu1="$(proc_cpu_s "$pid")"
            nreq="$(kv requests "$line")"
            if [ -z "$nreq" ]; then
                echo "0 1 inf" >>"$f.c$c"   # wrk printed no figures: a failed load
                continue
            fi
            # The server's own CPU per answered request: its cost apart
            # from the load client's share of the cores (q/s mixes both).
            printf '%s %s %s\n' "$(kv rps "$line")" \
                "$(( $(kv non2xx "$line") + $(kv socket_errors "$line") ))" \
                "$(if [ "$nreq" -gt 0 ]; then calc "($cpu1 - $cpu0) * 1e6 / $nreq"; else echo inf; fi)" >>"$f.c$c"
        done
    done
    put "$size" lat_p50 "$sys" "$(med "$f.c1" 1 lower)"
    put "$size" lat_p50_lo "$sys" "$(extreme "$f.c1" 1 min)"
    put "$size" lat_p50_hi "$sys" "$(extreme "$f.c1" 1 max)"
    put "$size" lat_p95 "$sys" "$(med "$f.c1" 2 lower)"
    put "$size" lat_p99 "$sys" "$(med "$f.c1" 3 lower)"
    for c in 2 16; do
        put "$size" "rps_c$c" "$sys" "$(med "$f.c$c" 1 higher)"
        put "$size" "err_c$c" "$sys" "$(awk '{s += $2} END {print s + 0}' "$f.c$c")"
    done
    put "$size" rps_c16_lo "$sys" "$(extreme "$f.c16" 1 min)"
    put "$size" rps_c16_hi "$sys" "$(extreme "$f.c16" 1 max)"
    put "$size" cpu_us_c16 "$sys" "$(med "$f.c16" 3 lower)"
    put "$size" rss_mib "$sys" "$(proc_rss_mib "$pid")"
}

# probe LABEL — the machine's speed now (bench/probe.py: zlib over a fixed
# text, none of secstd's code), kept for the line under the table's header
PROBE_ROUNDS=3
[ "$SMOKE" = 1 ] && PROBE_ROUNDS=1
PROBES=()
probe() {
    local line
    line="$(python3 "$HERE/probe.py" "$PROBE_ROUNDS")" || { PROBES+=("$1 failed"); return 0; }
    PROBES+=("$(kv probe_s "$line") s $1")
}

# put_stages SIZE OUT — the wall time of each stage of secstd's build whose
# --json summary is OUT.out ("stages", build.h; they add up to its wall
# time), read once; nothing when the build printed no summary
put_stages() {
    local size="$1" out="$2" k v
    while read -r k v; do
        put "$size" "stage_$k" secstd "$v"
    done < <(python3 -c 'import json, sys
for k, v in json.load(open(sys.argv[1]))["stages"].items(): print(k, v)' "$out.out" 2>/dev/null)
}

# ---- the real records: crawl, full rebuild, refresh with nothing changed ------------
REAL="$WORK/real"
log "crawling $MIRROR"
timed "$WORK/crawl" "$SECSTD" crawl --mirror "$MIRROR" --data "$REAL" --quiet || true
put real crawl_s secstd "$(wall "$WORK/crawl")"
nreal=$(cat "$REAL"/records/*.jsonl | wc -l)
[ "$nreal" -gt 0 ] || { echo "run.sh: the crawl produced no records" >&2; exit 1; }
timed "$WORK/rebuild" "$SECSTD" index --data "$REAL" --full --json
put real rebuild_s secstd "$(wall "$WORK/rebuild")"
put_stages real "$WORK/rebuild"
put real rebuild_rate secstd "$(calc "$nreal / max($(wall "$WORK/rebuild"), 0.001)")"
put real index_rss_mib secstd "$(rss_mib "$WORK/rebuild")"
# The first refresh records the mirror's validators; the second is the
# nightly case with nothing changed upstream.
"$SECSTD" refresh --mirror "$MIRROR" --data "$REAL" --quiet >/dev/null 2>&1 || true
timed "$WORK/refresh" "$SECSTD" refresh --mirror "$MIRROR" --data "$REAL" --quiet || true
put real refresh_s secstd "$(wall "$WORK/refresh")"

# ---- each corpus ---------------------------------------------------------------------
IFS=',' read -r -a sizes <<<"$SIZES"
for n in "${sizes[@]}"; do
    C="$WORK/c$n"
    log "corpus of $n records"
    probe "before $n"
    python3 "$HERE/gen_corpus.py" "$REAL/records" "$C/records" "$n" >/dev/null 2>"$WORK/gen-$n.err"

    # secstd: index
    log "secstd: indexing $n records ($INDEX_RUNS builds, each from an empty index)"
    timed_runs "$WORK/index-$n" 'rm -rf "$C/index"' "$SECSTD" index --data "$C" --full --json
    put_index "$n" secstd "$n" "$WORK/index-$n"
    put_stages "$n" "$WORK/index-$n"
    put "$n" index_mib secstd "$(mib "$C/index/$(readlink "$C/index/current")")"

    # secstd: searchd cold start, latency, throughput, RSS
    log "secstd: searchd"
    line="$(python3 "$HERE/coldstart.py" "$WORK/searchd-$n.log" "/api/search?q=security" -- \
        "$SEARCHD" --index "$C/index" --port 0 --bind 127.0.0.1 --csv-max-rows 10000000)"
    pid=$(kv pid "$line")
    PIDS+=("$pid")
    port=$(kv port "$line")
    put "$n" cold_ms secstd "$(kv cold_ms "$line")"
    http_bench "$n" secstd "http://127.0.0.1:$port" "$pid"
    # The peers filter on the same technology areas: take secstd's.
    curl -sf "http://127.0.0.1:$port/search.csv?q=" -o "$WORK/areas-$n.csv"
    stop_pid "$pid"
    python3 "$HERE/peers.py" areas "$WORK/areas-$n.csv" "$WORK/areas-$n.tsv" >/dev/null

    [ "$PEERS" = 1 ] || continue

    # SQLite FTS5
    if [ "$HAVE_FTS5" = 1 ]; then
        log "fts5: indexing $n records ($INDEX_RUNS builds)"
        timed_runs "$WORK/fts5-index-$n" 'rm -f "$WORK/fts5-$n.db"' \
            python3 "$HERE/peers.py" fts5-index "$C/records" "$WORK/areas-$n.tsv" "$WORK/fts5-$n.db"
        put_index "$n" fts5 "$n" "$WORK/fts5-index-$n"
        put "$n" index_mib fts5 "$(mib "$WORK/fts5-$n.db")"
        line="$(python3 "$HERE/peers.py" fts5-latency "$WORK/fts5-$n.db" "$QUERIES" "$DURATION")"
        put "$n" inproc_p50 fts5 "$(kv p50_ms "$line")"
        put "$n" inproc_p95 fts5 "$(kv p95_ms "$line")"
        put "$n" inproc_p99 fts5 "$(kv p99_ms "$line")"
        log "fts5: HTTP"
        rm -f "$WORK/fts5.port"
        t0=$(date +%s%N)
        python3 "$HERE/peers.py" fts5-serve "$WORK/fts5-$n.db" "$WORK/fts5.port" >"$WORK/fts5-serve-$n.log" 2>&1 &
        pid=$!
        PIDS+=("$pid")
        for _ in $(seq 300); do [ -s "$WORK/fts5.port" ] && break; sleep 0.05; done
        port="$(cat "$WORK/fts5.port")"
        until curl -sf -o /dev/null "http://127.0.0.1:$port/api/search?q=security"; do sleep 0.01; done
        put "$n" cold_ms fts5 "$(( ($(date +%s%N) - t0) / 1000000 ))"
        http_bench "$n" fts5 "http://127.0.0.1:$port" "$pid"
        stop_pid "$pid"
    fi

    # Xapian Omega: scriptindex + quest
    if [ "$HAVE_OMEGA" = 1 ]; then
        log "omega: indexing $n records ($INDEX_RUNS builds)"
        python3 "$HERE/peers.py" omega-input "$C/records" "$WORK/areas-$n.tsv" "$WORK/omega-$n.in" >/dev/null
        timed_runs "$WORK/omega-index-$n" 'rm -rf "$WORK/omega-$n.db"' \
            scriptindex --overwrite "$WORK/omega-$n.db" "$WORK/omega-$n.in.script" "$WORK/omega-$n.in"
        put_index "$n" omega "$n" "$WORK/omega-index-$n"
        put "$n" index_mib omega "$(mib "$WORK/omega-$n.db")"
        rounds=3
        [ "$SMOKE" = 1 ] && rounds=1
        line="$(python3 "$HERE/peers.py" omega-latency "$WORK/omega-$n.db" "$QUERIES" "$rounds")"
        put "$n" lat_p50 omega "$(kv p50_ms "$line")"
        put "$n" lat_p95 omega "$(kv p95_ms "$line")"
        put "$n" lat_p99 omega "$(kv p99_ms "$line")"
        rm -f "$WORK/omega-$n.in"
    fi
done

probe "at the end"

# ---- the table -------------------------------------------------------------------------
echo
echo "secstd benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -m), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "corpora: ${SIZES} records derived from $nreal crawled records; loads: ${DURATION}s each, the median of $LOAD_RUNS rounds; indexing: the median of $INDEX_RUNS builds; queries: $(grep -c '^/' "$QUERIES") ($QUERIES)"
probes="$(printf '%s, ' "${PROBES[@]}")"
echo "machine probe (bench/probe.py, zlib level 9 over a fixed 16 MB text, best of $PROBE_ROUNDS; higher is a slower machine): ${probes%, }"
echo
python3 "$HERE/report.py" "$RES"
