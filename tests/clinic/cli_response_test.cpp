// Issue 9 finding 3 and Deliver 6 through the CLI: trough (pre-dose, or >= 24 h after a dose) and
// acute (< 24 h after a dose) ratings are analysed and reported apart; "sustained" needs the
// policy's number of consecutive qualifying trough ratings; the infusion after which response was
// first reached; one combined recommendation (the more conservative wins, both shown) with the
// rule and concrete dates in the patient's schedule.

#include "cli_fixture.h"

namespace {

using ketapath::test::ClinicCliFixture;
using ketapath::test::test_day;
using nlohmann::json;

// GAD-7 items with the given total (0-21), spread over the 7 items.
json gad7(int total) {
  std::vector<int> items(7, 0);
  for (int i = 0; i < total; ++i) {
    items[static_cast<std::size_t>(i % 7)] += 1;
  }
  return items;
}

// HAM-A items with the given total (0-56).
json hama(int total) {
  std::vector<int> items(14, 0);
  for (int i = 0; i < total; ++i) {
    items[static_cast<std::size_t>(i % 14)] += 1;
  }
  return items;
}

// The loading days of an iv_loading course from the Monday test_day(0) (Mon/Wed/Fri).
const std::vector<std::string> kDays = {test_day(0), test_day(2), test_day(4),
                                        test_day(7), test_day(9), test_day(11)};

class ClinicResponseCli : public ClinicCliFixture {
 protected:
  void SetUp() override {
    ClinicCliFixture::SetUp();
    id_ = add_cleared_patient();
    const auto c = run("course plan --patient " + std::to_string(id_) +
                       (" --protocol iv_loading --start " + test_day(0) + " --json"));
    ASSERT_EQ(c.exit_code, 0) << last_error();
    course_ = json::parse(c.out).at("id").get<int>();
  }

  // Records session n (0-based) with a pre-dose GAD-7 (08:45) and, when given, a post-dose GAD-7
  // (11:40, 2 h 40 min after the dose started) and a pre-dose HAM-A.
  void session(std::size_t n, int pre, std::optional<int> post,
               std::optional<int> hama_pre = std::nullopt) {
    json s = session_on(id_, kDays[n]);
    s["course"] = course_;
    json ratings = json::array();
    ratings.push_back({{"scale", "gad-7"}, {"at", kDays[n] + "T08:45:00Z"}, {"items", gad7(pre)}});
    if (hama_pre) {
      ratings.push_back(
          {{"scale", "ham-a"}, {"at", kDays[n] + "T08:45:00Z"}, {"items", hama(*hama_pre)}});
    }
    if (post) {
      ratings.push_back(
          {{"scale", "gad-7"}, {"at", kDays[n] + "T11:40:00Z"}, {"items", gad7(*post)}});
    }
    s["ratings"] = ratings;
    const auto r = run("session record " + write("s.json", ready(s)));
    ASSERT_EQ(r.exit_code, 0) << last_error();
  }

  json response() {
    const auto r = run("response --patient " + std::to_string(id_) + " --json");
    EXPECT_EQ(r.exit_code, 0) << last_error();
    return r.exit_code == 0 ? json::parse(r.out) : json();
  }

  int id_ = 0;
  int course_ = 0;
};

// Finding 3: pre-dose 15, 15, 15 and 2-h post-dose 14, 13, 3 said "sustained remission ...
// taper" (the latest rating only, pre and post mixed).
TEST_F(ClinicResponseCli, PostDoseDropIsAcuteNotSustainedRemission) {
  session(0, 15, 14);
  session(1, 15, 13);
  session(2, 15, 3);
  const json r = response();
  ASSERT_EQ(r.at("scales").size(), 1u) << r.dump();
  const json g = r.at("scales")[0];
  EXPECT_EQ(g.at("baseline"), 15);
  ASSERT_EQ(g.at("trajectory").size(), 2u);  // the pre-dose ratings of sessions 2 and 3
  for (const auto& p : g.at("trajectory")) {
    EXPECT_EQ(p.at("total"), 15);
    EXPECT_EQ(p.at("timing"), "trough");
  }
  ASSERT_EQ(g.at("acute").size(), 3u);
  EXPECT_EQ(g.at("acute")[2].at("total"), 3);
  EXPECT_EQ(g.at("acute")[2].at("infusion"), 3);
  EXPECT_EQ(g.at("latest"), "non_response");
  EXPECT_FALSE(g.at("sustained").get<bool>());
  EXPECT_EQ(r.at("recommendation"), "complete_loading");
  EXPECT_EQ(r.dump().find("taper"), std::string::npos) << r.dump();
  EXPECT_EQ(r.dump().find("sustained remission"), std::string::npos);
  // Concrete dates: the rest of the loading series.
  EXPECT_EQ(r.at("proposed_dates"), json({test_day(7), test_day(9), test_day(11)}));

  // The text output keeps trough and acute on separate lines.
  const auto text = run("response --patient " + std::to_string(id_));
  ASSERT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find(("trough  " + test_day(2) + "#1:15 " + test_day(4) + "#2:15")),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find(("acute   " + test_day(0) + "#1:14 " + test_day(2) + "#2:13 " +
                           test_day(4) + "#3:3")),
            std::string::npos)
      << text.out;

