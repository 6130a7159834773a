#!/bin/sh
# bench-ledger.sh
#
# Copyright 2026 The Quartermaster developers
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Prints figures, asserts nothing. For each size ROWS it builds a cache
# holding a ledger of ROWS rows (one warehouse, ROWS SKUs, a purchase in
# January and a sale in February each), then measures wall time and peak
# RSS (/usr/bin/time) of:
#   - the first `quartermaster-cli report ledger` for February, which also
#     folds the valuation of all 2 x ROWS movements;
#   - the same export again (the valuation is up to date: the export alone);
#   - `sqlite3 -csv` running the equivalent GROUP BY on the same file.
# One table, one line per size, so "memory flat in the row count" and
# "time within 2x of sqlite3" read at a glance.
#
# Usage: tests/bench-ledger.sh BUILD_DIR [ROWS ...]
#        (default sizes: 250000 500000 1000000)

set -eu

build=${1:?usage: bench-ledger.sh BUILD_DIR [ROWS ...]}
shift
[ $# -gt 0 ] || set -- 250000 500000 1000000
cli="$build/src/cli/quartermaster-cli"
tmp=$(mktemp -d /tmp/qm-bench-ledger-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

if [ ! -x /usr/bin/time ]; then
  echo "bench-ledger: /usr/bin/time is missing (Debian package 'time')" >&2
  exit 77
fi

make_cache () {
  db=$1
  rows=$2
  "$cli" --db "$db" endpoint add http://127.0.0.1:1/ --id WH-BENCH >/dev/null
  sqlite3 "$db" >/dev/null <<EOF
PRAGMA journal_mode = WAL;
UPDATE warehouse SET currency = 'CNY';
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO movement (warehouse_id, seq, id, at, kind, sku, quantity, to_status, unit_cost)
  SELECT 'WH-BENCH', i, 'mv-' || i, '2026-01-02T08:00:00Z', 'purchase_inbound',
         printf('SKU-%08d', i), 10 + i % 90, 'qualified', 10000 + i % 50000 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO movement (warehouse_id, seq, id, at, kind, sku, quantity, from_status)
  SELECT 'WH-BENCH', $rows + i, 'mv-' || ($rows + i), '2026-02-10T08:00:00Z', 'sales_outbound',
         printf('SKU-%08d', i), 1 + i % 7, 'qualified' FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO product (warehouse_id, sku, name, category)
  SELECT 'WH-BENCH', printf('SKU-%08d', i), 'Product ' || i, 'Category ' || (i % 40) FROM n;
COMMIT;
EOF
}

# Runs the command; leaves "SECONDS KIB" in $tmp/time.
measure () {
  /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/stderr" || {
    echo "bench-ledger: failed: $*" >&2
    cat "$tmp/stderr" >&2
    exit 1
  }
}

# The same figures as the ledger (the opening, received, issued and
# closing quantities, and their values at the single purchase's cost,
# which is the average here) with the product's name and category and the
# warehouse's currency, grouped and sorted by warehouse and SKU.
opening="SUM(CASE WHEN at < '2026-02-01T00:00:00Z' THEN quantity * (kind = 'purchase_inbound')
                  - quantity * (kind = 'sales_outbound') ELSE 0 END)"
closing="SUM(quantity * (kind = 'purchase_inbound') - quantity * (kind = 'sales_outbound'))"
query="
  SELECT m.warehouse_id, m.sku, p.name, p.category, $opening AS opening_quantity,
         SUM(CASE WHEN at >= '2026-02-01T00:00:00Z' AND kind = 'purchase_inbound'
                  THEN quantity ELSE 0 END) AS received_quantity,
         SUM(CASE WHEN at >= '2026-02-01T00:00:00Z' AND kind = 'sales_outbound'
                  THEN quantity ELSE 0 END) AS issued_quantity,
         $closing AS closing_quantity,
         printf('%.2f', $opening * MAX(unit_cost) / 10000.0) AS opening_value,
         printf('%.2f', $closing * MAX(unit_cost) / 10000.0) AS closing_value,
         w.currency
  FROM movement AS m INDEXED BY movement_by_warehouse_sku
  JOIN warehouse AS w ON w.id = m.warehouse_id
  LEFT JOIN product AS p ON p.warehouse_id = m.warehouse_id AND p.sku = m.sku
  WHERE m.quarantine_reason IS NULL AND m.at < '2026-03-01T00:00:00Z'
  GROUP BY m.warehouse_id, m.sku ORDER BY m.warehouse_id, m.sku"

