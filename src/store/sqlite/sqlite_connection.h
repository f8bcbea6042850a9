#pragma once
// Internal: the SQLite backend's connection (RAII over sqlite3* and sqlite3_stmt*).
//
// Every connection runs with journal_mode=WAL, synchronous=FULL (a commit returns only after the
// WAL is fsynced, so an acknowledged write survives a crash or power loss), foreign_keys=ON and a
// busy timeout, and checks that each setting took effect.

#include <chrono>
#include <filesystem>
#include <memory>

#include "store/sql/connection.h"

struct sqlite3;

namespace ketapath::store::sqlite {

struct SqliteOptions {
  /// Create the file when it does not exist (`clinic init`); otherwise a missing file is NotFound.
  bool create = false;
  /// How long a writer waits for another writer's lock before failing with Storage.
  std::chrono::milliseconds busy_timeout{5000};
  /// PRAGMA query_only: the connection refuses every change (the server's read connections).
  bool query_only = false;
};

class SqliteConnection final : public sql::Connection {
 public:
  /// Opens (or creates) the database file and applies the durability settings.
  static core::Result<std::unique_ptr<SqliteConnection>> open(const std::filesystem::path& path,
                                                              const SqliteOptions& options);

  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  [[nodiscard]] sql::Dialect dialect() const override { return sql::Dialect::Sqlite; }

  core::Status execute(std::string_view sql, const std::vector<sql::Value>& params) override;
  core::Result<sql::Rows> query(std::string_view sql, const std::vector<sql::Value>& params,
                                const std::vector<sql::Type>& columns) override;
  core::Status execute_script(std::string_view sql) override;
  core::Result<bool> table_exists(std::string_view name) override;
  core::Status begin_write() override;
  core::Status begin_read() override;
  core::Status commit() override;
  core::Status rollback() override;

  [[nodiscard]] bool idle() const override;

  [[nodiscard]] std::string_view lock_rows_suffix() const override { return ""; }

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

  /// Copies this database, as one consistent snapshot, into a new file `destination` (created
  /// 0600; Conflict when it exists) by SQLite's online backup API: other connections keep reading
  /// and writing meanwhile. The copy keeps WAL mode. On failure the partial file is removed.
  core::Status copy_into(const std::filesystem::path& destination);

 private:
  SqliteConnection(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}

  core::Result<sql::Rows> run(std::string_view sql, const std::vector<sql::Value>& params,
                              const std::vector<sql::Type>* columns);

  sqlite3* db_;
  std::filesystem::path path_;
};

}  // namespace ketapath::store::sqlite
