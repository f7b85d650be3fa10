#!/usr/bin/env bash
# deps.sh — installs the Debian 12 packages secstd needs, only those that
# are missing (so a second run costs a second). Sourced by run.sh and
# test.sh; needs root (or sudo) when something is missing.
set -euo pipefail

SECSTD_BUILD_PACKAGES=(build-essential cmake pkg-config libxapian-dev xapian-tools
  libcurl4-openssl-dev libxml2-dev libjansson-dev libyaml-dev libmicrohttpd-dev check libjemalloc-dev zlib1g-dev
  python3 curl ca-certificates)
# Only the tests need these: a real browser for the page, sanitizers' runtime.
SECSTD_TEST_PACKAGES=(chromium libclang-rt-14-dev clang valgrind)

secstd_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "secstd: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  if ! $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/secstd-apt.log 2>&1; then
    $sudo apt-get update -q >/tmp/secstd-apt-update.log 2>&1 || true
    $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/secstd-apt.log 2>&1 || {
      echo "secstd: apt-get install failed; see /tmp/secstd-apt.log" >&2
      tail -20 /tmp/secstd-apt.log >&2
      return 1
    }
  fi
}
