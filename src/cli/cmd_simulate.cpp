// `ketapath simulate`: an NM-TRAN data set through one PK model, written as CSV
// `ID,TIME,CP,A1..An[,CE]` with fixed parameters (conventions.md, docs/nmtran.md), or, with any of
// --omega, --sigma, --nsub, --seed, with variability as `[REP,]ID,TIME,DV,IPRED,PRED,ETA1..n`
// (docs/estimation.md).
//
// Example:
//   ketapath simulate --model one_cmt --param CL=2 --param V=10 --data doses.csv --grid 0:24:0.5
//   ketapath simulate --model two_cmt --param CL=5,V1=50,Q=10,V2=100 --omega CL=0.09,V1=0.04
//     --sigma prop=0.01,add=0.0001 --nsub 100 --seed 7 --data doses.csv

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/command.h"
#include "cli/output_file.h"
#include "cli/population_options.h"
#include "core/check.h"
#include "core/limits.h"
#include "jobs/nlme_job.h"
#include "jobs/population_model.h"
#include "jobs/simulate_job.h"
#include "pk/model.h"
#include "pk/simulate.h"

namespace ketapath::cli {
namespace {

struct Options {
  PopulationOptions population;  // --model, --param, --omega, --sigma
  std::string data;
  std::string out;
  std::string grid;
  std::size_t nsub = 1;
  std::uint64_t seed = 1;
  unsigned threads = 1;
  CLI::Option* nsub_option = nullptr;
  CLI::Option* seed_option = nullptr;

  /// Any variability option or a model file asks for the NONMEM-style output (DV, IPRED, PRED,
  /// ETAs); without --model or --param, the population path says which option is missing.
  [[nodiscard]] bool variability() const {
    return population.model.empty() || population.params.empty() ||
           !population.model_file.empty() || !population.omega.empty() ||
           !population.sigma.empty() || nsub_option->count() > 0 || seed_option->count() > 0;
  }
};

/// START:END:STEP in hours: START, START+STEP, ... up to END (inclusive within rounding).
core::Result<std::vector<core::Hours>> parse_grid(const std::string& text) {
  const std::size_t a = text.find(':');
  const std::size_t b = a == std::string::npos ? a : text.find(':', a + 1);
  if (b == std::string::npos || text.find(':', b + 1) != std::string::npos) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "--grid: \"{}\" must be START:END:STEP in hours, e.g. 0:24:0.5", text);
  }
  const double start = KETAPATH_TRY(parse_number(text.substr(0, a), "--grid START"));
  const double end = KETAPATH_TRY(parse_number(text.substr(a + 1, b - a - 1), "--grid END"));
  const double step = KETAPATH_TRY(parse_number(text.substr(b + 1), "--grid STEP"));
  KETAPATH_TRY(core::check_range("--grid: STEP", step, "h", core::positive(),
                                 core::ErrorCode::InvalidArgument));
  if (end < start) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "--grid: END must not be before START (got {} to {} h)", start, end);
  }
  // Points START + i*STEP (computed, not accumulated, so 0:24:0.1 ends exactly on 24 when it
  // lands there within a relative 1e-9 of a step).
  const double count = std::floor((end - start) / step + 1e-9) + 1.0;
  KETAPATH_TRY(core::check_range("--grid: output points per subject", count, "",
                                 {.high = static_cast<double>(core::limits::kMaxOutputPoints)},
                                 core::ErrorCode::LimitExceeded));
  std::vector<core::Hours> times;
  times.reserve(static_cast<std::size_t>(count));
  for (std::size_t i = 0; i < static_cast<std::size_t>(count); ++i) {
    times.emplace_back(start + static_cast<double>(i) * step);
  }
  return times;
}

std::string header_line(const pk::ModelSpec& model, bool effect_site) {
  return fmt::format("{}\n", fmt::join(jobs::simulate_columns(model, effect_site), ","));
}

/// Fixed parameters: ID,TIME,CP,A1..An[,CE] (unchanged by the variability options).
core::Status simulate_fixed(const Options& options) {
  const pk::ModelSpec* model = KETAPATH_TRY(jobs::find_catalogue_model(options.population.model));
  jobs::SimulateRequest request{
      .model = model,
      .parameters = KETAPATH_TRY(parse_parameters(options.population.params)),
      .extra_times = {},
      .data = options.data,
      .data_text = std::nullopt};
  if (!options.grid.empty()) {
    request.extra_times = KETAPATH_TRY(parse_grid(options.grid));
  }
  const jobs::SimulateRun run = KETAPATH_TRY(jobs::simulate_dataset(request));
  // Everything is simulated before anything is written, so an error leaves no partial output.
  std::string text = header_line(*model, run.effect_site);
  for (const jobs::SubjectRows& subject : run.subjects) {
    for (const pk::OutputRow& row : subject.rows) {
      fmt::format_to(std::back_inserter(text), "{},{},{}", subject.id, row.time.value(), row.cp);
      for (const double amount : row.amounts) {
        fmt::format_to(std::back_inserter(text), ",{}", amount);
      }
      if (run.effect_site) {
        fmt::format_to(std::back_inserter(text), ",{}", row.ce.value_or(std::nan("")));
      }
      text += '\n';
    }
  }
  return write_output(options.out, text);
}

