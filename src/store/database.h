#pragma once
/// A clinic database: the clinic's storage ports (clinic/ports.h) on SQLite or PostgreSQL, plus
/// what the store itself knows (backend, schema version, where the clinic key lives).
/// Obtain one with store::open_database() (store/open.h).

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "clinic/service/ports.h"

namespace ketapath::store {

enum class Backend { Sqlite, Postgres };

class Database : public clinic::ClinicStore {
 public:
  [[nodiscard]] virtual Backend backend() const = 0;

  /// The schema version currently in the database (0 before `clinic init`).
  virtual core::Result<int> schema_version() = 0;

  /// The clinic key file that authenticates the audit head.
  [[nodiscard]] virtual const std::filesystem::path& key_file() const = 0;

  /// The database location for messages (a PostgreSQL password is replaced by ***).
  [[nodiscard]] virtual std::string describe() const = 0;

  /// PostgreSQL role separation (docs/storage.md "Roles"): gives an existing login role exactly
  /// what the clinic application needs in this schema, and nothing that could rewrite history:
  /// SELECT and INSERT on audit_log, SELECT and UPDATE on audit_head (its trigger allows one step
  /// at a time), SELECT on schema_migrations, SELECT, INSERT and UPDATE on the clinical tables
  /// (DELETE only on drug_route_limits, which a library edit replaces). Not being the owner, the
  /// role cannot disable the append-only triggers, truncate, alter or drop. Run by the owner after
  /// `clinic init`; one transaction with an audit entry ("security.grant" by `actor` at `at`).
  /// Returns the privileges granted, table by table. Errors: InvalidArgument for SQLite (no
  /// roles: protect the file and key with file permissions) or a malformed role name; NotFound
  /// for a role that does not exist; Storage when the server refuses (not the owner).
  virtual core::Result<std::vector<std::pair<std::string, std::string>>> grant_application_role(
      std::string_view role, std::string_view actor, clinic::Timestamp at) = 0;

  /// SQLite: copies the database, one consistent snapshot taken while the clinic keeps working,
  /// into a new file (0600; Conflict when it exists). Use store::backup_database (backup.h), which
  /// also verifies the copy. InvalidArgument for PostgreSQL (pg_dump: docs/storage.md).
  virtual core::Status copy_to(const std::filesystem::path& destination) = 0;
};

/// The newest schema version this build writes.
int supported_schema_version();

}  // namespace ketapath::store
