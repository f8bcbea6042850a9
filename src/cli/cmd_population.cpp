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

#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "cli/command.h"
#include "cli/progress_bar.h"
#include "core/check.h"
#include "core/limits.h"
#include "jobs/population_job.h"
#include "population/cluster_mpi.h"

namespace ketapath::cli {
namespace {

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
  bool parameter_uncertainty = false;
  std::string data_dir;
  std::string subjects_file;
  std::string model_file;
};

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
void print_clinical(const jobs::ArmClinical& c, const trial::ClinicalSummary& s) {
  const trial::Design& d = *c.design;
  const trial::Assessments& as = d.assessments;
  using Kind = trial::ClinicalItem::Kind;
  const auto& items = c.layout->items();
  if (d.enrichment) {
    fmt::print("enrolled through the run-in: {}\n", d.enrichment->definition);
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
  // Session by session (items appended later, such as the dDBP peak, join their session's rows).
  std::vector<std::size_t> order(items.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::ranges::stable_sort(order, {}, [&](std::size_t i) { return items[i].session; });
  for (const std::size_t i : order) {
    const trial::ClinicalItem& item = items[i];
    if (item.kind == Kind::Responder || item.kind == Kind::Acute || item.kind == Kind::Sustained ||
        item.kind == Kind::Score || item.kind == Kind::PointChange) {
      continue;  // the mechanisms, scores and point changes are in clinical.csv (--out) only
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
        measure = fmt::format("{} reduction %", trial::rated_scale(as, item.scale).label);
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
      case Kind::DbpPeak:
        measure = "dDBP peak mmHg";
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

void print_summary(const jobs::Workload& w, const population::EndpointSummary& s,
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

// The command's own checks, naming its options (the service checks its request again).
core::Status check_options(const Options& o) {
  KETAPATH_TRY(core::check_limited_count(
      "population: --subjects",
      static_cast<long long>(std::min<std::size_t>(o.subjects, std::size_t{1} << 62)), "", 1,
      core::limits::kMaxPopulationSubjects));
  KETAPATH_TRY(core::check_count("population: --threads", o.threads, "", 0,
                                 core::limits::kMaxThreads, core::ErrorCode::LimitExceeded));
  if (o.profiles && o.out.empty()) {
    return core::fail(core::ErrorCode::InvalidArgument, "population: --profiles needs --out DIR");
  }
  return {};
}

jobs::PopulationRequest request_of(const Options& o) {
  std::optional<population::ProfileFormat> format;
  if (o.profiles) {
    format = o.profile_format == "csv" || (o.profile_format == "auto" && o.subjects <= 1000)
                 ? population::ProfileFormat::Csv
                 : population::ProfileFormat::Hdf5;
  }
  return {.design = o.design,
          .subjects = o.subjects,
          .subjects_file = o.subjects_file,
          .model_file = o.model_file,
          .threads = o.threads > 0 ? o.threads : std::max(1u, std::thread::hardware_concurrency()),
          .seed = o.seed,
          .out = o.out,
          .profiles = format,
          .responder_s_max = o.responder_s_max,
          .pk_only = o.pk_only,
          .parameter_uncertainty = o.parameter_uncertainty,
          .dirs = io::DataDirectories::standard(
              o.data_dir.empty() ? std::nullopt : std::optional<std::filesystem::path>(o.data_dir),
              KETAPATH_SOURCE_DATA_DIR)};
}

int run(const Options& o) {
  if (auto ok = check_options(o); !ok) {
    return report_error(ok.error());
  }
  auto cluster = population::launch_mpi_cluster_if_requested();
  if (!cluster) {
    return report_error(cluster.error());
  }
  const int rank = *cluster ? (*cluster)->rank() : 0;
  const int processes = *cluster ? (*cluster)->size() : 1;
  const jobs::PopulationRequest request = request_of(o);
  auto bar = std::make_unique<ProgressBar>(rank == 0 && ProgressBar::wanted(true), "subjects");
  const auto done = [&](const jobs::ArmRun& arm) {
    bar = std::make_unique<ProgressBar>(rank == 0 && ProgressBar::wanted(true), "subjects");
    if (rank != 0) {
      return;
    }
    if (request.parameter_uncertainty) {
      fmt::print(
          "parameter uncertainty: each virtual patient draws its own typical values from the "
          "model's [uncertainty]\n");
    }
    print_summary(*arm.workload, *arm.summary, arm.clinical ? &*arm.clinical : nullptr);
    std::fflush(stdout);
    std::fprintf(stderr,
                 "population: %zu subjects in %.3f s wall, %.0f subjects/s (%u threads x %d "
                 "processes)\n",
                 arm.subjects, arm.seconds, static_cast<double>(arm.subjects) / arm.seconds,
                 request.threads, processes);
  };
  const auto result = jobs::run_population_job(
      request, {.cluster = cluster->get(),
                .progress = [&bar](std::size_t n, std::size_t total) { bar->update(n, total); },
                .arm_done = done});
  if (!result) {
    // Under mpirun a failing rank ends the whole job, or the others would wait for it forever.
    const int code = report_error(result.error());
    if (*cluster && (*cluster)->size() > 1) {
      population::abort_mpi_job(code);
    }
    return code;
  }
  return kExitOk;
}

Runner setup(CLI::App& app) {
  auto o = std::make_shared<Options>();
  app.add_option("design", o->design,
                 "Trial design (bundled name such as glue2017, or a path), or `benchmark`")
      ->required();
  auto* subjects = app.add_option("--subjects", o->subjects, "Number of virtual patients (per arm)")
                       ->default_val(1000);
  app.add_option("--subjects-file", o->subjects_file,
                 "CSV of your own subjects, one row each: ID and individual parameters in the "
                 "model's names (KA,CL,V1,... for benchmark; CL,V1,KA_SC,S_EC50,WT,... for a "
                 "design, which then needs --pk-only); omitted parameters take typical values")
      ->excludes(subjects);
  app.add_option("--model-file", o->model_file,
                 "benchmark only: a user model with structure = \"ketamine_batch\" whose $PK "
                 "gives each drawn subject's parameters (docs/user-models.md), instead of the "
                 "built-in benchmark model")
      ->check(CLI::ExistingFile);
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
  app.add_flag("--parameter-uncertainty", o->parameter_uncertainty,
               "Designs: each virtual patient draws its own typical values from the model's "
               "[uncertainty] (a predictive population with the typical values uncertain)");
  app.add_option("--data-dir", o->data_dir, "Directory holding models/ and designs/");
  return [o] {
    return run(*o);
  };
}

const Registration kRegistration{"population",
                                 "Simulate a virtual population at scale (batch engine)", setup};

}  // namespace
}  // namespace ketapath::cli
