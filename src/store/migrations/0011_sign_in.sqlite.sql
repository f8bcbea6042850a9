-- Passwords, sign-in sessions and one-time setup tokens (clinic/service/sign_in.h). No secret is stored:
-- password_hash is an Argon2id string (libsodium crypto_pwhash_str), id_hash and token_hash are
-- the hex SHA-256 of the session id and the setup token. Every write is audited ("auth.*").
CREATE TABLE user_credentials (
  user_name       TEXT PRIMARY KEY REFERENCES users (name),
  password_hash   TEXT NOT NULL,
  failed_sign_ins INTEGER NOT NULL DEFAULT 0,
  locked_until    TEXT,
  changed_at      TEXT NOT NULL
) STRICT;
CREATE TABLE sign_in_sessions (
  id_hash      TEXT PRIMARY KEY,
  user_name    TEXT NOT NULL REFERENCES users (name),
  created_at   TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  revoked_at   TEXT,
  client       TEXT NOT NULL
) STRICT;
CREATE INDEX sign_in_sessions_by_user ON sign_in_sessions (user_name);
CREATE TABLE setup_tokens (
  token_hash TEXT PRIMARY KEY,
  user_name  TEXT NOT NULL REFERENCES users (name),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at    TEXT,
  created_by TEXT NOT NULL
) STRICT;
