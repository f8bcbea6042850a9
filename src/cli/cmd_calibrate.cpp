// `ketapath calibrate`: re-runs the fit of the model's estimated parameters to the published
// targets (pd/calibration.h, docs/model.md) and prints the fitted values next to the model
// file's, with every target's achieved and published value. The anxiolysis problem fits the
// evidence table (models/anxiolysis_evidence.csv, or --evidence PATH) with inverse-variance
// weights and also prints each parameter's relative SE (Laplace) and the share of its information
// that comes from data rather than priors.
//
//   ketapath calibrate                       # all problems, on models/ketamine.toml
//   ketapath calibrate --problem cadss --toml # TOML lines to paste into a model file

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/command.h"
#include "io/evidence_file.h"
#include "io/model_file.h"
#include "pd/calibration.h"

namespace ketapath::cli {
namespace {

struct Options {
  std::string model = "ketamine";
  std::string problem;
  std::string data_dir;
  std::string evidence;
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

core::Result<std::vector<pd::AnxiolysisObservation>> load_evidence(
    const Options& o, const io::DataDirectories& dirs) {
  const auto path = o.evidence.empty() ? KETAPATH_TRY(io::find_evidence_table(dirs))
                                       : std::filesystem::path(o.evidence);
  const auto rows = KETAPATH_TRY(io::read_evidence_table(path));
  return io::anxiolysis_observations(rows);
}

// Typical-patient endpoints of the sensitivity table: rating reduction (mean HAM-A/FQ sensitivity)
// t h after a first SC dose.
std::vector<pd::AnxiolysisObservation> sensitivity_endpoints() {
  std::vector<pd::AnxiolysisObservation> e;
  const std::pair<double, double> points[] = {{0.25, 1.0}, {1.0, 1.0},   {1.0, 24.0},
                                              {1.0, 72.0}, {1.0, 168.0}, {1.0, 336.0}};
  for (const auto& [dose, t] : points) {
    pd::AnxiolysisObservation o;
    o.id = fmt::format("R {:g} mg/kg {:g} h", dose, t);
    o.dose_mg_per_kg = dose;
    o.time_h = t;
    o.scales = {pd::Scale::HamA, pd::Scale::Fq};
    e.push_back(std::move(o));
  }
  return e;
}

// Each free parameter at exp(-SE) and exp(+SE) of its fit -> each endpoint (docs/model.md).
std::string sensitivity_lines(const pd::CalibrationProblem& problem,
                              const pd::CalibrationResult& fit, const pd::FitUncertainty& u) {
  const auto endpoints = sensitivity_endpoints();
  std::string out = fmt::format("  {:<30}", "sensitivity");
  for (const auto& e : endpoints) {
    out += fmt::format(" {:>17}", e.id);
  }
  out += "\n";
  auto row = [&](const std::string& label, const pd::KetamineParameters& p) {
    std::string line = fmt::format("  {:<30}", label);
    for (const auto& e : endpoints) {
      const auto v = pd::observed_reduction(p, e);
      line += v ? fmt::format(" {:>17.3f}", *v) : fmt::format(" {:>17}", "error");
    }
    return line + "\n";
  };
  out += row("fit", fit.fitted);
  for (std::size_t i = 0; i < problem.free.size(); ++i) {
    const auto id = problem.free[i].id;
    for (const double sign : {-1.0, 1.0}) {
      // a log-scale SE can step past a bounded parameter's range (ANX_EMAX <= 1): clamp to the
      // calibration bounds and say so
      const auto& f = problem.free[i];
      const double raw = fit.values[i] * std::exp(sign * u.relative_se[i]);
      const double value = std::clamp(raw, f.lower, f.upper);
      pd::KetamineParameters p = fit.fitted;
      pd::set_parameter(p, id, value);
      out += row(fmt::format("{} x exp({:+.2f}){}", pd::parameter_info(id).name,
                             sign * u.relative_se[i], value != raw ? " [bound]" : ""),
                 p);
    }
  }
  return out;
}

// Relative SE (Laplace) of each free parameter and the share of its information from data.
std::string uncertainty_lines(const pd::CalibrationProblem& problem,
                              const pd::CalibrationResult& fit) {
  const auto u = pd::laplace_uncertainty(fit.fitted, problem);
  if (!u) {
    return fmt::format("  uncertainty: {}\n", u.error().message);
  }
  std::string out = fmt::format("  {:<14} {:>12} {:>14}  (Laplace, log scale)\n", "parameter",
                                "relative SE", "data share");
  for (std::size_t i = 0; i < problem.free.size(); ++i) {
    out +=
        fmt::format("  {:<14} {:>12.3f} {:>14.3f}\n", pd::parameter_info(problem.free[i].id).name,
                    u->relative_se[i], u->data_information[i]);
  }
  return out + sensitivity_lines(problem, fit, *u);
}

// The fit's Laplace covariance as a model file's [uncertainty] table (pd/typical_uncertainty.h).
std::string uncertainty_toml(const pd::CalibrationProblem& problem,
                             const pd::CalibrationResult& fit) {
  const auto u = pd::laplace_uncertainty(fit.fitted, problem);
  if (!u) {
    return fmt::format("# uncertainty: {}\n", u.error().message);
  }
  std::string names;
  std::string rows;
  for (std::size_t i = 0; i < problem.free.size(); ++i) {
    names +=
        fmt::format("{}\"{}\"", i == 0 ? "" : ", ", pd::parameter_info(problem.free[i].id).name);
    std::vector<double> row(problem.free.size());
    for (std::size_t j = 0; j < row.size(); ++j) {
      // symmetric to the last bit, as the model file requires (the inverse is only to rounding)
      row[j] = 0.5 * (u->log_covariance[i][j] + u->log_covariance[j][i]);
    }
    rows += fmt::format("  [{:.6g}],\n", fmt::join(row, ", "));
  }
  return fmt::format(
      "[uncertainty]\nsource = \"ketapath calibrate --problem {}: Laplace covariance of the log "
      "parameters, (J^T J)^-1 of the weighted residuals (docs/model.md)\"\nparameters = [{}]\n"
      "log_covariance = [\n{}]\n\n",
      problem.name, names, rows);
}

int run(const Options& o) {
  const auto dirs = io::DataDirectories::standard(
      o.data_dir.empty() ? std::nullopt : std::optional<std::filesystem::path>(o.data_dir),
      KETAPATH_SOURCE_DATA_DIR);
  auto model = io::load_model(o.model, dirs);
  if (!model) {
    return report_error(model.error());
  }
  const auto evidence = load_evidence(o, dirs);
  if (!evidence) {
    return report_error(evidence.error());
  }
  const auto problems = pd::default_calibration(*evidence);
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
      if (problem.inverse_variance) {
        out += uncertainty_toml(problem, *fit);
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
      if (problem.inverse_variance) {
        out += uncertainty_lines(problem, *fit);
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
  app.add_option("--evidence", o->evidence,
                 "Anxiolysis evidence table (default: models/anxiolysis_evidence.csv)");
  app.add_flag("--toml", o->toml, "Print the fitted values as model-file TOML");
  return [o] {
    return run(*o);
  };
}

const Registration kRegistration{
    "calibrate", "Re-fit the model's estimated parameters to the published targets", setup};

}  // namespace
}  // namespace ketapath::cli
