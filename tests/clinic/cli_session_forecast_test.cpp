// `ketapath clinic session-forecast` (issue 13 item 4) from the CLI: a dose to come for a weighed
// patient (bands ordered, discharge never before the clinic's minimum observation, the dose from
// the latest weight), a recorded session's vitals compared with the bands, and refusals.

#include <fmt/format.h>

#include "cli_fixture.h"

namespace {

using ketapath::test::ClinicCliFixture;
using ketapath::test::test_day;
using nlohmann::json;

class ClinicSessionForecastCli : public ClinicCliFixture {};

TEST_F(ClinicSessionForecastCli, ADoseToComeForAWeighedPatient) {
  const int id = add_cleared_patient();
  const auto r = run(fmt::format("--json session-forecast --patient {} --dose-mg-kg 0.5", id));
  ASSERT_EQ(r.exit_code, 0) << last_error();
  const auto j = json::parse(r.out);
  EXPECT_DOUBLE_EQ(j.at("dose_mg").get<double>(), 35.0);  // 0.5 mg/kg x 70 kg
  EXPECT_DOUBLE_EQ(j.at("infusion_minutes").get<double>(), 40.0);
  const auto& sbp = j.at("systolic_rise_mmhg");
  const auto hours = j.at("hours").get<std::vector<double>>();
  ASSERT_EQ(sbp.at("median").size(), hours.size());
  for (std::size_t i = 0; i < hours.size(); ++i) {
    EXPECT_LE(sbp.at("lower95")[i].get<double>(), sbp.at("median")[i].get<double>());
    EXPECT_LE(sbp.at("median")[i].get<double>(), sbp.at("upper95")[i].get<double>());
  }
  // The clinic's minimum observation (120 min after the end of the 40-min infusion).
  EXPECT_NEAR(j.at("minimum_discharge_hours").get<double>(), 40.0 / 60.0 + 2.0, 1e-9);
  ASSERT_FALSE(j.at("earliest_discharge_hours").is_null());
  EXPECT_GE(j.at("earliest_discharge_hours").get<double>(),
            j.at("minimum_discharge_hours").get<double>());
  EXPECT_EQ(j.at("vitals_check_hours")[0].get<double>(), 0.0);
  EXPECT_EQ(j.at("earlier_doses").get<int>(), 0);
  EXPECT_NE(j.at("model").get<std::string>().find("ketamine"), std::string::npos);

  const auto text = run(fmt::format("session-forecast --patient {}", id));
  ASSERT_EQ(text.exit_code, 0) << last_error();
  EXPECT_NE(text.out.find("vitals at: 0 min"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("between-patient variability only"), std::string::npos) << text.out;
}

TEST_F(ClinicSessionForecastCli, ARecordedSessionsVitalsAreCompared) {
  const int id = add_cleared_patient();
  auto s = session_on(id, test_day(-1));
  const auto rec = run("session record " + write("s.json", ready(s)) + " --json");
  ASSERT_EQ(rec.exit_code, 0) << last_error();
  const int session = json::parse(rec.out).at("session").at("id").get<int>();
  const auto r = run(fmt::format("--json session-forecast --patient {} --session {}", id, session));
  ASSERT_EQ(r.exit_code, 0) << last_error();
  const auto j = json::parse(r.out);
  EXPECT_EQ(j.at("session").get<int>(), session);
  ASSERT_FALSE(j.at("readings").empty()) << "the example session has vitals during and after";
  for (const auto& reading : j.at("readings")) {
    const double change = reading.at("change").get<double>();
    EXPECT_EQ(reading.at("above").get<bool>(), change > reading.at("upper95").get<double>());
    EXPECT_EQ(reading.at("below").get<bool>(), change < reading.at("lower95").get<double>());
  }
}

TEST_F(ClinicSessionForecastCli, RefusesWhatItCannotPredict) {
  const int id = add_cleared_patient();
  EXPECT_EQ(run(fmt::format("session-forecast --patient {} --session 999", id)).exit_code, 4);
  EXPECT_EQ(run(fmt::format("session-forecast --patient {} --dose-mg-kg 0", id)).exit_code, 3);
  EXPECT_NE(last_error().find("--dose-mg-kg"), std::string::npos) << last_error();
  EXPECT_EQ(run(fmt::format("session-forecast --patient {} --route in", id)).exit_code, 3);
  EXPECT_EQ(run("session-forecast --patient 999").exit_code, 4);
  ASSERT_EQ(run("user add desk --role front_desk").exit_code, 0) << last_error();
  EXPECT_EQ(run(fmt::format("session-forecast --patient {}", id), "desk").exit_code, 3);
}

}  // namespace
