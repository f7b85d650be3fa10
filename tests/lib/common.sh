# common.sh — sourced by the shell integration tests (tests/**/test_*.sh).
#
# Gives every test: $BIN (secstd), $SEARCHD, $SRC, $SHARED (the real data,
# read-only), $TMP (the only place a test writes; removed on exit), a trap
# that stops every server the test started (by pid, nothing else), and
# helpers for loopback servers with bounded waits. Requires bash >= 4.4.

: "${SECSTD_BIN:?SECSTD_BIN must name the build directory}"
: "${SECSTD_SRC:?SECSTD_SRC must name the source directory}"
SHARED="${SECSTD_SHARED_DATA:-$SECSTD_SRC/../shared/data/sdo}"
BIN="$SECSTD_BIN/secstd"
SEARCHD="$SECSTD_BIN/searchd"
SRC="$SECSTD_SRC"
LIB="$SRC/tests/lib"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/secstd-itest-XXXXXX")"
PIDS=()

cleanup() {
    local p
    # Finish cleaning even if a signal arrives meanwhile (a server stopping
    # its process group, a second Ctrl-C).
    trap '' INT TERM
    for p in "${PIDS[@]}"; do
        kill "$p" 2>/dev/null || true
    done
    for p in "${PIDS[@]}"; do
        # Bounded: a server that ignores SIGTERM for 5 s gets SIGKILL.
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$p" 2>/dev/null || true
    done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

failures=0
ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
die() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "# $*"; }

require() {
    [ -x "$BIN" ] || die "no $BIN"
    [ -d "$SHARED" ] || { echo "SKIP: no shared data at $SHARED"; exit 0; }
    command -v python3 >/dev/null || die "python3 is needed for the loopback servers"
    command -v curl >/dev/null || die "curl is needed"
}

# wait_for SECONDS CMD... — polls CMD every 0.1 s; 1 on timeout.
wait_for() {
    local limit="$1"
    shift
    local end=$((SECONDS + limit))
    while ! "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$end" ] || return 1
        sleep 0.1
    done
}

# json_get FILE PYTHON-EXPR — evaluates EXPR with `d` the parsed JSON.
json_get() {
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# start_upstream ROOT CONTROL — serves ROOT on 127.0.0.1 (faults switched
# through files in CONTROL, see upstream.py); sets UPSTREAM_URL and
# UPSTREAM_PID.
start_upstream() {
    local root="$1" control="$2"
    mkdir -p "$control"
    rm -f "$control/port"
    python3 "$LIB/upstream.py" --root "$root" --control "$control" --port-file "$control/port" \
        >"$control/server.log" 2>&1 &
    UPSTREAM_PID=$!
    PIDS+=("$UPSTREAM_PID")
    wait_for 20 test -s "$control/port" || die "loopback upstream did not start ($(cat "$control/server.log"))"
    UPSTREAM_URL="http://127.0.0.1:$(cat "$control/port")"
}

# start_searchd INDEX_DIR LOG [FLAG...] — runs searchd on a free port, with
# any further flags; sets SEARCHD_URL (ending in /) and SEARCHD_PID.
start_searchd() {
    local index="$1" log="$2"
    shift 2
    [ -x "$SEARCHD" ] || die "no $SEARCHD"
    "$SEARCHD" --index "$index" --port 0 --bind 127.0.0.1 "$@" >"$log" 2>"$log.err" &
    SEARCHD_PID=$!
    PIDS+=("$SEARCHD_PID")
    wait_for 20 grep -q '^searchd: serving http' "$log" ||
        die "searchd did not start: $(cat "$log.err")"
    SEARCHD_URL="$(sed -n 's/^searchd: serving \(http[^ ]*\).*/\1/p' "$log" | head -1)"
    case "$SEARCHD_URL" in */) ;; *) SEARCHD_URL="$SEARCHD_URL/" ;; esac
}

# stop_pid PID — stops one process this test started, bounded.
stop_pid() {
    local p="$1"
    kill "$p" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
}

# healthz_generation URL — the generation searchd serves (empty on error).
healthz_generation() {
    curl -fsS --max-time 5 "${1}healthz" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["generation"])' 2>/dev/null
}

# crawl_config FILE — a config for loopback crawls: no per-host delay (every
# source is on 127.0.0.1), short retries, so a test stays fast.
crawl_config() {
    cat >"$1" <<'CONF'
[crawl]
host_delay = 0
retries = 1
retry_delay = 100
retry_max_delay = 200
low_speed_time = 5
CONF
}

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures check(s) failed" >&2
        exit 1
    fi
    echo "all checks passed"
}
