// GET /patients/{id}/response carries, per outcome scale, the chart's reference lines from the
// clinic's one definition (analyse_response): responder_total, the highest total that is a
// response under the stored response policy, and remission_total, the scale's cut-off. The web
// chart draws them as they come; it never works them out.

#include "server_fixture.h"

namespace ketapath::server::testing {
namespace {

class ResponseLines : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    ASSERT_EQ(call("POST", "/api/v1/patients", "nurse",
                   {{"name", "Rae Sponse"}, {"birth_date", "1980-01-01"}, {"sex", "F"}})
                  ->status,
              201);
  }

  void rate(const std::string& day, std::vector<int> items) {
    auto res = call("POST", "/api/v1/patients/1/assessments", "nurse",
                    {{"scale", "gad-7"}, {"items", items}, {"rated_at", day + "T09:00:00Z"}});
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 201) << res->body;
  }

  Json gad7() {
    auto res = call("GET", "/api/v1/patients/1/response", "prescriber");
    EXPECT_TRUE(res && res->status == 200);
    const Json plan =
        Json::parse(res->body);  // named: a range-for over a temporary's member dangles
    for (const Json& s : plan.at("scales")) {
      if (s.at("scale") == "gad-7") {
        return s;
      }
    }
    ADD_FAILURE() << res->body;
    return Json::object();
  }

  std::string days_ago(int n) {
    return clinic::format_date(clinic::day_of(clock()()) - std::chrono::days(n));
  }
};

TEST_F(ResponseLines, TheSummaryCarriesTheRespondersAndRemissionTotals) {
  rate(days_ago(10), {2, 2, 2, 2, 2, 2, 3});  // baseline 15
  rate(days_ago(3), {1, 1, 1, 1, 1, 1, 1});   // 7: 53% down
  Json s = gad7();
  EXPECT_EQ(s.at("baseline"), 15);
  EXPECT_EQ(s.at("responder_total"), 7) << s;  // 7.5 is half of 15: 7 is the highest whole total
  EXPECT_EQ(s.at("remission_total"), 4) << s;
  EXPECT_EQ(s.at("latest"), "response") << s;

  // The line follows the clinic's stored policy (40% reduction: 15 x 0.6 = 9).
  auto policy = Json::parse(call("GET", "/api/v1/settings/response_policy", "admin")->body);
  policy["responder_reduction"] = 0.4;
  auto put = call("PUT", "/api/v1/settings/response_policy", "admin", policy);
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200) << put->body;
  EXPECT_EQ(gad7().at("responder_total"), 9);
}

TEST_F(ResponseLines, NoBaselineNoLines) {
  auto res = call("GET", "/api/v1/patients/1/response", "prescriber");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_TRUE(Json::parse(res->body).at("scales").empty()) << res->body;
}

}  // namespace
}  // namespace ketapath::server::testing
