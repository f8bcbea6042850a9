// Individual fits against references written here: the objective from the one-compartment
// closed form (not pk), minimised by a Nelder-Mead of this file; standard errors against the
// inverse of a finite-difference Hessian of that objective.

#include "nlme/fit.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include <gtest/gtest.h>

#include "nlme/catalogue_model.h"
#include "nlme_test_data.h"
#include "support/must.h"

namespace ketapath::nlme {
namespace {

using ketapath::testing::must;
using Vec2 = std::array<double, 2>;

const std::vector<double> kTimes{0.5, 1, 2, 4, 8, 12};
const std::vector<double> kDv{8.1, 7.9, 5.6, 4.4, 2.1, 1.5};  // one subject, mg/L
const Eigen::Matrix2d kOmega = (Eigen::Matrix2d() << 0.09, 0.03, 0.03, 0.04).finished();
constexpr double kProp = 0.02;
constexpr double kAdd = 0.01;

// OBJ(eta) of fit.h, from C(t) = D/V exp(-CL/V t) with CL = 2 exp(eta1), V = 10 exp(eta2).
double objective(const Vec2& eta, bool prior) {
  const double cl = 2.0 * std::exp(eta[0]);
  const double v = 10.0 * std::exp(eta[1]);
  double obj = 0.0;
  for (std::size_t i = 0; i < kTimes.size(); ++i) {
    const double f = 100.0 / v * std::exp(-cl / v * kTimes[i]);
    const double var = kProp * f * f + kAdd;
    obj += (kDv[i] - f) * (kDv[i] - f) / var + std::log(2.0 * std::numbers::pi * var);
  }
  if (prior) {
    const Eigen::Vector2d e(eta[0], eta[1]);
    obj += e.dot(kOmega.inverse() * e) + std::log((2.0 * std::numbers::pi * kOmega).determinant());
  }
  return obj;
}

// Plain Nelder-Mead (reflection, expansion, contraction, shrink) to a 1e-12 simplex.
Vec2 nelder_mead(bool prior) {
  std::array<Vec2, 3> p{Vec2{0.0, 0.0}, Vec2{0.3, 0.0}, Vec2{0.0, 0.3}};
  const auto f = [prior](const Vec2& x) {
    return objective(x, prior);
  };
  for (int it = 0; it < 5000; ++it) {
    std::sort(p.begin(), p.end(), [&](const Vec2& a, const Vec2& b) { return f(a) < f(b); });
    if (std::abs(f(p[2]) - f(p[0])) < 1e-14 &&
        std::hypot(p[2][0] - p[0][0], p[2][1] - p[0][1]) < 1e-10) {
      break;
    }
    const Vec2 c{(p[0][0] + p[1][0]) / 2, (p[0][1] + p[1][1]) / 2};
    const auto at = [&](double t) {
      return Vec2{c[0] + t * (p[2][0] - c[0]), c[1] + t * (p[2][1] - c[1])};
    };
    const Vec2 r = at(-1.0);
    if (f(r) < f(p[0])) {
      const Vec2 e = at(-2.0);
      p[2] = f(e) < f(r) ? e : r;
    } else if (f(r) < f(p[1])) {
      p[2] = r;
    } else {
      const Vec2 k = at(0.5);
      if (f(k) < f(p[2])) {
        p[2] = k;
      } else {
        for (int i = 1; i < 3; ++i) {
          p[i] = {(p[i][0] + p[0][0]) / 2, (p[i][1] + p[0][1]) / 2};
        }
      }
    }
  }
  return p[0];
}

// Covariance = (Hessian of -log p)^-1 = (H_OBJ / 2)^-1, H_OBJ by central differences.
Eigen::Matrix2d reference_covariance(const Vec2& x, bool prior) {
  const double h = 1e-4;
  Eigen::Matrix2d hess;
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 2; ++j) {
      const auto g = [&](double di, double dj) {
        Vec2 y = x;
        y[static_cast<std::size_t>(i)] += di;
        y[static_cast<std::size_t>(j)] += dj;
        return objective(y, prior);
      };
      hess(i, j) = (g(h, h) - g(h, -h) - g(-h, h) + g(-h, -h)) / (4 * h * h);
    }
  }
  return (hess / 2.0).inverse();
}

SubjectFit fit_one(FitMethod method) {
  const auto model = must(
      make_catalogue_model({.model = pk::find_model("one_cmt"),
                            .parameters = {{"CL", 2.0}, {"V", 10.0}},
                            .etas = {"CL", "V"},
                            .omega = kOmega,
                            .sigma = {.proportional_variance = kProp, .additive_variance = kAdd}}));
  const auto subjects = testing::bolus_subjects(1, 100.0, kTimes);
  std::vector<std::vector<double>> dv{{NAN}};
  dv[0].insert(dv[0].end(), kDv.begin(), kDv.end());
  const FitResult r = must(fit(*model, {.subjects = subjects, .dv = dv}, {.method = method}));
  return r.subjects.at(0);
}