  // The report's chart draws the trough line only: no zig-zag 15, 14, 15, 13, ...
  const auto report = run("report --patient " + std::to_string(id_));
  ASSERT_EQ(report.exit_code, 0) << last_error();
  EXPECT_EQ(report.out.find(": 14 (after"), std::string::npos) << report.out;
  EXPECT_NE(report.out.find(("<title>rating 2 on " + test_day(4) + ": 15 (after")),
            std::string::npos)
      << report.out;
}

TEST_F(ClinicResponseCli, SustainedNeedsConsecutiveTroughRatingsAndNamesTheInfusion) {
  session(0, 16, std::nullopt);
  session(1, 14, std::nullopt);
  session(2, 12, std::nullopt);
  // Follow-ups: 24 h after the 3rd infusion the GAD-7 is 6 (response, 62% down).
  const std::string p = " --patient " + std::to_string(id_);
  ASSERT_EQ(run("assessment record" + p +
                (" --scale gad-7 --items 1,1,1,1,1,1,0 --at " + test_day(5) + "T09:00:00Z"))
                .exit_code,
            0)
      << last_error();
  json r = response();
  json g = r.at("scales")[0];
  EXPECT_EQ(g.at("first_response_infusion"), 3);
  EXPECT_EQ(g.at("consecutive_response"), 1);
  EXPECT_FALSE(g.at("sustained").get<bool>());
  EXPECT_NE(g.at("suggestion").get<std::string>().find("first reached after the 3rd infusion"),
            std::string::npos)
      << g.dump();
  EXPECT_NE(g.at("suggestion").get<std::string>().find("not yet sustained"), std::string::npos);
  session(3, 6, std::nullopt);
  session(4, 5, std::nullopt);
  r = response();
  g = r.at("scales")[0];
  EXPECT_EQ(g.at("consecutive_response"), 3);
  EXPECT_TRUE(g.at("sustained").get<bool>());
  EXPECT_EQ(r.at("recommendation"), "continue");

  // The number is a setting.
  json policy = json::parse(run("settings show").out).at("response_policy");
  policy["sustained_ratings"] = 4;
  ASSERT_EQ(run("settings set --key response_policy --file " + write("p.json", policy)).exit_code,
            0)
      << last_error();
  EXPECT_FALSE(response().at("scales")[0].at("sustained").get<bool>());
  policy["sustained_ratings"] = 0;
  EXPECT_EQ(run("settings set --key response_policy --file " + write("p.json", policy)).exit_code,
            3);
  EXPECT_NE(last_error().find("sustained_ratings must be 1-10 (got 0)"), std::string::npos);
}

TEST_F(ClinicResponseCli, ScalesDisagreeTheMoreConservativeWinsAndBothAreShown) {
  // GAD-7 responds (16 -> 6), HAM-A only partially (24 -> 16, 33%).
  session(0, 16, std::nullopt, 24);
  session(1, 8, std::nullopt, 18);
  session(2, 6, std::nullopt, 16);
  const json r = response();
  ASSERT_EQ(r.at("scales").size(), 2u);
  EXPECT_EQ(r.at("recommendation"), "complete_loading");
  EXPECT_EQ(r.at("decided_by"), "ham-a");
  EXPECT_NE(r.at("rule").get<std::string>().find("GAD-7 says continue"), std::string::npos)
      << r.at("rule");
  EXPECT_EQ(r.at("proposed_dates"), json({test_day(7), test_day(9), test_day(11)}));
}

TEST_F(ClinicResponseCli, NonResponderAfterLoadingIsNotOfferedMaintenance) {
  for (std::size_t n = 0; n < 6; ++n) {
    session(n, 15 - static_cast<int>(n % 2), 6);  // trough 15/14, acute 6: no trough response
  }
  const json r = response();
  EXPECT_EQ(r.at("recommendation"), "no_maintenance");
  EXPECT_TRUE(r.at("proposed_dates").empty());
  EXPECT_NE(r.at("rule").get<std::string>().find("maintenance not suggested"), std::string::npos);
  // The loading course completed itself with its sixth session.
  const auto c = run("course show --course " + std::to_string(course_) + " --json");
  EXPECT_EQ(json::parse(c.out).at("status"), "completed");
}

TEST_F(ClinicResponseCli, SustainedRemissionProposesALongerIntervalOnClinicDays) {
  session(0, 16, std::nullopt);
  session(1, 4, std::nullopt);
  session(2, 3, std::nullopt);
  session(3, 3, std::nullopt);
  const json r = response();
  EXPECT_EQ(r.at("recommendation"), "taper");
  // Latest dose Monday test_day(7), current interval 3 days -> weekly: Mondays from test_day(14),
  // but never before today (the test clock is the real one, so only check the weekday spacing).
  ASSERT_EQ(r.at("proposed_dates").size(), 3u);
  EXPECT_NE(r.at("dates_basis").get<std::string>().find("every 7 days"), std::string::npos)
      << r.at("dates_basis");
  EXPECT_NE(r.at("dates_basis").get<std::string>().find("replaces the 2 still-planned"),
            std::string::npos);
}

TEST_F(ClinicResponseCli, UnknownPatientIsNotFound) {
  EXPECT_EQ(run("response --patient 999").exit_code, 4);
}

}  // namespace
