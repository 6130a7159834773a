#!/bin/sh
# bench-ledger.sh
#
# Copyright 2026 The Quartermaster developers
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Prints figures, asserts nothing: exports a ledger of ROWS rows (one
# warehouse, ROWS SKUs, a purchase and a sale each) with quartermaster-cli
# and runs the equivalent GROUP BY with `sqlite3 -csv` on the same file;
# prints both times and peak RSS.
#
# Usage: tests/bench-ledger.sh BUILD_DIR [ROWS]   (default 1000000)

set -eu

build=${1:?usage: bench-ledger.sh BUILD_DIR [ROWS]}
rows=${2:-1000000}
cli="$build/src/cli/quartermaster-cli"
tmp=$(mktemp -d /tmp/qm-bench-ledger-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
db="$tmp/cache.db"

"$cli" --db "$db" endpoint add http://127.0.0.1:1/ --id WH-BENCH >/dev/null
sqlite3 "$db" <<EOF
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
COMMIT;
EOF

# The first report folds the valuation (incremental state); time it apart.
measure () {
  /usr/bin/time -f '%e s, peak RSS %M KiB' "$@" 2>"$tmp/time" >/dev/null || true
  tail -n 1 "$tmp/time"
}

echo "ledger of $rows rows (2 movements each)"
printf 'first fold of the valuation + export: '
measure "$cli" --db "$db" report ledger --from 2026-02-01 --to 2026-02-28 --output "$tmp/a.csv"
printf 'quartermaster-cli report ledger:      '
measure "$cli" --db "$db" report ledger --from 2026-02-01 --to 2026-02-28 --output "$tmp/b.csv"
printf 'sqlite3 -csv equivalent GROUP BY:     '
measure sqlite3 -csv -header "$db" "
  SELECT m.warehouse_id, m.sku, p.name, p.category,
         SUM(CASE WHEN at < '2026-02-01T00:00:00Z' THEN quantity * (kind = 'purchase_inbound')
                  - quantity * (kind = 'sales_outbound') ELSE 0 END) AS opening_quantity,
         SUM(CASE WHEN at >= '2026-02-01T00:00:00Z' AND kind = 'purchase_inbound'
                  THEN quantity ELSE 0 END) AS received_quantity,
         SUM(CASE WHEN at >= '2026-02-01T00:00:00Z' AND kind = 'sales_outbound'
                  THEN quantity ELSE 0 END) AS issued_quantity,
         SUM(quantity * (kind = 'purchase_inbound') - quantity * (kind = 'sales_outbound')),
         printf('%.2f', MAX(unit_cost) / 10000.0), printf('%.2f', MAX(unit_cost) / 10000.0),
         w.currency
  FROM movement AS m INDEXED BY movement_by_warehouse_sku
  JOIN warehouse AS w ON w.id = m.warehouse_id
  LEFT JOIN product AS p ON p.warehouse_id = m.warehouse_id AND p.sku = m.sku
  WHERE m.quarantine_reason IS NULL AND m.at < '2026-03-01T00:00:00Z'
  GROUP BY m.warehouse_id, m.sku ORDER BY m.warehouse_id, m.sku" \
  -cmd '.output '"$tmp/c.csv"
echo "rows written: $(($(wc -l < "$tmp/b.csv") - 1)) (quartermaster), $(($(wc -l < "$tmp/c.csv") - 1)) (sqlite3)"
