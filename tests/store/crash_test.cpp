// Crash safety (label "slow"): a child process streams clinical writes, reporting each
// acknowledged (committed) patient id on a pipe; the parent SIGKILLs it mid-stream, reopens the
// database and checks that every acknowledged write is there in full, that no partial write is,
// and that the audit chain is intact. Three kills on the same database, so recovery after a kill
// is itself followed by more writes and another kill. Also: concurrent writer processes.

#include <set>

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/test_databases.h"

namespace ketapath::store::testing {
namespace {

constexpr int kWeights = 3;
constexpr int kDiagnoses = 2;

clinic::Patient crash_patient(int i) {
  clinic::Patient p;
  p.name = fmt::format("crash-{}", i);
  p.birth_date = *clinic::parse_date("1980-01-01");
  p.created_at = *clinic::parse_timestamp("2026-11-21T10:00:00Z");
  for (int w = 0; w < kWeights; ++w) {
    p.weights.push_back({p.birth_date, core::Kilograms(60.0 + w), false});
  }
  for (int d = 0; d < kDiagnoses; ++d) {
    p.diagnoses.push_back({clinic::Disorder::Gad, "F41.1", p.birth_date, d == 0});
  }
  return p;
}

/// The child: writes until killed. Exit codes other than by SIGKILL mean a write failed.
[[noreturn]] void write_forever(const TestDatabase& database, int fd) {
  auto store = open_database(database.url(), database.options());
  if (!store) {
    _exit(2);
  }
  for (int i = 0;; ++i) {
    auto tx = (*store)->begin();
    if (!tx) {
      _exit(3);
    }
    auto id = (*tx)->patients().add(crash_patient(i));
    if (!id) {
      _exit(4);
    }
    auto audited = (*tx)->append_audit(
        clinic::AuditRecord{*clinic::parse_timestamp("2026-11-21T10:00:00Z"), "crash.test",
                            "patient.add", fmt::format("patient/{}", id->value()), "null",
                            fmt::format(R"({{"name":"crash-{}"}})", i)});
    if (!audited || !(*tx)->commit()) {
      _exit(5);
    }
    const std::int64_t acknowledged = id->value();
    if (::write(fd, &acknowledged, sizeof acknowledged) != sizeof acknowledged) {
      _exit(6);
    }
  }
}

/// Reads one id; false at end of stream.
bool read_id(int fd, std::int64_t& id) {
  auto* bytes = reinterpret_cast<char*>(&id);
  std::size_t got = 0;
  while (got < sizeof id) {
    const auto n = ::read(fd, bytes + got, sizeof id - got);
    if (n <= 0) {
      return false;  // a torn id cannot happen: 8-byte writes to a pipe are atomic
    }
    got += static_cast<std::size_t>(n);
  }
  return true;
}

/// Runs the child until `kill_after` acknowledgements, kills it, returns every id it acknowledged.
std::vector<std::int64_t> run_and_kill(const TestDatabase& database, int kill_after) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(fds[0]);
    write_forever(database, fds[1]);
  }
  ::close(fds[1]);
  std::vector<std::int64_t> acknowledged;
  std::int64_t id = 0;
  while (static_cast<int>(acknowledged.size()) < kill_after && read_id(fds[0], id)) {
    acknowledged.push_back(id);
  }
  ::kill(child, SIGKILL);
  while (read_id(fds[0], id)) {  // acknowledged just before the kill
    acknowledged.push_back(id);
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the writer stopped on its own (exit " << WEXITSTATUS(status) << ")";
  EXPECT_GE(static_cast<int>(acknowledged.size()), kill_after);
  return acknowledged;
}

void check_after_crash(const TestDatabase& database, const std::set<std::int64_t>& acknowledged) {
  auto store = database.open();
  ASSERT_NE(store, nullptr);
  {
    auto tx = store->begin();
    ASSERT_TRUE(tx) << tx.error().message;
    auto patients = (*tx)->patients().list();
    ASSERT_TRUE(patients) << patients.error().message;
    std::set<std::int64_t> stored;
    for (const auto& p : *patients) {
      stored.insert(p.id.value());
      // No partial write: every stored patient has all of its nested rows.
      EXPECT_EQ(p.weights.size(), static_cast<std::size_t>(kWeights)) << p.name;
      EXPECT_EQ(p.diagnoses.size(), static_cast<std::size_t>(kDiagnoses)) << p.name;
    }
    for (const auto id : acknowledged) {
      EXPECT_TRUE(stored.contains(id)) << "acknowledged patient " << id << " was lost";
    }
    // At most one write per kill may have committed without its acknowledgement reaching us.
    EXPECT_LE(stored.size(), acknowledged.size() + 3);
  }
  auto verdict = store->audit().verify();
  ASSERT_TRUE(verdict) << verdict.error().message;
  EXPECT_TRUE(verdict->intact) << (verdict->problems.empty() ? "" : verdict->problems.front());
  // One audit entry per committed write, no more, no fewer.
  auto tx = store->begin();
  ASSERT_TRUE(tx);
  auto patients = (*tx)->patients().list();
  ASSERT_TRUE(patients);
  EXPECT_EQ(verdict->entries, static_cast<std::int64_t>(patients->size()));
}

void crash_rounds(const TestDatabase& database) {
  ASSERT_NE(database.open_initialised(), nullptr);  // closed again before any fork
  std::set<std::int64_t> acknowledged;
  for (const int kill_after : {25, 60, 97}) {
    for (const auto id : run_and_kill(database, kill_after)) {
      acknowledged.insert(id);
    }
    check_after_crash(database, acknowledged);
    if (::testing::Test::HasFailure()) {
      return;
    }
  }
}

/// Several processes write at once; the chain must come out as one unbroken sequence.
void concurrent_writers(const TestDatabase& database) {
  ASSERT_NE(database.open_initialised(), nullptr);
  constexpr int kWriters = 3;
  constexpr int kWritesEach = 30;
  std::vector<pid_t> children;
  for (int w = 0; w < kWriters; ++w) {
    const pid_t child = ::fork();
    if (child == 0) {
      auto store = open_database(database.url(), database.options());
      if (!store) {
        _exit(2);
      }
      for (int i = 0; i < kWritesEach; ++i) {
        auto tx = (*store)->begin();
        if (!tx || !(*tx)->patients().add(crash_patient(w * 1000 + i)) ||
            !(*tx)->append_audit(clinic::AuditRecord{
                *clinic::parse_timestamp("2026-11-21T10:00:00Z"), fmt::format("writer-{}", w),
                "patient.add", "patient/?", "null", "{}"}) ||
            !(*tx)->commit()) {
          _exit(3);
        }
      }
      _exit(0);
    }
    children.push_back(child);
  }
  for (const pid_t child : children) {
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "a writer failed (exit " << WEXITSTATUS(status) << ")";
  }
  auto store = database.open();
  ASSERT_NE(store, nullptr);
  auto verdict = store->audit().verify();
  ASSERT_TRUE(verdict) << verdict.error().message;
  EXPECT_TRUE(verdict->intact) << (verdict->problems.empty() ? "" : verdict->problems.front());
  EXPECT_EQ(verdict->entries, kWriters * kWritesEach);
}

TEST(Concurrency, SqliteWritersChainInOneSequence) {
  SqliteTestDatabase database;
  concurrent_writers(database);
}

TEST(Concurrency, PostgresWritersChainInOneSequence) {
  KETAPATH_REQUIRE_POSTGRES();
  PostgresTestDatabase database(*postgres_test_url());
  concurrent_writers(database);
}

TEST(CrashSafety, SqliteKeepsEveryAcknowledgedWrite) {
  SqliteTestDatabase database;
  crash_rounds(database);
}

TEST(CrashSafety, PostgresKeepsEveryAcknowledgedWrite) {
  KETAPATH_REQUIRE_POSTGRES();
  PostgresTestDatabase database(*postgres_test_url());
  crash_rounds(database);
}

}  // namespace
}  // namespace ketapath::store::testing
