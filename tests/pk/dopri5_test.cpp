// The explicit integrator (pk/dopri5.h) and the automatic choice between it and CVODE BDF
// (pk/ode_function.h), against exact solutions:
// - a linear two-state system with eigenvalues -0.5 and -0.3 (closed form),
//   at the accepted steps and, through the continuous extension, at times in between;
// - the error shrinks with the tolerance (the error control works);
// - a stiff system (eigenvalues -10,000 and +-i: y' = -1e4 (y - u) with u = cos t, v = sin t as
//   states, so y lags cos t by about 1e-4 sin t, exactly y = cos t + w with
//   w = (1e4 sin t - cos t + e^{-1e4 t}) / (1e8 + 1)): Hairer's test reports stiffness, the
//   automatic propagator hands it to BDF and stays accurate with far fewer steps than the
//   explicit method alone;
// - a derivative that is undefined (NaN) beyond a point is retried with smaller steps.

#include "pk/dopri5.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "pk/ode_function.h"

namespace ketapath::pk {
namespace {

// x' = A x with A = [[-a, b], [0, -c]]: x2 = x2(0) e^{-ct}, x1 = x1(0) e^{-at} + b x2(0)
// (e^{-ct} - e^{-at}) / (a - c).
struct Linear {
  double a, b, c;

  bool f(std::span<const double> x, std::span<double> dx) const {
    dx[0] = -a * x[0] + b * x[1];
    dx[1] = -c * x[1];
    return true;
  }

