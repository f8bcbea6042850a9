#include "core/units.h"

#include <type_traits>

#include <gtest/gtest.h>

namespace ketapath::core {
namespace {

using namespace literals;

TEST(UnitsTest, WeightBasedDoseTimesWeightIsAmount) {
  const Milligrams dose = 0.5_mg_per_kg * 70.0_kg;
  EXPECT_DOUBLE_EQ(dose.value(), 35.0);
  static_assert((MilligramsPerKilogram(10) * Kilograms(70)).value() == 700.0);
}

TEST(UnitsTest, AmountOverVolumeIsConcentration) {
  const MilligramsPerLitre c = 35.0_mg / 80.0_L;
  EXPECT_DOUBLE_EQ(c.value(), 0.4375);
  EXPECT_DOUBLE_EQ(to_ng_per_ml(c).value(), 437.5);
  EXPECT_DOUBLE_EQ(to_mg_per_l(to_ng_per_ml(c)).value(), c.value());
}

TEST(UnitsTest, ClearanceOverVolumeIsRateConstantAndExponentIsDimensionless) {
  const PerHour k = 79.0_L_per_h / 80.0_L;
  const double exponent = k * 2.0_h;
  EXPECT_DOUBLE_EQ(exponent, 79.0 / 80.0 * 2.0);
}

TEST(UnitsTest, MinutesConvertToHoursOnlyExplicitly) {
  EXPECT_DOUBLE_EQ(to_hours(40.0_min).value(), 40.0 / 60.0);
  EXPECT_DOUBLE_EQ(to_minutes(1.5_h).value(), 90.0);
  static_assert(!std::is_convertible_v<Minutes, Hours>);
  static_assert(!std::is_convertible_v<double, Milligrams>);
  static_assert(!std::is_convertible_v<MilligramsPerLitre, NanogramsPerMillilitre>);
}

TEST(UnitsTest, InfusionPumpArithmetic) {
  // 35 mg at 1 mg/mL over 40 min: 35 mL at 52.5 mL/h (the clinic's worked example).
  const Millilitres volume = 35.0_mg / 1.0_mg_per_mL;
  EXPECT_DOUBLE_EQ(volume.value(), 35.0);
  EXPECT_DOUBLE_EQ(pump_rate(volume, 40.0_min).value(), 52.5);
}

TEST(UnitsTest, SameKindArithmeticAndOrdering) {
  Milligrams total = 10.0_mg;
  total += 5.0_mg;
  EXPECT_EQ(total, 15.0_mg);
  EXPECT_LT(10.0_mg, total);
  EXPECT_DOUBLE_EQ(total / 5.0_mg, 3.0);
  EXPECT_EQ((total - 5.0_mg) * 2.0, 20.0_mg);
}

}  // namespace
}  // namespace ketapath::core
