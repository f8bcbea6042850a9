// Issue 18's acceptance test for user models: a two-compartment model with a time-varying weight
// covariate on CL, written as a user model, against
//   (1) the built-in closed form (constant WT): to rounding, 1e-12 relative;
//   (2) CVODE on the same structure and the same model written as ODEs ($DES), on each of its
//       integrators (automatic, BDF, Dormand-Prince) and both compiled and on muparser: 1e-6
//       relative (tolerances 1e-10 / 1e-12);
//   (3) an independent piecewise reference when WT changes at every record: the matrix
//       exponential of the augmented rate matrix (Eigen's MatrixFunctions, no Ketapath solver),
//       interval by interval with the WT of the record that ends each interval (NONMEM's rule),
//       1e-10 relative for the closed form and 1e-6 for the ODE model.

#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unsupported/Eigen/MatrixFunctions>

#include "io/nmtran.h"
#include "pk/model.h"
#include "pk/simulate.h"
#include "usermodel/model_file.h"
#include "usermodel/user_model.h"

namespace ketapath::usermodel {
namespace {

std::string model_path(const char* name) {
  return std::string(KETAPATH_SOURCE_DIR) + "/models/user/" + name;
}

std::unique_ptr<UserModel> load(const char* name, UserModelOptions options = {},
                                pk::OdeMethod method = pk::OdeMethod::Automatic) {
  auto definition = read_model_file(model_path(name));
  EXPECT_TRUE(definition) << definition.error().message;
  definition->structure.ode_method = method;
  auto model = UserModel::create(std::move(*definition), options);
  EXPECT_TRUE(model) << model.error().message;
  return std::move(*model);
}

// 100 mg bolus at 0; a 50 mg infusion over 2 h from 12 h (WT changes while it runs); samples.
std::string data_set(bool varying) {
  const double times[] = {0, 0.5, 1, 2, 4, 8, 12, 12.5, 13, 16, 24, 30};
  std::string text = "ID,TIME,AMT,RATE,CMT,EVID,MDV,DV,WT\n";
  for (int i = 0; i < 12; ++i) {
    const double wt = varying ? 60.0 + 3.0 * i : 70.0;
    if (times[i] == 0) {
      text += fmt::format("1,0,100,0,1,1,1,.,{}\n", wt);
    } else if (times[i] == 12) {
      text += fmt::format("1,12,50,25,1,1,1,.,{}\n", wt);
      text += fmt::format("1,12,.,.,1,0,0,.,{}\n", wt);
    } else {
      text += fmt::format("1,{},.,.,1,0,0,.,{}\n", times[i], wt);
    }
  }
  return text;
}

pk::SubjectTimeline subject(bool varying) {
  auto data = io::parse_nmtran(data_set(varying), "wt.csv");
  EXPECT_TRUE(data) << data.error().message;
  return data->subjects.at(0);
}

std::vector<double> predict(const UserModel& model, const pk::SubjectTimeline& s,
                            std::vector<double> eta = {0.0, 0.0}) {
  auto bound = model.bind(s, {}, {});
  EXPECT_TRUE(bound) << bound.error().message;
  std::vector<double> out((*bound)->rows().size());
  auto status = (*bound)->predict(eta, out);
  EXPECT_TRUE(status) << status.error().message;
  return out;
}

/// The independent reference: per interval (t_prev, t] the parameters of the record ending it;
/// state [A1, A2, 1] with the infusion rate in the augmented column; expm via MatrixFunctions.
std::vector<double> reference(const pk::SubjectTimeline& s, double eta_cl, double eta_v1) {
  struct Params {
    double cl, v1, q, v2;
  };

  auto params = [&](double wt) {
    const double scale = std::pow(wt / 70.0, 0.75);
    return Params{79.0 * scale * std::exp(eta_cl), 80.0 * std::exp(eta_v1), 250.0 * scale, 172.0};
  };
  Eigen::Vector3d x(0, 0, 1);
  double t = 0;
  double rate = 0;
  double infusion_end = -1;
  auto advance = [&](double to, const Params& p) {
    while (t < to) {
      const double stop = infusion_end > t && infusion_end < to ? infusion_end : to;
      Eigen::Matrix3d k = Eigen::Matrix3d::Zero();
      k(0, 0) = -(p.cl + p.q) / p.v1;
      k(0, 1) = p.q / p.v2;
      k(1, 0) = p.q / p.v1;
      k(1, 1) = -p.q / p.v2;
      k(0, 2) = infusion_end > t ? rate : 0.0;
      x = (k * (stop - t)).exp() * x;
      t = stop;
    }
  };
  std::vector<double> out;
  for (const pk::Record& r : s.records) {
    const Params p = params(*r.covariates.at(0));
    advance(r.time.value(), p);
    if (r.kind == pk::RecordKind::Dose) {
      if (r.dose.rate_kind == pk::RateKind::Bolus) {
        x[0] += r.dose.amount.value();
      } else {
        rate = r.dose.rate.value();
        infusion_end = t + r.dose.amount.value() / rate;
      }
    } else {
      out.push_back(x[0] / p.v1);
    }
  }
  return out;
}

void expect_close(const std::vector<double>& a, const std::vector<double>& b, double rtol) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    EXPECT_NEAR(a[i], b[i], rtol * std::abs(b[i])) << "row " << i;
}

TEST(UserModelAcceptance, ConstantWeightMatchesTheBuiltInClosedForm) {
  const auto model = load("two_cmt_wt.toml");
  const pk::SubjectTimeline s = subject(false);
  const double eta_cl = 0.3;
  const double eta_v1 = -0.2;
  const pk::ParameterValues values{{"CL", 79.0 * std::exp(eta_cl)},
                                   {"V1", 80.0 * std::exp(eta_v1)},
                                   {"Q", 250.0},
                                   {"V2", 172.0}};
  const auto builtin = pk::simulate(*pk::find_model("two_cmt"), values, s);
  ASSERT_TRUE(builtin) << builtin.error().message;
  std::vector<double> cp;
  for (const auto& row : *builtin)
    cp.push_back(row.cp);
  expect_close(predict(*model, s, {eta_cl, eta_v1}), cp, 1e-12);
}

TEST(UserModelAcceptance, ClosedFormMatchesCvodeAndTheOdeModel) {
  const UserModelOptions tight{.relative_tolerance = 1e-10, .absolute_tolerance = 1e-12};
  UserModelOptions cvode = tight;
  cvode.solver = pk::SolverKind::Ode;
  UserModelOptions interpreted = tight;
  interpreted.native_des = false;
  const auto closed = load("two_cmt_wt.toml");
  const auto on_cvode = load("two_cmt_wt.toml", cvode);
  for (const pk::OdeMethod method :
       {pk::OdeMethod::Automatic, pk::OdeMethod::Bdf, pk::OdeMethod::Explicit}) {
    const auto des = load("two_cmt_wt_ode.toml", tight, method);
    const auto des_interpreted = load("two_cmt_wt_ode.toml", interpreted, method);
    EXPECT_TRUE(des->des_backend().starts_with("compiled")) << des->des_backend();
    EXPECT_EQ(des_interpreted->des_backend(), "muparser (compilation not asked for)");
    for (const bool varying : {false, true}) {
      SCOPED_TRACE(testing::Message()
                   << "method " << static_cast<int>(method) << " varying " << varying);
      const pk::SubjectTimeline s = subject(varying);
      const std::vector<double> reference_values = predict(*closed, s, {0.1, 0.2});
      expect_close(predict(*on_cvode, s, {0.1, 0.2}), reference_values, 1e-6);
      expect_close(predict(*des, s, {0.1, 0.2}), reference_values, 1e-6);
      // The compiled $DES computes what muparser computes (the same IEEE operations, up to the
      // rounding of pow against muparser's x*x): the integrators see the same derivatives.
      expect_close(predict(*des_interpreted, s, {0.1, 0.2}), predict(*des, s, {0.1, 0.2}), 1e-12);
    }
  }
}

TEST(UserModelAcceptance, WeightChangingAtEveryRecordMatchesAPiecewiseReference) {
  const pk::SubjectTimeline s = subject(true);
  const std::vector<double> expected = reference(s, 0.25, -0.1);
  // The WT of the record ending an interval applies over it: with the previous record's WT the
  // answer differs by far more than the tolerance (the test can fail).
  const auto closed = load("two_cmt_wt.toml");
  const std::vector<double> got = predict(*closed, s, {0.25, -0.1});
  expect_close(got, expected, 1e-10);
  for (const pk::OdeMethod method :
       {pk::OdeMethod::Automatic, pk::OdeMethod::Bdf, pk::OdeMethod::Explicit}) {
    const auto des = load("two_cmt_wt_ode.toml",
                          {.relative_tolerance = 1e-10, .absolute_tolerance = 1e-12}, method);
    expect_close(predict(*des, s, {0.25, -0.1}), expected, 1e-6);
  }
  // Constant WT (70) gives a different profile than the varying one: the covariate is read.
  const std::vector<double> constant = predict(*closed, subject(false), {0.25, -0.1});
  EXPECT_GT(std::abs(constant.back() - got.back()), 1e-3 * std::abs(got.back()));
}

TEST(UserModelAcceptance, RowsArePredAtZeroEtaAndCarryDv) {
  const auto model = load("two_cmt_wt.toml");
  const pk::SubjectTimeline s = subject(true);
  std::vector<double> dv(s.records.size(), std::nan(""));
  dv[1] = 1.25;
  auto bound = model->bind(s, dv, std::vector<core::Hours>{core::Hours(3.0)});
  ASSERT_TRUE(bound) << bound.error().message;
  const auto rows = (*bound)->rows();
  ASSERT_EQ(rows.size(), 12u);  // 11 observations + one grid time
  EXPECT_TRUE(rows[0].has_dv);
  EXPECT_EQ(rows[0].dv, 1.25);
  EXPECT_FALSE(rows[1].has_dv);
  EXPECT_EQ(rows[3].record_index, pk::kGridRow);
  EXPECT_EQ(rows[3].time.value(), 3.0);
}

}  // namespace
}  // namespace ketapath::usermodel
