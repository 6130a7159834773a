/* qm-schema.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cache's schema as a list of forward-only migrations. A migration
 * is never edited once released: a change is a new migration at the end.
 */

#include "config.h"

#include "qm-schema.h"

/* Version 1: the physical layer, as the warehouses report it. */
static const char migration_1[] =
  "PRAGMA application_id = 1364017969;\n"
  "CREATE TABLE meta (\n"
  "  key   TEXT PRIMARY KEY,\n"
  "  value TEXT NOT NULL\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE warehouse (\n"
  "  id             TEXT PRIMARY KEY,\n"
  "  url            TEXT NOT NULL,\n"
  "  name           TEXT NOT NULL DEFAULT '',\n"
  "  region         TEXT NOT NULL DEFAULT '',\n"
  "  latitude       REAL,\n"
  "  longitude      REAL,\n"
  "  capacity_units INTEGER NOT NULL DEFAULT 0 CHECK (capacity_units >= 0),\n"
  "  currency       TEXT NOT NULL DEFAULT '',\n"
  "  allow_insecure INTEGER NOT NULL DEFAULT 0 CHECK (allow_insecure IN (0, 1)),\n"
  "  token_file     TEXT,\n"
  "  added_at       TEXT NOT NULL\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE product (\n"
  "  warehouse_id TEXT NOT NULL REFERENCES warehouse (id) ON DELETE CASCADE,\n"
  "  sku          TEXT NOT NULL,\n"
  "  name         TEXT NOT NULL DEFAULT '',\n"
  "  category     TEXT NOT NULL DEFAULT '',\n"
  "  unit         TEXT NOT NULL DEFAULT '',\n"
  "  pack_size    INTEGER NOT NULL DEFAULT 1 CHECK (pack_size >= 1),\n"
  "  PRIMARY KEY (warehouse_id, sku)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE stock (\n"
  "  warehouse_id TEXT NOT NULL REFERENCES warehouse (id) ON DELETE CASCADE,\n"
  "  sku          TEXT NOT NULL,\n"
  "  status       TEXT NOT NULL CHECK (status IN ('defective', 'pending_inspection',\n"
  "                                               'qualified', 'supplier_return')),\n"
  "  quantity     INTEGER NOT NULL CHECK (quantity > 0),\n"
  "  as_of_seq    INTEGER NOT NULL,\n"
  "  PRIMARY KEY (warehouse_id, sku, status)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE movement (\n"
  "  warehouse_id      TEXT NOT NULL REFERENCES warehouse (id) ON DELETE CASCADE,\n"
  "  seq               INTEGER NOT NULL CHECK (seq > 0),\n"
  "  id                TEXT NOT NULL,\n"
  "  at                TEXT NOT NULL,\n"
  "  kind              TEXT NOT NULL,\n"
  "  sku               TEXT NOT NULL,\n"
  "  quantity          INTEGER NOT NULL,\n"
  "  from_status       TEXT,\n"
  "  to_status         TEXT,\n"
  "  unit_cost         INTEGER,\n"
  "  reference         TEXT,\n"
  "  counterparty      TEXT,\n"
  "  channel           TEXT,\n"
  "  reason            TEXT,\n"
  "  quarantine_reason TEXT,\n"
  "  PRIMARY KEY (warehouse_id, seq)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE sync_state (\n"
  "  warehouse_id    TEXT PRIMARY KEY REFERENCES warehouse (id) ON DELETE CASCADE,\n"
  "  cursor_seq      INTEGER NOT NULL DEFAULT 0,\n"
  "  remote_last_seq INTEGER,\n"
  "  snapshot_seq    INTEGER,\n"
  "  last_attempt_at TEXT,\n"
  "  last_success_at TEXT,\n"
  "  last_error      TEXT\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE audit (\n"
  "  seq        INTEGER PRIMARY KEY,\n"
  "  at         TEXT NOT NULL,\n"
  "  user       TEXT NOT NULL,\n"
  "  action     TEXT NOT NULL,\n"
  "  object     TEXT NOT NULL,\n"
  "  before     TEXT,\n"
  "  after      TEXT,\n"
  "  entry_hash TEXT NOT NULL\n"
  ");\n";

