-- A cache as Quartermaster 0.1 wrote it at schema version 1.
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
PRAGMA user_version = 1;
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
