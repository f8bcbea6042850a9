// `ketapath clinic amend session|assessment|screening ID --set FIELD=VALUE ... --reason TEXT` and
// `ketapath clinic amendments --patient N` (registers nothing itself; see cmd_clinic.cpp):
// corrections of signed records (issue 15 item 6). Parse, call the service, print.

#include <fmt/format.h>

#include "cli/clinic_commands.h"
#include "clinic/json/json.h"

namespace ketapath::cli::clinic_cli {
namespace {

struct AmendOptions {
  std::int64_t record = 0;
  std::vector<std::string> sets;
  std::string reason;
};

core::Result<std::vector<clinic::FieldChange>> parse_sets(const std::vector<std::string>& sets) {
  std::vector<clinic::FieldChange> changes;
  for (const std::string& set : sets) {
    const auto eq = set.find('=');
    if (eq == std::string::npos || eq == 0) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "--set: \"{}\" must read FIELD=VALUE (vitals.2.systolic=142)", set);
    }
    changes.push_back({set.substr(0, eq), set.substr(eq + 1)});
  }
  return changes;
}

void print_result(const clinic::AmendmentResult& r, bool json) {
  if (json) {
    nlohmann::json amendments = nlohmann::json::array();
    for (const auto& a : r.amendments) {
      amendments.push_back(clinic::to_json(a));
    }
    nlohmann::json alerts = nlohmann::json::array();
    for (const auto& a : r.alerts) {
      alerts.push_back(clinic::to_json(a));
    }
    nlohmann::json record = r.session      ? clinic::to_json(*r.session)
                            : r.assessment ? clinic::to_json(*r.assessment)
                                           : clinic::to_json(*r.screening);
    print_json({{"amendments", amendments},
                {"record", record},
                {"alerts", alerts},
                {"warnings", r.warnings}});
    return;
  }
  for (const auto& a : r.amendments) {
    fmt::print("amendment {}: {} {} {}: {} -> {} ({})\n", a.id.value(), clinic::to_string(a.kind),
               a.record, a.field, a.original, a.amended, a.reason);
  }
  if (r.screening) {
    fmt::print("screening {} amends screening {}: {}\n", r.screening->id.value(),
               r.screening->amends->value(), clinic::to_string(r.screening->result.eligibility));
  }
  for (const auto& alert : r.alerts) {
    fmt::print("ALERT {} {}\n", alert.id.value(), alert.message);
  }
  for (const auto& w : r.warnings) {
    fmt::print("WARNING {}\n", w);
  }
}

void add_amend_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                       Runners& runners, clinic::AmendedKind kind, const std::string& fields) {
  auto o = std::make_shared<AmendOptions>();
  const std::string name(clinic::to_string(kind));
  CLI::App* cmd = parent.add_subcommand(name, "Amend a signed " + name + " (" + fields + ")");
  cmd->fallthrough();
  cmd->add_option("id", o->record, "The " + name + "'s id")->required();
  cmd->add_option("--set", o->sets, "FIELD=VALUE, repeatable")->required();
  cmd->add_option("--reason", o->reason, "Why the signed record is corrected")->required();
  runners.emplace_back(cmd, [global, o, kind] {
    return run([&]() -> core::Status {
      const auto changes = KETAPATH_TRY(parse_sets(o->sets));
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto result = KETAPATH_TRY(c.service->amend(
          {.kind = kind, .record = o->record, .changes = changes, .reason = o->reason}));
      print_result(result, global->json);
      return {};
    });
  });
}

void add_list_command(CLI::App& clinic_app, const std::shared_ptr<GlobalOptions>& global,
                      Runners& runners) {
  auto patient = std::make_shared<std::int64_t>(0);
  CLI::App* cmd =
      clinic_app.add_subcommand("amendments", "A patient's amendments of signed records");
  cmd->fallthrough();
  cmd->add_option("--patient", *patient, "Patient id")->required();
  runners.emplace_back(cmd, [global, patient] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto list = KETAPATH_TRY(c.service->amendments(clinic::PatientId(*patient)));
      if (global->json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& a : list) {
          out.push_back(clinic::to_json(a));
        }
        print_json({{"patient", *patient}, {"amendments", out}});
        return {};
      }
      for (const auto& a : list) {
        fmt::print("{} {} {} {} {}: {} -> {} by {}: {}\n", a.id.value(),
                   clinic::format_timestamp(a.amended_at), clinic::to_string(a.kind), a.record,
                   a.field, a.original, a.amended, a.amended_by, a.reason);
      }
      if (list.empty()) {
        fmt::print("no amendments for patient {}\n", *patient);
      }
      return {};
    });
  });
}

}  // namespace

void add_amendment_commands(CLI::App& clinic_app, const std::shared_ptr<GlobalOptions>& global,
                            Runners& runners) {
  CLI::App* amend = clinic_app.add_subcommand(
      "amend", "Correct a signed record by an amendment that keeps the original (audited)");
  amend->require_subcommand(1);
  add_amend_command(*amend, global, runners, clinic::AmendedKind::Session,
                    "notes, vitals.N.systolic|diastolic|heart_rate|spo2, ratings.N.items, "
                    "adverse_events.N.description|action|outcome|severity|resolved|serious");
  add_amend_command(*amend, global, runners, clinic::AmendedKind::Assessment, "items, notes");
  add_amend_command(*amend, global, runners, clinic::AmendedKind::Screening,
                    "gad.<answer>, gad.worry_duration_months, contraindications.<answer>: "
                    "yes, no or unknown; re-evaluated into a new screening");
  add_list_command(clinic_app, global, runners);
}

}  // namespace ketapath::cli::clinic_cli
