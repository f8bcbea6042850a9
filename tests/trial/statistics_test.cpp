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

TEST(Comparisons, QuantilesMatchPublishedTables) {
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-12);
  EXPECT_NEAR(normal_quantile(0.95), 1.644853626951472, 1e-12);
  EXPECT_NEAR(normal_quantile(0.01), -2.326347874040841, 1e-12);
  // Student t table values (e.g. Abramowitz & Stegun Table 26.10)
  EXPECT_NEAR(t_quantile(0.975, 15.0), 2.131450, 3e-4);
  EXPECT_NEAR(t_quantile(0.975, 10.0), 2.228139, 3e-4);
  EXPECT_NEAR(t_quantile(0.975, 30.0), 2.042272, 3e-4);
  EXPECT_NEAR(t_quantile(0.975, 5.0), 2.570582, 3e-4);
  EXPECT_NEAR(t_quantile(0.95, 5.0), 2.015048, 3e-4);
}

TEST(Comparisons, AgreeWithAHandComputation) {
  // Hand computation (Python, math module only), tolerance 1e-6 unless stated.
  // Groups: 10 +- 2 (n 12) vs 7 +- 3 (n 10). Welch: se = sqrt(4/12 + 9/10) = 1.1105554,
  // df = 15.19576, t(0.975, df) = 2.12906 (A&S expansion), CI 3 -+ 2.12906 x 1.1105554.
  const Comparison d = mean_difference(10.0, 2.0, 12.0, 7.0, 3.0, 10.0, 0.95);
  EXPECT_DOUBLE_EQ(d.estimate, 3.0);
  EXPECT_NEAR(d.low, 3.0 - 2.12906 * 1.1105554, 1e-3);  // t table accuracy
  EXPECT_NEAR(d.high, 3.0 + 2.12906 * 1.1105554, 1e-3);
  // Hedges: pooled SD sqrt((11 x 4 + 9 x 9) / 20) = 2.5, d = 1.2, J = 1 - 3/79 = 0.9620253,
  // g = 1.1544304, SE = sqrt(22/120 + g^2/44) = 0.4621928, CI g -+ 1.959964 SE.
  const Comparison g = hedges_g(10.0, 2.0, 12.0, 7.0, 3.0, 10.0, 0.95);
  EXPECT_NEAR(g.estimate, 1.1544304, 1e-6);
  EXPECT_NEAR(g.low, 0.2485491, 1e-6);
  EXPECT_NEAR(g.high, 2.0603116, 1e-6);
  // 8/12 vs 3/12 responders: OR = (8 x 9)/(4 x 3) = 6, log-SE sqrt(1/8 + 1/4 + 1/3 + 1/9),
  // CI [1.0176926, 35.374139]; RD = 5/12, Wald CI [0.0545052, 0.7788281].
  const Comparison o = odds_ratio(8.0, 12.0, 3.0, 12.0, 0.95);
  EXPECT_NEAR(o.estimate, 6.0, 1e-9);
  EXPECT_NEAR(o.low, 1.0176926, 1e-6);
  EXPECT_NEAR(o.high, 35.374139, 1e-5);
  const Comparison r = risk_difference(8.0, 12.0, 3.0, 12.0, 0.95);
  EXPECT_NEAR(r.estimate, 5.0 / 12.0, 1e-12);
  EXPECT_NEAR(r.low, 0.0545052, 1e-6);
  EXPECT_NEAR(r.high, 0.7788281, 1e-6);
  // An empty cell (6/18 vs 0/18, Taylor 2018's LSAS responders): 0.5 added to every cell,
  // OR = 6.5 x 18.5 / (12.5 x 0.5) = 19.24, CI [0.9924168, 373.00620].
  const Comparison z = odds_ratio(6.0, 18.0, 0.0, 18.0, 0.95);
  EXPECT_NEAR(z.estimate, 19.24, 1e-9);
  EXPECT_NEAR(z.low, 0.9924168, 1e-6);
  EXPECT_NEAR(z.high, 373.00620, 1e-4);
  // Undefined: a group too small or empty.
  EXPECT_TRUE(std::isnan(mean_difference(1.0, 0.5, 1.0, 0.0, 0.5, 5.0, 0.95).estimate));
  EXPECT_TRUE(std::isnan(odds_ratio(1.0, 0.0, 1.0, 5.0, 0.95).estimate));
}

}  // namespace
}  // namespace ketapath::trial
