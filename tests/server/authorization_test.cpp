// The authorization matrix, generated from the route table (server/routes.h): every route x every
// role and anonymous. A role the route lists is allowed (never 401/403); any other gets 403 and
// nothing is stored (audit length and audited rows unchanged); anonymous gets 401 except on
// public routes. A route added to the table is covered here without touching this file.

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "server/routes.h"
#include "server_fixture.h"

namespace ketapath::server::testing {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string concrete(std::string_view pattern) {
  std::string out(pattern);
  out = std::regex_replace(out, std::regex(R"(\{name\})"), "target");
  out = std::regex_replace(out, std::regex(R"(\{key\})"), "dosing_policy");
  out = std::regex_replace(out, std::regex(R"(\{[a-z]+\})"), "1");
  return out;
}

class Authorization : public ServerFixture {
 protected:
  void run_matrix();
  bool route_role_check_ = true;

  /// A plausible body per route, so that an allowed role's request reaches the service (where
  /// the service's own permission check would answer 403 if the table were too wide).
  Json sample_body(const Route& route, const std::string& who) {
    const std::string path(route.path);
    const std::string source = KETAPATH_SOURCE_DIR;
    if (path == "/api/v1/patients") {
      return {
          {"name", "Matrix " + who}, {"birth_date", "1980-02-03"}, {"sex", "F"}, {"weight_kg", 70}};
    }
    if (path.ends_with("/weights"))
      return {{"weight_kg", 71}};
    if (path.ends_with("/consents"))
      return {{"form_version", "v1"}, {"witness", "W. Witness"}};
    if (path.ends_with("/preview") && !path.ends_with("/doses/preview")) {
      // A dry run takes the body of the route that stores.
      Route storing = route;
      storing.path = path.ends_with("/sessions/preview") ? "/api/v1/sessions"
                                                         : "/api/v1/patients/{id}/screenings";
      return sample_body(storing, who);
    }
    if (path.ends_with("/medications"))
      return {{"action", "start"}, {"name", "sertraline"}, {"dose", "100 mg"}};
    if (path.ends_with("/amendments"))
      return {{"changes", Json::array({Json{{"field", "notes"}, {"value", "corrected"}}})},
              {"reason", "matrix"}};
    if (path.ends_with("/diagnoses"))
      return {{"disorder", "gad"}, {"icd10", "F41.1"}, {"primary", true}};
    if (path.ends_with("/treatment-history")) {
      return Json::parse(read_file(source + "/examples/clinic/history.json"));
    }
    if (path.ends_with("/screenings")) {
      return Json::parse(read_file(source + "/examples/clinic/screening.json"));
    }
    if (path == "/api/v1/orders/{id}/checks")
      return {{"weight_kg", 70}, {"dose_mg", 35}};
    if (path.ends_with("/waivers"))
      return {{"item", "escort"}, {"reason", "matrix"}};
    if (path.ends_with("/discontinue"))
      return {{"reason", "matrix"}};
    if (path.ends_with("/clearance"))
      return {{"reason", "reviewed"}};
    if (path.ends_with("/forecast/accept"))
      return {{"next_date", "2030-01-07"}, {"interval_days", 7}};
    if (path.ends_with("/forecast/reject"))
      return {{"reason", "matrix"}};
    if (path.find("/doses") != std::string::npos)
      return {{"route", "iv"}, {"dose_mg_per_kg", 0.5}};
    if (path == "/api/v1/patients/{id}/courses") {
      return {{"protocol", "iv_loading"},
              {"start", clinic::format_date(clinic::day_of(clock()()) + std::chrono::days(7))}};
    }
    if (path.ends_with("/reschedule")) {
      return {{"to", clinic::format_date(clinic::day_of(clock()()) + std::chrono::days(30))},
              {"reason", "moved"}};
    }
    if (path.ends_with("/complete") || path.ends_with("/cancel") || path.ends_with("/skip")) {
      return {{"reason", "matrix"}};
    }
    if (path == "/api/v1/sessions") {
      return Json::parse(read_file(source + "/examples/clinic/session.json"));
    }
    if (path.ends_with("/assessments"))
      return {{"scale", "gad-7"}, {"items", {1, 1, 1, 1, 1, 1, 1}}};
    if (path.ends_with("/acknowledge"))
      return {{"note", "called the patient"}};
    if (path.ends_with("/care-team"))
      return {{"role", "pcp"}, {"name", "Dr Matrix"}};
    if (path == "/api/v1/settings/{key}") {
      return Json::parse(call("GET", "/api/v1/settings/dosing_policy", "admin")->body);
    }
    if (path == "/api/v1/drugs") {
      return Json::parse(call("GET", "/api/v1/drugs", "admin")->body).at("drugs").at(0);
    }
    if (path == "/api/v1/users")
      return {{"name", "m." + who}, {"roles", {"nurse"}}};
    if (path == "/api/v1/public/consultation-requests") {
      return {{"name", "Matrix " + who},
              {"email", "matrix@example.org"},
              {"preferred_times", "mornings"},
              {"reason", "anxiety"}};
    }
    if (path == "/api/v1/consultation-requests/{id}/status")
      return {{"status", "contacted"}};
    if (path == "/api/v1/consultation-requests/{id}/patient")
      return {{"birth_date", "1990-01-01"}, {"sex", "F"}};
    // Custody: valid bodies, so the service's own role check answers (not the body parser).
    if (path == "/api/v1/stock") {
      return {
          {"product", "Ketamine 50 mg/mL"},
          {"concentration_mg_per_ml", 50},
          {"lot", "M-" + who},
          {"expires_on", clinic::format_date(clinic::day_of(clock()()) + std::chrono::days(365))},
          {"supplier", "matrix"},
          {"vials", 1},
          {"ml_per_vial", 10}};
    }
    if (path == "/api/v1/stock/{id}/waste")
      return {{"amount_mg", 1}, {"reason", "matrix"}, {"witness", "nurse"}};
    if (path == "/api/v1/stock/{id}/counts")
      return {{"counted_mg", 0}, {"investigation", "matrix"}};
    if (path == "/api/v1/auth/sign-in")
      return {{"user", "nobody"}};  // 400, not a failed sign-in
    return Json::object();
  }
};

bool allows(const Route& route, const std::string& who) {
  if (route.audience == Audience::Public) {
    return true;
  }
  if (who.empty()) {
    return false;
  }
  if (route.audience == Audience::SignedIn) {
    return true;
  }
  const auto role = must(clinic::parse_role(who));
  return std::find(route.roles.begin(), route.roles.end(), role) != route.roles.end();
}

void Authorization::run_matrix() {
  // A patient so that {id} = 1 names something.
  ASSERT_EQ(call("POST", "/api/v1/patients", "nurse",
                 {{"name", "First"}, {"birth_date", "1980-01-01"}, {"sex", "M"}, {"weight_kg", 80}})
                ->status,
            201);
  // A consultation request so that /consultation-requests/1 names something.
  ASSERT_EQ(call("POST", "/api/v1/public/consultation-requests", "",
                 {{"name", "First Request"},
                  {"phone", "+49 761 123456"},
                  {"preferred_times", "any"},
                  {"reason", "worry"}})
                ->status,
            201);
  std::vector<std::string> whos = role_names();
  whos.push_back("");  // anonymous
  int checked = 0;
  for (const Route& route : route_table()) {
    const std::string method(to_string(route.method));
    const std::string path = concrete(route.path);
    for (const std::string& who : whos) {
      SCOPED_TRACE(method + " " + path + " as " + (who.empty() ? "anonymous" : who));
      const Json body = route.method == Method::Get ? Json() : sample_body(route, who);
      const auto before = audit_state();
      auto res = call(method, path, who, body);
      ASSERT_TRUE(res);
      ++checked;
      if (allows(route, who)) {
        EXPECT_NE(res->status, 401) << res->body;
        EXPECT_NE(res->status, 403) << res->body;
        EXPECT_LT(res->status, 500) << res->body;
      } else {
        EXPECT_EQ(res->status, who.empty() ? 401 : 403) << res->body;
        if (!route_role_check_ && !who.empty()) {
          // The clinic service refused it on its own: its permission message, not the route's.
          EXPECT_NE(res->body.find(" may not "), std::string::npos) << res->body;
        }
        const Json error = Json::parse(res->body).at("error");
        EXPECT_EQ(error.at("code"), who.empty() ? "unauthenticated" : "forbidden");
        EXPECT_EQ(audit_state(), before) << "a refused request stored something";
      }
      if (route.path == "/api/v1/auth/sign-out" && !who.empty() && res->status == 200) {
        signed_[who] = sign_in(who);  // the matrix goes on with a new session
      }
    }
  }
  EXPECT_EQ(checked, static_cast<int>(route_table().size() * whos.size()));
}

TEST_F(Authorization, EveryRouteTimesEveryRoleAndAnonymous) {
  run_matrix();
}

// The same matrix with the server's route-table role check switched off: every request the
// table refuses reaches its handler, and the clinic service (clinic/domain/access.cpp) refuses it
// itself with 403 and nothing stored. A route whose roles are narrower than the service's fails
// here, so the CLI (which has only the service's check) can never do more than the table allows.
class ServiceAuthorization : public Authorization {
 protected:
  void customise(ServerOptions& options) override {
    options.route_role_check = false;
    route_role_check_ = false;
  }
};

TEST_F(ServiceAuthorization, TheServiceAloneRefusesWhatTheRouteTableRefuses) {
  run_matrix();
}

TEST_F(Authorization, TheOpenApiDocumentListsExactlyTheRegisteredRoutes) {
  const Json doc =
      Json::parse(read_file(std::string(KETAPATH_SOURCE_DIR) + "/src/server/openapi.json"));
  std::set<std::string> documented;
  for (const auto& [path, item] : doc.at("paths").items()) {
    for (const auto& [method, op] : item.items()) {
      std::string upper = method;
      std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
      documented.insert(upper + " " + path);
      // The roles the document states are the table's.
      (void)op;
    }
  }
  std::set<std::string> registered;
  for (const Route& route : route_table()) {
    registered.insert(std::string(to_string(route.method)) + " " + std::string(route.path));
    const Json& op = doc.at("paths").at(std::string(route.path)).at([&] {
      std::string m(to_string(route.method));
      std::transform(m.begin(), m.end(), m.begin(), ::tolower);
      return m;
    }());
    std::vector<std::string> roles;
    for (const auto r : route.roles) {
      roles.emplace_back(clinic::to_string(r));
    }
    EXPECT_EQ(op.at("x-roles").get<std::vector<std::string>>(), roles) << route.path;
  }
  EXPECT_EQ(documented, registered);
  // The server serves the same document.
  auto res = call("GET", "/api/v1/openapi.json", "");
  ASSERT_TRUE(res);
  EXPECT_EQ(Json::parse(res->body), doc);
}

}  // namespace
}  // namespace ketapath::server::testing
