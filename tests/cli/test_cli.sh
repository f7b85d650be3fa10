#!/usr/bin/env bash
# test_cli.sh — the `secstd` command end to end on the hand-written records:
# `secstd index` then `secstd search`, human and --json output, exit
# statuses (0 found, 1 nothing found / lines rejected, 2 error) and --help
# for every command. Run by ctest with SECSTD_BIN (build dir) and SECSTD_SRC.
set -u

BIN="${SECSTD_BIN:?SECSTD_BIN must name the build directory}/secstd"
SRC="${SECSTD_SRC:?SECSTD_SRC must name the source directory}"
FIXTURE="$SRC/tests/fixtures/records/handwritten.jsonl"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/secstd-test-cli-XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

# run NAME EXPECTED_STATUS CMD... — runs CMD, keeps stdout/stderr in
# $TMP/NAME.out / .err, checks the exit status.
run() {
    local name="$1" want="$2"
    shift 2
    "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
    local got=$?
    if [ "$got" -ne "$want" ]; then
        fail "$name: exit $got, want $want ($*)"
        sed 's/^/    /' "$TMP/$name.err" >&2
        return 1
    fi
    ok "$name"
}

# json_get FILE PYTHON-EXPR — evaluates EXPR with `d` the parsed JSON.
json_get() {
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

[ -x "$BIN" ] || { echo "no $BIN" >&2; exit 1; }

D="$TMP/data"
mkdir -p "$D/records"
cp "$FIXTURE" "$D/records/"

# ---- help ----------------------------------------------------------------------
run help 0 "$BIN" --help
grep -q '^usage: secstd' "$TMP/help.out" || fail "secstd --help: no usage line"
# The command writes Xapian's compressed tables at zlib level 0 (stored): libxapian's
# deflateInit2_ binds to the executable's (cli/deflate_level.c).
run version 0 "$BIN" --version
grep -q 'index written with zlib [0-9.]* level 0' "$TMP/version.out" ||
    fail "secstd --version: $(cat "$TMP/version.out")"
# searchd links the same malloc as the command (jemalloc unless the build
# turned it off): the name --version prints comes from the malloc linked
# (tests/schema/check_allocator.c), so a searchd left on another one
# prints another name.
run searchd-version 0 "${SECSTD_BIN}/searchd" --version
malloc_of() { grep -o 'jemalloc [^;)]*\|glibc malloc\|sanitizer malloc' "$1"; }
cmd_malloc="$(malloc_of "$TMP/version.out")"
[ -n "$cmd_malloc" ] && [ "$(malloc_of "$TMP/searchd-version.out")" = "$cmd_malloc" ] ||
    fail "searchd --version: $(cat "$TMP/searchd-version.out"), secstd --version: $(cat "$TMP/version.out")"
run no-args 2 "$BIN"
run unknown-command 2 "$BIN" frobnicate
grep -q 'unknown command "frobnicate"' "$TMP/unknown-command.err" || fail "unknown command not named"
# Every command the top-level help lists answers --help with its usage.
commands=$(sed -n '/^Commands:/,/^$/p' "$TMP/help.out" | awk 'NF >= 2 && $1 != "Commands:" {print $1}')
[ -n "$commands" ] || fail "no commands listed by secstd --help"
for cmd in $commands; do
    if run "help-$cmd" 0 "$BIN" "$cmd" --help; then
        grep -q "usage: secstd $cmd" "$TMP/help-$cmd.out" || fail "secstd $cmd --help: no usage line"
    fi
done
run fields-bad-arg 2 "$BIN" fields --bogus
for cmd in index search; do
    echo "$commands" | grep -qx "$cmd" || fail "secstd --help does not list $cmd"
done

# ---- index ---------------------------------------------------------------------
run search-before-index 2 "$BIN" search --data "$D" X.509
grep -qi 'no index' "$TMP/search-before-index.err" || fail "missing index not explained"

run index 0 "$BIN" index --data "$D" --quiet
[ -L "$D/index/current" ] || fail "no current symlink after secstd index"
run index-json 0 "$BIN" index --data "$D" --json
[ "$(json_get "$TMP/index-json.out" 'd["published"]')" = "False" ] || fail "unchanged run published"
[ "$(json_get "$TMP/index-json.out" 'd["unchanged"]')" = "25" ] || fail "unchanged count"
# Its stages: the time went to reading, classifying and comparing; nothing
# was written, merged or published, and the six add up to the whole.
[ "$(json_get "$TMP/index-json.out" 'sorted(d["stages"]) == sorted(["read", "classify", "compare", "write", "merge", "finish"])')" = "True" ] ||
    fail "--json: stages are not the six of build.h"
[ "$(json_get "$TMP/index-json.out" 'd["stages"]["read"] > 0 and d["stages"]["write"] == d["stages"]["merge"] == d["stages"]["finish"] == 0')" = "True" ] ||
    fail "--json: an unchanged run's stages: $(json_get "$TMP/index-json.out" 'd["stages"]')"
[ "$(json_get "$TMP/index-json.out" 'abs(sum(d["stages"].values()) - d["seconds"]) < 1e-6')" = "True" ] ||
    fail "--json: the stages do not add up to the run's seconds"
# A fresh build in shards (two threads at any size): written, then merged.
D2="$TMP/data-shards"
mkdir -p "$D2/records"
cp "$FIXTURE" "$D2/records/"
run index-shards 0 env SECSTD_INDEX_THREADS=2 "$BIN" index --data "$D2" --json
[ "$(json_get "$TMP/index-shards.out" 'd["shards"] >= 3 and all(d["stages"][k] > 0 for k in ("read", "write", "merge", "finish"))')" = "True" ] ||
    fail "--json: a sharded build's stages: $(json_get "$TMP/index-shards.out" '[d["shards"], d["stages"]]')"
[ "$(json_get "$TMP/index-shards.out" 'abs(sum(d["stages"].values()) - d["seconds"]) < 1e-6')" = "True" ] ||
    fail "--json: a sharded build's stages do not add up to its seconds"
# The human summary ends with the same stages.
rm -rf "$D2/index"
run index-shards-human 0 env SECSTD_INDEX_THREADS=2 "$BIN" index --data "$D2"
grep -Eq '^stages: read [0-9.]+ s, classify [0-9.]+ s, compare [0-9.]+ s, write [0-9.]+ s, merge [0-9.]+ s, finish [0-9.]+ s \([0-9]+ document shards and a spelling shard\)$' "$TMP/index-shards-human.out" ||
    fail "human summary: no stages line: $(cat "$TMP/index-shards-human.out")"

# ---- search: human output -----------------------------------------------------------
run search-x509 0 "$BIN" search --data "$D" "X.509"
first=$(grep -E '^ *1\. ' "$TMP/search-x509.out" | head -1)
case "$first" in
*"ITU-T X.509  [ITU-T"*) ok "X.509 first: $first" ;;
*) fail "secstd search X.509: first line is \"$first\"" ;;
esac
run search-rfc 0 "$BIN" search --data "$D" tls RFC 8446 handshake
grep -E '^ *1\. ' "$TMP/search-rfc.out" | head -1 | grep -q 'RFC 8446' || fail "RFC 8446 not first"

