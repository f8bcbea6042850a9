// The jobs a front end calls (src/jobs): they return values, refuse bad requests without the
// CLI's checks in front of them, and compute what the engine computes when called directly.

#include <cmath>
#include <filesystem>
#include <span>

#include <gtest/gtest.h>

#include "core/limits.h"
#include "io/nmtran.h"
#include "jobs/population_job.h"
#include "jobs/predict_job.h"
#include "jobs/simulate_job.h"
#include "jobs/trial_job.h"
#include "support/must.h"

namespace ketapath::jobs {
namespace {

using testing::must;

io::DataDirectories source_tree() {
  return io::DataDirectories::from(std::nullopt, std::nullopt, std::nullopt, KETAPATH_SOURCE_DIR);
}

TEST(PopulationJob, RunsEveryArmOfADesignAndReportsEachAsItFinishes) {
  int reported = 0;
  const auto run = must(run_population_job(
      {.design = "glue2017", .subjects = 64, .threads = 2, .seed = 3, .dirs = source_tree()},
      {.arm_done = [&](const ArmRun& arm) {
        ++reported;
        EXPECT_TRUE(arm.summary.has_value());
      }}));
  ASSERT_FALSE(run->arms.empty());
  EXPECT_EQ(reported, static_cast<int>(run->arms.size()));
  EXPECT_EQ(run->arms.size(), run->workloads.size());
  for (const ArmRun& arm : run->arms) {
    EXPECT_EQ(arm.summary->subjects(), 64u);
    ASSERT_TRUE(arm.clinical.has_value()) << arm.workload->label;
    ASSERT_TRUE(arm.workload->clinical.has_value());
    EXPECT_GT(arm.workload->clinical->layout->items().size(), 0u);
  }
}

TEST(PopulationJob, TheSameRequestGivesTheSameSummaryOnAnyThreadCount) {
  const PopulationRequest one{
      .design = "benchmark", .subjects = 200, .threads = 1, .seed = 5, .dirs = source_tree()};
  PopulationRequest two = one;
  two.threads = 2;
  const auto a = must(run_population_job(one, {}));
  const auto b = must(run_population_job(two, {}));
  ASSERT_EQ(a->arms.size(), 1u);
  EXPECT_FALSE(a->arms[0].clinical.has_value());  // the benchmark has no assessments
  for (population::Endpoint e : {population::kCmax, population::kAuc, population::kSMax}) {
    EXPECT_EQ(a->arms[0].summary->statistic(e).mean(), b->arms[0].summary->statistic(e).mean());
  }
}

TEST(PopulationJob, RefusesRequestsOutsideTheLimitsWithoutTheCliChecks) {
  const auto none = run_population_job({.design = "benchmark", .subjects = 0}, {});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, core::ErrorCode::LimitExceeded);
  EXPECT_NE(none.error().message.find("population: subjects"), std::string::npos);

  const auto huge = run_population_job(
      {.design = "benchmark", .subjects = core::limits::kMaxPopulationSubjects + 1}, {});
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().code, core::ErrorCode::LimitExceeded);

  const auto no_folder = run_population_job(
      {.design = "benchmark", .subjects = 8, .profiles = population::ProfileFormat::Csv}, {});
  ASSERT_FALSE(no_folder);
  EXPECT_EQ(no_folder.error().code, core::ErrorCode::InvalidArgument);

  const auto unknown =
      run_population_job({.design = "no_such_design", .subjects = 8, .dirs = source_tree()}, {});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, core::ErrorCode::NotFound);
}

TEST(TrialJob, ResolvesTheDesignAndItsModelAndReturnsTheResultWithItsJson) {
  const auto run = must(run_trial_job(
      {.design = "glue2017", .replicates = 3, .seed = 1, .threads = 1, .dirs = source_tree()}));
  EXPECT_EQ(run.design.name, "glue2017");
  EXPECT_EQ(run.model, run.design.model);  // no --model: the design's own
  EXPECT_EQ(run.result.replicates, 3);
  ASSERT_FALSE(run.result.endpoints.empty());
  const nlohmann::json j = trial_result_json(run.result);
  EXPECT_EQ(j.at("design"), "glue2017");
  EXPECT_EQ(j.at("endpoints").size(), run.result.endpoints.size());
  bool failed = false;
  for (const auto& e : run.result.endpoints) {
    failed = failed || (e.endpoint.tolerance && !e.pass.value_or(false));
  }
  EXPECT_EQ(any_endpoint_failed(run.result), failed);
}

