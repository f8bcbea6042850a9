-- The append-only, hash-chained audit log (docs/storage.md "Audit log").
-- Every clinical write appends one row here in the same transaction as the write.
CREATE TABLE audit_log (
  sequence      BIGINT PRIMARY KEY CHECK (sequence >= 1),  -- 1, 2, 3, ... without gaps
  at            TEXT NOT NULL,   -- when, UTC "YYYY-MM-DDTHH:MM:SSZ"
  actor         TEXT NOT NULL,   -- who
  action        TEXT NOT NULL,   -- what: "patient.add", ...
  entity        TEXT NOT NULL,   -- "patient/12"
  before_json   TEXT NOT NULL,   -- "null" for a creation
  after_json    TEXT NOT NULL,
  previous_hash TEXT NOT NULL,   -- hex; "" for the first entry
  hash          TEXT NOT NULL    -- hex SHA-256(previous_hash || canonical entry)
);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
END
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- The chain head, MACed with the clinic key (kept outside the database), so that deleting the
-- newest entries or recomputing the whole chain without the key is detected. One row, written by
-- `clinic init` and advanced by exactly one per appended entry.
CREATE TABLE audit_head (
  id       BIGINT PRIMARY KEY CHECK (id = 1),
  sequence BIGINT NOT NULL CHECK (sequence >= 0),
  hash     TEXT NOT NULL,
  mac      TEXT NOT NULL  -- hex HMAC-SHA-256(key, "ketapath-audit-head-v1" sequence hash)
);

CREATE FUNCTION audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN
    RAISE EXCEPTION 'audit_head cannot be deleted';
  END IF;
  IF NEW.sequence <> OLD.sequence + 1 OR NEW.id <> OLD.id THEN
    RAISE EXCEPTION 'audit_head only advances by one entry at a time';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER audit_head_guard BEFORE UPDATE OR DELETE ON audit_head
  FOR EACH ROW EXECUTE FUNCTION audit_head_guard();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
  FOR EACH STATEMENT EXECUTE FUNCTION audit_head_guard();
