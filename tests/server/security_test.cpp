// Sign-in, sessions, CSRF, body limits, headers, hostile text and lockout against a real server.

#include "clinic/service/sign_in.h"
#include "server/http_error.h"
#include "server_fixture.h"

namespace ketapath::server::testing {
namespace {

using namespace std::chrono_literals;

class Security : public ServerFixture {};

const Json kPatient = {
    {"name", "Ada Example"}, {"birth_date", "1980-01-01"}, {"sex", "F"}, {"weight_kg", 70}};

TEST_F(Security, StateChangesNeedTheSessionsCsrfToken) {
  const auto before = audit_state();
  auto missing = call("POST", "/api/v1/patients", "nurse", kPatient, /*with_csrf=*/false);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 403);
  EXPECT_EQ(Json::parse(missing->body)["error"]["field"], "X-CSRF-Token");
  // Another user's token is wrong for this session.
  httplib::Headers headers = {{"Cookie", signed_.at("nurse").cookie},
                              {"X-CSRF-Token", signed_.at("prescriber").csrf}};
  auto wrong = client_->Post("/api/v1/patients", headers, kPatient.dump(), "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403);
  EXPECT_EQ(audit_state(), before);
  auto right = call("POST", "/api/v1/patients", "nurse", kPatient);
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 201) << right->body;
  EXPECT_GT(audit_state().first, before.first);
}

TEST_F(Security, SignInIssuesAFreshSessionAndIgnoresAPlantedOne) {
  // A session id planted by an attacker is not a session: 401, and sign-in never adopts it.
  const std::string planted = clinic::random_token();
  httplib::Headers headers = {{"Cookie", "ketapath_session=" + planted}};
  auto res = client_->Get("/api/v1/auth/me", headers);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  auto signed_in =
      client_->Post("/api/v1/auth/sign-in", headers,
                    Json{{"user", "nurse"}, {"password", kPassword}}.dump(), "application/json");
  ASSERT_TRUE(signed_in);
  ASSERT_EQ(signed_in->status, 200);
  const std::string cookie = signed_in->get_header_value("Set-Cookie");
  EXPECT_EQ(cookie.find(planted), std::string::npos);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);  // plain HTTP on loopback in this test
  // A second sign-in gets another id; both are valid until signed out.
  EXPECT_NE(sign_in("nurse").cookie, signed_.at("nurse").cookie);
  EXPECT_EQ(client_->Get("/api/v1/auth/me", headers)->status, 401);
}

TEST_F(Security, SignOutRevokesTheSessionServerSide) {
  const Signed s = signed_.at("nurse");
  ASSERT_EQ(call("GET", "/api/v1/auth/me", "nurse")->status, 200);
  ASSERT_EQ(call("POST", "/api/v1/auth/sign-out", "nurse")->status, 200);
  // The old cookie, replayed, no longer works even though the client kept it.
  auto replay = client_->Get("/api/v1/auth/me", httplib::Headers{{"Cookie", s.cookie}});
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->status, 401);
  EXPECT_EQ(Json::parse(replay->body)["error"]["code"], "unauthenticated");
}

TEST_F(Security, SessionsExpireWhenIdleAndAtTheAbsoluteLimit) {
  ASSERT_EQ(call("GET", "/api/v1/alerts", "nurse")->status, 200);
  advance(29min);
  ASSERT_EQ(call("GET", "/api/v1/alerts", "nurse")->status, 200);
  advance(31min);  // idle 31 min > 30 min (the last-seen write is hourly in this fixture)
  EXPECT_EQ(call("GET", "/api/v1/alerts", "nurse")->status, 401);
  // Absolute: a session used every 20 minutes still ends 12 h after sign-in.
  signed_["prescriber"] = sign_in("prescriber");
  for (int i = 0; i < 40; ++i) {
    advance(20min);
    auto res = call("GET", "/api/v1/alerts", "prescriber");
    if (res->status == 401) {
      EXPECT_GE(i * 20 + 20, 12 * 60);
      return;
    }
  }
  ADD_FAILURE() << "the session outlived its absolute expiry";
}

