// `ketapath fit`: individual parameters of every subject of an NM-TRAN data set with DV, by MAP
// with the model's OMEGA as the prior (default) or least squares; a per-parameter summary on
// standard output, per-subject estimates with standard errors (--out), per-observation
// predictions (--predictions), and goodness-of-fit and VPC charts (--plots DIR, --vpc N).
// Methods and output columns: docs/estimation.md.
//
// Example:
//   ketapath fit --model two_cmt --param CL=5,V1=50,Q=10,V2=100 --omega CL=0.09,V1=0.04
//     --sigma prop=0.01,add=0.0001 --data obs.csv --out fit.csv --plots plots --vpc 200

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "cli/command.h"
#include "cli/output_file.h"
#include "cli/population_options.h"
#include "core/check.h"
#include "core/limits.h"
#include "jobs/nlme_job.h"

namespace ketapath::cli {
namespace {

struct Options {
  PopulationOptions population;
  std::string data;
  std::string method = "map";
  std::string out;
  std::string predictions;
  std::string plots;
  std::size_t vpc = 0;
  std::uint64_t seed = 1;
  unsigned threads = 1;
};

/// Reported names in the summary: the model's parameters when it names one per ETA with a typical
/// value shared by every subject, else the ETAs (a user model's parameters depend on each
/// subject's covariates; subjects.csv has them).
std::vector<std::string> reported_names(const nlme::PopulationModel& model) {
  const auto names = model.parameter_names();
  const std::vector<double> zeros(model.etas().size(), 0.0);
  if (names.size() == model.etas().size() && !model.individual_parameters(zeros).empty()) {
    return {names.begin(), names.end()};
  }
  return {model.etas().begin(), model.etas().end()};
}

/// ID,OBJ,ETA1..n,SE_ETA1..n,<P>..,RSE_<P>..,STARTS_AGREEING,ON_BOUND,HESSIAN_ADJUSTED
std::string subjects_csv(const nlme::PopulationModel& model, const jobs::NlmeFitRun& run) {
  const std::size_t n = model.etas().size();
  const auto names = model.parameter_names();
  std::string text = "ID,OBJ";
  for (const char* prefix : {"ETA", "SE_ETA"}) {
    for (std::size_t k = 0; k < n; ++k) {
      fmt::format_to(std::back_inserter(text), ",{}{}", prefix, k + 1);
    }
  }
  for (const char* prefix : {"", "RSE_"}) {
    for (const std::string& name : names) {
      fmt::format_to(std::back_inserter(text), ",{}{}", prefix, name);
    }
  }
  text += ",STARTS_AGREEING,ON_BOUND,HESSIAN_ADJUSTED\n";
  for (const nlme::SubjectFit& s : run.fit.subjects) {
    fmt::format_to(std::back_inserter(text), "{},{}", run.ids[s.subject], s.objective);
    for (const auto* values : {&s.eta, &s.se_eta, &s.parameters, &s.rse}) {
      for (const double v : *values) {
        fmt::format_to(std::back_inserter(text), ",{}", v);
      }
    }
    fmt::format_to(std::back_inserter(text), ",{},{},{}\n", s.starts_agreeing, s.on_bound ? 1 : 0,
                   s.hessian_adjusted ? 1 : 0);
  }
  return text;
}

/// ID,TIME,DV,IPRED,PRED,IWRES per observation with DV.
std::string predictions_csv(const jobs::NlmeFitRun& run) {
  std::string text = "ID,TIME,DV,IPRED,PRED,IWRES\n";
  for (const nlme::SubjectFit& s : run.fit.subjects) {
    for (const nlme::ObservationFit& o : s.observations) {
      fmt::format_to(std::back_inserter(text), "{},{},{},{},{},{}\n", run.ids[s.subject],
                     o.time.value(), o.dv, o.ipred, o.pred, o.iwres);
    }
  }
  return text;
}

/// The human summary: per parameter its typical value, mean estimate, shrinkage, median %RSE.
std::string summary(const nlme::PopulationModel& model, const jobs::NlmeFitRun& run,
                    std::string_view method) {
  const auto& fits = run.fit.subjects;
  std::size_t observations = 0;
  std::size_t converged = 0;
  for (const nlme::SubjectFit& s : fits) {
    observations += s.observations.size();
    converged += !s.on_bound && !s.hessian_adjusted ? 1 : 0;
  }
  std::string text = fmt::format("{}: {} fit of {} subjects ({} observations with DV)\n",
                                 model.name(), method, fits.size(), observations);
  fmt::format_to(std::back_inserter(text), "{:<10} {:>12} {:>14} {:>10} {:>12}\n", "PARAMETER",
                 "TYPICAL", "MEAN ESTIMATE", "SHRINKAGE", "MEDIAN %RSE");
  const std::vector<std::string> names = reported_names(model);
  const auto parameter_names = model.parameter_names();
  const bool by_parameter =
      !names.empty() && !parameter_names.empty() && names.front() == parameter_names.front();
  const std::vector<double> typical =
      by_parameter ? model.individual_parameters(std::vector<double>(model.etas().size(), 0.0))
                   : std::vector<double>{};
  for (std::size_t k = 0; k < names.size(); ++k) {
    double mean = 0.0;
    std::vector<double> rse;
    for (const nlme::SubjectFit& s : fits) {
      mean += by_parameter ? s.parameters[k] : s.eta[k];
      rse.push_back(by_parameter ? s.rse[k] : s.se_eta[k]);
    }
    std::nth_element(rse.begin(), rse.begin() + static_cast<std::ptrdiff_t>(rse.size() / 2),
                     rse.end());
    fmt::format_to(std::back_inserter(text), "{:<10} {:>12.6g} {:>14.6g} {:>9.1f}% {:>11.1f}%\n",
                   names[k], k < typical.size() ? typical[k] : 0.0,
                   mean / static_cast<double>(std::max<std::size_t>(fits.size(), 1)),
                   100.0 * run.fit.shrinkage[k], 100.0 * rse[rse.size() / 2]);
  }
  fmt::format_to(std::back_inserter(text),
                 "{} of {} subjects converged (not on the search box, Hessian positive "
                 "definite); per-subject flags in --out\n",
                 converged, fits.size());
  return text;
}

core::Status write_plots(const std::string& dir, const jobs::NlmeFitRun& run) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return core::fail(core::ErrorCode::Io, "--plots {}: cannot create the folder: {}", dir,
                      ec.message());
  }
  const std::filesystem::path base(dir);
  KETAPATH_TRY(write_output((base / "gof.svg").string(), run.gof_svg, "--plots"));
  if (!run.vpc_svg.empty()) {
    KETAPATH_TRY(write_output((base / "vpc.svg").string(), run.vpc_svg, "--plots"));
  }
  return {};
}

