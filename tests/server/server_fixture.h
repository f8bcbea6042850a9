#pragma once
// A real server on a free loopback port over a fresh SQLite database, with one signed-in user per
// role (tests/server). The service clock is the fixture's, so tests can move time.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "clinic/service/service.h"
#include "server/server.h"
#include "store/open.h"
#include "support/must.h"

namespace ketapath::server::testing {

using Json = nlohmann::json;
using ketapath::testing::must;

inline const std::vector<std::string>& role_names() {
  static const std::vector<std::string> names = {"admin", "prescriber", "nurse", "front_desk",
                                                 "auditor"};
  return names;
}

inline constexpr std::string_view kPassword = "long enough passphrase 7";

struct Signed {
  std::string cookie;  ///< "ketapath_session=..."
  std::string csrf;
};

/// The bundled ketamine model of the forecast routes, read once (forecast_model.cpp: Eigen is
/// kept out of this header, whose httplib.h brings resolv.h's `_res` macro).
std::shared_ptr<const pd::KetamineModel> bundled_forecast_model();

class ServerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/ketapath-server-test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    db_url_ = "sqlite:" + (dir_ / "clinic.db").string();
    choose_database();
    store_ = must(store::open_database(db_url_, open_options_));
    clinic::ClinicService boot(*store_, "boot", clock());
    must(boot.initialize());
    must(boot.add_user("admin", {clinic::Role::Admin}));
    auto admin = boot.acting_as("admin");
    must(admin.add_user("prescriber", {clinic::Role::Prescriber}));
    must(admin.add_user("nurse", {clinic::Role::Nurse}));
    must(admin.add_user("front_desk", {clinic::Role::FrontDesk}));
    must(admin.add_user("auditor", {clinic::Role::Auditor}));
    must(admin.add_user("target", {clinic::Role::Nurse}));
    // Sessions here name no stock lot (custody off, as in a clinic upgraded to custody that has not
    // turned it on; custody over HTTP: the stock routes in authorization_test.cpp).
    must(admin.set_custody_policy({.require_lot = false}));
    for (const auto& name : role_names()) {
      const std::string token = must(admin.issue_setup_token(name));
      must(admin.redeem_setup_token(token, kPassword));
    }
    ServerOptions options;
    options.port = 0;
    options.access_log = false;
    options.threads = 8;
    options.forms_per_window = 100;  // the rate-limit test sets its own
    options.max_body = 64 * 1024;
    options.clock = clock();
    options.forecast_model = bundled_forecast_model();
    options.forecast_model_label = "ketamine (test)";
    customise(options);
    server_ = std::make_unique<Server>(*store_, options);
    port_ = must(server_->bind());
    thread_ = std::thread([this] { (void)server_->run(); });
    client_ = std::make_unique<httplib::Client>(
        (tls_ca_.empty() ? "http://127.0.0.1:" : "https://127.0.0.1:") + std::to_string(port_));
    if (!tls_ca_.empty()) {
      client_->set_ca_cert_path(tls_ca_);
      client_->enable_server_certificate_verification(true);
    }
    client_->set_connection_timeout(5);
    client_->set_read_timeout(10);
    for (const auto& name : role_names()) {
      signed_[name] = sign_in(name);
    }
  }

  void TearDown() override {
    if (server_) {
      server_->stop();
    }
    if (thread_.joinable()) {
      thread_.join();
    }
    server_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  virtual void customise(ServerOptions& /*options*/) {}

  /// Sets db_url_ and open_options_ (default: a SQLite file in dir_).
  virtual void choose_database() {}

  clinic::Clock clock() {
    return [this] {
      return base_ + std::chrono::seconds(offset_.load());
    };
  }

  void advance(std::chrono::seconds s) { offset_ += s.count(); }

  Signed sign_in(const std::string& user, std::string_view password = kPassword) {
    const Json body = {{"user", user}, {"password", std::string(password)}};
    auto res = client_->Post("/api/v1/auth/sign-in", body.dump(), "application/json");
    record("POST", "/api/v1/auth/sign-in", res);
    EXPECT_TRUE(res);
    if (!res || res->status != 200) {
      ADD_FAILURE() << "sign-in of " << user << " failed: " << (res ? res->body : "no response");
      return {};
    }
    Signed s;
    const std::string set_cookie = res->get_header_value("Set-Cookie");
    s.cookie = set_cookie.substr(0, set_cookie.find(';'));
    s.csrf = Json::parse(res->body).at("csrf_token").get<std::string>();
    return s;
  }

  /// With KETAPATH_RECORD_RESPONSES=FILE, every response of the server tests is appended to FILE
  /// as one JSON line; tests/server/openapi-check validates them against openapi.json (ajv).
  static void record(const std::string& method, const std::string& path,
                     const httplib::Result& res) {
    const char* file = std::getenv("KETAPATH_RECORD_RESPONSES");
    if (file == nullptr || *file == '\0' || !res) {
      return;
    }
    const Json line = {{"method", method},
                       {"path", path},
                       {"status", res->status},
                       {"content_type", res->get_header_value("Content-Type")},
                       {"body", res->body}};
    std::ofstream(file, std::ios::app)
        << line.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
  }

  /// A request as `who` (a role name, or "" for anonymous) with the CSRF token unless told not.
  httplib::Result call(const std::string& method, const std::string& path, const std::string& who,
                       const Json& body = Json::object(), bool with_csrf = true) {
    httplib::Headers headers;
    if (!who.empty()) {
      const Signed& s = signed_.at(who);
      headers.emplace("Cookie", s.cookie);
      if (with_csrf) {
        headers.emplace("X-CSRF-Token", s.csrf);
      }
    }
    httplib::Result res = [&] {
      if (method == "GET") {
        return client_->Get(path, headers);
      }
      const std::string text = body.dump();
      if (method == "PUT") {
        return client_->Put(path, headers, text, "application/json");
      }
      return client_->Post(path, headers, text, "application/json");
    }();
    record(method, path, res);
    return res;
  }

  /// The audit log's length and the rows it vouches for, via the API (admin).
  std::pair<std::int64_t, std::int64_t> audit_state() {
    if (server_) {
      // Chart reads recorded so far are written now, so a comparison sees only its request's.
      EXPECT_TRUE(server_->flush_chart_access());
    }
    auto res = call("GET", "/api/v1/audit/verify", "admin");
    EXPECT_TRUE(res && res->status == 200);
    const Json j = Json::parse(res->body);
    EXPECT_TRUE(j.at("intact").get<bool>()) << res->body;
    return {j.at("last_sequence").get<std::int64_t>(), j.at("rows_checked").get<std::int64_t>()};
  }

  std::filesystem::path dir_;
  std::string db_url_;
  store::OpenOptions open_options_;
  std::string tls_ca_;  ///< set by customise() for TLS: the certificate the client trusts
  std::unique_ptr<store::Database> store_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::unique_ptr<httplib::Client> client_;
  std::map<std::string, Signed> signed_;
  clinic::Timestamp base_ = clinic::system_now();
  std::atomic<std::int64_t> offset_{0};
};

}  // namespace ketapath::server::testing
