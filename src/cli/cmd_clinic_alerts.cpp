// `ketapath clinic alert list|ack` and `clinic schedule` (registered by cmd_clinic.cpp): the
// clinic's work lists: unacknowledged safety alerts with their acknowledgement, and the sessions
// due on a day.

#include <fmt/format.h>

#include "cli/clinic_commands.h"
#include "clinic/json/json.h"
#include "core/number_text.h"

namespace ketapath::cli::clinic_cli {
namespace {

using clinic::Json;

struct AlertOptions {
  std::int64_t patient = 0;
  bool open_only = false;
  std::int64_t alert = 0;
  std::string note;
  std::string date;  ///< schedule: the day (default today, UTC)
};

void print_scheduled(const clinic::ScheduledSession& s) {
  const clinic::PlannedSession& p = s.session;
  fmt::print(
      "patient {:<5} {:<24} course {:<4} {} session {} of {}: {} {} mg/kg{}\n", s.patient.value(),
      s.patient_name, s.course.value(), clinic::to_string(s.protocol), p.number, s.of,
      pd::route_name(p.route), core::display_number(p.dose.value()),
      p.duration ? fmt::format(" over {} min", core::display_number(p.duration->value())) : "");
}

void print_alert(const clinic::Alert& a) {
  fmt::print("{:>5}  patient {:<5} {:<7} {}\n", a.id.value(), a.patient.value(),
             clinic::to_string(a.level), a.message);
  if (a.acknowledged) {
    fmt::print("       acknowledged by {} at {}: {}\n", a.acknowledged_by,
               a.acknowledged_at ? clinic::format_timestamp(*a.acknowledged_at) : "-",
               a.acknowledgement_note);
  }
}

/// `clinic schedule [--date D]`: the sessions due on a day (ClinicService::day_schedule).
void add_schedule_command(CLI::App& clinic_app, const std::shared_ptr<GlobalOptions>& global,
                          const std::shared_ptr<AlertOptions>& o, Runners& runners) {
  CLI::App* schedule = clinic_app.add_subcommand(
      "schedule", "The sessions due on a day: every active course's planned sessions");
  schedule->fallthrough();
  schedule->add_option("--date", o->date, "The day, YYYY-MM-DD (default: today, UTC)");
  runners.emplace_back(schedule, [global, o, schedule] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      const clinic::Date day =
          KETAPATH_TRY(date_or_today(*schedule, "--date", o->date, *c.service));
      const auto due = KETAPATH_TRY(c.service->day_schedule(day));
      if (global->json) {
        Json out = Json::array();
        for (const auto& s : due) {
          out.push_back(clinic::to_json(s));
        }
        print_json({{"date", clinic::format_date(day)}, {"sessions", out}});
        return {};
      }
      fmt::print("{}: {} session{} due\n", clinic::format_date(day), due.size(),
                 due.size() == 1 ? "" : "s");
      for (const auto& s : due) {
        print_scheduled(s);
      }
      return {};
    });
  });
}

}  // namespace

void add_alert_commands(CLI::App& clinic_app, const std::shared_ptr<GlobalOptions>& global,
                        Runners& runners) {
  auto o = std::make_shared<AlertOptions>();
  CLI::App* alert = clinic_app.add_subcommand("alert", "Safety alerts: list and acknowledge");
  alert->require_subcommand(1);
  alert->fallthrough();

  CLI::App* list = alert->add_subcommand(
      "list", "Alerts of one patient (--patient), or every patient's unacknowledged alerts");
  list->fallthrough();
  list->add_option("--patient", o->patient, "Patient id (default: every patient)");
  list->add_flag("--open", o->open_only,
                 "Only unacknowledged alerts (always so without --patient)");
  runners.emplace_back(list, [global, o] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      std::vector<clinic::Alert> alerts;
      if (o->patient != 0) {
        alerts = KETAPATH_TRY(c.service->alerts(clinic::PatientId(o->patient)));
        if (o->open_only) {
          std::erase_if(alerts, [](const clinic::Alert& a) { return a.acknowledged; });
        }
      } else {
        alerts = KETAPATH_TRY(c.service->open_alerts());
      }
      // The work list also warns of clearances that lapse before the next planned session.
      const std::vector<std::string> warnings = o->patient == 0
                                                    ? KETAPATH_TRY(c.service->clearance_warnings())
                                                    : std::vector<std::string>{};
      if (global->json) {
        Json out = Json::array();
        for (const auto& a : alerts) {
          out.push_back(clinic::to_json(a));
        }
        print_json({{"alerts", out}, {"warnings", warnings}});
        return {};
      }
      for (const auto& w : warnings) {
        fmt::print("WARNING {}\n", w);
      }
      if (alerts.empty()) {
        fmt::print("no {}alerts\n", o->patient == 0 || o->open_only ? "open " : "");
      }
      for (const auto& a : alerts) {
        print_alert(a);
      }
      return {};
    });
  });

  CLI::App* ack =
      alert->add_subcommand("ack", "Acknowledge an alert, with a note of what was done (audited)");
  ack->fallthrough();
  ack->add_option("id", o->alert, "Alert id")->required();
  ack->add_option("--note", o->note,
                  "What was done: \"BP rechecked 150/90 after 10 min, infusion resumed\"")
      ->required();
  runners.emplace_back(ack, [global, o] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto a = KETAPATH_TRY(c.service->acknowledge_alert(clinic::AlertId(o->alert), o->note));
      if (global->json) {
        print_json({{"alert", clinic::to_json(a)}});
      } else {
        print_alert(a);
      }
      return {};
    });
  });

  add_schedule_command(clinic_app, global, o, runners);
}

}  // namespace ketapath::cli::clinic_cli
