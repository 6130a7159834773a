#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The sync benchmark. It prints figures; it is not a test and asserts nothing.
#
# For each size (by default about 250,000 and 1,000,000 movements in all) it
# serves four generated warehouses with quartermaster-sim on loopback (20,000
# SKUs, the history split evenly), syncs them into a fresh cache with
# quartermaster-cli, and records the wall time and the client's peak RSS.
# Then it exports the same movements as CSV and times sqlite3's .import of
# them into a table of the same shape (the cache's own CREATE TABLE and
# indexes) as the reference. Target: the sync takes at most 2x the .import
# (3x at worst), and its peak RSS stays flat as the history grows.
#
# Usage: build-aux/bench-sync.sh [BUILD_DIR]    (default: _build)
#   BENCH_SIZES="250000 1000000"  total movements of each run
#   BENCH_SKUS=20000              products in each warehouse's catalogue
#   BENCH_PER_DAY=1000            movements a day per warehouse
#   BENCH_IMPORT_RUNS=3           .import runs; the fastest is the reference
#   BENCH_KEEP=1                  keep the scratch directory (caches, CSV)
#   QM_SYNC_PAGE_SIZE=N           passed on to the client (its page size)
#
# A release build gives the figures that matter:
#   meson setup /tmp/build-bench . --buildtype=release
#   build-aux/bench-sync.sh /tmp/build-bench
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/_build}
sizes=${BENCH_SIZES:-250000 1000000}
skus=${BENCH_SKUS:-20000}
per_day=${BENCH_PER_DAY:-1000}
import_runs=${BENCH_IMPORT_RUNS:-3}
warehouses=east,south,west,central
n_warehouses=4

for tool in meson sqlite3 python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "bench-sync.sh: $tool is needed" >&2
    exit 2
  fi
done

if [ ! -f "$build/build.ninja" ]; then
  echo "== Setting up a release build in $build"
  meson setup "$build" "$top" --buildtype=release
fi
meson compile -C "$build" quartermaster-sim quartermaster-cli >/dev/null
buildtype=$(meson introspect "$build" --buildoptions \
  | python3 -c 'import json, sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "buildtype"))')

sim=$build/src/sim/quartermaster-sim
cli=$build/src/cli/quartermaster-cli

scratch=$(mktemp -d "${TMPDIR:-/tmp}/qm-bench-sync.XXXXXX")
sim_pid=

stop_sim () {
  if [ -n "$sim_pid" ]; then
    kill "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
    sim_pid=
  fi
}