# ---- search: JSON --------------------------------------------------------------------
run search-json 0 "$BIN" search --data "$D" --json "X.509"
[ "$(json_get "$TMP/search-json.out" 'd["results"][0]["id"]')" = "ITU-T X.509" ] || fail "--json: first is not ITU-T X.509"
[ "$(json_get "$TMP/search-json.out" 'd["total"] >= 1 and isinstance(d["facets"], dict)')" = "True" ] ||
    fail "--json: total/facets"
run search-json-sdo 0 "$BIN" search --data "$D" --json --sdo ETSI --sdo 3GPP --limit 100 ""
[ "$(json_get "$TMP/search-json-sdo.out" 'sorted({r["sdo"] for r in d["results"]})')" = "['3GPP', 'ETSI']" ] ||
    fail "--sdo filters: $(json_get "$TMP/search-json-sdo.out" '[r["sdo"] for r in d["results"]]')"
[ "$(json_get "$TMP/search-json-sdo.out" 'd["total"]')" = "5" ] || fail "--sdo ETSI --sdo 3GPP total"
run search-json-from 0 "$BIN" search --data "$D" --json --from 2024 --sort date ""
[ "$(json_get "$TMP/search-json-from.out" 'all(r["date"] >= "2024" for r in d["results"]) and [r["date"] for r in d["results"]] == sorted([r["date"] for r in d["results"]], reverse=True)')" = "True" ] ||
    fail "--from 2024 --sort date"

