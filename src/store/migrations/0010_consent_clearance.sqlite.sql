-- The clearance gate's records (clinic/clearance.h): informed consent and a prescriber's
-- clearance of a needs_review screening; and the day a screening was done (NULL for rows written
-- before: the day of performed_at counts).
CREATE TABLE consents (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  patient_id   INTEGER NOT NULL REFERENCES patients (id),
  consented_on TEXT NOT NULL,
  form_version TEXT NOT NULL,
  witness      TEXT NOT NULL,
  recorded_at  TEXT NOT NULL,
  recorded_by  TEXT NOT NULL
) STRICT;
CREATE INDEX consents_patient ON consents (patient_id);
CREATE TABLE clearances (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  patient_id   INTEGER NOT NULL REFERENCES patients (id),
  screening_id INTEGER NOT NULL REFERENCES screenings (id),
  reason       TEXT NOT NULL,
  cleared_at   TEXT NOT NULL,
  cleared_by   TEXT NOT NULL
) STRICT;
CREATE INDEX clearances_patient ON clearances (patient_id);
ALTER TABLE screenings ADD COLUMN screened_on TEXT;
