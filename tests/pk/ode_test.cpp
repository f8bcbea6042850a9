// The CVODE path on the model without a closed form (one_cmt_mm, ADVAN10) and the effect site,
// against exact solutions: the Lambert-W solution of Michaelis-Menten elimination after a bolus,
// the Michaelis-Menten equilibrium under a constant infusion, and the convolution integral that
// defines CE. CVODE runs at rtol 1e-10, atol 1e-12; checks at 1e-7 relative (see
// solver_typed_test).
#include <cmath>

#include <boost/math/special_functions/lambert_w.hpp>
#include <gtest/gtest.h>

#include "pk/simulate.h"
#include "test_support.h"

namespace ketapath::pk {
namespace {

using namespace testing;

const ParameterValues kMm{{"VM", 20.0}, {"KM", 2.0}, {"V", 50.0}};

std::vector<OutputRow> run(const ParameterValues& p, std::vector<Record> records,
                           std::vector<double> grid = {}) {
  SimulationOptions options;
  for (double t : grid)
    options.extra_times.push_back(core::Hours(t));
  auto rows = simulate(*find_model("one_cmt_mm"), p, timeline(std::move(records)), options);
  EXPECT_TRUE(rows.has_value()) << (rows ? "" : rows.error().message);
  return rows ? *rows : std::vector<OutputRow>{};
}

TEST(MichaelisMentenTest, BolusMatchesLambertW) {
  // dC/dt = -(VM/V) C / (KM + C): C(t) = KM W((C0/KM) exp((C0 - (VM/V) t)/KM)). 500 mg in 50 L
  // gives C0 = 10 mg/L = 5 KM: saturated at first, then first-order.
  const std::vector<double> times{0.5, 2, 8, 20, 30, 48};
  const auto rows = run(kMm, {dose(0, 500)}, times);
  ASSERT_EQ(rows.size(), times.size());
  for (std::size_t i = 0; i < times.size(); ++i) {
    const double c0 = 10.0, km = 2.0, vmax = 20.0 / 50.0;
    const double exact =
        km * boost::math::lambert_w0((c0 / km) * std::exp((c0 - vmax * times[i]) / km));
    EXPECT_NEAR(rows[i].cp, exact, 1e-7 * exact) << times[i];
  }
}

TEST(MichaelisMentenTest, ConstantInfusionSteadyStateIsTheEquilibrium) {
  // R = VM C/(KM + C) at equilibrium: C = R KM / (VM - R) = 10 * 2 / 10 = 2 mg/L; with KE0 the
  // effect site equals CP there.
  ParameterValues p = kMm;
  p["KE0"] = 0.5;
  const auto rows = run(p, {dose(0, 0, {.rate = 10, .ss = 1}), observation(0)});
  EXPECT_NEAR(rows[0].cp, 2.0, 1e-8);
  EXPECT_NEAR(*rows[0].ce, 2.0, 1e-8);
}

TEST(MichaelisMentenTest, PeriodicSteadyStateMatchesRepeatedDoses) {
  // Nonlinear: Newton on the one-interval map. It must agree with 300 explicit doses and repeat
  // itself one interval later.
  const double t0 = 300 * 12.0;
  const auto steady =
      run(kMm, {dose(t0, 150, {.rate = 100, .ii = 12, .addl = 1, .ss = 1}), observation(t0 + 0.5),
                observation(t0 + 6), observation(t0 + 12.5)});
  const auto repeated = run(kMm, {dose(0, 150, {.rate = 100, .ii = 12, .addl = 301}),
                                  observation(t0 + 0.5), observation(t0 + 6)});
  ASSERT_EQ(steady.size(), 3u);
  EXPECT_NEAR(steady[0].cp, repeated[0].cp, 1e-7 * repeated[0].cp);
  EXPECT_NEAR(steady[1].cp, repeated[1].cp, 1e-7 * repeated[1].cp);
  EXPECT_NEAR(steady[2].cp, steady[0].cp, 1e-7 * steady[0].cp);
}

TEST(EffectSiteTest, CeIsTheConvolutionOfCp) {
  // CE(t) = integral_0^t KE0 e^{-KE0 (t-s)} CP(s) ds, by the trapezoidal rule with the exact
  // exponential weight over a 0.0025 h grid of CP (error ~ h^2 CP'' / 12 < 1e-7 relative).
  ParameterValues p = kMm;
  p["KE0"] = 0.8;
  const double h = 0.0025;
  std::vector<double> grid;
  for (int i = 0; i <= 4000; ++i)
    grid.push_back(i * h);  // 0..10 h
  const auto rows = run(p, {dose(0, 300, {.rate = 150})}, grid);
  ASSERT_EQ(rows.size(), grid.size());
  const double t = 10.0;
  double ce = 0.0;
  for (std::size_t i = 0; i + 1 < rows.size(); ++i) {
    const double w0 = 0.8 * std::exp(-0.8 * (t - grid[i]));
    const double w1 = 0.8 * std::exp(-0.8 * (t - grid[i + 1]));
    ce += 0.5 * h * (w0 * rows[i].cp + w1 * rows[i + 1].cp);
  }
  EXPECT_NEAR(*rows.back().ce, ce, 1e-6 * ce);
}

TEST(OdePathTest, ClosedFormIsRefusedForANonlinearModel) {
  SimulationOptions options;
  options.solver = SolverKind::ClosedForm;
  const auto rows = simulate(*find_model("one_cmt_mm"), kMm, timeline({dose(0, 10)}), options);
  ASSERT_FALSE(rows);
  EXPECT_EQ(rows.error().message, "one_cmt_mm: the model has no closed form; use the ODE solver");
}

TEST(OdePathTest, SteadyStateWithoutEquilibriumIsASolverError) {
  // A constant infusion faster than VM has no steady state: the amount grows without bound.
  const auto rows = simulate(*find_model("one_cmt_mm"), kMm,
                             timeline({dose(0, 0, {.rate = 30, .ss = 1}), observation(0)}));
  ASSERT_FALSE(rows);
  EXPECT_EQ(rows.error().code, core::ErrorCode::Solver);
}

}  // namespace
}  // namespace ketapath::pk
