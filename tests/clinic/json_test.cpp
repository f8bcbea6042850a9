// JSON forms: the example files read, round trips, and strict errors naming the path.

#include "clinic/json/json.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "fixtures.h"

namespace ketapath::clinic {
namespace {

using namespace testing;

Json load(const std::string& relative) {
  std::ifstream in(std::string(KETAPATH_SOURCE_DIR) + "/" + relative);
  std::stringstream text;
  text << in.rdbuf();
  return *parse_json(text.str(), relative);
}

TEST(ClinicJson, ExampleSessionReadsAndRoundTrips) {
  const auto s = session_from_json(load("examples/clinic/session.json"), "session.json");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->vitals.size(), 7u);
  EXPECT_EQ(s->ratings.size(), 4u);
  EXPECT_EQ(s->route, Route::Iv);
  EXPECT_EQ(s->dose.value(), 35.0);
  ASSERT_TRUE(s->discharge);
  const auto again = session_from_json(to_json(*s), "round trip");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(canonical(to_json(*again)), canonical(to_json(*s)));
}

TEST(ClinicJson, ExampleScreeningAndHistoryRead) {
  const auto in = screening_input_from_json(load("examples/clinic/screening.json"), "screening");
  ASSERT_TRUE(in) << in.error().message;
  EXPECT_EQ(in->gad.worry_duration_months, 36);
  const auto history = treatment_history_from_json(load("examples/clinic/history.json"), "history");
  ASSERT_TRUE(history) << history.error().message;
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[2].kind, TreatmentKind::Psychotherapy);
  EXPECT_EQ((*history)[0].daily_dose->value(), 150.0);
}

TEST(ClinicJson, UnknownKeysWrongTypesAndMissingKeysNameThePath) {
  Json j = load("examples/clinic/session.json");
  j["vitals"][2]["systolc_mmhg"] = 120;
  auto r = session_from_json(j, "s.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::InvalidData);
  EXPECT_EQ(r.error().message, "s.json.vitals[2]: unknown key \"systolc_mmhg\"");
  j = load("examples/clinic/session.json");
  j["vitals"][0]["heart_rate_bpm"] = "fast";
  r = session_from_json(j, "s.json");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("s.json.vitals[0].heart_rate_bpm: expected a number"),
            std::string::npos);
  j = load("examples/clinic/session.json");
  j.erase("started_at");
  r = session_from_json(j, "s.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "s.json.started_at: is required");
  j = load("examples/clinic/session.json");
  j["ratings"][0]["scale"] = "hads";
  EXPECT_FALSE(session_from_json(j, "s.json"));
  j = load("examples/clinic/session.json");
  j["started_at"] = "yesterday";
  EXPECT_FALSE(session_from_json(j, "s.json"));
}

TEST(ClinicJson, DisagreeingTotalIsRefused) {
  Json j = load("examples/clinic/session.json");
  j["ratings"][3]["total"] = 10;  // the post-dose HAM-A's items sum to 9
  const auto r = session_from_json(j, "s.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::Validation);
  EXPECT_NE(r.error().message.find("total 10 does not match the sum of the items (9)"),
            std::string::npos);
}

TEST(ClinicJson, MalformedTextIsInvalidData) {
  const auto r = parse_json("{\"patient\": ", "bad.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::InvalidData);
}

TEST(ClinicJson, CanonicalTextSortsKeys) {
  EXPECT_EQ(canonical(Json{{"b", 1}, {"a", 0.1}}), "{\"a\":0.1,\"b\":1}");
}

TEST(ClinicJson, PoliciesAndLibraryRoundTripAndAreChecked) {
  const DrugEntry e = default_ketamine_entry();
  const auto back = drug_entry_from_json(to_json(e), "drug");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(canonical(to_json(*back)), canonical(to_json(e)));
  EXPECT_TRUE(safety_thresholds_from_json(to_json(SafetyThresholds{}), "t"));
  Json bad = to_json(SafetyThresholds{});
  bad["stop_systolic_mmhg"] = 150;
  EXPECT_FALSE(safety_thresholds_from_json(bad, "t"));
  Json policy = to_json(DosingPolicy{});
  policy["max_weight_age_days"] = 14;
  EXPECT_EQ(dosing_policy_from_json(policy, "p")->max_weight_age_days, 14);
  policy["min_weight_kg"] = 400;
  EXPECT_FALSE(dosing_policy_from_json(policy, "p"));
}

TEST(ClinicJson, ScreeningInputRangesAndPolicies) {
  Json j = load("examples/clinic/screening.json");
  j["gad"]["worry_duration_months"] = -3;
  auto r = screening_input_from_json(j, "screening");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::Validation);
  EXPECT_NE(r.error().message.find("got -3 months"), std::string::npos);
  j = load("examples/clinic/screening.json");
  j["policy"] = {{"resistance", "consensus_2024"}, {"min_trial_weeks", 8}};
  r = screening_input_from_json(j, "screening");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->policy.resistance, ResistanceDefinition::Consensus2024);
  EXPECT_EQ(r->policy.min_trial_weeks, 8.0);
  j["policy"]["min_age_years"] = 12;
  EXPECT_FALSE(screening_input_from_json(j, "screening"));
  j["policy"] = {{"resistance", "two_trials"}};
  EXPECT_EQ(screening_input_from_json(j, "screening").error().code, core::ErrorCode::InvalidData);
}

}  // namespace
}  // namespace ketapath::clinic
