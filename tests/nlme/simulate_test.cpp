// Simulation with variability: ETA draws reproduce OMEGA (a block), EPS draws reproduce SIGMA,
// and the numbers depend only on (seed, replicate, subject): the same bytes on 1 and 2 threads
// and for a subject simulated alone.

#include "nlme/simulate.h"

#include <cmath>
#include <cstring>

#include <gtest/gtest.h>

#include "nlme/omega.h"
#include "nlme_test_data.h"
#include "support/must.h"

namespace ketapath::nlme {
namespace {

using ketapath::testing::must;

// Statistical tolerance: each sample moment within 4 standard errors of its expectation (a
// false failure about once in 16,000 per moment for these fixed seeds; they are deterministic,
// so a pass stays a pass).
constexpr double kSe = 4.0;

TEST(Simulate, EtaDrawsHaveTheBlockOmegaAsCovariance) {
  Eigen::Matrix3d omega;
  omega << 0.09, 0.03, -0.01, 0.03, 0.04, 0.0, -0.01, 0.0, 0.16;
  const std::vector<std::string> names{"CL", "V1", "KA"};
  const Eigen::MatrixXd chol = must(omega_cholesky(names, omega));
  const std::size_t n = 20000;
  Eigen::Matrix3d sum = Eigen::Matrix3d::Zero();
  Eigen::Vector3d mean = Eigen::Vector3d::Zero();
  for (std::size_t i = 0; i < n; ++i) {
    const std::vector<double> eta = draw_eta(chol, 7, i / 100, i % 100);
    const Eigen::Vector3d e(eta[0], eta[1], eta[2]);
    mean += e;
    sum += e * e.transpose();
  }
  mean /= static_cast<double>(n);
  const Eigen::Matrix3d cov = sum / static_cast<double>(n);
  for (int i = 0; i < 3; ++i) {
    EXPECT_LT(std::abs(mean(i)), kSe * std::sqrt(omega(i, i) / static_cast<double>(n))) << i;
    for (int j = 0; j < 3; ++j) {
      // Var of a sample covariance of normals: (s_ii s_jj + s_ij^2) / n.
      const double se = std::sqrt((omega(i, i) * omega(j, j) + omega(i, j) * omega(i, j)) /
                                  static_cast<double>(n));
      EXPECT_NEAR(cov(i, j), omega(i, j), kSe * se) << i << "," << j;
    }
  }
}

TEST(Simulate, ResidualsFollowSigma) {
  const ResidualError sigma{.proportional_variance = 0.04, .additive_variance = 0.25};
  const std::size_t n = 20000;
  const std::vector<double> ipred(n, 10.0);
  std::vector<double> dv(n);
  draw_dv(sigma, 3, 0, 0, ipred, dv);
  const double var = 0.04 * 100.0 + 0.25;  // SIGMA_prop IPRED^2 + SIGMA_add
  double mean = 0.0;
  double ss = 0.0;
  std::size_t inside = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double r = dv[i] - ipred[i];
    mean += r;
    ss += r * r;
    inside += std::abs(r) < 1.959964 * std::sqrt(var) ? 1 : 0;
  }
  mean /= static_cast<double>(n);
  const double nn = static_cast<double>(n);
  EXPECT_LT(std::abs(mean), kSe * std::sqrt(var / nn));
  EXPECT_NEAR(ss / nn, var, kSe * var * std::sqrt(2.0 / nn));
  EXPECT_NEAR(static_cast<double>(inside) / nn, 0.95, kSe * std::sqrt(0.95 * 0.05 / nn));
  // Each component alone: proportional only scales with IPRED, additive only does not.
  std::vector<double> prop(n);
  draw_dv({.proportional_variance = 0.04}, 3, 0, 0, std::vector<double>(n, 100.0), prop);
  double sp = 0.0;
  for (const double v : prop) {
    sp += (v - 100.0) * (v - 100.0);
  }
  EXPECT_NEAR(sp / nn, 0.04 * 1e4, kSe * 0.04 * 1e4 * std::sqrt(2.0 / nn));
}

std::vector<double> flatten(const std::vector<SimulatedSubject>& sims) {
  std::vector<double> out;
  for (const SimulatedSubject& s : sims) {
    out.insert(out.end(), s.eta.begin(), s.eta.end());
    for (const SimulatedRow& r : s.rows) {
      out.insert(out.end(), {r.time.value(), r.dv, r.ipred, r.pred});
    }
  }
  return out;
}

TEST(Simulate, SameSeedSameBytesOnAnyThreadCount) {
  const auto model = testing::two_cmt_model();
  const auto subjects = testing::bolus_subjects(9, 100.0);
  const SimulationInput input{.subjects = subjects};
  const auto one =
      flatten(must(simulate(*model, input, {.replicates = 3, .seed = 11, .threads = 1})));
  const auto two =
      flatten(must(simulate(*model, input, {.replicates = 3, .seed = 11, .threads = 2})));
  const auto again = flatten(must(simulate(*model, input, {.replicates = 3, .seed = 11})));
  ASSERT_EQ(one.size(), two.size());
  EXPECT_EQ(std::memcmp(one.data(), two.data(), one.size() * sizeof(double)), 0);
  EXPECT_EQ(std::memcmp(one.data(), again.data(), one.size() * sizeof(double)), 0);
  const auto other = flatten(must(simulate(*model, input, {.replicates = 3, .seed = 12})));
  EXPECT_NE(one, other);
}

TEST(Simulate, ASubjectsDrawsDependOnlyOnSeedReplicateAndIndex) {
  const auto model = testing::two_cmt_model();
  const auto subjects = testing::bolus_subjects(5, 100.0);
  const auto all = must(simulate(*model, {.subjects = subjects}, {.replicates = 2, .seed = 5}));
  const auto first = must(
      simulate(*model, {.subjects = std::span(subjects).first(1)}, {.replicates = 2, .seed = 5}));
  ASSERT_EQ(all.size(), 10U);
  EXPECT_EQ(all[5].replicate, 1U);  // ordered by replicate, then subject
  EXPECT_EQ(all[5].subject, 0U);
  EXPECT_EQ(flatten({all[0], all[5]}), flatten(first));
  // PRED is the typical prediction; IPRED differs by the ETAs; no SIGMA would make DV = IPRED.
  for (const SimulatedRow& r : all[0].rows) {
    EXPECT_NE(r.ipred, r.pred);
    EXPECT_NE(r.dv, r.ipred);
  }
}

}  // namespace
}  // namespace ketapath::nlme
