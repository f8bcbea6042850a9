// `ketapath predict`: the typical patient's time course after one dose, as CSV.
//
//   ketapath predict --route iv --dose 0.5mg/kg --duration-min 40
//   time_h,ket_ng_ml,norket_ng_ml,ce_ng_ml,cadss,dsbp_mmhg,ddbp_mmhg,dhr_bpm,anxiety_reduction,
//   acute_reduction,sustained_reduction
//
// The typical patient has the model's typical values scaled to --weight-kg (allometry) with no
// sex or age effect. anxiety_reduction is the drug's fractional reduction R = 1-(1-Ra)(1-S)
// (0..1) without the session's placebo response; acute_reduction (Ra, the concentration-driven
// component) and sustained_reduction (S, the plasticity state) are its two mechanisms, appended
// after the original columns so that existing readers keep their column positions.

#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/command.h"
#include "core/check.h"
#include "core/dose_text.h"
#include "core/units.h"
#include "jobs/predict_job.h"

namespace ketapath::cli {
namespace {

struct Options {
  std::string route;
  std::string dose;
  double duration_min = 0.0;
  double weight_kg = 70.0;
  double hours = 24.0;
  double step_min = 5.0;
  std::string model = "ketamine";
  std::string data_dir;
};

int run(const Options& o) {
  const auto route = pd::parse_route(o.route);  // case is ignored, as in design files
  if (!route) {
    return report_error({core::ErrorCode::InvalidArgument,
                         fmt::format("--route: \"{}\" is not one of iv, sc, im, in, po, sl",
                                     core::excerpt(o.route))});
  }
  const auto dose = core::parse_dose_quantity(o.dose, "--dose");
  if (!dose) {
    return report_error(dose.error());
  }
  // The request's checks name the options (jobs::check_predict_request; predict_typical checks
  // again for other callers).
  const jobs::PredictRequest request{
      .route = *route,
      .dose = *dose,
      .duration = core::Minutes(o.duration_min),
      .weight = core::Kilograms(o.weight_kg),
      .end = core::Hours(o.hours),
      .step = core::Minutes(o.step_min),
      .model = o.model,
      .dirs = io::DataDirectories::standard(
          o.data_dir.empty() ? std::nullopt : std::optional<std::filesystem::path>(o.data_dir),
          KETAPATH_SOURCE_DATA_DIR)};
  if (auto ok = jobs::check_predict_request(request); !ok) {
    return report_error(ok.error());
  }
  const auto course = jobs::predict_typical(request);
  if (!course) {
    return report_error(course.error());
  }
  std::string out = fmt::format("{}\n", fmt::join(jobs::predict_columns(), ","));
  for (std::size_t i = 0; i < course->time.size(); ++i) {
    out += fmt::format(
        "{:.4f},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{:.5f},{:.5f},{:.5f}\n",
        course->time[i].value(), core::to_ng_per_ml(course->ketamine[i]).value(),
        core::to_ng_per_ml(course->norketamine[i]).value(),
        core::to_ng_per_ml(course->effect_site[i]).value(), course->cadss[i],
        course->dsbp[i].value(), course->ddbp[i].value(), course->dhr[i].value(),
        course->drug_reduction[i], course->acute[i], course->sustained[i]);
  }
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

Runner setup(CLI::App& app) {
  auto o = std::make_shared<Options>();
  app.add_option("--route", o->route, "iv, sc, im, in (intranasal), po, sl")->required();
  app.add_option("--dose", o->dose, "Dose with unit: 0.5mg/kg or 35mg")->required();
  app.add_option("--duration-min", o->duration_min, "IV infusion duration in minutes (0 = bolus)")
      ->capture_default_str();
  app.add_option("--weight-kg", o->weight_kg, "Body weight in kg")->capture_default_str();
  app.add_option("--hours", o->hours, "Length of the time course in hours")->capture_default_str();
  app.add_option("--step-min", o->step_min, "Output step in minutes")->capture_default_str();
  app.add_option("--model", o->model, "Model name (models/<name>.toml) or path to a model file")
      ->capture_default_str();
  app.add_option("--data-dir", o->data_dir,
                 "Folder with models/ and designs/ searched before the bundled ones");
  return [o] {
    return run(*o);
  };
}

const Registration kRegistration{
    "predict", "Typical patient's ketamine time course after one dose (CSV)", setup};

}  // namespace
}  // namespace ketapath::cli
