// The shared range check, the bounded excerpt and the strict decimal parser (core/check.h).

#include "core/check.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace ketapath::core {
namespace {

TEST(CheckRange, OneMessageFormat) {
  auto r = check_range("weights[1]: body weight", 700.0, "kg", {.low = 20.0, .high = 300.0});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::Validation);
  EXPECT_EQ(r.error().message, "weights[1]: body weight must be 20-300 kg (got 700 kg)");
  EXPECT_TRUE(check_range("weight", 20.0, "kg", {.low = 20.0, .high = 300.0}));
  EXPECT_TRUE(check_range("weight", 300.0, "kg", {.low = 20.0, .high = 300.0}));
}

TEST(CheckRange, OpenBoundsAndOneSidedRanges) {
  EXPECT_EQ(check_range("--step-min", 0.0, "min", positive()).error().message,
            "--step-min must be > 0 min (got 0 min)");
  EXPECT_EQ(check_range("x", -1.0, "", non_negative()).error().message, "x must be >= 0 (got -1)");
  EXPECT_EQ(
      check_range("f", 1.0, "", {.low = 0.0, .high = 1.0, .low_open = true, .high_open = true})
          .error()
          .message,
      "f must be > 0 and < 1 (got 1)");
  EXPECT_EQ(check_range("t", -20.0, "C", {.low = -10.0, .high = 10.0}).error().message,
            "t must be -10 to 10 C (got -20 C)");
}

TEST(CheckRange, NonFiniteAlwaysFails) {
  const Range anything{};
  for (double v :
       {std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
        std::numeric_limits<double>::quiet_NaN()}) {
    EXPECT_FALSE(check_range("v", v, "mg", anything)) << v;
    EXPECT_FALSE(check_range("v", v, "mg", positive())) << v;
  }
}

TEST(CheckRange, LimitRefusalsNameTheLimitsTable) {
  auto r = check_range("--hours", 1e9, "h", {.high = 87600.0}, ErrorCode::LimitExceeded);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::LimitExceeded);
  EXPECT_EQ(r.error().message,
            "--hours must be <= 87600 h (got 1000000000 h) (a limit of docs/limits.md)");
}

TEST(CheckCount, WholeNumbersPrintExactly) {
  auto r = check_count("ADDL", 999999999, "doses", 0, 100000, ErrorCode::LimitExceeded);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "ADDL must be 0-100000 doses (got 999999999 doses) (a limit of docs/limits.md)");
  EXPECT_TRUE(check_count("n", 5, "", 1, 5));
}

TEST(CheckCount, WithoutAnUpperBoundReadsAsAMinimum) {
  auto r = check_count("arm placebo: subjects", 0, "", 1, kUnbounded, ErrorCode::InvalidArgument);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(r.error().message, "arm placebo: subjects must be >= 1 (got 0)");
  EXPECT_TRUE(check_count("n", 1'000'000'000'000, "", 1));
}

TEST(CheckLimitedCount, BelowTheMinimumIsBadInputAboveTheLimitIsALimit) {
  const auto low = check_limited_count("trial: replicates", 0, "", 1, 100000);
  ASSERT_FALSE(low);
  EXPECT_EQ(low.error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(low.error().message, "trial: replicates must be >= 1 (got 0)");
  const auto high = check_limited_count("trial: replicates", 100001, "", 1, 100000);
  ASSERT_FALSE(high);
  EXPECT_EQ(high.error().code, ErrorCode::LimitExceeded);
  EXPECT_EQ(high.error().message,
            "trial: replicates must be 1-100000 (got 100001) (a limit of docs/limits.md)");
  EXPECT_TRUE(check_limited_count("trial: replicates", 100000, "", 1, 100000));
}

TEST(RangeError, TheSameMessageForValuesThatAreNotNumbers) {
  const Error e =
      range_error("course plan: start", "between 2026-01-01 and 2026-12-31 (a year)", "2027-02-01");
  EXPECT_EQ(e.code, ErrorCode::Validation);
  EXPECT_EQ(e.message,
            "course plan: start must be between 2026-01-01 and 2026-12-31 (a year) (got "
            "2027-02-01)");
  // check_range builds its message with it.
  EXPECT_EQ(check_range("w", 7.0, "kg", {.low = 20.0, .high = 300.0}).error().message,
            range_error("w", "20-300 kg", "7 kg").message);
}

TEST(Excerpt, BoundedAndPrintable) {
  const std::string huge(1'000'000, '[');
  const std::string e = excerpt(huge, 40);
  EXPECT_EQ(e, std::string(40, '[') + "...");
  EXPECT_EQ(excerpt("a\nb\x1b[2J\"c\"\xff"), "a\\nb\\x1b[2J\\\"c\\\"\\xff");
  EXPECT_EQ(excerpt("short"), "short");
}

TEST(ParseDecimal, OnlyFiniteDecimals) {
  double v = 0.0;
  for (const char* good : {"0", "1.5", "-2", "+3", ".5", "5.", "1e3", "1E-3", "1.7e308"}) {
    EXPECT_TRUE(parse_decimal(good, v)) << good;
  }
  EXPECT_TRUE(parse_decimal("2.5e1", v));
  EXPECT_EQ(v, 25.0);
  for (const char* bad : {"", "inf", "-inf", "nan", "NaN", "infinity", "0x1p3", "0x10", "1e309",
                          "-1e309", "1e", "e5", ".", "-", "1.2.3", "5 ", " 5", "5mg", "1,5"}) {
    EXPECT_FALSE(parse_decimal(bad, v)) << bad;
  }
}

}  // namespace
}  // namespace ketapath::core
