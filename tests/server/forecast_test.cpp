// The forecast routes (issue 13): GET /patients/{id}/forecast is `clinic forecast --json` with
// the patient's decisions (and the chart as SVG); POST .../forecast/accept and .../reject are a
// prescriber's, map the service's refusals to 422 (the rule stands, a blank reason) and store
// nothing then. The full accept (a course through the gates) is in tests/clinic/forecast_test.cpp
// and the web e2e; the role matrix in authorization_test.cpp. GET /patients/{id}/session-forecast
// is `clinic session-forecast --json` (the PK/PD-aware session, issue 13 item 4).

#include "server_fixture.h"

namespace ketapath::server::testing {
namespace {

class ForecastRoutes : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    ASSERT_EQ(call("POST", "/api/v1/patients", "nurse",
                   {{"name", "Fore Cast"}, {"birth_date", "1980-01-01"}, {"sex", "F"}})
                  ->status,
              201);
  }
};

TEST_F(ForecastRoutes, TooFewDataSaySoAndTheAcceptIsRefusedAtTheGate) {
  auto res = call("GET", "/api/v1/patients/1/forecast", "nurse");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const Json f = Json::parse(res->body);
  EXPECT_FALSE(f.at("sufficient").get<bool>());
  EXPECT_EQ(f.at("basis"), "rule");
  EXPECT_EQ(f.at("model"), "ketamine (test)");
  EXPECT_EQ(f.at("decisions"), Json::array());
  const auto before = audit_state();
  auto accept = call("POST", "/api/v1/patients/1/forecast/accept", "prescriber",
                     {{"next_date", "2030-01-07"}, {"interval_days", 14}});
  ASSERT_TRUE(accept);
  EXPECT_EQ(accept->status, 422) << accept->body;
  // The clearance gate answers first (no consent yet), before a forecast is computed; with
  // clearance, the rule-based refusal of tests/clinic/forecast_test.cpp follows.
  EXPECT_NE(accept->body.find("no informed consent"), std::string::npos) << accept->body;
  // The above-risk reason is a field of the body (a string): read, then the same gate answers.
  auto reasoned = call("POST", "/api/v1/patients/1/forecast/accept", "prescriber",
                       {{"next_date", "2030-01-07"},
                        {"interval_days", 14},
                        {"above_risk_reason", "best plan found"}});
  ASSERT_TRUE(reasoned);
  EXPECT_EQ(reasoned->status, 422) << reasoned->body;
  EXPECT_NE(reasoned->body.find("no informed consent"), std::string::npos) << reasoned->body;
  auto typed = call("POST", "/api/v1/patients/1/forecast/accept", "prescriber",
                    {{"next_date", "2030-01-07"}, {"interval_days", 14}, {"above_risk_reason", 3}});
  ASSERT_TRUE(typed);
  EXPECT_EQ(typed->status, 400) << typed->body;
  EXPECT_NE(typed->body.find("above_risk_reason"), std::string::npos) << typed->body;
  auto missing = call("POST", "/api/v1/patients/1/forecast/accept", "prescriber", Json::object());
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400) << missing->body;
  EXPECT_NE(missing->body.find("next_date"), std::string::npos) << missing->body;
  EXPECT_EQ(audit_state(), before);
}

TEST_F(ForecastRoutes, RejectNeedsAReasonAndTheChartShowsIt) {
  const auto before = audit_state();
  auto blank = call("POST", "/api/v1/patients/1/forecast/reject", "prescriber", {{"reason", "  "}});
  ASSERT_TRUE(blank);
  EXPECT_EQ(blank->status, 422) << blank->body;
  EXPECT_EQ(audit_state(), before);
  auto res = call("POST", "/api/v1/patients/1/forecast/reject", "prescriber",
                  {{"reason", "prefers the weekly plan"}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  EXPECT_EQ(Json::parse(res->body).at("decision").at("decision"), "rejected");
  const Json f = Json::parse(call("GET", "/api/v1/patients/1/forecast", "auditor")->body);
  ASSERT_EQ(f.at("decisions").size(), 1U);
  EXPECT_EQ(f.at("decisions")[0].at("reason"), "prefers the weekly plan");
  EXPECT_EQ(f.at("decisions")[0].at("decided_by"), "prescriber");
  EXPECT_EQ(f.at("decisions")[0].at("basis").at("sufficient"), false);
}

TEST_F(ForecastRoutes, QueryIsCheckedAndTheChartIsSvg) {
  auto bad = call("GET", "/api/v1/patients/1/forecast?risk=abc", "nurse");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400) << bad->body;
  auto out = call("GET", "/api/v1/patients/1/forecast?risk=1.5", "nurse");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 422) << out->body;
  auto phq = call("GET", "/api/v1/patients/1/forecast?scale=phq-9", "nurse");
  ASSERT_TRUE(phq);
  EXPECT_EQ(phq->status, 422) << phq->body;
  auto svg = call("GET", "/api/v1/patients/1/forecast?format=svg", "nurse");
  ASSERT_TRUE(svg);
  ASSERT_EQ(svg->status, 200) << svg->body;
  EXPECT_EQ(svg->get_header_value("Content-Type"), "image/svg+xml");
  EXPECT_NE(svg->body.find("<svg"), std::string::npos) << svg->body.substr(0, 80);
}

