-- The chart-access log (issue 11, Deliver 5; clinic/domain/chart_access.h): who read which
-- patient's records, and when. Written in groups by clinic/service/chart_access_log.h, each group
-- with one audit entry ("chart.access").
CREATE TABLE chart_access (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  user_name   TEXT NOT NULL,
  patient_id  INTEGER NOT NULL REFERENCES patients (id),
  what        TEXT NOT NULL,
  accessed_at TEXT NOT NULL
) STRICT;
CREATE INDEX chart_access_by_patient ON chart_access (patient_id, accessed_at);
CREATE INDEX chart_access_by_user ON chart_access (user_name, accessed_at);
