// `ketapath population DESIGN --subjects N [--threads T] [--seed S] [--out DIR] [--profiles]`:
// a population of virtual patients through the batch engine. DESIGN is `benchmark` (the fixed
// workload of docs/performance.md) or a trial design (bundled name or path) whose arms are
// simulated one after another with the design's population and the model's variability.
// Summary on stdout: PK and plasticity endpoints, and for designs the clinical endpoints of each
// arm (responders by the design's rule with a Wilson 95% interval; reduction on every rated scale
// at every rating time, CADSS, dSBP and dHR peaks, per session), computed from the batch
// profiles by trial::BatchOutcomes with the same PD algebra and noise as `ketapath trial`
// (`--pk-only` skips them, and prints the S-max surrogate responder line as the benchmark does).
// Wall time and subjects/second on stderr; a progress bar on a terminal for runs longer than a
// second. Under mpirun the subjects are sharded over the ranks; rank 0 prints.

#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <unistd.h>

#include "cli/command.h"
#include "core/check.h"
#include "core/limits.h"
#include "io/design_file.h"
#include "io/model_file.h"
#include "population/batch_ketamine.h"
#include "population/batch_runner.h"
#include "population/benchmark_workload.h"
#include "population/cluster_mpi.h"
#include "population/profile_writer.h"
#include "protocol/regimen.h"
#include "trial/batch_outcome.h"
#include "trial/population_endpoints.h"

namespace ketapath::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string design;
  std::size_t subjects = 1000;
  unsigned threads = 0;  // 0: all cores
  std::uint64_t seed = 1;
  std::string out;
  bool profiles = false;
  std::string profile_format = "auto";
  double responder_s_max = 0.3;
  bool pk_only = false;
  std::string data_dir;
};

// The clinical side of one design arm: how records are made and reduced, and what to print.
struct Clinical {
  std::shared_ptr<const trial::Design> design;
  std::vector<protocol::Administration> sessions;
  std::shared_ptr<const population::PatientGenerator> generator;
  std::shared_ptr<const trial::BatchOutcomes> outcomes;
  std::shared_ptr<const trial::ClinicalLayout> layout;
};

// One population to run: a label, the compiled schedule and where subjects come from.
struct Workload {
  std::string label;
  population::BatchSchedule schedule;
  population::SubjectSource source;
  std::optional<Clinical> clinical;  // designs only (the benchmark workload has no assessments)
};

core::Result<std::vector<Workload>> load_workloads(const Options& o) {
  std::vector<Workload> workloads;
  if (o.design == "benchmark") {
    auto schedule = KETAPATH_TRY(population::build_schedule(population::benchmark_protocol()));
    const std::uint64_t seed = o.seed;
    workloads.push_back({"benchmark workload (12 weekly 70 mg SC, hourly to 2016 h)",
                         std::move(schedule),
                         [seed](std::size_t first, std::size_t count,
                                population::BatchSubjects& out) -> core::Status {
                           population::append_benchmark_subjects(first, count, seed, out);
                           return {};
                         },
                         std::nullopt});
    return workloads;
  }
  const auto dirs = io::DataDirectories::standard(
      o.data_dir.empty() ? std::nullopt : std::optional<std::filesystem::path>(o.data_dir),
      KETAPATH_SOURCE_DATA_DIR);
  const auto path = KETAPATH_TRY(io::resolve_data_file(o.design, "designs", dirs));
  const auto shared_design =
      std::make_shared<const trial::Design>(KETAPATH_TRY(io::load_design_file(path)));
  const trial::Design& design = *shared_design;
  const trial::Expectancy expectancy{design.expectancy_ketamine, design.expectancy_placebo,
                                     design.expectancy_midazolam};
  const pd::KetamineModel model = KETAPATH_TRY(io::load_model(design.model, dirs));
  auto generator = std::make_shared<const population::PatientGenerator>(
      KETAPATH_TRY(population::PatientGenerator::create(model, design.population)));
  std::vector<double> assessments;
  for (const auto* times :
       {&design.assessments.ratings, &design.assessments.cadss, &design.assessments.vitals}) {
    for (core::Hours t : *times) {
      assessments.push_back(t.value());
    }
  }
  for (const trial::Arm& arm : design.arms) {
    const auto sessions = KETAPATH_TRY(protocol::administrations(arm.regimen));
    auto plan = population::plan_ketamine_batch(sessions, assessments, model.typical);
    if (!plan) {
      return std::unexpected(core::with_context(
          plan.error(), fmt::format("design {}, arm {}", design.name, arm.name)));
    }
    auto schedule = KETAPATH_TRY(population::build_schedule(plan->protocol));
    Clinical clinical{shared_design, sessions, generator, nullptr, nullptr};
    clinical.outcomes =
        std::make_shared<const trial::BatchOutcomes>(KETAPATH_TRY(trial::BatchOutcomes::create(
            sessions, design.assessments, expectancy, schedule.protocol.output_times_h, o.seed)));
    clinical.layout = std::make_shared<const trial::ClinicalLayout>(
        KETAPATH_TRY(trial::ClinicalLayout::create(design, sessions)));
    workloads.push_back(
        {fmt::format("{}, arm {} ({} ketamine doses, route {})", design.name, arm.name,
                     plan->protocol.doses.size(), pd::route_name(plan->route)),
         std::move(schedule), population::ketamine_subject_source(generator, plan->route, o.seed),
         std::move(clinical)});
  }
  return workloads;
}

