#!/usr/bin/env bash
# test_refresh.sh — the nightly refresh end to end on the real data, served
# from a copy in a loopback HTTP upstream, with searchd under steady query
# load the whole time (a python client counting every failed request):
#   1. refresh #1 publishes generation 1;
#   2. refresh #2 with nothing changed publishes nothing, rewrites nothing
#      (records inode/mtime, generation, index dirs) and is fast (time shown);
#   3. upstream edits (a title, a new standard, a withdrawal, a removal in the
#      ETSI CSV export) -> refresh #3: the change report lists exactly those;
#   4. a source answering 500 keeps its previous records byte-for-byte, the
#      report names it, exit 1;
#   5. two concurrent refreshes: one runs, the other exits 3 and says why;
#   6. kill -9 during the crawl and during indexing: the previous generation
#      keeps serving, the next refresh takes the lock over and publishes;
#   7. `secstd rollback` serves the previous generation, searchd follows;
#   8. the load client saw zero failed requests across every swap.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require
[ -x "$SEARCHD" ] || die "no $SEARCHD"

UP="$TMP/upstream-data"
cp -r "$SHARED" "$UP"
chmod -R u+w "$UP"
CTL="$TMP/upstream"
start_upstream "$UP" "$CTL"
CONF="$TMP/secstd.conf"
crawl_config "$CONF"
D="$TMP/data"
CSV="$UP/etsi/etsi-standards-search.export.sample.csv"

