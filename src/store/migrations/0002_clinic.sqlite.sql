-- The clinic records behind the repository ports of src/clinic/ports.h.
-- Units are in the column names; booleans are 0/1; dates "YYYY-MM-DD" and timestamps
-- "YYYY-MM-DDTHH:MM:SSZ" (UTC) as text, so both dialects store the same bytes. Nested lists keep
-- their given order in `position`. Sub-documents that are always read whole and never queried
-- (screening answers, dose arithmetic, rating items, discharge check) are JSON text.

CREATE TABLE patients (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  name       TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  sex        TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE patient_weights (
  patient_id  INTEGER NOT NULL REFERENCES patients (id),
  position    INTEGER NOT NULL,
  measured_on TEXT NOT NULL,
  weight_kg   REAL NOT NULL,
  estimated   INTEGER NOT NULL CHECK (estimated IN (0, 1)),
  PRIMARY KEY (patient_id, position)
) STRICT;

CREATE TABLE patient_diagnoses (
  patient_id   INTEGER NOT NULL REFERENCES patients (id),
  position     INTEGER NOT NULL,
  disorder     TEXT NOT NULL,
  icd10        TEXT NOT NULL,
  diagnosed_on TEXT NOT NULL,
  is_primary   INTEGER NOT NULL CHECK (is_primary IN (0, 1)),
  PRIMARY KEY (patient_id, position)
) STRICT;

CREATE TABLE patient_treatment_trials (
  patient_id                    INTEGER NOT NULL REFERENCES patients (id),
  position                      INTEGER NOT NULL,
  kind                          TEXT NOT NULL,
  name                          TEXT NOT NULL,
  daily_dose_mg                 REAL,
  min_therapeutic_daily_dose_mg REAL,
  started_on                    TEXT,
  duration_weeks                REAL NOT NULL,
  psychotherapy_sessions        INTEGER NOT NULL,
  outcome                       TEXT NOT NULL,
  notes                         TEXT NOT NULL,
  PRIMARY KEY (patient_id, position)
) STRICT;

CREATE TABLE screenings (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  patient_id   INTEGER NOT NULL REFERENCES patients (id),
  performed_at TEXT NOT NULL,
  performed_by TEXT NOT NULL,
  eligibility  TEXT NOT NULL,
  input_json   TEXT NOT NULL,
  result_json  TEXT NOT NULL
) STRICT;
CREATE INDEX screenings_by_patient ON screenings (patient_id, id);

CREATE TABLE drugs (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  name     TEXT NOT NULL UNIQUE,
  advisory TEXT NOT NULL
) STRICT;

CREATE TABLE drug_route_limits (
  drug_id                INTEGER NOT NULL REFERENCES drugs (id),
  position               INTEGER NOT NULL,
  route                  TEXT NOT NULL,
  concentrations_json    TEXT NOT NULL,  -- [mg/mL, ...]
  default_dose_mg_per_kg REAL NOT NULL,
  min_dose_mg_per_kg     REAL NOT NULL,
  soft_max_mg_per_kg     REAL NOT NULL,
  hard_max_mg_per_kg     REAL NOT NULL,
  absolute_cap_mg        REAL NOT NULL,
  default_duration_min   REAL NOT NULL,
  min_duration_min       REAL NOT NULL,
  max_duration_min       REAL NOT NULL,
  PRIMARY KEY (drug_id, position),
  UNIQUE (drug_id, route)
) STRICT;

CREATE TABLE dose_records (
  id                         INTEGER PRIMARY KEY AUTOINCREMENT,
  patient_id                 INTEGER NOT NULL REFERENCES patients (id),
  session_id                 INTEGER REFERENCES sessions (id),
  route                      TEXT NOT NULL,
  drug                       TEXT NOT NULL,
  weight_kg                  REAL NOT NULL,
  weight_measured_on         TEXT NOT NULL,
  dose_mg_per_kg             REAL NOT NULL,
  dose_mg                    REAL NOT NULL,
  concentration_mg_per_ml    REAL NOT NULL,
  volume_ml                  REAL NOT NULL,
  duration_min               REAL,
  rate_ml_per_h              REAL,
  dose_rate_mg_per_kg_per_h  REAL,
  limit_level                TEXT NOT NULL,
  override_reason            TEXT NOT NULL,
  arithmetic_json            TEXT NOT NULL,
  warnings_json              TEXT NOT NULL,
  calculated_at              TEXT NOT NULL,
  calculated_by              TEXT NOT NULL
) STRICT;
CREATE INDEX dose_records_by_patient ON dose_records (patient_id, id);

CREATE TABLE courses (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  patient_id INTEGER NOT NULL REFERENCES patients (id),
  protocol   TEXT NOT NULL,
  start_on   TEXT NOT NULL,
  status     TEXT NOT NULL,
  notes      TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
) STRICT;
CREATE INDEX courses_by_patient ON courses (patient_id, id);

CREATE TABLE course_sessions (
  course_id      INTEGER NOT NULL REFERENCES courses (id),
  number         INTEGER NOT NULL,
  position       INTEGER NOT NULL,
  planned_on     TEXT NOT NULL,
  route          TEXT NOT NULL,
  dose_mg_per_kg REAL NOT NULL,
  duration_min   REAL,
  status         TEXT NOT NULL,
  actual_on      TEXT,
  session_id     INTEGER REFERENCES sessions (id),
  PRIMARY KEY (course_id, number)
) STRICT;

CREATE TABLE sessions (
  id                    INTEGER PRIMARY KEY AUTOINCREMENT,
  patient_id            INTEGER NOT NULL REFERENCES patients (id),
  course_id             INTEGER REFERENCES courses (id),
  course_session_number INTEGER,
  dose_record_id        INTEGER REFERENCES dose_records (id),
  route                 TEXT NOT NULL,
  dose_mg_per_kg        REAL NOT NULL,
  dose_mg               REAL NOT NULL,
  started_at            TEXT NOT NULL,
  ended_at              TEXT NOT NULL,
  discharge_json        TEXT,  -- NULL: no discharge check recorded
  notes                 TEXT NOT NULL,
  recorded_by           TEXT NOT NULL,
  recorded_at           TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_by_patient ON sessions (patient_id, started_at, id);

CREATE TABLE session_vitals (
  session_id     INTEGER NOT NULL REFERENCES sessions (id),
  position       INTEGER NOT NULL,
  measured_at    TEXT NOT NULL,
  phase          TEXT NOT NULL,
  systolic_mmhg  REAL,
  diastolic_mmhg REAL,
  heart_rate_bpm REAL,
  spo2_percent   REAL,
  PRIMARY KEY (session_id, position)
) STRICT;

CREATE TABLE session_ratings (
  session_id INTEGER NOT NULL REFERENCES sessions (id),
  position   INTEGER NOT NULL,
  scale      TEXT NOT NULL,
  rated_at   TEXT NOT NULL,
  items_json TEXT NOT NULL,  -- [answer, ...] in the instrument's order
  total      INTEGER NOT NULL,
  rater      TEXT NOT NULL,
  PRIMARY KEY (session_id, position)
) STRICT;

CREATE TABLE session_adverse_events (
  session_id  INTEGER NOT NULL REFERENCES sessions (id),
  position    INTEGER NOT NULL,
  onset_at    TEXT NOT NULL,
  description TEXT NOT NULL,
  severity    TEXT NOT NULL,
  action      TEXT NOT NULL,
  resolved    INTEGER NOT NULL CHECK (resolved IN (0, 1)),
  PRIMARY KEY (session_id, position)
) STRICT;

CREATE TABLE alerts (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  patient_id      INTEGER NOT NULL REFERENCES patients (id),
  session_id      INTEGER REFERENCES sessions (id),
  raised_at       TEXT NOT NULL,
  level           TEXT NOT NULL,
  measure         TEXT NOT NULL,
  value           REAL NOT NULL,
  unit            TEXT NOT NULL,
  threshold       REAL NOT NULL,
  message         TEXT NOT NULL,
  acknowledged    INTEGER NOT NULL CHECK (acknowledged IN (0, 1)),
  acknowledged_by TEXT NOT NULL
) STRICT;
CREATE INDEX alerts_by_patient ON alerts (patient_id, id);

CREATE TABLE settings (
  key  TEXT PRIMARY KEY,
  json TEXT NOT NULL
) STRICT;