std::string percent_interval(std::uint64_t positives, std::uint64_t n) {
  const auto [low, high] = trial::wilson_interval(positives, n);
  return fmt::format("{:.2f}% (95% CI {:.2f}-{:.2f}%)",
                     100.0 * static_cast<double>(positives) / static_cast<double>(n), 100 * low,
                     100 * high);
}

std::string session_label(const protocol::Administration& a) {
  if (a.agent == protocol::Agent::Ketamine) {
    return fmt::format("{} {}", a.dose.describe(), protocol::route_name(a.route));
  }
  return fmt::format("{} {}", protocol::agent_name(a.agent), protocol::route_name(a.route));
}

// Clinical endpoints of one arm, one row per session and measure.
void print_clinical(const Clinical& c, const trial::ClinicalSummary& s) {
  const trial::Design& d = *c.design;
  const trial::Assessments& as = d.assessments;
  using Kind = trial::ClinicalItem::Kind;
  const auto& items = c.layout->items();
  if (d.enrichment) {
    fmt::print(
        "note: the design's enrichment run-in is not simulated; these are unselected "
        "patients\n");
  }
  if (c.layout->has_responder_rule()) {
    fmt::print("responders (design rule): {} of {} = {}\n  rule: {}\n", s.positives(0),
               s.subjects(), percent_interval(s.positives(0), s.subjects()),
               d.responder->definition);
  }
  fmt::print("{:>3} {:<18} {:<24} {:>7} {:>9} {:>8} {:>8} {:>8} {:>8} {:>8}\n", "ses", "dose",
             "measure", "time", "n", "mean", "sd", "p05", "median", "p95");
  const auto max_time = [](const std::vector<core::Hours>& times) {
    double m = 0.0;
    for (core::Hours t : times) {
      m = std::max(m, t.value());
    }
    return m;
  };
  for (std::size_t i = 0; i < items.size(); ++i) {
    const trial::ClinicalItem& item = items[i];
    if (item.kind == Kind::Responder) {
      continue;
    }
    const std::string dose = session_label(c.sessions[item.session]);
    if (item.kind == Kind::SessionResponder) {
      fmt::print("{:>3} {:<18} {:<24} {:>7} {:>9} {}\n", item.session + 1, dose,
                 "responders (rule here)", "", s.statistic(i).count(),
                 percent_interval(s.positives(i), s.statistic(i).count()));
      continue;
    }
    std::string measure;
    std::string time;
    double scale = 1.0;
    switch (item.kind) {
      case Kind::Reduction:
        measure = fmt::format("{} reduction %", pd::scale_label(as.scales[item.scale]));
        time = fmt::format("{:g} h", as.ratings[item.rating].value());
        scale = 100.0;
        break;
      case Kind::CadssPeak:
        measure = "CADSS peak (rated)";
        time = fmt::format("<={:g} h", max_time(as.cadss));
        break;
      case Kind::SbpPeak:
        measure = "dSBP peak mmHg";
        time = fmt::format("<={:g} h", max_time(as.vitals));
        break;
      case Kind::HrPeak:
        measure = "dHR peak bpm";
        time = fmt::format("<={:g} h", max_time(as.vitals));
        break;
      default:
        break;
    }
    const auto& st = s.statistic(i);
    fmt::print("{:>3} {:<18} {:<24} {:>7} {:>9} {:>8.2f} {:>8.2f} {:>8.2f} {:>8.2f} {:>8.2f}\n",
               item.session + 1, dose, measure, time, st.count(), st.mean() * scale,
               std::sqrt(st.variance()) * scale, s.quantile(i, 0.05) * scale,
               s.quantile(i, 0.5) * scale, s.quantile(i, 0.95) * scale);
  }
}

