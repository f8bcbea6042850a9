// SQLite specifics: durability settings on disk, opening and URLs, the key file.

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "store/crypto.h"
#include "store/sqlite/sqlite_connection.h"
#include "store/test_databases.h"

namespace ketapath::store::testing {
namespace {

using core::ErrorCode;

/// Reads one pragma through a plain sqlite3 handle, with none of the store's settings applied.
std::string plain_pragma(const std::filesystem::path& file, const char* pragma) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  std::string value;
  if (sqlite3_prepare_v2(db, pragma, -1, &statement, nullptr) == SQLITE_OK &&
      sqlite3_step(statement) == SQLITE_ROW) {
    value = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return value;
}

TEST(SqliteStore, InitialisedFileIsInWalMode) {
  SqliteTestDatabase database;
  ASSERT_NE(database.open_initialised(), nullptr);
  // journal_mode=WAL is persistent in the file; synchronous and foreign_keys are per connection
  // and are read back by SqliteConnection::open itself (checked below).
  EXPECT_EQ(plain_pragma(database.file(), "PRAGMA journal_mode"), "wal");
}

TEST(SqliteStore, ConnectionRunsWithFullSyncAndForeignKeys) {
  SqliteTestDatabase database;
  ASSERT_NE(database.open_initialised(), nullptr);
  auto raw = database.raw();
  ASSERT_NE(raw, nullptr);
  auto synchronous = raw->query("PRAGMA synchronous", {}, {sql::Type::Integer});
  ASSERT_TRUE(synchronous);
  EXPECT_EQ(synchronous->front().integer(0), 2);  // FULL
  // A child row pointing at no patient is refused by the foreign key.
  auto orphan = raw->execute(
      "INSERT INTO patient_weights (patient_id, position, measured_on, weight_kg, estimated) "
      "VALUES (999, 1, '2026-01-01', 70.0, 0)");
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code, ErrorCode::Validation) << orphan.error().message;
  // STRICT tables refuse text in a REAL column instead of storing it.
  ASSERT_TRUE(
      raw->execute("INSERT INTO patients (name, birth_date, sex, created_at) "
                   "VALUES ('x', '2000-01-01', 'F', '2026-01-01T00:00:00Z')"));
  auto typed = raw->execute(
      "INSERT INTO patient_weights (patient_id, position, measured_on, weight_kg, estimated) "
      "SELECT MAX(id), 1, '2026-01-01', 'heavy', 0 FROM patients");
  ASSERT_FALSE(typed);
  EXPECT_NE(typed.error().message.find("cannot store TEXT value in REAL column"), std::string::npos)
      << typed.error().message;
}

TEST(SqliteStore, OpeningDoesNotCreateTheFile) {
  SqliteTestDatabase database;
  auto store = database.open();
  ASSERT_NE(store, nullptr);
  EXPECT_FALSE(std::filesystem::exists(database.file()));
  auto tx = store->begin();
  ASSERT_FALSE(tx);
  EXPECT_EQ(tx.error().code, ErrorCode::Storage);
  EXPECT_NE(tx.error().message.find("ketapath clinic init"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(database.file()));
}

TEST(SqliteStore, InitCreatesAPrivateKeyAndNeverReplacesIt) {
  SqliteTestDatabase database;
  ASSERT_NE(database.open_initialised(), nullptr);

  struct stat info {};

  ASSERT_EQ(::stat(database.key_file().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  std::ifstream in(database.key_file());
  std::string first;
  std::getline(in, first);
  EXPECT_EQ(first.size(), 64u);
  ASSERT_NE(database.open_initialised(), nullptr);  // second init keeps the key
  std::ifstream again(database.key_file());
  std::string second;
  std::getline(again, second);
  EXPECT_EQ(first, second);
}

TEST(SqliteStore, KeyReadableByOthersIsRefused) {
  SqliteTestDatabase database;
  auto store = database.open_initialised();
  ASSERT_NE(store, nullptr);
  ASSERT_EQ(::chmod(database.key_file().c_str(), 0644), 0);
  auto reopened = database.open();
  auto verdict = reopened->audit().verify();
  ASSERT_FALSE(verdict);
  EXPECT_EQ(verdict.error().code, ErrorCode::Validation);
  EXPECT_NE(verdict.error().message.find("chmod 600"), std::string::npos)
      << verdict.error().message;
}

TEST(SqliteStore, MissingKeyForAnExistingLogIsNotRecreated) {
  SqliteTestDatabase database;
  ASSERT_NE(database.open_initialised(), nullptr);
  std::filesystem::remove(database.key_file());
  auto store = database.open();
  auto again = store->initialize();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::NotFound);
  EXPECT_FALSE(std::filesystem::exists(database.key_file()));
}

TEST(SqliteStore, ExplicitKeyFileWins) {
  SqliteTestDatabase database;
  const auto key = database.dir() / "elsewhere.key";
  auto store = open_database(database.url(), {.key_file = key});
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->initialize());
  EXPECT_TRUE(std::filesystem::exists(key));
  EXPECT_FALSE(std::filesystem::exists(database.key_file()));
  EXPECT_EQ((*store)->key_file(), key);
}

TEST(OpenDatabase, UrlForms) {
  SqliteTestDatabase database;
  const std::string absolute = "sqlite://" + database.file().string();  // sqlite:///tmp/...
  ASSERT_TRUE(database.file().is_absolute());
  auto store = open_database(absolute);
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE((*store)->initialize());
  EXPECT_TRUE(std::filesystem::exists(database.file()));
  EXPECT_EQ((*store)->backend(), Backend::Sqlite);

  for (const char* bad : {"sqlite:", "sqlite://host/file.db", "mysql://x/y", "clinic.db"}) {
    auto refused = open_database(bad);
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error().code, ErrorCode::InvalidArgument) << bad;
  }
}

TEST(OpenDatabase, PostgresNeedsAKeyAndHidesThePassword) {
  ::unsetenv("KETAPATH_CLINIC_KEY");
  auto refused = open_database("postgresql://u:secret@127.0.0.1:1/db");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(refused.error().message.find("secret"), std::string::npos) << refused.error().message;
  TempDir dir;
  auto unreachable =
      open_database("postgresql://u:secret@127.0.0.1:1/db", {.key_file = dir.path() / "k"});
  ASSERT_FALSE(unreachable);
  EXPECT_EQ(unreachable.error().code, ErrorCode::Storage);
  EXPECT_EQ(unreachable.error().message.find("secret"), std::string::npos)
      << unreachable.error().message;
}

}  // namespace
}  // namespace ketapath::store::testing
