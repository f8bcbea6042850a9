// clinic::forecast (issue 13): the patient's own response model from their sessions and
// follow-ups, with the rule beside it; too few ratings fall back to the rule; read-only.

#include "clinic/service/forecast.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "administration.h"
#include "clinic/service/service.h"
#include "estimation/virtual_course.h"
#include "fixtures.h"
#include "io/model_file.h"
#include "store/memory/memory_store.h"

namespace ketapath::clinic {
namespace {

using namespace testing;
using ketapath::testing::must;

const pd::KetamineModel& ketamine() {
  static const pd::KetamineModel model = must(io::load_model(
      "ketamine",
      io::DataDirectories::from(std::nullopt, std::nullopt, std::nullopt, KETAPATH_SOURCE_DIR)));
  return model;
}

// HAM-A answers (14 items 0-4) summing to `total`.
std::vector<int> ham_a_items(int total) {
  std::vector<int> items(14, 0);
  for (int i = 0; i < total; ++i) {
    items[static_cast<std::size_t>(i % 14)] += 1;
  }
  return items;
}

class ForecastTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(clinic_.initialize());
    add_staff(clinic_);
    Patient p = adult_70kg();
    p.id = PatientId(0);
    p.weights = {{day("2026-10-15"), core::Kilograms(70.0), false}};
    patient_ = must(clinic_.add_patient(p));
    clear_for_treatment(clinic_, patient_);
  }

  // A strong responder's noise-free-plus-noise HAM-A totals at hours after the first dose.
  std::vector<int> totals(const std::vector<double>& hours) {
    std::vector<double> etas(ketamine().etas.size(), 0.0);
    for (std::size_t e = 0; e < etas.size(); ++e) {
      const auto id = ketamine().etas[e].parameter;
      etas[e] = id == pd::ParameterId::ANX_EC50 ? -1.0 : id == pd::ParameterId::S_KON ? 1.0 : 0.0;
    }
    const auto truth = pd::individualize(ketamine(), {.weight = core::Kilograms(70.0)}, etas);
    std::vector<pd::Dose> doses;  // SC 1 mg/kg, as recorded below
    for (const double d : {0.0, 4.0, 7.0, 11.0, 14.0, 18.0}) {
      doses.push_back({.time = core::Hours(d * 24.0 + 1.0),
                       .route = pd::Route::Sc,
                       .amount = core::Milligrams(70.0)});
    }
    const auto rated = must(estimation::rate(truth, pd::Scale::HamA, 26.0, doses, hours, 5, 0, 0));
    std::vector<int> out;
    for (const auto& r : rated) {
      out.push_back(static_cast<int>(r.score));
    }
    return out;
  }

  // `n` SC sessions from 2026-10-22 09:00 (days 0 4 7 11 14 18), HAM-A before and 2 h after
  // each, a follow-up 24 h after each, and one 7 days after the last.
  void record_loading(int n) {
    const Timestamp origin = at("2026-10-22T08:00:00Z");  // 1 h before the first dose
    std::vector<double> hours;
    const std::array<double, 6> days{0.0, 4.0, 7.0, 11.0, 14.0, 18.0};
    for (int k = 0; k < n; ++k) {
      const double start = days[static_cast<std::size_t>(k)] * 24.0 + 1.0;
      hours.insert(hours.end(), {start - 0.25, start + 2.0, start + 24.0});
    }
    hours.push_back(days[static_cast<std::size_t>(n - 1)] * 24.0 + 1.0 + 7.0 * 24.0);
    const std::vector<int> score = totals(hours);
    const auto when = [&](double h) {
      return origin + std::chrono::seconds(static_cast<long long>(h * 3600.0));
    };
    for (int k = 0; k < n; ++k) {
      Session s;
      s.patient = patient_;
      // SC injections (IV sessions need a second user's double check, issue 15).
      s.route = Route::Sc;
      s.dose_per_kg = core::MilligramsPerKilogram(1.0);
      s.started_at = when(days[static_cast<std::size_t>(k)] * 24.0 + 1.0);
      s.dose_ended_at = s.started_at;
      s.ended_at = s.started_at + std::chrono::minutes(150);
      VitalSigns before;
      before.measured_at = s.started_at - std::chrono::minutes(15);
      before.phase = Phase::Before;
      before.systolic = core::MillimetresOfMercury(125.0);
      before.diastolic = core::MillimetresOfMercury(80.0);
      s.vitals = {before};
      const auto i = static_cast<std::size_t>(3 * k);
      s.ratings = {{Scale::HamA, when(hours[i]), ham_a_items(score[i]), 0, "dr.lee"},
                   {Scale::HamA, when(hours[i + 1]), ham_a_items(score[i + 1]), 0, "dr.lee"}};
      ASSERT_TRUE(ketapath::testing::prepare_administration(clinic_, s));
      must(clinic_.record_session(s));
      Assessment a;
      a.patient = patient_;
      a.rating = {Scale::HamA, when(hours[i + 2]), ham_a_items(score[i + 2]), 0, "dr.lee"};
      must(clinic_.record_assessment(a));
    }
    Assessment last;
    last.patient = patient_;
    last.rating = {Scale::HamA, when(hours.back()), ham_a_items(score.back()), 0, "dr.lee"};
    must(clinic_.record_assessment(last));
  }

