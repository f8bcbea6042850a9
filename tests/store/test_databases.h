#pragma once
// Fresh, isolated databases for the store tests: a SQLite file in a new temporary directory, or a
// new PostgreSQL schema (random name, dropped afterwards) on the server named by
// $KETAPATH_TEST_POSTGRES_URL. Without that variable PostgreSQL tests skip, unless CI=true, in
// which case they fail (conventions.md).

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "store/open.h"
#include "store/sql/connection.h"

namespace ketapath::store::testing {

/// A temporary directory removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// One fresh database, not yet initialised.
class TestDatabase {
 public:
  virtual ~TestDatabase() = default;
  [[nodiscard]] virtual std::string url() const = 0;
  [[nodiscard]] virtual OpenOptions options() const = 0;
  [[nodiscard]] virtual std::filesystem::path key_file() const = 0;
  /// A raw connection to the same database, bypassing the store (for tampering).
  virtual std::unique_ptr<sql::Connection> raw() = 0;
  /// SQL that removes the audit log's append-only protection (what an attacker with the
  /// database owner's rights would do first).
  [[nodiscard]] virtual std::string disable_audit_protection_sql() const = 0;

  std::unique_ptr<Database> open() const;
  std::unique_ptr<Database> open_initialised() const;
};

class SqliteTestDatabase final : public TestDatabase {
 public:
  SqliteTestDatabase();

  [[nodiscard]] std::string url() const override { return "sqlite:" + file().string(); }

  [[nodiscard]] OpenOptions options() const override { return {}; }

  [[nodiscard]] std::filesystem::path key_file() const override { return file().string() + ".key"; }

  std::unique_ptr<sql::Connection> raw() override;
  [[nodiscard]] std::string disable_audit_protection_sql() const override;

  [[nodiscard]] std::filesystem::path file() const { return dir_.path() / "clinic.db"; }

  [[nodiscard]] const std::filesystem::path& dir() const { return dir_.path(); }

 private:
  TempDir dir_;
};

class PostgresTestDatabase final : public TestDatabase {
 public:
  /// Creates the schema on the server at `server_url`.
  explicit PostgresTestDatabase(std::string server_url);
  ~PostgresTestDatabase() override;
  [[nodiscard]] std::string url() const override;

  [[nodiscard]] OpenOptions options() const override {
    return {.key_file = key_file(), .password = {}};
  }

  [[nodiscard]] std::filesystem::path key_file() const override {
    return dir_.path() / "clinic.key";
  }

  std::unique_ptr<sql::Connection> raw() override;
  [[nodiscard]] std::string disable_audit_protection_sql() const override;

 private:
  std::string server_url_;
  std::string schema_;
  TempDir dir_;
};

/// $KETAPATH_TEST_POSTGRES_URL, or nothing.
std::optional<std::string> postgres_test_url();

/// True when CI=true (PostgreSQL tests must then run).
bool running_in_ci();

}  // namespace ketapath::store::testing

/// In a test body or SetUp: skip (or fail under CI=true) when PostgreSQL is not configured.
#define KETAPATH_REQUIRE_POSTGRES()                                                        \
  do {                                                                                     \
    if (!::ketapath::store::testing::postgres_test_url()) {                                \
      if (::ketapath::store::testing::running_in_ci()) {                                   \
        FAIL() << "CI=true but KETAPATH_TEST_POSTGRES_URL is not set";                     \
      }                                                                                    \
      GTEST_SKIP() << "KETAPATH_TEST_POSTGRES_URL is not set (scripts/start-postgres.sh)"; \
    }                                                                                      \
  } while (false)
