// The calibration re-runs: the bundled model sits at the optimum of every calibration problem,
// and a perturbed start converges back to the file's values.

#include "pd/calibration.h"

#include <cmath>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "io/evidence_file.h"

namespace ketapath::pd {
namespace {

const std::filesystem::path kEvidence =
    std::filesystem::path(KETAPATH_SOURCE_DIR) / "models" / "anxiolysis_evidence.csv";

std::vector<AnxiolysisObservation> bundled_evidence() {
  auto rows = io::read_evidence_table(kEvidence);
  EXPECT_TRUE(rows) << rows.error().message;
  auto obs = io::anxiolysis_observations(*rows);
  EXPECT_TRUE(obs) << obs.error().message;
  return *obs;
}

std::vector<CalibrationProblem> default_calibration() {
  return pd::default_calibration(bundled_evidence());
}

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

TEST(EvidenceTable, BundledTableGivesTheFitGroupAndThePriors) {
  const auto rows = io::read_evidence_table(kEvidence);
  ASSERT_TRUE(rows) << rows.error().message;
  std::size_t validation = 0;
  for (const auto& r : *rows) {
    validation += r.use == "validation" ? 1 : 0;
    EXPECT_FALSE(r.study.empty()) << r.id;
    EXPECT_FALSE(r.location.empty()) << r.id;  // every point says where in the paper it is
  }
  EXPECT_GE(validation, 2u);  // Taylor 2018 and Hartland 2023 are held out
  const auto obs = bundled_evidence();
  ASSERT_EQ(obs.size(), 3u);
  // Glue 2018: FQ and HAM-A on the same 20 patients are one observation at 1 h after dose 5.
  EXPECT_EQ(obs[0].id, "glue2018_1h");
  EXPECT_FALSE(obs[0].prior);
  EXPECT_EQ(obs[0].scales.size(), 2u);
  EXPECT_DOUBLE_EQ(obs[0].value, 0.50);
  EXPECT_DOUBLE_EQ(obs[0].se, 0.056);
  EXPECT_EQ(obs[0].session, 5);
  EXPECT_TRUE(obs[1].prior);
  EXPECT_TRUE(obs[2].prior);
  EXPECT_DOUBLE_EQ(obs[2].time_h, 168.0);
}

TEST(EvidenceTable, TheFitMeetsEveryPointWithinItsStandardError) {
  const auto problems = default_calibration();
  const auto& anx = problems.back();
  ASSERT_EQ(anx.name, "anxiolysis");
  ASSERT_TRUE(anx.inverse_variance);
  const KetamineParameters p;
  for (const auto& o : bundled_evidence()) {
    const auto s = observed_reduction(p, o);
    ASSERT_TRUE(s) << s.error().message;
    // the four free parameters meet the one data point and the priors' centres exactly
    EXPECT_LT(std::abs(*s - o.value) / o.se, 0.01) << o.id << " model " << *s;
  }
}

TEST(EvidenceTable, LaplaceSeOfAOneParameterPriorMatchesTheHandValue) {
  // One free parameter (ANX_GAMMA) and one prior target gamma = 2 with SD 1: r = (g - 2) / 1, so
  // d r / d log g = g = 2 at the optimum and SE(log g) = 1 / 2 (hand computation).
  CalibrationProblem gamma{"gamma", "", {{ParameterId::ANX_GAMMA, 1.0, 5.0}}, {}, true, {true}};
  gamma.targets.push_back(
      {"g", "", 2.0, 4.0, [](const KetamineParameters& q) -> core::Result<double> {
         return q.anx_gamma;
       }});
  KetamineParameters p;
  p.anx_gamma = 2.0;
  const auto u = laplace_uncertainty(p, gamma);
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_NEAR(u->relative_se[0], 0.5, 1e-6);
  EXPECT_DOUBLE_EQ(u->data_information[0], 0.0);  // a prior only: the data say nothing
}

TEST(EvidenceTable, AnxiolysisUncertaintyNamesWhatTheDataIdentify) {
  const auto problems = default_calibration();
  const auto& anx = problems.back();
  const auto u = laplace_uncertainty(KetamineParameters{}, anx);
  ASSERT_TRUE(u) << u.error().message;
  ASSERT_EQ(u->relative_se.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_GT(u->relative_se[i], 0.0);
    EXPECT_GE(u->data_information[i], 0.0);
    EXPECT_LE(u->data_information[i], 1.0);
  }
  // One published number (Glue 2018, 1 h) for four parameters: ANX_EMAX is mostly identified by
  // it, the steepness and the plasticity rate are carried by their priors (docs/model.md).
  EXPECT_GT(u->data_information[0], 0.5);  // ANX_EMAX
  EXPECT_LT(u->data_information[2], 0.5);  // ANX_GAMMA
  EXPECT_LT(u->data_information[3], 0.5);  // S_KON
  // A problem whose weights are not inverse variances has no covariance.
  EXPECT_FALSE(laplace_uncertainty(KetamineParameters{}, problems.front()));
}

std::filesystem::path write_table(const std::string& name, const std::string& body) {
  const auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << io::kEvidenceHeader << "\n" << body;
  return path;
}

TEST(EvidenceTable, MalformedTablesNameTheLineAndColumn) {
  const std::string good =
      "a,s,loc,pop,20,sc,1.0,0,168,5,1,fq,reduction_from_predose,0.5,,0.05,x,no,,,fit,,n\n";
  ASSERT_TRUE(io::read_evidence_table(write_table("ev_good.csv", good)));
  auto bad_number = io::read_evidence_table(
      write_table("ev_num.csv", "a,s,loc,pop,20,sc,1.0,0,168,5,1,fq,r,0.5x,,0.05,x,no,,,fit,,n\n"));
  ASSERT_FALSE(bad_number);
  EXPECT_NE(bad_number.error().message.find("ev_num.csv:2: column value: \"0.5x\""),
            std::string::npos)
      << bad_number.error().message;
  auto bad_use = io::read_evidence_table(write_table(
      "ev_use.csv", "a,s,loc,pop,20,sc,1.0,0,168,5,1,fq,r,0.5,,0.05,x,no,,,guess,,n\n"));
  ASSERT_FALSE(bad_use);
  EXPECT_NE(bad_use.error().message.find("column use: \"guess\""), std::string::npos);
  auto list_in_fit = io::read_evidence_table(write_table(
      "ev_list.csv", "a,s,loc,pop,20,sc,0.5;1.0,0,168,5,1,fq,r,0.5,,0.05,x,no,,,fit,,n\n"));
  ASSERT_FALSE(list_in_fit);
  auto short_row = io::read_evidence_table(write_table("ev_short.csv", "a,s,loc\n"));
  ASSERT_FALSE(short_row);
  EXPECT_NE(short_row.error().message.find("ev_short.csv:2: 3 fields, expected 23"),
            std::string::npos);
  auto header = io::read_evidence_table(write_table("ev_head.csv", ""));
  ASSERT_TRUE(header);  // header only: no rows, and anxiolysis_observations refuses it
  EXPECT_FALSE(io::anxiolysis_observations(*header));
  const auto no_se = io::read_evidence_table(
      write_table("ev_nose.csv", "a,s,loc,pop,20,sc,1.0,0,168,5,1,fq,r,0.5,,,x,no,,,fit,,n\n"));
  ASSERT_TRUE(no_se);
  const auto obs = io::anxiolysis_observations(*no_se);
  ASSERT_FALSE(obs);
  EXPECT_NE(obs.error().message.find("value and se"), std::string::npos);
}

TEST(CalibrationTest, BadProblemsAreErrors) {
  CalibrationProblem empty{"empty", "", {}, {}, false, {}};
  EXPECT_FALSE(calibrate(KetamineParameters{}, empty));
  auto problems = default_calibration();
  problems.front().free.front().lower = 0.0;
  auto bad = calibrate(KetamineParameters{}, problems.front());
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("CADSS_EMAX"), std::string::npos);
}

}  // namespace
}  // namespace ketapath::pd
