// Dose calculation: the acceptance case, each refusal, soft override, and the arithmetic text.

#include <gtest/gtest.h>

#include "clinic/domain/dose_calculator.h"
#include "core/number_text.h"
#include "fixtures.h"

namespace ketapath::clinic {
namespace {

using namespace testing;
using core::MilligramsPerKilogram;

DoseOrder iv_order(double mg_per_kg) {
  DoseOrder o;
  o.patient = PatientId(1);
  o.route = Route::Iv;
  o.dose = MilligramsPerKilogram(mg_per_kg);
  o.duration = core::Minutes(40.0);
  o.concentration = core::MilligramsPerMillilitre(1.0);
  o.on = kToday;
  return o;
}

bool contains(const std::vector<std::string>& lines, std::string_view text) {
  for (const auto& l : lines) {
    if (l.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

TEST(DoseCalculation, AcceptanceCase70KgIvHalfMgPerKgOver40Min) {
  const auto c = calculate_dose(adult_70kg(), default_ketamine_entry(), iv_order(0.5), {});
  ASSERT_TRUE(c) << c.error().message;
  // Exact by hand: 70 x 0.5 = 35 mg; 35 / 1 = 35 mL; 35 mL / (40/60 h) = 52.5 mL/h. The rate
  // goes through 40/60, which is inexact in binary, so compare within a few ulps.
  EXPECT_EQ(c->dose.value(), 35.0);
  EXPECT_EQ(c->volume.value(), 35.0);
  ASSERT_TRUE(c->rate);
  EXPECT_DOUBLE_EQ(c->rate->value(), 52.5);
  EXPECT_DOUBLE_EQ(*c->dose_rate_mg_per_kg_per_h, 0.75);
  EXPECT_EQ(c->limit, LimitLevel::None);
  EXPECT_TRUE(contains(c->arithmetic, "dose: 70 kg x 0.5 mg/kg = 35 mg"));
  EXPECT_TRUE(contains(c->arithmetic, "volume: 35 mg / 1 mg/mL = 35 mL"));
  EXPECT_TRUE(contains(c->arithmetic, "= 52.5 mL/h"));
  EXPECT_TRUE(contains(c->arithmetic, "0.75 mg/kg/h"));
}

TEST(DoseCalculation, DilutedBagChangesVolumeAndRateNotDose) {
  // clinic-practice.md section 4: 35 mg at 2 mg/mL -> 17.5 mL -> 26.25 mL/h.
  auto order = iv_order(0.5);
  order.concentration = core::MilligramsPerMillilitre(2.0);
  const auto c = calculate_dose(adult_70kg(), default_ketamine_entry(), order, {});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->dose.value(), 35.0);
  EXPECT_EQ(c->volume.value(), 17.5);
  EXPECT_DOUBLE_EQ(c->rate->value(), 26.25);
}

TEST(DoseCalculation, DefaultsComeFromTheLibrary) {
  auto order = iv_order(0.5);
  order.duration.reset();
  order.concentration.reset();
  const auto c = calculate_dose(adult_70kg(), default_ketamine_entry(), order, {});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->duration->value(), 40.0);
  EXPECT_EQ(c->concentration.value(), 1.0);
}

TEST(DoseCalculation, SubcutaneousHasNoRate) {
  auto order = iv_order(1.0);
  order.route = Route::Sc;
  order.duration.reset();
  order.concentration = core::MilligramsPerMillilitre(50.0);
  const auto c = calculate_dose(adult_70kg(), default_ketamine_entry(), order, {});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->dose.value(), 70.0);
  EXPECT_EQ(c->volume.value(), 1.4);
  EXPECT_FALSE(c->rate);
}

TEST(DoseCalculation, DurationOnBolusRouteIsRefused) {
  auto order = iv_order(0.5);
  order.route = Route::Sc;
  order.concentration = core::MilligramsPerMillilitre(50.0);
  const auto c = calculate_dose(adult_70kg(), default_ketamine_entry(), order, {});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, core::ErrorCode::Validation);
}

// Review find: refusals showed "got 120 min" for 120.0001 and "got 0.1 mg/kg" for 0.0999.
TEST(DoseCalculation, RefusedValuesNeverLookLikeTheLimit) {
  DoseOrder long_infusion = iv_order(0.5);
  long_infusion.duration = core::Minutes(120.0001);
  const auto d = calculate_dose(adult_70kg(), default_ketamine_entry(), long_infusion, {});
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("duration must be 15-120 min (got 120.0001 min)"),
            std::string::npos)
      << d.error().message;
  const auto low = calculate_dose(adult_70kg(), default_ketamine_entry(), iv_order(0.0999), {});
  ASSERT_FALSE(low);
  EXPECT_NE(low.error().message.find("minimum of 0.1 mg/kg (got 0.0999 mg/kg)"), std::string::npos)
      << low.error().message;
  DoseOrder odd = iv_order(0.5);
  odd.concentration = core::MilligramsPerMillilitre(1.00001);
  const auto c = calculate_dose(adult_70kg(), default_ketamine_entry(), odd, {});
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("(got 1.00001 mg/mL)"), std::string::npos) << c.error().message;
}

