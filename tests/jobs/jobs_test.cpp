// The jobs a front end calls (src/jobs): they return values, refuse bad requests without the
// CLI's checks in front of them, and compute what the engine computes when called directly.

#include <cmath>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "core/limits.h"
#include "io/nmtran.h"
#include "jobs/population_job.h"
#include "jobs/predict_job.h"
#include "jobs/simulate_job.h"
#include "jobs/trial_job.h"
#include "population/subject_columns.h"
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

// A folder of its own under the system's temporary folder, removed at the end.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              fmt::format("ketapath-{}-{}", name, ::getpid())) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }

  ~ScratchDir() { std::filesystem::remove_all(path_); }

  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::vector<std::string> lines_of(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

std::string after_first_field(const std::string& line) {
  return line.substr(line.find(','));
}

// The drawn subjects of a workload, as BatchSubjects (what the kernel gets).
population::BatchSubjects drawn(const Workload& workload, std::size_t count) {
  population::BatchSubjects subjects;
  must(workload.source(0, count, subjects));
  return subjects;
}

TEST(PopulationJob, ASubjectsFileOfTheDrawnSubjectsGivesTheSameEndpointsBitForBit) {
  ScratchDir dir("subjects-benchmark");
  const auto workloads = must(load_workloads("benchmark", source_tree(), 11));
  const auto subjects = drawn(workloads.at(0), 40);
  std::ofstream file(dir.path() / "pop.csv");
  file << "ID,KA,F,V1,V2,CL,Q,FM,VNK,CLNK,KE0,EC50,KON,KOFF\n";
  for (std::size_t i = 0; i < subjects.size(); ++i) {
    const population::BatchSubject s = subjects.at(i);
    file << fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", 101 + i, s.ka.value(), s.f,
                        s.v1.value(), s.v2.value(), s.cl.value(), s.q.value(), s.fm, s.v_nk.value(),
                        s.cl_nk.value(), s.ke0.value(), s.ec50.value(), s.kon.value(),
                        s.koff.value());
  }
  file.close();
  must(run_population_job({.design = "benchmark",
                           .subjects = 40,
                           .threads = 2,
                           .seed = 11,
                           .out = dir.path() / "drawn",
                           .dirs = source_tree()},
                          {}));
  const auto from_file = must(run_population_job({.design = "benchmark",
                                                  .subjects_file = dir.path() / "pop.csv",
                                                  .threads = 1,
                                                  .out = dir.path() / "file",
                                                  .dirs = source_tree()},
                                                 {}));
  EXPECT_EQ(from_file->arms.at(0).subjects, 40u);
  const auto a = lines_of(dir.path() / "drawn" / "endpoints.csv");
  const auto b = lines_of(dir.path() / "file" / "endpoints.csv");
  ASSERT_EQ(a.size(), 41u);
  ASSERT_EQ(b.size(), 41u);
  EXPECT_EQ(b[0].substr(0, 3), "ID,");
  EXPECT_EQ(after_first_field(a[0]), after_first_field(b[0]));
  for (std::size_t i = 1; i < a.size(); ++i) {
    EXPECT_EQ(b[i].substr(0, b[i].find(',')), std::to_string(100 + i));  // the file's IDs
    EXPECT_EQ(after_first_field(a[i]), after_first_field(b[i])) << "subject " << i - 1;
  }
}

TEST(PopulationJob, ASubjectsFileMatchesTheClosedFormAucOfEachSubject) {
  // Independent reference: with linear PK, AUC(0-inf) of ketamine = F * dose / CL. The benchmark
  // gives 12 x 70 mg SC and follows 168 h after the last dose (t1/2 about 2.5 h here), so the
  // profile's AUC to the end is the closed form within 1e-6 relative.
  ScratchDir dir("subjects-auc");
  std::ofstream(dir.path() / "pop.csv") << "ID,CL,F\n1,79,0.9\n2,40,0.5\n3,150,1\n";
  const double cl[] = {79.0, 40.0, 150.0};
  const double f[] = {0.9, 0.5, 1.0};
  must(run_population_job({.design = "benchmark",
                           .subjects_file = dir.path() / "pop.csv",
                           .out = dir.path() / "out",
                           .dirs = source_tree()},
                          {}));
  const auto rows = lines_of(dir.path() / "out" / "endpoints.csv");
  ASSERT_EQ(rows.size(), 4u);
  for (std::size_t i = 0; i < 3; ++i) {
    std::istringstream row(rows[i + 1]);
    std::string id, cmax, auc;
    std::getline(row, id, ',');
    std::getline(row, cmax, ',');
    std::getline(row, auc, ',');
    const double expected = f[i] * 12 * 70.0 / cl[i];
    EXPECT_NEAR(std::stod(auc), expected, 1e-6 * expected) << "ID " << id;
  }
}

