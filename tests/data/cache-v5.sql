-- A cache as Quartermaster wrote it at schema version 5.
-- Frozen: never edit this file; the migration test upgrades it.
PRAGMA application_id = 1364017969;
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE warehouse (
  id             TEXT PRIMARY KEY,
  url            TEXT NOT NULL,
  name           TEXT NOT NULL DEFAULT '',
  region         TEXT NOT NULL DEFAULT '',
  latitude       REAL,
  longitude      REAL,
  capacity_units INTEGER NOT NULL DEFAULT 0 CHECK (capacity_units >= 0),
  currency       TEXT NOT NULL DEFAULT '',
  allow_insecure INTEGER NOT NULL DEFAULT 0 CHECK (allow_insecure IN (0, 1)),
  token_file     TEXT,
  added_at       TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE product (
  warehouse_id TEXT NOT NULL REFERENCES warehouse (id) ON DELETE CASCADE,
  sku          TEXT NOT NULL,
  name         TEXT NOT NULL DEFAULT '',
  category     TEXT NOT NULL DEFAULT '',
  unit         TEXT NOT NULL DEFAULT '',
  pack_size    INTEGER NOT NULL DEFAULT 1 CHECK (pack_size >= 1),
  PRIMARY KEY (warehouse_id, sku)
) WITHOUT ROWID;
CREATE TABLE stock (
  warehouse_id TEXT NOT NULL REFERENCES warehouse (id) ON DELETE CASCADE,
  sku          TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('defective', 'pending_inspection',
                                               'qualified', 'supplier_return')),
  quantity     INTEGER NOT NULL CHECK (quantity > 0),
  as_of_seq    INTEGER NOT NULL,
  PRIMARY KEY (warehouse_id, sku, status)
) WITHOUT ROWID;
CREATE TABLE movement (
  warehouse_id      TEXT NOT NULL REFERENCES warehouse (id) ON DELETE CASCADE,
  seq               INTEGER NOT NULL CHECK (seq > 0),
  id                TEXT NOT NULL,
  at                TEXT NOT NULL,
  kind              TEXT NOT NULL,
  sku               TEXT NOT NULL,
  quantity          INTEGER NOT NULL,
  from_status       TEXT,
  to_status         TEXT,
  unit_cost         INTEGER,
  reference         TEXT,
  counterparty      TEXT,
  channel           TEXT,
  reason            TEXT,
  quarantine_reason TEXT,
  PRIMARY KEY (warehouse_id, seq)
) WITHOUT ROWID;
CREATE TABLE sync_state (
  warehouse_id    TEXT PRIMARY KEY REFERENCES warehouse (id) ON DELETE CASCADE,
  cursor_seq      INTEGER NOT NULL DEFAULT 0,
  remote_last_seq INTEGER,
  snapshot_seq    INTEGER,
  last_attempt_at TEXT,
  last_success_at TEXT,
  last_error      TEXT
) WITHOUT ROWID;
CREATE TABLE audit (
  seq        INTEGER PRIMARY KEY,
  at         TEXT NOT NULL,
  user       TEXT NOT NULL,
  action     TEXT NOT NULL,
  object     TEXT NOT NULL,
  before     TEXT,
  after      TEXT,
  entry_hash TEXT NOT NULL
);
INSERT INTO warehouse (id, url, name, region, latitude, longitude, capacity_units, currency, allow_insecure, token_file, added_at)
  VALUES ('WH-EAST', 'http://127.0.0.1:8001/', 'East Regional DC', 'east', 31.23, 121.47, 500000, 'CNY', 0, NULL, '2026-10-01T08:00:00Z'),
         ('WH-SOUTH', 'https://wms.south.example.com/qm/', 'South DC', 'south', 23.13, 113.26, 300000, 'CNY', 0, NULL, '2026-10-01T08:00:00Z');
INSERT INTO sync_state (warehouse_id, cursor_seq, remote_last_seq, snapshot_seq, last_success_at)
  VALUES ('WH-EAST', 3, 3, 3, '2026-10-02T08:00:00Z'), ('WH-SOUTH', 0, NULL, NULL, NULL);