TEST(DoseCalculation, SoftLimitNeedsAReasonAndRecordsIt) {
  const auto refused = calculate_dose(adult_70kg(), default_ketamine_entry(), iv_order(1.0), {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::LimitExceeded);
  EXPECT_NE(refused.error().message.find("soft limit of 0.75 mg/kg"), std::string::npos);
  auto order = iv_order(1.0);
  order.override_reason = "partial response at 0.75 mg/kg, psychiatrist approved";
  const auto c = calculate_dose(adult_70kg(), default_ketamine_entry(), order, {});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->limit, LimitLevel::Soft);
  EXPECT_EQ(c->override_reason, order.override_reason);
  EXPECT_EQ(c->dose.value(), 70.0);
  EXPECT_TRUE(contains(c->arithmetic, "overridden"));
}

TEST(DoseCalculation, BlankOverrideReasonDoesNotCount) {
  auto order = iv_order(1.0);
  order.override_reason = "   ";
  EXPECT_FALSE(calculate_dose(adult_70kg(), default_ketamine_entry(), order, {}));
}

TEST(DoseCalculation, HardLimitCannotBeOverridden) {
  auto order = iv_order(1.6);
  order.override_reason = "any reason";
  const auto c = calculate_dose(adult_70kg(), default_ketamine_entry(), order, {});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, core::ErrorCode::LimitExceeded);
  EXPECT_NE(c.error().message.find("hard limit of 1.5 mg/kg"), std::string::npos);
  EXPECT_NE(c.error().message.find("cannot be overridden"), std::string::npos);
}

TEST(DoseCalculation, MilligramsTypedIntoMgPerKgFieldGetAHint) {
  const auto c = calculate_dose(adult_70kg(), default_ketamine_entry(), iv_order(35.0), {});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, core::ErrorCode::LimitExceeded);
  EXPECT_NE(c.error().message.find("did you mean 35 mg?"), std::string::npos);
}

TEST(DoseCalculation, AbsoluteCapApplies) {
  // 120 kg x 1.4 mg/kg = 168 mg > 150 mg cap, even though 1.4 mg/kg is under the hard limit.
  Patient p = adult_70kg();
  p.weights = {{kToday, core::Kilograms(120.0), false}};
  auto order = iv_order(1.4);
  order.override_reason = "approved";
  const auto c = calculate_dose(p, default_ketamine_entry(), order, {});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, core::ErrorCode::LimitExceeded);
  EXPECT_NE(c.error().message.find("absolute cap of 150 mg"), std::string::npos);
}

TEST(DoseCalculation, BelowLibraryMinimumIsRefused) {
  const auto c = calculate_dose(adult_70kg(), default_ketamine_entry(), iv_order(0.05), {});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, core::ErrorCode::Validation);
}

TEST(DoseCalculation, StaleWeightIsRefusedAndPolicyIsConfigurable) {
  Patient p = adult_70kg();
  p.weights = {{day("2026-10-01"), core::Kilograms(70.0), false}};  // 50 days before
  const auto stale = calculate_dose(p, default_ketamine_entry(), iv_order(0.5), {});
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, core::ErrorCode::Validation);
  EXPECT_NE(stale.error().message.find("must be 0-30 days (got 50 days)"), std::string::npos);
  DosingPolicy lenient;
  lenient.max_weight_age_days = 60;
  EXPECT_TRUE(calculate_dose(p, default_ketamine_entry(), iv_order(0.5), lenient));
}

