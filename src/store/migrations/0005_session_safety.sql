-- Alerts a clinician must see (issue 9, Deliver 3): the end of dosing (discharge is timed from
-- it; NULL for sessions recorded before this version), and an adverse event's seriousness
-- (ICH E2A, independent of severity) and outcome as written by the clinician.
ALTER TABLE sessions ADD COLUMN dose_ended_at TEXT;
ALTER TABLE session_adverse_events ADD COLUMN serious INTEGER NOT NULL DEFAULT 0
  CHECK (serious IN (0, 1));
ALTER TABLE session_adverse_events ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