INSERT INTO product (warehouse_id, sku, name, category, unit, pack_size)
  VALUES ('WH-EAST', 'SKU-00001', 'Ceramic mug 350 ml', 'kitchen', 'each', 12);
INSERT INTO movement (warehouse_id, seq, id, at, kind, sku, quantity, from_status, to_status, unit_cost, reference, counterparty, channel, reason, quarantine_reason)
  VALUES ('WH-EAST', 1, 'mv-1', '2026-10-01T09:00:00Z', 'opening_balance', 'SKU-00001', 50, NULL, 'qualified', 125000, NULL, NULL, NULL, NULL, NULL),
         ('WH-EAST', 2, 'mv-2', '2026-10-01T10:00:00Z', 'sales_outbound', 'SKU-00001', 8, 'qualified', NULL, NULL, NULL, NULL, 'own-app', NULL, NULL),
         ('WH-EAST', 3, 'mv-3', '2026-10-01T11:00:00Z', 'status_change', 'SKU-00001', 2, 'qualified', 'defective', NULL, NULL, NULL, NULL, 'damaged on shelf', NULL);
INSERT INTO stock (warehouse_id, sku, status, quantity, as_of_seq)
  VALUES ('WH-EAST', 'SKU-00001', 'defective', 2, 3), ('WH-EAST', 'SKU-00001', 'qualified', 40, 3);
CREATE TABLE setting (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE stock_total (
  warehouse_id TEXT NOT NULL REFERENCES warehouse (id) ON DELETE CASCADE,
  status       TEXT NOT NULL,
  quantity     INTEGER NOT NULL,
  skus         INTEGER NOT NULL,
  PRIMARY KEY (warehouse_id, status)
) WITHOUT ROWID;
INSERT INTO stock_total (warehouse_id, status, quantity, skus)
  SELECT warehouse_id, status, SUM(quantity), COUNT(*) FROM stock
  GROUP BY warehouse_id, status;
CREATE TABLE stock_staging (
  warehouse_id TEXT NOT NULL REFERENCES warehouse (id) ON DELETE CASCADE,
  sku          TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('defective', 'pending_inspection',
                                               'qualified', 'supplier_return')),
  quantity     INTEGER NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (warehouse_id, sku, status)
) WITHOUT ROWID;
CREATE INDEX movement_by_sku ON movement (sku, warehouse_id);
CREATE TABLE channel (
  id      TEXT PRIMARY KEY,
  name    TEXT NOT NULL,
  kind    TEXT NOT NULL DEFAULT 'other'
          CHECK (kind IN ('own_app', 'pc_web', 'mini_program', 'marketplace', 'other')),
  active  INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) WITHOUT ROWID;
