// Issue 2 acceptance: over data sets mixing bolus, infusion, depot doses with F and lag, ADDL/II,
// SS for bolus and infusion (including duration > II and SS=2), EVID 3 and 4 resets and the
// steady-state constant infusion, CP (and every amount, and CE with KE0) from pk::simulate agrees
// with an exact matrix-exponential solution within 1e-6 relative, absolute floor 1e-9 of the peak,
// for every linear model. The reference (test_support.h) executes hand-expanded doses: each
// scenario below spells out, next to its records, what NONMEM does with them. Steady state is
// referenced by 400 explicit prior doses (the slowest disposition rate is > 0.005/h, so the
// truncated tail is below e^-24 of the steady state).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "pk/simulate.h"
#include "scenarios.h"

namespace ketapath::pk {
namespace {

using namespace testing;

struct Case {
  std::string model;
  bool effect_site;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.model << (c.effect_site ? "+KE0" : "");
}

class AcceptanceTest : public ::testing::TestWithParam<Case> {};

TEST_P(AcceptanceTest, MatchesMatrixExponentialReference) {
  const Case& tc = GetParam();
  const ModelSpec& model = *find_model(tc.model);
  double worst = 0.0;
  for (const Scenario& scenario : scenarios(model)) {
    SCOPED_TRACE(scenario.name);
    ParameterValues p = typical_parameters(tc.model);
    if (tc.effect_site)
      p["KE0"] = 0.9;
    for (const auto& [name, value] : scenario.extra)
      p[name] = value;
    const auto rows = simulate(model, p, timeline(scenario.records));
    ASSERT_TRUE(rows.has_value()) << rows.error().message;

    ReferenceSimulator reference(reference_matrix(tc.model, p));
    std::vector<Eigen::VectorXd> expected;
    for (const auto& run : scenario.runs) {
      const auto states = reference.run(run);
      if (expected.empty()) {
        expected = states;
      } else {
        for (std::size_t i = 0; i < states.size(); ++i)
          expected[i] += states[i];
      }
    }
    ASSERT_EQ(rows->size(), expected.size());
    const int c = model.central_compartment - 1;
    const double vc = p.at(model.central_volume);
    double peak = 0.0;
    for (const auto& x : expected)
      peak = std::max(peak, std::abs(x[c] / vc));
    double peak_amount = 0.0;
    for (const auto& x : expected)
      peak_amount = std::max(peak_amount, x.cwiseAbs().maxCoeff());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const OutputRow& row = (*rows)[i];
      const double cp = expected[i][c] / vc;
      EXPECT_TRUE(close(row.cp, cp, 1e-6, 1e-9 * peak))
          << "row " << i << " t=" << row.time.value() << " cp " << row.cp << " vs " << cp;
      worst = std::max(worst, std::abs(row.cp - cp) / (std::abs(cp) + 1e-9 * peak));
      for (std::size_t j = 0; j < row.amounts.size(); ++j) {
        EXPECT_TRUE(close(row.amounts[j], expected[i][static_cast<Eigen::Index>(j)], 1e-6,
                          1e-9 * peak_amount))
            << "row " << i << " A" << j + 1;
      }
      if (tc.effect_site) {
        ASSERT_TRUE(row.ce.has_value());
        const double ce = expected[i][expected[i].size() - 1];
        EXPECT_TRUE(close(*row.ce, ce, 1e-6, 1e-9 * peak)) << "row " << i << " CE";
      } else {
        EXPECT_FALSE(row.ce.has_value());
      }
    }
  }
  RecordProperty("worst_relative_cp_error", fmt::format("{:.3g}", worst));
  // Exact to rounding, not merely within the acceptance bound.
  EXPECT_LT(worst, 1e-9);
}

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (const std::string& m : linear_models()) {
    cases.push_back({m, false});
    cases.push_back({m, true});
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(EveryLinearModel, AcceptanceTest, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.model + (info.param.effect_site ? "_ke0" : "");
                         });

}  // namespace
}  // namespace ketapath::pk
