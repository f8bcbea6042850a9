// `ketapath clinic medication start|stop|reconcile|list --patient N ...` (registers nothing
// itself; see cmd_clinic.cpp): the patient's medication log and its interaction warnings (issue
// 15 item 5). Parse, call the service, print.

#include <fmt/format.h>

#include "cli/clinic_commands.h"
#include "clinic/json/json.h"

namespace ketapath::cli::clinic_cli {
namespace {

struct MedicationOptions {
  std::int64_t patient = 0;
  std::string name;
  std::string dose;
  std::string frequency;
  std::string note;
  std::string date;
};

void print_warnings(const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) {
    fmt::print("WARNING {}\n", w);
  }
}

void add_entry_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                       Runners& runners, clinic::MedicationAction action,
                       const std::string& description) {
  auto o = std::make_shared<MedicationOptions>();
  CLI::App* cmd = parent.add_subcommand(std::string(clinic::to_string(action)), description);
  cmd->fallthrough();
  cmd->add_option("--patient", o->patient, "Patient id")->required();
  if (action == clinic::MedicationAction::Reconcile) {
    cmd->add_option("--note", o->note, "What was checked with the patient")->required();
  } else {
    cmd->add_option("--name", o->name, "Generic name (lorazepam)")->required();
  }
  if (action == clinic::MedicationAction::Start) {
    cmd->add_option("--dose", o->dose, "Dose with its unit (1 mg)");
    cmd->add_option("--frequency", o->frequency, "How often (at night, twice daily)");
  }
  cmd->add_option("--date", o->date, "YYYY-MM-DD (default today, UTC)");
  runners.emplace_back(cmd, [global, o, cmd, action] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto on = KETAPATH_TRY(date_or_today(*cmd, "--date", o->date, *c.service));
      const auto warnings = KETAPATH_TRY(
          c.service->record_medication(clinic::PatientId(o->patient), {.action = action,
                                                                       .name = o->name,
                                                                       .dose = o->dose,
                                                                       .frequency = o->frequency,
                                                                       .on = on,
                                                                       .note = o->note}));
      if (global->json) {
        print_json({{"patient", o->patient},
                    {"action", std::string(clinic::to_string(action))},
                    {"warnings", warnings}});
        return {};
      }
      fmt::print("medication {} recorded for patient {} on {}\n", clinic::to_string(action),
                 o->patient, clinic::format_date(on));
      print_warnings(warnings);
      return {};
    });
  });
}

void add_list_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                      Runners& runners) {
  auto o = std::make_shared<MedicationOptions>();
  CLI::App* cmd = parent.add_subcommand("list", "The medications on a day, and their warnings");
  cmd->fallthrough();
  cmd->add_option("--patient", o->patient, "Patient id")->required();
  cmd->add_option("--date", o->date, "YYYY-MM-DD (default today, UTC)");
  runners.emplace_back(cmd, [global, o, cmd] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto on = KETAPATH_TRY(date_or_today(*cmd, "--date", o->date, *c.service));
      const auto patient = KETAPATH_TRY(c.service->patient(clinic::PatientId(o->patient)));
      const auto active = clinic::active_medications(patient.medications, on);
      const auto warnings = clinic::medication_warnings(patient.medications, on);
      const auto reconciled = clinic::last_reconciled(patient.medications, on);
      if (global->json) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& m : active) {
          list.push_back(clinic::to_json(m));
        }
        print_json({{"patient", o->patient},
                    {"on", clinic::format_date(on)},
                    {"medications", list},
                    {"last_reconciled",
                     reconciled ? nlohmann::json(clinic::format_date(*reconciled)) : nullptr},
                    {"warnings", warnings}});
        return {};
      }
      fmt::print("medications of patient {} on {} ({}):\n", o->patient, clinic::format_date(on),
                 reconciled ? "reconciled " + clinic::format_date(*reconciled)
                            : std::string("never reconciled"));
      for (const auto& m : active) {
        fmt::print("  {} {} {} (since {})\n", m.name, m.dose, m.frequency,
                   clinic::format_date(m.started_on));
      }
      if (active.empty()) {
        fmt::print("  none recorded\n");
      }
      print_warnings(warnings);
      return {};
    });
  });
}

}  // namespace

void add_medication_commands(CLI::App& clinic_app, const std::shared_ptr<GlobalOptions>& global,
                             Runners& runners) {
  CLI::App* medication = clinic_app.add_subcommand(
      "medication", "The patient's current medications, reconciled at each visit");
  medication->require_subcommand(1);
  add_entry_command(*medication, global, runners, clinic::MedicationAction::Start,
                    "A medication the patient takes (nurse, prescriber; audited)");
  add_entry_command(*medication, global, runners, clinic::MedicationAction::Stop,
                    "A medication stopped (audited)");
  add_entry_command(*medication, global, runners, clinic::MedicationAction::Reconcile,
                    "The list gone through with the patient at this visit (audited)");
  add_list_command(*medication, global, runners);
}

}  // namespace ketapath::cli::clinic_cli