/* Version 2: head office's own layers (channels, allocation, procurement),
 * a summary of stock kept up to date by snapshot replaces, and staging
 * for snapshot walks that span several pages. */
static const char migration_2[] =
  "CREATE TABLE setting (\n"
  "  key   TEXT PRIMARY KEY,\n"
  "  value TEXT NOT NULL\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE stock_total (\n"
  "  warehouse_id TEXT NOT NULL REFERENCES warehouse (id) ON DELETE CASCADE,\n"
  "  status       TEXT NOT NULL,\n"
  "  quantity     INTEGER NOT NULL,\n"
  "  skus         INTEGER NOT NULL,\n"
  "  PRIMARY KEY (warehouse_id, status)\n"
  ") WITHOUT ROWID;\n"
  "INSERT INTO stock_total (warehouse_id, status, quantity, skus)\n"
  "  SELECT warehouse_id, status, SUM(quantity), COUNT(*) FROM stock\n"
  "  GROUP BY warehouse_id, status;\n"
  "CREATE TABLE stock_staging (\n"
  "  warehouse_id TEXT NOT NULL REFERENCES warehouse (id) ON DELETE CASCADE,\n"
  "  sku          TEXT NOT NULL,\n"
  "  status       TEXT NOT NULL CHECK (status IN ('defective', 'pending_inspection',\n"
  "                                               'qualified', 'supplier_return')),\n"
  "  quantity     INTEGER NOT NULL CHECK (quantity > 0),\n"
  "  PRIMARY KEY (warehouse_id, sku, status)\n"
  ") WITHOUT ROWID;\n"
  "CREATE INDEX movement_by_sku ON movement (sku, warehouse_id);\n"
  "CREATE TABLE channel (\n"
  "  id      TEXT PRIMARY KEY,\n"
  "  name    TEXT NOT NULL,\n"
  "  kind    TEXT NOT NULL DEFAULT 'other'\n"
  "          CHECK (kind IN ('own_app', 'pc_web', 'mini_program', 'marketplace', 'other')),\n"
  "  active  INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE channel_region (\n"
  "  channel_id TEXT NOT NULL REFERENCES channel (id) ON DELETE CASCADE,\n"
  "  region     TEXT NOT NULL,\n"
  "  PRIMARY KEY (channel_id, region)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE allocation_rule (\n"
  "  id             INTEGER PRIMARY KEY,\n"
  "  scope          TEXT NOT NULL CHECK (scope IN ('default', 'category', 'sku')),\n"
  "  scope_key      TEXT NOT NULL DEFAULT '',\n"
  "  mode           TEXT NOT NULL CHECK (mode IN ('shared', 'ratio', 'region', 'performance')),\n"
  "  buffer_units   INTEGER NOT NULL DEFAULT 0 CHECK (buffer_units >= 0),\n"
  "  buffer_percent INTEGER NOT NULL DEFAULT 0 CHECK (buffer_percent BETWEEN 0 AND 100),\n"
  "  window_days    INTEGER NOT NULL DEFAULT 28 CHECK (window_days > 0),\n"
  "  min_share_permille INTEGER NOT NULL DEFAULT 0 CHECK (min_share_permille BETWEEN 0 AND 1000),\n"
  "  updated_at     TEXT NOT NULL,\n"
  "  UNIQUE (scope, scope_key)\n"
  ");\n"
  "CREATE TABLE allocation_weight (\n"
  "  rule_id    INTEGER NOT NULL REFERENCES allocation_rule (id) ON DELETE CASCADE,\n"
  "  channel_id TEXT NOT NULL REFERENCES channel (id) ON DELETE CASCADE,\n"
  "  weight     INTEGER NOT NULL CHECK (weight >= 0),\n"
  "  PRIMARY KEY (rule_id, channel_id)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE allocation_oversell (\n"
  "  rule_id    INTEGER NOT NULL REFERENCES allocation_rule (id) ON DELETE CASCADE,\n"
  "  channel_id TEXT NOT NULL REFERENCES channel (id) ON DELETE CASCADE,\n"
  "  percent    INTEGER NOT NULL CHECK (percent >= 0),\n"
  "  PRIMARY KEY (rule_id, channel_id)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE promotional_lock (\n"
  "  id         INTEGER PRIMARY KEY,\n"
  "  channel_id TEXT NOT NULL REFERENCES channel (id) ON DELETE CASCADE,\n"
  "  sku        TEXT NOT NULL,\n"
  "  quantity   INTEGER NOT NULL CHECK (quantity > 0),\n"
  "  starts_at  TEXT NOT NULL,\n"
  "  ends_at    TEXT NOT NULL\n"
  ");\n"
  "CREATE TABLE presale_quota (\n"
  "  channel_id TEXT NOT NULL REFERENCES channel (id) ON DELETE CASCADE,\n"
  "  sku        TEXT NOT NULL,\n"
  "  quantity   INTEGER NOT NULL CHECK (quantity > 0),\n"
  "  PRIMARY KEY (channel_id, sku)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE procurement_plan (\n"
  "  id          INTEGER PRIMARY KEY,\n"
  "  created_at  TEXT NOT NULL,\n"
  "  created_by  TEXT NOT NULL,\n"
  "  status      TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved', 'pushed')),\n"
  "  approved_at TEXT,\n"
  "  approved_by TEXT,\n"
  "  parameters  TEXT NOT NULL DEFAULT '{}'\n"
  ");\n"
  "CREATE TABLE procurement_line (\n"
  "  plan_id            INTEGER NOT NULL REFERENCES procurement_plan (id) ON DELETE CASCADE,\n"
  "  warehouse_id       TEXT NOT NULL REFERENCES warehouse (id),\n"
  "  sku                TEXT NOT NULL,\n"
  "  kind               TEXT NOT NULL DEFAULT 'purchase' CHECK (kind IN ('purchase', 'transfer')),\n"
  "  from_warehouse_id  TEXT REFERENCES warehouse (id),\n"
  "  on_hand            INTEGER NOT NULL,\n"
  "  on_order           INTEGER NOT NULL,\n"
  "  avg_daily_demand   INTEGER NOT NULL,\n"
  "  demand_sd          INTEGER NOT NULL,\n"
  "  safety_stock       INTEGER NOT NULL,\n"
  "  reorder_point      INTEGER NOT NULL,\n"
  "  suggested_quantity INTEGER NOT NULL CHECK (suggested_quantity >= 0),\n"
  "  approved_quantity  INTEGER CHECK (approved_quantity >= 0),\n"
  "  capacity_capped    INTEGER NOT NULL DEFAULT 0 CHECK (capacity_capped IN (0, 1)),\n"
  "  edit_reason        TEXT,\n"
  "  idempotency_key    TEXT UNIQUE,\n"
  "  push_status        TEXT,\n"
  "  PRIMARY KEY (plan_id, warehouse_id, sku, kind)\n"
  ") WITHOUT ROWID;\n";

