#!/usr/bin/env bash
# run.sh — the main job in one command: install what is missing, build,
# crawl the standards bodies' listings, index them and serve the search
# page and API on http://127.0.0.1:${SECSTD_PORT:-8080}/.
#
#   scripts/run.sh                                   # live listings
#   SECSTD_MIRROR=../shared/data/sdo scripts/run.sh  # a local mirror
#
# Environment: SECSTD_DATA (default ./var), SECSTD_MIRROR (directory laid
# out like ../shared/data/sdo), SECSTD_PORT (8080), SECSTD_BIND (127.0.0.1).
# Re-running is cheap: unchanged sources are neither fetched again in full
# nor re-parsed, and nothing is re-indexed when nothing changed.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
. scripts/deps.sh
secstd_install "${SECSTD_BUILD_PACKAGES[@]}"

echo "== build"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
data="${SECSTD_DATA:-$here/var}"
mkdir -p "$data"

echo "== crawl and index (secstd refresh) into $data"
args=(--data "$data")
if [ -n "${SECSTD_MIRROR:-}" ]; then
  [ -d "$SECSTD_MIRROR" ] || { echo "run.sh: SECSTD_MIRROR=$SECSTD_MIRROR is not a directory" >&2; exit 2; }
  args+=(--mirror "$(cd "$SECSTD_MIRROR" && pwd)")
fi
rc=0
./build/secstd refresh "${args[@]}" || rc=$?
case $rc in
  0) ;;
  1) echo "run.sh: some sources failed (listed above); their previous records are kept." >&2 ;;
  3) echo "run.sh: another refresh is running; serving what is published." >&2 ;;
  *)
    if [ ! -e "$data/index/current" ]; then
      cat >&2 <<MSG
run.sh: no source could be crawled, so there is nothing to serve yet.
If this machine cannot reach the standards bodies' sites (each failure is
listed above), point secstd at a local mirror of the listings, e.g.:

    SECSTD_MIRROR=../shared/data/sdo scripts/run.sh

MSG
      exit 2
    fi
    echo "run.sh: nothing new was published; serving the previous index." >&2 ;;
esac
if [ $rc -ne 0 ] && [ -z "${SECSTD_MIRROR:-}" ] && [ -d "$here/../shared/data/sdo" ]; then
  echo "run.sh: hint: a local mirror is at ../shared/data/sdo — SECSTD_MIRROR=../shared/data/sdo scripts/run.sh" >&2
fi

echo "== serve (Ctrl-C to stop)"
exec ./build/searchd --index "$data/index" --bind "${SECSTD_BIND:-127.0.0.1}" \
  --port "${SECSTD_PORT:-8080}" --web-dir "$here/searchd/web"
