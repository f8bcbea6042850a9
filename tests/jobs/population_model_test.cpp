// jobs::population_model: a catalogue model or a user model file, refusals named with the
// caller's field names (the CLI's by default, the bindings' when given).

#include "jobs/population_model.h"

#include <gtest/gtest.h>

#include "support/must.h"

namespace ketapath::jobs {
namespace {

using testing::must;

const std::string kUserModel = std::string(KETAPATH_SOURCE_DIR) + "/models/user/two_cmt_wt.toml";

std::string message(const core::Result<std::unique_ptr<nlme::PopulationModel>>& r) {
  return r ? std::string("(no error)") : r.error().message;
}

TEST(PopulationModel, BuildsACatalogueModelWithEtasOrAUserModel) {
  const auto catalogue = must(population_model(
      {.model = "one_cmt",
       .parameters = pk::ParameterValues{{"CL", 2.0}, {"V", 10.0}},
       .omega = EtaSpec{.etas = {"CL"}, .omega = Eigen::MatrixXd::Constant(1, 1, 0.09)},
       .sigma = nlme::ResidualError{.proportional_variance = 0.01}},
      {}));
  EXPECT_EQ(catalogue->etas().size(), 1U);
  EXPECT_EQ(catalogue->sigma().proportional_variance, 0.01);
  const auto user = must(population_model({.model_file = kUserModel}, {}));
  EXPECT_EQ(user->name(), "two_cmt_wt");
  EXPECT_EQ(user->etas().size(), 2U);
}

TEST(PopulationModel, RefusalsNameTheCallersFields) {
  const PopulationModelFields facade{.model = "model",
                                     .model_file = "model_file",
                                     .parameters = "params",
                                     .omega = "omega",
                                     .sigma = "sigma_prop"};
  EXPECT_EQ(message(population_model({}, {})),
            "give --model NAME (a catalogue model) or --model-file FILE (a user model), one of "
            "them");
  EXPECT_EQ(message(population_model({.model = "one_cmt", .model_file = kUserModel}, facade)),
            "give model NAME (a catalogue model) or model_file FILE (a user model), not both");
  EXPECT_EQ(message(population_model({.model = "one_cmt"}, facade)),
            "params: model one_cmt needs its parameter values, e.g. params CL=5,V=50");
  EXPECT_EQ(
      message(population_model({.model_file = kUserModel, .sigma = nlme::ResidualError{}}, facade)),
      "sigma_prop: the model file " + kUserModel +
          " states its own THETAs, OMEGA and SIGMA; change them there");
  const auto unknown =
      population_model({.model = "nope", .parameters = pk::ParameterValues{{"CL", 1.0}}}, facade);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, core::ErrorCode::NotFound);
  EXPECT_EQ(unknown.error().message.rfind("model: \"nope\" is not a model (known: one_cmt", 0), 0U);
}

}  // namespace
}  // namespace ketapath::jobs