TEST_F(Security, OversizedBodiesGet413AndStoreNothing) {
  const auto before = audit_state();
  Json huge = kPatient;
  huge["name"] = std::string(200 * 1024, 'a');
  auto res = call("POST", "/api/v1/patients", "nurse", huge);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(Json::parse(res->body)["error"]["code"], "too_large");
  EXPECT_EQ(audit_state(), before);
}

TEST_F(Security, HostileTextIsStoredVerbatimNeverExecuted) {
  const std::vector<std::string> hostile = {
      "Robert'); DROP TABLE patients;--", "' OR '1'='1",
      "\"; DELETE FROM audit_log; --",    "1; UPDATE users SET roles='admin'",
      "<script>alert(1)</script>",        "$1 $2 \\x00 %s %n"};
  for (const auto& text : hostile) {
    Json p = kPatient;
    p["name"] = text;
    auto added = call("POST", "/api/v1/patients", "nurse", p);
    ASSERT_TRUE(added);
    ASSERT_EQ(added->status, 201) << added->body;
    const auto id = Json::parse(added->body).at("id").get<std::int64_t>();
    auto chart = call("GET", "/api/v1/patients/" + std::to_string(id), "nurse");
    ASSERT_EQ(chart->status, 200);
    EXPECT_EQ(Json::parse(chart->body).at("name"), text);
    auto team = call("POST", "/api/v1/patients/" + std::to_string(id) + "/care-team", "nurse",
                     {{"role", "pcp"}, {"name", text}, {"practice", text}, {"contact", text}});
    ASSERT_EQ(team->status, 201) << team->body;
    EXPECT_EQ(Json::parse(team->body).at("practice"), text);
  }
  // Every table still there, every row still vouched for by the audit log.
  auto list = call("GET", "/api/v1/patients", "front_desk");
  ASSERT_EQ(list->status, 200);
  EXPECT_EQ(Json::parse(list->body).at("patients").size(), hostile.size());
  EXPECT_GT(audit_state().second, 0);
  auto users = call("GET", "/api/v1/users", "auditor");
  const Json listed = Json::parse(users->body);  // named: the loop must not outlive it
  for (const auto& u : listed.at("users")) {
    if (u.at("name") == "nurse") {
      EXPECT_EQ(u.at("roles"), Json::array({"nurse"}));
    }
  }
}

TEST_F(Security, FailedSignInsSlowDownAndLockTheAccountAudited) {
  int refused = 0;
  int limited = 0;
  for (int i = 0; i < 5; ++i) {
    advance(1min);  // past the account's growing delay, so that every attempt counts
    auto res = client_->Post(
        "/api/v1/auth/sign-in",
        Json{{"user", "prescriber"}, {"password", "wrong password " + std::to_string(i)}}.dump(),
        "application/json");
    ASSERT_TRUE(res);
    refused += res->status == 401;
    limited += res->status == 429;
  }
  EXPECT_EQ(refused + limited, 5);
  // The address now waits (429 with rate_limited) before any further attempt is checked.
  auto throttled = client_->Post("/api/v1/auth/sign-in",
                                 Json{{"user", "prescriber"}, {"password", kPassword}}.dump(),
                                 "application/json");
  ASSERT_TRUE(throttled);
  EXPECT_EQ(throttled->status, 429);
  EXPECT_EQ(Json::parse(throttled->body)["error"]["code"], "rate_limited");
  std::this_thread::sleep_for(1200ms);
  // The account is locked: even the right password is refused, with the same message.
  auto locked = client_->Post("/api/v1/auth/sign-in",
                              Json{{"user", "prescriber"}, {"password", kPassword}}.dump(),
                              "application/json");
  ASSERT_TRUE(locked);
  EXPECT_EQ(locked->status, 401);
  // The lockout is in the audit log, under the locked user.
  auto reader = must(store::open_database(db_url_));
  bool lockout = false;
  for (const auto& e : must(reader->audit().entries(1, 100000))) {
    if (e.record.action == "auth.lockout") {
      lockout = true;
      EXPECT_EQ(e.record.actor, "prescriber");
      EXPECT_EQ(e.record.after_json.find(std::string(kPassword)), std::string::npos);
    }
  }
  EXPECT_TRUE(lockout);
  // After the lock time the right password works again (the service clock moves; the address
  // throttle is real time, so wait it out first).
  advance(16min);
  std::this_thread::sleep_for(2200ms);
  EXPECT_EQ(sign_in("prescriber").csrf.empty(), false);
}

