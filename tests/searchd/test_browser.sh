#!/usr/bin/env bash
# test_browser.sh — the secstd web page in a real browser.
#
# Builds an index from tests/searchd/fixtures/records.jsonl with
# `secstd index`, starts searchd on 127.0.0.1 port 0, and loads the page in
# headless Chromium (Debian's `chromium`, installed here when missing and we
# are root): --dump-dom checks that results render from a permalink and
# that hostile data stays escaped; --screenshot saves pictures under
# $SECSTD_BIN/test-artifacts/searchd/. When Node is available a DevTools
# click-through (browser_drive.js) types a query, clicks a facet, opens a
# result with the keyboard, follows a relation and goes back.
#
# Environment: SECSTD_BIN (build dir), SECSTD_SRC (source dir).
set -euo pipefail

SRC=${SECSTD_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${SECSTD_BIN:-$SRC/build}
ART=$BIN/test-artifacts/searchd
mkdir -p "$ART"

say() { printf 'test_browser: %s\n' "$*"; }
die() { printf 'test_browser: FAIL: %s\n' "$*" >&2; exit 1; }

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing chromium"
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null 2>&1 ||
      { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null 2>&1; } ||
      die "cannot install chromium"
    CHROMIUM=$(command -v chromium)
  else
    say "SKIP: chromium is not installed and we cannot install it (not root)"
    exit 77
  fi
fi
[ -x "$BIN/searchd" ] || die "no $BIN/searchd; build the searchd target first"
[ -x "$BIN/secstd" ] || die "no $BIN/secstd; build the secstd target first"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/secstd-browser-XXXXXX")
PID=
PID2=
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  if [ -n "$PID2" ]; then kill "$PID2" 2>/dev/null || true; wait "$PID2" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/data/records"
cp "$SRC/tests/searchd/fixtures/records.jsonl" "$WORK/data/records/fixture.jsonl"
# A standard whose editions arrive out of date order (as the ITU-T crawl
# gives them): the detail view lists them newest first, undated last.
cat >"$WORK/data/records/editions.jsonl" <<'JSON'
{"id": "ITU-T X.1035", "sdo": "ITU-T", "type": "Recommendation", "title": "Password-authenticated key exchange (PAK) protocol", "abstract": "Specifies a password-authenticated key exchange protocol that establishes a shared key from a password.", "keywords": ["password", "key exchange"], "status": "published", "date": "2007-02", "group": "SG17", "url": "https://www.itu.int/rec/T-REC-X.1035", "editions": [{"id": "ITU-T X.1035 (02/2000) Cor. 1", "date": "2003-05-14"}, {"id": "ITU-T X.1035 draft", "status": "withdrawn"}, {"id": "ITU-T X.1035 (02/2000)", "date": "2000-02-04"}, {"id": "ITU-T X.1035 (02/2007) Amd. 1", "date": "2012-10-14"}, {"id": "ITU-T X.1035 (11/1996)", "date": "1996-11-25"}]}
JSON
"$BIN/secstd" index --data "$WORK/data" >"$WORK/index.log" 2>&1 || { cat "$WORK/index.log"; die "secstd index failed"; }
# A second generation, so "What's new" has a change report: one new
# standard (with markup in its title and a javascript: URL) and X.1205
# withdrawn.
cat >"$WORK/data/records/later.jsonl" <<'JSON'
{"id": "W3C changes-test-1", "sdo": "W3C", "type": "NOTE", "title": "<img src=x onerror=alert(3)> Web application security: payment request integrity", "abstract": "Web application security for payment requests: integrity, origin checks, cross-site scripting defences.", "keywords": ["web security"], "status": "published", "date": "2026-01", "url": "javascript:alert(3)"}
JSON
sed -i 's/"id": "ITU-T X.1205", \(.*\)"status": "published"/"id": "ITU-T X.1205", \1"status": "withdrawn"/' "$WORK/data/records/fixture.jsonl"
"$BIN/secstd" index --data "$WORK/data" >>"$WORK/index.log" 2>&1 || { cat "$WORK/index.log"; die "second secstd index failed"; }

# serving_url NAME PID — the URL searchd (started with output in
# $WORK/NAME.out and .err) prints once it serves; dies if it does not.
serving_url() {
  local name=$1 pid=$2 url=
  for _ in $(seq 1 100); do
    url=$(sed -n 's/^searchd: serving //p' "$WORK/$name.out")
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$WORK/$name.err" >&2; die "$name exited"; }
    sleep 0.1
  done
  [ -n "$url" ] || die "$name did not print its URL"
  printf '%s\n' "$url"
}

"$BIN/searchd" --port 0 --index "$WORK/data/index" --web-dir "$SRC/searchd/web" \
  --access-log "$ART/access.log" >"$WORK/searchd.out" 2>"$WORK/searchd.err" &
PID=$!
URL=$(serving_url searchd "$PID")
say "searchd at $URL"

chrome() {
  local profile
  profile=$(mktemp -d "$WORK/profile-XXXXXX")
  timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-dev-shm-usage --user-data-dir="$profile" --virtual-time-budget=8000 "$@" \
    2>>"$WORK/chromium.err"
}

# 1. A permalink renders its results.
DOM=$WORK/search.html
chrome --dump-dom "${URL}?q=tls&sdo=IETF" >"$DOM" || die "chromium --dump-dom failed"
grep -q 'class="rid"[^>]*>RFC 8446<' "$DOM" || { head -c 3000 "$DOM"; die "RFC 8446 not rendered for q=tls&sdo=IETF"; }
grep -q 'class="chip removable"' "$DOM" || die "active filter chip not rendered"
grep -q '<mark>' "$DOM" || die "snippet highlights not rendered"
say "permalink renders results"

# 1b. Without JavaScript the page says so and points to the API and CSV.
grep -q '<noscript>' "$DOM" || die "no <noscript> message"
grep -q 'href="/search.csv?q=' "$DOM" || die "the <noscript> message does not link the CSV export"

# 2. An identifier query puts that standard first.
chrome --dump-dom "${URL}?q=TS%2033.501" >"$WORK/ident.html"
first=$(grep -o 'class="rid"[^>]*>[^<]*<' "$WORK/ident.html" | head -1 | sed 's/.*>\([^<]*\)</\1/')
[ "$first" = "3GPP TS 33.501" ] || die "identifier query: first result is '$first'"

# 3. Hostile data stays text.
chrome --dump-dom "${URL}?q=hostile" >"$WORK/hostile.html"
grep -q 'hostile-test-1' "$WORK/hostile.html" || die "hostile record not shown"
grep -q "&lt;script&gt;alert('xss')&lt;/script&gt;" "$WORK/hostile.html" || die "hostile title not shown as text"
if grep -q "<script>alert" "$WORK/hostile.html" || grep -q '<img src="x"' "$WORK/hostile.html" ||
   grep -q '<iframe' "$WORK/hostile.html"; then
  die "hostile markup was injected into the page"
fi
grep -q '<title>pwned' "$WORK/hostile.html" && die "hostile script ran"
chrome --dump-dom "${URL}?id=W3C%20hostile-test-1" >"$WORK/hostile-detail.html"
grep -q 'href="javascript:' "$WORK/hostile-detail.html" && die "javascript: URL became a link"
say "hostile data stays escaped"

# 4. Detail view: relations both ways and similar standards.
chrome --dump-dom "${URL}?id=ITU-T%20X.509" >"$WORK/detail.html"
grep -q 'ISO/IEC 9594-8' "$WORK/detail.html" || die "X.509 detail lacks its twin"
grep -q 'class="similar-list"' "$WORK/detail.html" || die "X.509 detail lacks similar standards"
chrome --dump-dom "${URL}?id=RFC%205246" >"$WORK/detail2.html"
grep -q 'RFC 8446' "$WORK/detail2.html" || die "RFC 5246 detail lacks the inverse relation to RFC 8446"
say "detail view shows relations and similar standards"

# 5. Areas and coverage views.
chrome --dump-dom "${URL}?view=areas" >"$WORK/areas.html"
grep -q 'class="area-card' "$WORK/areas.html" || die "areas view empty"
chrome --dump-dom "${URL}?view=coverage" >"$WORK/coverage.html"
grep -q 'heat-' "$WORK/coverage.html" || die "coverage view empty"
grep -q 'gap-cell' "$WORK/coverage.html" || die "coverage view shows no gaps"
grep -q 'class="trend"' "$WORK/coverage.html" || die "coverage view lacks the per-year trend"
grep -q 'href="/coverage.csv"' "$WORK/coverage.html" || die "coverage view lacks the CSV link"
grep -q 'view=overlap&amp;area=pki' "$WORK/coverage.html" || die "coverage rows do not link to overlap"
grep -q 'view=overlap&amp;area=' "$WORK/areas.html" || die "area cards do not link to overlap"

# 6. Overlap clusters of one area, with the CSV link.
chrome --dump-dom "${URL}?view=overlap&area=pki" >"$WORK/overlap.html"
grep -q 'class="cluster' "$WORK/overlap.html" || die "overlap view shows no cluster"
grep -q 'ISO/IEC 9594-8' "$WORK/overlap.html" || die "overlap view lacks the X.509 twin"
grep -q 'identical text' "$WORK/overlap.html" || die "overlap view lacks the relation kind"
grep -q 'href="/overlap.csv?area=pki"' "$WORK/overlap.html" || die "overlap view lacks the CSV link"
say "overlap view shows clusters"

# 7. What's new: the second generation's changes, escaped, feed links.
chrome --dump-dom "${URL}?view=changes" >"$WORK/changes.html"
grep -q 'class="gen-card' "$WORK/changes.html" || die "what's new shows no refresh"
grep -q 'W3C changes-test-1' "$WORK/changes.html" || die "what's new lacks the added standard"
grep -q '&lt;img src=x onerror=alert(3)&gt;' "$WORK/changes.html" || die "added title not shown as text"
grep -q '<img src="x"' "$WORK/changes.html" && die "markup from a title was injected"
grep -q 'href="javascript:' "$WORK/changes.html" && die "javascript: URL became a link"
grep -q 'ITU-T X.1205' "$WORK/changes.html" || die "what's new lacks the status change"
grep -q 'rel="alternate" type="application/atom+xml"' "$WORK/changes.html" || die "no Atom alternate link in the head"
chrome --dump-dom "${URL}?view=changes&area=web&sdo=W3C" >"$WORK/changes-web.html"
grep -q 'href="/feeds/changes.atom?area=web&amp;sdo=W3C"' "$WORK/changes-web.html" || die "feed link does not follow the filter"
grep -q 'ITU-T X.1205' "$WORK/changes-web.html" && die "SDO filter not applied to what's new"
say "what's new shows the change report"

# 7b. Estimated facet counts are marked: a second searchd that counts only
# two matches one by one (--exact-facets 2), on 60 records of its own, so
# that a page of 20 leaves the rest estimated; the first searchd's counts
# stay exact and unmarked.
mkdir -p "$WORK/many/records"
for i in $(seq 1 60); do
  sdo=ETSI; [ $((i % 3)) = 0 ] && sdo=IETF
  printf '{"id": "TEST %d", "sdo": "%s", "type": "TS", "title": "Authentication test record %d", "status": "published", "date": "2020-01"}\n' \
    "$i" "$sdo" "$i"
done >"$WORK/many/records/many.jsonl"
"$BIN/secstd" index --data "$WORK/many" >"$WORK/many.log" 2>&1 || { cat "$WORK/many.log"; die "secstd index of 60 records failed"; }
"$BIN/searchd" --port 0 --index "$WORK/many/index" --web-dir "$SRC/searchd/web" --exact-facets 2 \
  >"$WORK/searchd2.out" 2>"$WORK/searchd2.err" &
PID2=$!
URL2=$(serving_url searchd2 "$PID2")
chrome --dump-dom "${URL2}?q=authentication&scope=all" >"$WORK/approx.html"
grep -q 'class="facet-count" title="estimated from a sample of the matches">≈[0-9]' "$WORK/approx.html" ||
  die "estimated facet counts are not marked"
chrome --dump-dom "${URL}?q=&scope=all" >"$WORK/exact.html"
grep -q 'class="facet-count">[0-9]' "$WORK/exact.html" || die "no facet counts rendered"
grep -q '≈' "$WORK/exact.html" && die "exact facet counts are marked as estimates"
kill -TERM "$PID2"
wait "$PID2" || die "second searchd did not exit cleanly"
PID2=
say "estimated facet counts are marked"

# 8. Screenshots (laptop and phone).
shot() {
  local name=$1 size=$2 target=$3
  chrome --hide-scrollbars --window-size="$size" --screenshot="$ART/$name.png" "$target" >/dev/null ||
    die "screenshot $name failed"
  [ -s "$ART/$name.png" ] || die "screenshot $name is empty"
}
shot search-laptop 1366,900 "${URL}?q=authentication"
shot search-phone 390,844 "${URL}?q=5G%20security"
shot detail-laptop 1366,900 "${URL}?id=RFC%208446"
shot areas-laptop 1366,900 "${URL}?view=areas"
shot coverage-laptop 1366,900 "${URL}?view=coverage"
shot overlap-laptop 1366,900 "${URL}?view=overlap&area=pki"
shot changes-laptop 1366,900 "${URL}?view=changes"
shot changes-phone 390,844 "${URL}?view=changes"
say "screenshots in $ART"

# 9. The click-through, when Node can drive the DevTools protocol.
if command -v node >/dev/null && node --experimental-websocket -e 'process.exit(typeof WebSocket === "function" ? 0 : 1)' 2>/dev/null; then
  node --experimental-websocket "$SRC/tests/searchd/browser_drive.js" "$CHROMIUM" "$URL" "$ART" ||
    die "click-through failed"
else
  say "node with WebSocket not available: click-through skipped"
fi

kill -TERM "$PID"
wait "$PID" || die "searchd did not exit cleanly on SIGTERM"
PID=
grep -q 'draining' "$WORK/searchd.err" || die "searchd did not report draining"
grep -q '"GET /api/search?q=tls&sdo=IETF&per_page=20 HTTP/1.1" 200' "$ART/access.log" || die "access log lacks the page's API call"
say "ok"
