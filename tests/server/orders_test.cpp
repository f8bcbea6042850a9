// Issue 15 items 2-4 over HTTP: a session (POST /api/v1/sessions) is refused, with nothing stored,
// without an order, without a double check, with the recording user's own check, with a check
// that does not match, or with an incomplete checklist; a prescriber's waiver completes it, both
// names are recorded, and only a prescriber waives or discontinues (the route table's roles).

#include <fstream>

#include "server_fixture.h"

namespace ketapath::server::testing {
namespace {

class Orders : public ServerFixture {
 protected:
  /// A cleared 70 kg patient (GAD, a failed adequate trial, consent, eligible screening).
  void SetUp() override {
    ServerFixture::SetUp();
    const std::string source = KETAPATH_SOURCE_DIR;
    const auto read = [&](const std::string& name) {
      return Json::parse(std::ifstream(source + "/examples/clinic/" + name));
    };
    // The session: the example shifted to end now (its day names the order's day).
    session_ = read("session.json");
    session_["patient"] = 1;
    for (const char* key : {"course", "course_session", "dose_record", "double_check"}) {
      session_.erase(key);
    }
    const clinic::Timestamp example_start = must(clinic::parse_timestamp("2026-11-20T09:00:00Z"));
    const auto now = std::chrono::floor<std::chrono::seconds>(clock()());
    const auto shift = now - std::chrono::minutes(170) - example_start;
    std::function<void(Json&)> move = [&](Json& j) {
      if (j.is_object() || j.is_array()) {
        for (auto& v : j) {
          move(v);
        }
      } else if (j.is_string() && j.get<std::string>().size() == 20 &&
                 j.get<std::string>()[10] == 'T') {
        j = clinic::format_timestamp(must(clinic::parse_timestamp(j.get<std::string>())) + shift);
      }
    };
    move(session_);
    day_ = session_.at("started_at").get<std::string>().substr(0, 10);

    ASSERT_EQ(call("POST", "/api/v1/patients", "nurse",
                   {{"name", "Order Test"},
                    {"birth_date", "1980-01-02"},
                    {"sex", "F"},
                    {"weight_kg", 70},
                    {"weighed_on", day_}})
                  ->status,
              201);
    ASSERT_EQ(call("POST", "/api/v1/patients/1/diagnoses", "prescriber",
                   {{"disorder", "gad"}, {"icd10", "F41.1"}, {"primary", true}})
                  ->status,
              201);
    ASSERT_EQ(
        call("POST", "/api/v1/patients/1/treatment-history", "nurse", read("history.json"))->status,
        201);
    ASSERT_EQ(call("POST", "/api/v1/patients/1/consents", "nurse",
                   {{"form_version", "v1"}, {"witness", "W. Itness"}, {"consented_on", day_}})
                  ->status,
              201);
    auto screened = call("POST", "/api/v1/patients/1/screenings?screened_on=" + day_, "nurse",
                         read("screening.json"));
    ASSERT_EQ(screened->status, 201) << screened->body;
    auto order = call("POST", "/api/v1/patients/1/doses", "prescriber",
                      {{"route", "iv"}, {"dose_mg_per_kg", 0.5}, {"date", day_}});
    ASSERT_EQ(order->status, 201) << order->body;
    order_ = Json::parse(order->body).at("id").get<int>();
  }

  /// A double check of the order by `who` with the weight and dose given; its id.
  int check(const std::string& who, double weight_kg, double dose_mg) {
    auto res = call("POST", "/api/v1/orders/" + std::to_string(order_) + "/checks", who,
                    {{"weight_kg", weight_kg}, {"dose_mg", dose_mg}, {"date", day_}});
    EXPECT_EQ(res->status, 201) << res->body;
    return res->status == 201 ? Json::parse(res->body).at("id").get<int>() : 0;
  }