TEST(PopulationJob, ADesignArmTakesItsSubjectsInTheModelsNamesAndUnits) {
  // The drawn virtual patients of glue2017's SC arm written in models/ketamine.toml's names
  // (S_EC50 in ng/mL, S_T12 in days) give the drawn run's PK endpoints within 1e-12 relative
  // (S_T12 -> KOFF is a division, not an exact round trip).
  ScratchDir dir("subjects-design");
  const auto workloads = must(load_workloads("glue2017", source_tree(), 4));
  const Workload& arm = workloads.at(0);
  const auto subjects = drawn(arm, 30);
  std::ofstream file(dir.path() / "pop.csv");
  file << "ID,CL,V1,Q,V2,FM,CLNK,VNK,KE0,KA_SC,F_SC,S_EC50[ng/mL],S_KON,S_T12[d],WT\n";
  for (std::size_t i = 0; i < subjects.size(); ++i) {
    const population::BatchSubject s = subjects.at(i);
    file << fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", i + 1, s.cl.value(),
                        s.v1.value(), s.q.value(), s.v2.value(), s.fm, s.cl_nk.value(),
                        s.v_nk.value(), s.ke0.value(), s.ka.value(), s.f, s.ec50.value() * 1000.0,
                        s.kon.value(), std::log(2.0) / s.koff.value() / 24.0, s.dose_scale);
  }
  file.close();
  ASSERT_NE(arm.label.find("route sc"), std::string::npos) << arm.label;
  const auto a = must(run_population_job(
      {.design = "glue2017", .subjects = 30, .seed = 4, .pk_only = true, .dirs = source_tree()},
      {}));
  const auto b = must(run_population_job({.design = "glue2017",
                                          .subjects_file = dir.path() / "pop.csv",
                                          .seed = 4,
                                          .pk_only = true,
                                          .dirs = source_tree()},
                                         {}));
  ASSERT_EQ(a->arms.size(), b->arms.size());
  for (population::Endpoint e : {population::kCmax, population::kAuc, population::kCeMax,
                                 population::kNkMax, population::kSMax, population::kSEnd}) {
    const double x = a->arms[0].summary->statistic(e).mean();
    const double y = b->arms[0].summary->statistic(e).mean();
    EXPECT_NEAR(y, x, 1e-12 * std::abs(x)) << "endpoint " << static_cast<int>(e);
  }
}

TEST(PopulationJob, ASubjectsFileWithADesignNeedsPkOnlyAndBadFilesNameTheirLine) {
  ScratchDir dir("subjects-refused");
  std::ofstream(dir.path() / "pop.csv") << "ID,CL\n1,79\n";
  const auto clinical = run_population_job(
      {.design = "glue2017", .subjects_file = dir.path() / "pop.csv", .dirs = source_tree()}, {});
  ASSERT_FALSE(clinical);
  EXPECT_EQ(clinical.error().code, core::ErrorCode::InvalidArgument);
  EXPECT_NE(clinical.error().message.find("--pk-only"), std::string::npos);

  std::ofstream(dir.path() / "bad.csv") << "ID,CL\n1,79\n2,-1\n";
  const auto bad = run_population_job(
      {.design = "benchmark", .subjects_file = dir.path() / "bad.csv", .dirs = source_tree()}, {});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, core::ErrorCode::InvalidData);
  EXPECT_NE(bad.error().message.find("bad.csv:3: CL must be > 0 L/h (got -1 L/h)"),
            std::string::npos)
      << bad.error().message;
}

TEST(ParameterUncertainty, TrialJsonListsEachReplicatesTypicalValues) {
  const auto run = must(run_trial_job({.design = "glue2017",
                                       .replicates = 4,
                                       .seed = 2,
                                       .parameter_uncertainty = true,
                                       .dirs = source_tree()}));
  const nlohmann::json doc = trial_result_json(run.result);
  ASSERT_TRUE(doc.contains("parameter_uncertainty"));
  const auto& u = doc["parameter_uncertainty"];
  EXPECT_EQ(u["parameters"].size(), 4u);
  EXPECT_NE(u["source"].get<std::string>().find("calibrate --problem anxiolysis"),
            std::string::npos);
  ASSERT_EQ(u["per_replicate"].size(), 4u);
  EXPECT_NE(u["per_replicate"][0]["ANX_EC50"], u["per_replicate"][1]["ANX_EC50"]);
  const auto off = must(
      run_trial_job({.design = "glue2017", .replicates = 4, .seed = 2, .dirs = source_tree()}));
  EXPECT_FALSE(trial_result_json(off.result).contains("parameter_uncertainty"));
}

TEST(ParameterUncertainty, PopulationDrawsPerPatientForDesignsOnly) {
  const PopulationRequest plain{
      .design = "glue2017", .subjects = 64, .threads = 1, .seed = 3, .dirs = source_tree()};
  PopulationRequest uncertain = plain;
  uncertain.parameter_uncertainty = true;
  PopulationRequest two_threads = uncertain;
  two_threads.threads = 2;
  const auto a = must(run_population_job(plain, {}));
  const auto b = must(run_population_job(uncertain, {}));
  const auto c = must(run_population_job(two_threads, {}));
  ASSERT_EQ(a->arms.size(), b->arms.size());
  // the same patients with their own typical values: the anxiolysis summary moves, the PK not
  EXPECT_NE(*a->arms[0].clinical, *b->arms[0].clinical);
  EXPECT_EQ(*b->arms[0].clinical, *c->arms[0].clinical);
  EXPECT_EQ(a->arms[0].summary->quantile(population::kCmax, 0.5),
            b->arms[0].summary->quantile(population::kCmax, 0.5));

  const auto benchmark =
      run_population_job({.design = "benchmark", .subjects = 8, .parameter_uncertainty = true}, {});
  ASSERT_FALSE(benchmark);
  EXPECT_EQ(benchmark.error().code, core::ErrorCode::InvalidArgument);
  EXPECT_NE(benchmark.error().message.find("--parameter-uncertainty"), std::string::npos);
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
