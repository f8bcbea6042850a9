// Attacks on the audit log with direct database access, each of which `audit verify` must report:
// editing an entry, deleting the newest or a middle entry, recomputing the whole chain without the
// clinic key, and using the wrong key. Also: the append-only triggers, and that a write never
// extends a tampered log.

#include <fstream>

#include <gtest/gtest.h>

#include "store/audit_chain.h"
#include "store/test_databases.h"

namespace ketapath::store::testing {
namespace {

using core::ErrorCode;

clinic::AuditRecord record(int i) {
  return clinic::AuditRecord{*clinic::parse_timestamp("2026-11-21T10:00:00Z"),
                             "dr.test",
                             "patient.add",
                             fmt::format("patient/{}", i),
                             "null",
                             fmt::format(R"({{"name":"P{}"}})", i)};
}

/// Adds a patient and its audit entry in one transaction.
core::Status audited_write(clinic::ClinicStore& store, int i) {
  auto tx = KETAPATH_TRY(store.begin());
  clinic::Patient patient;
  patient.name = fmt::format("P{}", i);
  KETAPATH_TRY(tx->patients().add(patient));
  KETAPATH_TRY(tx->append_audit(record(i)));
  return tx->commit();
}

struct SqliteKind {
  using Database = SqliteTestDatabase;

  static std::unique_ptr<Database> make() { return std::make_unique<Database>(); }
};

struct PostgresKind {
  using Database = PostgresTestDatabase;

  static std::unique_ptr<Database> make() {
    return std::make_unique<Database>(*postgres_test_url());
  }
};

template <class Kind>
class AuditTamper : public ::testing::Test {
 protected:
  void SetUp() override {
    if constexpr (std::is_same_v<Kind, PostgresKind>) {
      KETAPATH_REQUIRE_POSTGRES();
    }
    database_ = Kind::make();
    store_ = database_->open_initialised();
    ASSERT_NE(store_, nullptr);
    for (int i = 1; i <= kEntries; ++i) {
      auto written = audited_write(*store_, i);
      ASSERT_TRUE(written) << written.error().message;
    }
    raw_ = database_->raw();
    ASSERT_NE(raw_, nullptr);
  }

  void strip_protection() {
    auto stripped = raw_->execute_script(database_->disable_audit_protection_sql());
    ASSERT_TRUE(stripped) << stripped.error().message;
  }

  clinic::AuditVerification verify() {
    auto verdict = store_->audit().verify();
    EXPECT_TRUE(verdict) << verdict.error().message;
    return verdict ? *verdict : clinic::AuditVerification{};
  }

  static std::string problems(const clinic::AuditVerification& v) {
    std::string all;
    for (const auto& p : v.problems) {
      all += p + "\n";
    }
    return all;
  }

