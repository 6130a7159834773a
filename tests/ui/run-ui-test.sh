#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs the Quartermaster window under Xvfb with its own D-Bus session and
# accessibility bus, drives it through the accessibility tree with
# a dogtail script, and checks that it logged no GLib warnings. Prints TAP.
#
#   run-ui-test.sh PATH/TO/quartermaster [SCRIPT.py] [--with-sim]
#
# SCRIPT.py (default test_shell.py) lives beside this file. With --with-sim,
# four quartermaster-sim warehouses are started first and synced into the
# cache the app opens; the script then finds in its environment:
#   QM_UI_DB (the cache), QM_UI_CLI (quartermaster-cli), QM_UI_TOKEN_FILE,
#   QM_UI_SIM_URLS (the warehouses' base URLs, space-separated, east first).
#
# Environment: GSETTINGS_SCHEMA_DIR (or QM_BUILD_DIR) must point at the
# compiled schemas; QM_UI_SCREENSHOT=FILE also saves a picture of the screen.

set -u

ui_timeout=${QM_UI_TIMEOUT:-60}          # the whole run, including start-up
script_timeout=$((ui_timeout - 15))      # the dogtail script alone
exit_timeout=10          # how long the app may take to exit once closed

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ "${1:-}" = "--inner" ]; then
  # Inside dbus-run-session and xvfb-run.
  work=$QM_UI_WORK

  /usr/libexec/at-spi-bus-launcher --launch-immediately >"$work/at-spi.log" 2>&1 &
  bus_pid=$!

  # Wait until the accessibility bus answers on the session bus.
  for _ in $(seq 50); do
    if dbus-send --session --print-reply --dest=org.a11y.Bus /org/a11y/bus \
         org.a11y.Bus.GetAddress >/dev/null 2>&1; then
      break
    fi
    sleep 0.1
  done

  if [ "$QM_UI_WITH_SIM" = 1 ]; then
    "$QM_BUILD_DIR/src/sim/quartermaster-sim" --warehouses east,south,west,central \
      --skus 120 --days 30 --export-token "$work/token" >"$work/sim.out" 2>"$work/sim.log" &
    sim_pid=$!
    for _ in $(seq 100); do
      [ "$(wc -l <"$work/sim.out")" -ge 4 ] && break
      sleep 0.1
    done
    urls=""
    while read -r _ url _; do
      "$QM_UI_CLI" --db "$work/cache.db" endpoint add "$url" --token-file "$work/token" \
        >>"$work/setup.log" 2>&1
      urls="$urls $url"
    done <"$work/sim.out"
    "$QM_UI_CLI" --db "$work/cache.db" sync >>"$work/setup.log" 2>&1
    export QM_UI_SIM_URLS="${urls# }"
    export QM_UI_TOKEN_FILE="$work/token"
  fi
  export QM_UI_DB="$work/cache.db"

  "$QM_UI_APP" --db "$work/cache.db" >"$work/app-stdout" 2>"$work/app-stderr" &
  app_pid=$!
  echo "$app_pid" >"$work/app-pid"

  timeout -k 3 "$script_timeout" /usr/bin/python3 "$here/$QM_UI_SCRIPT" \
    >"$work/tap-shell" 2>"$work/script-stderr"
  echo $? >"$work/script-rc"

  # The script closes the window; give the app time to exit by itself.
  for _ in $(seq $((exit_timeout * 10))); do
    kill -0 "$app_pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$app_pid" 2>/dev/null; then
    echo "still-running" >"$work/app-rc"
    kill -TERM "$app_pid" 2>/dev/null
    sleep 1
    kill -KILL "$app_pid" 2>/dev/null
    wait "$app_pid" 2>/dev/null
  else
    wait "$app_pid"
    echo $? >"$work/app-rc"
  fi

  kill "$bus_pid" 2>/dev/null
  wait "$bus_pid" 2>/dev/null
  if [ -n "${sim_pid:-}" ]; then
    kill "$sim_pid" 2>/dev/null
    wait "$sim_pid" 2>/dev/null
  fi
  exit 0
fi

if [ $# -lt 1 ]; then
  echo "usage: $0 PATH/TO/quartermaster" >&2
  exit 2
fi

app=$(readlink -f "$1")
script=test_shell.py
with_sim=0
shift
for arg in "$@"; do
  case "$arg" in
    --with-sim) with_sim=1 ;;
    *.py) script=$arg ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d "${TMPDIR:-/tmp}/qm-ui-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/home" "$work/config" "$work/data" "$work/cache" "$work/runtime"
