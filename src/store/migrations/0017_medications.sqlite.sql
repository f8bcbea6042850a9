-- The patient's medication log (issue 15 item 5): starts, stops and reconciliations, appended and
-- never changed; the list on a day is derived (clinic/domain/medication.h).
CREATE TABLE patient_medications (
  patient_id  INTEGER NOT NULL REFERENCES patients (id),
  position    INTEGER NOT NULL,
  action      TEXT NOT NULL CHECK (action IN ('start', 'stop', 'reconcile')),
  name        TEXT NOT NULL,
  dose        TEXT NOT NULL,
  frequency   TEXT NOT NULL,
  on_date     TEXT NOT NULL,
  note        TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  PRIMARY KEY (patient_id, position)
) STRICT;
