-- Amendments of signed records (issue 15 item 6): a correction names who, when and why and keeps
-- the original. The record's row is never changed: readers apply the amendments in id order
-- (clinic/domain/amendment.h). A screening is amended by a re-evaluated copy (replacement_id)
-- that names the screening it amends (screenings.amends_id). Appended, never changed.
CREATE TABLE amendments (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  patient_id     INTEGER NOT NULL REFERENCES patients (id),
  record_kind    TEXT NOT NULL CHECK (record_kind IN ('session', 'assessment', 'screening')),
  record_id      INTEGER NOT NULL,
  field          TEXT NOT NULL,
  original_value TEXT NOT NULL,
  amended_value  TEXT NOT NULL,
  reason         TEXT NOT NULL,
  replacement_id INTEGER REFERENCES screenings (id),
  amended_by     TEXT NOT NULL,
  amended_at     TEXT NOT NULL
) STRICT;
CREATE INDEX amendments_record ON amendments (record_kind, record_id);
CREATE INDEX amendments_replacement ON amendments (replacement_id);
CREATE TRIGGER amendments_no_update BEFORE UPDATE ON amendments
BEGIN
  SELECT RAISE(ABORT, 'amendments is append-only: UPDATE refused');
END;
CREATE TRIGGER amendments_no_delete BEFORE DELETE ON amendments
BEGIN
  SELECT RAISE(ABORT, 'amendments is append-only: DELETE refused');
END;

ALTER TABLE screenings ADD COLUMN amends_id INTEGER REFERENCES screenings (id);