  MemoryStore store_;
  ClinicService clinic_{store_, "dr.lee", [] {
                          return kNow;
                        }};
  PatientId patient_{};
};

TEST_F(ForecastTest, TooFewRatingsSaySoAndTheRuleStands) {
  record_loading(1);  // 4 ratings, but ask for a scale with none
  const ClinicForecast f = must(
      forecast(clinic_, patient_, ketamine(), {.model_label = "ketamine", .scale = Scale::Gad7}));
  EXPECT_FALSE(f.sufficient);
  EXPECT_EQ(f.basis, "rule");
  EXPECT_NE(f.insufficient_reason.find("0 gad-7 rating(s)"), std::string::npos)
      << f.insufficient_reason;
  EXPECT_TRUE(f.days.empty());
  const auto j = to_json(f);
  EXPECT_FALSE(j.at("sufficient").get<bool>());
  EXPECT_TRUE(j.contains("rule_based"));
  EXPECT_FALSE(j.contains("forecast"));
}

TEST_F(ForecastTest, ForecastsFromTheRecordAndProposesClinicDaysReadOnly) {
  record_loading(6);
  const auto audit_before = store_.audit().verify()->entries;
  const ClinicForecast f = must(
      forecast(clinic_, patient_, ketamine(), {.model_label = "ketamine (test)", .risk = 0.2}));
  EXPECT_EQ(store_.audit().verify()->entries, audit_before);  // read-only
  ASSERT_TRUE(f.sufficient) << f.insufficient_reason;
  EXPECT_EQ(f.scale, Scale::HamA);
  EXPECT_EQ(f.ratings_used, 19);
  EXPECT_EQ(f.doses_used, 6);
  EXPECT_EQ(f.model, "ketamine (test)");
  ASSERT_EQ(f.parameters.size(), 5U);
  EXPECT_EQ(f.parameters[0].name, "ANX_EC50");
  EXPECT_LE(f.parameters[0].lower80, f.parameters[0].upper80);
  EXPECT_GT(f.p_responder, 0.5);
  ASSERT_FALSE(f.days.empty());
  ASSERT_TRUE(f.next_date.has_value());
  EXPECT_GT(*f.next_date, kToday - std::chrono::days(1));
  EXPECT_TRUE(is_clinic_day(*f.next_date, ClinicCalendar{}));
  ASSERT_TRUE(f.interval_days.has_value());
  EXPECT_TRUE(*f.interval_days == 7 || *f.interval_days == 14 || *f.interval_days == 21 ||
              *f.interval_days == 28);
  EXPECT_EQ(f.basis, f.within_risk ? "model" : "rule");
  EXPECT_FALSE(f.reason.empty());
  const auto j = to_json(f);
  EXPECT_EQ(j.at("recommendation").at("interval_days").get<int>(), *f.interval_days);
  EXPECT_EQ(j.at("posterior").at("parameters").size(), 5U);
  const std::string svg = core::render_svg(forecast_chart(f));
  EXPECT_NE(svg.find("<polygon"), std::string::npos);
  EXPECT_NE(svg.find("response threshold"), std::string::npos);
  // Same seed, same forecast.
  const ClinicForecast again = must(
      forecast(clinic_, patient_, ketamine(), {.model_label = "ketamine (test)", .risk = 0.2}));
  EXPECT_EQ(to_json(again).dump(), j.dump());
}

TEST_F(ForecastTest, RefusesAnUnmodelledScaleAndABadRisk) {
  const auto phq = forecast(clinic_, patient_, ketamine(), {.scale = Scale::Phq9});
  ASSERT_FALSE(phq);
  EXPECT_EQ(phq.error().code, core::ErrorCode::Validation);
  EXPECT_NE(phq.error().message.find("phq-9"), std::string::npos) << phq.error().message;
  const auto risk = forecast(clinic_, patient_, ketamine(), {.risk = 1.5});
  ASSERT_FALSE(risk);
  EXPECT_EQ(risk.error().code, core::ErrorCode::Validation);
}

}  // namespace
}  // namespace ketapath::clinic