chmod 700 "$work/runtime"

export HOME="$work/home"
export XDG_CONFIG_HOME="$work/config"
export XDG_DATA_HOME="$work/data"
export XDG_CACHE_HOME="$work/cache"
export XDG_RUNTIME_DIR="$work/runtime"
export GTK_A11Y=atspi
export GSETTINGS_BACKEND=memory
export GSETTINGS_SCHEMA_DIR="${GSETTINGS_SCHEMA_DIR:-${QM_BUILD_DIR:-}/data}"
export QM_UI_WORK="$work"
export QM_UI_APP="$app"
export QM_UI_SCRIPT="$script"
export QM_UI_WITH_SIM="$with_sim"
export QM_UI_CLI="${QM_CLI:-${QM_BUILD_DIR:-}/src/cli/quartermaster-cli}"
export QM_BUILD_DIR="${QM_BUILD_DIR:-$(dirname "$(dirname "$(dirname "$app")")")}"
# The test environment turns the bridge off for the unit tests; this one needs it.
unset NO_AT_BRIDGE
unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS AT_SPI_BUS_ADDRESS

# A session bus that activates nothing: no portals, no dconf, no keyring.
cat >"$work/session.conf" <<'CONF'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF

echo "TAP version 13"

n=0
failed=0
ok () {
  n=$((n + 1))
  echo "ok $n - $1"
}
not_ok () {
  n=$((n + 1))
  failed=1
  echo "not ok $n - $1"
}
diag_file () {
  # Print a file as TAP diagnostics, at most 40 lines.
  [ -s "$1" ] && head -n 40 "$1" | sed 's/^/# /'
}

for tool in xvfb-run dbus-run-session /usr/libexec/at-spi-bus-launcher; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "1..0 # SKIP $tool not found"
    exit 0
  fi
done
if [ ! -x "$app" ]; then
  echo "Bail out! no program at $app"
  exit 1
fi

timeout -k 5 "$ui_timeout" \
  dbus-run-session --config-file="$work/session.conf" -- \
  xvfb-run -a -s "-screen 0 1400x900x24" "$0" --inner \
  >"$work/inner.log" 2>&1
inner_rc=$?

# The script's own results, renumbered into this plan.
if [ -f "$work/tap-shell" ]; then
  while IFS= read -r line; do
    case "$line" in
      "ok "*|"not ok "*)
        status=${line%% - *}
        desc=${line#* - }
        case "$status" in
          "not ok"*) not_ok "$desc" ;;
          *) ok "$desc" ;;
        esac
        ;;
      "#"*) echo "$line" ;;
      *) ;;
    esac
  done <"$work/tap-shell"
fi

script_rc=$(cat "$work/script-rc" 2>/dev/null || echo none)
if [ "$inner_rc" -eq 124 ] || [ "$inner_rc" -eq 137 ]; then
  not_ok "the run ended within ${ui_timeout} s"
  diag_file "$work/inner.log"
fi
if [ "$script_rc" = "0" ]; then
  ok "$script finished"
else
  not_ok "$script finished (exit status $script_rc)"
  diag_file "$work/setup.log"
  diag_file "$work/script-stderr"
fi

app_rc=$(cat "$work/app-rc" 2>/dev/null || echo unknown)
if [ "$app_rc" = "0" ]; then
  ok "quartermaster exited with status 0 after its window closed"
else
  not_ok "quartermaster exited with status 0 after its window closed (got: $app_rc)"
fi

if grep -E '(WARNING|CRITICAL|ERROR) \*\*' "$work/app-stderr" >"$work/glib-warnings" 2>/dev/null; then
  not_ok "no GLib warning or critical on quartermaster's stderr"
  diag_file "$work/glib-warnings"
else
  ok "no GLib warning or critical on quartermaster's stderr"
fi

if grep -E 'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:' "$work/app-stderr" \
     >"$work/sanitizer" 2>/dev/null; then
  not_ok "no sanitizer report on quartermaster's stderr"
  diag_file "$work/app-stderr"
else
  ok "no sanitizer report on quartermaster's stderr"
fi

if [ -s "$work/app-stderr" ]; then
  echo "# quartermaster's stderr:"
  diag_file "$work/app-stderr"
fi

echo "1..$n"
exit "$failed"
