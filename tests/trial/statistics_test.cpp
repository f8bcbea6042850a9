#include "trial/statistics.h"

#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

namespace ketapath::trial {
namespace {

TEST(Statistics, QuantilesInterpolateLikeRType7) {
  // Type 7: h = p (n - 1); p05: 1 + 0.2 (2 - 1) = 1.2; p95: 4 + 0.8 (10 - 4) = 8.8.
  const std::vector<double> v = {10, 2, 4, 1, 3};
  const Summary s = summarize(v);
  EXPECT_DOUBLE_EQ(s.median, 3.0);
  EXPECT_NEAR(s.p05, 1.2, 1e-12);
  EXPECT_NEAR(s.p95, 8.8, 1e-12);
  EXPECT_EQ(s.defined, 5);
}

TEST(Statistics, NaNValuesAreLeftOutAndCounted) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> v = {nan, 1.0, 3.0, nan};
  const Summary s = summarize(v);
  EXPECT_DOUBLE_EQ(s.median, 2.0);
  EXPECT_EQ(s.defined, 2);
  const std::vector<double> none = {nan};
  EXPECT_TRUE(std::isnan(summarize(none).median));
  EXPECT_EQ(summarize(none).defined, 0);
}

TEST(Statistics, FractionHasWilsonInterval) {
  // 80 of 100: Wilson 90% interval with z = 1.6449 is [0.72670, 0.85750] (closed form:
  // centre (p + z^2/2n)/(1 + z^2/n), half-width z sqrt(p(1-p)/n + z^2/4n^2)/(1 + z^2/n)).
  std::vector<double> v(100, 0.0);
  for (int i = 0; i < 80; ++i) {
    v[static_cast<std::size_t>(i)] = 1.0;
  }
  const Summary s = summarize_fraction(v);
  EXPECT_DOUBLE_EQ(s.median, 0.8);
  EXPECT_NEAR(s.p05, 0.7266962, 1e-6);
  EXPECT_NEAR(s.p95, 0.8574982, 1e-6);
  // All held: the interval still has a width below 1.
  const std::vector<double> all(50, 1.0);
  const Summary a = summarize_fraction(all);
  EXPECT_DOUBLE_EQ(a.median, 1.0);
  EXPECT_DOUBLE_EQ(a.p95, 1.0);
  EXPECT_LT(a.p05, 1.0);
  EXPECT_GT(a.p05, 0.9);
}

}  // namespace
}  // namespace ketapath::trial
