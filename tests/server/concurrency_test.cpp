// Reads beside writes (docs/architecture.md "Server"): signed-in reads run on the store's pool of
// read connections while writes go one at a time through the writer. Several clients at once:
// every acknowledged write is seen by the next read of the client that made it, no read sees a
// half-written transaction or goes back in time, nothing fails, and the audit log verifies.

#include <atomic>
#include <mutex>
#include <vector>

#include "server_fixture.h"
#include "store/test_databases.h"

namespace ketapath::server::testing {
namespace {

constexpr int kWriters = 3;        // one patient each
constexpr int kWritesEach = 40;    // weights per writer
constexpr int kReaders = 3;        // charts, work list and response of every patient
constexpr int kReadRounds = 2000;  // upper bound; readers stop when the writers are done

class ConcurrentRequests : public ServerFixture {
 protected:
  void customise(ServerOptions& options) override {
    options.threads = 16;
    options.read_connections = 3;
  }

  httplib::Headers nurse_headers() const {
    const Signed& s = signed_.at("nurse");
    return {{"Cookie", s.cookie}, {"X-CSRF-Token", s.csrf}};
  }

  std::unique_ptr<httplib::Client> new_client() const {
    auto c = std::make_unique<httplib::Client>("http://127.0.0.1:" + std::to_string(port_));
    c->set_connection_timeout(5);
    c->set_read_timeout(20);
    return c;
  }

  /// A problem seen by a client thread (gtest's assertions are not for other threads).
  void problem(std::string what) {
    const std::scoped_lock lock(problems_mutex_);
    problems_.push_back(std::move(what));
  }

  /// The number of weights in the patient's chart, or -1 (and a problem) on a failed read.
  int weights_in_chart(httplib::Client& client, int patient) {
    const std::string path = "/api/v1/patients/" + std::to_string(patient);
    auto res = client.Get(path, nurse_headers());
    if (!res || res->status != 200) {
      problem("GET " + path + ": " +
              (res ? std::to_string(res->status) + " " + res->body : std::string("no response")));
      return -1;
    }
    return static_cast<int>(Json::parse(res->body).at("weights").size());
  }

  void writer(int patient) {
    auto client = new_client();
    for (int i = 1; i <= kWritesEach; ++i) {
      const std::string path = "/api/v1/patients/" + std::to_string(patient) + "/weights";
      auto res =
          client->Post(path, nurse_headers(), Json{{"weight_kg", 70}}.dump(), "application/json");
      if (!res || res->status != 201) {
        problem("POST " + path + ": " +
                (res ? std::to_string(res->status) + " " + res->body : std::string("no response")));
        return;
      }
      acknowledged_[patient - 1] = i;
      // Read-your-writes: the acknowledged weight is in the very next read of this client.
      const int seen = weights_in_chart(*client, patient);
      if (seen != i) {
        problem("patient " + std::to_string(patient) + ": " + std::to_string(i) +
                " weights acknowledged, the next read shows " + std::to_string(seen));
      }
    }
  }

  void reader(int which) {
    auto client = new_client();
    std::vector<int> last(kWriters, 0);
    for (int round = 0; round < kReadRounds && writers_running_ > 0; ++round) {
      const int patient = (round + which) % kWriters + 1;
      // Read after the acknowledgement: the read must include it; and never go back in time.
      const int acknowledged = acknowledged_[patient - 1];
      const int seen = weights_in_chart(*client, patient);
      if (seen < 0) {
        return;
      }
      if (seen < acknowledged || seen < last[patient - 1]) {
        problem("patient " + std::to_string(patient) + ": read " + std::to_string(seen) +
                " weights after " + std::to_string(acknowledged) + " were acknowledged and " +
                std::to_string(last[patient - 1]) + " were read before");
      }
      last[patient - 1] = seen;
      for (const std::string path : {std::string("/api/v1/alerts"),
                                     "/api/v1/patients/" + std::to_string(patient) + "/response"}) {
        auto res = client->Get(path, nurse_headers());
        if (!res || res->status != 200) {
          problem(
              "GET " + path + ": " +
              (res ? std::to_string(res->status) + " " + res->body : std::string("no response")));
          return;
        }
      }
      ++reads_;
    }
  }

  void run_clients() {
    for (int p = 1; p <= kWriters; ++p) {
      auto added = call(
          "POST", "/api/v1/patients", "nurse",
          {{"name", "Patient " + std::to_string(p)}, {"birth_date", "1980-01-01"}, {"sex", "F"}});
      ASSERT_TRUE(added && added->status == 201) << (added ? added->body : "no response");
      ASSERT_EQ(Json::parse(added->body).at("id"), p);
    }
    const auto before = audit_state();
    writers_running_ = kWriters;
    std::vector<std::thread> threads;
    for (int r = 0; r < kReaders; ++r) {
      threads.emplace_back([this, r] { reader(r); });
    }
    for (int w = 0; w < kWriters; ++w) {
      threads.emplace_back([this, w] {
        writer(w + 1);
        --writers_running_;
      });
    }
    for (auto& t : threads) {
      t.join();
    }
    for (const auto& p : problems_) {
      ADD_FAILURE() << p;
    }
    EXPECT_GT(reads_.load(), 0);
    for (int p = 1; p <= kWriters; ++p) {
      EXPECT_EQ(acknowledged_[p - 1].load(), kWritesEach);
      auto chart = call("GET", "/api/v1/patients/" + std::to_string(p), "prescriber");
      ASSERT_TRUE(chart && chart->status == 200);
      EXPECT_EQ(Json::parse(chart->body).at("weights").size(), std::size_t{kWritesEach});
    }
    // One audit entry per weight (and the grouped chart reads), and the chain verifies.
    const auto after = audit_state();
    EXPECT_GE(after.first - before.first, kWriters * kWritesEach);
  }

  std::atomic<int> acknowledged_[kWriters] = {};
  std::atomic<int> writers_running_{0};
  std::atomic<int> reads_{0};
  std::mutex problems_mutex_;
  std::vector<std::string> problems_;
};

TEST_F(ConcurrentRequests, ReadsBesideWritesSeeEveryAcknowledgedWriteOnSqlite) {
  run_clients();
}

class ConcurrentRequestsPostgres : public ConcurrentRequests {
 protected:
  void SetUp() override {
    if (!store::testing::postgres_test_url()) {
      GTEST_SKIP() << "KETAPATH_TEST_POSTGRES_URL is not set";
    }
    ConcurrentRequests::SetUp();
  }

  void choose_database() override {
    pg_ = std::make_unique<store::testing::PostgresTestDatabase>(
        *store::testing::postgres_test_url());
    db_url_ = pg_->url();
    open_options_ = pg_->options();
  }

  std::unique_ptr<store::testing::PostgresTestDatabase> pg_;
};

TEST_F(ConcurrentRequestsPostgres, ReadsBesideWritesSeeEveryAcknowledgedWriteOnPostgres) {
  run_clients();
}

}  // namespace
}  // namespace ketapath::server::testing
