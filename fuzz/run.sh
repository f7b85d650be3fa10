#!/usr/bin/env bash
# fuzz/run.sh — runs the libFuzzer targets of fuzz/targets.txt for a given
# time each and reports, per target, executions, coverage (cov/ft from
# libFuzzer's last status line) and crashes.
#
# usage: fuzz/run.sh [--seconds N] [--jobs J] [--no-build] [--corpus DIR]
#                    [--runs N] [target...]
#   --seconds N   time per target (default 60); --runs N instead stops
#                 after N inputs (beyond the seeds)
#   --jobs J      targets run in parallel (default 1)
#   --corpus DIR  where each target's working corpus is kept between runs
#                 (default: <build>/corpus; the smoke test uses a temp dir)
#   --no-build    use the binaries already built
# Seeds: fuzz/seeds/<target>/ (committed, hand-written) plus, when
# $SECSTD_SHARED_DATA is a directory, the real listings named in
# targets.txt, each cut to the target's -max_len (at a line break) and
# staged in the work directory (never committed).
# Crashes (crash-*, leak-*, timeout-*, oom-*) are saved under
# $WORK/crashes/<target>/ and listed; WORK is a fresh temp dir (kept when
# something crashed, or with --keep). Exit status: 0 no crash, 1 a crash,
# 2 usage or build error.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
src="$(cd "$here/.." && pwd)"
build="${SECSTD_FUZZ_BUILD:-$src/build-fuzz}"
seconds=60
runs=""
jobs=1
do_build=1
keep=0
corpus_root=""
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --corpus) corpus_root="$2"; shift 2 ;;
    --no-build) do_build=0; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
case "$seconds$jobs${runs:-0}" in
  *[!0-9]*) echo "run.sh: --seconds, --jobs and --runs take numbers" >&2; exit 2 ;;
esac
[ -n "$corpus_root" ] || corpus_root="$build/corpus"

mapfile -t lines < <(grep -v '^#' "$here/targets.txt" | grep -v '^[[:space:]]*$')
selected=()
for l in "${lines[@]}"; do
  name="${l%%|*}"
  if [ "${#targets[@]}" -eq 0 ] || printf '%s\n' "${targets[@]}" | grep -qx "$name"; then
    selected+=("$l")
  fi
done
if [ "${#selected[@]}" -eq 0 ] || { [ "${#targets[@]}" -gt 0 ] && [ "${#selected[@]}" -ne "${#targets[@]}" ]; }; then
  echo "run.sh: unknown target among: ${targets[*]}" >&2
  exit 2
fi
names=()
for l in "${selected[@]}"; do names+=("${l%%|*}"); done

if [ "$do_build" -eq 1 ]; then
  SECSTD_FUZZ_BUILD="$build" "$here/build.sh" "${names[@]}" || exit 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/secstd-fuzz.XXXXXX")"
mkdir -p "$work/crashes" "$work/logs" "$work/shared" "$work/tmp"

