#include "jobs/population_job.h"

#include <chrono>
#include <utility>

#include <fmt/format.h>

#include "core/check.h"
#include "core/limits.h"
#include "core/text_file.h"
#include "io/design_file.h"
#include "io/subjects_file.h"
#include "population/benchmark_workload.h"
#include "population/subject_columns.h"
#include "trial/run_in.h"
#include "usermodel/batch_source.h"
#include "usermodel/model_file.h"

namespace ketapath::jobs {
namespace {

using Clock = std::chrono::steady_clock;

Workload benchmark_workload(population::BatchSchedule schedule, std::uint64_t seed) {
  return {
      "benchmark workload (12 weekly 70 mg SC, hourly to 2016 h)", std::move(schedule),
      [seed](std::size_t first, std::size_t count, population::BatchSubjects& out) -> core::Status {
        population::append_benchmark_subjects(first, count, seed, out);
        return {};
      },
      std::nullopt, nullptr};
}

// Subjects [first, first + count) taken from the rows of a subjects file.
population::SubjectSource table_source(std::shared_ptr<const io::SubjectsTable> table) {
  return [table = std::move(table)](std::size_t first, std::size_t count,
                                    population::BatchSubjects& out) -> core::Status {
    out.reserve(count);
    for (std::size_t i = first; i < first + count; ++i) {
      out.push_back(table->subjects.at(i));
    }
    return {};
  };
}

// The subjects file read once (its text), parsed per workload in that workload's names.
struct SubjectsText {
  std::string text;
  std::string source;
};

core::Status use_subjects_file(Workload& workload, const SubjectsText& file,
                               std::span<const population::SubjectColumn> columns,
                               const population::BatchSubject& typical) {
  auto table = std::make_shared<const io::SubjectsTable>(
      KETAPATH_TRY(io::parse_subjects_csv(file.text, file.source, columns, typical)));
  workload.ids = std::make_shared<const std::vector<std::int64_t>>(table->ids);
  workload.label += fmt::format(", subjects from {} ({} rows)", file.source, table->ids.size());
  workload.source = table_source(std::move(table));
  return {};
}

// The benchmark's subjects from a user model's $PK on the batch structure.
core::Status use_model_file(Workload& workload, const std::filesystem::path& path,
                            std::uint64_t seed) {
  usermodel::Definition definition = KETAPATH_TRY(usermodel::read_model_file(path));
  std::shared_ptr<const usermodel::UserModel> model =
      KETAPATH_TRY(usermodel::UserModel::create(std::move(definition)));
  workload.source = KETAPATH_TRY(usermodel::batch_source(model, seed));
  workload.label +=
      fmt::format(", subjects from the user model {} ({})", model->name(), path.string());
  return {};
}

std::vector<double> assessment_times(const trial::Design& design) {
  std::vector<double> assessments;
  for (const auto* times :
       {&design.assessments.ratings, &design.assessments.cadss, &design.assessments.vitals}) {
    for (core::Hours t : *times) {
      assessments.push_back(t.value());
    }
  }
  return assessments;
}

// One arm of a design: the batch plan of its sessions and the clinical reduction of its records.
core::Result<Workload> arm_workload(
    const std::shared_ptr<const trial::Design>& shared_design, const trial::Arm& arm,
    const pd::KetamineModel& model,
    const std::shared_ptr<const population::PatientGenerator>& generator, std::uint64_t seed,
    std::uint64_t replicate, const SubjectsText* subjects_file) {
  const trial::Design& design = *shared_design;
  const trial::Expectancy expectancy{design.expectancy_ketamine, design.expectancy_placebo,
                                     design.expectancy_midazolam};
  const auto sessions = KETAPATH_TRY(protocol::administrations(arm.regimen));
  auto plan = population::plan_ketamine_batch(sessions, assessment_times(design), model.typical);
  if (!plan) {
    return std::unexpected(
        core::with_context(plan.error(), fmt::format("design {}, arm {}", design.name, arm.name)));
  }
  auto schedule = KETAPATH_TRY(population::build_schedule(plan->protocol));
  // A design with an enrichment run-in enrols, as `trial` does, only the candidates its run-in
  // keeps (trial/run_in.h), and their trial sessions take noise slots apart from the run-in's.
  std::optional<population::PatientSelection> selection;
  std::uint64_t slot_base = 0;
  if (design.enrichment) {
    auto created = trial::RunIn::create(design, expectancy);
    if (!created) {
      return std::unexpected(core::with_context(
          created.error(), fmt::format("design {}, arm {}", design.name, arm.name)));
    }
    auto run_in = std::make_shared<const trial::RunIn>(std::move(*created));
    // The run-in points into the design: the closure keeps the design alive with it.
    selection = population::PatientSelection{
        [run_in, shared_design, seed](const population::VirtualPatient& candidate) {
          return run_in->accepts(candidate, seed);
        },
        static_cast<std::uint64_t>(run_in->max_candidates_per_subject()),
        fmt::format("the run-in of design {} (arm {})", design.name, arm.name)};
    slot_base = trial::kTrialSlots;
  }
  auto draws = std::make_shared<const population::PatientDraws>(generator, plan->route, seed,
                                                                replicate, std::move(selection));
  ArmClinical clinical{shared_design, sessions, generator, draws, nullptr, nullptr};
  clinical.outcomes = std::make_shared<const trial::BatchOutcomes>(KETAPATH_TRY(
      trial::BatchOutcomes::create(sessions, design.assessments, expectancy,
                                   schedule.protocol.output_times_h, seed, slot_base)));
  clinical.layout = std::make_shared<const trial::ClinicalLayout>(
      KETAPATH_TRY(trial::ClinicalLayout::create(design, sessions)));
  Workload workload{fmt::format("{}, arm {} ({} ketamine doses, route {})", design.name, arm.name,
                                plan->protocol.doses.size(), pd::route_name(plan->route)),
                    std::move(schedule), population::ketamine_subject_source(draws),
                    std::move(clinical), nullptr};
  if (subjects_file != nullptr) {
    const auto typical = population::ketamine_batch_subject(model.typical, plan->route,
                                                            model.typical.reference_weight);
    const auto status = use_subjects_file(
        workload, *subjects_file, population::ketamine_subject_columns(plan->route), typical);
    if (!status) {
      return std::unexpected(core::with_context(
          status.error(), fmt::format("design {}, arm {}", design.name, arm.name)));
    }
  }
  return workload;
}

core::Status check_request(const PopulationRequest& r) {
  KETAPATH_TRY(core::check_count(
      "population: subjects",
      static_cast<long long>(std::min<std::size_t>(r.subjects, std::size_t{1} << 62)), "", 1,
      core::limits::kMaxPopulationSubjects, core::ErrorCode::LimitExceeded));
  KETAPATH_TRY(core::check_count("population: threads", r.threads, "", 1, core::limits::kMaxThreads,
                                 core::ErrorCode::LimitExceeded));
  if (r.profiles && r.out.empty()) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "population: profiles need an output folder");
  }
  if (!r.subjects_file.empty() && r.design != "benchmark" && !r.pk_only) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "population: a subjects file gives PK and plasticity parameters only, and a "
                      "design's clinical endpoints need whole virtual patients (covariates, "
                      "responder class, baseline scores): add --pk-only");
  }
  if (!r.model_file.empty() && (r.design != "benchmark" || !r.subjects_file.empty())) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "population: a model file (structure ketamine_batch) runs the benchmark "
                      "workload's protocol and draws its own subjects: use it with the design "
                      "benchmark and without a subjects file");
  }
  if (r.parameter_uncertainty && (r.design == "benchmark" || !r.subjects_file.empty())) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "population: --parameter-uncertainty draws a design model's typical values; "
                      "the benchmark workload and a subjects file give the parameters themselves");
  }
  return {};
}

