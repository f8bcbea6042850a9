-- Ratings outside sessions (issue 9, Deliver 4): follow-ups such as a GAD-7 at 24 h and 7 days
-- after an infusion, linked to the patient and to the latest dose before them. timing is
-- "trough" or "acute" (clinic/response.h); flags_json is ["..."] (e.g. the recall-period flag).
CREATE TABLE assessments (
  id                   INTEGER PRIMARY KEY AUTOINCREMENT,
  patient_id           INTEGER NOT NULL REFERENCES patients (id),
  scale                TEXT NOT NULL,
  rated_at             TEXT NOT NULL,
  items_json           TEXT NOT NULL,  -- [answer, ...] in the instrument's order
  total                INTEGER NOT NULL,
  rater                TEXT NOT NULL,
  last_dose_session_id INTEGER REFERENCES sessions (id),
  hours_since_dose     REAL,
  timing               TEXT NOT NULL,
  flags_json           TEXT NOT NULL,
  notes                TEXT NOT NULL,
  recorded_by          TEXT NOT NULL,
  recorded_at          TEXT NOT NULL
) STRICT;
CREATE INDEX assessments_by_patient ON assessments (patient_id, rated_at, id);