TEST_F(Security, ResponsesCarrySecurityHeadersAndErrorsAreJson) {
  auto res = call("GET", "/api/v1/nothing-here", "nurse");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(Json::parse(res->body)["error"]["code"], "not_found");
  const std::string csp = res->get_header_value("Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(res->get_header_value("X-Frame-Options"), "DENY");
  // Malformed JSON is a 400 naming the body, never an echo of it.
  httplib::Headers headers = {{"Cookie", signed_.at("nurse").cookie},
                              {"X-CSRF-Token", signed_.at("nurse").csrf}};
  auto bad =
      client_->Post("/api/v1/patients", headers, "{\"name\": \"SECRET-ECHO", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(Json::parse(bad->body)["error"]["field"], "body") << bad->body;
  // A clinical refusal is 422 with the service's message.
  Json young = kPatient;
  young["weight_kg"] = 5000;
  auto refused = call("POST", "/api/v1/patients", "nurse", young);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 422) << refused->body;
  EXPECT_EQ(Json::parse(refused->body)["error"]["code"], "refused");
}

TEST(ServerOptionsTest, PlainHttpOnANonLoopbackAddressNeedsInsecureHttp) {
  ServerOptions o;
  ASSERT_TRUE(parse_listen("0.0.0.0:8080", o));
  EXPECT_FALSE(check_options(o));
  o.insecure_http = true;
  EXPECT_TRUE(check_options(o));
  o.insecure_http = false;
  o.tls_cert = "cert.pem";
  EXPECT_FALSE(check_options(o));  // the key is missing
  o.tls_key = "key.pem";
  EXPECT_TRUE(check_options(o));
  ServerOptions local;
  ASSERT_TRUE(parse_listen("[::1]:0", local));
  EXPECT_EQ(local.host, "::1");
  EXPECT_TRUE(check_options(local));
  EXPECT_FALSE(parse_listen("8080", local));
  EXPECT_FALSE(parse_listen("127.0.0.1:99999", local));
}

TEST(HttpErrorTest, OneMappingOfErrorCodes) {
  using core::ErrorCode;
  EXPECT_EQ(http_status_for(ErrorCode::InvalidArgument), 400);
  EXPECT_EQ(http_status_for(ErrorCode::InvalidData), 400);
  EXPECT_EQ(http_status_for(ErrorCode::Validation), 422);
  EXPECT_EQ(http_status_for(ErrorCode::LimitExceeded), 422);
  EXPECT_EQ(http_status_for(ErrorCode::NotFound), 404);
  EXPECT_EQ(http_status_for(ErrorCode::Conflict), 409);
  EXPECT_EQ(http_status_for(ErrorCode::Storage), 500);
  EXPECT_EQ(http_status_for(ErrorCode::Unauthorized), 403);
  // A 5xx never shows the underlying message (it may hold SQL).
  const auto e =
      to_http_error({ErrorCode::Storage, "near \"DROP\": syntax error in SELECT * FROM users"});
  EXPECT_EQ(e.message.find("SELECT"), std::string::npos);
  EXPECT_EQ(e.code, "storage");
}

TEST(PasswordTest, RulesAndHashing) {
  EXPECT_FALSE(clinic::password_problem("nina", "short").empty());
  EXPECT_FALSE(clinic::password_problem("nina", "Password1234").empty());  // common
  EXPECT_FALSE(clinic::password_problem("nina.long.name", "NINA.LONG.NAME").empty());
  EXPECT_FALSE(clinic::password_problem("nina", std::string(13, 'x')).empty());
  EXPECT_TRUE(clinic::password_problem("nina", "a sound passphrase").empty());
  const std::string hash = must(clinic::hash_password("a sound passphrase"));
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(clinic::password_matches("a sound passphrase", hash));
  EXPECT_FALSE(clinic::password_matches("a sound passphrasE", hash));
  EXPECT_NE(must(clinic::hash_password("a sound passphrase")), hash);  // salted
}

}  // namespace
}  // namespace ketapath::server::testing
