-- The append-only, hash-chained audit log (docs/storage.md "Audit log").
-- Every clinical write appends one row here in the same transaction as the write.
CREATE TABLE audit_log (
  sequence      INTEGER PRIMARY KEY CHECK (sequence >= 1),  -- 1, 2, 3, ... without gaps
  at            TEXT NOT NULL,   -- when, UTC "YYYY-MM-DDTHH:MM:SSZ"
  actor         TEXT NOT NULL,   -- who
  action        TEXT NOT NULL,   -- what: "patient.add", ...
  entity        TEXT NOT NULL,   -- "patient/12"
  before_json   TEXT NOT NULL,   -- "null" for a creation
  after_json    TEXT NOT NULL,
  previous_hash TEXT NOT NULL,   -- hex; "" for the first entry
  hash          TEXT NOT NULL    -- hex SHA-256(previous_hash || canonical entry)
) STRICT;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only: an entry cannot be updated');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only: an entry cannot be deleted');
END;

-- The chain head, MACed with the clinic key (kept outside the database), so that deleting the
-- newest entries or recomputing the whole chain without the key is detected. One row, written by
-- `clinic init` and advanced by exactly one per appended entry.
CREATE TABLE audit_head (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  sequence INTEGER NOT NULL CHECK (sequence >= 0),
  hash     TEXT NOT NULL,
  mac      TEXT NOT NULL  -- hex HMAC-SHA-256(key, "ketapath-audit-head-v1" sequence hash)
) STRICT;

CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN
  SELECT RAISE(ABORT, 'audit_head cannot be deleted');
END;

CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
WHEN NEW.sequence <> OLD.sequence + 1 OR NEW.id <> OLD.id
BEGIN
  SELECT RAISE(ABORT, 'audit_head only advances by one entry at a time');
END;
