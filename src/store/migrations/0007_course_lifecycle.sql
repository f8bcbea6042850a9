-- Course lifecycle (issue 9, Deliver 5): why a course was cancelled or completed early, why it
-- may run beside another active course, and why a planned session was skipped or rescheduled.
ALTER TABLE courses ADD COLUMN status_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE courses ADD COLUMN overlap_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE course_sessions ADD COLUMN note TEXT NOT NULL DEFAULT '';