/* Version 3: the outcome of each sync's ledger-vs-snapshot check. */
static const char migration_3[] =
  "CREATE TABLE reconciliation (\n"
  "  warehouse_id      TEXT NOT NULL REFERENCES warehouse (id) ON DELETE CASCADE,\n"
  "  sku               TEXT NOT NULL,\n"
  "  status            TEXT NOT NULL,\n"
  "  ledger_quantity   INTEGER NOT NULL,\n"
  "  snapshot_quantity INTEGER NOT NULL,\n"
  "  PRIMARY KEY (warehouse_id, sku, status)\n"
  ") WITHOUT ROWID;\n"
  "ALTER TABLE sync_state ADD COLUMN reconciled_seq INTEGER;\n"
  "ALTER TABLE sync_state ADD COLUMN discrepancies INTEGER NOT NULL DEFAULT 0;\n"
  "ALTER TABLE sync_state ADD COLUMN negative_folds INTEGER NOT NULL DEFAULT 0;\n";

/* Version 4: valuation and period close. The moving average folded so
 * far per warehouse and SKU (so a sync only folds what is new), the cost
 * each transfer carried between warehouses, the months finance closed
 * with their frozen figures, and an index that lets a report stream the
 * ledger one SKU at a time. */
static const char migration_4[] =
  "CREATE INDEX movement_by_warehouse_sku ON movement (warehouse_id, sku, seq);\n"
  "CREATE TABLE valuation_state (\n"
  "  warehouse_id TEXT NOT NULL REFERENCES warehouse (id) ON DELETE CASCADE,\n"
  "  sku          TEXT NOT NULL,\n"
  "  quantity     INTEGER NOT NULL,\n"
  "  average_e4   INTEGER NOT NULL,\n"
  "  last_seq     INTEGER NOT NULL,\n"
  "  PRIMARY KEY (warehouse_id, sku)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE valuation_cursor (\n"
  "  warehouse_id TEXT PRIMARY KEY REFERENCES warehouse (id) ON DELETE CASCADE,\n"
  "  folded_seq   INTEGER NOT NULL,\n"
  "  folded_count INTEGER NOT NULL\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE valuation_transfer (\n"
  "  warehouse_id TEXT NOT NULL REFERENCES warehouse (id) ON DELETE CASCADE,\n"
  "  seq          INTEGER NOT NULL,\n"
  "  kind         TEXT NOT NULL CHECK (kind IN ('transfer_in', 'transfer_out')),\n"
  "  counterparty TEXT NOT NULL,\n"
  "  reference    TEXT NOT NULL,\n"
  "  sku          TEXT NOT NULL,\n"
  "  average_e4   INTEGER,\n"
  "  PRIMARY KEY (warehouse_id, seq)\n"
  ") WITHOUT ROWID;\n"
  "CREATE INDEX valuation_transfer_match\n"
  "  ON valuation_transfer (kind, warehouse_id, counterparty, reference, sku);\n"
  "CREATE TABLE period_close (\n"
  "  month            TEXT PRIMARY KEY,\n"
  "  starts_at        TEXT NOT NULL,\n"
  "  ends_at          TEXT NOT NULL,\n"
  "  closed_at        TEXT NOT NULL,\n"
  "  closed_by        TEXT NOT NULL,\n"
  "  ledger_sha256    TEXT NOT NULL,\n"
  "  valuation_sha256 TEXT NOT NULL\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE period_watermark (\n"
  "  month        TEXT NOT NULL REFERENCES period_close (month) ON DELETE CASCADE,\n"
  "  warehouse_id TEXT NOT NULL,\n"
  "  seq          INTEGER NOT NULL,\n"
  "  PRIMARY KEY (month, warehouse_id)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE period_ledger (\n"
  "  month             TEXT NOT NULL REFERENCES period_close (month) ON DELETE CASCADE,\n"
  "  warehouse_id      TEXT NOT NULL,\n"
  "  sku               TEXT NOT NULL,\n"
  "  name              TEXT NOT NULL,\n"
  "  category          TEXT NOT NULL,\n"
  "  opening_quantity  INTEGER NOT NULL,\n"
  "  received_quantity INTEGER NOT NULL,\n"
  "  issued_quantity   INTEGER NOT NULL,\n"
  "  closing_quantity  INTEGER NOT NULL,\n"
  "  opening_value_e4  INTEGER NOT NULL,\n"
  "  closing_value_e4  INTEGER NOT NULL,\n"
  "  currency          TEXT NOT NULL,\n"
  "  PRIMARY KEY (month, warehouse_id, sku)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE period_valuation (\n"
  "  month        TEXT NOT NULL REFERENCES period_close (month) ON DELETE CASCADE,\n"
  "  warehouse_id TEXT NOT NULL,\n"
  "  sku          TEXT NOT NULL,\n"
  "  name         TEXT NOT NULL,\n"
  "  category     TEXT NOT NULL,\n"
  "  quantity     INTEGER NOT NULL,\n"
  "  unit_cost_e4 INTEGER NOT NULL,\n"
  "  value_e4     INTEGER NOT NULL,\n"
  "  currency     TEXT NOT NULL,\n"
  "  PRIMARY KEY (month, warehouse_id, sku)\n"
  ") WITHOUT ROWID;\n";

