// A clinical time must carry its UTC offset (Z or +HH:MM/-HH:MM). Read as UTC, "09:00" entered
// at a clinic at UTC-5 would be 5 hours early and move the minimum-interval gate between doses;
// so the server refuses it (400, naming the field, the value and the expected form) and stores
// nothing: no row, no audit entry.

#include "server_fixture.h"

namespace ketapath::server::testing {
namespace {

class ClinicalTime : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    ASSERT_EQ(call("POST", "/api/v1/patients", "nurse",
                   {{"name", "Time Zone"}, {"birth_date", "1980-01-01"}, {"sex", "F"}})
                  ->status,
              201);
  }

  /// Yesterday (service clock) at `clock`, e.g. "09:00".
  std::string yesterday_at(const std::string& clock_time) {
    return clinic::format_date(clinic::day_of(clock()()) - std::chrono::days(1)) + "T" + clock_time;
  }

  void expect_refused(const httplib::Result& res, const std::string& field,
                      const std::string& value) {
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << res->body;
    EXPECT_NE(res->body.find(field), std::string::npos) << res->body;
    EXPECT_NE(res->body.find(value), std::string::npos) << res->body;
    EXPECT_NE(res->body.find("no UTC offset"), std::string::npos) << res->body;
    EXPECT_NE(res->body.find("Z or +HH:MM"), std::string::npos) << res->body;
  }
};

TEST_F(ClinicalTime, AnAssessmentTimeWithoutAnOffsetIsRefusedAndNothingStored) {
  const auto before = audit_state();
  const std::string local = yesterday_at("09:00");
  expect_refused(call("POST", "/api/v1/patients/1/assessments", "nurse",
                      {{"scale", "gad-7"}, {"items", {1, 1, 1, 1, 1, 1, 1}}, {"rated_at", local}}),
                 "rated_at", local);
  EXPECT_EQ(audit_state(), before);
  auto list = call("GET", "/api/v1/patients/1/assessments", "nurse");
  ASSERT_TRUE(list && list->status == 200);
  EXPECT_TRUE(Json::parse(list->body).at("assessments").empty()) << list->body;

  // The same rating with its offset is stored at the UTC instant it names.
  auto stored = call("POST", "/api/v1/patients/1/assessments", "nurse",
                     {{"scale", "gad-7"},
                      {"items", {1, 1, 1, 1, 1, 1, 1}},
                      {"rated_at", yesterday_at("09:00-05:00")}});
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->status, 201) << stored->body;
  EXPECT_EQ(Json::parse(stored->body).at("assessment").at("rating").at("at"),
            yesterday_at("14:00:00Z"))
      << stored->body;
}

TEST_F(ClinicalTime, ASessionStartOrRatingTimeWithoutAnOffsetIsRefusedAndNothingStored) {
  const Json example = Json::parse(
      std::ifstream(std::string(KETAPATH_SOURCE_DIR) + "/examples/clinic/session.json"));
  const auto before = audit_state();
  Json start = example;
  start["started_at"] = "2026-11-20T09:00";
  expect_refused(call("POST", "/api/v1/sessions", "nurse", start), "started_at",
                 "2026-11-20T09:00");
  Json rating = example;
  rating["ratings"][0]["at"] = "2026-11-20 08:45:00";
  expect_refused(call("POST", "/api/v1/sessions", "nurse", rating), "ratings[0].at",
                 "2026-11-20 08:45:00");
  EXPECT_EQ(audit_state(), before);
  auto list = call("GET", "/api/v1/patients/1/sessions", "nurse");
  ASSERT_TRUE(list && list->status == 200);
  EXPECT_TRUE(Json::parse(list->body).at("sessions").empty()) << list->body;
}

TEST_F(ClinicalTime, AChartAccessQueryTimeWithoutAnOffsetIsRefused) {
  expect_refused(call("GET", "/api/v1/chart-access?from=2026-11-20T09:00", "auditor"), "from",
                 "2026-11-20T09:00");
  auto ok = call("GET", "/api/v1/chart-access?from=2026-11-20T09:00Z", "auditor");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
}

}  // namespace
}  // namespace ketapath::server::testing
