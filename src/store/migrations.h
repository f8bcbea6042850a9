#pragma once
// Internal: numbered schema migrations, embedded from src/store/migrations at build time.
//
// A file NNNN_name.sql applies to both dialects; NNNN_name.sqlite.sql / NNNN_name.postgres.sql
// are dialect variants of the same step. Versions start at 1 and have no gaps. Each applied
// version is recorded in schema_migrations with the SHA-256 of its SQL, so an edited migration
// that was already applied is reported instead of silently diverging.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/sql/connection.h"

namespace ketapath::store {

namespace detail {
struct EmbeddedMigration {
  int version;
  const char* name;
  const char* dialect;  // "any", "sqlite" or "postgres"
  const char* sql;
};

/// Every migration file, in file-name order (generated).
std::span<const EmbeddedMigration> embedded_migrations();
}  // namespace detail

struct Migration {
  int version = 0;
  std::string name;
  std::string sql;
  std::string checksum;  // hex SHA-256 of sql
};

/// The migrations for a dialect, in version order; Internal error when the embedded set is
/// inconsistent (a gap, a duplicate, or a dialect variant without its pair).
core::Result<std::vector<Migration>> migrations_for(sql::Dialect dialect);

/// The newest schema version this build knows.
int latest_schema_version();

/// Brings the schema up to date: applies each missing migration in its own transaction (with the
/// version row), after checking the applied ones. Fails with Storage when the database was written
/// by a newer Ketapath (its version is higher than latest_schema_version()) or an applied
/// migration's checksum differs. Returns the schema version afterwards.
/// `after_step`, when given, runs inside each applied step's transaction after its SQL (the row
/// evidence re-base, audit::rebase); its failure rolls the step back.
using MigrationStep = std::function<core::Status(const Migration&)>;
core::Result<int> migrate(sql::Connection& connection, const MigrationStep& after_step = {});

/// The same over an explicit list of steps (tests: a later migration that changes a table).
core::Result<int> migrate(sql::Connection& connection, const std::vector<Migration>& migrations,
                          const MigrationStep& after_step);

}  // namespace ketapath::store
