#!/usr/bin/env bash
# fuzz/build.sh — builds the libFuzzer targets of fuzz/targets.txt with
# clang (-fsanitize=fuzzer,address,undefined), compiling the project
# sources they need directly (no CMake: the fuzz build is independent of
# the main one). Objects are rebuilt only when a source or header changed.
#
# usage: fuzz/build.sh [-o OUTDIR] [target...]
#   OUTDIR defaults to $SECSTD_FUZZ_BUILD or <repo>/build-fuzz.
# Environment: CC (clang), CXX (clang++), FUZZ_JOBS (parallel compiles, 2).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
src="$(cd "$here/.." && pwd)"
out="${SECSTD_FUZZ_BUILD:-$src/build-fuzz}"
if [ "${1:-}" = "-o" ]; then
  out="$2"
  shift 2
fi
CC="${CC:-clang}"
CXX="${CXX:-clang++}"
jobs="${FUZZ_JOBS:-2}"

if ! command -v "$CC" >/dev/null || ! "$CC" --version | grep -q clang; then
  echo "build.sh: clang is required (apt-get install -y clang libclang-rt-14-dev)" >&2
  exit 2
fi

mkdir -p "$out/obj" "$out/bin"
pkgs="xapian-core libcurl libxml-2.0 jansson yaml-0.1"
pc_cflags="$(pkg-config --cflags $pkgs)"
pc_libs="$(pkg-config --libs $pkgs)"
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
common="-g -O1 $san -Wall -Wextra -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
  -I$src/schema -I$src/crawlers -I$src/indexer -I$src/searchd $pc_cflags"
cflags="-std=c11 $common -fsanitize=fuzzer-no-link"
cxxflags="-std=c++17 $common -fsanitize=fuzzer-no-link"

# Newest header: any object older than it is rebuilt (simple and safe).
newest_header="$(ls -t "$src"/schema/*.h "$src"/schema/*.def "$src"/crawlers/*.h \
  "$src"/crawlers/*.def "$src"/indexer/*.h "$src"/searchd/params.h | head -n 1)"

# compile SRC OBJ [extra flags...] — prints the command to run, or nothing
# when the object is up to date.
compile_cmd() {
  local s="$1" o="$2"
  shift 2
  if [ -f "$o" ] && [ "$o" -nt "$s" ] && [ "$o" -nt "$newest_header" ]; then
    return 0
  fi
  case "$s" in
    *.cc) printf '%s\n' "$CXX $cxxflags $* -c $s -o $o.part && mv -f $o.part $o" ;;
    *) printf '%s\n' "$CC $cflags $* -c $s -o $o.part && mv -f $o.part $o" ;;
  esac
}

# Library members: crawlers, schema, indexer (+ the Xapian wrapper), params.
declare -A lib_srcs
lib_srcs[schema]="$(ls "$src"/schema/*.c)"
lib_srcs[crawl]="$(ls "$src"/crawlers/*.c)"
lib_srcs[index]="$(ls "$src"/indexer/*.c "$src"/indexer/xap.cc)"
lib_srcs[params]="$src/searchd/params.c"

# Targets to build.
mapfile -t lines < <(grep -v '^#' "$here/targets.txt" | grep -v '^[[:space:]]*$')
want=("$@")
selected=()
for l in "${lines[@]}"; do
  name="${l%%|*}"
  if [ "${#want[@]}" -eq 0 ] || printf '%s\n' "${want[@]}" | grep -qx "$name"; then
    selected+=("$l")
  fi
done
if [ "${#selected[@]}" -eq 0 ]; then
  echo "build.sh: no such target: $*" >&2
  exit 2
fi

# Which libraries are needed.
declare -A need
for l in "${selected[@]}"; do
  IFS='|' read -r _ _ libs _ <<<"$l"
  need[schema]=1
  case "$libs" in
    crawl) need[crawl]=1 ;;
    index) need[index]=1 ;;
    params) need[params]=1; need[index]=1 ;;
  esac
done

cmds="$out/obj/commands"
: >"$cmds"
for lib in "${!need[@]}"; do
  mkdir -p "$out/obj/$lib"
  for s in ${lib_srcs[$lib]}; do
    b="$(basename "$s")"
    compile_cmd "$s" "$out/obj/$lib/${b%.*}.o" >>"$cmds"
  done
done
harness_obj() { # name harness -> object path (and queues its compile)
  local name="$1" h="$2"
  mkdir -p "$out/obj/harness"
  local o="$out/obj/harness/$name.o"
  case "$h" in
    parser:*)
      compile_cmd "$here/fuzz_parser.c" "$o" "-DFUZZ_PARSER='\"${h#parser:}\"'" >>"$cmds"
      ;;
    *) compile_cmd "$here/$h" "$o" "-DFUZZ_SOURCE_DIR='\"$src\"'" >>"$cmds" ;;
  esac
  printf '%s\n' "$o"
}
declare -A hobj
for l in "${selected[@]}"; do
  IFS='|' read -r name harness _ <<<"$l"
  hobj[$name]="$(harness_obj "$name" "$harness")"
done

n="$(grep -c . "$cmds" || true)"
echo "build.sh: $n compile(s) into $out"
if [ "$n" -gt 0 ]; then
  tr '\n' '\0' <"$cmds" | xargs -0 -P "$jobs" -I{} bash -c '{}'
fi

# Static archives (objects are only pulled in when referenced).
for lib in "${!need[@]}"; do
  a="$out/obj/lib$lib.a"
  if [ ! -f "$a" ] || [ -n "$(find "$out/obj/$lib" -name '*.o' -newer "$a")" ]; then
    rm -f "$a"
    ar rcs "$a" "$out/obj/$lib"/*.o
  fi
done

for l in "${selected[@]}"; do
  IFS='|' read -r name harness libs _ <<<"$l"
  case "$libs" in
    crawl) archives="$out/obj/libcrawl.a $out/obj/libschema.a" ;;
    schema) archives="$out/obj/libschema.a" ;;
    index) archives="$out/obj/libindex.a $out/obj/libschema.a" ;;
    params) archives="$out/obj/libparams.a $out/obj/libindex.a $out/obj/libschema.a" ;;
  esac
  bin="$out/bin/fuzz_$name"
  # Link to a temporary name and rename: a running fuzzer keeps its binary.
  $CXX -fsanitize=fuzzer $san "${hobj[$name]}" $archives $pc_libs -lpthread -o "$bin.part"
  mv -f "$bin.part" "$bin"
done
echo "build.sh: built ${#selected[@]} target(s) in $out/bin"