void print_summary(const Workload& w, const population::EndpointSummary& s,
                   const trial::ClinicalSummary* clinical) {
  using population::Endpoint;

  struct Row {
    Endpoint endpoint;
    const char* label;
    const char* unit;
    double scale;  // canonical unit -> printed unit
  };

  static constexpr Row kRows[] = {
      {population::kCmax, "ketamine Cmax", "ng/mL", 1000.0},
      {population::kAuc, "ketamine AUC", "ng*h/mL", 1000.0},
      {population::kCeMax, "effect-site Ce max", "ng/mL", 1000.0},
      {population::kNkMax, "norketamine Cmax", "ng/mL", 1000.0},
      {population::kSMax, "plasticity S max", "%", 100.0},
      {population::kSEnd, "plasticity S at end", "%", 100.0},
  };
  fmt::print("{}: {} subjects\n", w.label, s.subjects());
  fmt::print("{:<22} {:>8} {:>10} {:>10} {:>10} {:>10} {:>10}\n", "endpoint", "unit", "mean", "sd",
             "median", "p05", "p95");
  for (const Row& r : kRows) {
    const auto& st = s.statistic(r.endpoint);
    fmt::print("{:<22} {:>8} {:>10.4g} {:>10.4g} {:>10.4g} {:>10.4g} {:>10.4g}\n", r.label, r.unit,
               st.mean() * r.scale, std::sqrt(st.variance()) * r.scale,
               s.quantile(r.endpoint, 0.5) * r.scale, s.quantile(r.endpoint, 0.05) * r.scale,
               s.quantile(r.endpoint, 0.95) * r.scale);
  }
  if (clinical != nullptr && w.clinical) {
    print_clinical(*w.clinical, *clinical);
  } else {
    // The benchmark workload has no ratings: its responder line is the plasticity surrogate.
    fmt::print("plasticity responders (S max >= {:g}): {} of {} = {}\n", s.responder_threshold(),
               s.responders(), s.subjects(), percent_interval(s.responders(), s.subjects()));
  }
  fmt::print("\n");
}

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled), start_(Clock::now()) {}

  void update(std::size_t done, std::size_t total) {
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    if (!enabled_ || elapsed < 1.0) {
      return;
    }
    constexpr int kWidth = 30;
    const double fraction = static_cast<double>(done) / static_cast<double>(total);
    const int filled = static_cast<int>(fraction * kWidth);
    std::fprintf(stderr, "\r[%s%s] %3.0f%% %zu/%zu subjects, %.0f/s",
                 std::string(filled, '#').c_str(), std::string(kWidth - filled, ' ').c_str(),
                 100 * fraction, done, total, static_cast<double>(done) / elapsed);
    shown_ = true;
  }

  ~ProgressBar() {
    if (shown_) {
      std::fprintf(stderr, "\r%80s\r", "");
    }
  }

 private:
  bool enabled_;
  Clock::time_point start_;
  bool shown_ = false;
};

