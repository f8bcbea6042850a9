#pragma once
// The stores the contract suite runs against: the clinic's in-memory fake, SQLite and PostgreSQL.
// Each harness gives a fresh store per test and, for the real databases, can reopen it.

#include <memory>
#include <optional>

#include "store/memory/memory_store.h"
#include "store/test_databases.h"

namespace ketapath::store::testing {

struct MemoryHarness {
  static constexpr bool kNeedsPostgres = false;
  static constexpr bool kPersistent = false;

  std::unique_ptr<clinic::ClinicStore> open() { return std::make_unique<clinic::MemoryStore>(); }
};

struct SqliteHarness {
  static constexpr bool kNeedsPostgres = false;
  static constexpr bool kPersistent = true;
  SqliteTestDatabase database;

  std::unique_ptr<clinic::ClinicStore> open() { return database.open(); }
};

struct PostgresHarness {
  static constexpr bool kNeedsPostgres = true;
  static constexpr bool kPersistent = true;
  std::optional<PostgresTestDatabase> database;

  PostgresHarness() {
    if (auto url = postgres_test_url()) {
      database.emplace(*url);
    }
  }

  std::unique_ptr<clinic::ClinicStore> open() { return database->open(); }
};

}  // namespace ketapath::store::testing
