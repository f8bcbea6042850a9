// One typed suite, two executors: every acceptance scenario runs through the closed forms and
// through the generic CVODE executor (right-hand side from the model's rate matrix), each checked
// against the exact matrix-exponential reference, and the two checked against each other.
//
// Tolerances. Closed form: 1e-9 relative (it is exact to rounding; see acceptance_test.cpp).
// CVODE with rtol 1e-10, atol 1e-12 mg: 1e-7 relative with an absolute floor of 1e-9 of the
// peak. CVODE controls the local error per step, and the global error over a few hundred steps
// after restarts at every event stays about 100-1000 rtol; 1e-7 leaves a margin of 10 over the
// worst case seen while still catching any event-handling difference (those are O(1)).
#include <gtest/gtest.h>

#include "pk/simulate.h"
#include "scenarios.h"

namespace ketapath::pk {
namespace {

using namespace testing;

struct ClosedFormSolver {
  static SimulationOptions options() { return {.solver = SolverKind::ClosedForm}; }

  static constexpr double kRelative = 1e-9;
};

struct CvodeSolver {
  static SimulationOptions options() {
    return {.relative_tolerance = 1e-10, .absolute_tolerance = 1e-12, .solver = SolverKind::Ode};
  }

  static constexpr double kRelative = 1e-7;
};

template <class Solver>
class SolverTest : public ::testing::Test {};

using Solvers = ::testing::Types<ClosedFormSolver, CvodeSolver>;
TYPED_TEST_SUITE(SolverTest, Solvers);

void check_model(const std::string& name, bool effect_site, const SimulationOptions& options,
                 double relative) {
  const ModelSpec& model = *find_model(name);
  const int c = model.central_compartment - 1;
  for (const Scenario& scenario : scenarios(model)) {
    SCOPED_TRACE(name + (effect_site ? "+KE0 " : " ") + scenario.name);
    const ParameterValues p = scenario_parameters(name, scenario, effect_site);
    const auto rows = simulate(model, p, timeline(scenario.records), options);
    ASSERT_TRUE(rows.has_value()) << rows.error().message;
    const auto expected = reference_states(name, p, scenario);
    ASSERT_EQ(rows->size(), expected.size());
    const double vc = p.at(model.central_volume);
    double peak = 0.0;
    for (const auto& x : expected)
      peak = std::max(peak, std::abs(x[c] / vc));
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const OutputRow& row = (*rows)[i];
      EXPECT_TRUE(close(row.cp, expected[i][c] / vc, relative, 1e-9 * peak))
          << "t=" << row.time.value() << " cp " << row.cp << " vs " << expected[i][c] / vc;
      if (effect_site) {
        const double ce = expected[i][expected[i].size() - 1];
        EXPECT_TRUE(close(*row.ce, ce, relative, 1e-9 * peak)) << "t=" << row.time.value();
      }
    }
  }
}

TYPED_TEST(SolverTest, OneCompartment) {
  check_model("one_cmt", false, TypeParam::options(), TypeParam::kRelative);
}

TYPED_TEST(SolverTest, OneCompartmentDepot) {
  check_model("one_cmt_depot", false, TypeParam::options(), TypeParam::kRelative);
}

TYPED_TEST(SolverTest, TwoCompartment) {
  check_model("two_cmt", false, TypeParam::options(), TypeParam::kRelative);
}

TYPED_TEST(SolverTest, TwoCompartmentDepot) {
  check_model("two_cmt_depot", false, TypeParam::options(), TypeParam::kRelative);
}

TYPED_TEST(SolverTest, ThreeCompartment) {
  check_model("three_cmt", false, TypeParam::options(), TypeParam::kRelative);
}

TYPED_TEST(SolverTest, ThreeCompartmentDepot) {
  check_model("three_cmt_depot", false, TypeParam::options(), TypeParam::kRelative);
}

TYPED_TEST(SolverTest, EffectSiteOnEveryModel) {
  for (const std::string& m : linear_models())
    check_model(m, true, TypeParam::options(), TypeParam::kRelative);
}

// The two executors against each other, row by row, on the same scenarios.
TEST(ClosedFormVersusCvode, AgreeOnEveryScenario) {
  for (const std::string& name : linear_models()) {
    const ModelSpec& model = *find_model(name);
    for (const Scenario& scenario : scenarios(model)) {
      SCOPED_TRACE(name + " " + scenario.name);
      const ParameterValues p = scenario_parameters(name, scenario, true);
      const auto exact =
          simulate(model, p, timeline(scenario.records), ClosedFormSolver::options());
      const auto ode = simulate(model, p, timeline(scenario.records), CvodeSolver::options());
      ASSERT_TRUE(exact && ode);
      double peak = 0.0;
      for (const auto& r : *exact)
        peak = std::max(peak, r.cp);
      for (std::size_t i = 0; i < exact->size(); ++i) {
        EXPECT_TRUE(close((*ode)[i].cp, (*exact)[i].cp, 1e-7, 1e-9 * peak)) << i;
        EXPECT_TRUE(close(*(*ode)[i].ce, *(*exact)[i].ce, 1e-7, 1e-9 * peak)) << i;
      }
    }
  }
}

}  // namespace
}  // namespace ketapath::pk
