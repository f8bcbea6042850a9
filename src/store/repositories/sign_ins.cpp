// Passwords, sign-in sessions and setup tokens (clinic/service/sign_in.h; migration 0011_sign_in).

#include "store/repositories/repositories.h"

namespace ketapath::store::repositories {
namespace {

sql::Value optional_timestamp(const std::optional<clinic::Timestamp>& at) {
  return at ? timestamp(*at) : sql::null();
}

core::Result<std::optional<clinic::Timestamp>> read_optional_timestamp(const sql::Row& r,
                                                                       std::size_t column,
                                                                       std::string_view where) {
  if (r.is_null(column)) {
    return std::nullopt;
  }
  return KETAPATH_TRY(read_timestamp(r, column, where));
}

}  // namespace

core::Result<std::optional<clinic::Credential>> SqlSignIns::credential(std::string_view user) {
  KETAPATH_TRY(state_.usable());
  auto row = KETAPATH_TRY(state_.connection->query_one(
      "SELECT user_name, password_hash, failed_sign_ins, locked_until, changed_at FROM "
      "user_credentials WHERE user_name = $1",
      {sql::text(user)},
      {sql::Type::Text, sql::Type::Text, sql::Type::Integer, sql::Type::Text, sql::Type::Text}));
  if (!row) {
    return std::nullopt;
  }
  clinic::Credential c;
  c.user = row->text(0);
  c.password_hash = row->text(1);
  c.failed_sign_ins = static_cast<int>(row->integer(2));
  c.locked_until = KETAPATH_TRY(read_optional_timestamp(*row, 3, "user_credentials.locked_until"));
  c.changed_at = KETAPATH_TRY(read_timestamp(*row, 4, "user_credentials.changed_at"));
  return c;
}

core::Status SqlSignIns::put_credential(const clinic::Credential& c) {
  KETAPATH_TRY(state_.for_write());
  auto& db = *state_.connection;
  const auto existing =
      KETAPATH_TRY(db.query_one("SELECT 1 FROM user_credentials WHERE user_name = $1",
                                {sql::text(c.user)}, {sql::Type::Integer}));
  if (existing) {
    return db.execute(
        "UPDATE user_credentials SET password_hash = $1, failed_sign_ins = $2, locked_until = $3, "
        "changed_at = $4 WHERE user_name = $5",
        {sql::text(c.password_hash), sql::integer(c.failed_sign_ins),
         optional_timestamp(c.locked_until), timestamp(c.changed_at), sql::text(c.user)});
  }
  return db.execute(
      "INSERT INTO user_credentials (user_name, password_hash, failed_sign_ins, locked_until, "
      "changed_at) VALUES ($1, $2, $3, $4, $5)",
      {sql::text(c.user), sql::text(c.password_hash), sql::integer(c.failed_sign_ins),
       optional_timestamp(c.locked_until), timestamp(c.changed_at)});
}

core::Result<bool> SqlSignIns::any_password() {
  KETAPATH_TRY(state_.usable());
  auto row = KETAPATH_TRY(state_.connection->query_one(
      "SELECT 1 FROM user_credentials WHERE password_hash <> '' LIMIT 1", {},
      {sql::Type::Integer}));
  return row.has_value();
}

core::Status SqlSignIns::add_session(const clinic::SignInSession& s) {
  KETAPATH_TRY(state_.for_write());
  return state_.connection->execute(
      "INSERT INTO sign_in_sessions (id_hash, user_name, created_at, last_seen_at, expires_at, "
      "revoked_at, client) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {sql::text(s.id_hash), sql::text(s.user), timestamp(s.created_at), timestamp(s.last_seen_at),
       timestamp(s.expires_at), optional_timestamp(s.revoked_at), sql::text(s.client)});
}

