#!/usr/bin/env bash
# test_assist.sh — searchd's helper thread (indexer/assist.h) on the records
# crawled from ../shared/data/sdo: one searchd with it (--assist 1, the
# default) and one without, each asked one request at a time (the helper's
# case: a search running alone) the bench's query set and more shapes
# (pages, date order, every scope, no facets, a widened search, filters of
# every field). Every answer must be the same, byte for byte, and the
# helper must have taken part (searchd_search_assisted_total) in one
# server and not in the other.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require
[ -x "$SEARCHD" ] || die "no $SEARCHD"

D="$TMP/data"
"$BIN" crawl --mirror "$SHARED" --data "$D" --quiet >"$TMP/crawl.log" 2>&1 ||
    die "crawl failed: $(tail -5 "$TMP/crawl.log")"
"$BIN" index --data "$D" --full --quiet >"$TMP/index.log" 2>&1 ||
    die "index failed: $(tail -5 "$TMP/index.log")"

start_searchd "$D/index" "$TMP/with.log" --assist 1
WITH="$SEARCHD_URL"
start_searchd "$D/index" "$TMP/without.log" --assist 0
WITHOUT="$SEARCHD_URL"

REQUESTS="$TMP/requests.txt"
grep '^/' "$SRC/bench/queries.txt" >"$REQUESTS"
cat >>"$REQUESTS" <<'REQ'
/api/search?q=security&page=2&per_page=5
/api/search?q=authentication&sort=date
/api/search?q=security&scope=all
/api/search?q=encryption&facets=0
/api/search?q=certificate+zebra
/api/search?q=qkd+authentication+protocol
/api/search?q=&area=iot&area=cloud&status=published&status=withdrawn&type=TS&from=2015-06&to=2023-03
/api/search?q=privacy&sdo=ISO%2FIEC&sdo=ITU-T&sdo=IETF&sdo=ETSI&from=2000
/search.csv?q=authentication&sdo=ETSI
REQ

assisted() {
    curl -fsS --max-time 10 "${1}metrics" | sed -n 's/^searchd_search_assisted_total //p'
}

# The helper opens its handle when searchd starts: give it a moment, by
# searching until it takes part (bounded).
for _ in $(seq 100); do
    curl -fsS --max-time 10 -o /dev/null "${WITH}api/search?q=security"
    [ "$(assisted "$WITH")" -gt 0 ] && break
    sleep 0.1
done
before="$(assisted "$WITH")"

n=0 same=0
while read -r path; do
    n=$((n + 1))
    curl -fsS --max-time 30 -o "$TMP/a" "${WITH%/}$path" || { fail "with the helper: $path"; continue; }
    curl -fsS --max-time 30 -o "$TMP/b" "${WITHOUT%/}$path" || { fail "without: $path"; continue; }
    if cmp -s "$TMP/a" "$TMP/b"; then
        same=$((same + 1))
    else
        fail "answers differ for $path: $(cmp "$TMP/a" "$TMP/b" | head -1)"
    fi
done <"$REQUESTS"
[ "$same" -eq "$n" ] && ok "all $n answers the same with and without the helper"

after="$(assisted "$WITH")"
searches=$(grep -c '^/api/search?' "$REQUESTS")
# A search with facets asked alone is shared (the one with facets=0 has
# nothing to count). "Alone" is searchd's count of requests in flight,
# which drops in the completion callback, just after the client has its
# answer: the next request can come first now and then, so not all.
if [ $((after - before)) -ge $(((searches - 1) / 2)) ]; then
    ok "the helper took part in $((after - before)) of the $((searches - 1)) searches with facets"
else
    fail "the helper took part in only $((after - before)) of $((searches - 1)) searches"
fi
if [ "$(assisted "$WITHOUT")" -eq 0 ]; then
    ok "no helper with --assist 0"
else
    fail "--assist 0 still used the helper"
fi
finish
