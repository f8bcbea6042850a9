// Every input rule of validation.h and scales.h, each with the field, value and unit in the error.

#include "clinic/domain/validation.h"

#include <gtest/gtest.h>

#include "clinic/domain/scales.h"
#include "fixtures.h"

namespace ketapath::clinic {
namespace {

using namespace testing;

void expect_refused(const core::Status& s, std::string_view fragment) {
  ASSERT_FALSE(s) << "expected a refusal mentioning " << fragment;
  EXPECT_EQ(s.error().code, core::ErrorCode::Validation);
  EXPECT_NE(s.error().message.find(fragment), std::string::npos) << s.error().message;
}

TEST(WeightRule, ZeroAnd700KgAreRefusedWithUnit) {
  const InputLimits limits;
  expect_refused(validate_weight({kToday, core::Kilograms(0.0), false}, kToday, limits),
                 "got 0 kg");
  expect_refused(validate_weight({kToday, core::Kilograms(700.0), false}, kToday, limits),
                 "got 700 kg");
  expect_refused(validate_weight({kToday, core::Kilograms(19.9), false}, kToday, limits),
                 "20-300 kg");
  EXPECT_TRUE(validate_weight({kToday, core::Kilograms(20.0), false}, kToday, limits));
  EXPECT_TRUE(validate_weight({kToday, core::Kilograms(300.0), false}, kToday, limits));
  expect_refused(validate_weight({kToday, core::Kilograms(std::nan("")), false}, kToday, limits),
                 "body weight");
}

TEST(WeightRule, FutureDateIsRefused) {
  expect_refused(
      validate_weight({kToday + std::chrono::days(1), core::Kilograms(70.0), false}, kToday, {}),
      "future");
}

TEST(WeightWarnings, LargeChangeAndEstimatesAreFlagged) {
  const Patient p = adult_70kg();
  EXPECT_TRUE(weight_warnings(p, {kToday, core::Kilograms(72.0), false}).empty());
  EXPECT_EQ(weight_warnings(p, {kToday, core::Kilograms(80.0), false}).size(), 1u);
  EXPECT_EQ(weight_warnings(p, {kToday, core::Kilograms(71.0), true}).size(), 1u);
}

TEST(PatientRule, NameAgeAndNestedValues) {
  Patient p = adult_70kg();
  EXPECT_TRUE(validate_patient(p, kToday, {}));
  p.name = "  ";
  expect_refused(validate_patient(p, kToday, {}), "name");
  p = adult_70kg();
  p.birth_date = day("2010-01-01");
  expect_refused(validate_patient(p, kToday, {}), "got 16 years");
  p.birth_date = day("2027-01-01");
  expect_refused(validate_patient(p, kToday, {}), "future");
  p = adult_70kg();
  p.weights.push_back({kToday, core::Kilograms(700.0), false});
  expect_refused(validate_patient(p, kToday, {}),
                 "weights[1]: body weight must be 20-300 kg (got 700 kg)");
}

TEST(DiagnosisRule, Icd10CodesMatchTheirDisorder) {
  EXPECT_TRUE(validate_diagnosis({Disorder::Gad, "F41.1", kToday, true}, kToday));
  EXPECT_TRUE(validate_diagnosis({Disorder::SocialAnxiety, "F40.10", kToday, true}, kToday));
  EXPECT_TRUE(validate_diagnosis({Disorder::SocialAnxiety, "F40.11", kToday, true}, kToday));
  EXPECT_TRUE(validate_diagnosis({Disorder::Panic, "F41.0", kToday, true}, kToday));
  EXPECT_TRUE(validate_diagnosis({Disorder::SpecificPhobia, "F40.218", kToday, true}, kToday));
  EXPECT_TRUE(validate_diagnosis({Disorder::SpecificPhobia, "F40.22", kToday, true}, kToday));
  EXPECT_TRUE(validate_diagnosis({Disorder::Other, "F33.1", kToday, false}, kToday));
  expect_refused(validate_diagnosis({Disorder::Gad, "F41.0", kToday, true}, kToday), "F41.1");
  expect_refused(validate_diagnosis({Disorder::SocialAnxiety, "F40.1", kToday, true}, kToday),
                 "F40.10");
  expect_refused(validate_diagnosis({Disorder::SpecificPhobia, "F40.10", kToday, true}, kToday),
                 "F40.2x");
  expect_refused(validate_diagnosis({Disorder::Other, "anxiety", kToday, true}, kToday),
                 "well-formed");
  expect_refused(
      validate_diagnosis({Disorder::Gad, "F41.1", kToday + std::chrono::days(3), true}, kToday),
      "future");
}

TEST(TreatmentTrialRule, DosesDurationsAndDates) {
  TreatmentTrial t = adult_70kg().treatment_history[0];
  EXPECT_TRUE(validate_treatment_trial(t, kToday));
  t.daily_dose = core::Milligrams(-5.0);
  expect_refused(validate_treatment_trial(t, kToday), "got -5 mg/day");
  t = adult_70kg().treatment_history[0];
  t.duration_weeks = -1;
  expect_refused(validate_treatment_trial(t, kToday), "weeks");
  t = adult_70kg().treatment_history[0];
  t.started_on = kToday + std::chrono::days(1);
  expect_refused(validate_treatment_trial(t, kToday), "future");
  t.started_on.reset();
  t.name.clear();
  expect_refused(validate_treatment_trial(t, kToday), "name");
}

VitalSigns bp(double sys, double dia) {
  VitalSigns v;
  v.measured_at = kNow;
  v.systolic = core::MillimetresOfMercury(sys);
  v.diastolic = core::MillimetresOfMercury(dia);
  return v;
}

TEST(VitalsRule, Bp400Over20IsRefusedNamingTheMeasure) {
  expect_refused(validate_vitals(bp(400, 20), {}),
                 "systolic BP must be 50-300 mmHg (got 400 mmHg)");
  expect_refused(validate_vitals(bp(120, 10), {}),
                 "diastolic BP must be 20-200 mmHg (got 10 mmHg)");
  expect_refused(validate_vitals(bp(80, 90), {}),
                 "systolic BP must exceed diastolic (got 80/90 mmHg)");
  EXPECT_TRUE(validate_vitals(bp(120, 80), {}));
}

TEST(VitalsRule, HeartRateSpO2AndCompleteness) {
  VitalSigns v;
  v.measured_at = kNow;
  expect_refused(validate_vitals(v, {}), "at least one measure");
  v.heart_rate = core::BeatsPerMinute(300.0);
  expect_refused(validate_vitals(v, {}), "got 300 bpm");
  v.heart_rate = core::BeatsPerMinute(70.0);
  v.spo2_percent = 101.0;
  expect_refused(validate_vitals(v, {}), "got 101 %");
  v.spo2_percent = 97.0;
  EXPECT_TRUE(validate_vitals(v, {}));
  v.systolic = core::MillimetresOfMercury(120.0);  // without diastolic
  expect_refused(validate_vitals(v, {}), "systolic and diastolic");
}

TEST(ScaleRule, ItemRangesAndCountsPerInstrument) {
  EXPECT_EQ(*score_items(Scale::Gad7, {3, 3, 3, 3, 3, 3, 3}), 21);
  EXPECT_EQ(*score_items(Scale::Phq9, std::vector<int>(9, 1)), 9);
  EXPECT_EQ(*score_items(Scale::HamA, std::vector<int>(14, 4)), 56);
  EXPECT_EQ(*score_items(Scale::Lsas, std::vector<int>(48, 3)), 144);
  EXPECT_EQ(*score_items(Scale::Fq, std::vector<int>(15, 8)), 120);
  EXPECT_EQ(*score_items(Scale::Cadss, std::vector<int>(23, 4)), 92);
  const auto bad = score_items(Scale::Gad7, {0, 1, 4, 0, 0, 0, 0});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, core::ErrorCode::Validation);
  EXPECT_EQ(bad.error().message, "GAD-7: item 3 must be 0-3 (got 4)");
  EXPECT_FALSE(score_items(Scale::HamA, std::vector<int>(14, 5)));
  EXPECT_FALSE(score_items(Scale::Phq9, std::vector<int>(9, -1)));
  const auto partial = score_items(Scale::Phq9, std::vector<int>(8, 1));
  ASSERT_FALSE(partial);
  EXPECT_NE(partial.error().message.find("partial forms are not scored"), std::string::npos);
}

TEST(ScaleBands, PublishedCutoffs) {
  EXPECT_EQ(severity_band(Scale::Gad7, 4), "minimal");
  EXPECT_EQ(severity_band(Scale::Gad7, 10), "moderate");
  EXPECT_EQ(severity_band(Scale::HamA, 7), "none/minimal");
  EXPECT_EQ(severity_band(Scale::HamA, 24), "severe");
  EXPECT_EQ(severity_band(Scale::Phq9, 20), "severe");
}

Session valid_session() {
  Session s;
  s.patient = PatientId(1);
  s.route = Route::Iv;
  s.dose_per_kg = core::MilligramsPerKilogram(0.5);
  s.dose = core::Milligrams(35.0);
  s.started_at = at("2026-11-20T09:00:00Z");
  s.ended_at = at("2026-11-20T11:00:00Z");
  VitalSigns v = bp(122, 78);
  v.measured_at = at("2026-11-20T08:50:00Z");
  s.vitals = {v};
  s.ratings = {{Scale::Gad7, at("2026-11-20T08:45:00Z"), {2, 2, 2, 2, 2, 2, 2}, 99, "self"}};
  return s;
}

TEST(SessionRule, ValidSessionHasRecomputedTotals) {
  const auto s = validate_session(valid_session(), kNow, {});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->ratings[0].total, 14);  // 99 from the input is never trusted
}

