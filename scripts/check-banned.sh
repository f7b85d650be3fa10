#!/usr/bin/env bash
# check-banned.sh — fails if a banned unsafe C function is called anywhere
# in the project's sources (STYLE.md: strcpy, sprintf, strtok, atoi, gets).
set -u
here="$(cd "$(dirname "$0")/.." && pwd)"
hits=$(grep -nE '\b(strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|gets)[[:space:]]*\(' \
  --include='*.c' --include='*.h' --include='*.cc' -r "$here/schema" "$here/indexer" \
  "$here/crawlers" "$here/searchd" "$here/cli" "$here/tests" "$here/bench" "$here/fuzz" 2>/dev/null |
  grep -vE '^\S+:[0-9]+:\s*(/\*|\*|//)' )
if [ -n "$hits" ]; then
  echo "banned functions used:"
  echo "$hits"
  exit 1
fi
echo "no banned functions"
