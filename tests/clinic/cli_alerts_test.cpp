// Issue 9 finding 4 and Deliver 3 through the CLI: what a clinician must see raises an alert
// (severe or serious adverse events, an adverse event unresolved at discharge, high CADSS, low
// SpO2, an early discharge, vitals not back to baseline), and discharge readiness is computed
// from the record.

#include "cli_fixture.h"

namespace {

using ketapath::test::ClinicCliFixture;
using ketapath::test::test_day;
using nlohmann::json;

class ClinicAlertsCli : public ClinicCliFixture {
 protected:
  // The measures of a patient's alerts, in order.
  std::vector<std::string> measures(int patient) {
    std::vector<std::string> out;
    for (const auto& a : alerts(patient)) {
      out.push_back(a.at("measure").get<std::string>());
    }
    return out;
  }

  static bool has(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  }
};

// 14 items of 2 and 9 of 1: CADSS 37.
json cadss(int total_37_or_low) {
  std::vector<int> items(23, 0);
  if (total_37_or_low == 37) {
    for (int i = 0; i < 23; ++i) {
      items[static_cast<std::size_t>(i)] = i < 14 ? 2 : 1;
    }
  }
  return items;
}

TEST_F(ClinicAlertsCli, TheExampleSessionRaisesNoAlertAndIsReady) {
  const int id = add_cleared_patient();
  const auto r =
      run("session record " + write("s.json", ready(session_on(id, test_day(0)))) + " --json");
  ASSERT_EQ(r.exit_code, 0) << last_error();
  const json out = json::parse(r.out);
  EXPECT_TRUE(out.at("alerts").empty()) << r.out;
  EXPECT_TRUE(out.at("session").at("discharge").at("ready").get<bool>()) << r.out;
  EXPECT_EQ(out.at("session").at("dose_ended_at"), (test_day(0) + "T09:40:00Z"));
}

// Finding 4: a severe, unresolved hypertensive reaction (infusion stopped, labetalol given) and a
// CADSS of 37 used to raise no alert at all.
TEST_F(ClinicAlertsCli, SevereUnresolvedAdverseEventAndHighCadssRaiseAlerts) {
  const int id = add_cleared_patient();
  json s = session_on(id, test_day(0));
  s["adverse_events"] = json::array({{{"at", (test_day(0) + "T09:30:00Z")},
                                      {"description", "hypertensive reaction 178/112"},
                                      {"severity", "severe"},
                                      {"action", "infusion stopped, labetalol 10 mg IV"},
                                      {"resolved", false},
                                      {"outcome", "BP 160/100 at discharge, GP informed"}}});
  s["ratings"][2]["items"] = cadss(37);
  const auto r = run("session record " + write("s.json", ready(s)));
  ASSERT_EQ(r.exit_code, 0) << last_error();
  EXPECT_NE(r.out.find("ALERT"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("discharge: NOT ready"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("hypertensive reaction 178/112\" unresolved"), std::string::npos) << r.out;
  const auto m = measures(id);
  EXPECT_TRUE(has(m, "adverse_event")) << json(m).dump();
  EXPECT_TRUE(has(m, "adverse_event_unresolved")) << json(m).dump();
  EXPECT_TRUE(has(m, "cadss")) << json(m).dump();
  for (const auto& a : alerts(id)) {
    if (a.at("measure") == "adverse_event") {
      EXPECT_EQ(a.at("level"), "urgent");
      EXPECT_NE(a.at("message").get<std::string>().find("labetalol"), std::string::npos);
    }
    if (a.at("measure") == "cadss") {
      EXPECT_EQ(a.at("value").get<double>(), 37.0);
      EXPECT_EQ(a.at("threshold").get<double>(), 30.0);
    }
  }
  // The work list shows them before anyone goes home.
  const auto open = run("alert list --json");
  EXPECT_GE(json::parse(open.out).at("alerts").size(), 3u);
}

TEST_F(ClinicAlertsCli, SeriousEventOfMildSeverityIsStillAnAlert) {
  const int id = add_cleared_patient();
  json s = session_on(id, test_day(0));
  s["adverse_events"][0]["serious"] = true;  // e.g. an important medical event
  ASSERT_EQ(run("session record " + write("s.json", ready(s))).exit_code, 0) << last_error();
  EXPECT_EQ(measures(id), std::vector<std::string>{"adverse_event"});
}

TEST_F(ClinicAlertsCli, EarlyDischargeIsAnAlertAndNotReadyWhateverWasTicked) {
  const int id = add_cleared_patient();
  json s = session_on(id, test_day(0));
  s["discharge"]["at"] = (test_day(0) + "T10:40:00Z");  // 60 min after the end of the infusion
  s["vitals"][5]["at"] = (test_day(0) + "T10:30:00Z");
  s["vitals"][6]["at"] = (test_day(0) + "T10:35:00Z");
  s["ratings"][3]["at"] = (test_day(0) + "T10:35:00Z");
  const auto r = run("session record " + write("s.json", ready(s)) + " --json");
  ASSERT_EQ(r.exit_code, 0) << last_error();
  const json d = json::parse(r.out).at("session").at("discharge");
  EXPECT_FALSE(d.at("ready").get<bool>());
  EXPECT_TRUE(d.at("vitals_near_baseline").get<bool>());  // what was typed is kept
  EXPECT_NE(d.at("not_ready_reasons").dump().find("only 60 min after the end of dosing"),
            std::string::npos)
      << d.dump();
  EXPECT_EQ(measures(id), std::vector<std::string>{"early_discharge"});
}

TEST_F(ClinicAlertsCli, VitalsNotBackToBaselineAreComputedNotTyped) {
  const int id = add_cleared_patient();
  json s = session_on(id, test_day(0));
  s["vitals"][6]["systolic_mmhg"] = 162;  // baseline 128: +34 > 20 mmHg band
  s["vitals"][6]["diastolic_mmhg"] = 96;
  const auto r = run("session record " + write("s.json", ready(s)) + " --json");
  ASSERT_EQ(r.exit_code, 0) << last_error();
  const json d = json::parse(r.out).at("session").at("discharge");
  EXPECT_FALSE(d.at("ready").get<bool>());
  EXPECT_NE(d.at("not_ready_reasons").dump().find("systolic BP 162 mmHg"), std::string::npos)
      << d.dump();
  EXPECT_EQ(measures(id), std::vector<std::string>{"discharge_vitals"});

  // Missing baseline: unknown is never safe.
  const int other = add_cleared_patient();
  json none = session_on(other, test_day(1));
  none["vitals"].erase(0);
  none = ready(none);
  // Without a pre-dose reading the checklist's blood pressure is not done either: a prescriber
  // waives it for this order and day (issue 15), and discharge still says the baseline is unknown.
  ASSERT_EQ(run("order waive --order " + std::to_string(none.at("dose_record").get<int>()) +
                " --item blood_pressure --date " + test_day(1) +
                " --reason 'cuff failed; manual BP 124/78 noted on paper'")
                .exit_code,
            0)
      << last_error();
  const auto r2 = run("session record " + write("none.json", none) + " --json");
  ASSERT_EQ(r2.exit_code, 0) << last_error();
  EXPECT_FALSE(json::parse(r2.out).at("session").at("discharge").at("ready").get<bool>());
  EXPECT_NE(r2.out.find("baseline unknown"), std::string::npos);
}

TEST_F(ClinicAlertsCli, LowSpo2RaisesAnAlert) {
  const int id = add_cleared_patient();
  json s = session_on(id, test_day(0));
  s["vitals"][3]["spo2_percent"] = 91;
  ASSERT_EQ(run("session record " + write("s.json", ready(s))).exit_code, 0) << last_error();
  EXPECT_EQ(measures(id), std::vector<std::string>{"spo2"});
}

TEST_F(ClinicAlertsCli, ThresholdsAreSettingsWithBounds) {
  const auto shown = run("settings show");
  ASSERT_EQ(shown.exit_code, 0) << last_error();
  json t = json::parse(shown.out).at("safety_thresholds");
  EXPECT_EQ(t.at("cadss_alert_total"), 30.0);
  EXPECT_EQ(t.at("min_observation_minutes"), 120.0);
  const int entries = audit_entries();
  t["cadss_alert_total"] = 0;
  EXPECT_EQ(run("settings set --key safety_thresholds --file " + write("t.json", t)).exit_code, 3);
  EXPECT_NE(last_error().find("cadss_alert_total must be 1-92 points (got 0 points)"),
            std::string::npos)
      << last_error();
  t["cadss_alert_total"] = 40;
  t["min_observation_minutes"] = 20;
  EXPECT_EQ(run("settings set --key safety_thresholds --file " + write("t.json", t)).exit_code, 3);
  EXPECT_EQ(audit_entries(), entries);
  t["min_observation_minutes"] = 60;
  // A partial file is refused, never completed with defaults that could loosen the clinic's
  // values (review find, issue 10): every key is stated.
  json partial = t;
  partial.erase("stop_systolic_mmhg");
  EXPECT_EQ(
      run("settings set --key safety_thresholds --file " + write("p.json", partial)).exit_code, 2);
  EXPECT_NE(last_error().find("a setting states every value; missing: stop_systolic_mmhg"),
            std::string::npos)
      << last_error();
  EXPECT_EQ(run("settings set --key safety_thresholds --file " + write("e.json", json::object()))
                .exit_code,
            2);
  EXPECT_EQ(audit_entries(), entries);
  ASSERT_EQ(run("settings set --key safety_thresholds --file " + write("t.json", t)).exit_code, 0)
      << last_error();

  // CADSS 37 is now below the clinic's threshold, and 65 min of observation is enough.
  const int id = add_cleared_patient();
  json s = session_on(id, test_day(0));
  s["ratings"][2]["items"] = cadss(37);
  s["discharge"]["at"] = (test_day(0) + "T10:45:00Z");
  s["vitals"][6]["at"] = (test_day(0) + "T10:40:00Z");
  s["ratings"][3]["at"] = (test_day(0) + "T10:40:00Z");
  const auto r = run("session record " + write("s.json", ready(s)) + " --json");
  ASSERT_EQ(r.exit_code, 0) << last_error();
  EXPECT_TRUE(json::parse(r.out).at("alerts").empty()) << r.out;
}

TEST_F(ClinicAlertsCli, DoseEndOutsideTheSessionIsRefused) {
  const int id = add_cleared_patient();
  json s = session_on(id, test_day(0));
  s["dose_ended_at"] = (test_day(0) + "T08:00:00Z");
  s = ready(s);
  const int entries = audit_entries();
  EXPECT_EQ(run("session record " + write("s.json", s)).exit_code, 3);
  EXPECT_NE(last_error().find("dose_ended_at must lie between"), std::string::npos);
  EXPECT_EQ(audit_entries(), entries);
}

}  // namespace