# stage_shared NAME GLOBS MAXLEN PREFIX — real listings as extra seeds.
stage_shared() {
  local name="$1" globs="$2" maxlen="$3" prefix="$4" dir="$work/shared/$1" g f i=0
  mkdir -p "$dir"
  for g in $globs; do
    local base="${SECSTD_SHARED_DATA:-}"
    case "$g" in
      src:*) base="$src"; g="${g#src:}" ;;
    esac
    [ -n "$base" ] && [ -d "$base" ] || continue
    for f in "$base"/$g; do
      [ -f "$f" ] || continue
      i=$((i + 1))
      local lim=$((maxlen - ${#prefix}))
      {
        printf '%s' "$prefix"
        if [ "$(stat -c %s "$f")" -le "$lim" ]; then
          cat "$f"
        else
          # Cut at the last line break inside the limit.
          head -c "$lim" "$f" | sed '$d'
        fi
      } >"$dir/$i-$(basename "$f")"
    done
  done
}

# run_one LINE — runs one target, writes $work/logs/NAME.{log,result}.
run_one() {
  local name harness libs globs maxlen prefix
  IFS='|' read -r name harness libs globs maxlen prefix <<<"$1"
  local bin="$build/bin/fuzz_$name"
  local corpus="$corpus_root/$name" crashes="$work/crashes/$name"
  mkdir -p "$corpus" "$crashes"
  stage_shared "$name" "$globs" "$maxlen" "$prefix"
  local seeds=("$corpus")
  [ -d "$here/seeds/$name" ] && seeds+=("$here/seeds/$name")
  [ -n "$(ls -A "$work/shared/$name")" ] && seeds+=("$work/shared/$name")
  local limit=(-max_total_time="$seconds")
  [ -n "$runs" ] && limit=(-runs="$runs")
  local rc=0
  TMPDIR="$work/tmp" SECSTD_SRC="$src" \
    timeout -k 10 $(( ${seconds} + 120 )) "$bin" "${limit[@]}" -max_len="$maxlen" -timeout=25 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$crashes/" \
    "${seeds[@]}" >"$work/logs/$name.log" 2>&1 || rc=$?
  local log="$work/logs/$name.log"
  local execs cov ft ncrash
  execs="$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | grep -oE '[0-9]+$' | tail -n 1 || true)"
  [ -n "$execs" ] || execs="$(grep -oE '^Done [0-9]+ runs' "$log" | grep -oE '[0-9]+' | tail -n 1 || true)"
  [ -n "$execs" ] || execs="$(grep -oE '^#[0-9]+' "$log" | tr -d '#' | tail -n 1 || true)"
  cov="$(grep -oE ' cov: [0-9]+' "$log" | grep -oE '[0-9]+' | tail -n 1 || true)"
  ft="$(grep -oE ' ft: [0-9]+' "$log" | grep -oE '[0-9]+' | tail -n 1 || true)"
  ncrash="$(find "$crashes" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
    -o -name 'oom-*' -o -name 'slow-unit-*' \) ! -name 'slow-unit-*' | wc -l)"
  if [ "$ncrash" -eq 0 ] && [ "$rc" -ne 0 ]; then
    ncrash=1 # died without an artifact (e.g. in start-up): count it
  fi
  printf '%s %s %s %s %s %s\n' "$name" "${execs:-0}" "${cov:-0}" "${ft:-0}" "$ncrash" "$rc" \
    >"$work/logs/$name.result"
}

echo "run.sh: ${#selected[@]} target(s), ${runs:+$runs runs}${runs:-${seconds}s} each, $jobs at a time; work dir $work"
running=0
for l in "${selected[@]}"; do
  run_one "$l" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

total_crash=0
printf '%-22s %12s %7s %8s %8s\n' target executions cov ft crashes
for n in "${names[@]}"; do
  if [ ! -f "$work/logs/$n.result" ]; then
    printf '%-22s %12s\n' "$n" "(no result)"
    total_crash=$((total_crash + 1))
    continue
  fi
  read -r _ execs cov ft ncrash rc <"$work/logs/$n.result"
  printf '%-22s %12s %7s %8s %8s\n' "$n" "$execs" "$cov" "$ft" "$ncrash"
  total_crash=$((total_crash + ncrash))
done
if [ "$total_crash" -gt 0 ]; then
  echo "run.sh: $total_crash crash(es); artifacts and logs kept in $work:"
  find "$work/crashes" -type f | sed 's/^/  /'
  for n in "${names[@]}"; do
    if [ -f "$work/logs/$n.result" ] && [ "$(cut -d' ' -f5 "$work/logs/$n.result")" != 0 ]; then
      echo "--- $n (log tail)"
      grep -E 'ERROR|SUMMARY|runtime error|#[0-9]+ 0x' "$work/logs/$n.log" | head -n 15 || true
    fi
  done
  exit 1
fi
if [ "$keep" -eq 1 ]; then
  echo "run.sh: logs kept in $work"
else
  rm -rf "$work"
fi
exit 0