  static constexpr int kEntries = 5;
  std::unique_ptr<typename Kind::Database> database_;
  std::unique_ptr<Database> store_;
  std::unique_ptr<sql::Connection> raw_;
};

using Kinds = ::testing::Types<SqliteKind, PostgresKind>;

class KindNames {
 public:
  template <class T>
  static std::string GetName(int) {
    return std::is_same_v<T, SqliteKind> ? "Sqlite" : "Postgres";
  }
};

TYPED_TEST_SUITE(AuditTamper, Kinds, KindNames);

TYPED_TEST(AuditTamper, UntouchedLogVerifies) {
  const auto v = this->verify();
  EXPECT_TRUE(v.intact) << this->problems(v);
  EXPECT_EQ(v.entries, this->kEntries);
}

TYPED_TEST(AuditTamper, UpdatesAndDeletesAreRefusedByTheDatabase) {
  auto update = this->raw_->execute("UPDATE audit_log SET actor = 'mallory' WHERE sequence = 2");
  EXPECT_FALSE(update);
  if (!update) {
    EXPECT_NE(update.error().message.find("append-only"), std::string::npos)
        << update.error().message;
  }
  EXPECT_FALSE(this->raw_->execute("DELETE FROM audit_log WHERE sequence = 5"));
  EXPECT_FALSE(this->raw_->execute("DELETE FROM audit_head"));
  EXPECT_FALSE(this->raw_->execute("UPDATE audit_head SET sequence = 2"));
  if constexpr (std::is_same_v<TypeParam, PostgresKind>) {
    EXPECT_FALSE(this->raw_->execute("TRUNCATE audit_log"));
  }
  const auto v = this->verify();
  EXPECT_TRUE(v.intact) << this->problems(v);
  EXPECT_EQ(v.entries, this->kEntries);
}

TYPED_TEST(AuditTamper, EditedEntryIsFound) {
  this->strip_protection();
  ASSERT_TRUE(this->raw_->execute(
      "UPDATE audit_log SET after_json = '{\"name\":\"someone else\"}' WHERE sequence = 3"));
  const auto v = this->verify();
  EXPECT_FALSE(v.intact);
  ASSERT_FALSE(v.problems.empty());
  EXPECT_EQ(v.problems.front().rfind("entry 3: hash mismatch", 0), 0u) << this->problems(v);
  EXPECT_EQ(v.entries, 2);  // entries verified before the first broken one
}

TYPED_TEST(AuditTamper, EditedActorOrTimeIsFound) {
  this->strip_protection();
  ASSERT_TRUE(
      this->raw_->execute("UPDATE audit_log SET at = '2026-11-21T10:00:01Z' WHERE sequence = 1"));
  const auto v = this->verify();
  EXPECT_FALSE(v.intact);
  ASSERT_FALSE(v.problems.empty());
  EXPECT_EQ(v.problems.front().rfind("entry 1:", 0), 0u) << this->problems(v);
}

TYPED_TEST(AuditTamper, RelinkedEntryIsFound) {
  // Entry 4 made to point somewhere else (its own hash recomputed, so only the link is wrong).
  this->strip_protection();
  auto rows = audit::read(*this->raw_, 4, 1);
  ASSERT_TRUE(rows);
  auto entry = rows->front();
  entry.previous_hash = std::string(64, 'f');
  ASSERT_TRUE(
      this->raw_->execute("UPDATE audit_log SET previous_hash = $1, hash = $2 WHERE sequence = 4",
                          {sql::text(entry.previous_hash), sql::text(audit::entry_hash(entry))}));
  const auto v = this->verify();
  EXPECT_FALSE(v.intact);
  ASSERT_FALSE(v.problems.empty());
  EXPECT_EQ(v.problems.front(), "entry 4: previous hash does not match entry 3")
      << this->problems(v);
}

TYPED_TEST(AuditTamper, RemovedHeadIsFound) {
  this->strip_protection();
  ASSERT_TRUE(this->raw_->execute("DELETE FROM audit_head"));
  const auto v = this->verify();
  EXPECT_FALSE(v.intact);
  ASSERT_FALSE(v.problems.empty());
  EXPECT_EQ(v.problems.front().rfind("head: missing", 0), 0u) << this->problems(v);
  // And init does not paper over it with a fresh head.
  auto again = this->store_->initialize();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::Integrity) << again.error().message;
}

TYPED_TEST(AuditTamper, DeletedNewestEntryIsFound) {
  this->strip_protection();
  ASSERT_TRUE(this->raw_->execute("DELETE FROM audit_log WHERE sequence = 5"));
  const auto v = this->verify();
  EXPECT_FALSE(v.intact);
  // The head, and the row the deleted entry recorded, which no entry vouches for any more.
  ASSERT_EQ(v.problems.size(), 2u) << this->problems(v);
  EXPECT_NE(v.problems.front().find("points at entry 5 but the log ends at entry 4"),
            std::string::npos)
      << this->problems(v);
  EXPECT_EQ(v.problems[1],
            "patients row id=5: inserted outside Ketapath (no audit entry records it)");
}

TYPED_TEST(AuditTamper, DeletedMiddleEntryIsFound) {
  this->strip_protection();
  ASSERT_TRUE(this->raw_->execute("DELETE FROM audit_log WHERE sequence = 2"));
  const auto v = this->verify();
  EXPECT_FALSE(v.intact);
  ASSERT_FALSE(v.problems.empty());
  EXPECT_EQ(v.problems.front(), "entry 2: missing (next stored entry is 3)") << this->problems(v);
  EXPECT_EQ(v.entries, 1);
}

TYPED_TEST(AuditTamper, TruncatedAndRewrittenHeadWithoutKeyIsFound) {
  // Delete the newest entry and move the head back to match: only the HMAC can tell.
  this->strip_protection();
  ASSERT_TRUE(this->raw_->execute("DELETE FROM audit_log WHERE sequence = 5"));
  ASSERT_TRUE(
      this->raw_->execute("UPDATE audit_head SET sequence = 4, hash = (SELECT hash FROM audit_log "
                          "WHERE sequence = 4)"));
  const auto v = this->verify();
  EXPECT_FALSE(v.intact);
  ASSERT_EQ(v.problems.size(), 2u) << this->problems(v);
  EXPECT_EQ(v.problems.front().rfind("head: HMAC mismatch", 0), 0u) << this->problems(v);
  EXPECT_EQ(v.problems[1].rfind("patients row id=5: inserted outside Ketapath", 0), 0u)
      << this->problems(v);
}

TYPED_TEST(AuditTamper, RecomputedChainWithoutKeyIsFound) {
  // The attacker knows the algorithm: edits entry 2, recomputes every later hash and the head hash,
  // and guesses a MAC. Every entry then checks out; only the head HMAC does not.
  this->strip_protection();
  auto rows = audit::read(*this->raw_, 1, 100);
  ASSERT_TRUE(rows);
  std::string previous;
  for (auto& entry : *rows) {
    if (entry.sequence == 2) {
      entry.after_json = R"({"name":"forged"})";
    }
    entry.previous_hash = previous;
    entry.hash = audit::entry_hash(entry);
    previous = entry.hash;
    ASSERT_TRUE(this->raw_->execute(
        "UPDATE audit_log SET after_json = $1, previous_hash = $2, hash = $3 WHERE sequence = $4",
        {sql::text(entry.after_json), sql::text(entry.previous_hash), sql::text(entry.hash),
         sql::integer(entry.sequence)}));
  }
  ASSERT_TRUE(this->raw_->execute("UPDATE audit_head SET hash = $1, mac = $2",
                                  {sql::text(previous), sql::text(std::string(64, 'a'))}));
  const auto v = this->verify();
  EXPECT_FALSE(v.intact);
  ASSERT_EQ(v.problems.size(), 1u) << this->problems(v);
  EXPECT_EQ(v.problems.front().rfind("head: HMAC mismatch", 0), 0u) << this->problems(v);
  EXPECT_EQ(v.entries, this->kEntries);
}

TYPED_TEST(AuditTamper, WrongKeyIsFound) {
  const auto key_file = this->database_->key_file();
  std::filesystem::remove(key_file);
  ASSERT_TRUE(ClinicKey::create(key_file));
  this->store_ = this->database_->open();  // a fresh process would load the new key
  ASSERT_NE(this->store_, nullptr);
  const auto v = this->verify();
  EXPECT_FALSE(v.intact);
  ASSERT_EQ(v.problems.size(), 1u) << this->problems(v);
  EXPECT_EQ(v.problems.front().rfind("head: HMAC mismatch", 0), 0u) << this->problems(v);
}

TYPED_TEST(AuditTamper, WritesRefuseToExtendATamperedLog) {
  this->strip_protection();
  ASSERT_TRUE(this->raw_->execute("DELETE FROM audit_log WHERE sequence = 5"));
  auto written = audited_write(*this->store_, 6);
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, ErrorCode::Integrity) << written.error().message;
  // Nothing of the refused write was kept.
  auto tx = this->store_->begin();
  ASSERT_TRUE(tx);
  auto patients = (*tx)->patients().list();
  ASSERT_TRUE(patients);
  EXPECT_EQ(patients->size(), static_cast<std::size_t>(this->kEntries));
}

