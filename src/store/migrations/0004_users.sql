-- The clinic's people and their roles (clinic/user.h). A user is disabled, never deleted, so the
-- audit log's actors stay resolvable. roles is a comma-separated list of role names in the order
-- of clinic::Role ("admin,prescriber"); enabled is 0 or 1.
CREATE TABLE users (
  name       TEXT PRIMARY KEY,
  roles      TEXT NOT NULL,
  enabled    INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);
