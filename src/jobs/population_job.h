#pragma once
// Running a trial design (or the benchmark workload) over a virtual population with the batch
// engine: `ketapath population` parses options and prints; the server calls the same function.
//
//   jobs::PopulationRequest request{.design = "glue2017", .subjects = 20000, .seed = 3,
//                                   .dirs = dirs};
//   auto run = jobs::run_population_job(request, {});   // Result<PopulationRun>
//   for (const jobs::ArmRun& arm : run->arms) { ... arm.summary, arm.clinical ... }

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/model_file.h"
#include "population/batch_ketamine.h"
#include "population/batch_runner.h"
#include "population/profile_writer.h"
#include "protocol/regimen.h"
#include "trial/batch_outcome.h"
#include "trial/design.h"
#include "trial/population_endpoints.h"

namespace ketapath::jobs {

/// The clinical side of one design arm: how records are made and reduced, and what to report.
struct ArmClinical {
  std::shared_ptr<const trial::Design> design;
  std::vector<protocol::Administration> sessions;
  std::shared_ptr<const population::PatientGenerator> generator;
  /// The arm's patients, drawn once for the kernel and the clinical record.
  std::shared_ptr<const population::PatientDraws> draws;
  std::shared_ptr<const trial::BatchOutcomes> outcomes;
  std::shared_ptr<const trial::ClinicalLayout> layout;
};

/// One population to run: a label, the compiled schedule and where subjects come from.
struct Workload {
  std::string label;
  population::BatchSchedule schedule;
  population::SubjectSource source;
  std::optional<ArmClinical> clinical;  ///< designs only (the benchmark has no assessments)
  /// The rows' IDs when the subjects come from a subjects file (their count is the number of
  /// subjects); nullptr for drawn subjects.
  population::SubjectIds ids;
};

/// `design` is "benchmark" (docs/performance.md's fixed workload) or a design name or path
/// resolved in `dirs`: one workload per arm. With a `subjects_file` (io/subjects_file.h) every
/// workload takes its subjects from the file's rows, in each workload's own parameter names
/// (population/subject_columns.h); parameters the file omits take the typical value (for a
/// design: the model's typical values and WT_REF). Errors: NotFound (design, model, file),
/// InvalidArgument (malformed design), InvalidData (malformed subjects file), each naming the
/// design and arm or the file, line and column. `parameter_uncertainty`: PopulationRequest's.
core::Result<std::vector<Workload>> load_workloads(const std::string& design,
                                                   const io::DataDirectories& dirs,
                                                   std::uint64_t seed,
                                                   const std::filesystem::path& subjects_file = {},
                                                   bool parameter_uncertainty = false);

struct PopulationRequest {
  std::string design;           ///< "benchmark", a bundled design name or a path
  std::size_t subjects = 1000;  ///< per arm, 1..core::limits::kMaxPopulationSubjects
  /// Subjects file (io/subjects_file.h) instead of drawn subjects; `subjects` is then unused.
  /// A design's clinical endpoints need whole virtual patients, so a design needs pk_only.
  std::filesystem::path subjects_file;
  /// The benchmark only: a user model with structure ketamine_batch (usermodel/batch_source.h)
  /// whose $PK gives each drawn subject's parameters, instead of the built-in benchmark model.
  std::filesystem::path model_file;
  unsigned threads = 1;  ///< worker threads on this process (>= 1)
  std::uint64_t seed = 1;
  std::filesystem::path out;  ///< empty: no files; else endpoints.csv (+ clinical.csv, profiles)
  std::optional<population::ProfileFormat> profiles;  ///< write time courses in this format
  double responder_s_max = 0.3;  ///< plasticity surrogate (benchmark and pk_only)
  bool pk_only = false;          ///< designs: skip the clinical endpoints
  /// Designs: each virtual patient draws its own typical values from the model's [uncertainty]
  /// (population::GeneratorOptions::typical_per_subject). Not with the benchmark or a subjects
  /// file (their parameters are given).
  bool parameter_uncertainty = false;
  io::DataDirectories dirs;
};

/// One arm's result. `summary` is present on process 0 only (see population::RunResult).
struct ArmRun {
  const Workload* workload = nullptr;  ///< into PopulationRun::workloads
  std::size_t subjects = 0;            ///< subjects simulated
  std::optional<population::EndpointSummary> summary;
  std::optional<trial::ClinicalSummary> clinical;  ///< designs without pk_only
  double seconds = 0.0;                            ///< wall time of the arm
};

struct PopulationRun {
  std::vector<Workload> workloads;
  std::vector<ArmRun> arms;  ///< one per workload, in order
};

struct PopulationHooks {
  /// Under MPI: the cluster (rank 0 writes endpoint files and gets the summaries).
  population::Cluster* cluster = nullptr;
  /// (subjects done, total) of the arm being run, on process 0.
  std::function<void(std::size_t, std::size_t)> progress;
  /// Called after each arm, before the next starts (to print as the run goes).
  std::function<void(const ArmRun&)> arm_done;
};

/// Validates the request (subjects and threads within core/limits.h: LimitExceeded; --profiles
/// without an output folder: InvalidArgument), loads the workloads and runs them one after
/// another. Files go to `out` (one arm) or `out`/armN (several).
core::Result<std::unique_ptr<PopulationRun>> run_population_job(const PopulationRequest& request,
                                                                const PopulationHooks& hooks);

}  // namespace ketapath::jobs
