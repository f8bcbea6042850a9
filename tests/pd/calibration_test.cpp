// The calibration re-runs: the bundled model sits at the optimum of every calibration problem,
// and a perturbed start converges back to the file's values.

#include "pd/calibration.h"

#include <gtest/gtest.h>

namespace ketapath::pd {
namespace {

TEST(CalibrationTest, BundledValuesAreTheFittedOptimum) {
  // KetamineParameters{} equals models/ketamine.toml (tested in ketamine_pd_test.cpp).
  const KetamineParameters p;
  for (const auto& problem : default_calibration()) {
    auto objective = calibration_objective(p, problem);
    ASSERT_TRUE(objective) << objective.error().message;
    auto fit = calibrate(p, problem);
    ASSERT_TRUE(fit) << fit.error().message;
    // The file stores 6 significant digits: its objective is within 1e-6 of the re-fit optimum.
    EXPECT_LE(*objective, fit->objective + 1e-6) << problem.name;
    for (std::size_t i = 0; i < problem.free.size(); ++i) {
      const double in_file = get_parameter(p, problem.free[i].id);
      EXPECT_NEAR(fit->values[i], in_file, 1e-3 * in_file)
          << problem.name << " " << parameter_info(problem.free[i].id).name;
    }
  }
}

TEST(CalibrationTest, PerturbedStartConvergesToTheTargets) {
  KetamineParameters start;
  start.cadss_emax = 60.0;  // the reference's original (failing) CADSS curve
  start.cadss_ec50 = core::MilligramsPerLitre(0.4);
  start.cadss_gamma = 1.5;
  const auto problems = default_calibration();
  const auto& cadss = problems.front();
  ASSERT_EQ(cadss.name, "cadss");
  auto before = calibration_objective(start, cadss);
  ASSERT_TRUE(before);
  EXPECT_GT(*before, 0.01);
  auto fit = calibrate(start, cadss);
  ASSERT_TRUE(fit) << fit.error().message;
  for (std::size_t i = 0; i < cadss.targets.size(); ++i) {
    EXPECT_NEAR(fit->achieved[i], cadss.targets[i].value, 1e-4 * cadss.targets[i].value)
        << cadss.targets[i].name;
  }
}

TEST(CalibrationTest, BadProblemsAreErrors) {
  CalibrationProblem empty{"empty", "", {}, {}};
  EXPECT_FALSE(calibrate(KetamineParameters{}, empty));
  auto problems = default_calibration();
  problems.front().free.front().lower = 0.0;
  auto bad = calibrate(KetamineParameters{}, problems.front());
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("CADSS_EMAX"), std::string::npos);
}

}  // namespace
}  // namespace ketapath::pd