// The sink of workload `index` of `count`: none without an output folder.
core::Result<std::unique_ptr<population::FileSink>> open_sink(const PopulationRequest& r,
                                                              const Workload& workload,
                                                              std::size_t index, std::size_t count,
                                                              bool write_endpoints) {
  if (r.out.empty()) {
    return nullptr;
  }
  const std::filesystem::path dir = count == 1 ? r.out : r.out / fmt::format("arm{}", index + 1);
  std::optional<population::DerivedFile> derived_file;
  if (workload.clinical && !r.pk_only) {
    derived_file =
        population::DerivedFile{"clinical.csv", workload.clinical->layout->column_names()};
  }
  return population::FileSink::create(dir, workload.schedule.protocol.output_times_h,
                                      write_endpoints, r.profiles, std::move(derived_file),
                                      workload.ids);
}

core::Status run_arm(const PopulationRequest& r, const PopulationHooks& hooks,
                     const Workload& workload, std::size_t index, std::size_t count, ArmRun& arm) {
  const int rank = hooks.cluster != nullptr ? hooks.cluster->rank() : 0;
  auto sink = KETAPATH_TRY(open_sink(r, workload, index, count, rank == 0));
  arm.workload = &workload;
  population::DerivedValues derived;
  if (workload.clinical && !r.pk_only) {
    const ArmClinical& c = *workload.clinical;
    arm.clinical.emplace(*c.layout);
    derived = trial::clinical_values(c.draws, c.outcomes, c.layout, &*arm.clinical);
  }
  arm.subjects = workload.ids ? workload.ids->size() : r.subjects;
  const auto start = Clock::now();
  auto result = KETAPATH_TRY(population::run_population(workload.schedule, workload.source,
                                                        {.subjects = arm.subjects,
                                                         .threads = r.threads,
                                                         .profiles = r.profiles.has_value(),
                                                         .responder_s_max = r.responder_s_max,
                                                         .derived = std::move(derived),
                                                         .progress = hooks.progress},
                                                        sink.get(), hooks.cluster));
  if (sink) {
    KETAPATH_TRY(sink->close());
  }
  arm.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  arm.summary = std::move(result.summary);
  return {};
}

}  // namespace