TEST_F(ForecastRoutes, SessionForecastOfADoseToComeIsReadOnly) {
  // No weight on record: a dose to come cannot be computed (the service's refusal, 422).
  auto none = call("GET", "/api/v1/patients/1/session-forecast", "nurse");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 422) << none->body;
  EXPECT_NE(none->body.find("weight"), std::string::npos) << none->body;
  ASSERT_EQ(call("POST", "/api/v1/patients/1/weights", "nurse", {{"weight_kg", 80}})->status, 201);
  const auto before = audit_state();
  for (const char* role : {"nurse", "prescriber", "auditor", "admin"}) {
    auto res = call("GET", "/api/v1/patients/1/session-forecast?route=iv&dose_mg_per_kg=0.5", role);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << role << ": " << res->body;
    const Json f = Json::parse(res->body);
    EXPECT_EQ(f.at("model"), "ketamine (test)");
    EXPECT_EQ(f.at("route"), "iv");
    EXPECT_DOUBLE_EQ(f.at("dose_mg").get<double>(), 40.0);  // 0.5 mg/kg x 80 kg
    EXPECT_DOUBLE_EQ(f.at("infusion_minutes").get<double>(), 40.0);
    EXPECT_EQ(f.at("earlier_doses"), 0);
    EXPECT_EQ(f.at("hours").size(), f.at("systolic_rise_mmhg").at("median").size());
    EXPECT_FALSE(f.at("vitals_check_hours").empty());
    // The predicted discharge never comes before the minimum observation.
    if (!f.at("earliest_discharge_hours").is_null()) {
      EXPECT_GE(f.at("earliest_discharge_hours").get<double>(),
                f.at("minimum_discharge_hours").get<double>());
    }
    EXPECT_FALSE(f.contains("session"));
  }
  auto forbidden = call("GET", "/api/v1/patients/1/session-forecast", "front_desk");
  ASSERT_TRUE(forbidden);
  EXPECT_EQ(forbidden->status, 403) << forbidden->body;
  // Read-only: the audit chain stays intact and only the chart reads are logged (a GET of the
  // patient's chart, like every chart read).
  EXPECT_GE(audit_state().second, before.second);
}

TEST_F(ForecastRoutes, SessionForecastQueryIsChecked) {
  ASSERT_EQ(call("POST", "/api/v1/patients/1/weights", "nurse", {{"weight_kg", 80}})->status, 201);
  const auto status = [&](const std::string& query) {
    auto res = call("GET", "/api/v1/patients/1/session-forecast" + query, "nurse");
    return res ? res->status : -1;
  };
  EXPECT_EQ(status("?dose_mg_per_kg=abc"), 400);
  EXPECT_EQ(status("?dose_mg_per_kg=0"), 422);
  EXPECT_EQ(status("?duration_min=2000"), 422);
  EXPECT_EQ(status("?route=po"), 400);  // not a clinic route (a usage error, as in a body)
  EXPECT_EQ(status("?session=abc"), 400);
  EXPECT_EQ(status("?session=1&route=iv"), 400);
  EXPECT_EQ(status("?session=99"), 404);
  EXPECT_EQ(call("GET", "/api/v1/patients/99/session-forecast", "nurse")->status, 404);
  EXPECT_EQ(status("?route=sc&dose_mg_per_kg=1"), 200);
}

}  // namespace
}  // namespace ketapath::server::testing
