#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds the protocol decoder's libFuzzer target with clang 14 (ASan + UBSan)
# straight from the sources it needs, then fuzzes it for SECONDS (default 60)
# starting from tests/fuzz/corpus. Exits non-zero if the fuzzer finds a crash,
# a leak, undefined behaviour or a broken promise; the input that did it is
# copied to tests/fuzz/crashes/.
#
# Usage: build-aux/fuzz.sh [SECONDS]
#   FUZZ_WORKDIR=DIR  build and run there (kept afterwards) instead of a
#                     temporary directory that is removed on exit
#   FUZZ_JOBS=N       run N fuzzing processes in parallel (default 1)
#   FUZZ_KEEP_GOING=1 go on after a crash to collect more of them (fork
#                     mode); still exits non-zero if there was any
#   QM_FUZZ_SKIP=LIST leave out some of the target's checks to look past a
#                     known finding: utf8, strict (see the target)
#   QM_FUZZ_STACK_KB  the decoders' stack in KiB (default 64; see the target)
#   CC=...            the compiler (default clang-14)
set -euo pipefail

duration=${1:-60}
case $duration in
  ''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
cc=${CC:-clang-14}
jobs=${FUZZ_JOBS:-1}

if ! command -v "$cc" >/dev/null; then
  echo "fuzz.sh: $cc not found (apt-get install clang-14)" >&2
  exit 2
fi

if [ -n "${FUZZ_WORKDIR:-}" ]; then
  work=$FUZZ_WORKDIR
  mkdir -p "$work"
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/qm-fuzz.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi

# The few definitions the sources take from meson's config.h.
cat > "$work/config.h" <<'EOF'
#pragma once
#define PACKAGE_VERSION "0.1.0"
#define GETTEXT_PACKAGE "quartermaster"
#define LOCALEDIR "/usr/local/share/locale"
#define PKGDATADIR "/usr/local/share/quartermaster"
#define APP_ID "io.github.quartermaster.Quartermaster.Devel"
#define PROFILE "development"
EOF

read -r -a pkg_cflags <<< "$(pkg-config --cflags glib-2.0 gobject-2.0 gio-2.0 json-glib-1.0 sqlite3)"
read -r -a pkg_libs <<< "$(pkg-config --libs glib-2.0 gobject-2.0 gio-2.0 json-glib-1.0 sqlite3)"

# The decoder and the whole of src/core (qm_warehouse_new and friends live
# in the store), so that a file moved within src/core does not break this.
sources=(
  "$top/tests/fuzz/fuzz-protocol.c"
  "$top/src/sync/qm-protocol.c"
  "$top"/src/core/*.c
)

echo "== Building $work/fuzz-protocol with $cc"
"$cc" -g -O1 -fno-omit-frame-pointer \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 \
  -DGLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_74 \
  -I"$work" -I"$top/src/core" -I"$top/src/sync" \
  "${pkg_cflags[@]}" \
  "${sources[@]}" \
  "${pkg_libs[@]}" -lm -pthread \
  -o "$work/fuzz-protocol"

# libFuzzer adds what it finds to the corpus directory: work on a copy.
rm -rf "$work/corpus" "$work/artifacts"
mkdir -p "$work/corpus" "$work/artifacts"
cp "$top"/tests/fuzz/corpus/* "$work/corpus/"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

fuzz_args=(
  -max_total_time="$duration"
  -max_len=65536
  -timeout=10
  -rss_limit_mb=2048
  -print_final_stats=1
  -dict="$top/tests/fuzz/protocol.dict"
  -artifact_prefix="$work/artifacts/"
)
if [ "${FUZZ_KEEP_GOING:-0}" = 1 ]; then
  fuzz_args+=(-fork="$jobs" -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)
elif [ "$jobs" -gt 1 ]; then
  fuzz_args+=(-fork="$jobs")
fi

echo "== Fuzzing for ${duration}s ($(find "$work/corpus" -type f | wc -l) seed inputs)"
status=0
(cd "$work" && ./fuzz-protocol "${fuzz_args[@]}" "$work/corpus") > "$work/fuzz.log" 2>&1 || status=$?
# Everything but the progress lines: the seeds' stats, any report, the final stats.
grep -v -E '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse)' "$work/fuzz.log" || true

echo "== Corpus grew from $(find "$top/tests/fuzz/corpus" -type f | wc -l) to $(find "$work/corpus" -type f | wc -l) inputs"

if [ "$status" -ne 0 ] || [ -n "$(find "$work/artifacts" -type f -print -quit)" ]; then
  mkdir -p "$top/tests/fuzz/crashes"
  for f in "$work"/artifacts/*; do
    [ -e "$f" ] || continue
    cp "$f" "$top/tests/fuzz/crashes/"
    echo "fuzz.sh: kept $top/tests/fuzz/crashes/$(basename "$f")" >&2
  done
  if [ -n "${FUZZ_WORKDIR:-}" ]; then
    echo "fuzz.sh: FAILED; the log and the target are in $work" >&2
  else
    echo "fuzz.sh: FAILED; set FUZZ_WORKDIR=DIR to keep the log and the target" >&2
  fi
  exit 1
fi

echo "== No crash in ${duration}s"
