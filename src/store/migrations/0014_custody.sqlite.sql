-- Controlled-substance custody of ketamine (issue 15, Deliver 1; clinic/domain/custody.h).
-- stock_lots: each lot as received. custody_entries: the ledger, appended to, never changed
-- (the triggers below). A lot's balance is SUM(change_ug) of its entries, in whole micrograms so
-- sums are exact; it is never stored on its own. kind is receipt (vials, ml_per_vial),
-- administration (session_id, patient_id), waste (witness, reason) or count (counted_ug,
-- expected_ug, investigation; change_ug = counted - expected). sessions.stock_lot_id names the lot
-- a session's dose was drawn from.
CREATE TABLE stock_lots (
  id                      INTEGER PRIMARY KEY AUTOINCREMENT,
  product                 TEXT NOT NULL,
  concentration_mg_per_ml REAL NOT NULL,
  lot                     TEXT NOT NULL,
  expires_on              TEXT NOT NULL,
  supplier                TEXT NOT NULL,
  received_at             TEXT NOT NULL,
  received_by             TEXT NOT NULL,
  UNIQUE (product, lot)
) STRICT;

CREATE TABLE custody_entries (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  stock_lot_id  INTEGER NOT NULL REFERENCES stock_lots (id),
  kind          TEXT NOT NULL CHECK (kind IN ('receipt', 'administration', 'waste', 'count')),
  at            TEXT NOT NULL,
  by_user       TEXT NOT NULL,
  change_ug     INTEGER NOT NULL,
  vials         INTEGER,
  ml_per_vial   REAL,
  session_id    INTEGER REFERENCES sessions (id),
  patient_id    INTEGER REFERENCES patients (id),
  witness       TEXT NOT NULL,
  reason        TEXT NOT NULL,
  counted_ug    INTEGER,
  expected_ug   INTEGER,
  investigation TEXT NOT NULL
) STRICT;
CREATE INDEX custody_entries_by_lot ON custody_entries (stock_lot_id, id);

CREATE TRIGGER custody_entries_no_update BEFORE UPDATE ON custody_entries
BEGIN
  SELECT RAISE(ABORT, 'custody_entries is append-only: UPDATE refused');
END;
CREATE TRIGGER custody_entries_no_delete BEFORE DELETE ON custody_entries
BEGIN
  SELECT RAISE(ABORT, 'custody_entries is append-only: DELETE refused');
END;

ALTER TABLE sessions ADD COLUMN stock_lot_id INTEGER REFERENCES stock_lots (id);
