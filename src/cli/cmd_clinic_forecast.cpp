// `ketapath clinic forecast --patient N [--scale S] [--risk 0.2] [--model M] [--plot FILE.svg]`
// (registers nothing itself; see cmd_clinic.cpp): model-informed maintenance (issue 13). Parses,
// loads the model file, calls clinic::forecast, prints.

#include <filesystem>

#include <fmt/format.h>

#include "cli/clinic_commands.h"
#include "clinic/service/forecast.h"
#include "core/private_file.h"
#include "core/svg.h"
#include "io/model_file.h"

namespace ketapath::cli::clinic_cli {
namespace {

struct ForecastOptions {
  std::int64_t patient = 0;
  std::string scale;
  double risk = 0.2;
  std::string model = "ketamine";
  std::string data_dir;
  std::string plot;
  std::uint64_t seed = 1;
};

void print_forecast(const clinic::ClinicForecast& f) {
  fmt::print("forecast for patient {} on {} (model {})\n", f.patient.value(),
             pd::scale_record_name(f.scale), f.model);
  fmt::print("data: {} rating(s), {} dose(s){}\n", f.ratings_used, f.doses_used,
             f.first_rating ? fmt::format(", {} to {}", clinic::format_timestamp(*f.first_rating),
                                          clinic::format_timestamp(*f.last_rating))
                            : "");
  for (const std::string& note : f.data_notes) {
    fmt::print("  note: {}\n", note);
  }
  fmt::print("rule-based: {} ({})\n", clinic::to_string(f.rule.recommendation), f.rule.rule);
  if (!f.sufficient) {
    fmt::print("model: too few data - {}; the rule-based suggestion stands\n",
               f.insufficient_reason);
    return;
  }
  fmt::print(
      "posterior: P(responder class) {:.2f}, effective sample size {:.0f}, MAP starts "
      "agreeing {}\n",
      f.p_responder, f.effective_sample_size, f.map_starts_agreeing);
  for (const clinic::ForecastParameter& p : f.parameters) {
    fmt::print("  {:<16} {:>10.4g} {} (80% {:.4g} to {:.4g}; population {:.4g})\n", p.name,
               p.estimate, p.unit, p.lower80, p.upper80, p.population);
  }
  fmt::print(
      "response now: P {:.2f} (threshold {:.1f} points); without a further dose, relapse "
      "by {}\n",
      f.p_response_now, f.response_threshold,
      f.relapse_median ? clinic::format_date(*f.relapse_median) : "beyond the horizon");
  if (f.next_date) {
    fmt::print(
        "model suggests: next infusion {}, then every {} days ({} in the horizon), "
        "P(loss of response) {:.2f} (risk {:.2f}){}\n",
        clinic::format_date(*f.next_date), f.interval_days.value_or(0), f.infusions, f.p_loss,
        f.risk, f.within_risk ? "" : " - above the risk");
  }
  fmt::print("reason: {}\nfollow: {}\n", f.reason,
             f.basis == "model" ? "the model's suggestion" : "the rule-based suggestion");
}

}  // namespace

void add_forecast_commands(CLI::App& clinic_app, const std::shared_ptr<GlobalOptions>& global,
                           Runners& runners) {
  auto o = std::make_shared<ForecastOptions>();
  CLI::App* cmd = clinic_app.add_subcommand(
      "forecast",
      "The patient's own response model: forecast, relapse and the next infusion within a risk");
  cmd->fallthrough();
  cmd->add_option("--patient", o->patient, "Patient id")->required();
  cmd->add_option("--scale", o->scale, "ham-a, gad-7, fq or lsas (default: the most rated)");
  cmd->add_option("--risk", o->risk, "Largest acceptable P(loss of response), 0-1 (default 0.2)");
  cmd->add_option("--model", o->model, "Model file or bundled name (default ketamine)");
  cmd->add_option("--data-dir", o->data_dir, "Where bundled models are looked up first");
  cmd->add_option("--plot", o->plot, "Write the forecast chart as SVG to this file (0600)");
  cmd->add_option("--seed", o->seed, "Seed of the posterior sampling (default 1)");
  runners.emplace_back(cmd, [global, o] {
    return run([&]() -> core::Status {
      clinic::ForecastQuery query;
      query.risk = o->risk;
      query.seed = o->seed;
      if (!o->scale.empty()) {
        query.scale = KETAPATH_TRY(clinic::parse_scale(o->scale));
      }
      const auto dirs = io::DataDirectories::standard(
          o->data_dir.empty() ? std::nullopt : std::optional<std::filesystem::path>(o->data_dir),
          KETAPATH_SOURCE_DATA_DIR);
      const pd::KetamineModel model = KETAPATH_TRY(io::load_model(o->model, dirs));
      query.model_label = fmt::format("{} (ketapath {})", model.name, KETAPATH_VERSION);
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto f =
          KETAPATH_TRY(clinic::forecast(*c.service, clinic::PatientId(o->patient), model, query));
      if (!o->plot.empty()) {
        // Patient data: readable by its owner only.
        KETAPATH_TRY(
            core::write_private_file(o->plot, core::render_svg(clinic::forecast_chart(f))));
      }
      if (global->json) {
        print_json(clinic::to_json(f));
      } else {
        print_forecast(f);
        if (!o->plot.empty()) {
          fmt::print("wrote {}\n", o->plot);
        }
      }
      return {};
    });
  });
}

}  // namespace ketapath::cli::clinic_cli
