#!/usr/bin/env bash
# test_fuzz_smoke.sh — the short fuzz run of the test suite (SECURITY.md).
#
# Builds every libFuzzer target of fuzz/targets.txt (fuzz/build.sh, clang
# with ASan+UBSan), replays the crash inputs kept in
# tests/fuzz/regressions/<target>/ (each once: none may crash again), then
# runs every target for a few seconds from its committed seeds and the real
# listings of $SECSTD_SHARED_DATA, in a throw-away corpus. Fails on any
# crash, leak, timeout or out-of-memory. Skipped (passes) without clang.
# Budget: about a minute of build and a minute of fuzzing on 2 cores.
# Environment: SECSTD_SRC, SECSTD_BIN (build dir), SECSTD_SHARED_DATA,
# FUZZ_SMOKE_SECONDS (per target, default 3).
set -euo pipefail

src="${SECSTD_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}"
seconds="${FUZZ_SMOKE_SECONDS:-3}"

if ! command -v clang >/dev/null 2>&1 || ! command -v clang++ >/dev/null 2>&1; then
  echo "SKIP: clang not installed (apt-get install -y clang libclang-rt-14-dev)"
  exit 0
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/secstd-fuzz-smoke.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
build="${SECSTD_BIN:+$SECSTD_BIN/fuzz}"
build="${build:-$tmp/build}"
export SECSTD_FUZZ_BUILD="$build"

timeout 600 bash "$src/fuzz/build.sh"

# Regression inputs: every file under regressions/<target>/ must run clean.
failed=0
regdir="$src/tests/fuzz/regressions"
for dir in "$regdir"/*/; do
  [ -d "$dir" ] || continue
  target="$(basename "$dir")"
  bin="$build/bin/fuzz_$target"
  if [ ! -x "$bin" ]; then
    echo "FAIL: regressions/$target: no such fuzz target"
    failed=1
    continue
  fi
  mapfile -t inputs < <(find "$dir" -type f ! -name '*.md' | sort)
  [ "${#inputs[@]}" -gt 0 ] || continue
  if ! (cd "$tmp" && TMPDIR="$tmp" SECSTD_SRC="$src" timeout 300 "$bin" -timeout=25 \
      "${inputs[@]}" >"$tmp/regress-$target.log" 2>&1); then
    echo "FAIL: regressions/$target crashes again:"
    grep -E 'ERROR|SUMMARY|runtime error|Running:' "$tmp/regress-$target.log" | head -n 20
    failed=1
  else
    echo "ok: regressions/$target (${#inputs[@]} input(s))"
  fi
done

# The short run.
if ! timeout 900 bash "$src/fuzz/run.sh" --no-build --seconds "$seconds" --jobs 2 \
    --corpus "$tmp/corpus"; then
  failed=1
fi
exit "$failed"
