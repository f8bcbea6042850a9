// The generic estimator against closed forms: a linear-Gaussian model has an exact Gaussian
// posterior and evidence, so the Laplace approximation must reproduce them (to the finite-
// difference Hessian's accuracy) and importance sampling must agree within its Monte Carlo error.

#include "estimation/posterior.h"

#include <cmath>
#include <numbers>

#include <gtest/gtest.h>

#include "support/must.h"

namespace ketapath::estimation {
namespace {

using testing::must;

// y_i = a + b x_i (+ 3 in class 1) + N(0, 0.5^2); prior a, b ~ N(mu, S).
struct Linear {
  std::vector<double> x{0.0, 1.0, 2.0, 3.0, 4.0};
  std::vector<double> y{1.1, 1.9, 3.2, 3.9, 5.1};
  double sd = 0.5;
  Eigen::Vector2d mu{0.5, 0.5};
  Eigen::Matrix2d prior_cov = (Eigen::Matrix2d() << 4.0, 1.0, 1.0, 2.0).finished();

  Model model() const {
    Model m;
    m.parameters = {{.name = "a", .unit = "1", .transform = "additive", .natural = {}},
                    {.name = "b", .unit = "1", .transform = "additive", .natural = {}}};
    m.prior_mean = mu;
    m.prior_covariance = prior_cov;
    m.classes = {{"zero", 0.7}, {"shifted", 0.3}};
    for (const double v : y) {
      m.observations.push_back({.value = v, .sd = sd});
    }
    m.predict = [xs = x](std::span<const double> t, std::size_t cls, std::span<double> out) {
      for (std::size_t i = 0; i < xs.size(); ++i) {
        out[i] = t[0] + t[1] * xs[i] + (cls == 1 ? 3.0 : 0.0);
      }
      return core::Status{};
    };
    return m;
  }

  // Exact posterior and log evidence of class `shift` (0 or 3).
  struct Exact {
    Eigen::Vector2d mean;
    Eigen::Matrix2d cov;
    double log_evidence;
  };

  Exact exact(double shift) const {
    const auto n = static_cast<Eigen::Index>(x.size());
    Eigen::MatrixXd design(n, 2);
    Eigen::VectorXd obs(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      design(i, 0) = 1.0;
      design(i, 1) = x[static_cast<std::size_t>(i)];
      obs(i) = y[static_cast<std::size_t>(i)] - shift;
    }
    const Eigen::Matrix2d precision = prior_cov.inverse() + design.transpose() * design / (sd * sd);
    Exact e;
    e.cov = precision.inverse();
    e.mean = e.cov * (prior_cov.inverse() * mu + design.transpose() * obs / (sd * sd));
    // Marginal: obs ~ N(design mu, design S design' + sd^2 I)
    const Eigen::MatrixXd c =
        design * prior_cov * design.transpose() + sd * sd * Eigen::MatrixXd::Identity(n, n);
    const Eigen::VectorXd r = obs - design * mu;
    Eigen::LLT<Eigen::MatrixXd> llt(c);
    double log_det = 0.0;
    const Eigen::MatrixXd l = llt.matrixL();
    for (Eigen::Index i = 0; i < n; ++i) {
      log_det += 2.0 * std::log(l(i, i));
    }
    e.log_evidence = -0.5 * static_cast<double>(n) * std::log(2.0 * std::numbers::pi) -
                     0.5 * log_det - 0.5 * r.dot(llt.solve(r));
    return e;
  }
};

TEST(Posterior, LaplaceIsExactOnALinearGaussianModel) {
  const Linear lin;
  const Posterior post = must(fit_laplace(lin.model()));
  ASSERT_EQ(post.classes.size(), 2U);
  const Linear::Exact e0 = lin.exact(0.0);
  const Linear::Exact e1 = lin.exact(3.0);
  for (std::size_t c = 0; c < 2; ++c) {
    const Linear::Exact& e = c == 0 ? e0 : e1;
    EXPECT_LT((post.classes[c].map - e.mean).cwiseAbs().maxCoeff(), 1e-5) << c;
    EXPECT_LT((post.classes[c].covariance - e.cov).cwiseAbs().maxCoeff(), 1e-4) << c;
    EXPECT_EQ(post.classes[c].starts_agreeing, 3) << c;
    EXPECT_FALSE(post.classes[c].hessian_adjusted);
  }
  const double l0 = e0.log_evidence + std::log(0.7);
  const double l1 = e1.log_evidence + std::log(0.3);
  const double p0 = 1.0 / (1.0 + std::exp(l1 - l0));
  EXPECT_NEAR(post.classes[0].probability, p0, 1e-5);
  EXPECT_NEAR(post.classes[0].log_evidence, l0, 1e-4);
  EXPECT_EQ(post.best_class(), p0 > 0.5 ? 0U : 1U);
}

TEST(Posterior, ImportanceSamplingAgreesWithTheExactPosteriorAndIsReproducible) {
  const Linear lin;
  const Model m = lin.model();
  const Posterior post = must(fit_laplace(m));
  const ImportanceResult is = must(importance_sample(m, post, {.draws = 4000, .seed = 7}));
  const Linear::Exact e0 = lin.exact(0.0);
  const Eigen::Vector2d sd = e0.cov.diagonal().cwiseSqrt();
  // Monte Carlo error of a mean with ~4000 effective draws is ~0.02 SD; allow 0.1 SD.
  EXPECT_LT(((is.class_mean[0] - e0.mean).array() / sd.array()).abs().maxCoeff(), 0.1);
  EXPECT_LT(
      (is.class_covariance[0].diagonal().cwiseSqrt().array() / sd.array() - 1.0).abs().maxCoeff(),
      0.1);
  EXPECT_NEAR(is.class_probability[0], post.classes[0].probability, 0.02);
  EXPECT_GT(is.effective_sample_size, 1000.0);
  double total = 0.0;
  for (const WeightedDraw& w : is.draws) {
    total += w.weight;
  }
  EXPECT_NEAR(total, 1.0, 1e-12);
  const ImportanceResult again = must(importance_sample(m, post, {.draws = 4000, .seed = 7}));
  ASSERT_EQ(again.draws.size(), is.draws.size());
  for (std::size_t i = 0; i < is.draws.size(); ++i) {
    ASSERT_EQ(again.draws[i].weight, is.draws[i].weight);
    ASSERT_EQ(again.draws[i].theta, is.draws[i].theta);
  }
  const ImportanceResult other = must(importance_sample(m, post, {.draws = 4000, .seed = 8}));
  EXPECT_NE(other.draws[0].theta, is.draws[0].theta);
}

TEST(Posterior, IntegerRatingsUseTheCensoredIntervalLikelihood) {
  const Observation mid{.value = 10.0, .sd = 2.0, .integer = true, .min = 0.0, .max = 21.0};
  const auto phi = [](double z) {
    return 0.5 * std::erfc(-z / std::numbers::sqrt2);
  };
  EXPECT_NEAR(log_likelihood(mid, 11.0), std::log(phi(-0.25) - phi(-0.75)), 1e-12);
  const Observation floor{.value = 0.0, .sd = 2.0, .integer = true, .min = 0.0, .max = 21.0};
  EXPECT_NEAR(log_likelihood(floor, -1.0), std::log(phi(0.75)), 1e-12);  // everything below 0.5
  const Observation ceiling{.value = 21.0, .sd = 2.0, .integer = true, .min = 0.0, .max = 21.0};
  EXPECT_NEAR(log_likelihood(ceiling, 22.0), std::log(1.0 - phi(-0.75)), 1e-12);
  // Far in a tail: finite, and smaller further out (the optimiser keeps a slope).
  EXPECT_TRUE(std::isfinite(log_likelihood(mid, 200.0)));
  EXPECT_LT(log_likelihood(mid, 300.0), log_likelihood(mid, 200.0));
  const Observation cont{.value = 1.0, .sd = 2.0};
  EXPECT_NEAR(log_likelihood(cont, 0.0),
              -0.125 - std::log(2.0) - 0.5 * std::log(2.0 * std::numbers::pi), 1e-12);
}

TEST(Posterior, RefusesAnInvalidModelNamingTheProblem) {
  Model m = Linear{}.model();
  m.prior_covariance(0, 0) = -1.0;
  const auto r = fit_laplace(m);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("positive definite"), std::string::npos) << r.error().message;
  Model n = Linear{}.model();
  n.observations[2].sd = 0.0;
  const auto s = fit_laplace(n);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("observation 3"), std::string::npos) << s.error().message;
}

