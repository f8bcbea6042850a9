// The server under SIGKILL (label "slow"; issue 11 "Crash test"): a child process runs the server
// on a SQLite clinic; two client threads in the parent register patients (with a weight: two rows
// per write) as fast as the server answers; the parent SIGKILLs the child at a random moment, and
// again, 200 times over the same database. Afterwards every write the server acknowledged (201)
// is there in full, no write is there in part, and the audit log verifies.

#include <mutex>
#include <random>
#include <set>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "server_fixture.h"

namespace ketapath::server::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kKills = 200;

class ServerCrash : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/ketapath-server-crash.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    url_ = "sqlite:" + (dir_ / "clinic.db").string();
    auto store = must(store::open_database(url_));
    clinic::ClinicService boot(*store, "admin");
    must(boot.initialize());
    must(boot.add_user("admin", {clinic::Role::Admin}));
    must(boot.add_user("nurse", {clinic::Role::Nurse}));
    must(boot.redeem_setup_token(must(boot.issue_setup_token("admin")), kPassword));
    must(boot.redeem_setup_token(must(boot.issue_setup_token("nurse")), kPassword));
  }

  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  /// Forks a server on a free port; returns its pid and port.
  std::pair<pid_t, int> start_server() {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    const pid_t child = ::fork();
    if (child == 0) {
      ::close(fds[0]);
      auto store = store::open_database(url_);
      if (!store) {
        _exit(2);
      }
      ServerOptions options;
      options.port = 0;
      options.access_log = false;
      options.threads = 8;
      Server server(**store, options);
      auto port = server.bind();
      if (!port) {
        _exit(3);
      }
      const int p = *port;
      if (::write(fds[1], &p, sizeof p) != sizeof p) {
        _exit(4);
      }
      (void)server.run();
      _exit(0);
    }
    ::close(fds[1]);
    int port = 0;
    const bool got = ::read(fds[0], &port, sizeof port) == sizeof port;
    ::close(fds[0]);
    EXPECT_TRUE(got) << "the server child did not start";
    return {child, port};
  }

  std::filesystem::path dir_;
  std::string url_;
};

TEST_F(ServerCrash, EveryAcknowledgedWriteSurvivesTwoHundredKills) {
  std::mt19937 random(20261203);
  std::set<std::string> acknowledged;
  std::mutex mutex;
  std::atomic<int> counter{0};
  Signed nurse;
  int kills = 0;
  for (int round = 0; round < kKills; ++round) {
    const auto [pid, port] = start_server();
    ASSERT_GT(port, 0);
    if (nurse.cookie.empty()) {  // one sign-in: the session lives in the database
      httplib::Client c("127.0.0.1", port);
      auto res = c.Post("/api/v1/auth/sign-in",
                        Json{{"user", "nurse"}, {"password", std::string(kPassword)}}.dump(),
                        "application/json");
      ASSERT_TRUE(res && res->status == 200);
      const std::string set_cookie = res->get_header_value("Set-Cookie");
      nurse.cookie = set_cookie.substr(0, set_cookie.find(';'));
      nurse.csrf = Json::parse(res->body).at("csrf_token").get<std::string>();
    }
    std::atomic<bool> stop{false};
    const auto writer = [&, port = port] {
      httplib::Client c("127.0.0.1", port);
      c.set_connection_timeout(1);
      c.set_read_timeout(2);
      const httplib::Headers headers = {{"Cookie", nurse.cookie}, {"X-CSRF-Token", nurse.csrf}};
      while (!stop) {
        const std::string name = fmt::format("Crash {}", counter++);
        const Json body = {
            {"name", name}, {"birth_date", "1980-01-01"}, {"sex", "F"}, {"weight_kg", 70}};
        auto res = c.Post("/api/v1/patients", headers, body.dump(), "application/json");
        if (!res) {
          return;  // the server is gone
        }
        if (res->status == 201) {
          const std::scoped_lock lock(mutex);
          acknowledged.insert(name);
        } else {
          ADD_FAILURE() << res->status << " " << res->body;
          return;
        }
      }
    };
    std::thread a(writer);
    std::thread b(writer);
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + random() % 60));
    ::kill(pid, SIGKILL);
    stop = true;
    a.join();
    b.join();
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the server stopped on its own (exit " << WEXITSTATUS(status) << ")";
    ++kills;
  }
  EXPECT_EQ(kills, kKills);
  EXPECT_GT(acknowledged.size(), static_cast<std::size_t>(kKills));  // writes did happen

  auto store = must(store::open_database(url_));
  clinic::ClinicService nurse_service(*store, "nurse");
  const auto patients = must(nurse_service.patients());
  std::set<std::string> stored;
  for (const auto& p : patients) {
    stored.insert(p.name);
    EXPECT_EQ(p.weights.size(), 1u) << p.name << ": a write stored in part";
  }
  for (const auto& name : acknowledged) {
    EXPECT_TRUE(stored.contains(name)) << "acknowledged " << name << " was lost";
  }
  // At most one unacknowledged write per writer per kill may have committed.
  EXPECT_LE(stored.size(), acknowledged.size() + 2 * kKills);
  const auto verdict = must(clinic::ClinicService(*store, "admin").verify_audit());
  EXPECT_TRUE(verdict.intact) << (verdict.problems.empty() ? "" : verdict.problems.front());
  std::cout << "server crash test: " << kills << " kills, " << acknowledged.size()
            << " acknowledged writes, " << stored.size() << " stored\n";
}

}  // namespace
}  // namespace ketapath::server::testing
