// The one reader of a dose typed with its unit (predict --dose, clinic dose --dose).

#include <string>

#include <gtest/gtest.h>

#include "core/dose_text.h"

namespace ketapath::core {
namespace {

TEST(DoseQuantity, ReadsPerKgAndTotalsWithSpacesAndAnyCase) {
  EXPECT_EQ(std::get<MilligramsPerKilogram>(*parse_dose_quantity("0.5mg/kg", "--dose")).value(),
            0.5);
  EXPECT_EQ(std::get<MilligramsPerKilogram>(*parse_dose_quantity(" 1 MG/KG ", "--dose")).value(),
            1.0);
  EXPECT_EQ(std::get<Milligrams>(*parse_dose_quantity("35 mg", "--dose")).value(), 35.0);
  EXPECT_EQ(std::get<MilligramsPerKilogram>(*parse_dose_quantity("5e-1mg/kg", "--dose")).value(),
            0.5);
}

TEST(DoseQuantity, RefusesWhatIsNotAFinitePositiveDoseNamingFieldAndText) {
  for (const char* bad : {"", "mg/kg", "0.5", "0.5mg/kg/h", "0.5 g", "abc", "0mg/kg", "-1mg/kg",
                          "infmg/kg", "nanmg", "0x1p3mg", "1e309mg", "1e400mg/kg"}) {
    const auto r = parse_dose_quantity(bad, "--dose");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument) << bad;
    EXPECT_TRUE(r.error().message.starts_with("--dose")) << r.error().message;
  }
  const auto dot = parse_dose_quantity(".5mg/kg", "--dose");
  ASSERT_FALSE(dot);
  EXPECT_NE(dot.error().message.find("write a leading zero, e.g. 0.5mg/kg"), std::string::npos)
      << dot.error().message;
}

// Hostile text is quoted as a bounded excerpt, never whole (docs/limits.md).
TEST(DoseQuantity, QuotesABoundedExcerptOfLongText) {
  const std::string long_text = "1" + std::string(100'000, 'x');
  const auto r = parse_dose_quantity(long_text, "--dose");
  ASSERT_FALSE(r);
  EXPECT_LT(r.error().message.size(), 200u) << r.error().message;
  const auto unit = parse_dose_quantity("1mg" + std::string(50, 'y'), "--dose");
  ASSERT_FALSE(unit);
  EXPECT_LT(unit.error().message.size(), 200u) << unit.error().message;
}

}  // namespace
}  // namespace ketapath::core
