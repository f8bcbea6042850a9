// `ketapath clinic consent record|list` and `clinic clear` (registers nothing itself; see
// cmd_clinic.cpp): the records of the clearance gate (clinic/clearance.h; docs/clinic.md "Gates").

#include <fmt/format.h>

#include "cli/clinic_commands.h"
#include "clinic/json/json.h"

namespace ketapath::cli::clinic_cli {
namespace {

using clinic::Json;

struct GateOptions {
  std::int64_t patient = 0;
  std::int64_t screening = 0;
  std::string date;
  std::string version;
  std::string witness;
  std::string reason;
};

}  // namespace

void add_gate_commands(CLI::App& clinic_app, const std::shared_ptr<GlobalOptions>& global,
                       Runners& runners) {
  auto o = std::make_shared<GateOptions>();
  CLI::App* consent =
      clinic_app.add_subcommand("consent", "Informed consent for ketamine treatment");
  consent->require_subcommand(1);
  consent->fallthrough();
  CLI::App* record =
      consent->add_subcommand("record", "Record a signed consent (date, form version, witness)");
  record->fallthrough();
  record->add_option("--patient", o->patient, "Patient id")->required();
  record->add_option("--date", o->date, "Day the patient signed, YYYY-MM-DD")->required();
  record->add_option("--version", o->version, "Consent form version")->required();
  record->add_option("--witness", o->witness, "Who witnessed the signature")->required();
  runners.emplace_back(record, [global, o] {
    return run([&]() -> core::Status {
      const auto on = KETAPATH_TRY(clinic::parse_date(o->date, "--date"));
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto recorded = KETAPATH_TRY(
          c.service->record_consent(clinic::PatientId(o->patient), on, o->version, o->witness));
      if (global->json) {
        print_json(clinic::to_json(recorded));
      } else {
        fmt::print("consent {} for patient {}: signed {}, form {}, witness {}\n",
                   recorded.id.value(), o->patient, clinic::format_date(recorded.consented_on),
                   recorded.form_version, recorded.witness);
      }
      return {};
    });
  });
  CLI::App* list = consent->add_subcommand("list", "A patient's recorded consents");
  list->fallthrough();
  list->add_option("--patient", o->patient, "Patient id")->required();
  runners.emplace_back(list, [global, o] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto consents = KETAPATH_TRY(c.service->consents(clinic::PatientId(o->patient)));
      if (global->json) {
        Json out = Json::array();
        for (const auto& x : consents) {
          out.push_back(clinic::to_json(x));
        }
        print_json({{"consents", out}});
        return {};
      }
      if (consents.empty()) {
        fmt::print("no consent recorded for patient {}\n", o->patient);
      }
      for (const auto& x : consents) {
        fmt::print("consent {}: signed {}, form {}, witness {} (recorded by {} at {})\n",
                   x.id.value(), clinic::format_date(x.consented_on), x.form_version, x.witness,
                   x.recorded_by, clinic::format_timestamp(x.recorded_at));
      }
      return {};
    });
  });

  CLI::App* clear = clinic_app.add_subcommand(
      "clear", "A prescriber clears a needs_review screening for treatment (audited)");
  clear->fallthrough();
  clear->add_option("--screening", o->screening, "Screening id")->required();
  clear->add_option("--reason", o->reason, "Why the review items do not stand in the way")
      ->required();
  runners.emplace_back(clear, [global, o] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto cleared =
          KETAPATH_TRY(c.service->clear_screening(clinic::ScreeningId(o->screening), o->reason));
      if (global->json) {
        print_json(clinic::to_json(cleared));
      } else {
        fmt::print("screening {} of patient {} cleared by {}: {}\n", cleared.screening.value(),
                   cleared.patient.value(), cleared.cleared_by, cleared.reason);
      }
      return {};
    });
  });
}

}  // namespace ketapath::cli::clinic_cli