# refresh NAME [ARGS...] — runs a refresh (bounded), keeps --json output in
# $TMP/NAME.json and logs in $TMP/NAME.err; sets RC and SECS.
refresh() {
    local name="$1"
    shift
    local t0 t1
    t0=$(date +%s.%N)
    RC=0
    timeout 300 "$BIN" refresh --config "$CONF" --data "$D" --base-url "$UPSTREAM_URL" --json "$@" \
        >"$TMP/$name.json" 2>"$TMP/$name.err" || RC=$?
    t1=$(date +%s.%N)
    SECS=$(python3 -c "print(round($t1 - $t0, 2))")
    note "$name: exit $RC in $SECS s"
}
current_gen() { readlink "$D/index/current" | sed 's/^gen-0*//'; }
records_stat() { stat -c '%n %i %y %s' "$D"/records/*.jsonl; }

# ---- 1. first refresh --------------------------------------------------------
refresh refresh1
[ "$RC" -eq 0 ] || { sed 's/^/    /' "$TMP/refresh1.err" >&2; die "refresh #1: exit $RC, want 0"; }
[ "$(json_get "$TMP/refresh1.json" 'd["published"]')" = True ] || fail "refresh #1 did not publish"
[ "$(current_gen)" = 1 ] || fail "refresh #1: current is $(current_gen), want 1"
# The index's stages in the run report: the six of build.h, adding up to
# its seconds, the documents written.
[ "$(json_get "$TMP/refresh1.json" 'sorted(d["index"]["stages"]) == sorted(["read", "classify", "compare", "write", "merge", "finish"]) and d["index"]["stages"]["write"] > 0 and abs(sum(d["index"]["stages"].values()) - d["index"]["seconds"]) < 1e-6')" = True ] ||
    fail "refresh #1: the index stages in the report: $(json_get "$TMP/refresh1.json" 'd["index"]')"
ok "refresh #1 published generation 1 ($SECS s)"
T1=$SECS

# searchd and the steady load, from here to the end.
start_searchd "$D/index" "$TMP/searchd.log"
python3 "$LIB/loadgen.py" --url "$SEARCHD_URL" --stop-file "$TMP/stop-load" --max-seconds 600 \
    --threads 4 >"$TMP/load.json" 2>"$TMP/load.err" &
LOAD_PID=$!
PIDS+=("$LOAD_PID")
wait_for 10 curl -fsS --max-time 2 "${SEARCHD_URL}healthz" || die "searchd does not answer"

# ---- 2. nothing changed upstream ----------------------------------------------
records_stat >"$TMP/stat-before"
ls "$D/index" >"$TMP/index-before"
sleep 1.1
refresh refresh2
[ "$RC" -eq 0 ] || fail "refresh #2: exit $RC, want 0"
[ "$(json_get "$TMP/refresh2.json" 'd["published"]')" = False ] || fail "refresh #2 published something"
[ "$(current_gen)" = 1 ] || fail "refresh #2: current is $(current_gen), want 1"
unchanged=$(json_get "$TMP/refresh2.json" 'sum(1 for s in d["crawl"]["sources"] if s["outcome"] == "unchanged")')
total=$(json_get "$TMP/refresh2.json" 'len(d["crawl"]["sources"])')
[ "$unchanged" = "$total" ] || fail "refresh #2: $unchanged of $total sources unchanged"
records_stat >"$TMP/stat-after"
cmp -s "$TMP/stat-before" "$TMP/stat-after" || fail "refresh #2 rewrote records: $(diff "$TMP/stat-before" "$TMP/stat-after" | head -3)"
ls "$D/index" >"$TMP/index-after"
cmp -s "$TMP/index-before" "$TMP/index-after" || fail "refresh #2 changed the index directory"
indexed=$(json_get "$TMP/refresh2.json" 'd["index"]["indexed"]')
[ "$indexed" = 0 ] || fail "refresh #2 re-indexed $indexed records"
ok "refresh #2 with nothing new: published nothing, rewrote nothing, $SECS s (refresh #1: $T1 s)"
T2=$SECS

# ---- 3. upstream changes -> exact change report ---------------------------------
python3 - "$CSV" <<'PY'
import csv, io, sys
path = sys.argv[1]
with open(path, newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
head, body = rows[0], rows[1:]
deliv, title, status = head.index("ETSI.deliverable"), head.index("title"), head.index("Status")
out = [head]
for r in body:
    if r[deliv].startswith("ETSI ETS 300 679 "):
        continue                                    # removed upstream
    if r[deliv].startswith("ETSI TS 103 296 "):
        r[title] = r[title].replace("Requirements for Emotion Detectors", "Requirements for emotion detectors, revised")
    if r[deliv].startswith("ETSI TS 102 508 "):
        r[status] = "Withdrawn"
    out.append(r)
new = [""] * len(head)
new[head.index("id")] = "99999"
new[deliv] = "ETSI TS 103 999 V1.1.1 (2026-01)"
new[title] = "CYBER; Security baseline for nightly refresh tests"
new[status] = "Published"
new[head.index("Technical.body")] = "Cyber Security"
out.append(new)
buf = io.StringIO()
csv.writer(buf, lineterminator="\r\n").writerows(out)
with open(path, "w", newline="", encoding="utf-8") as f:
    f.write(buf.getvalue())
PY
refresh refresh3
[ "$RC" -eq 0 ] || { sed 's/^/    /' "$TMP/refresh3.err" >&2; fail "refresh #3: exit $RC, want 0"; }
[ "$(current_gen)" = 2 ] || fail "refresh #3: current is $(current_gen), want 2"
REPORT="$D/index/changes/000002.json"
[ -f "$REPORT" ] || die "no change report $REPORT"
python3 - "$REPORT" <<'PY' || fail "change report of refresh #3 is not exactly the upstream edits"
import json, sys
d = json.load(open(sys.argv[1]))
ids = lambda k: sorted(e["id"] for e in d[k])
problems = []
def want(k, v):
    if ids(k) != v:
        problems.append("%s: %s, want %s" % (k, ids(k), v))
want("added", ["ETSI TS 103 999"])
want("removed", ["ETSI ETS 300 679"])
want("status_changed", ["ETSI TS 102 508"])
want("changed", ["ETSI TS 102 508", "ETSI TS 103 296"])
for e in d["changed"]:
    f = e.get("fields")
    if e["id"] == "ETSI TS 103 296" and "title" not in f:
        problems.append("TS 103 296 changed fields %s lack title" % f)
    if e["id"] == "ETSI TS 102 508" and "status" not in f:
        problems.append("TS 102 508 changed fields %s lack status" % f)
sc = d["status_changed"][0] if d["status_changed"] else {}
if (sc.get("from"), sc.get("to")) != ("published", "withdrawn"):
    problems.append("status change %s -> %s" % (sc.get("from"), sc.get("to")))
etsi = d["counts"]["by_sdo"].get("ETSI", {})
if etsi != {"added": 1, "changed": 2, "status_changed": 1, "removed": 1}:
    problems.append("counts by SDO ETSI: %s" % etsi)
for p in problems:
    print("    " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
ok "refresh #3 published generation 2 ($SECS s); change report: exactly 1 added, 2 changed (fields), 1 status changed, 1 removed"
T3=$SECS
# Provenance of the new and changed records in the index.
wait_for 10 sh -c "curl -fsS '${SEARCHD_URL}healthz' | grep -q '\"generation\":2'" || fail "searchd does not serve generation 2"
curl -fsS --max-time 5 "${SEARCHD_URL}api/standards/ETSI%20TS%20103%20999" >"$TMP/new.json" || fail "searchd: no ETSI TS 103 999"
python3 - "$TMP/new.json" "$UPSTREAM_URL" <<'PY' || fail "provenance of the new record"
import json, sys
d = json.load(open(sys.argv[1]))
r = d.get("record", d)
s = r.get("source") or {}
bad = [k for k in ("name", "url", "fetched_at", "parser_version") if not s.get(k)]
if bad or s.get("first_generation") != 2 or s.get("changed_generation") != 2 or s.get("name") != "etsi-csv":
    sys.exit("source of ETSI TS 103 999: %s" % json.dumps(s))
PY
curl -fsS --max-time 5 "${SEARCHD_URL}api/standards/ETSI%20TS%20103%20296" >"$TMP/chg.json" || fail "searchd: no ETSI TS 103 296"
python3 - "$TMP/chg.json" <<'PY' || fail "provenance of the changed record"
import json, sys
d = json.load(open(sys.argv[1]))
r = d.get("record", d)
s = r.get("source") or {}
if s.get("first_generation") != 1 or s.get("changed_generation") != 2:
    sys.exit("source of ETSI TS 103 296: %s" % json.dumps(s))
PY
ok "provenance: source name/url/fetched_at/parser_version, first and changed generation"

# ---- 4. a failing source keeps its records -----------------------------------
sha256sum "$D/records/etsi-csv.jsonl" >"$TMP/etsi.sum"
stat -c '%i %y' "$D/records/etsi-csv.jsonl" >"$TMP/etsi.stat"
echo "/etsi/etsi-standards-search" >"$CTL/fail"
# ... and upstream changed, so the source cannot be "unchanged" without a fetch
sed -i 's/Smart Cards; ETSI numbering system/Smart cards; ETSI numbering scheme/' "$CSV"
refresh refresh4
rm -f "$CTL/fail"
[ "$RC" -eq 1 ] || fail "refresh #4 with a 500 source: exit $RC, want 1"
failed=$(json_get "$TMP/refresh4.json" '" ".join(f["source"] for f in d["failed_sources"])')
[ "$failed" = etsi-csv ] || fail "refresh #4 names failed sources \"$failed\", want etsi-csv"
grep -q 'FAILED etsi-csv' "$TMP/refresh4.err" || fail "refresh #4 log does not name etsi-csv"
sha256sum -c --quiet "$TMP/etsi.sum" || fail "etsi-csv records changed after a failed fetch"
[ "$(stat -c '%i %y' "$D/records/etsi-csv.jsonl")" = "$(cat "$TMP/etsi.stat")" ] || fail "etsi-csv records file rewritten"
ok "refresh #4: source answering 500 kept its records byte-for-byte, named, exit 1 ($(json_get "$TMP/refresh4.json" 'd["failed_sources"][0]["reason"]'))"

# ---- 5 + 6a. concurrent refresh, then kill -9 during the crawl ---------------
f0=$failures
gen_before=$(current_gen)
echo "/ietf/rfc-index.txt" >"$CTL/drip"
: >"$CTL/requests.log"
# No `timeout` wrapper here: kill -9 must hit secstd itself (the waits below
# are bounded, and the exit trap stops it if the test dies first).
"$BIN" refresh --config "$CONF" --data "$D" --base-url "$UPSTREAM_URL" \
    >"$TMP/slow.out" 2>"$TMP/slow.err" &
SLOW=$!
PIDS+=("$SLOW")
wait_for 30 grep -q '^200 /ietf/rfc-index.txt' "$CTL/requests.log" || fail "slow refresh never reached the dripping source"
rc=0
timeout 30 "$BIN" refresh --config "$CONF" --data "$D" --base-url "$UPSTREAM_URL" >"$TMP/second.out" 2>"$TMP/second.err" || rc=$?
[ "$rc" -eq 3 ] || fail "concurrent refresh: exit $rc, want 3"
grep -q 'another refresh is running' "$TMP/second.err" || fail "concurrent refresh message: $(cat "$TMP/second.err")"
ok "concurrent refresh exits 3: $(head -1 "$TMP/second.err")"
kill -0 "$SLOW" 2>/dev/null || fail "the slow refresh ended before it could be killed"
kill -9 "$SLOW" 2>/dev/null || true
wait "$SLOW" 2>/dev/null || true
rm -f "$CTL/drip"
[ "$(current_gen)" = "$gen_before" ] || fail "kill during crawl: current moved to $(current_gen)"
sleep 0.5
[ "$(healthz_generation "$SEARCHD_URL")" = "$gen_before" ] || fail "kill during crawl: searchd does not serve $gen_before"
sed -i 's/Security baseline for nightly refresh tests/Security baseline for nightly refresh tests v2/' "$CSV"
refresh refresh5
[ "$RC" -eq 0 ] || { sed 's/^/    /' "$TMP/refresh5.err" >&2; fail "refresh after kill during crawl: exit $RC, want 0"; }
grep -q 'did not finish; taking over its lock' "$TMP/refresh5.err" || fail "stale lock not reported"
[ "$(current_gen)" = $((gen_before + 1)) ] || fail "refresh after kill during crawl did not publish (current $(current_gen))"
[ "$failures" -eq "$f0" ] && ok "kill -9 during crawl: generation $gen_before kept serving; next refresh took the lock over and published $(current_gen) ($SECS s)"

# ---- 6b. kill -9 during indexing ---------------------------------------------
gen_before=$(current_gen)
next=$(printf 'gen-%06d' $((gen_before + 1)))
"$BIN" refresh --config "$CONF" --data "$D" --base-url "$UPSTREAM_URL" --full \
    >"$TMP/full.out" 2>"$TMP/full.err" &
FULL=$!
PIDS+=("$FULL")
if wait_for 120 test -d "$D/index/$next"; then
    sleep 0.3   # well inside the document writes
    if kill -9 "$FULL" 2>/dev/null; then
        wait "$FULL" 2>/dev/null || true
        [ "$(current_gen)" = "$gen_before" ] || fail "kill during indexing: current moved to $(current_gen)"
        [ "$(healthz_generation "$SEARCHD_URL")" = "$gen_before" ] || fail "kill during indexing: searchd does not serve $gen_before"
        ok "kill -9 during indexing (with $next half built): generation $gen_before kept serving"
    else
        fail "the --full refresh finished before it could be killed"
    fi
else
    fail "the --full refresh never started a new generation"
    kill -9 "$FULL" 2>/dev/null || true
fi
f0=$failures
sed -i 's/Security baseline for nightly refresh tests v2/Security baseline for nightly refresh tests v3/' "$CSV"
refresh refresh6
[ "$RC" -eq 0 ] || { sed 's/^/    /' "$TMP/refresh6.err" >&2; fail "refresh after kill during indexing: exit $RC, want 0"; }
[ "$(current_gen)" = $((gen_before + 1)) ] || fail "refresh after kill during indexing did not publish (current $(current_gen))"
python3 - "$D/index/changes/$(printf '%06d' $((gen_before + 1))).json" <<'PY' || fail "change report after the crashed run"
import json, sys
d = json.load(open(sys.argv[1]))
ch = sorted(e["id"] for e in d["changed"])
if ch != ["ETSI TS 103 999"] or d["added"] or d["removed"]:
    sys.exit("after the crash: changed %s added %s removed %s" % (ch, d["added"][:3], d["removed"][:3]))
PY
wait_for 10 sh -c "[ \"\$(curl -fsS '${SEARCHD_URL}healthz' | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"generation\"])')\" = $((gen_before + 1)) ]" ||
    fail "searchd does not serve generation $((gen_before + 1))"
[ "$failures" -eq "$f0" ] && ok "next refresh published $(current_gen) over the half-built leftovers ($SECS s)"

# ---- 7. rollback ---------------------------------------------------------------
gen_now=$(current_gen)
timeout 30 "$BIN" rollback --data "$D" >"$TMP/rollback.out" 2>&1 || fail "rollback failed: $(cat "$TMP/rollback.out")"
[ "$(current_gen)" = $((gen_now - 1)) ] || fail "rollback: current is $(current_gen), want $((gen_now - 1))"
wait_for 10 sh -c "[ \"\$(curl -fsS '${SEARCHD_URL}healthz' | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"generation\"])')\" = $((gen_now - 1)) ]" ||
    fail "searchd does not serve the rolled-back generation"
ok "rollback: $(cat "$TMP/rollback.out"); searchd serves it"

# ---- 7b. after the rollback: a run with nothing new keeps the newer ------------
# generation (rollback --to returns to it); a bad records line is exit 1.
refresh refresh7b
[ "$RC" -eq 0 ] || fail "refresh after rollback: exit $RC, want 0"
[ -d "$D/index/gen-$(printf %06u "$gen_now")" ] || fail "refresh after rollback deleted generation $gen_now"
timeout 30 "$BIN" rollback --data "$D" --to "$gen_now" >"$TMP/rollforward.out" 2>&1 ||
    fail "rollback --to $gen_now after a refresh: $(cat "$TMP/rollforward.out")"
python3 - "$D/records/etsi.jsonl" <<'PY'
import sys
p = sys.argv[1]
lines = open(p).read().split("\n")
lines[2] = '{"id": broken'
open(p, "w").write("\n".join(lines))
PY
refresh refresh7c
[ "$RC" -eq 1 ] || fail "refresh with a bad records line: exit $RC, want 1"
grep -q 'etsi.jsonl:3:' "$TMP/refresh7c.err" || fail "the bad line is not named FILE:LINE: $(tail -3 "$TMP/refresh7c.err")"
ok "after a rollback the newer generation stays (rolled forward to $gen_now); a bad line is named and exits 1"

# ---- 8. the load -----------------------------------------------------------------
sleep 1
touch "$TMP/stop-load"
for _ in $(seq 150); do kill -0 "$LOAD_PID" 2>/dev/null || break; sleep 0.1; done
wait "$LOAD_PID" 2>/dev/null || true
[ -s "$TMP/load.json" ] || die "load client printed nothing: $(cat "$TMP/load.err")"
requests=$(json_get "$TMP/load.json" 'd["requests"]')
failed=$(json_get "$TMP/load.json" 'd["failed"]')
gens=$(json_get "$TMP/load.json" '" ".join(str(g) for g in d["generations"])')
note "searchd load: $requests requests, $failed failed, generations seen: $gens, $(json_get "$TMP/load.json" 'd["seconds"]') s"
[ "$failed" = 0 ] && ok "zero failed requests out of $requests through every refresh, kill and swap" ||
    fail "$failed failed requests: $(json_get "$TMP/load.json" 'd["errors"]')"
[ "$requests" -gt 100 ] || fail "load client made only $requests requests"
note "times: refresh #1 $T1 s, unchanged refresh #2 $T2 s, incremental refresh #3 $T3 s"

finish
