// Validation on virtual patients (issue 13): 100 patients with fixed seeds (label slow; the
// 1,000-patient run is bench/estimation, results in docs/model.md).

#include <cstdio>

#include <gtest/gtest.h>

#include "estimation/validation.h"
#include "io/model_file.h"
#include "support/must.h"

namespace ketapath::estimation {
namespace {

using testing::must;

const pd::KetamineModel& ketamine() {
  static const pd::KetamineModel model = must(io::load_model(
      "ketamine",
      io::DataDirectories::from(std::nullopt, std::nullopt, std::nullopt, KETAPATH_SOURCE_DIR)));
  return model;
}

TEST(ValidationSlow, HundredVirtualPatientsRecoverAndAreCalibrated) {
  ValidationOptions options;
  options.patients = 100;
  options.seed = 2026;
  options.threads = 2;
  const ValidationResult r = must(validate(ketamine(), options));
  for (const ParameterRecovery& p : r.recovery) {
    RecordProperty(p.name + "_K" + std::to_string(p.k) + "_rmse", std::to_string(p.rmse));
    // Shrinkage to the prior can only help the RMSE; the data must not make it worse than the
    // prior itself, and bias stays within half a prior SD (n = 100: SE of a mean ~0.1 SD).
    EXPECT_LT(p.rmse, 1.1 * p.prior_sd) << p.name << " K=" << p.k;
    EXPECT_LT(std::abs(p.bias), 0.5 * p.prior_sd) << p.name << " K=" << p.k;
  }
  // The ratings inform the acute EC50 most, though weakly (rating noise, PK variability that the
  // fixed-PK fit folds into the EC50): at K = 12 its RMSE is below the prior SD (measured 0.91).
  for (const ParameterRecovery& p : r.recovery) {
    std::printf("%s K=%d bias %+.3f RMSE %.3f prior SD %.3f\n", p.name.c_str(), p.k, p.bias,
                p.rmse, p.prior_sd);
    if (p.name == "ANX_EC50" && p.k == 12) {
      EXPECT_LT(p.rmse, 0.95 * p.prior_sd);
    }
  }
  for (const auto& [k, accuracy] : r.class_accuracy) {
    std::printf("class accuracy K=%d %.3f\n", k, accuracy);
  }
  std::printf("coverage 80%% %.3f 95%% %.3f (%d held-out ratings)\n", r.coverage80, r.coverage95,
              r.held_out);
  for (const auto& [k, accuracy] : r.class_accuracy) {
    EXPECT_GE(accuracy, 0.8) << "K=" << k;
  }
  // Issue bounds for 1,000 patients are 75-85% and 92-98%; with 100 patients (700 held-out
  // ratings, clustered by patient) they are widened to 70-90% and 88-99.5%.
  EXPECT_EQ(r.held_out, 700);
  EXPECT_GE(r.coverage80, 0.70);
  EXPECT_LE(r.coverage80, 0.90);
  EXPECT_GE(r.coverage95, 0.88);
  EXPECT_LE(r.coverage95, 0.995);
}

}  // namespace
}  // namespace ketapath::estimation