TEST(DoseCalculation, ExactlyThirtyDaysIsStillRecent) {
  Patient p = adult_70kg();
  p.weights = {{kToday - std::chrono::days(30), core::Kilograms(70.0), false}};
  EXPECT_TRUE(calculate_dose(p, default_ketamine_entry(), iv_order(0.5), {}));
  p.weights = {{kToday - std::chrono::days(31), core::Kilograms(70.0), false}};
  EXPECT_FALSE(calculate_dose(p, default_ketamine_entry(), iv_order(0.5), {}));
}

TEST(DoseCalculation, LatestWeightWinsAndFutureWeightsAreIgnored) {
  Patient p = adult_70kg();
  p.weights = {{day("2026-11-10"), core::Kilograms(80.0), false},
               {day("2026-11-19"), core::Kilograms(60.0), false},
               {day("2026-11-25"), core::Kilograms(90.0), false}};
  const auto c = calculate_dose(p, default_ketamine_entry(), iv_order(0.5), {});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->weight.value(), 60.0);
  EXPECT_EQ(c->dose.value(), 30.0);
}

TEST(DoseCalculation, MissingWeightIsRefused) {
  Patient p = adult_70kg();
  p.weights.clear();
  const auto c = calculate_dose(p, default_ketamine_entry(), iv_order(0.5), {});
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("no weight"), std::string::npos);
}

TEST(DoseCalculation, ConcentrationMustBeInTheLibrary) {
  auto order = iv_order(0.5);
  order.concentration = core::MilligramsPerMillilitre(100.0);  // undiluted vial
  const auto c = calculate_dose(adult_70kg(), default_ketamine_entry(), order, {});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, core::ErrorCode::Validation);
  EXPECT_NE(c.error().message.find("got 100 mg/mL"), std::string::npos);
}

TEST(DoseCalculation, DurationLimits) {
  auto order = iv_order(0.5);
  order.duration = core::Minutes(5.0);
  EXPECT_FALSE(calculate_dose(adult_70kg(), default_ketamine_entry(), order, {}));
  order.duration = core::Minutes(121.0);
  EXPECT_FALSE(calculate_dose(adult_70kg(), default_ketamine_entry(), order, {}));
}

TEST(DoseText, ParsesMgPerKg) {
  EXPECT_EQ(parse_dose_per_kg("0.5mg/kg")->value(), 0.5);
  EXPECT_EQ(parse_dose_per_kg("0.25 mg/kg")->value(), 0.25);
  EXPECT_EQ(parse_dose_per_kg("1 MG/KG")->value(), 1.0);
}

TEST(DoseText, RefusesMilligramsMissingUnitsRatesAndNakedDecimals) {
  const auto mg = parse_dose_per_kg("35mg");
  ASSERT_FALSE(mg);
  EXPECT_EQ(mg.error().code, core::ErrorCode::Validation);
  EXPECT_NE(mg.error().message.find("expected a weight-based dose in mg/kg"), std::string::npos);
  EXPECT_NE(mg.error().message.find("35 mg"), std::string::npos);
  EXPECT_FALSE(parse_dose_per_kg("0.5"));
  EXPECT_FALSE(parse_dose_per_kg("0.75mg/kg/h"));
  EXPECT_FALSE(parse_dose_per_kg(".5mg/kg"));
  EXPECT_FALSE(parse_dose_per_kg("abc"));
  EXPECT_FALSE(parse_dose_per_kg("0mg/kg"));
  EXPECT_FALSE(parse_dose_per_kg("-1mg/kg"));
}

TEST(DisplayNumber, NoTrailingZerosAndALeadingZero) {
  EXPECT_EQ(core::display_number(35.0), "35");
  EXPECT_EQ(core::display_number(52.5), "52.5");
  EXPECT_EQ(core::display_number(0.75), "0.75");
  EXPECT_EQ(core::display_number(2.0 / 3.0, 4), "0.6667");
}

TEST(DrugLibrary, DefaultEntryIsConsistentAndBadEntriesAreRefused) {
  DrugEntry e = default_ketamine_entry();
  EXPECT_TRUE(validate_drug_entry(e));
  e.limits[0].soft_max = MilligramsPerKilogram(2.0);  // above hard max
  EXPECT_FALSE(validate_drug_entry(e));
  e = default_ketamine_entry();
  e.limits.push_back(e.limits[0]);  // duplicate route
  EXPECT_FALSE(validate_drug_entry(e));
  e = default_ketamine_entry();
  e.limits[0].concentrations.clear();
  EXPECT_FALSE(validate_drug_entry(e));
}

}  // namespace
}  // namespace ketapath::clinic