/// [REP,]ID,TIME,DV,IPRED,PRED,ETA1..n: one row per output row, replicate by replicate.
std::string variability_csv(const jobs::NlmeSimulateRun& run, std::size_t etas, bool with_rep) {
  std::string text = with_rep ? "REP,ID,TIME,DV,IPRED,PRED" : "ID,TIME,DV,IPRED,PRED";
  for (std::size_t k = 0; k < etas; ++k) {
    fmt::format_to(std::back_inserter(text), ",ETA{}", k + 1);
  }
  text += '\n';
  for (const nlme::SimulatedSubject& s : run.subjects) {
    std::string etas_text;
    for (const double e : s.eta) {
      fmt::format_to(std::back_inserter(etas_text), ",{}", e);
    }
    for (const nlme::SimulatedRow& row : s.rows) {
      if (with_rep) {
        fmt::format_to(std::back_inserter(text), "{},", s.replicate + 1);
      }
      fmt::format_to(std::back_inserter(text), "{},{},{},{},{}{}\n", run.ids[s.subject],
                     row.time.value(), row.dv, row.ipred, row.pred, etas_text);
    }
  }
  return text;
}

core::Status simulate_variability(const Options& options) {
  KETAPATH_TRY(core::check_limited_count("--nsub", static_cast<long long>(options.nsub), "", 1,
                                         core::limits::kMaxReplicates));
  KETAPATH_TRY(
      core::check_limited_count("--threads", options.threads, "", 1, core::limits::kMaxThreads));
  const auto model = KETAPATH_TRY(population_model(options.population));
  jobs::NlmeSimulateRequest request{.data = options.data,
                                    .data_text = std::nullopt,
                                    .extra_times = {},
                                    .replicates = options.nsub,
                                    .seed = options.seed,
                                    .threads = options.threads};
  if (!options.grid.empty()) {
    request.extra_times = KETAPATH_TRY(parse_grid(options.grid));
  }
  const jobs::NlmeSimulateRun run = KETAPATH_TRY(jobs::simulate_population(*model, request));
  return write_output(options.out, variability_csv(run, model->etas().size(), options.nsub > 1));
}

Runner setup(CLI::App& app) {
  auto options = std::make_shared<Options>();
  app.description(
      "Simulate an NM-TRAN data set with one PK model and fixed parameters. Writes CSV "
      "ID,TIME,CP,A1..An (and CE when KE0 is given): one row per EVID=0 record in input order, "
      "plus --grid times merged in per ID. CP = central amount / central volume in the data's "
      "units. With --omega, --sigma, --nsub or --seed: CSV [REP,]ID,TIME,DV,IPRED,PRED,ETA1..n "
      "instead (REP when --nsub > 1; ETAs in --omega order; docs/estimation.md), always with "
      "--model-file (a user model, docs/user-models.md). See `ketapath models` for models and "
      "parameters, docs/nmtran.md for the data rules.");
  add_model_options(app, options->population);
  app.add_option("--data", options->data, "NM-TRAN CSV data set")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--out", options->out, "Output CSV file (default: standard output)");
  app.add_option("--grid", options->grid,
                 "Extra output times START:END:STEP in the data's time unit, e.g. 0:24:0.5");
  add_variability_options(app, options->population);
  options->nsub_option =
      app.add_option("--nsub", options->nsub,
                     "Replicates of the data set with variability (adds a REP column when > 1)");
  options->seed_option =
      app.add_option("--seed", options->seed, "Seed of the ETA and EPS draws (default 1)");
  app.add_option("--threads", options->threads,
                 "Threads for --nsub runs (default 1; the output is the same for any number)");
  return [options] {
    const core::Status status =
        options->variability() ? simulate_variability(*options) : simulate_fixed(*options);
    return status ? kExitOk : report_error(status.error());
  };
}

const Registration kRegistration{"simulate", "Simulate an NM-TRAN data set with a PK model", setup};

}  // namespace
}  // namespace ketapath::cli
