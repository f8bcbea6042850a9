// SQLite specifics: durability settings on disk, opening and URLs, the key file.

#include <cstdlib>
#include <fstream>
#include <utility>
#include <vector>

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
  auto store = open_database(database.url(), {.key_file = key, .password = {}});
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
  auto unreachable = open_database("postgresql://u:secret@127.0.0.1:1/db",
                                   {.key_file = dir.path() / "k", .password = {}});
  ASSERT_FALSE(unreachable);
  EXPECT_EQ(unreachable.error().code, ErrorCode::Storage);
  EXPECT_EQ(unreachable.error().message.find("secret"), std::string::npos)
      << unreachable.error().message;
}

int mode_of(const std::filesystem::path& path) {
  struct stat info {};

  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return static_cast<int>(info.st_mode & 0777);
}

TEST(SqliteStore, DatabaseWalShmAndNewFoldersArePrivate) {
  TempDir dir;
  const auto folder = dir.path() / "new" / "site";
  const auto file = folder / "clinic.db";
  auto store = open_database("sqlite:" + file.string());
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE((*store)->initialize());
  // A write, with the connection still open, so the -wal and -shm files exist.
  auto tx = (*store)->begin();
  ASSERT_TRUE(tx);
  clinic::Patient patient;
  patient.name = "P";
  ASSERT_TRUE((*tx)->patients().add(patient));
  ASSERT_TRUE(
      (*tx)->append_audit(clinic::AuditRecord{*clinic::parse_timestamp("2026-11-21T10:00:00Z", "t"),
                                              "dr", "patient.add", "patient/1", "null", "{}"}));
  ASSERT_TRUE((*tx)->commit());
  for (const char* suffix : {"", "-wal", "-shm", ".key"}) {
    const std::filesystem::path path = file.string() + suffix;
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    EXPECT_EQ(mode_of(path), 0600) << path;
  }
  EXPECT_EQ(mode_of(dir.path() / "new"), 0700);
  EXPECT_EQ(mode_of(folder), 0700);
}

TEST(OpenDatabase, PasswordsInEveryFormAreRedacted) {
  for (const auto& [url, redacted] : std::vector<std::pair<std::string, std::string>>{
           {"postgresql://u:s3cret@h/db", "postgresql://u:***@h/db"},
           {"postgresql://u@h/db?sslmode=disable&password=s3cret",
            "postgresql://u@h/db?sslmode=disable&password=***"},
           {"postgres://h/db?PASSWORD=s3cret&user=u", "postgres://h/db?PASSWORD=***&user=u"},
           {"host=/tmp dbname=x password=s3cret user=u", "host=/tmp dbname=x password=*** user=u"},
           {"host=/tmp password = 's3 cret\\' x' dbname=x", "host=/tmp password = *** dbname=x"},
           {"mysql://u:s3cret@h/db", "mysql://u:***@h/db"},
       }) {
    EXPECT_EQ(redacted_url(url), redacted) << url;
    EXPECT_TRUE(url_has_password(url)) << url;
  }
  EXPECT_FALSE(url_has_password("postgresql://u@h/db?sslmode=disable"));
  EXPECT_FALSE(url_has_password("host=/tmp dbname=x"));
  TempDir dir;
  // A keyword/value string is not a --db form: refused, without the password.
  auto refused = open_database("host=/tmp dbname=x password=s3cret",
                               {.key_file = dir.path() / "k", .password = {}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message.find("s3cret"), std::string::npos) << refused.error().message;
  // libpq echoes a malformed URI's token; the message must not.
  auto malformed = open_database("postgresql://u:s3cret%zz@h/db",
                                 {.key_file = dir.path() / "k", .password = {}});
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().message.find("s3cret"), std::string::npos)
      << malformed.error().message;
  auto query = open_database("postgresql://u@127.0.0.1:1/db?password=s3cret",
                             {.key_file = dir.path() / "k", .password = {}});
  ASSERT_FALSE(query);
  EXPECT_EQ(query.error().message.find("s3cret"), std::string::npos) << query.error().message;
  // --password-file is for PostgreSQL only.
  auto sqlite =
      open_database("sqlite:" + (dir.path() / "x.db").string(), {.key_file = {}, .password = "x"});
  ASSERT_FALSE(sqlite);
  EXPECT_EQ(sqlite.error().code, ErrorCode::InvalidArgument);
}

}  // namespace
}  // namespace ketapath::store::testing
