-- Order, double check and pre-dose checklist (issue 15 items 2-4; clinic/domain/order.h).
-- A dose record becomes the prescriber's order with its validity and status (order_json: NULL
-- for records stored before this version, which are calculations no administration may cite).
ALTER TABLE dose_records ADD COLUMN order_json TEXT;

-- A second user's independent double check, or a prescriber's waiver of one checklist item,
-- recorded against an order before the administration that uses it (session_id once used).
CREATE TABLE order_checks (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  dose_record_id INTEGER NOT NULL REFERENCES dose_records (id),
  patient_id     INTEGER NOT NULL REFERENCES patients (id),
  kind           TEXT NOT NULL CHECK (kind IN ('double_check', 'waiver')),
  day            TEXT NOT NULL,
  weight_kg      REAL,
  dose_mg        REAL,
  item           TEXT,
  reason         TEXT NOT NULL,
  recorded_by    TEXT NOT NULL,
  recorded_at    TEXT NOT NULL,
  session_id     INTEGER REFERENCES sessions (id)
) STRICT;
CREATE INDEX order_checks_by_order ON order_checks (dose_record_id);

-- What was checked before a session's dose: the checklist as answered (with the waivers applied)
-- and the double check with its checker's name. One row per session recorded from this version.
CREATE TABLE session_pre_dose (
  session_id      INTEGER PRIMARY KEY REFERENCES sessions (id),
  checklist_json  TEXT,
  double_check_id INTEGER REFERENCES order_checks (id),
  checked_by      TEXT NOT NULL
) STRICT;
