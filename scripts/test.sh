#!/usr/bin/env bash
# test.sh — the one test command: installs what is missing, builds with
# -Werror, runs every test through ctest, then builds again with
# AddressSanitizer + UndefinedBehaviorSanitizer and runs the suite once more,
# then runs the searchd tests under ThreadSanitizer.
# Usage: scripts/test.sh   (from anywhere; writes only build-test/, build-asan/,
# build-tsan/)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
. scripts/deps.sh
secstd_install "${SECSTD_BUILD_PACKAGES[@]}" "${SECSTD_TEST_PACKAGES[@]}"

jobs=$(nproc 2>/dev/null || echo 2)
shared="${SECSTD_SHARED_DATA:-$here/../shared/data/sdo}"
[ -d "$shared" ] || { echo "test.sh: real SDO data not found at $shared (set SECSTD_SHARED_DATA)" >&2; exit 1; }

echo "== build (-Werror)"
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSECSTD_WERROR=ON \
  -DSECSTD_SHARED_DATA="$shared" >/dev/null
cmake --build build-test -j"$jobs"
echo "== tests"
(cd build-test && ctest --output-on-failure -j"$jobs")

if [ "${SECSTD_SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== build (ASan + UBSan)"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSECSTD_WERROR=ON -DSECSTD_SANITIZE=ON \
    -DSECSTD_SHARED_DATA="$shared" >/dev/null
  cmake --build build-asan -j"$jobs"
  echo "== tests under ASan + UBSan"
  # The daemon suite runs without Check's fork: its tests share a server
  # started in the parent, and a child forked from that multi-threaded
  # process can deadlock in the sanitizer's allocator at exit (a lock held
  # by a worker at fork time). In one process the leak check also runs once,
  # after every server has stopped, which is the check we want.
  (cd build-asan && export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    LSAN_OPTIONS=suppressions="$here/tests/lsan.supp" \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 SECSTD_SANITIZED=1 &&
    ctest --output-on-failure -j"$jobs" -E 'browser|searchd/check' &&
    CK_FORK=no ctest --output-on-failure -R 'searchd/check')

  # The daemon's thread pool and the indexer's threads (reading, classifying,
  # shards, freeing) under ThreadSanitizer: the searchd and build tests, and
  # the identifier parser's compiled patterns that threads borrow
  # (check_ident; the rest is single-threaded). CK_FORK=no because the
  # searchd tests share one server started in the parent, and TSan cannot
  # start threads in a child forked from a multi-threaded process. No
  # suppressions: libmicrohttpd and libxapian are not instrumented, so TSan
  # sees only our code and the Xapian header code inlined into it (docs/SOAK.md, "Thread sanitizer").
  echo "== build (ThreadSanitizer, searchd, build and identifier tests)"
  cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DSECSTD_WERROR=ON -DSECSTD_TSAN=ON \
    -DSECSTD_SHARED_DATA="$shared" >/dev/null
  cmake --build build-tsan -j"$jobs" --target check_searchd check_build check_assist check_ident
  echo "== searchd, build and identifier tests under ThreadSanitizer"
  (cd build-tsan && CK_FORK=no TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
    ctest --output-on-failure -R 'searchd/check|indexer/check_build|indexer/check_assist|schema/check_ident')
fi
echo "== all tests passed"
