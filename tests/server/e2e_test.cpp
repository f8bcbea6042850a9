// End to end over TLS and over PostgreSQL (issue 11, Deliver 1: "SQLite stays the embedded
// default; PostgreSQL works the same"; --tls-cert/--tls-key).
// - TLS: a self-signed certificate made here with openssl (for 127.0.0.1); the client verifies it
//   against that certificate; the session cookie is Secure, HSTS is sent, plain HTTP gets nothing.
// - PostgreSQL ($KETAPATH_TEST_POSTGRES_URL, a schema of its own; skipped without it): sign-in,
//   a registration, the chart, the consultation form and the audit log through the server.

#include "server_fixture.h"
#include "store/test_databases.h"

namespace ketapath::server::testing {
namespace {

class TlsServer : public ServerFixture {
 protected:
  void customise(ServerOptions& options) override {
    const auto cert = dir_ / "cert.pem";
    const auto key = dir_ / "key.pem";
    const std::string command = fmt::format(
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout {} -out {} -days 2 -subj "
        "/CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1",
        key.string(), cert.string());
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    options.tls_cert = cert.string();
    options.tls_key = key.string();
    tls_ca_ = cert.string();
  }
};

TEST_F(TlsServer, SignInAndReadOverVerifiedTls) {
  ASSERT_FALSE(signed_.at("nurse").cookie.empty());  // the fixture signed in over https
  auto added = call("POST", "/api/v1/patients", "nurse",
                    {{"name", "Tls Patient"}, {"birth_date", "1980-01-01"}, {"sex", "F"}});
  ASSERT_TRUE(added);
  ASSERT_EQ(added->status, 201) << added->body;
  auto chart = call("GET", "/api/v1/patients/1", "nurse");
  ASSERT_TRUE(chart);
  EXPECT_EQ(chart->status, 200);
  EXPECT_EQ(Json::parse(chart->body).at("name"), "Tls Patient");
  EXPECT_NE(chart->get_header_value("Strict-Transport-Security").find("max-age="),
            std::string::npos);
  // The cookie of a sign-in over TLS is Secure.
  auto res = client_->Post("/api/v1/auth/sign-in",
                           Json{{"user", "nurse"}, {"password", std::string(kPassword)}}.dump(),
                           "application/json");
  ASSERT_TRUE(res);
  EXPECT_NE(res->get_header_value("Set-Cookie").find("; Secure"), std::string::npos);
  // Plain HTTP to the TLS port gets no answer.
  httplib::Client plain("127.0.0.1", port_);
  plain.set_read_timeout(3);
  auto refused = plain.Get("/api/v1/health");
  EXPECT_TRUE(!refused || refused->status >= 400);
  // A client that does not trust the certificate refuses the connection.
  httplib::Client untrusting("https://127.0.0.1:" + std::to_string(port_));
  untrusting.enable_server_certificate_verification(true);
  untrusting.set_ca_cert_path((dir_ / "nonexistent.pem").string());
  EXPECT_FALSE(untrusting.Get("/api/v1/health"));
}

class PostgresServer : public ServerFixture {
 protected:
  void SetUp() override {
    if (!store::testing::postgres_test_url()) {
      GTEST_SKIP() << "KETAPATH_TEST_POSTGRES_URL is not set";
    }
    ServerFixture::SetUp();
  }

  void choose_database() override {
    pg_ = std::make_unique<store::testing::PostgresTestDatabase>(
        *store::testing::postgres_test_url());
    db_url_ = pg_->url();
    open_options_ = pg_->options();
  }

  std::unique_ptr<store::testing::PostgresTestDatabase> pg_;
};

TEST_F(PostgresServer, TheClinicWorksTheSameOverPostgres) {
  auto added =
      call("POST", "/api/v1/patients", "nurse",
           {{"name", "Pg Patient"}, {"birth_date", "1980-01-01"}, {"sex", "F"}, {"weight_kg", 70}});
  ASSERT_TRUE(added);
  ASSERT_EQ(added->status, 201) << added->body;
  const auto id = Json::parse(added->body).at("id").get<std::int64_t>();
  auto chart = call("GET", "/api/v1/patients/" + std::to_string(id), "prescriber");
  ASSERT_TRUE(chart);
  EXPECT_EQ(chart->status, 200);
  EXPECT_EQ(Json::parse(chart->body).at("weights").size(), 1u);
  EXPECT_EQ(call("GET", "/api/v1/patients/" + std::to_string(id), "front_desk")->status, 403);
  auto form = client_->Post("/api/v1/public/consultation-requests",
                            Json{{"name", "Pg Request"},
                                 {"email", "pg@example.org"},
                                 {"preferred_times", "any"},
                                 {"reason", "worry"}}
                                .dump(),
                            "application/json");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 201) << form->body;
  auto queue = call("GET", "/api/v1/consultation-requests", "front_desk");
  ASSERT_TRUE(queue);
  EXPECT_EQ(Json::parse(queue->body).at("consultation_requests").size(), 1u);
  // Sessions live in the database: sign-out revokes across the store.
  EXPECT_EQ(call("POST", "/api/v1/auth/sign-out", "auditor")->status, 200);
  EXPECT_EQ(call("GET", "/api/v1/audit/verify", "auditor")->status, 401);
  const auto state = audit_state();
  EXPECT_GT(state.first, 5);
  EXPECT_GT(state.second, 0);
}

}  // namespace
}  // namespace ketapath::server::testing
