// Issue 9 Deliver 8 through the CLI: the care team (psychiatrist, PCP) is recorded and audited,
// and the report is a letter to them: every adverse event with severity, action and outcome,
// every alert with its acknowledgement, the dose history, trough and acute trajectories by date
// and infusion number on separate lines, the plan, signed by the acting clinician (finding 4's
// report showed "AEs 2" and nothing else).

#include "cli_fixture.h"

namespace {

using ketapath::test::ClinicCliFixture;
using ketapath::test::test_day;
using nlohmann::json;

class ClinicLetterCli : public ClinicCliFixture {};

TEST_F(ClinicLetterCli, CareTeamIsValidatedAndAudited) {
  const int id = add_cleared_patient();
  const std::string p = " --patient " + std::to_string(id);
  const int entries = audit_entries();
  EXPECT_EQ(run("care-team add" + p + " --role dentist --name 'Dr X'").exit_code, 2);
  EXPECT_EQ(run("care-team add" + p + " --role pcp --name ' '").exit_code, 3);
  EXPECT_EQ(run("care-team add --patient 999 --role pcp --name 'Dr X'").exit_code, 4);
  EXPECT_EQ(audit_entries(), entries);
  const auto added = run("care-team add" + p +
                         " --role psychiatrist --name 'Dr Maria Weber' --practice 'Praxis am "
                         "Markt' --contact 'fax 0761 123' --json");
  ASSERT_EQ(added.exit_code, 0) << last_error();
  EXPECT_EQ(json::parse(added.out).at("added_by"), "test.nurse");
  EXPECT_EQ(audit_entries(), entries + 1);
  const auto list = run("care-team list" + p + " --json");
  ASSERT_EQ(json::parse(list.out).at("care_team").size(), 1u);
}

TEST_F(ClinicLetterCli, TheLetterSaysWhatHappened) {
  const int id = add_cleared_patient();
  const std::string p = " --patient " + std::to_string(id);
  ASSERT_EQ(run("care-team add" + p +
                " --role psychiatrist --name 'Dr Maria Weber' --practice 'Praxis am Markt'")
                .exit_code,
            0);
  ASSERT_EQ(run("care-team add" + p + " --role pcp --name 'Dr Tom Berg'").exit_code, 0);
  const auto c =
      run("course plan" + p + (" --protocol iv_loading --start " + test_day(0) + " --json"));
  ASSERT_EQ(c.exit_code, 0) << last_error();
  // Infusion 1: a severe hypertensive reaction, unresolved at discharge.
  json s1 = session_on(id, test_day(0));
  s1["course"] = json::parse(c.out).at("id");
  s1["adverse_events"].push_back({{"at", (test_day(0) + "T09:30:00Z")},
                                  {"description", "hypertensive reaction 178/112"},
                                  {"severity", "severe"},
                                  {"action", "infusion stopped, labetalol 10 mg IV"},
                                  {"resolved", false},
                                  {"outcome", "160/100 at discharge, GP to recheck"}});
  ASSERT_EQ(run("session record " + write("s1.json", ready(s1))).exit_code, 0) << last_error();
  const json alerts_ = alerts(id);
  ASSERT_FALSE(alerts_.empty());
  const int first = alerts_[0].at("id").get<int>();
  ASSERT_EQ(run("alert ack " + std::to_string(first) +
                    " --note 'BP rechecked 150/92 after 20 min, PCP called'",
                "dr.lee")
                .exit_code,
            0)
      << last_error();
  // Infusion 2, and a follow-up GAD-7 the day after.
  json s2 = session_on(id, test_day(2));
  s2["course"] = json::parse(c.out).at("id");
  s2["adverse_events"] = json::array();
  ASSERT_EQ(run("session record " + write("s2.json", ready(s2))).exit_code, 0) << last_error();
  ASSERT_EQ(run("assessment record" + p +
                (" --scale gad-7 --items 1,1,1,1,1,0,1 --at " + test_day(3) + "T10:00:00Z"))
                .exit_code,
            0);

  const auto r = run("report" + p, "dr.lee");
  ASSERT_EQ(r.exit_code, 0) << last_error();
  const std::string& t = r.out;
  EXPECT_NE(t.find("To: Dr Maria Weber (psychiatrist), Praxis am Markt"), std::string::npos) << t;
  EXPECT_NE(t.find("To: Dr Tom Berg (PCP)"), std::string::npos);
  EXPECT_LT(t.find("Dr Maria Weber"), t.find("Dr Tom Berg"));  // the psychiatrist first
  // Every adverse event with severity, action and outcome.
  EXPECT_NE(t.find("| hypertensive reaction 178/112 | severe | infusion stopped, labetalol 10 mg "
                   "IV | UNRESOLVED: 160/100 at discharge, GP to recheck |"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("| mild nausea | mild | observed, resolved without treatment | resolved |"),
            std::string::npos);
  // Every alert with its acknowledgement.
  EXPECT_NE(t.find("dr.lee"), std::string::npos);
  EXPECT_NE(t.find("BP rechecked 150/92 after 20 min, PCP called"), std::string::npos);
  EXPECT_NE(t.find("OPEN"), std::string::npos);  // the unacknowledged ones too
  // The dose history.
  EXPECT_NE(t.find("## Dose history"), std::string::npos);
  EXPECT_NE(t.find(("| 2 | " + test_day(2) + "T09:00:00Z | iv 0.5 mg/kg = 35 mg | " + test_day(2) +
                    "T09:40:00Z")),
            std::string::npos)
      << t;
  // Trough and acute trajectories on separate lines, by date and infusion.
  EXPECT_NE(t.find(("Trough (before a dose or >= 24 h after one): " + test_day(2) +
                    " (after infusion 1) 14; " + test_day(3) + " (after infusion 2) 6")),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("Acute (< 24 h after a dose): none"), std::string::npos);
  // The plan and the signature.
  EXPECT_NE(t.find("## Plan"), std::string::npos);
  EXPECT_NE(t.find(("Proposed dates: " + test_day(4) + ", " + test_day(7) + ", " + test_day(9) +
                    ", " + test_day(11))),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("Signed: dr.lee, acting clinician"), std::string::npos);

  // HTML keeps working.
  const auto html = run("report" + p + " --format html", "dr.lee");
  ASSERT_EQ(html.exit_code, 0);
  EXPECT_NE(html.out.find("<td>hypertensive reaction 178/112</td>"), std::string::npos);
  EXPECT_NE(html.out.find("Signed: dr.lee, acting clinician"), std::string::npos);
}

// Issue 13 item 3 "in the report": the letter carries the model-informed maintenance forecast
// beside the rule, with the numbers `clinic forecast` shows, and the decisions taken on it; with
// too few ratings it says so and the rule stands; --no-forecast leaves it out.
TEST_F(ClinicLetterCli, TheLetterCarriesTheForecastAndItsDecisions) {
  ASSERT_EQ(run("demo --patients 3 --seed 1").exit_code, 0) << last_error();
  const auto shown = run("--json forecast --patient 1", "dr.lee");
  ASSERT_EQ(shown.exit_code, 0) << last_error();
  const json f = json::parse(shown.out);
  ASSERT_TRUE(f.at("sufficient").get<bool>()) << shown.out;
  ASSERT_EQ(
      run("forecast reject --patient 1 --reason 'patient prefers fortnightly visits'", "dr.lee")
          .exit_code,
      0)
      << last_error();
  const auto r = run("report --patient 1", "dr.lee");
  ASSERT_EQ(r.exit_code, 0) << last_error();
  const std::string& t = r.out;
  const std::size_t section = t.find("### Model-informed maintenance (decision support)");
  ASSERT_NE(section, std::string::npos) << t;
  EXPECT_GT(section, t.find("## Plan"));
  const std::string rest = t.substr(section);
  // The same recommendation as `clinic forecast` (same data, same seed).
  const std::string next = f.at("recommendation").at("next_date").get<std::string>();
  const int interval = f.at("recommendation").at("interval_days").get<int>();
  EXPECT_NE(rest.find("Proposal: next infusion " + next + ", then every " +
                      std::to_string(interval) + " days"),
            std::string::npos)
      << rest;
  EXPECT_NE(rest.find("fitted to this patient's " +
                      std::to_string(f.at("data").at("ratings_used").get<int>())),
            std::string::npos)
      << rest;
  EXPECT_NE(rest.find("| ANX_EC50 |"), std::string::npos);
  EXPECT_NE(rest.find("<svg"), std::string::npos);  // the forecast chart
  EXPECT_NE(rest.find("| rejected | dr.lee | - | patient prefers fortnightly visits |"),
            std::string::npos)
      << rest;
  // The same letter without it.
  const auto without = run("report --patient 1 --no-forecast", "dr.lee");
  ASSERT_EQ(without.exit_code, 0) << last_error();
  EXPECT_EQ(without.out.find("Model-informed maintenance"), std::string::npos);
  EXPECT_NE(without.out.find("## Plan"), std::string::npos);
}

TEST_F(ClinicLetterCli, WithTooFewRatingsTheLetterSaysTheRuleStands) {
  const int id = add_cleared_patient();
  const auto r = run("report --patient " + std::to_string(id), "dr.lee");
  ASSERT_EQ(r.exit_code, 0) << last_error();
  EXPECT_NE(r.out.find("No model-informed proposal: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("The rule-based plan above stands."), std::string::npos) << r.out;
}

}  // namespace