// Issue 10 item 9: a deleted middle entry or an edited entry also stops writes (not only a
// deleted newest entry), and nothing of the refused write is kept.
TYPED_TEST(AuditTamper, WritesRefuseALogWithADeletedMiddleEntry) {
  this->strip_protection();
  ASSERT_TRUE(this->raw_->execute("DELETE FROM audit_log WHERE sequence = 2"));
  // The same process that wrote the log (its last verified head is the head): the count check.
  auto written = audited_write(*this->store_, 6);
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, ErrorCode::Integrity) << written.error().message;
  EXPECT_NE(written.error().message.find("refusing to extend it"), std::string::npos)
      << written.error().message;
  const auto v = this->verify();
  EXPECT_EQ(v.last_sequence, 5);  // nothing appended
}

TYPED_TEST(AuditTamper, WritesRefuseALogWithAnEditedEntry) {
  this->strip_protection();
  ASSERT_TRUE(this->raw_->execute(
      "UPDATE audit_log SET after_json = '{\"name\":\"someone else\"}' WHERE sequence = 3"));
  // A new process (each CLI command is one) walks the chain before its first write.
  this->store_ = this->database_->open();
  ASSERT_NE(this->store_, nullptr);
  auto written = audited_write(*this->store_, 6);
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, ErrorCode::Integrity) << written.error().message;
  EXPECT_NE(written.error().message.find("entry 3: hash mismatch"), std::string::npos)
      << written.error().message;
  auto tx = this->store_->begin();
  ASSERT_TRUE(tx);
  auto patients = (*tx)->patients().list();
  ASSERT_TRUE(patients);
  EXPECT_EQ(patients->size(), static_cast<std::size_t>(this->kEntries));
}

