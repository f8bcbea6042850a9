// PostgreSQL role separation: the privileges the clinic application needs, granted to a role that
// does not own the tables (store/database.h, Database::grant_application_role).

#include <fmt/format.h>

#include "clinic/json/json.h"
#include "store/sql_database.h"

namespace ketapath::store {
namespace {

using core::ErrorCode;

/// What the application may do on each table, by name; anything else: kClinical.
constexpr const char* kClinical = "SELECT, INSERT, UPDATE";

const char* privileges_for(std::string_view table) {
  if (table == "audit_log") {
    return "SELECT, INSERT";  // append only; no UPDATE, DELETE or TRUNCATE
  }
  if (table == "audit_head") {
    return "SELECT, UPDATE";  // advanced by its trigger-checked UPDATE; created by init
  }
  if (table == "schema_migrations") {
    return "SELECT";  // migrations are the owner's (clinic init)
  }
  if (table == "drug_route_limits") {
    return "SELECT, INSERT, UPDATE, DELETE";  // a drug library edit replaces the rows
  }
  return kClinical;
}

/// A role name GRANT can take as a quoted identifier, without any quoting games.
bool plain_identifier(std::string_view name) {
  if (name.empty() || name.size() > 63) {
    return false;
  }
  const auto lower = [](char c) {
    return (c >= 'a' && c <= 'z') || c == '_';
  };
  if (!lower(name.front())) {
    return false;
  }
  for (const char c : name) {
    if (!lower(c) && !(c >= '0' && c <= '9')) {
      return false;
    }
  }
  return true;
}

}  // namespace

core::Result<std::vector<std::pair<std::string, std::string>>> SqlDatabase::grant_application_role(
    std::string_view role, std::string_view actor, clinic::Timestamp at) {
  if (backend_ != Backend::Postgres) {
    return core::fail(ErrorCode::InvalidArgument,
                      "grant: {} is SQLite, which has no database roles; protect the file and its "
                      "key with file permissions (docs/storage.md)",
                      description_);
  }
  if (!plain_identifier(role)) {
    return core::fail(ErrorCode::InvalidArgument,
                      "grant: role name must be lowercase letters, digits and _, starting with a "
                      "letter or _, at most 63 characters (got \"{}\")",
                      role);
  }
  sql::Connection* connection = KETAPATH_TRY(ready_connection());
  auto transaction = KETAPATH_TRY(begin());
  const auto exists = KETAPATH_TRY(connection->query_one(
      "SELECT 1 FROM pg_roles WHERE rolname = $1", {sql::text(role)}, {sql::Type::Integer}));
  if (!exists) {
    return core::fail(ErrorCode::NotFound,
                      "grant: role \"{}\" does not exist; create it first (CREATE ROLE {} LOGIN "
                      "PASSWORD '...')",
                      role, role);
  }
  const auto owner = KETAPATH_TRY(connection->query_one(
      "SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() AND tablename = "
      "'audit_log'",
      {}, {sql::Type::Text}));
  if (owner && owner->text(0) == role) {
    return core::fail(ErrorCode::InvalidArgument,
                      "grant: \"{}\" owns the tables; the application role must be another role, "
                      "or it could disable the audit triggers",
                      role);
  }
  const auto schema =
      KETAPATH_TRY(connection->query_one("SELECT current_schema()", {}, {sql::Type::Text}));
  const std::string schema_name = schema ? schema->text(0) : "public";
  KETAPATH_TRY(connection->execute(
      fmt::format("GRANT USAGE ON SCHEMA \"{}\" TO \"{}\"", schema_name, role), {}));
  const auto tables = KETAPATH_TRY(connection->query(
      "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename", {},
      {sql::Type::Text}));
  std::vector<std::pair<std::string, std::string>> granted;
  clinic::Json after = clinic::Json::object();
  for (const auto& row : tables) {
    const std::string table = row.text(0);
    const char* privileges = privileges_for(table);
    KETAPATH_TRY(connection->execute(fmt::format("GRANT {} ON TABLE \"{}\".\"{}\" TO \"{}\"",
                                                 privileges, schema_name, table, role),
                                     {}));
    granted.emplace_back(table, privileges);
    after[table] = privileges;
  }
  KETAPATH_TRY(transaction->append_audit(clinic::AuditRecord{
      at, std::string(actor), "security.grant", fmt::format("role/{}", role), "null",
      clinic::canonical({{"role", role}, {"schema", schema_name}, {"privileges", after}})}));
  KETAPATH_TRY(transaction->commit());
  return granted;
}

}  // namespace ketapath::store
