#!/usr/bin/env bash
# The banned-function check of STYLE.md, as a test.
exec bash "${SECSTD_SRC:-$(dirname "$0")/../..}/scripts/check-banned.sh"
