-- Decisions on model-informed maintenance recommendations (issue 13; clinic/domain/
-- forecast_decision.h): a prescriber accepted the forecast (its proposed sessions became course
-- course_id) or rejected it with a reason. basis_json is the forecast decided on (model, data
-- used, risk, P(loss), proposed dates). Appended, never changed.
CREATE TABLE forecast_decisions (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  patient_id  INTEGER NOT NULL REFERENCES patients (id),
  verdict     TEXT NOT NULL CHECK (verdict IN ('accepted', 'rejected')),
  decided_at  TEXT NOT NULL,
  decided_by  TEXT NOT NULL,
  reason      TEXT NOT NULL,
  course_id   INTEGER REFERENCES courses (id),
  basis_json  TEXT NOT NULL
) STRICT;
CREATE INDEX forecast_decisions_by_patient ON forecast_decisions (patient_id, id);
