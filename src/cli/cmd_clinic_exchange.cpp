// `ketapath clinic export|import` (registers nothing itself; see cmd_clinic.cpp): the patient's
// record in FHIR R4 (clinic/fhir/fhir_export.h), the de-identified research CSV
// (ClinicService::research_export), and a patient with an external history from a FHIR R4
// Bundle (clinic/fhir/fhir_import.h, ClinicService::import_record; docs/fhir.md).

#include <fmt/format.h>

#include "cli/clinic_commands.h"
#include "clinic/fhir/fhir_export.h"
#include "clinic/fhir/fhir_import.h"
#include "clinic/json/json.h"
#include "core/private_file.h"

namespace ketapath::cli::clinic_cli {
namespace {

struct ExchangeOptions {
  std::int64_t patient = 0;
  std::string format;
  std::string output;
  std::string input;
};

// Prints the text or writes it, readable by its owner only (patient data).
core::Status deliver(const std::string& text, const std::string& output) {
  if (output.empty()) {
    fmt::print("{}", text);
    return {};
  }
  KETAPATH_TRY(core::write_private_file(output, text));
  fmt::print(stderr, "wrote {}\n", output);
  return {};
}

void add_export_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                        Runners& runners) {
  auto o = std::make_shared<ExchangeOptions>();
  CLI::App* command = parent.add_subcommand(
      "export",
      "A patient's record as a FHIR R4 Bundle (--format fhir --patient N), or the de-identified "
      "research CSV across patients (--format research-csv; admin)");
  command->fallthrough();
  command->add_option("--format", o->format, "fhir or research-csv")->required();
  command->add_option("--patient", o->patient, "Patient id (fhir)");
  command->add_option("--output,-o", o->output, "Write to this file instead of stdout");
  runners.emplace_back(command, [global, o] {
    return run([&]() -> core::Status {
      if (o->format == "research-csv") {
        if (o->patient != 0) {
          return core::fail(core::ErrorCode::InvalidArgument,
                            "--patient: the research export covers every patient; leave it out");
        }
        auto c = KETAPATH_TRY(open_clinic(*global));
        const auto csv = KETAPATH_TRY(c.service->research_export());
        KETAPATH_TRY(deliver(csv.text, o->output));
        fmt::print(stderr, "research export: {} subjects, {} rows (de-identified)\n", csv.subjects,
                   csv.rows);
        return {};
      }
      if (o->format != "fhir") {
        return core::fail(core::ErrorCode::InvalidArgument,
                          "--format: expected fhir or research-csv (got \"{}\")", o->format);
      }
      if (o->patient <= 0) {
        return core::fail(core::ErrorCode::InvalidArgument,
                          "--patient: required with --format fhir (a patient id)");
      }
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto data =
          KETAPATH_TRY(clinic::fhir_export_data(*c.service, clinic::PatientId(o->patient)));
      return deliver(clinic::fhir_bundle(data).dump(2) + "\n", o->output);
    });
  });
}

void print_import(const clinic::ImportResult& r, std::size_t diagnoses, std::size_t weights) {
  fmt::print("imported patient {}: {} diagnoses, {} weights, {} ratings (external history)\n",
             r.patient.value(), diagnoses, weights, r.assessments.size());
  for (const auto& line : r.not_imported) {
    fmt::print("not imported: {}\n", line);
  }
  for (const auto& a : r.alerts) {
    fmt::print("ALERT ({}): {}\n", clinic::to_string(a.level), a.message);
  }
}

void add_import_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                        Runners& runners) {
  auto o = std::make_shared<ExchangeOptions>();
  CLI::App* command = parent.add_subcommand(
      "import", "A new patient with a history from a FHIR R4 Bundle (--format fhir FILE)");
  command->fallthrough();
  command->add_option("--format", o->format, "fhir")->required();
  command->add_option("file", o->input, "The Bundle (JSON)")->required();
  runners.emplace_back(command, [global, o] {
    return run([&]() -> core::Status {
      if (o->format != "fhir") {
        return core::fail(core::ErrorCode::InvalidArgument, "--format: expected fhir (got \"{}\")",
                          o->format);
      }
      const auto bundle = KETAPATH_TRY(clinic::read_json_file(o->input));
      auto record = KETAPATH_TRY(clinic::external_record_from_fhir(bundle, o->input));
      const std::size_t diagnoses = record.diagnoses.size();
      const std::size_t weights = record.weights.size();
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto result = KETAPATH_TRY(c.service->import_record(std::move(record)));
      if (global->json) {
        clinic::Json alerts = clinic::Json::array();
        for (const auto& a : result.alerts) {
          alerts.push_back(clinic::to_json(a));
        }
        print_json({{"id", result.patient.value()},
                    {"diagnoses", diagnoses},
                    {"weights", weights},
                    {"ratings", result.assessments.size()},
                    {"alerts", alerts},
                    {"not_imported", result.not_imported}});
        return {};
      }
      print_import(result, diagnoses, weights);
      return {};
    });
  });
}

}  // namespace

void add_exchange_commands(CLI::App& clinic, const std::shared_ptr<GlobalOptions>& global,
                           Runners& runners) {
  add_export_command(clinic, global, runners);
  add_import_command(clinic, global, runners);
}

}  // namespace ketapath::cli::clinic_cli
