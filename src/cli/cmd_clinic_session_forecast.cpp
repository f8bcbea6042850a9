// `ketapath clinic session-forecast --patient N [--session ID | --route R --dose-mg-kg D
// --duration-min M] [--model M] [--seed S]` (registers nothing itself; see cmd_clinic.cpp): the
// PK/PD-aware session (issue 13 item 4). Parses, loads the model file, calls
// clinic::forecast_session, prints.

#include <filesystem>

#include <fmt/format.h>

#include "cli/clinic_commands.h"
#include "clinic/service/session_forecast.h"
#include "core/check.h"
#include "io/model_file.h"

namespace ketapath::cli::clinic_cli {
namespace {

struct SessionForecastOptions {
  std::int64_t patient = 0;
  std::int64_t session = 0;
  std::string route = "iv";
  double dose = 0.5;
  double duration = 40.0;
  std::string model = "ketamine";
  std::string data_dir;
  std::uint64_t seed = 1;
};

std::string minutes(core::Hours t) {
  return fmt::format("{:.0f} min", t.value() * 60.0);
}

void print_session_forecast(const clinic::ClinicSessionForecast& f) {
  const auto& p = f.prediction;
  fmt::print("session forecast for patient {} (model {}; {} patients like this one drawn)\n",
             f.patient.value(), f.model, p.draws);
  fmt::print("dose {:.1f} mg {} over {:.0f} min ({} kg){}\n", f.dose.value(),
             pd::route_name(f.route), f.duration.value(), f.weight.value(),
             f.session ? fmt::format(", session {} started {}", f.session->value(),
                                     clinic::format_timestamp(*f.started_at))
                       : std::string());
  fmt::print(
      "systolic rise: peak at {} after the start, median {:.1f} mmHg, 95% of patients up "
      "to {:.1f}\n",
      minutes(p.peak_systolic), p.peak_systolic_median, p.peak_systolic_upper95);
  fmt::print("CADSS: peak at {}, median {:.1f}, 95% up to {:.1f}\n", minutes(p.peak_cadss),
             p.peak_cadss_median, p.peak_cadss_upper95);
  std::string checks;
  for (const auto t : p.vitals_checks) {
    checks += (checks.empty() ? "" : ", ") + minutes(t);
  }
  fmt::print("vitals at: {} after the start\n", checks);
  fmt::print(
      "discharge: not before {} (minimum observation); predicted back within the discharge "
      "bands at {}\n",
      minutes(p.minimum_discharge),
      p.earliest_discharge ? minutes(*p.earliest_discharge)
                           : std::string("- (not within the horizon: observe and check)"));
  for (const auto& r : f.readings) {
    fmt::print("  {} at {}: {:+.0f} against the 95% band {:+.0f} to {:+.0f}{}\n", r.measure,
               minutes(r.time), r.change, r.lower95, r.upper95,
               r.above   ? "  ABOVE the band: re-measure, look for a cause"
               : r.below ? "  (below the band)"
                         : "");
  }
  for (const auto& note : f.data_notes) {
    fmt::print("note: {}\n", note);
  }
}

}  // namespace

void add_session_forecast_commands(CLI::App& clinic_app,
                                   const std::shared_ptr<GlobalOptions>& global, Runners& runners) {
  auto o = std::make_shared<SessionForecastOptions>();
  CLI::App* cmd = clinic_app.add_subcommand(
      "session-forecast",
      "What the model predicts for a session: plasma, CADSS, BP/HR bands, vitals times, discharge");
  cmd->fallthrough();
  cmd->add_option("--patient", o->patient, "Patient id")->required();
  cmd->add_option("--session", o->session,
                  "A recorded session: its dose, and its vitals checked against the bands");
  cmd->add_option("--route", o->route, "iv, sc or im (a dose to come; default iv)");
  cmd->add_option("--dose-mg-kg", o->dose, "mg/kg (a dose to come; default 0.5)");
  cmd->add_option("--duration-min", o->duration, "IV infusion minutes (default 40)");
  cmd->add_option("--model", o->model, "Model file or bundled name (default ketamine)");
  cmd->add_option("--data-dir", o->data_dir, "Where bundled models are looked up first");
  cmd->add_option("--seed", o->seed, "Seed of the patients drawn (default 1)");
  runners.emplace_back(cmd, [global, o, cmd] {
    return run([&]() -> core::Status {
      clinic::SessionForecastQuery query;
      query.seed = o->seed;
      if (cmd->count("--session") > 0) {
        query.session = clinic::SessionId(o->session);
      }
      query.route = KETAPATH_TRY(pd::parse_route(o->route));
      KETAPATH_TRY(clinic::check_clinic_route("--route", query.route));
      KETAPATH_TRY(core::check_range("--dose-mg-kg", o->dose, "mg/kg", core::positive()));
      KETAPATH_TRY(
          core::check_range("--duration-min", o->duration, "min", {.low = 1.0, .high = 480.0}));
      query.dose = core::MilligramsPerKilogram(o->dose);
      query.duration = core::Minutes(o->duration);
      const auto dirs = io::DataDirectories::standard(
          o->data_dir.empty() ? std::nullopt : std::optional<std::filesystem::path>(o->data_dir),
          KETAPATH_SOURCE_DATA_DIR);
      const pd::KetamineModel model = KETAPATH_TRY(io::load_model(o->model, dirs));
      query.model_label = fmt::format("{} (ketapath {})", model.name, KETAPATH_VERSION);
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto f = KETAPATH_TRY(
          clinic::forecast_session(*c.service, clinic::PatientId(o->patient), model, query));
      if (global->json) {
        print_json(clinic::to_json(f));
      } else {
        print_session_forecast(f);
      }
      return {};
    });
  });
}

}  // namespace ketapath::cli::clinic_cli
