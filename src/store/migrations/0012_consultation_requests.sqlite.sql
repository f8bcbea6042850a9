-- The front desk's queue of consultation requests from the public form (issue 11, Deliver 6;
-- clinic/domain/consultation.h). reference is the random "CR-..." the requester was given;
-- status is new, contacted, scheduled, declined or converted (then patient_id names the record).
CREATE TABLE consultation_requests (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  reference       TEXT NOT NULL UNIQUE,
  name            TEXT NOT NULL,
  phone           TEXT NOT NULL,
  email           TEXT NOT NULL,
  preferred_times TEXT NOT NULL,
  reason          TEXT NOT NULL,
  received_at     TEXT NOT NULL,
  status          TEXT NOT NULL,
  note            TEXT NOT NULL,
  updated_at      TEXT,
  updated_by      TEXT NOT NULL,
  patient_id      INTEGER REFERENCES patients (id)
) STRICT;
CREATE INDEX consultation_requests_by_status ON consultation_requests (status, id);