TEST(Posterior, ProportionalErrorScalesTheSdWithTheExpectedValue) {
  // sd(e) = sqrt(sd^2 + prop e^2): the log density of N(e, sd(e)) at the value.
  const Observation combined{.value = 12.0, .sd = 0.5, .proportional_variance = 0.04};
  const double e = 10.0;
  const double s = std::sqrt(0.25 + 0.04 * e * e);
  const double z = (12.0 - e) / s;
  EXPECT_NEAR(log_likelihood(combined, e),
              -0.5 * z * z - 0.5 * std::log(2.0 * std::numbers::pi) - std::log(s), 1e-14);
  // Proportional only (additive SD 0) is a valid model; neither is not.
  Model m = Linear{}.model();
  m.observations[0].sd = 0.0;
  m.observations[0].proportional_variance = 0.01;
  EXPECT_TRUE(m.validate());
  m.observations[0].proportional_variance = 0.0;
  EXPECT_FALSE(m.validate());
}

TEST(Posterior, WithoutThePriorTheFitIsOrdinaryLeastSquares) {
  const Linear lin;
  Model m = lin.model();
  m.classes = {{"zero", 1.0}};
  m.prior_in_objective = false;
  const Posterior post = must(fit_laplace(m));
  // OLS: (X'X)^-1 X'y, covariance sd^2 (X'X)^-1.
  Eigen::MatrixXd design(5, 2);
  Eigen::VectorXd obs(5);
  for (Eigen::Index i = 0; i < 5; ++i) {
    design(i, 0) = 1.0;
    design(i, 1) = lin.x[static_cast<std::size_t>(i)];
    obs(i) = lin.y[static_cast<std::size_t>(i)];
  }
  const Eigen::Matrix2d xtx = design.transpose() * design;
  const Eigen::Vector2d ols = xtx.inverse() * design.transpose() * obs;
  EXPECT_LT((post.classes[0].map - ols).cwiseAbs().maxCoeff(), 1e-5);
  EXPECT_LT((post.classes[0].covariance - lin.sd * lin.sd * xtx.inverse()).cwiseAbs().maxCoeff(),
            1e-4);
}

TEST(Posterior, ResamplingIsDeterministicAndFollowsTheWeights) {
  std::vector<WeightedDraw> draws(3);
  draws[0].weight = 0.5;
  draws[1].weight = 0.0;
  draws[2].weight = 0.5;
  draws[2].cls = 1;
  const auto r = resample(draws, 10);
  ASSERT_EQ(r.size(), 10U);
  EXPECT_EQ(std::ranges::count_if(r, [](const WeightedDraw& w) { return w.cls == 1; }), 5);
  EXPECT_DOUBLE_EQ(r[0].weight, 0.1);
}

}  // namespace
}  // namespace ketapath::estimation