TEST(SessionRule, FutureSessionIsRefused) {
  Session s = valid_session();
  s.started_at = at("2026-11-21T09:00:00Z");
  s.ended_at = at("2026-11-21T10:00:00Z");
  const auto r = validate_session(s, kNow, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::Validation);
  EXPECT_NE(
      r.error().message.find("started_at must not be in the future (got 2026-11-21T09:00:00Z"),
      std::string::npos);
}

TEST(SessionRule, EndBeforeStartAndEndInFuture) {
  Session s = valid_session();
  s.ended_at = at("2026-11-20T08:00:00Z");
  EXPECT_FALSE(validate_session(s, kNow, {}));
  s.ended_at = at("2026-11-20T12:30:00Z");
  EXPECT_FALSE(validate_session(s, kNow, {}));
}

TEST(SessionRule, VitalsOutsideWindowAndBadVitalsAndBadItems) {
  Session s = valid_session();
  s.vitals[0].measured_at = at("2026-11-20T06:00:00Z");
  EXPECT_FALSE(validate_session(s, kNow, {}));
  s = valid_session();
  s.vitals.push_back(bp(400, 20));
  s.vitals.back().measured_at = at("2026-11-20T09:30:00Z");
  const auto r = validate_session(s, kNow, {});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("vitals[1]: systolic BP must be 50-300 mmHg (got 400 mmHg)"),
            std::string::npos);
  s = valid_session();
  s.ratings[0].items[6] = 7;
  const auto item = validate_session(s, kNow, {});
  ASSERT_FALSE(item);
  EXPECT_NE(item.error().message.find("ratings[0]: GAD-7: item 7 must be 0-3 (got 7)"),
            std::string::npos);
}

