// `ketapath calibrate`: re-runs the fit of the model's estimated parameters to the published
// targets (pd/calibration.h, docs/model.md) and prints the fitted values next to the model
// file's, with every target's achieved and published value.
//
//   ketapath calibrate                       # all problems, on models/ketamine.toml
//   ketapath calibrate --problem cadss --toml # TOML lines to paste into a model file

#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "cli/command.h"
#include "io/model_file.h"
#include "pd/calibration.h"

namespace ketapath::cli {
namespace {

struct Options {
  std::string model = "ketamine";
  std::string problem;
  std::string data_dir;
  bool toml = false;
};

// Concentrations are mg/L inside and ng/mL in model files.
std::pair<double, std::string_view> file_units(pd::ParameterId id, double value) {
  const auto unit = pd::parameter_info(id).unit;
  if (unit == "mg/L") {
    return {value * 1000.0, "ng/mL"};
  }
  return {value, unit};
}

int run(const Options& o) {
  const auto dirs = io::DataDirectories::standard(
      o.data_dir.empty() ? std::nullopt : std::optional<std::filesystem::path>(o.data_dir),
      KETAPATH_SOURCE_DATA_DIR);
  auto model = io::load_model(o.model, dirs);
  if (!model) {
    return report_error(model.error());
  }
  const auto problems = pd::default_calibration();
  bool found = o.problem.empty();
  pd::KetamineParameters current = model->typical;
  std::string out;
  for (const auto& problem : problems) {
    if (!o.problem.empty() && problem.name != o.problem) {
      continue;
    }
    found = true;
    auto fit = pd::calibrate(current, problem);
    if (!fit) {
      return report_error(fit.error());
    }
    if (o.toml) {
      out += fmt::format("# problem {}: objective {:.3g}\n", problem.name, fit->objective);
      for (std::size_t i = 0; i < problem.free.size(); ++i) {
        const auto [value, unit] = file_units(problem.free[i].id, fit->values[i]);
        out += fmt::format("[parameters.{}]\nvalue = {:.6g}\nunit = \"{}\"\n\n",
                           pd::parameter_info(problem.free[i].id).name, value, unit);
      }
    } else {
      out += fmt::format("problem {} ({} evaluations, objective {:.3g})\n  {}\n", problem.name,
                         fit->evaluations, fit->objective, problem.description);
      out +=
          fmt::format("  {:<14} {:>14} {:>14}  {}\n", "parameter", "model file", "fitted", "unit");
      for (std::size_t i = 0; i < problem.free.size(); ++i) {
        const auto id = problem.free[i].id;
        const auto [before, unit] = file_units(id, pd::get_parameter(model->typical, id));
        const auto [after, unused] = file_units(id, fit->values[i]);
        out += fmt::format("  {:<14} {:>14.6g} {:>14.6g}  {}\n", pd::parameter_info(id).name,
                           before, after, unit);
      }
      out +=
          fmt::format("  {:<40} {:>10} {:>10}  {}\n", "target", "achieved", "published", "source");
      for (std::size_t i = 0; i < problem.targets.size(); ++i) {
        const auto& t = problem.targets[i];
        out += fmt::format("  {:<40} {:>10.4g} {:>10.4g}  {}\n", t.name, fit->achieved[i], t.value,
                           t.source);
      }
      out += "\n";
    }
    current = fit->fitted;  // later problems use earlier fits (docs/model.md)
  }
  if (!found) {
    std::string names;
    for (const auto& p : problems) {
      names += names.empty() ? p.name : ", " + p.name;
    }
    return report_error({core::ErrorCode::InvalidArgument,
                         fmt::format("--problem: \"{}\" is not one of {}", o.problem, names)});
  }
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

Runner setup(CLI::App& app) {
  auto o = std::make_shared<Options>();
  app.add_option("--model", o->model, "Model name or path (start values and fixed parameters)")
      ->capture_default_str();
  app.add_option("--problem", o->problem,
                 "Only this problem: cadss, tolerance, haemodynamics, anxiolysis");
  app.add_option("--data-dir", o->data_dir, "Folder with models/ searched first");
  app.add_flag("--toml", o->toml, "Print the fitted values as model-file TOML");
  return [o] {
    return run(*o);
  };
}

const Registration kRegistration{
    "calibrate", "Re-fit the model's estimated parameters to the published targets", setup};

}  // namespace
}  // namespace ketapath::cli
