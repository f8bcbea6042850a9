// `ketapath clinic export` (registers nothing itself; see cmd_clinic.cpp): the patient's record
// in FHIR R4 (clinic/fhir/fhir_export.h, docs/fhir.md).

#include <fmt/format.h>

#include "cli/clinic_commands.h"
#include "clinic/fhir/fhir_export.h"
#include "core/private_file.h"

namespace ketapath::cli::clinic_cli {
namespace {

struct ExchangeOptions {
  std::int64_t patient = 0;
  std::string format;
  std::string output;
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
      "export", "A patient's record as a FHIR R4 Bundle (--format fhir --patient N)");
  command->fallthrough();
  command->add_option("--format", o->format, "fhir")->required();
  command->add_option("--patient", o->patient, "Patient id")->required();
  command->add_option("--output,-o", o->output, "Write to this file instead of stdout");
  runners.emplace_back(command, [global, o] {
    return run([&]() -> core::Status {
      if (o->format != "fhir") {
        return core::fail(core::ErrorCode::InvalidArgument, "--format: expected fhir (got \"{}\")",
                          o->format);
      }
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto data =
          KETAPATH_TRY(clinic::fhir_export_data(*c.service, clinic::PatientId(o->patient)));
      return deliver(clinic::fhir_bundle(data).dump(2) + "\n", o->output);
    });
  });
}

}  // namespace

void add_exchange_commands(CLI::App& clinic, const std::shared_ptr<GlobalOptions>& global,
                           Runners& runners) {
  add_export_command(clinic, global, runners);
}

}  // namespace ketapath::cli::clinic_cli
