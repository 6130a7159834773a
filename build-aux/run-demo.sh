#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sets up everything on Debian 12, starts four simulated regional
# warehouses (east, south, west, central) on this machine, syncs them into
# a fresh demo cache and opens the app on it. The warehouses keep producing
# movements while the app runs; they stop when the app closes.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

bash build-aux/install-deps.sh run

if [ ! -f _build/build.ninja ]; then
  meson setup _build >/dev/null
fi
meson compile -C _build >/dev/null

demo=_build/demo
rm -rf "$demo"
mkdir -p "$demo"
chmod 700 "$demo"

_build/src/sim/quartermaster-sim --warehouses east,south,west,central \
  --skus "${QM_DEMO_SKUS:-400}" --days "${QM_DEMO_DAYS:-120}" \
  --export-token "$demo/token" --live "${QM_DEMO_LIVE:-1}" \
  >"$demo/sim.out" 2>"$demo/sim.log" &
sim=$!
trap 'kill $sim 2>/dev/null || true' EXIT

for _ in $(seq 1 300); do
  [ "$(wc -l <"$demo/sim.out")" -ge 4 ] && break
  kill -0 $sim 2>/dev/null || { cat "$demo/sim.log" >&2; exit 1; }
  sleep 0.1
done

cli=(_build/src/cli/quartermaster-cli --db "$demo/cache.db")
while read -r id url _; do
  "${cli[@]}" endpoint add "$url" --token-file "$demo/token"
done <"$demo/sim.out"

for channel in "own-app:Own app:own_app" "pc-web:PC web:pc_web" \
               "mini-program:Mini-program:mini_program" \
               "marketplace-tmall:Tmall flagship store:marketplace" \
               "marketplace-jd:JD.com store:marketplace"; do
  IFS=: read -r id name kind <<<"$channel"
  "${cli[@]}" channel add "$id" --name "$name" --kind "$kind" >/dev/null
done

"${cli[@]}" sync

echo "Opening Quartermaster on $demo/cache.db (close the window to stop the demo warehouses)"
GSETTINGS_SCHEMA_DIR="$top/_build/data" _build/src/ui/quartermaster --db "$demo/cache.db"
