-- The patient's psychiatrist and primary care physician (issue 9, Deliver 8): the report is a
-- letter addressed to them. role is "psychiatrist" or "pcp".
CREATE TABLE care_team (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  patient_id INTEGER NOT NULL REFERENCES patients (id),
  role       TEXT NOT NULL,
  name       TEXT NOT NULL,
  practice   TEXT NOT NULL,
  contact    TEXT NOT NULL,
  added_at   TEXT NOT NULL,
  added_by   TEXT NOT NULL
) STRICT;
CREATE INDEX care_team_by_patient ON care_team (patient_id, id);
