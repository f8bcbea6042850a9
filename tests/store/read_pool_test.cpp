// The read pool (ClinicStore::read_concurrently, docs/architecture.md "Server"): read
// transactions on connections of their own, from several threads, beside one writer. On SQLite
// (WAL readers) and PostgreSQL (READ ONLY sessions).

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_connection.h"
#include "store/test_databases.h"

namespace ketapath::store::testing {
namespace {

using namespace std::chrono_literals;

clinic::Patient patient(int n) {
  clinic::Patient p;
  p.name = "Patient " + std::to_string(n);
  p.birth_date = *clinic::parse_date("1980-01-01");
  p.sex = clinic::Sex::Female;
  p.created_at = *clinic::parse_timestamp("2026-11-01T08:00:00Z");
  // Two weights in the same transaction: a read must see both or neither.
  p.weights = {{*clinic::parse_date("2026-10-01"), core::Kilograms(70.0), false},
               {*clinic::parse_date("2026-11-01"), core::Kilograms(69.5), false}};
  return p;
}

core::Status add_patient(clinic::ClinicStore& store, int n) {
  auto tx = KETAPATH_TRY(store.begin());
  const auto id = KETAPATH_TRY(tx->patients().add(patient(n)));
  KETAPATH_TRY(tx->append_audit(clinic::AuditRecord{
      *clinic::parse_timestamp("2026-11-01T08:00:00Z"), "dr.test", "patient.add",
      fmt::format("patient/{}", id.value()), "null", R"({"ok":true})"}));
  return tx->commit();
}

class ReadPool : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      KETAPATH_REQUIRE_POSTGRES();
      database_ = std::make_unique<PostgresTestDatabase>(*postgres_test_url());
    } else {
      database_ = std::make_unique<SqliteTestDatabase>();
    }
    store_ = database_->open_initialised();
    ASSERT_NE(store_, nullptr);
  }

  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<Database> store_;
};

TEST_P(ReadPool, ReadersBesideAWriterSeeWholeTransactionsAndEveryCommittedOne) {
  ASSERT_TRUE(store_->read_concurrently(3));
  constexpr int kWrites = 60;
  constexpr int kReaders = 4;  // more readers than connections: some wait for one
  std::atomic<int> committed{0};
  std::atomic<bool> writing{true};
  std::atomic<int> reads{0};
  std::mutex problems_mutex;
  std::vector<std::string> problems;
  const auto problem = [&](std::string what) {
    const std::scoped_lock lock(problems_mutex);
    problems.push_back(std::move(what));
  };
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&] {
      int last = 0;
      while (writing) {
        const int acknowledged = committed;
        auto tx = store_->begin_read();
        if (!tx) {
          problem("begin_read: " + tx.error().message);
          return;
        }
        auto all = (*tx)->patients().list();
        if (!all) {
          problem("list: " + all.error().message);
          return;
        }
        const int seen = static_cast<int>(all->size());
        if (seen < acknowledged || seen < last) {
          problem(fmt::format("read {} patients after {} commits, {} read before", seen,
                              acknowledged, last));
        }
        for (const auto& p : *all) {
          if (p.weights.size() != 2) {
            problem(fmt::format("patient {} read with {} of its 2 weights", p.id.value(),
                                p.weights.size()));
          }
        }
        // One snapshot for the whole transaction, whatever the writer commits meanwhile.
        std::this_thread::sleep_for(1ms);
        auto again = (*tx)->patients().list();
        if (!again || static_cast<int>(again->size()) != seen) {
          problem(fmt::format("the same read transaction saw {} then {} patients", seen,
                              again ? static_cast<int>(again->size()) : -1));
        }
        last = seen;
        ++reads;
      }
    });
  }
  for (int n = 1; n <= kWrites; ++n) {
    auto added = add_patient(*store_, n);
    if (!added) {
      ADD_FAILURE() << "write " << n << ": " << added.error().message;
      break;
    }
    committed = n;
  }
  writing = false;
  for (auto& t : readers) {
    t.join();
  }
  for (const auto& p : problems) {
    ADD_FAILURE() << p;
  }
  EXPECT_GT(reads.load(), kReaders);
  auto verdict = store_->audit().verify();
  ASSERT_TRUE(verdict) << verdict.error().message;
  EXPECT_TRUE(verdict->intact);
}

TEST_P(ReadPool, AReadWaitsForAFreeConnection) {
  ASSERT_TRUE(store_->read_concurrently(1));
  auto held = store_->begin_read();
  ASSERT_TRUE(held) << held.error().message;
  std::atomic<bool> got{false};
  std::thread second([&] {
    auto tx = store_->begin_read();
    EXPECT_TRUE(tx) << tx.error().message;
    got = true;
  });
  std::this_thread::sleep_for(200ms);
  EXPECT_FALSE(got.load()) << "a second read ran while the only read connection was lent out";
  held->reset();
  second.join();
  EXPECT_TRUE(got.load());
}

TEST_P(ReadPool, APooledReadRefusesWrites) {
  ASSERT_TRUE(store_->read_concurrently(2));
  auto tx = store_->begin_read();
  ASSERT_TRUE(tx) << tx.error().message;
  auto added = (*tx)->patients().add(patient(1));
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().code, core::ErrorCode::Internal) << added.error().message;
  tx->reset();
  auto read = store_->begin_read();
  ASSERT_TRUE(read);
  auto all = (*read)->patients().list();
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, ReadPool, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

// The read connections refuse changes at the database too (PRAGMA query_only), whatever SQL a
// repository might send.
TEST(SqliteReadConnection, RefusesChangesAtTheDatabase) {
  SqliteTestDatabase database;
  ASSERT_NE(database.open_initialised(), nullptr);
  auto reader = sqlite::SqliteConnection::open(database.file(), {.query_only = true});
  ASSERT_TRUE(reader) << reader.error().message;
  auto count = (*reader)->query("SELECT COUNT(*) FROM patients", {}, {sql::Type::Integer});
  ASSERT_TRUE(count) << count.error().message;
  auto insert = (*reader)->execute(
      "INSERT INTO patients (name, birth_date, sex, created_at) "
      "VALUES ('x', '2000-01-01', 'F', '2026-01-01T00:00:00Z')",
      {});
  ASSERT_FALSE(insert);
  EXPECT_NE(insert.error().message.find("readonly"), std::string::npos) << insert.error().message;
}

}  // namespace
}  // namespace ketapath::store::testing