TYPED_TEST(AuditTamper, LaterWritesOfAProcessCheckWhatOthersAppended) {
  // Another process appends entry 6; this process's next write walks only entry 6 and accepts it.
  auto other = this->database_->open();
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(audited_write(*other, 6));
  ASSERT_TRUE(audited_write(*this->store_, 7));
  // Entry 7 edited behind both: the other process has not verified entry 7 yet.
  this->strip_protection();
  ASSERT_TRUE(this->raw_->execute("UPDATE audit_log SET actor = 'mallory' WHERE sequence = 7"));
  auto refused = audited_write(*other, 8);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("entry 7: hash mismatch"), std::string::npos)
      << refused.error().message;
}

TEST(AuditCanonical, FieldBoundariesCannotBeShifted) {
  // Moving bytes between adjacent fields must change the canonical form (length prefixes).
  audit::StoredEntry a{1, "2026-11-21T10:00:00Z", "ab", "c", "patient/1", "null", "{}", "", "", 2,
                       ""};
  audit::StoredEntry b = a;
  b.actor = "a";
  b.action = "bc";
  EXPECT_NE(audit::canonical(a), audit::canonical(b));
  EXPECT_NE(audit::entry_hash(a), audit::entry_hash(b));
  // Known answer: SHA-256 of the empty string (libsodium wiring check).
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(AuditCanonical, EntryHashChainsThePreviousHash) {
  audit::StoredEntry a{2, "2026-11-21T10:00:00Z", "x", "y", "z", "null", "{}", "", "", 2, ""};
  audit::StoredEntry b = a;
  b.previous_hash = std::string(64, '0');
  EXPECT_NE(audit::entry_hash(a), audit::entry_hash(b));
  EXPECT_EQ(audit::entry_hash(b), sha256_hex(b.previous_hash + audit::canonical(b)));
}

}  // namespace
}  // namespace ketapath::store::testing
