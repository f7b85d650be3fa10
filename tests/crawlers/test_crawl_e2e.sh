#!/usr/bin/env bash
# test_crawl_e2e.sh — every source of ../shared/data/sdo crawled through a
# loopback HTTP server (so the real libcurl path runs: HTTP, conditional
# GET, validators), then indexed and searched:
#   1. `secstd crawl --base-url` fetches every source; the --json report
#      gives the record count of each, checked against the table below;
#   2. `secstd index` + `secstd search` find TS 33.501, RFC 8446 and
#      ISO/IEC 27001 first, current standards before superseded ones of
#      about the same relevance, and a superseded standard's successor;
#   3. a second crawl finds every source unchanged and rewrites no records
#      file (same inode, mtime and size).
# The counts are those of SOURCES.md after the parsers collapse editions and
# versions into one record per standard (see each parser's Check suite for
# why); a parser change that moves one must update this table knowingly.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require

declare -A WANT=(
    [ietf-txt]=9830 [ietf-xml]=47 [itu-x]=748 [itu-mws]=1 [itu-pages]=5 [iso]=318
    [iso-opendata]=3 [iec]=177 [iso-iec]=592 [3gpp]=319 [etsi]=915 [etsi-csv]=10
    [onem2m]=64 [w3c]=141 [w3c-tr]=123 [w3c-api]=2 [nist]=493 [nist-mods]=2
    [oasis]=452 [oasis-html]=5 [ieee]=95 [ieee-idams]=1 [cen]=20
)

start_upstream "$SHARED" "$TMP/upstream"
note "upstream $UPSTREAM_URL serves $SHARED"
CONF="$TMP/crawl.conf"
crawl_config "$CONF"
D="$TMP/data"

# ---- 1. first crawl: every source fetched, counts as expected ---------------
start=$(date +%s.%N)
rc=0
timeout 300 "$BIN" crawl --config "$CONF" --data "$D" --base-url "$UPSTREAM_URL" --json \
    >"$TMP/crawl1.json" 2>"$TMP/crawl1.err" || rc=$?
note "first crawl: $(python3 -c "print(round($(date +%s.%N) - $start, 2))") s, exit $rc"
[ "$rc" -eq 0 ] || { cat "$TMP/crawl1.err" >&2; fail "first crawl exit $rc, want 0"; }
python3 - "$TMP/crawl1.json" > "$TMP/counts.txt" <<'PY'
import json, sys
for s in json.load(open(sys.argv[1]))["sources"]:
    print(s["name"], s["outcome"], s["records"], s["documents"], s["reason"].replace(" ", "_") or "-")
PY
seen=0
while read -r name outcome records documents reason; do
    seen=$((seen + 1))
    want="${WANT[$name]:-}"
    if [ -z "$want" ]; then
        fail "source $name is not in this test's table (outcome $outcome, $records records)"
        continue
    fi
    [ "$outcome" = fetched ] || { fail "$name: $outcome ($reason), want fetched"; continue; }
    [ "$documents" -ge 1 ] || fail "$name: no document fetched over HTTP"
    [ "$records" -eq "$want" ] || fail "$name: $records records, want $want"
    lines=$(wc -l <"$D/records/$name.jsonl")
    [ "$lines" -eq "$records" ] || fail "$name: records file has $lines lines, report says $records"
done <"$TMP/counts.txt"
[ "$seen" -eq "${#WANT[@]}" ] || fail "report lists $seen sources, want ${#WANT[@]}"
# The real HTTP path ran: the upstream saw our requests.
grep -q 'GET /ietf/rfc-index.txt' "$TMP/upstream/requests.log" || fail "no HTTP request for the IETF index"
# Provenance on every record: name, the URL it came from, when, parser version.
python3 - "$D/records" "$UPSTREAM_URL" <<'PY' || fail "records lack provenance"
import json, os, sys
d, base = sys.argv[1], sys.argv[2]
for f in sorted(os.listdir(d)):
    with open(os.path.join(d, f)) as fh:
        for n, line in enumerate(fh, 1):
            s = json.loads(line).get("source") or {}
            for k in ("name", "url", "fetched_at", "parser_version"):
                if not s.get(k):
                    sys.exit("%s:%d: source.%s missing" % (f, n, k))
            if not s["url"].startswith(base + "/"):
                sys.exit("%s:%d: source.url %s is not the loopback URL" % (f, n, s["url"]))
PY
ok "first crawl: ${#WANT[@]} sources, counts as expected"