core::Result<std::vector<Workload>> load_workloads(const std::string& design_name,
                                                   const io::DataDirectories& dirs,
                                                   std::uint64_t seed,
                                                   const std::filesystem::path& subjects_file,
                                                   bool parameter_uncertainty) {
  std::optional<SubjectsText> file;
  if (!subjects_file.empty()) {
    file = SubjectsText{KETAPATH_TRY(core::read_text_file(
                            subjects_file, core::limits::kMaxSubjectsFileBytes, "a subjects file")),
                        subjects_file.string()};
  }
  std::vector<Workload> workloads;
  if (design_name == "benchmark") {
    workloads.push_back(benchmark_workload(
        KETAPATH_TRY(population::build_schedule(population::benchmark_protocol())), seed));
    if (file) {
      KETAPATH_TRY(use_subjects_file(workloads.back(), *file,
                                     population::benchmark_subject_columns(),
                                     population::benchmark_typical_subject()));
    }
    return workloads;
  }
  const auto path = KETAPATH_TRY(io::resolve_data_file(design_name, "designs", dirs));
  io::DesignAndModel loaded = KETAPATH_TRY(io::load_design_with_model(path, std::nullopt, dirs));
  const auto design = std::make_shared<const trial::Design>(std::move(loaded.design));
  const pd::KetamineModel model = std::move(loaded.model);
  KETAPATH_TRY(trial::check_model_scales(design->assessments, model));
  auto generator = std::make_shared<const population::PatientGenerator>(
      KETAPATH_TRY(population::PatientGenerator::create(
          model, design->population, {.typical_per_subject = parameter_uncertainty})));
  // Parallel arms draw their patients from replicate a (arm a), paired ones all from replicate 0:
  // subject i of arm a is the i-th subject of that replicate of `ketapath trial` for the arm alone.
  for (std::size_t a = 0; a < design->arms.size(); ++a) {
    const std::uint64_t replicate = design->allocation == trial::Allocation::Parallel ? a : 0;
    workloads.push_back(KETAPATH_TRY(arm_workload(design, design->arms[a], model, generator, seed,
                                                  replicate, file ? &*file : nullptr)));
  }
  return workloads;
}

core::Result<std::unique_ptr<PopulationRun>> run_population_job(const PopulationRequest& request,
                                                                const PopulationHooks& hooks) {
  KETAPATH_TRY(check_request(request));
  auto run = std::make_unique<PopulationRun>();
  run->workloads =
      KETAPATH_TRY(load_workloads(request.design, request.dirs, request.seed, request.subjects_file,
                                  request.parameter_uncertainty));
  if (!request.model_file.empty()) {
    KETAPATH_TRY(use_model_file(run->workloads.front(), request.model_file, request.seed));
  }
  // ArmRun holds a ClinicalSummary folded in place during the run: reserve so it never moves.
  run->arms.reserve(run->workloads.size());
  for (std::size_t w = 0; w < run->workloads.size(); ++w) {
    ArmRun& arm = run->arms.emplace_back();
    KETAPATH_TRY(run_arm(request, hooks, run->workloads[w], w, run->workloads.size(), arm));
    if (hooks.arm_done) {
      hooks.arm_done(arm);
    }
  }
  return run;
}

}  // namespace ketapath::jobs
