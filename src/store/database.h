#pragma once
/// A clinic database: the clinic's storage ports (clinic/ports.h) on SQLite or PostgreSQL, plus
/// what the store itself knows (backend, schema version, where the clinic key lives).
/// Obtain one with store::open_database() (store/open.h).

#include <filesystem>
#include <string>

#include "clinic/ports.h"

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
};

/// The newest schema version this build writes.
int supported_schema_version();

}  // namespace ketapath::store