# ---- 2. index and search: identifiers first ---------------------------------
start=$(date +%s.%N)
timeout 300 "$BIN" index --data "$D" >"$TMP/index.out" 2>&1 || die "secstd index failed: $(cat "$TMP/index.out")"
note "index: $(tail -1 "$TMP/index.out") (wall $(python3 -c "print(round($(date +%s.%N) - $start, 2))") s)"
for pair in "TS 33.501|3GPP TS 33.501" "RFC 8446|RFC 8446" "ISO/IEC 27001|ISO/IEC 27001"; do
    q="${pair%%|*}" want="${pair#*|}"
    timeout 60 "$BIN" search --data "$D" --json "$q" >"$TMP/search.json" || { fail "search \"$q\" failed"; continue; }
    got=$(json_get "$TMP/search.json" 'd["results"][0]["id"] if d["results"] else ""')
    [ "$got" = "$want" ] && ok "search \"$q\" -> $got first" || fail "search \"$q\": first is \"$got\", want \"$want\""
done
# Current standards first among equals: the real records' superseded
# editions (FIPS 186-4, 186-3; ISO/IEC 27035:2011, 17799, 18044 and the
# withdrawn 13335-1) used to lead these two searches.
timeout 60 "$BIN" search --data "$D" --json "digital signature standard" >"$TMP/search.json" || fail "search failed"
got=$(json_get "$TMP/search.json" 'd["results"][0]["id"] if d["results"] else ""')
[ "$got" = "NIST FIPS 186-5" ] && ok "\"digital signature standard\" -> FIPS 186-5 first" ||
    fail "\"digital signature standard\": first is \"$got\", want NIST FIPS 186-5"
timeout 60 "$BIN" search --data "$D" --json --limit 5 "information security management" >"$TMP/search.json" || fail "search failed"
old=$(json_get "$TMP/search.json" '" ".join(h["id"] for h in d["results"] if h["status"] not in ("published", "in-development"))')
n=$(json_get "$TMP/search.json" 'len(d["results"])')
[ "$n" = 5 ] && [ -z "$old" ] && ok "\"information security management\": the first five are current" ||
    fail "\"information security management\": $n results, not current among the first five: $old"
# A superseded standard names what replaced it.
timeout 60 "$BIN" search --data "$D" --json "FIPS 186-4" >"$TMP/search.json" || fail "search failed"
got=$(json_get "$TMP/search.json" 'd["results"][0]["id"] + " -> " + ",".join(d["results"][0].get("superseded_by", []))')
[ "$got" = "NIST FIPS 186-4 -> NIST FIPS 186-5" ] && ok "FIPS 186-4 names its successor" ||
    fail "FIPS 186-4: got \"$got\""

# ---- 3. second crawl: all unchanged, nothing rewritten ----------------------
stat -c '%n %i %y %s' "$D"/records/*.jsonl >"$TMP/stat1"
sha256sum "$D"/records/*.jsonl >"$TMP/sum1"
sleep 1.1   # so that a rewrite could not keep the same mtime second
start=$(date +%s.%N)
rc=0
timeout 120 "$BIN" crawl --config "$CONF" --data "$D" --base-url "$UPSTREAM_URL" --json \
    >"$TMP/crawl2.json" 2>"$TMP/crawl2.err" || rc=$?
note "second crawl: $(python3 -c "print(round($(date +%s.%N) - $start, 2))") s, exit $rc"
[ "$rc" -eq 0 ] || fail "second crawl exit $rc, want 0"
not_unchanged=$(json_get "$TMP/crawl2.json" '" ".join(s["name"] + ":" + s["outcome"] for s in d["sources"] if s["outcome"] != "unchanged")')
[ -z "$not_unchanged" ] && ok "second crawl: every source unchanged" || fail "second crawl: not unchanged: $not_unchanged"
stat -c '%n %i %y %s' "$D"/records/*.jsonl >"$TMP/stat2"
cmp -s "$TMP/stat1" "$TMP/stat2" && ok "records files not rewritten (inode, mtime, size)" ||
    fail "records files rewritten: $(diff "$TMP/stat1" "$TMP/stat2" | head -5)"
sha256sum -c --quiet "$TMP/sum1" || fail "records content changed"
# Conditional GET: the second crawl got 304s, or compared digests without parsing.
note "second crawl HTTP: $(grep -c . "$TMP/upstream/requests.log") requests logged in total"

finish
