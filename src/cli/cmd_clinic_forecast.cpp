// `ketapath clinic forecast --patient N [--scale S] [--risk 0.2] [--model M] [--plot FILE.svg]`,
// `forecast accept --patient N --next D --interval DAYS [...]` and `forecast reject --patient N
// --reason TEXT` (registers nothing itself; see cmd_clinic.cpp): model-informed maintenance
// (issue 13). Parses, loads the model file, calls clinic::forecast / accept_forecast /
// reject_forecast, prints.

#include <filesystem>

#include <fmt/format.h>

#include "cli/clinic_commands.h"
#include "cli/forecast_options.h"
#include "clinic/service/forecast.h"
#include "core/private_file.h"
#include "core/svg.h"
#include "io/model_file.h"

namespace ketapath::cli::clinic_cli {
namespace {

struct ForecastOptions {
  std::int64_t patient = 0;
  ForecastQueryOptions query;
  std::string plot;
  // accept / reject
  std::string next;
  int interval = 0;
  std::optional<int> ratings_used;
  std::optional<int> doses_used;
  std::string note;
  std::string allow_overlap;
  std::string above_risk;
  std::string reason;
};

void print_decisions(const std::vector<clinic::ForecastDecision>& decisions) {
  for (const clinic::ForecastDecision& d : decisions) {
    fmt::print("decision {}: {} by {} at {}{}{}\n", d.id.value(), clinic::to_string(d.verdict),
               d.decided_by, clinic::format_timestamp(d.decided_at),
               d.course ? fmt::format(", course {}", d.course->value()) : "",
               d.reason.empty() ? "" : fmt::format(": {}", d.reason));
  }
}

nlohmann::json outcome_json(const clinic::ForecastOutcome& out) {
  nlohmann::json j{{"decision", clinic::to_json(out.decision)},
                   {"forecast", clinic::to_json(out.forecast)}};
  j["course"] = out.course ? course_json(*out.course) : nlohmann::json(nullptr);
  return j;
}

void add_accept_command(CLI::App* forecast, const std::shared_ptr<GlobalOptions>& global,
                        Runners& runners) {
  auto o = std::make_shared<ForecastOptions>();
  CLI::App* cmd = forecast->add_subcommand(
      "accept", "Plan the model's recommendation as a maintenance course (prescriber; gated)");
  cmd->fallthrough();
  cmd->add_option("--patient", o->patient, "Patient id")->required();
  cmd->add_option("--next", o->next, "The next infusion day shown, YYYY-MM-DD")->required();
  cmd->add_option("--interval", o->interval, "The interval shown, in days")->required();
  cmd->add_option("--ratings-used", o->ratings_used, "Ratings the shown forecast used");
  cmd->add_option("--doses-used", o->doses_used, "Doses the shown forecast used");
  cmd->add_option("--note", o->note, "A note stored with the decision");
  cmd->add_option("--allow-overlap", o->allow_overlap,
                  "Why the course may run beside the patient's active course (recorded)");
  cmd->add_option("--above-risk-reason", o->above_risk,
                  "Why a recommendation above the risk is accepted (required for one; recorded)");
  add_forecast_query_options(cmd, o->query);
  runners.emplace_back(cmd, [global, o] {
    return run([&]() -> core::Status {
      clinic::ForecastAcceptance seen;
      seen.next_date = KETAPATH_TRY(clinic::parse_date(o->next, "--next"));
      seen.interval_days = o->interval;
      seen.ratings_used = o->ratings_used;
      seen.doses_used = o->doses_used;
      seen.note = o->note;
      seen.allow_overlap_reason = o->allow_overlap;
      seen.above_risk_reason = o->above_risk;
      const LoadedForecastQuery q = KETAPATH_TRY(load_forecast_query(o->query));
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto out = KETAPATH_TRY(clinic::accept_forecast(
          *c.service, clinic::PatientId(o->patient), q.model, q.query, seen));
      if (global->json) {
        print_json(outcome_json(out));
        return {};
      }
      fmt::print("accepted the forecast for patient {} (decision {}): course {}\n", o->patient,
                 out.decision.id.value(), out.course->id.value());
      print_course(*out.course);
      return {};
    });
  });
}

void add_reject_command(CLI::App* forecast, const std::shared_ptr<GlobalOptions>& global,
                        Runners& runners) {
  auto o = std::make_shared<ForecastOptions>();
  CLI::App* cmd = forecast->add_subcommand(
      "reject", "Reject the recommendation with a reason (prescriber; recorded on the chart)");
  cmd->fallthrough();
  cmd->add_option("--patient", o->patient, "Patient id")->required();
  cmd->add_option("--reason", o->reason, "Why (required)")->required();
  add_forecast_query_options(cmd, o->query);
  runners.emplace_back(cmd, [global, o] {
    return run([&]() -> core::Status {
      const LoadedForecastQuery q = KETAPATH_TRY(load_forecast_query(o->query));
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto out = KETAPATH_TRY(clinic::reject_forecast(
          *c.service, clinic::PatientId(o->patient), q.model, q.query, o->reason));
      if (global->json) {
        print_json(outcome_json(out));
        return {};
      }
      fmt::print("rejected the forecast for patient {} (decision {}): {}\n", o->patient,
                 out.decision.id.value(), out.decision.reason);
      return {};
    });
  });
}

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
        "model suggests: next infusion {}, then every {} days ({} in the horizon), expected "
        "{:.1f} weeks in response ({:.2f} per infusion, {:.2f} gained per infusion over none), "
        "P(loss of response) {:.2f} (risk {:.2f}){}\n",
        clinic::format_date(*f.next_date), f.interval_days.value_or(0), f.infusions,
        f.expected_weeks_in_response, f.weeks_per_infusion, f.weeks_gained_per_infusion, f.p_loss,
        f.risk,
        f.within_risk ? ""
                      : " - RISK NOT MET: for review beside the rule; a prescriber may accept it "
                        "with a reason (--above-risk-reason)");
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
  cmd->require_subcommand(0, 1);
  cmd->add_option("--patient", o->patient, "Patient id (required)");
  add_forecast_query_options(cmd, o->query);
  cmd->add_option("--plot", o->plot, "Write the forecast chart as SVG to this file (0600)");
  // accept and reject before forecast: the first parsed runner runs (cmd_clinic.cpp).
  add_accept_command(cmd, global, runners);
  add_reject_command(cmd, global, runners);
  runners.emplace_back(cmd, [global, o, cmd] {
    return run([&]() -> core::Status {
      if (cmd->count("--patient") == 0) {
        return core::fail(core::ErrorCode::InvalidArgument, "forecast: --patient is required");
      }
      const LoadedForecastQuery q = KETAPATH_TRY(load_forecast_query(o->query));
      auto c = KETAPATH_TRY(open_clinic(*global));
      const clinic::PatientId patient(o->patient);
      const auto f = KETAPATH_TRY(clinic::forecast(*c.service, patient, q.model, q.query));
      const auto decisions = KETAPATH_TRY(c.service->forecast_decisions(patient));
      if (!o->plot.empty()) {
        // Patient data: readable by its owner only.
        KETAPATH_TRY(
            core::write_private_file(o->plot, core::render_svg(clinic::forecast_chart(f))));
      }
      if (global->json) {
        auto j = clinic::to_json(f);
        j["decisions"] = nlohmann::json::array();
        for (const auto& d : decisions) {
          j["decisions"].push_back(clinic::to_json(d));
        }
        print_json(j);
      } else {
        print_forecast(f);
        print_decisions(decisions);
        if (!o->plot.empty()) {
          fmt::print("wrote {}\n", o->plot);
        }
      }
      return {};
    });
  });
}

}  // namespace ketapath::cli::clinic_cli