echo "Stock ledger export: quartermaster-cli report ledger vs. sqlite3 -csv on the same cache"
echo "(wall seconds and peak RSS in MiB; 'first' also folds the valuation of every movement)"
printf '%10s | %8s %8s | %8s %8s | %8s %8s | %7s\n' \
  rows 'first s' 'MiB' 'export s' 'MiB' 'sqlite s' 'MiB' 'x sqlite'

first_rss= ; last_rss= ; first_export_rss= ; last_export_rss=
for rows in "$@"; do
  db="$tmp/cache-$rows.db"
  make_cache "$db" "$rows"
  measure "$cli" --db "$db" report ledger --from 2026-02-01 --to 2026-02-28 \
    --output "$tmp/first.csv"
  read -r fold_s fold_k < "$tmp/time"
  measure "$cli" --db "$db" report ledger --from 2026-02-01 --to 2026-02-28 \
    --output "$tmp/export.csv"
  read -r export_s export_k < "$tmp/time"
  measure sqlite3 -csv -header -cmd ".output $tmp/sqlite.csv" "$db" "$query"
  read -r sqlite_s sqlite_k < "$tmp/time"

  written=$(($(wc -l < "$tmp/export.csv") - 1))
  expected=$(($(wc -l < "$tmp/sqlite.csv") - 1))
  if [ "$written" -ne "$rows" ] || [ "$expected" -ne "$rows" ] ||
     ! cmp -s "$tmp/first.csv" "$tmp/export.csv"; then
    echo "bench-ledger: $rows rows: quartermaster wrote $written, sqlite3 $expected" >&2
    exit 1
  fi
  # The same work: both files hold the same keys, names and quantities
  # (sqlite3 quotes text with spaces; neither has a quote inside a cell).
  for f in export sqlite; do
    tr -d '\r"' < "$tmp/$f.csv" | cut -d, -f1-8 > "$tmp/$f.cut"
  done
  if ! cmp -s "$tmp/export.cut" "$tmp/sqlite.cut"; then
    echo "bench-ledger: $rows rows: sqlite3's query is not equivalent:" >&2
    diff "$tmp/export.cut" "$tmp/sqlite.cut" | head -5 >&2
    exit 1
  fi

  awk -v r="$rows" -v fs="$fold_s" -v fk="$fold_k" -v es="$export_s" -v ek="$export_k" \
      -v ss="$sqlite_s" -v sk="$sqlite_k" 'BEGIN {
        printf "%10d | %8.2f %8.1f | %8.2f %8.1f | %8.2f %8.1f | %6.2fx\n",
               r, fs, fk / 1024, es, ek / 1024, ss, sk / 1024, (ss > 0 ? es / ss : 0) }'

  first_rss=${first_rss:-$fold_k}; last_rss=$fold_k
  first_export_rss=${first_export_rss:-$export_k}; last_export_rss=$export_k
  rm -f "$db" "$db-wal" "$db-shm" "$tmp"/*.csv "$tmp"/*.json "$tmp"/*.cut
done

awk -v a="$first_export_rss" -v b="$last_export_rss" -v c="$first_rss" -v d="$last_rss" 'BEGIN {
  printf "peak RSS from the smallest to the largest size: export %+.1f MiB, first export %+.1f MiB\n",
         (b - a) / 1024, (d - c) / 1024 }'
