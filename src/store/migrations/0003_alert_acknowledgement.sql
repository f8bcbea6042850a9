-- An alert's acknowledgement records when and what the clinician did, beside who
-- (ClinicService::acknowledge_alert; the same write also appends an audit entry).
-- acknowledged_at is NULL until acknowledged; the note is "" until then.
ALTER TABLE alerts ADD COLUMN acknowledged_at TEXT;
ALTER TABLE alerts ADD COLUMN acknowledgement_note TEXT NOT NULL DEFAULT '';