CREATE TABLE channel_region (
  channel_id TEXT NOT NULL REFERENCES channel (id) ON DELETE CASCADE,
  region     TEXT NOT NULL,
  PRIMARY KEY (channel_id, region)
) WITHOUT ROWID;
CREATE TABLE allocation_rule (
  id             INTEGER PRIMARY KEY,
  scope          TEXT NOT NULL CHECK (scope IN ('default', 'category', 'sku')),
  scope_key      TEXT NOT NULL DEFAULT '',
  mode           TEXT NOT NULL CHECK (mode IN ('shared', 'ratio', 'region', 'performance')),
  buffer_units   INTEGER NOT NULL DEFAULT 0 CHECK (buffer_units >= 0),
  buffer_percent INTEGER NOT NULL DEFAULT 0 CHECK (buffer_percent BETWEEN 0 AND 100),
  window_days    INTEGER NOT NULL DEFAULT 28 CHECK (window_days > 0),
  min_share_permille INTEGER NOT NULL DEFAULT 0 CHECK (min_share_permille BETWEEN 0 AND 1000),
  updated_at     TEXT NOT NULL,
  UNIQUE (scope, scope_key)
);
CREATE TABLE allocation_weight (
  rule_id    INTEGER NOT NULL REFERENCES allocation_rule (id) ON DELETE CASCADE,
  channel_id TEXT NOT NULL REFERENCES channel (id) ON DELETE CASCADE,
  weight     INTEGER NOT NULL CHECK (weight >= 0),
  PRIMARY KEY (rule_id, channel_id)
) WITHOUT ROWID;
CREATE TABLE allocation_oversell (
  rule_id    INTEGER NOT NULL REFERENCES allocation_rule (id) ON DELETE CASCADE,
  channel_id TEXT NOT NULL REFERENCES channel (id) ON DELETE CASCADE,
  percent    INTEGER NOT NULL CHECK (percent >= 0),
  PRIMARY KEY (rule_id, channel_id)
) WITHOUT ROWID;
CREATE TABLE promotional_lock (
  id         INTEGER PRIMARY KEY,
  channel_id TEXT NOT NULL REFERENCES channel (id) ON DELETE CASCADE,
  sku        TEXT NOT NULL,
  quantity   INTEGER NOT NULL CHECK (quantity > 0),
  starts_at  TEXT NOT NULL,
  ends_at    TEXT NOT NULL
);
CREATE TABLE presale_quota (
  channel_id TEXT NOT NULL REFERENCES channel (id) ON DELETE CASCADE,
  sku        TEXT NOT NULL,
  quantity   INTEGER NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (channel_id, sku)
) WITHOUT ROWID;
CREATE TABLE procurement_plan (
  id          INTEGER PRIMARY KEY,
  created_at  TEXT NOT NULL,
  created_by  TEXT NOT NULL,
  status      TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved', 'pushed')),
  approved_at TEXT,
  approved_by TEXT,
  parameters  TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE procurement_line (
  plan_id            INTEGER NOT NULL REFERENCES procurement_plan (id) ON DELETE CASCADE,
  warehouse_id       TEXT NOT NULL REFERENCES warehouse (id),
  sku                TEXT NOT NULL,
  kind               TEXT NOT NULL DEFAULT 'purchase' CHECK (kind IN ('purchase', 'transfer')),
  from_warehouse_id  TEXT REFERENCES warehouse (id),
  on_hand            INTEGER NOT NULL,
  on_order           INTEGER NOT NULL,
  avg_daily_demand   INTEGER NOT NULL,
  demand_sd          INTEGER NOT NULL,
  safety_stock       INTEGER NOT NULL,
  reorder_point      INTEGER NOT NULL,
  suggested_quantity INTEGER NOT NULL CHECK (suggested_quantity >= 0),
  approved_quantity  INTEGER CHECK (approved_quantity >= 0),
  capacity_capped    INTEGER NOT NULL DEFAULT 0 CHECK (capacity_capped IN (0, 1)),
  edit_reason        TEXT,
  idempotency_key    TEXT UNIQUE,
  push_status        TEXT,
  PRIMARY KEY (plan_id, warehouse_id, sku, kind)
) WITHOUT ROWID;
INSERT INTO channel (id, name, kind, active) VALUES ('own-app', 'Own app', 'own_app', 1);
INSERT INTO channel_region (channel_id, region) VALUES ('own-app', 'east');
INSERT INTO setting (key, value) VALUES ('company_timezone', 'Asia/Shanghai');
CREATE TABLE reconciliation (
  warehouse_id      TEXT NOT NULL REFERENCES warehouse (id) ON DELETE CASCADE,
  sku               TEXT NOT NULL,
  status            TEXT NOT NULL,
  ledger_quantity   INTEGER NOT NULL,
  snapshot_quantity INTEGER NOT NULL,
  PRIMARY KEY (warehouse_id, sku, status)
) WITHOUT ROWID;
ALTER TABLE sync_state ADD COLUMN reconciled_seq INTEGER;
ALTER TABLE sync_state ADD COLUMN discrepancies INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_state ADD COLUMN negative_folds INTEGER NOT NULL DEFAULT 0;
UPDATE sync_state SET reconciled_seq = 3 WHERE warehouse_id = 'WH-EAST';
CREATE INDEX movement_by_warehouse_sku ON movement (warehouse_id, sku, seq);
CREATE TABLE valuation_state (
  warehouse_id TEXT NOT NULL REFERENCES warehouse (id) ON DELETE CASCADE,
  sku          TEXT NOT NULL,
  quantity     INTEGER NOT NULL,
  average_e4   INTEGER NOT NULL,
  last_seq     INTEGER NOT NULL,
  PRIMARY KEY (warehouse_id, sku)
) WITHOUT ROWID;
CREATE TABLE valuation_cursor (
  warehouse_id TEXT PRIMARY KEY REFERENCES warehouse (id) ON DELETE CASCADE,
  folded_seq   INTEGER NOT NULL,
  folded_count INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE valuation_transfer (
  warehouse_id TEXT NOT NULL REFERENCES warehouse (id) ON DELETE CASCADE,
  seq          INTEGER NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('transfer_in', 'transfer_out')),
  counterparty TEXT NOT NULL,
  reference    TEXT NOT NULL,
  sku          TEXT NOT NULL,
  average_e4   INTEGER,
  PRIMARY KEY (warehouse_id, seq)
) WITHOUT ROWID;
CREATE INDEX valuation_transfer_match
  ON valuation_transfer (kind, warehouse_id, counterparty, reference, sku);
CREATE TABLE period_close (
  month            TEXT PRIMARY KEY,
  starts_at        TEXT NOT NULL,
  ends_at          TEXT NOT NULL,
  closed_at        TEXT NOT NULL,
  closed_by        TEXT NOT NULL,
  ledger_sha256    TEXT NOT NULL,
  valuation_sha256 TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE period_watermark (
  month        TEXT NOT NULL REFERENCES period_close (month) ON DELETE CASCADE,
  warehouse_id TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  PRIMARY KEY (month, warehouse_id)
) WITHOUT ROWID;
CREATE TABLE period_ledger (
  month             TEXT NOT NULL REFERENCES period_close (month) ON DELETE CASCADE,
  warehouse_id      TEXT NOT NULL,
  sku               TEXT NOT NULL,
  name              TEXT NOT NULL,
  category          TEXT NOT NULL,
  opening_quantity  INTEGER NOT NULL,
  received_quantity INTEGER NOT NULL,
  issued_quantity   INTEGER NOT NULL,
  closing_quantity  INTEGER NOT NULL,
  opening_value_e4  INTEGER NOT NULL,
  closing_value_e4  INTEGER NOT NULL,
  currency          TEXT NOT NULL,
  PRIMARY KEY (month, warehouse_id, sku)
) WITHOUT ROWID;
CREATE TABLE period_valuation (
  month        TEXT NOT NULL REFERENCES period_close (month) ON DELETE CASCADE,
  warehouse_id TEXT NOT NULL,
  sku          TEXT NOT NULL,
  name         TEXT NOT NULL,
  category     TEXT NOT NULL,
  quantity     INTEGER NOT NULL,
  unit_cost_e4 INTEGER NOT NULL,
  value_e4     INTEGER NOT NULL,
  currency     TEXT NOT NULL,
  PRIMARY KEY (month, warehouse_id, sku)
) WITHOUT ROWID;
CREATE TABLE stock_sku (
  sku                TEXT NOT NULL,
  warehouse_id       TEXT NOT NULL REFERENCES warehouse (id) ON DELETE CASCADE,
  defective          INTEGER NOT NULL,
  pending_inspection INTEGER NOT NULL,
  qualified          INTEGER NOT NULL,
  supplier_return    INTEGER NOT NULL,
  PRIMARY KEY (sku, warehouse_id)
) WITHOUT ROWID;
INSERT INTO stock_sku
  SELECT sku, warehouse_id,
    SUM(CASE status WHEN 'defective' THEN quantity ELSE 0 END),
    SUM(CASE status WHEN 'pending_inspection' THEN quantity ELSE 0 END),
    SUM(CASE status WHEN 'qualified' THEN quantity ELSE 0 END),
    SUM(CASE status WHEN 'supplier_return' THEN quantity ELSE 0 END)
  FROM stock GROUP BY sku, warehouse_id;
PRAGMA user_version = 5;