  std::size_t sessions() {
    auto res = call("GET", "/api/v1/patients/1/sessions", "nurse");
    return Json::parse(res->body).at("sessions").size();
  }

  /// POST the session as the nurse: 422 naming `says`, nothing stored.
  void expect_refused(const Json& body, const std::string& says) {
    const auto before = audit_state();
    auto res = call("POST", "/api/v1/sessions", "nurse", body);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 422) << res->body;
    EXPECT_NE(res->body.find(says), std::string::npos) << res->body;
    EXPECT_EQ(audit_state(), before);
    EXPECT_EQ(sessions(), 0u);
  }

  Json session_;
  std::string day_;
  int order_ = 0;
};

TEST_F(Orders, EveryAdministrationGateRefusesOverHttpWithNothingStored) {
  // No order.
  expect_refused(session_, "session: no order");
  Json s = session_;
  s["dose_record"] = order_;
  // No double check (IV needs one by default).
  expect_refused(s, "no independent double check");
  // The recording nurse's own check.
  s["double_check"] = check("nurse", 70, 35);
  expect_refused(s, "the check must be by a second user");
  // A second user's check that does not match: both values shown.
  s["double_check"] = check("prescriber", 72, 35);
  expect_refused(s, "weight 70 kg here, 72 kg by prescriber");
  // A matching check, but the checklist without an escort answer.
  s["double_check"] = check("prescriber", 70, 35);
  s["checklist"].erase("escort_home_arranged");
  expect_refused(s,
                 "the pre-dose checklist is not complete: escort: escort_home_arranged is "
                 "not answered");
  // Only a prescriber waives; then the session goes through with both names.
  const std::string waivers = "/api/v1/orders/" + std::to_string(order_) + "/waivers";
  const Json waiver = {{"item", "escort"}, {"reason", "taxi booked by the clinic"}, {"date", day_}};
  EXPECT_EQ(call("POST", waivers, "nurse", waiver)->status, 403);
  ASSERT_EQ(call("POST", waivers, "prescriber", waiver)->status, 201);
  auto recorded = call("POST", "/api/v1/sessions", "nurse", s);
  ASSERT_EQ(recorded->status, 201) << recorded->body;
  const Json stored = Json::parse(recorded->body).at("session");
  EXPECT_EQ(stored.at("recorded_by"), "nurse");
  EXPECT_EQ(stored.at("checked_by"), "prescriber");
  EXPECT_NE(stored.at("checklist").at("waivers").dump().find("escort: taxi booked"),
            std::string::npos)
      << stored.dump();
  // The checks as listed: who and when, never the checker's numbers.
  auto listed = call("GET", "/api/v1/orders/" + std::to_string(order_) + "/checks", "nurse");
  ASSERT_EQ(listed->status, 200);
  for (const Json& c : Json::parse(listed->body).at("checks")) {
    EXPECT_TRUE(c.at("weight_kg").is_null() && c.at("dose_mg").is_null()) << c.dump();
  }
  // Discontinuing: a prescriber's, once.
  const std::string stop = "/api/v1/orders/" + std::to_string(order_) + "/discontinue";
  EXPECT_EQ(call("POST", stop, "nurse", {{"reason", "x"}})->status, 403);
  auto stopped = call("POST", stop, "prescriber", {{"reason", "course changed to SC"}});
  ASSERT_EQ(stopped->status, 200) << stopped->body;
  EXPECT_EQ(Json::parse(stopped->body).at("order").at("status"), "discontinued");
  EXPECT_EQ(call("POST", stop, "prescriber", {{"reason", "again"}})->status, 409);
  // A check against a discontinued order is refused.
  auto late = call("POST", "/api/v1/orders/" + std::to_string(order_) + "/checks", "prescriber",
                   {{"weight_kg", 70}, {"dose_mg", 35}, {"date", day_}});
  EXPECT_EQ(late->status, 422) << late->body;
}

}  // namespace
}  // namespace ketapath::server::testing
