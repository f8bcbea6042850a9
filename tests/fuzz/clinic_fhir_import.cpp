// FHIR R4 Bundles to import (`clinic import --format fhir FILE`): the bytes go through
// clinic::parse_json, then clinic::external_record_from_fhir, and an accepted record is imported
// by ClinicService::import_record into an in-memory clinic (a user with every clinical role).
// Findings beyond crashes and escaping exceptions: a refusal coded Internal, without a message,
// or (for malformed input) not naming the file; an accepted record whose parts do not name
// their entry; an import refused after the parser accepted it for a reason other than the
// clinic's own validation or the patient's age limits.
#include "clinic/fhir/fhir_import.h"
#include "clinic/json/json.h"
#include "fuzz/fuzz_clinic.h"
#include "fuzz/fuzz_support.h"

namespace {

using namespace ketapath;

struct World : fuzz::ClinicWorld {
  World() : ClinicWorld({clinic::Role::Admin, clinic::Role::Prescriber, clinic::Role::Nurse}) {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::string_view kOrigin = "bundle.json";
  const auto json = clinic::parse_json(fuzz::as_text(data, size), kOrigin);
  if (!json) {
    fuzz::check_refusal(json.error(), kOrigin);
    return 0;
  }
  auto record = clinic::external_record_from_fhir(*json, kOrigin);
  if (!record) {
    fuzz::check_refusal(record.error(), kOrigin);
    return 0;
  }
  for (const auto& part : record->diagnoses) {
    if (part.source.find(kOrigin) == std::string::npos) {
      fuzz::finding("a diagnosis that does not name its entry", part.source);
    }
  }
  for (const auto& part : record->ratings) {
    if (part.source.find(kOrigin) == std::string::npos) {
      fuzz::finding("a rating that does not name its entry", part.source);
    }
  }
  const auto imported = fuzz::world<World>().clinic.import_record(std::move(*record));
  if (!imported) {
    fuzz::check_refusal(imported.error(), kOrigin);
    if (imported.error().code != core::ErrorCode::Validation) {
      fuzz::finding("an accepted Bundle refused by the import other than by validation",
                    imported.error().message);
    }
  }
  return 0;
}
