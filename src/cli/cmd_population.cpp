// `ketapath population DESIGN --subjects N [--threads T] [--seed S] [--out DIR] [--profiles]`:
// a population of virtual patients through the batch engine. DESIGN is `benchmark` (the fixed
// workload of docs/performance.md) or a trial design (bundled name or path) whose arms are
// simulated one after another with the design's population and the model's variability.
// Summary on stdout; wall time and subjects/second on stderr; a progress bar on a terminal for
// runs longer than a second. Under mpirun the subjects are sharded over the ranks; rank 0 prints.

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
#include "io/design_file.h"
#include "io/model_file.h"
#include "population/batch_ketamine.h"
#include "population/batch_runner.h"
#include "population/benchmark_workload.h"
#include "population/cluster_mpi.h"
#include "population/profile_writer.h"
#include "protocol/regimen.h"

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
  std::string data_dir;
};

// One population to run: a label, the compiled schedule and where subjects come from.
struct Workload {
  std::string label;
  population::BatchSchedule schedule;
  population::SubjectSource source;
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
                         }});
    return workloads;
  }
  const auto dirs = io::DataDirectories::standard(
      o.data_dir.empty() ? std::nullopt : std::optional<std::filesystem::path>(o.data_dir),
      KETAPATH_SOURCE_DATA_DIR);
  const auto path = KETAPATH_TRY(io::resolve_data_file(o.design, "designs", dirs));
  const trial::Design design = KETAPATH_TRY(io::load_design_file(path));
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
    workloads.push_back(
        {fmt::format("{}, arm {} ({} ketamine doses, route {})", design.name, arm.name,
                     plan->protocol.doses.size(), pd::route_name(plan->route)),
         std::move(schedule), population::ketamine_subject_source(generator, plan->route, o.seed)});
  }
  return workloads;
}

void print_summary(const Workload& w, const population::EndpointSummary& s) {
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
  // Wilson score interval for the responder fraction.
  const double n = static_cast<double>(s.subjects());
  const double p = static_cast<double>(s.responders()) / n;
  const double z = 1.959963984540054;
  const double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
  const double half = z / (1 + z * z / n) * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n));
  fmt::print(
      "plasticity responders (S max >= {:g}): {} of {} = {:.2f}% (95% CI {:.2f}-{:.2f}%)\n\n",
      s.responder_threshold(), s.responders(), s.subjects(), 100 * p, 100 * (centre - half),
      100 * (centre + half));
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
      auto created = population::FileSink::create(dir, workload.schedule.protocol.output_times_h,
                                                  rank == 0, format);
      if (!created) {
        return fail(created.error());
      }
      sink = std::move(*created);
    }
    ProgressBar bar(rank == 0 && isatty(fileno(stderr)) != 0);
    const auto start = Clock::now();
    auto result = population::run_population(workload.schedule, workload.source,
                                             {.subjects = o.subjects,
                                              .threads = threads,
                                              .profiles = o.profiles,
                                              .responder_s_max = o.responder_s_max,
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
      print_summary(workload, *result->summary);
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
                 "Directory for endpoints.csv (one row per subject) and, with --profiles, the "
                 "time courses");
  app.add_flag("--profiles", o->profiles,
               "Also write every subject's time course (C, NK, CE, S at each output time)");
  app.add_option("--profile-format", o->profile_format,
                 "csv, hdf5, or auto (CSV up to 1,000 subjects, HDF5 above)")
      ->check(CLI::IsMember({"auto", "csv", "hdf5"}))
      ->default_val("auto");
  app.add_option("--responder-s-max", o->responder_s_max,
                 "Plasticity responder threshold on S max (fraction)")
      ->default_val(0.3);
  app.add_option("--data-dir", o->data_dir, "Directory holding models/ and designs/");
  return [o] {
    return run(*o);
  };
}

const Registration kRegistration{"population",
                                 "Simulate a virtual population at scale (batch engine)", setup};

}  // namespace
}  // namespace ketapath::cli
