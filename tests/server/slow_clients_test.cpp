// Slow and idle clients (issue 11, "cpp-httplib's default pool is small and a slow client holds a
// thread"): with the default pool, 200 sockets that connect and send nothing, or only half a
// request line, leave a signed-in read answered in under a second; an idle socket is closed after
// the read timeout.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server_fixture.h"

namespace ketapath::server::testing {
namespace {

using Clock = std::chrono::steady_clock;

class SlowClients : public ServerFixture {
 protected:
  void customise(ServerOptions& options) override {
    options.threads = ServerOptions{}.threads;  // the default pool, as `ketapath serve` runs
    options.read_timeout_s = ServerOptions{}.read_timeout_s;
  }

  int open_socket() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    EXPECT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    return fd;
  }
};

TEST_F(SlowClients, TwoHundredIdleSocketsLeaveASignedInReadUnderASecond) {
  ASSERT_EQ(call("POST", "/api/v1/patients", "nurse",
                 {{"name", "Slow Test"}, {"birth_date", "1980-01-01"}, {"sex", "F"}})
                ->status,
            201);
  std::vector<int> sockets;
  for (int i = 0; i < 200; ++i) {
    const int fd = open_socket();
    if (i % 2 == 1) {
      const std::string_view partial = "GET /api/v1/patients HTTP/1.1\r\nHost: x";  // never ends
      ASSERT_EQ(::send(fd, partial.data(), partial.size(), 0),
                static_cast<ssize_t>(partial.size()));
    }
    sockets.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // all accepted and waiting
  for (int i = 0; i < 3; ++i) {
    httplib::Client fresh("127.0.0.1", port_);  // a new connection, as a browser tab opens one
    fresh.set_read_timeout(5);
    const auto start = Clock::now();
    auto res = fresh.Get("/api/v1/patients/1", {{"Cookie", signed_.at("nurse").cookie}});
    const auto took = Clock::now() - start;
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << res->body;
    EXPECT_LT(took, std::chrono::seconds(1))
        << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
  }
  // The server closes an idle socket after its read timeout: read() returns 0 (EOF).
  const int idle = sockets.front();
  timeval wait{ServerOptions{}.read_timeout_s + 3, 0};
  ASSERT_EQ(::setsockopt(idle, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait)), 0);
  char byte = 0;
  const auto start = Clock::now();
  EXPECT_LE(::recv(idle, &byte, 1, 0), 0);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(ServerOptions{}.read_timeout_s + 2));
  for (const int fd : sockets) {
    ::close(fd);
  }
}

}  // namespace
}  // namespace ketapath::server::testing
