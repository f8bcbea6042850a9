// `ketapath trial DESIGN`: replicate trials of a design file, endpoint by endpoint beside the
// published values (docs/trial-designs.md has the design schema and the JSON output schema).
//
// Exit status: 0 when the trials ran, whatever the verdicts (they are results, printed for the
// reader); with --strict, 1 when any endpoint with a tolerance FAILs. Errors: 2 bad options or
// malformed design, 4 unknown design or model.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/progress_bar.h"
#include "io/svg_trial.h"
#include "jobs/trial_job.h"

namespace ketapath::cli {
namespace {

struct Options {
  std::string design;
  int replicates = 200;
  std::uint64_t seed = 1;
  std::string format = "table";
  std::string plot_dir;
  int threads = 1;
  std::string data_dir;
  std::string model;
  bool strict = false;
  bool per_subject = false;
  bool parameter_uncertainty = false;
};

bool percent_unit(const trial::Endpoint& ep) {
  return ep.unit == "fraction" || ep.kind == trial::Endpoint::Kind::Ordering;
}

std::string number(double v, bool percent) {
  if (std::isnan(v)) {
    return "n/a";
  }
  return percent ? fmt::format("{:.1f}%", 100.0 * v) : fmt::format("{:.3g}", v);
}

std::string published_text(const trial::EndpointResult& r) {
  if (!r.endpoint.published) {
    return "-";
  }
  if (const auto* d = std::get_if<double>(&*r.endpoint.published)) {
    return number(*d, percent_unit(r.endpoint));
  }
  return std::get<std::string>(*r.endpoint.published);
}

std::string verdict(const trial::EndpointResult& r) {
  if (!r.endpoint.tolerance) {
    return "report";
  }
  if (!r.pass) {
    return "n/a";
  }
  return *r.pass ? "PASS" : "FAIL";
}

void print_table(const trial::Design& design, const trial::TrialResult& result,
                 std::string_view model) {
  struct Row {
    std::string name, median, interval, published, tolerance, verdict;
  };

  std::vector<Row> rows;
  rows.push_back({"endpoint", "median", "90% interval", "published", "tolerance", "verdict"});
  int pass = 0;
  int fail = 0;
  int report = 0;
  for (const trial::EndpointResult& r : result.endpoints) {
    const bool pct = percent_unit(r.endpoint);
    const std::string unit = r.endpoint.kind == trial::Endpoint::Kind::Ordering ? "of trials"
                             : pct                                              ? ""
                                                                                : r.endpoint.unit;
    rows.push_back(
        {r.endpoint.name, number(r.simulated.median, pct),
         fmt::format("[{}, {}]", number(r.simulated.p05, pct), number(r.simulated.p95, pct)),
         published_text(r),
         r.endpoint.tolerance ? fmt::format("[{}, {}]", number(r.endpoint.tolerance->first, pct),
                                            number(r.endpoint.tolerance->second, pct))
                              : "-",
         verdict(r) + (unit.empty() ? "" : fmt::format("  ({})", unit))});
    if (!r.endpoint.tolerance) {
      ++report;
    } else if (r.pass.value_or(false)) {
      ++pass;
    } else {
      ++fail;
    }
  }
  std::size_t w[5] = {0, 0, 0, 0, 0};
  for (const Row& row : rows) {
    w[0] = std::max(w[0], row.name.size());
    w[1] = std::max(w[1], row.median.size());
    w[2] = std::max(w[2], row.interval.size());
    w[3] = std::max(w[3], row.published.size());
    w[4] = std::max(w[4], row.tolerance.size());
  }
  std::string out = fmt::format("{}: {}\n{} replicate trials, seed {}, model {}\n\n", design.name,
                                design.title, result.replicates, result.seed, model);
  if (!result.uncertain_parameters.empty()) {
    out = out.substr(0, out.size() - 1) +
          fmt::format("typical values of {} drawn per replicate (parameter uncertainty: {})\n\n",
                      fmt::join(result.uncertain_parameters, ", "), result.uncertainty_source);
  }
  for (const Row& row : rows) {
    out += fmt::format("{:<{}}  {:>{}}  {:>{}}  {:<{}}  {:<{}}  {}\n", row.name, w[0], row.median,
                       w[1], row.interval, w[2], row.published, w[3], row.tolerance, w[4],
                       row.verdict);
  }
  out += fmt::format("\n{} PASS, {} FAIL, {} reported without a tolerance\n", pass, fail, report);
  std::fputs(out.c_str(), stdout);
}

core::Status write_plots(const trial::TrialResult& result, const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return core::fail(core::ErrorCode::Io, "--plot: cannot create folder {} ({})", dir.string(),
                      ec.message());
  }
  for (const io::Figure& figure : io::trial_figures(result)) {
    const std::filesystem::path path = dir / figure.file_name;
    std::ofstream out(path, std::ios::binary);
    out << figure.svg;
    if (!out) {
      return core::fail(core::ErrorCode::Io, "--plot: cannot write {}", path.string());
    }
  }
  return {};
}

int run(const Options& o) {
  ProgressBar bar(ProgressBar::wanted(o.format != "json"), "replicate trials");
  const auto run = jobs::run_trial_job(
      {.design = o.design,
       .model = o.model,
       .replicates = o.replicates,
       .seed = o.seed,
       .threads = o.threads,
       .per_subject = o.per_subject,
       .parameter_uncertainty = o.parameter_uncertainty,
       .dirs = io::DataDirectories::standard(
           o.data_dir.empty() ? std::nullopt : std::optional<std::filesystem::path>(o.data_dir),
           KETAPATH_SOURCE_DATA_DIR),
       .progress = [&bar](std::size_t done, std::size_t total) {
         bar.update(done, total);
       }});
  if (!run) {
    return report_error(run.error());
  }
  if (o.format == "json") {
    std::fputs((jobs::trial_result_json(run->result).dump(2) + "\n").c_str(), stdout);
  } else {
    print_table(run->design, run->result, run->model);
  }
  if (!o.plot_dir.empty()) {
    if (auto ok = write_plots(run->result, o.plot_dir); !ok) {
      return report_error(ok.error());
    }
  }
  return o.strict && jobs::any_endpoint_failed(run->result) ? kExitFailure : kExitOk;
}

Runner setup(CLI::App& app) {
  auto o = std::make_shared<Options>();
  app.add_option("design", o->design, "Design name (designs/<name>.toml) or path to a design file")
      ->required();
  app.add_option("--replicates", o->replicates, "Number of replicate trials")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--seed", o->seed, "Random seed")->capture_default_str();
  app.add_option("--format", o->format, "Output: table or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "json"}));
  app.add_option("--plot", o->plot_dir, "Write SVG figures into this folder");
  app.add_option("--threads", o->threads, "Worker threads (results do not depend on it)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--model", o->model, "Model name or file (default: the design's model)");
  app.add_option("--data-dir", o->data_dir,
                 "Folder with models/ and designs/ searched before the bundled ones");
  app.add_flag("--strict", o->strict, "Exit with status 1 when any endpoint FAILs");
  app.add_flag("--per-subject", o->per_subject,
               "Simulate subject by subject (the slower reference path) instead of on the batch "
               "kernel");
  app.add_flag("--parameter-uncertainty", o->parameter_uncertainty,
               "Draw each replicate's typical values from the model's [uncertainty] (its "
               "calibration's covariance), so replicates vary them too");
  return [o] {
    return run(*o);
  };
}

const Registration kRegistration{
    "trial", "Replicate trials of a design, endpoints beside published values", setup};

}  // namespace
}  // namespace ketapath::cli