int run(const Options& o) {
  if (o.subjects == 0) {
    return report_error(
        {core::ErrorCode::InvalidArgument, "population: --subjects must be >= 1 (got 0)"});
  }
  for (auto ok :
       {core::check_count(
            "population: --subjects",
            static_cast<long long>(std::min<std::size_t>(o.subjects, std::size_t{1} << 62)), "", 1,
            core::limits::kMaxPopulationSubjects, core::ErrorCode::LimitExceeded),
        core::check_count("population: --threads", o.threads, "", 0, core::limits::kMaxThreads,
                          core::ErrorCode::LimitExceeded)}) {
    if (!ok) {
      return report_error(ok.error());
    }
  }
  std::optional<population::ProfileFormat> format;
  if (o.profiles) {
    if (o.out.empty()) {
      return report_error(
          {core::ErrorCode::InvalidArgument, "population: --profiles needs --out DIR"});
    }
    format = o.profile_format == "csv" || (o.profile_format == "auto" && o.subjects <= 1000)
                 ? population::ProfileFormat::Csv
                 : population::ProfileFormat::Hdf5;
  }
  auto cluster = population::launch_mpi_cluster_if_requested();
  if (!cluster) {
    return report_error(cluster.error());
  }
  // Under mpirun a failing rank ends the whole job, or the others would wait for it forever.
  auto fail = [&cluster](const core::Error& error) {
    const int code = report_error(error);
    if (*cluster && (*cluster)->size() > 1) {
      population::abort_mpi_job(code);
    }
    return code;
  };
  const int rank = *cluster ? (*cluster)->rank() : 0;
  const int processes = *cluster ? (*cluster)->size() : 1;
  auto workloads = load_workloads(o);
  if (!workloads) {
    return fail(workloads.error());
  }
  const unsigned threads =
      o.threads > 0 ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  for (std::size_t w = 0; w < workloads->size(); ++w) {
    const Workload& workload = (*workloads)[w];
    std::unique_ptr<population::FileSink> sink;
    if (!o.out.empty()) {
      const std::filesystem::path dir =
          workloads->size() == 1 ? std::filesystem::path(o.out)
                                 : std::filesystem::path(o.out) / fmt::format("arm{}", w + 1);
      std::optional<population::DerivedFile> derived_file;
      if (workload.clinical && !o.pk_only) {
        derived_file =
            population::DerivedFile{"clinical.csv", workload.clinical->layout->column_names()};
      }
      auto created = population::FileSink::create(dir, workload.schedule.protocol.output_times_h,
                                                  rank == 0, format, std::move(derived_file));
      if (!created) {
        return fail(created.error());
      }
      sink = std::move(*created);
    }
    ProgressBar bar(rank == 0 && isatty(fileno(stderr)) != 0);
    std::optional<trial::ClinicalSummary> clinical;
    population::DerivedValues derived;
    if (workload.clinical && !o.pk_only) {
      const Clinical& c = *workload.clinical;
      clinical.emplace(*c.layout);
      derived = trial::clinical_values(c.generator, c.outcomes, c.layout, o.seed, &*clinical);
    }
    const auto start = Clock::now();
    auto result = population::run_population(workload.schedule, workload.source,
                                             {.subjects = o.subjects,
                                              .threads = threads,
                                              .profiles = o.profiles,
                                              .responder_s_max = o.responder_s_max,
                                              .derived = std::move(derived),
                                              .progress =
                                                  [&bar](std::size_t done, std::size_t total) {
                                                    bar.update(done, total);
                                                  }},
                                             sink.get(), cluster->get());
    if (!result) {
      return fail(result.error());
    }
    if (sink) {
      if (auto closed = sink->close(); !closed) {
        return fail(closed.error());
      }
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (rank == 0) {
      print_summary(workload, *result->summary, clinical ? &*clinical : nullptr);
      std::fflush(stdout);
      std::fprintf(stderr,
                   "population: %zu subjects in %.3f s wall, %.0f subjects/s (%u threads x %d "
                   "processes)\n",
                   o.subjects, seconds, static_cast<double>(o.subjects) / seconds, threads,
                   processes);
    }
  }
  return kExitOk;
}

Runner setup(CLI::App& app) {
  auto o = std::make_shared<Options>();
  app.add_option("design", o->design,
                 "Trial design (bundled name such as glue2017, or a path), or `benchmark`")
      ->required();
  app.add_option("--subjects", o->subjects, "Number of virtual patients (per arm)")
      ->default_val(1000);
  app.add_option("--threads", o->threads, "Worker threads per process (default: all cores)");
  app.add_option("--seed", o->seed, "Random seed")->default_val(1);
  app.add_option("--out", o->out,
                 "Directory for endpoints.csv (one row per subject), for designs clinical.csv "
                 "(each subject's clinical endpoints) and, with --profiles, the time courses");
  app.add_flag("--profiles", o->profiles,
               "Also write every subject's time course (C, NK, CE, S at each output time)");
  app.add_option("--profile-format", o->profile_format,
                 "csv, hdf5, or auto (CSV up to 1,000 subjects, HDF5 above)")
      ->check(CLI::IsMember({"auto", "csv", "hdf5"}))
      ->default_val("auto");
  app.add_option("--responder-s-max", o->responder_s_max,
                 "Plasticity responder threshold on S max (fraction; benchmark workload and "
                 "--pk-only; designs count responders by their own rule)")
      ->default_val(0.3);
  app.add_flag("--pk-only", o->pk_only,
               "Designs: PK and plasticity endpoints only, without the clinical endpoints "
               "(faster; responders are then the S max surrogate)");
  app.add_option("--data-dir", o->data_dir, "Directory holding models/ and designs/");
  return [o] {
    return run(*o);
  };
}

const Registration kRegistration{"population",
                                 "Simulate a virtual population at scale (batch engine)", setup};

}  // namespace
}  // namespace ketapath::cli
