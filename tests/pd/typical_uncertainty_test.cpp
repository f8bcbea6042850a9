// Parameter uncertainty of the typical values (issue 16 item 2): the bundled model carries its
// calibration's Laplace covariance, draws follow that covariance on the log scale, stay inside the
// parameters' range, and depend only on the stream.

#include "pd/typical_uncertainty.h"

#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>

#include "io/evidence_file.h"
#include "io/model_file.h"
#include "pd/calibration.h"

namespace ketapath::pd {
namespace {

KetamineModel bundled() {
  const auto dirs = io::DataDirectories::from(std::nullopt, std::nullopt, std::nullopt,
                                              std::filesystem::path(KETAPATH_SOURCE_DIR));
  auto model = io::load_model("ketamine", dirs);
  EXPECT_TRUE(model) << model.error().message;
  return *model;
}

core::RandomStream stream(std::uint64_t replicate) {
  return core::RandomStream(7, {.replicate = replicate, .stream = core::Stream::Uncertainty});
}

TEST(TypicalUncertainty, TheBundledCovarianceIsTheAnxiolysisCalibrations) {
  const KetamineModel model = bundled();
  ASSERT_TRUE(model.uncertainty);
  auto rows = io::read_evidence_table(std::filesystem::path(KETAPATH_SOURCE_DIR) / "models" /
                                      "anxiolysis_evidence.csv");
  ASSERT_TRUE(rows) << rows.error().message;
  const auto problems = default_calibration(*io::anxiolysis_observations(*rows));
  const CalibrationProblem& anx = problems.back();
  ASSERT_EQ(anx.name, "anxiolysis");
  const auto u = laplace_uncertainty(model.typical, anx);
  ASSERT_TRUE(u) << u.error().message;
  ASSERT_EQ(model.uncertainty->parameters.size(), anx.free.size());
  for (std::size_t i = 0; i < anx.free.size(); ++i) {
    EXPECT_EQ(model.uncertainty->parameters[i], anx.free[i].id);
    for (std::size_t j = 0; j < anx.free.size(); ++j) {
      // The file keeps 6 significant digits of `ketapath calibrate --toml`, and its typical
      // values are rounded to 6 digits too, which moves the curvature by up to 2e-5 relative.
      const double want = u->log_covariance[i][j];
      EXPECT_NEAR(model.uncertainty->log_covariance(static_cast<Eigen::Index>(i),
                                                    static_cast<Eigen::Index>(j)),
                  want, 1e-4 * std::abs(want) + 1e-12)
          << i << "," << j;
    }
  }
  EXPECT_NE(model.uncertainty->source.find("calibrate --problem anxiolysis"), std::string::npos);
}

TEST(TypicalUncertainty, DrawsFollowTheCovarianceOnTheLogScale) {
  // A narrow covariance (no draw leaves the range), so the sample moments are the matrix's.
  KetamineModel model = bundled();
  model.uncertainty->parameters = {ParameterId::ANX_EC50, ParameterId::S_KON};
  model.uncertainty->log_covariance.resize(2, 2);
  model.uncertainty->log_covariance << 0.04, -0.012, -0.012, 0.09;
  ASSERT_TRUE(validate(*model.uncertainty, model.typical));
  constexpr int kDraws = 20000;
  double m0 = 0, m1 = 0, s00 = 0, s11 = 0, s01 = 0;
  for (int r = 0; r < kDraws; ++r) {
    auto s = stream(static_cast<std::uint64_t>(r));
    const auto p = draw_typical(model, s);
    ASSERT_TRUE(p) << p.error().message;
    const double a = std::log(get_parameter(*p, ParameterId::ANX_EC50) /
                              get_parameter(model.typical, ParameterId::ANX_EC50));
    const double b = std::log(get_parameter(*p, ParameterId::S_KON) /
                              get_parameter(model.typical, ParameterId::S_KON));
    m0 += a;
    m1 += b;
    s00 += a * a;
    s11 += b * b;
    s01 += a * b;
    EXPECT_EQ(p->anx_emax, model.typical.anx_emax) << "parameters not named stay typical";
  }
  // Tolerances: 5 standard errors of each moment at n = 20,000.
  EXPECT_NEAR(m0 / kDraws, 0.0, 5 * 0.2 / std::sqrt(kDraws));
  EXPECT_NEAR(m1 / kDraws, 0.0, 5 * 0.3 / std::sqrt(kDraws));
  EXPECT_NEAR(s00 / kDraws, 0.04, 5 * 0.04 * std::sqrt(2.0 / kDraws));
  EXPECT_NEAR(s11 / kDraws, 0.09, 5 * 0.09 * std::sqrt(2.0 / kDraws));
  EXPECT_NEAR(s01 / kDraws, -0.012, 5 * std::sqrt((0.04 * 0.09 + 0.012 * 0.012) / kDraws));
}

TEST(TypicalUncertainty, DrawsStayInRangeAndDependOnlyOnTheStream) {
  const KetamineModel model = bundled();
  int redrawn = 0;
  for (std::uint64_t r = 0; r < 2000; ++r) {
    auto s = stream(r);
    const auto p = draw_typical(model, s);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_TRUE(validate(*p)) << "replicate " << r;
    EXPECT_LE(p->anx_emax, 1.0);
    redrawn += s.position() > model.uncertainty->parameters.size() ? 1 : 0;
    auto again = stream(r);
    EXPECT_EQ(get_parameter(*draw_typical(model, again), ParameterId::ANX_EC50),
              get_parameter(*p, ParameterId::ANX_EC50));
  }
  // ANX_EMAX's relative SE of about 0.9 puts many unrestricted draws above 1: some are redrawn.
  EXPECT_GT(redrawn, 0);
}

TEST(TypicalUncertainty, ValidationNamesTheProblem) {
  const KetamineModel model = bundled();
  TypicalUncertainty u = *model.uncertainty;
  u.log_covariance(0, 1) += 1e-3;
  auto bad = validate(u, model.typical);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("not symmetric"), std::string::npos) << bad.error().message;
  u = *model.uncertainty;
  u.log_covariance(0, 0) = -1.0;
  bad = validate(u, model.typical);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("not positive definite"), std::string::npos);
  u = *model.uncertainty;
  u.parameters[1] = u.parameters[0];
  bad = validate(u, model.typical);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("named twice"), std::string::npos);
  KetamineModel none = model;
  none.uncertainty.reset();
  auto s = stream(0);
  const auto refused = draw_typical(none, s);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("no [uncertainty] section"), std::string::npos);
}

}  // namespace
}  // namespace ketapath::pd
