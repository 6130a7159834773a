#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sets up everything on Debian 12 and runs the whole test suite twice: in a
# normal build and in an AddressSanitizer + UndefinedBehaviorSanitizer build.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

bash build-aux/install-deps.sh test

setup () {
  local dir=$1; shift
  if [ -f "$dir/build.ninja" ]; then
    meson setup --reconfigure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@" >/dev/null
  fi
}

status=0

echo "== Build and test (debug build: _build)"
setup _build -Dui_tests=enabled
meson compile -C _build
meson test -C _build --print-errorlogs --num-processes 2 || status=1

echo "== Build and test again under ASan + UBSan (_build-asan)"
setup _build-asan -Dui_tests=enabled -Db_sanitize=address,undefined -Db_lundef=false
meson compile -C _build-asan
meson test -C _build-asan --print-errorlogs --num-processes 2 --timeout-multiplier 3 || status=1

echo "== A short run of the protocol decoder's fuzz target (build-aux/fuzz.sh)"
fuzz=pass
bash build-aux/fuzz.sh "${QM_FUZZ_SECONDS:-30}" || { fuzz=fail; status=1; }

python3 build-aux/test-summary.py _build/meson-logs/testlog.json _build-asan/meson-logs/testlog.json \
  --extra "fuzz=$fuzz"
exit $status