/* Version 5: stock per SKU and warehouse with a column per status, kept
 * by every snapshot replace, so the stock page reads a quarter of the rows,
 * already grouped by SKU. */
static const char migration_5[] =
  "CREATE TABLE stock_sku (\n"
  "  sku                TEXT NOT NULL,\n"
  "  warehouse_id       TEXT NOT NULL REFERENCES warehouse (id) ON DELETE CASCADE,\n"
  "  defective          INTEGER NOT NULL,\n"
  "  pending_inspection INTEGER NOT NULL,\n"
  "  qualified          INTEGER NOT NULL,\n"
  "  supplier_return    INTEGER NOT NULL,\n"
  "  PRIMARY KEY (sku, warehouse_id)\n"
  ") WITHOUT ROWID;\n"
  "INSERT INTO stock_sku\n"
  "  SELECT sku, warehouse_id,\n"
  "    SUM(CASE status WHEN 'defective' THEN quantity ELSE 0 END),\n"
  "    SUM(CASE status WHEN 'pending_inspection' THEN quantity ELSE 0 END),\n"
  "    SUM(CASE status WHEN 'qualified' THEN quantity ELSE 0 END),\n"
  "    SUM(CASE status WHEN 'supplier_return' THEN quantity ELSE 0 END)\n"
  "  FROM stock GROUP BY sku, warehouse_id;\n";