TEST(SessionRule, ZeroDoseAndEmptyAdverseEvent) {
  Session s = valid_session();
  s.dose_per_kg = core::MilligramsPerKilogram(0.0);
  EXPECT_FALSE(validate_session(s, kNow, {}));
  s = valid_session();
  s.adverse_events.push_back({at("2026-11-20T09:20:00Z"), "", Severity::Mild, "", true, false, ""});
  EXPECT_FALSE(validate_session(s, kNow, {}));
}

TEST(SessionRule, DischargeReadinessIsDerived) {
  Session s = valid_session();
  DischargeReadiness d;
  d.assessed_at = at("2026-11-20T11:00:00Z");
  d.alert_and_oriented = d.vitals_near_baseline = d.ambulating_steadily = d.escort_present = true;
  d.ready = false;
  s.discharge = d;
  EXPECT_TRUE(validate_session(s, kNow, {})->discharge->ready);
  s.adverse_events.push_back({at("2026-11-20T09:20:00Z"), "hypertension 190/110", Severity::Severe,
                              "stopped", false, false, ""});
  EXPECT_FALSE(validate_session(s, kNow, {})->discharge->ready);
  s.adverse_events.clear();
  s.discharge->escort_present = false;
  EXPECT_FALSE(validate_session(s, kNow, {})->discharge->ready);
}