core::Status fit(const Options& options) {
  KETAPATH_TRY(
      core::check_limited_count("--threads", options.threads, "", 1, core::limits::kMaxThreads));
  if (options.vpc > 0) {
    KETAPATH_TRY(core::check_limited_count("--vpc", static_cast<long long>(options.vpc), "", 1,
                                           core::limits::kMaxReplicates));
  }
  const auto model = KETAPATH_TRY(population_model(options.population));
  jobs::NlmeFitRequest request{.data = options.data,
                               .data_text = std::nullopt,
                               .fit = {},
                               .vpc_replicates = options.vpc,
                               .seed = options.seed,
                               .plots = !options.plots.empty()};
  request.fit.method =
      options.method == "ls" ? nlme::FitMethod::LeastSquares : nlme::FitMethod::Map;
  request.fit.threads = options.threads;
  const jobs::NlmeFitRun run = KETAPATH_TRY(jobs::fit_population(*model, request));
  // Everything is computed before anything is written.
  if (!options.out.empty()) {
    KETAPATH_TRY(write_output(options.out, subjects_csv(*model, run)));
  }
  if (!options.predictions.empty()) {
    KETAPATH_TRY(write_output(options.predictions, predictions_csv(run), "--predictions"));
  }
  if (!options.plots.empty()) {
    KETAPATH_TRY(write_plots(options.plots, run));
  }
  return write_output("-", summary(*model, run, options.method == "ls" ? "least-squares" : "MAP"));
}

Runner setup(CLI::App& app) {
  auto o = std::make_shared<Options>();
  app.description(
      "Fit each subject's ETAs to the DV of an NM-TRAN data set: MAP with OMEGA as the prior "
      "(--method map, NONMEM's empirical Bayes estimates) or least squares (--method ls). Prints "
      "a per-parameter summary; --out writes ID,OBJ,ETA1..n,SE_ETA1..n,<parameters>,RSE_<p>..; "
      "--predictions writes ID,TIME,DV,IPRED,PRED,IWRES; --plots DIR writes gof.svg (and "
      "vpc.svg with --vpc N). See docs/estimation.md.");
  add_model_options(app, o->population);
  add_variability_options(app, o->population);
  app.add_option("--data", o->data, "NM-TRAN CSV data set with DV")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--method", o->method, "map (default) or ls")->check(CLI::IsMember({"map", "ls"}));
  app.add_option("--out", o->out, "Per-subject estimates CSV");
  app.add_option("--predictions", o->predictions, "Per-observation CSV (IPRED, PRED, IWRES)");
  auto* plots = app.add_option("--plots", o->plots, "Folder for gof.svg (and vpc.svg)");
  app.add_option("--vpc", o->vpc, "Replicates of a visual predictive check (writes vpc.svg)")
      ->needs(plots);
  app.add_option("--seed", o->seed, "Seed of the VPC's simulations (default 1)");
  app.add_option("--threads", o->threads, "Threads (default 1; results are the same for any)");
  return [o] {
    const core::Status status = fit(*o);
    return status ? kExitOk : report_error(status.error());
  };
}

const Registration kRegistration{"fit", "Fit individual parameters (MAP or least squares)", setup};

}  // namespace
}  // namespace ketapath::cli
