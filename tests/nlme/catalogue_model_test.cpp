// The catalogue model as a population model: predictions are pk::simulate at TV exp(ETA), and
// every malformed ETA, OMEGA or SIGMA is refused with a message naming it.

#include "nlme/catalogue_model.h"

#include <cmath>

#include <gtest/gtest.h>

#include "nlme/omega.h"
#include "nlme_test_data.h"
#include "support/must.h"

namespace ketapath::nlme {
namespace {

using ketapath::testing::must;

CatalogueModelSpec one_cmt(std::vector<std::string> etas, Eigen::MatrixXd omega) {
  return {.model = pk::find_model("one_cmt"),
          .parameters = {{"CL", 2.0}, {"V", 10.0}},
          .etas = std::move(etas),
          .omega = std::move(omega),
          .sigma = {.proportional_variance = 0.01, .additive_variance = 0.0}};
}

std::string error_of(CatalogueModelSpec spec) {
  auto r = make_catalogue_model(std::move(spec));
  return r ? std::string("no error") : r.error().message;
}

TEST(CatalogueModel, PredictsTheClosedFormAtTheIndividualParameters) {
  const auto model = must(make_catalogue_model(one_cmt({"CL", "V"}, Eigen::Matrix2d::Identity())));
  const auto subjects = testing::bolus_subjects(1, 100.0, {1.0, 6.0});
  const std::vector<double> dv{NAN, 1.5, NAN};
  const auto bound = must(model->bind(subjects[0], dv, {}));
  ASSERT_EQ(bound->rows().size(), 2U);
  EXPECT_TRUE(bound->rows()[0].has_dv);
  EXPECT_EQ(bound->rows()[0].dv, 1.5);
  EXPECT_FALSE(bound->rows()[1].has_dv);
  const std::vector<double> eta{0.3, -0.2};
  std::vector<double> ipred(2);
  must(bound->predict(eta, ipred));
  const double cl = 2.0 * std::exp(0.3);
  const double v = 10.0 * std::exp(-0.2);
  for (std::size_t i = 0; i < 2; ++i) {
    const double t = i == 0 ? 1.0 : 6.0;
    EXPECT_NEAR(ipred[i], 100.0 / v * std::exp(-cl / v * t), 1e-12);
  }
  EXPECT_EQ(model->individual_parameters(eta), (std::vector<double>{cl, v}));
  EXPECT_EQ(model->parameter_names().size(), 2U);
}

TEST(CatalogueModel, RefusesEtasTheModelCannotCarry) {
  const Eigen::MatrixXd one = Eigen::MatrixXd::Identity(1, 1);
  EXPECT_EQ(error_of(one_cmt({"KA"}, one)),
            "one_cmt: ETA on KA: KA is not a parameter of the model (it has CL, V)");
  EXPECT_EQ(error_of(one_cmt({"CL", "CL"}, Eigen::Matrix2d::Identity())),
            "one_cmt: ETA on CL is given twice");
  EXPECT_EQ(error_of(one_cmt({"ALAG1"}, one)),
            "one_cmt: ETA on ALAG1 needs a typical value of ALAG1 (give it as a parameter)");
  CatalogueModelSpec f = one_cmt({"F1"}, one);
  f.parameters["F1"] = 0.8;
  EXPECT_NE(error_of(f).find("F1 needs a logit-normal ETA"), std::string::npos) << error_of(f);
}

TEST(CatalogueModel, RefusesAMalformedOmegaOrSigmaNamingIt) {
  EXPECT_EQ(error_of(one_cmt({"CL", "V"}, (Eigen::Matrix2d() << 0.09, 0.1, 0.1, 0.04).finished())),
            "OMEGA (ETAs CL, V) is not positive definite: a covariance is too large for its "
            "variances (each |cov(i,j)| < sqrt(var(i) var(j)), and jointly)");
  EXPECT_EQ(error_of(one_cmt({"CL", "V"}, (Eigen::Matrix2d() << 0.09, 0, 0, -0.04).finished())),
            "OMEGA V: variance must be > 0 (got -0.04)");
  EXPECT_EQ(error_of(one_cmt({"CL"}, Eigen::Matrix2d::Identity())),
            "OMEGA is 2x2 but the model has 1 ETAs (CL)");
  CatalogueModelSpec s = one_cmt({"CL"}, Eigen::MatrixXd::Identity(1, 1));
  s.sigma.additive_variance = -1.0;
  EXPECT_EQ(error_of(s), "SIGMA add: variance must be >= 0 (got -1)");
  CatalogueModelSpec p = one_cmt({"CL"}, Eigen::MatrixXd::Identity(1, 1));
  p.parameters["CL"] = -2.0;
  EXPECT_EQ(error_of(p), "one_cmt: parameter CL must be > 0 (got -2)");
}

}  // namespace
}  // namespace ketapath::nlme
