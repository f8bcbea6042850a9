#include "store/migrations.h"

#include <algorithm>
#include <cstring>
#include <map>

#include "store/crypto.h"

namespace ketapath::store {
namespace {

using core::ErrorCode;

constexpr std::string_view kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version BIGINT PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " checksum TEXT NOT NULL,"
    " applied_at TEXT NOT NULL)";

}  // namespace

core::Result<std::vector<Migration>> migrations_for(sql::Dialect dialect) {
  const std::string_view own = dialect == sql::Dialect::Sqlite ? "sqlite" : "postgres";
  std::map<int, Migration> chosen;
  std::map<int, std::string> kinds;  // version -> "any" or "variant"
  for (const auto& embedded : detail::embedded_migrations()) {
    const std::string_view file_dialect = embedded.dialect;
    const std::string kind = file_dialect == "any" ? "any" : "variant";
    if (auto it = kinds.find(embedded.version); it != kinds.end() && it->second != kind) {
      return core::fail(ErrorCode::Internal,
                        "migrations: version {} has both a common file and dialect variants",
                        embedded.version);
    }
    kinds[embedded.version] = kind;
    if (file_dialect != "any" && file_dialect != own) {
      continue;
    }
    if (chosen.contains(embedded.version)) {
      return core::fail(ErrorCode::Internal, "migrations: version {} appears twice",
                        embedded.version);
    }
    chosen[embedded.version] =
        Migration{embedded.version, embedded.name, embedded.sql, sha256_hex(embedded.sql)};
  }
  std::vector<Migration> result;
  int expected = 1;
  for (auto& [version, migration] : chosen) {
    if (version != expected) {
      return core::fail(ErrorCode::Internal,
                        "migrations: {} version {} is missing (next found is {})", own, expected,
                        version);
    }
    ++expected;
    result.push_back(std::move(migration));
  }
  if (result.size() != kinds.size()) {
    return core::fail(ErrorCode::Internal,
                      "migrations: {} lacks a variant for some version ({} of {} versions)", own,
                      result.size(), kinds.size());
  }
  return result;
}

int latest_schema_version() {
  int latest = 0;
  for (const auto& embedded : detail::embedded_migrations()) {
    latest = std::max(latest, embedded.version);
  }
  return latest;
}

core::Result<int> migrate(sql::Connection& connection, const MigrationStep& after_step) {
  const auto migrations = KETAPATH_TRY(migrations_for(connection.dialect()));
  return migrate(connection, migrations, after_step);
}

core::Result<int> migrate(sql::Connection& connection, const std::vector<Migration>& migrations,
                          const MigrationStep& after_step) {
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  {
    auto transaction =
        KETAPATH_TRY(sql::Transaction::begin(connection, sql::Transaction::Kind::Write));
    KETAPATH_TRY(connection.execute(kCreateVersionTable));
    auto newest = KETAPATH_TRY(connection.query_one("SELECT MAX(version) FROM schema_migrations",
                                                    {}, {sql::Type::Integer}));
    const int version = newest && !newest->is_null(0) ? static_cast<int>(newest->integer(0)) : 0;
    if (version > latest) {
      return core::fail(ErrorCode::Storage,
                        "migrations: database schema version {} is newer than this Ketapath "
                        "supports ({}); upgrade Ketapath",
                        version, latest);
    }
    KETAPATH_TRY(transaction.commit());
  }
  for (const auto& migration : migrations) {
    // One transaction per step: the version check, the DDL and the version row commit together,
    // so a crash or a concurrent opener never sees a half-applied step.
    auto transaction =
        KETAPATH_TRY(sql::Transaction::begin(connection, sql::Transaction::Kind::Write));
    if (connection.dialect() == sql::Dialect::Postgres) {
      // Serialises concurrent migrators (SQLite's BEGIN IMMEDIATE already does).
      KETAPATH_TRY(connection.execute("LOCK TABLE schema_migrations IN EXCLUSIVE MODE"));
    }
    auto applied = KETAPATH_TRY(
        connection.query_one("SELECT checksum FROM schema_migrations WHERE version = $1",
                             {sql::integer(migration.version)}, {sql::Type::Text}));
    if (applied) {
      if (applied->text(0) != migration.checksum) {
        return core::fail(ErrorCode::Storage,
                          "migrations: applied migration {} ({}) differs from this build's "
                          "(checksum {} in the database, {} here)",
                          migration.version, migration.name, applied->text(0), migration.checksum);
      }
      continue;  // the transaction rolls back: nothing was written
    }
    KETAPATH_TRY(connection.execute_script(migration.sql));
    KETAPATH_TRY(
        connection.execute("INSERT INTO schema_migrations (version, name, checksum, applied_at) "
                           "VALUES ($1, $2, $3, $4)",
                           {sql::integer(migration.version), sql::text(migration.name),
                            sql::text(migration.checksum), sql::text(utc_now_iso8601())}));
    if (after_step) {
      KETAPATH_TRY(after_step(migration));
    }
    KETAPATH_TRY(transaction.commit());
  }
  auto newest = KETAPATH_TRY(
      connection.query_one("SELECT MAX(version) FROM schema_migrations", {}, {sql::Type::Integer}));
  return newest && !newest->is_null(0) ? static_cast<int>(newest->integer(0)) : 0;
}

}  // namespace ketapath::store