# The count a person reads is the count: the same with one result shown
# as with every one, and as --json's total.
run count-1 0 "$BIN" search --data "$D" --limit 1 security
run count-all 0 "$BIN" search --data "$D" --limit 100 security
run count-json 0 "$BIN" search --data "$D" --json --limit 1 security
n1=$(head -1 "$TMP/count-1.out" | sed -n 's/^\([0-9][0-9]*\) standards\{0,1\} match.*/\1/p')
nall=$(head -1 "$TMP/count-all.out" | sed -n 's/^\([0-9][0-9]*\) standards\{0,1\} match.*/\1/p')
[ -n "$n1" ] && [ "$n1" = "$nall" ] && [ "$n1" = "$(json_get "$TMP/count-json.out" 'd["total"]')" ] ||
    fail "search counts differ: '$(head -1 "$TMP/count-1.out")' / '$(head -1 "$TMP/count-all.out")'"
[ "$(json_get "$TMP/count-json.out" 'd["total_exact"]')" = "True" ] || fail "--json total not exact"

# Function words the search left out are named under the count.
run ignored 0 "$BIN" search --data "$D" --limit 1 "security for the consumer"
grep -q '^(common words ignored: for, the; inside a "quoted phrase" they count)$' "$TMP/ignored.out" ||
    fail "ignored words not shown: $(head -3 "$TMP/ignored.out")"
run not-ignored 0 "$BIN" search --data "$D" --limit 1 security
! grep -q 'common words ignored' "$TMP/not-ignored.out" || fail "ignored line without function words"

# A superseded standard names what replaced it, under its title.
run successor 0 "$BIN" search --data "$D" --limit 1 "RFC 5246"
grep -q '^    superseded by: RFC 8446$' "$TMP/successor.out" ||
    fail "successor not shown: $(head -8 "$TMP/successor.out")"
run no-successor 0 "$BIN" search --data "$D" --limit 1 "RFC 8446"
! grep -q 'superseded by' "$TMP/no-successor.out" || fail "successor line on a current standard"

run areas-json 0 "$BIN" areas --data "$D" --json
[ "$(json_get "$TMP/areas-json.out" 'len(d) > 0')" = "True" ] || fail "secstd areas --json"

# ---- exit statuses and messages ----------------------------------------------------------
run no-results 1 "$BIN" search --data "$D" zzqxqzzy
grep -q 'No standards match' "$TMP/no-results.out" || fail "no-results message"
run bad-area 2 "$BIN" search --data "$D" --area underwater security
grep -q 'underwater' "$TMP/bad-area.err" || fail "bad area not named: $(cat "$TMP/bad-area.err")"
grep -q 'area' "$TMP/bad-area.err" || fail "bad area: parameter not named"
run bad-limit 2 "$BIN" search --data "$D" --limit 0 security
run bad-limit-high 2 "$BIN" search --data "$D" --limit 1000 security
grep -q 'per_page' "$TMP/bad-limit-high.err" || fail "--limit 1000 not explained"
run bad-date 2 "$BIN" search --data "$D" --from yesterday security
grep -q 'from' "$TMP/bad-date.err" || fail "--from not named"
run bad-range 2 "$BIN" search --data "$D" --from 2025 --to 2020 security
grep -q 'later than' "$TMP/bad-range.err" || fail "--from after --to not explained: $(cat "$TMP/bad-range.err")"
run bad-sort 2 "$BIN" search --data "$D" --sort sideways security
run bad-option 2 "$BIN" search --data "$D" --no-such-option security

# A bad line: reported as FILE:LINE: reason, the rest indexed, exit 1.
printf '%s\n' '{"id":"RFC 4301","sdo":"IETF","title":"Security Architecture for the Internet Protocol"}' \
    '{"id":"RFC 4302","sdo":"IETF",' >"$D/records/extra.jsonl"
run index-bad-line 1 "$BIN" index --data "$D" --quiet
grep -q "extra.jsonl:2: " "$TMP/index-bad-line.err" || fail "bad line not reported as FILE:LINE"
run search-after-bad-line 0 "$BIN" search --data "$D" "RFC 4301"
run index-bad-keep 2 "$BIN" index --data "$D" --keep 0

if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)" >&2
    exit 1
fi
echo "all CLI checks passed"