TEST(TimeText, ParseAndFormatRoundTrip) {
  EXPECT_EQ(format_timestamp(at("2026-11-20T09:05:07Z")), "2026-11-20T09:05:07Z");
  EXPECT_EQ(format_timestamp(*parse_timestamp("2026-11-20T10:05+01:00")), "2026-11-20T09:05:00Z");
  EXPECT_EQ(format_date(day("2024-02-29")), "2024-02-29");
  EXPECT_FALSE(parse_date("2023-02-29"));
  EXPECT_FALSE(parse_date("20-11-2026"));
  EXPECT_FALSE(parse_timestamp("2026-11-20T25:00:00Z"));
  EXPECT_FALSE(parse_timestamp("2026-11-20T09:00:00+0100"));
  EXPECT_EQ(age_in_years(day("1985-03-14"), day("2026-03-13")), 40);
  EXPECT_EQ(age_in_years(day("1985-03-14"), day("2026-03-14")), 41);
}

// A clinic at UTC-5 entering 09:00 means 14:00Z; read as UTC it would be 5 hours early. A clinical
// time must carry its offset; one without is refused, naming the field, the value and the form.
TEST(TimeText, RefusesATimeWithoutAnOffset) {
  EXPECT_EQ(format_timestamp(*parse_timestamp("2026-12-03T09:00-05:00")), "2026-12-03T14:00:00Z");
  EXPECT_EQ(format_timestamp(*parse_timestamp("2026-12-03 09:00:30Z")), "2026-12-03T09:00:30Z");
  for (const char* text : {"2026-12-03T09:00", "2026-12-03T09:00:00", "2026-12-03 09:00"}) {
    const auto t = parse_timestamp(text, "started_at");
    ASSERT_FALSE(t) << text;
    EXPECT_EQ(t.error().code, core::ErrorCode::InvalidArgument);
    EXPECT_NE(t.error().message.find("started_at"), std::string::npos) << t.error().message;
    EXPECT_NE(t.error().message.find(text), std::string::npos) << t.error().message;
    EXPECT_NE(t.error().message.find("no UTC offset"), std::string::npos) << t.error().message;
    EXPECT_NE(t.error().message.find("Z or +HH:MM"), std::string::npos) << t.error().message;
  }
  // Out-of-range clock times are still refused as such, not as a missing offset.
  const auto hour25 = parse_timestamp("2026-12-03T25:00", "at");
  ASSERT_FALSE(hour25);
  EXPECT_EQ(hour25.error().message.find("no UTC offset"), std::string::npos);
}

}  // namespace
}  // namespace ketapath::clinic