/* Version 6: procurement planning. Lead time and review period per
 * warehouse (7 days each until a planner sets them) with a per-SKU
 * override (0 = the warehouse's), what a plan line needs to explain itself
 * and the orders pushed to the warehouses.
 *
 * procurement_line keeps its version 2 INTEGER columns, filled with whole
 * units rounded up (avg_daily_demand, demand_sd, safety_stock,
 * reorder_point) for anyone reading the table raw; the exact figures the
 * engine computed are in the REAL columns *_exact (days_of_cover is NULL
 * when there is no demand: infinite cover). Its version 2 columns
 * idempotency_key (no longer UNIQUE) and push_status stay unused: a line
 * belongs to the order with its plan, kind, endpoint (the line's warehouse
 * for a purchase, its source for a transfer) and destination, and the key
 * is the order's.
 * Lines and orders name warehouses without a foreign key, so removing an
 * endpoint keeps the plans that involved it. */
static const char migration_6[] =
  "ALTER TABLE warehouse ADD COLUMN lead_time_days INTEGER NOT NULL DEFAULT 7\n"
  "  CHECK (lead_time_days BETWEEN 0 AND 3660);\n"
  "ALTER TABLE warehouse ADD COLUMN review_period_days INTEGER NOT NULL DEFAULT 7\n"
  "  CHECK (review_period_days BETWEEN 0 AND 3660);\n"
  "CREATE TABLE planning_sku (\n"
  "  sku                TEXT PRIMARY KEY,\n"
  "  lead_time_days     INTEGER NOT NULL DEFAULT 0 CHECK (lead_time_days BETWEEN 0 AND 3660),\n"
  "  review_period_days INTEGER NOT NULL DEFAULT 0 CHECK (review_period_days BETWEEN 0 AND 3660)\n"
  ") WITHOUT ROWID;\n"
  "ALTER TABLE procurement_plan ADD COLUMN pushed_at TEXT;\n"
  "ALTER TABLE procurement_plan ADD COLUMN pushed_by TEXT;\n"
  /* Rebuilt: the new columns, and no foreign key to warehouse any more (a
   * plan is a record of what was decided: removing an endpoint keeps it). */
  "CREATE TABLE procurement_line_v6 (\n"
  "  plan_id                INTEGER NOT NULL REFERENCES procurement_plan (id) ON DELETE CASCADE,\n"
  "  warehouse_id           TEXT NOT NULL,\n"
  "  sku                    TEXT NOT NULL,\n"
  "  kind                   TEXT NOT NULL DEFAULT 'purchase' CHECK (kind IN ('purchase', 'transfer')),\n"
  "  from_warehouse_id      TEXT,\n"
  "  on_hand                INTEGER NOT NULL,\n"
  "  on_order               INTEGER NOT NULL,\n"
  "  avg_daily_demand       INTEGER NOT NULL,\n"
  "  demand_sd              INTEGER NOT NULL,\n"
  "  safety_stock           INTEGER NOT NULL,\n"
  "  reorder_point          INTEGER NOT NULL,\n"
  "  suggested_quantity     INTEGER NOT NULL CHECK (suggested_quantity >= 0),\n"
  "  approved_quantity      INTEGER CHECK (approved_quantity >= 0),\n"
  "  capacity_capped        INTEGER NOT NULL DEFAULT 0 CHECK (capacity_capped IN (0, 1)),\n"
  "  edit_reason            TEXT,\n"
  "  idempotency_key        TEXT,\n"
  "  push_status            TEXT,\n"
  "  qualified              INTEGER NOT NULL DEFAULT 0,\n"
  "  avg_daily_demand_exact REAL NOT NULL DEFAULT 0,\n"
  "  demand_sd_exact        REAL NOT NULL DEFAULT 0,\n"
  "  safety_stock_exact     REAL NOT NULL DEFAULT 0,\n"
  "  reorder_point_exact    REAL NOT NULL DEFAULT 0,\n"
  "  order_up_to_exact      REAL NOT NULL DEFAULT 0,\n"
  "  days_of_cover          REAL,\n"
  "  lead_time_days         INTEGER NOT NULL DEFAULT 0,\n"
  "  review_period_days     INTEGER NOT NULL DEFAULT 0,\n"
  "  pack_size              INTEGER NOT NULL DEFAULT 1,\n"
  "  suggested_uncapped     INTEGER NOT NULL DEFAULT 0,\n"
  "  flags                  INTEGER NOT NULL DEFAULT 0,\n"
  "  PRIMARY KEY (plan_id, warehouse_id, sku, kind)\n"
  ") WITHOUT ROWID;\n"
  "INSERT INTO procurement_line_v6 (plan_id, warehouse_id, sku, kind, from_warehouse_id,\n"
  "    on_hand, on_order, avg_daily_demand, demand_sd, safety_stock, reorder_point,\n"
  "    suggested_quantity, approved_quantity, capacity_capped, edit_reason, idempotency_key,\n"
  "    push_status, avg_daily_demand_exact, demand_sd_exact, safety_stock_exact,\n"
  "    reorder_point_exact, suggested_uncapped)\n"
  "  SELECT plan_id, warehouse_id, sku, kind, from_warehouse_id, on_hand, on_order,\n"
  "    avg_daily_demand, demand_sd, safety_stock, reorder_point, suggested_quantity,\n"
  "    approved_quantity, capacity_capped, edit_reason, idempotency_key, push_status,\n"
  "    avg_daily_demand, demand_sd, safety_stock, reorder_point, suggested_quantity\n"
  "  FROM procurement_line;\n"
  "DROP TABLE procurement_line;\n"
  "ALTER TABLE procurement_line_v6 RENAME TO procurement_line;\n"
  "CREATE TABLE procurement_order (\n"
  "  id              INTEGER PRIMARY KEY,\n"
  "  plan_id         INTEGER NOT NULL REFERENCES procurement_plan (id) ON DELETE CASCADE,\n"
  "  warehouse_id    TEXT NOT NULL,\n"
  "  kind            TEXT NOT NULL CHECK (kind IN ('purchase', 'transfer')),\n"
  "  to_warehouse_id TEXT NOT NULL DEFAULT '',\n"
  "  idempotency_key TEXT NOT NULL UNIQUE,\n"
  "  body            TEXT NOT NULL,\n"
  "  state           TEXT NOT NULL DEFAULT 'pending'\n"
  "                  CHECK (state IN ('pending', 'accepted', 'rejected')),\n"
  "  order_id        TEXT,\n"
  "  error           TEXT,\n"
  "  created_at      TEXT NOT NULL,\n"
  "  answered_at     TEXT,\n"
  "  UNIQUE (plan_id, warehouse_id, kind, to_warehouse_id)\n"
  ");\n"
  "CREATE INDEX procurement_order_by_state ON procurement_order (state);\n";

static const char * const migrations[] = {
  NULL,
  migration_1,
  migration_2,
  migration_3,
  migration_4,
  migration_5,
  migration_6,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == QM_SCHEMA_VERSION + 1);

/**
 * qm_schema_get_migration:
 * @to_version: the version the migration brings the cache to
 *
 * Returns: (transfer none) (nullable): the SQL of the migration, or %NULL
 */
const char *
qm_schema_get_migration (guint to_version)
{
  if (to_version == 0 || to_version > QM_SCHEMA_VERSION)
    return NULL;

  return migrations[to_version];
}