cleanup () {
  stop_sim
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    echo "bench-sync.sh: kept $scratch" >&2
  else
    rm -rf "$scratch"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# now: seconds since the epoch, with nanoseconds
now () {
  date +%s.%N
}

# elapsed START END: END - START in seconds, 2 decimals
elapsed () {
  python3 -c 'import sys; print("%.2f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$1" "$2"
}

# run_measured OUT_FILE COMMAND...: runs COMMAND, writes "PEAK_RSS_KIB
# CPU_SECONDS" (user + system) to OUT_FILE. /usr/bin/time if there is one,
# else Python's getrusage.
run_measured () {
  local out_file=$1; shift
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M %U %S' -o "$out_file.time" "$@"
    tail -n 1 "$out_file.time" | awk '{ printf "%d %.2f\n", $1, $2 + $3 }' > "$out_file"
  else
    python3 - "$out_file" "$@" <<'EOF'
import resource, subprocess, sys
status = subprocess.call(sys.argv[2:])
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as f:
    print("%d %.2f" % (usage.ru_maxrss, usage.ru_utime + usage.ru_stime), file=f)
sys.exit(status)
EOF
  fi
}

# cpu_seconds PID: user + system CPU a live process has used so far
cpu_seconds () {
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$1/stat"
}

# bench_one TOTAL: one run; appends a row to $scratch/results
bench_one () {
  local total=$1
  local dir=$scratch/$total
  local per_warehouse=$(( total / n_warehouses ))
  # The sim opens each SKU with one opening balance, then adds the history.
  local days=$(( (per_warehouse - skus + per_day / 2) / per_day ))
  local t0 t1 sync_s import_s best_s rss_kib cli_cpu sim_cpu0 sim_cpu movements

  [ "$days" -ge 1 ] || days=1
  mkdir -p "$dir"

  echo "== $total movements: $n_warehouses warehouses, $skus SKUs, $days days x $per_day a day"

  "$sim" --warehouses "$warehouses" --skus "$skus" --days "$days" \
    --movements-per-day "$per_day" --export-token "$dir/token" \
    > "$dir/sim.out" 2> "$dir/sim.err" &
  sim_pid=$!

  # Generating the history takes a while; wait for the "ID URL ..." lines.
  for _ in $(seq 600); do
    if [ "$(wc -l < "$dir/sim.out")" -ge "$n_warehouses" ]; then
      break
    fi
    if ! kill -0 "$sim_pid" 2>/dev/null; then
      echo "bench-sync.sh: quartermaster-sim exited:" >&2
      cat "$dir/sim.err" >&2
      exit 1
    fi
    sleep 0.5
  done
  if [ "$(wc -l < "$dir/sim.out")" -lt "$n_warehouses" ]; then
    echo "bench-sync.sh: quartermaster-sim did not start in 300 s" >&2
    exit 1
  fi
  sed 's/^/   /' "$dir/sim.out"

  while read -r _ url _; do
    "$cli" --db "$dir/cache.db" endpoint add "$url" --token-file "$dir/token" >/dev/null
  done < "$dir/sim.out"

  sim_cpu0=$(cpu_seconds "$sim_pid")
  t0=$(now)
  run_measured "$dir/rss" "$cli" --db "$dir/cache.db" sync > "$dir/sync.out" 2>&1 || {
    echo "bench-sync.sh: the sync failed:" >&2
    cat "$dir/sync.out" >&2
    exit 1
  }
  t1=$(now)
  sync_s=$(elapsed "$t0" "$t1")
  read -r rss_kib cli_cpu < "$dir/rss"
  sim_cpu=$(elapsed "$sim_cpu0" "$(cpu_seconds "$sim_pid")")
  sed 's/^/   /' "$dir/sync.out"
  echo "   CPU during the sync: client ${cli_cpu} s, quartermaster-sim ${sim_cpu} s"
  stop_sim

  movements=$(sqlite3 "$dir/cache.db" 'SELECT count(*) FROM movement')

  # The reference: the same rows as CSV, into the same table and indexes.
  sqlite3 -csv "$dir/cache.db" \
    'SELECT warehouse_id, seq, id, at, kind, sku, quantity, from_status, to_status,
            unit_cost, reference, counterparty, channel, reason, quarantine_reason
     FROM movement' > "$dir/movements.csv"
  sqlite3 "$dir/cache.db" '.schema movement' > "$dir/movement.sql"
  echo "   reference: sqlite3 .import into the cache's movement table and its" \
    "$(grep -c '^CREATE INDEX' "$dir/movement.sql" || true) index(es), best of $import_runs"

  best_s=
  for _ in $(seq "$import_runs"); do
    rm -f "$dir/import.db"
    sqlite3 "$dir/import.db" < "$dir/movement.sql"
    t0=$(now)
    sqlite3 "$dir/import.db" '.mode csv' ".import $dir/movements.csv movement"
    t1=$(now)
    import_s=$(elapsed "$t0" "$t1")
    echo "   .import: ${import_s} s"
    if [ "$(sqlite3 "$dir/import.db" 'SELECT count(*) FROM movement')" != "$movements" ]; then
      echo "bench-sync.sh: .import did not load all $movements rows" >&2
      exit 1
    fi
    if [ -z "$best_s" ] || python3 -c 'import sys; sys.exit(float(sys.argv[1]) >= float(sys.argv[2]))' \
         "$import_s" "$best_s"; then
      best_s=$import_s
    fi
  done
  import_s=$best_s

  echo "$movements $sync_s $rss_kib $import_s $cli_cpu $sim_cpu" >> "$scratch/results"
  rm -f "$dir/movements.csv" "$dir/import.db"
}

echo "== quartermaster sync benchmark ($buildtype build, $(nproc) CPUs, sqlite3 $(sqlite3 --version | cut -d' ' -f1))"
echo "   load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews the figures)"
if [ "$buildtype" != release ]; then
  echo "   warning: not a release build; set one up with meson setup DIR --buildtype=release" >&2
fi
: > "$scratch/results"
for total in $sizes; do
  bench_one "$total"
done

echo
python3 - "$scratch/results" <<'EOF'
import sys

rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
print("%10s %8s %12s %13s %10s %12s %14s" % ("movements", "sync s", "movements/s",
                                             "peak RSS MiB", ".import s", "sync/import",
                                             "CPU cli/sim s"))
for movements, sync_s, rss_kib, import_s, cli_cpu, sim_cpu in rows:
    movements, sync_s, import_s = int(movements), float(sync_s), float(import_s)
    rss = int(rss_kib) / 1024
    ratio = sync_s / import_s if import_s > 0 else float("inf")
    print("%10d %8.2f %12.0f %13.1f %10.2f %11.1fx %14s" % (movements, sync_s, movements / sync_s,
                                                           rss, import_s, ratio,
                                                           "%s/%s" % (cli_cpu, sim_cpu)))

last = rows[-1]
ratio = float(last[1]) / float(last[3])
verdict = "meets the 2x target" if ratio <= 2 else \
          "within the 3x floor" if ratio <= 3 else "SLOWER than the 3x floor"
print()
print("sync/.import at %s movements: %.1fx, %s" % (last[0], ratio, verdict))
if len(rows) > 1:
    first = rows[0]
    growth = int(last[2]) / int(first[2])
    print("peak RSS %.1f MiB at %s movements, %.1f MiB at %s: x%.2f for x%.1f the history (%s)"
          % (int(first[2]) / 1024, first[0], int(last[2]) / 1024, last[0], growth,
             int(last[0]) / int(first[0]), "flat" if growth < 1.25 else "NOT flat"))
EOF