void expect_matches_reference(FitMethod method) {
  const bool prior = method == FitMethod::Map;
  const SubjectFit s = fit_one(method);
  const Vec2 ref = nelder_mead(prior);
  // The estimate: BOBYQA's xtol 1e-7 against a 1e-10 simplex; 1e-5 in ETA is far inside the SE.
  EXPECT_NEAR(s.eta[0], ref[0], 1e-5);
  EXPECT_NEAR(s.eta[1], ref[1], 1e-5);
  EXPECT_NEAR(s.objective, objective({s.eta[0], s.eta[1]}, prior), 1e-9);
  // SEs: two finite-difference Hessians (steps 1e-3 OMEGA SDs there, 1e-4 here): 1e-3 relative.
  const Eigen::Matrix2d cov = reference_covariance(ref, prior);
  for (int i = 0; i < 2; ++i) {
    EXPECT_NEAR(s.se_eta[static_cast<std::size_t>(i)], std::sqrt(cov(i, i)),
                1e-3 * std::sqrt(cov(i, i)));
    // For P = TV exp(ETA) the delta method gives RSE(P) = SE(ETA).
    EXPECT_NEAR(s.rse[static_cast<std::size_t>(i)], s.se_eta[static_cast<std::size_t>(i)], 1e-6);
  }
  EXPECT_NEAR(s.covariance(0, 1), cov(0, 1), 1e-3 * std::sqrt(cov(0, 0) * cov(1, 1)));
  EXPECT_EQ(s.starts_agreeing, 3);
  EXPECT_FALSE(s.hessian_adjusted);
  EXPECT_FALSE(s.on_bound);
  ASSERT_EQ(s.observations.size(), kDv.size());
  const double cl = 2.0 * std::exp(s.eta[0]);
  const double v = 10.0 * std::exp(s.eta[1]);
  EXPECT_NEAR(s.parameters[0], cl, 1e-12);
  for (std::size_t i = 0; i < kDv.size(); ++i) {
    const double ipred = 100.0 / v * std::exp(-cl / v * kTimes[i]);
    EXPECT_NEAR(s.observations[i].ipred, ipred, 1e-10);
    EXPECT_NEAR(s.observations[i].pred, 10.0 * std::exp(-0.2 * kTimes[i]), 1e-10);
    EXPECT_NEAR(s.observations[i].iwres, (kDv[i] - ipred) / std::sqrt(kProp * ipred * ipred + kAdd),
                1e-9);
  }
}

TEST(Fit, MapMatchesAnIndependentMinimiserAndHessian) {
  expect_matches_reference(FitMethod::Map);
}

TEST(Fit, LeastSquaresMatchesAnIndependentMinimiserAndHessian) {
  expect_matches_reference(FitMethod::LeastSquares);
}

TEST(Fit, RefusesAFitWithoutResidualErrorOrData) {
  const auto model = must(make_catalogue_model({.model = pk::find_model("one_cmt"),
                                                .parameters = {{"CL", 2.0}, {"V", 10.0}},
                                                .etas = {"CL"},
                                                .omega = Eigen::MatrixXd::Identity(1, 1),
                                                .sigma = {}}));
  const auto subjects = testing::bolus_subjects(1, 100.0, {1.0});
  const std::vector<std::vector<double>> dv{{NAN, 1.0}};
  const auto r = fit(*model, {.subjects = subjects, .dv = dv});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "fit: SIGMA is zero (prop = 0 and add = 0); a fit needs a residual error");
  const auto with_sigma = must(make_catalogue_model({.model = pk::find_model("one_cmt"),
                                                     .parameters = {{"CL", 2.0}, {"V", 10.0}},
                                                     .etas = {"CL"},
                                                     .omega = Eigen::MatrixXd::Identity(1, 1),
                                                     .sigma = {.additive_variance = 1.0}}));
  const std::vector<std::vector<double>> none{{NAN, NAN}};
  const auto ls =
      fit(*with_sigma, {.subjects = subjects, .dv = none}, {.method = FitMethod::LeastSquares});
  ASSERT_FALSE(ls);
  EXPECT_EQ(ls.error().message, "fit: ID 1 has no DV to fit (least squares needs observations)");
  // MAP without data is the prior: ETA 0, SE sqrt(OMEGA).
  const auto map = must(fit(*with_sigma, {.subjects = subjects, .dv = none}));
  EXPECT_EQ(map.subjects[0].eta[0], 0.0);
  EXPECT_EQ(map.subjects[0].se_eta[0], 1.0);
}

}  // namespace
}  // namespace ketapath::nlme