core::Result<std::optional<clinic::SignInSession>> SqlSignIns::session(std::string_view id_hash) {
  KETAPATH_TRY(state_.usable());
  auto row = KETAPATH_TRY(state_.connection->query_one(
      "SELECT id_hash, user_name, created_at, last_seen_at, expires_at, revoked_at, client FROM "
      "sign_in_sessions WHERE id_hash = $1",
      {sql::text(id_hash)},
      {sql::Type::Text, sql::Type::Text, sql::Type::Text, sql::Type::Text, sql::Type::Text,
       sql::Type::Text, sql::Type::Text}));
  if (!row) {
    return std::nullopt;
  }
  clinic::SignInSession s;
  s.id_hash = row->text(0);
  s.user = row->text(1);
  s.created_at = KETAPATH_TRY(read_timestamp(*row, 2, "sign_in_sessions.created_at"));
  s.last_seen_at = KETAPATH_TRY(read_timestamp(*row, 3, "sign_in_sessions.last_seen_at"));
  s.expires_at = KETAPATH_TRY(read_timestamp(*row, 4, "sign_in_sessions.expires_at"));
  s.revoked_at = KETAPATH_TRY(read_optional_timestamp(*row, 5, "sign_in_sessions.revoked_at"));
  s.client = row->text(6);
  return s;
}

core::Status SqlSignIns::update_session(const clinic::SignInSession& s) {
  KETAPATH_TRY(state_.for_write());
  auto& db = *state_.connection;
  if (!KETAPATH_TRY(db.query_one("SELECT 1 FROM sign_in_sessions WHERE id_hash = $1",
                                 {sql::text(s.id_hash)}, {sql::Type::Integer}))) {
    return core::fail(core::ErrorCode::NotFound, "sign-in session not found");
  }
  return db.execute(
      "UPDATE sign_in_sessions SET last_seen_at = $1, revoked_at = $2 WHERE id_hash = $3",
      {timestamp(s.last_seen_at), optional_timestamp(s.revoked_at), sql::text(s.id_hash)});
}

core::Status SqlSignIns::add_setup_token(const clinic::SetupToken& t) {
  KETAPATH_TRY(state_.for_write());
  return state_.connection->execute(
      "INSERT INTO setup_tokens (token_hash, user_name, created_at, expires_at, used_at, "
      "created_by) VALUES ($1, $2, $3, $4, $5, $6)",
      {sql::text(t.token_hash), sql::text(t.user), timestamp(t.created_at), timestamp(t.expires_at),
       optional_timestamp(t.used_at), sql::text(t.created_by)});
}

core::Result<std::optional<clinic::SetupToken>> SqlSignIns::setup_token(
    std::string_view token_hash) {
  KETAPATH_TRY(state_.usable());
  auto row = KETAPATH_TRY(state_.connection->query_one(
      "SELECT token_hash, user_name, created_at, expires_at, used_at, created_by FROM "
      "setup_tokens WHERE token_hash = $1",
      {sql::text(token_hash)},
      {sql::Type::Text, sql::Type::Text, sql::Type::Text, sql::Type::Text, sql::Type::Text,
       sql::Type::Text}));
  if (!row) {
    return std::nullopt;
  }
  clinic::SetupToken t;
  t.token_hash = row->text(0);
  t.user = row->text(1);
  t.created_at = KETAPATH_TRY(read_timestamp(*row, 2, "setup_tokens.created_at"));
  t.expires_at = KETAPATH_TRY(read_timestamp(*row, 3, "setup_tokens.expires_at"));
  t.used_at = KETAPATH_TRY(read_optional_timestamp(*row, 4, "setup_tokens.used_at"));
  t.created_by = row->text(5);
  return t;
}

core::Status SqlSignIns::update_setup_token(const clinic::SetupToken& t) {
  KETAPATH_TRY(state_.for_write());
  auto& db = *state_.connection;
  if (!KETAPATH_TRY(db.query_one("SELECT 1 FROM setup_tokens WHERE token_hash = $1",
                                 {sql::text(t.token_hash)}, {sql::Type::Integer}))) {
    return core::fail(core::ErrorCode::NotFound, "setup token not found");
  }
  return db.execute("UPDATE setup_tokens SET used_at = $1 WHERE token_hash = $2",
                    {optional_timestamp(t.used_at), sql::text(t.token_hash)});
}

}  // namespace ketapath::store::repositories
