// The validation harness (issue 13) gives the same result on any thread count; the 100-patient
// validation is validation_slow_test.cpp.

#include "estimation/validation.h"

#include <gtest/gtest.h>

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

TEST(Validation, SameSeedSameResultOnAnyThreadCount) {
  const ValidationOptions base{.patients = 3,
                               .seed = 4,
                               .threads = 1,
                               .recovery_k = {6},
                               .calibration_k = 12,
                               .draws = 200,
                               .forecast_draws = 50,
                               .truth = {}};
  ValidationOptions three = base;
  three.threads = 3;
  const ValidationResult a = must(validate(ketamine(), base));
  const ValidationResult b = must(validate(ketamine(), three));
  ASSERT_EQ(a.recovery.size(), b.recovery.size());
  for (std::size_t i = 0; i < a.recovery.size(); ++i) {
    EXPECT_EQ(a.recovery[i].bias, b.recovery[i].bias) << a.recovery[i].name;
    EXPECT_EQ(a.recovery[i].rmse, b.recovery[i].rmse) << a.recovery[i].name;
  }
  EXPECT_EQ(a.coverage80, b.coverage80);
  EXPECT_EQ(a.held_out, 3 * 7);  // 19 loading ratings, 12 fitted
}

// The maintenance decisions too (the model's recommendation re-decided from each patient's own
// fits, ungated and gated): identical on one and two threads.
TEST(Validation, DecisionsAreTheSameOnAnyThreadCount) {
  const ValidationOptions base{.patients = 2,
                               .seed = 2026,
                               .threads = 1,
                               .recovery_k = {},
                               .calibration_k = 100,
                               .decisions = true,
                               .responder_reduction = 0.15,
                               .draws = 150,
                               .forecast_draws = 40,
                               .truth = {}};
  ValidationOptions two = base;
  two.threads = 2;
  const ValidationResult a = must(validate(ketamine(), base));
  const ValidationResult b = must(validate(ketamine(), two));
  ASSERT_EQ(a.strategies.size(), 6U);  // with the oracle diagnostic
  ASSERT_EQ(b.strategies.size(), 6U);
  for (std::size_t s = 0; s < a.strategies.size(); ++s) {
    EXPECT_EQ(a.strategies[s].name, b.strategies[s].name);
    EXPECT_EQ(a.strategies[s].infusions, b.strategies[s].infusions) << a.strategies[s].name;
    EXPECT_EQ(a.strategies[s].weeks_in_response, b.strategies[s].weeks_in_response);
    EXPECT_EQ(a.strategies[s].relapse_episodes, b.strategies[s].relapse_episodes);
    EXPECT_EQ(a.strategies[s].model_followed, b.strategies[s].model_followed);
  }
  EXPECT_EQ(a.strategies[0].infusions, 12.0);  // weekly over 12 weeks
  EXPECT_EQ(a.strategies[1].infusions, 6.0);   // fortnightly
  EXPECT_EQ(a.held_out, 0);
}

}  // namespace
}  // namespace ketapath::estimation