  std::vector<double> exact(double t, double x1, double x2) const {
    return {x1 * std::exp(-a * t) + b * x2 * (std::exp(-c * t) - std::exp(-a * t)) / (a - c),
            x2 * std::exp(-c * t)};
  }
};

double worst_relative(const Linear& m, double rtol, const std::vector<double>& times) {
  Dopri5 solver(
      2, [&m](double, std::span<const double> x, std::span<double> dx) { return m.f(x, dx); }, rtol,
      1e-14);
  const std::vector<double> x0{1.0, 2.0};
  solver.start(0.0, x0);
  double worst = 0.0;
  std::vector<double> x(2);
  for (const double t : times) {
    EXPECT_EQ(solver.advance_to(t, x), Dopri5::Outcome::Reached);
    const std::vector<double> want = m.exact(t, 1.0, 2.0);
    for (int i = 0; i < 2; ++i)
      worst = std::max(worst, std::abs(x[i] - want[i]) / std::abs(want[i]));
  }
  return worst;
}

TEST(Dopri5, MatchesTheExactSolutionAtAndBetweenItsSteps) {
  const Linear m{0.5, 1.0, 0.3};
  // Outputs every 0.1 h: most fall inside steps, so the continuous extension is checked too.
  std::vector<double> times;
  for (int k = 1; k <= 100; ++k)
    times.push_back(0.1 * k);
  EXPECT_LT(worst_relative(m, 1e-10, times), 1e-8);
  // Tighter tolerance, smaller error: the step-size control acts on the real error.
  EXPECT_LT(worst_relative(m, 1e-12, times), worst_relative(m, 1e-7, times) / 100.0);
}

TEST(Dopri5, ATimeDependentRightHandSideSeesTheAbsoluteTime) {
  // x' = cos(t) from x = 1 at t = 2: x = 1 + sin(t) - sin(2); the stages' nodes must be right.
  Dopri5 solver(
      1,
      [](double t, std::span<const double>, std::span<double> dx) {
        dx[0] = std::cos(t);
        return true;
      },
      1e-10, 1e-12);
  const std::vector<double> x0{1.0};
  solver.start(2.0, x0);
  std::vector<double> x(1);
  for (const double t : {2.5, 4.0, 9.0, 30.0}) {
    ASSERT_EQ(solver.advance_to(t, x), Dopri5::Outcome::Reached);
    EXPECT_NEAR(x[0], 1.0 + std::sin(t) - std::sin(2.0), 1e-8) << t;
  }
}

TEST(Dopri5, StepsPastOutputsInsteadOfStoppingAtThem) {
  const Linear m{0.5, 1.0, 3.0};
  Dopri5 solver(
      2, [&m](double, std::span<const double> x, std::span<double> dx) { return m.f(x, dx); }, 1e-6,
      1e-12);
  const std::vector<double> x0{1.0, 2.0};
  solver.start(0.0, x0);
  std::vector<double> x(2);
  for (int k = 1; k <= 1000; ++k)
    ASSERT_EQ(solver.advance_to(0.01 * k, x), Dopri5::Outcome::Reached);
  EXPECT_LT(solver.steps(), 200);  // 1,000 outputs over 10 h
}

// States (y, u, v): u = cos t, v = sin t, and y relaxes onto u 10,000 times faster.
bool stiff_f(double, std::span<const double> x, std::span<double> dx) {
  dx[0] = -1e4 * (x[0] - x[1]);
  dx[1] = -x[2];
  dx[2] = x[1];
  return true;
}

TEST(Dopri5, ReportsStiffness) {
  Dopri5 solver(3, stiff_f, 1e-6, 1e-12);
  const std::vector<double> x0{1.0, 1.0, 0.0};
  solver.start(0.0, x0);
  std::vector<double> x(3);
  EXPECT_EQ(solver.advance_to(50.0, x), Dopri5::Outcome::Stiff);
  EXPECT_LT(solver.time(), 1.0);
}

TEST(Dopri5, RetriesWhereTheDerivativeIsUndefined) {
  // x' = -x, but undefined for x below 0.5 within the first step's reach: the solver shrinks the
  // step and still reaches t = 0.5 (x = e^-0.5 = 0.61) accurately.
  Dopri5 solver(
      1,
      [](double, std::span<const double> x, std::span<double> dx) {
        dx[0] = x[0] < 0.55 ? NAN : -x[0];
        return true;
      },
      1e-8, 1e-12);
  const std::vector<double> x0{1.0};
  solver.start(0.0, x0);
  std::vector<double> x(1);
  ASSERT_EQ(solver.advance_to(0.5, x), Dopri5::Outcome::Reached);
  EXPECT_NEAR(x[0], std::exp(-0.5), 1e-7);
}

struct Counted {
  long explicit_steps = 0;
  long bdf_steps = 0;
  double worst = 0.0;
};

Counted run_stiff(OdeMethod method) {
  FunctionOdePropagator propagator(3, stiff_f, 1e-8, 1e-12, {}, method);
  Eigen::VectorXd x(3);
  x << 1.0, 1.0, 0.0;
  const Eigen::VectorXd rates = Eigen::VectorXd::Zero(3);
  Counted out;
  for (int k = 1; k <= 20; ++k) {
    EXPECT_TRUE(propagator.advance(x, rates, 0.5));
    const double t = 0.5 * k;
    const double y =
        std::cos(t) + (1e4 * std::sin(t) - std::cos(t) + std::exp(-1e4 * t)) / (1e8 + 1);
    out.worst = std::max(out.worst, std::abs(x[0] - y));
  }
  out.explicit_steps = propagator.explicit_steps();
  out.bdf_steps = propagator.bdf_steps();
  return out;
}

TEST(FunctionOdePropagator, HandsAStiffProblemToBdf) {
  const Counted automatic = run_stiff(OdeMethod::Automatic);
  const Counted explicit_only = run_stiff(OdeMethod::Explicit);
  const Counted bdf = run_stiff(OdeMethod::Bdf);
  EXPECT_GT(automatic.bdf_steps, 0);
  EXPECT_EQ(bdf.explicit_steps, 0);
  EXPECT_EQ(explicit_only.bdf_steps, 0);
  EXPECT_LT(automatic.explicit_steps + automatic.bdf_steps,
            (explicit_only.explicit_steps + explicit_only.bdf_steps) / 10);
  // Absolute error on y (of size 1).
  EXPECT_LT(automatic.worst, 1e-6);
  EXPECT_LT(bdf.worst, 1e-6);
  EXPECT_LT(explicit_only.worst, 1e-6);  // slow, but still right
}

TEST(FunctionOdePropagator, ParsesTheModelFileSpelling) {
  EXPECT_EQ(parse_ode_method("auto"), OdeMethod::Automatic);
  EXPECT_EQ(parse_ode_method("bdf"), OdeMethod::Bdf);
  EXPECT_EQ(parse_ode_method("dopri5"), OdeMethod::Explicit);
  EXPECT_FALSE(parse_ode_method("lsoda"));
}

}  // namespace
}  // namespace ketapath::pk
