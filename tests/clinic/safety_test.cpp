// Safety thresholds: caution before dosing, pause and stop during and after, SpO2 in any phase.

#include "clinic/domain/safety.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace ketapath::clinic {
namespace {

using namespace testing;

VitalSigns vitals(Phase phase, double sys, double dia, double hr, double spo2) {
  VitalSigns v;
  v.measured_at = kNow;
  v.phase = phase;
  v.systolic = core::MillimetresOfMercury(sys);
  v.diastolic = core::MillimetresOfMercury(dia);
  v.heart_rate = core::BeatsPerMinute(hr);
  v.spo2_percent = spo2;
  return v;
}

TEST(Safety, NormalVitalsRaiseNothing) {
  EXPECT_TRUE(evaluate_vitals(vitals(Phase::Before, 125, 80, 72, 98), {}).empty());
  EXPECT_TRUE(evaluate_vitals(vitals(Phase::During, 165, 95, 100, 96), {}).empty());
}

TEST(Safety, PreDoseBpAtThresholdIsCaution) {
  const auto a = evaluate_vitals(vitals(Phase::Before, 140, 85, 70, 98), {});
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].level, AlertLevel::Caution);
  EXPECT_EQ(a[0].measure, "systolic_bp");
  EXPECT_EQ(a[0].value, 140.0);
  EXPECT_EQ(a[0].threshold, 140.0);
}

TEST(Safety, DuringInfusionPauseAndStop) {
  auto a = evaluate_vitals(vitals(Phase::During, 185, 95, 80, 98), {});
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].level, AlertLevel::Pause);
  EXPECT_NE(a[0].message.find("systolic BP 185 mmHg > pause threshold 180"), std::string::npos);
  a = evaluate_vitals(vitals(Phase::During, 205, 118, 135, 98), {});
  ASSERT_EQ(a.size(), 3u);
  for (const auto& alert : a) {
    EXPECT_EQ(alert.level, AlertLevel::Stop);
  }
  // Exactly at the pause threshold is not above it.
  EXPECT_TRUE(evaluate_vitals(vitals(Phase::During, 180, 100, 110, 94), {}).empty());
}

TEST(Safety, LowSpO2) {
  auto a = evaluate_vitals(vitals(Phase::During, 130, 80, 80, 93), {});
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].level, AlertLevel::Pause);
  a = evaluate_vitals(vitals(Phase::After, 130, 80, 80, 90), {});
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].level, AlertLevel::Stop);
}

TEST(Safety, ThresholdsAreConfigurableAndChecked) {
  SafetyThresholds t;
  t.pause_systolic = 160;
  EXPECT_EQ(evaluate_vitals(vitals(Phase::During, 165, 90, 80, 98), t).size(), 1u);
  EXPECT_TRUE(validate_thresholds(t));
  t.stop_systolic = 150;  // stop below pause
  EXPECT_FALSE(validate_thresholds(t));
  t = {};
  t.stop_spo2 = 95;  // stop above pause
  EXPECT_FALSE(validate_thresholds(t));
}

TEST(Safety, SessionAlertsAreInTimeOrderWithPatient) {
  Session s;
  s.patient = PatientId(7);
  auto late = vitals(Phase::During, 190, 90, 80, 98);
  late.measured_at = at("2026-11-20T09:40:00Z");
  auto early = vitals(Phase::Before, 150, 80, 80, 98);
  early.measured_at = at("2026-11-20T08:50:00Z");
  s.vitals = {late, early};
  const auto a = evaluate_session(s, {});
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].level, AlertLevel::Caution);
  EXPECT_EQ(a[1].level, AlertLevel::Pause);
  EXPECT_EQ(a[1].patient, PatientId(7));
}

ScaleRating phq9(const char* when, int item9) {
  return {Scale::Phq9, at(when), {1, 1, 1, 1, 1, 1, 1, 1, item9}, 8 + item9, "self"};
}

TEST(Safety, PositivePhq9Item9IsUrgentWhateverTheTotal) {
  Session s;
  s.patient = PatientId(7);
  s.ratings = {phq9("2026-11-20T08:45:00Z", 0), phq9("2026-11-20T11:00:00Z", 1)};
  s.ratings.push_back({Scale::Gad7, at("2026-11-20T08:40:00Z"), {3, 3, 3, 3, 3, 3, 3}, 21, "self"});
  const auto a = evaluate_ratings(s);
  ASSERT_EQ(a.size(), 1u);  // item 9 = 0 raises nothing; other scales are not read for item 9
  EXPECT_EQ(a[0].level, AlertLevel::Urgent);
  EXPECT_EQ(a[0].measure, "phq9_item9");
  EXPECT_EQ(a[0].value, 1.0);
  EXPECT_EQ(a[0].raised_at, at("2026-11-20T11:00:00Z"));
  EXPECT_EQ(a[0].patient, PatientId(7));
  EXPECT_NE(a[0].message.find("suicide risk"), std::string::npos) << a[0].message;
}

TEST(Safety, SessionAlertsIncludeRatingsInTimeOrder) {
  Session s;
  s.patient = PatientId(7);
  auto during = vitals(Phase::During, 190, 90, 80, 98);
  during.measured_at = at("2026-11-20T09:40:00Z");
  s.vitals = {during};
  s.ratings = {phq9("2026-11-20T08:45:00Z", 3)};
  const auto a = evaluate_session(s, {});
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].level, AlertLevel::Urgent);
  EXPECT_EQ(a[1].level, AlertLevel::Pause);
}

}  // namespace
}  // namespace ketapath::clinic
