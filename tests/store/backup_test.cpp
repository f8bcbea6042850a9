// Backup and restore (store/backup.h, issue 15 item 7): a backup taken while the clinic writes is
// one consistent, verified snapshot; a restore into a new file verifies against the backup's
// anchor before anyone uses it; a tampered, truncated or older backup, a wrong key or an existing
// destination is refused with nothing left behind; PostgreSQL is refused with the pg_dump route.

#include "core/private_file.h"
#include "store/backup.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "store/sqlite/sqlite_connection.h"
#include "store/test_databases.h"

namespace ketapath::store::testing {
namespace {

using core::ErrorCode;

clinic::AuditRecord record(int i) {
  return clinic::AuditRecord{*clinic::parse_timestamp("2026-11-21T10:00:00Z"),
                             "admin",
                             "patient.add",
                             fmt::format("patient/{}", i),
                             "null",
                             fmt::format(R"({{"name":"P{}"}})", i)};
}

core::Status audited_write(clinic::ClinicStore& store, int i) {
  auto tx = KETAPATH_TRY(store.begin());
  clinic::Patient patient;
  patient.name = fmt::format("P{}", i);
  KETAPATH_TRY(tx->patients().add(patient));
  KETAPATH_TRY(tx->append_audit(record(i)));
  return tx->commit();
}

unsigned mode_of(const std::filesystem::path& path) {
  struct stat st {};

  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777U;
}

core::Status no_use(Database&) {
  return {};
}

class Backup : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = database_.open_initialised();
    ASSERT_NE(store_, nullptr);
    for (int i = 1; i <= 5; ++i) {
      ASSERT_TRUE(audited_write(*store_, i));
    }
  }

  std::filesystem::path path(std::string_view name) const { return database_.dir() / name; }

  VerifiedCopy backup(std::string_view name) {
    auto copy = backup_database(*store_, path(name));
    EXPECT_TRUE(copy) << copy.error().message;
    return copy ? *copy : VerifiedCopy{};
  }

  RestoreRequest request(const VerifiedCopy& copy, std::string_view to) const {
    return {.backup = copy.file,
            .key_file = database_.key_file(),
            .anchor = *clinic::parse_audit_anchor(clinic::anchor_text(copy.verification)),
            .destination = path(to)};
  }

  /// Nothing of a refused restore is left at DEST.
  void expect_nothing_at(std::string_view to) const {
    for (const std::string_view suffix : {"", ".key", ".restoring", ".restoring-wal"}) {
      EXPECT_FALSE(std::filesystem::exists(path(std::string(to) + std::string(suffix))))
          << to << suffix;
    }
  }

  /// Runs SQL on a file with a plain SQLite connection (what someone with the file could do).
  static void tamper(const std::filesystem::path& file, std::string_view sql) {
    auto raw = sqlite::SqliteConnection::open(file, {});
    ASSERT_TRUE(raw) << raw.error().message;
    ASSERT_TRUE((*raw)->execute_script(sql)) << sql;
  }

  SqliteTestDatabase database_;
  std::unique_ptr<Database> store_;
};

TEST_F(Backup, CopyVerifiesAndRestoreMatchesItsAnchor) {
  const auto copy = backup("b.db");
  EXPECT_TRUE(copy.verification.intact);
  EXPECT_EQ(copy.verification.entries, 5);
  EXPECT_GT(copy.verification.rows_checked, 0);
  EXPECT_EQ(mode_of(copy.file), 0600U);
  EXPECT_FALSE(std::filesystem::exists(path("b.db.key"))) << "the key is never put in a backup";

  int used = 0;
  const auto restored = restore_database(request(copy, "r.db"), [&](Database& db) {
    ++used;
    return audited_write(db, 6);  // the restore's own entry, written before the rename
  });
  ASSERT_TRUE(restored) << restored.error().message;
  EXPECT_EQ(used, 1);
  EXPECT_EQ(clinic::anchor_text(restored->verification), clinic::anchor_text(copy.verification));
  EXPECT_EQ(mode_of(path("r.db")), 0600U);
  EXPECT_EQ(mode_of(path("r.db.key")), 0600U);
  EXPECT_FALSE(std::filesystem::exists(path("r.db.restoring")));

  // The restored database opens with its key beside it, holds the data and verifies.
  auto db = open_database("sqlite:" + path("r.db").string());
  ASSERT_TRUE(db) << db.error().message;
  const auto v = (*db)->audit().verify();
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->intact);
  EXPECT_EQ(v->entries, 6);
  auto tx = (*db)->begin_read();
  ASSERT_TRUE(tx);
  const auto patients = (*tx)->patients().list();
  ASSERT_TRUE(patients);
  EXPECT_EQ(patients->size(), 6U);
}

