// Divided differences of exp(mu dt), including the confluent case. Reference: Opitz's theorem,
// f applied to the bidiagonal matrix with the nodes on the diagonal and ones below has the divided
// differences in its first column; Eigen's Pade matrix exponential evaluates it independently.
#include "pk/divided_difference.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>
#include <unsupported/Eigen/MatrixFunctions>

namespace ketapath::pk {
namespace {

double opitz(const std::vector<double>& nodes, double dt) {
  const auto m = static_cast<Eigen::Index>(nodes.size());
  Eigen::MatrixXd b = Eigen::MatrixXd::Zero(m, m);
  for (Eigen::Index i = 0; i < m; ++i) {
    b(i, i) = nodes[static_cast<std::size_t>(i)] * dt;
    if (i > 0)
      b(i, i - 1) = 1.0;
  }
  // exp(B) has g[y_1..y_m] (g = exp) at (m-1, 0); f = exp(mu dt) scales by dt^(m-1).
  return b.exp()(m - 1, 0) * std::pow(dt, static_cast<double>(m - 1));
}

TEST(DividedDifferenceTest, SingleNodeIsTheExponential) {
  const std::vector<double> nodes{-0.3};
  EXPECT_DOUBLE_EQ(exp_divided_difference(nodes, 2.0), std::exp(-0.6));
}

TEST(DividedDifferenceTest, ExactlyEqualNodesGiveDerivatives) {
  // f[a, a] = f'(a) = dt e^{a dt}; f[a, a, a] = f''(a)/2 = dt^2/2 e^{a dt}; f[a,a,a,a] = dt^3/6
  // e^{a dt}.
  const double a = -0.1;
  const double dt = 5.0;
  const double e = std::exp(a * dt);
  EXPECT_NEAR(exp_divided_difference(std::vector{a, a}, dt), dt * e, 1e-15 * dt * e);
  EXPECT_NEAR(exp_divided_difference(std::vector{a, a, a}, dt), dt * dt / 2 * e,
              1e-15 * dt * dt * e);
  EXPECT_NEAR(exp_divided_difference(std::vector{a, a, a, a}, dt), dt * dt * dt / 6 * e,
              1e-15 * dt * dt * dt * e);
}

TEST(DividedDifferenceTest, NearlyEqualNodesStayAccurate) {
  // Separation 1e-8 relative: the naive (f(a) - f(b))/(a - b) loses half its digits here.
  for (double dt : {0.01, 1.0, 24.0, 400.0}) {
    for (const std::vector<double>& nodes :
         {std::vector{-0.1, -0.1 * (1 + 1e-8)}, std::vector{0.0, -0.1, -0.1 * (1 + 1e-8)},
          std::vector{-1.2, -0.1, -0.1 * (1 + 1e-8), -0.9},
          std::vector{-0.5, -0.5 * (1 + 1e-8), -0.5 * (1 - 1e-8)}}) {
      const double expected = opitz(nodes, dt);
      EXPECT_NEAR(exp_divided_difference(nodes, dt), expected, 1e-12 * std::abs(expected))
          << "dt " << dt << " nodes " << nodes.size();
    }
  }
}

TEST(DividedDifferenceTest, ContinuousAcrossTheSeriesAndRecurrenceBranches) {
  // Spread just below and above one unit of mu*dt takes the two code paths.
  for (double spread : {0.999999, 1.0, 1.000001, 3.0, 40.0}) {
    const std::vector<double> nodes{0.0, -spread / 3, -spread};
    const double expected = opitz(nodes, 1.0);
    EXPECT_NEAR(exp_divided_difference(nodes, 1.0), expected, 1e-13 * expected) << spread;
  }
}

TEST(DividedDifferenceTest, ZeroStepAndHugeRatesAreFinite) {
  EXPECT_EQ(exp_divided_difference(std::vector{0.0, -1.0}, 0.0), 0.0);
  const double v = exp_divided_difference(std::vector{0.0, -1e6, -2e6}, 10.0);
  EXPECT_TRUE(std::isfinite(v));
  // f[0, a, b] -> 1/(a b) for a, b -> -inf with dt fixed.
  EXPECT_NEAR(v, 1.0 / (1e6 * 2e6), 1e-6 / (1e6 * 2e6));
}

}  // namespace
}  // namespace ketapath::pk