TEST(TrialJob, AnUnknownModelIsNotFound) {
  const auto run = run_trial_job(
      {.design = "glue2017", .model = "no_such_model", .replicates = 2, .dirs = source_tree()});
  ASSERT_FALSE(run);
  EXPECT_EQ(run.error().code, core::ErrorCode::NotFound);
}

TEST(PredictJob, IsTheTypicalPatientSimulatedDirectly) {
  const PredictRequest request{.route = pd::Route::Iv,
                               .dose = core::MilligramsPerKilogram(0.5),
                               .duration = core::Minutes(40.0),
                               .weight = core::Kilograms(80.0),
                               .end = core::Hours(3.0),
                               .step = core::Minutes(10.0),
                               .dirs = source_tree()};
  const auto course = must(predict_typical(request));
  ASSERT_EQ(course.time.size(), 19u);  // 0, 10, ..., 180 min

  const auto model = must(io::load_model("ketamine", source_tree()));
  pd::SubjectCovariates covariates;
  covariates.weight = core::Kilograms(80.0);
  const pd::Dose dose{.route = pd::Route::Iv,
                      .amount = core::Milligrams(40.0),  // 0.5 mg/kg x 80 kg
                      .duration = core::Hours(40.0 / 60.0)};
  const auto times = pd::time_grid(core::Hours(3.0), core::Hours(10.0 / 60.0));
  const auto direct =
      must(pd::simulate_ketamine(pd::individualize(model, covariates), std::span(&dose, 1), times));
  for (std::size_t i = 0; i < times.size(); ++i) {
    EXPECT_EQ(course.ketamine[i].value(), direct.ketamine[i].value()) << i;
    EXPECT_EQ(course.drug_reduction[i], direct.drug_reduction[i]) << i;
  }
  EXPECT_GT(course.ketamine[4].value(), 0.0);
}

TEST(PredictJob, RefusesAGridBeyondTheLimitAndANonPositiveStep) {
  PredictRequest request{.dose = core::Milligrams(35.0), .dirs = source_tree()};
  request.step = core::Minutes(0.0);
  ASSERT_FALSE(predict_typical(request));
  EXPECT_EQ(predict_typical(request).error().code, core::ErrorCode::InvalidArgument);
  request.step = core::Minutes(1e-6);
  request.end = core::Hours(1000.0);
  ASSERT_FALSE(predict_typical(request));
  EXPECT_EQ(predict_typical(request).error().code, core::ErrorCode::LimitExceeded);
  request = {.dose = core::Milligrams(1e12), .dirs = source_tree()};
  ASSERT_FALSE(predict_typical(request));
  EXPECT_EQ(predict_typical(request).error().code, core::ErrorCode::LimitExceeded);
}

TEST(SimulateJob, SimulatesEverySubjectOfTheDataSetAsPkDoes) {
  const pk::ModelSpec* model = pk::find_model("one_cmt");
  ASSERT_NE(model, nullptr);
  const std::filesystem::path data =
      std::filesystem::path(KETAPATH_SOURCE_DIR) / "tests/data/nmtran/one_cmt_reset_two_ids.csv";
  const pk::ParameterValues parameters{{"CL", 2.0}, {"V", 10.0}};
  const auto run = must(simulate_dataset({.model = model, .parameters = parameters, .data = data}));
  EXPECT_FALSE(run.effect_site);
  const auto read = must(io::read_nmtran(data));
  ASSERT_EQ(run.subjects.size(), read.subjects.size());
  ASSERT_GE(run.subjects.size(), 2u);
  for (std::size_t i = 0; i < read.subjects.size(); ++i) {
    const auto direct = must(pk::simulate(*model, parameters, read.subjects[i]));
    EXPECT_EQ(run.subjects[i].id, read.subjects[i].id);
    ASSERT_EQ(run.subjects[i].rows.size(), direct.size());
    for (std::size_t r = 0; r < direct.size(); ++r) {
      EXPECT_EQ(run.subjects[i].rows[r].cp, direct[r].cp);
    }
  }
}

TEST(SimulateJob, ChecksTheParametersBeforeReadingTheData) {
  const auto run = simulate_dataset({.model = pk::find_model("one_cmt"),
                                     .parameters = {{"CL", 2.0}},  // V missing
                                     .data = "/no/such/file.csv"});
  ASSERT_FALSE(run);
  EXPECT_NE(run.error().code, core::ErrorCode::NotFound) << run.error().message;
  EXPECT_NE(run.error().message.find("V"), std::string::npos) << run.error().message;
}

}  // namespace
}  // namespace ketapath::jobs