TEST_F(Backup, BackupWhileTheClinicWritesIsOneSnapshot) {
  std::atomic<bool> stop = false;
  std::thread writer([&] {
    auto other = database_.open();
    for (int i = 100; !stop && i < 400; ++i) {
      if (!audited_write(*other, i)) {
        break;
      }
    }
  });
  std::vector<VerifiedCopy> copies;
  for (int i = 0; i < 5; ++i) {
    copies.push_back(backup(fmt::format("w{}.db", i)));
  }
  stop = true;
  writer.join();
  for (const auto& copy : copies) {
    EXPECT_TRUE(copy.verification.intact) << copy.file;
    EXPECT_GE(copy.verification.entries, 5);
  }
}

TEST_F(Backup, TamperedBackupIsRefusedAndNothingIsLeft) {
  const auto copy = backup("b.db");
  tamper(copy.file, "UPDATE patients SET name = 'Someone else' WHERE id = 2");
  const auto restored = restore_database(request(copy, "r.db"), no_use);
  ASSERT_FALSE(restored);
  EXPECT_EQ(restored.error().code, ErrorCode::Integrity);
  EXPECT_NE(restored.error().message.find("patients row id=2"), std::string::npos)
      << restored.error().message;
  expect_nothing_at("r.db");
}

TEST_F(Backup, OlderBackupThanTheAnchorIsRefused) {
  const auto old_copy = backup("old.db");
  ASSERT_TRUE(audited_write(*store_, 6));
  const auto new_copy = backup("new.db");
  auto r = request(new_copy, "r.db");
  r.backup = old_copy.file;  // the anchor of the newer backup: the older file is a rollback
  const auto restored = restore_database(r, no_use);
  ASSERT_FALSE(restored);
  EXPECT_EQ(restored.error().code, ErrorCode::Integrity);
  EXPECT_NE(restored.error().message.find("anchor 6"), std::string::npos)
      << restored.error().message;
  expect_nothing_at("r.db");
}

TEST_F(Backup, AnotherKeyIsRefused) {
  const auto copy = backup("b.db");
  auto r = request(copy, "r.db");
  r.key_file = path("other.key");
  ASSERT_TRUE(core::write_private_file(r.key_file, std::string(64, 'a') + "\n"));
  const auto restored = restore_database(r, no_use);
  ASSERT_FALSE(restored);
  EXPECT_EQ(restored.error().code, ErrorCode::Integrity) << restored.error().message;
  expect_nothing_at("r.db");
}

TEST_F(Backup, AFailedBeforeUseLeavesNothing) {
  const auto copy = backup("b.db");
  const auto restored = restore_database(request(copy, "r.db"), [](Database&) -> core::Status {
    return core::fail(ErrorCode::Unauthorized, "not an admin");
  });
  ASSERT_FALSE(restored);
  EXPECT_EQ(restored.error().code, ErrorCode::Unauthorized);
  expect_nothing_at("r.db");
}

TEST_F(Backup, NothingIsOverwritten) {
  const auto copy = backup("b.db");
  const auto again = backup_database(*store_, copy.file);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::Conflict);
  EXPECT_TRUE(backup_database(*store_, path("b2.db")));

  ASSERT_TRUE(core::write_private_file(path("taken.db.key"), "x\n"));
  const auto restored = restore_database(request(copy, "taken.db"), no_use);
  ASSERT_FALSE(restored);
  EXPECT_EQ(restored.error().code, ErrorCode::Conflict);
  EXPECT_FALSE(std::filesystem::exists(path("taken.db")));
}

TEST(BackupPostgres, IsRefusedWithThePgDumpRoute) {
  KETAPATH_REQUIRE_POSTGRES();
  PostgresTestDatabase database(*postgres_test_url());
  auto store = database.open_initialised();
  ASSERT_NE(store, nullptr);
  TempDir dir;
  const auto copy = backup_database(*store, dir.path() / "b.db");
  ASSERT_FALSE(copy);
  EXPECT_EQ(copy.error().code, ErrorCode::InvalidArgument);
  EXPECT_NE(copy.error().message.find("pg_dump"), std::string::npos) << copy.error().message;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "b.db"));
}

}  // namespace
}  // namespace ketapath::store::testing
