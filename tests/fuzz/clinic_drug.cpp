// Drug library entry JSON (`clinic drug set FILE`): parse, read, validate.
#include "clinic/domain/drug_library.h"
#include "clinic/json/json.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ketapath;
  constexpr std::string_view kOrigin = "drug.json";
  const auto json = clinic::parse_json(fuzz::as_text(data, size), kOrigin);
  if (!json) {
    fuzz::check_refusal(json.error(), kOrigin);
    return 0;
  }
  const auto entry = clinic::drug_entry_from_json(*json, kOrigin);
  if (!entry) {
    fuzz::check_refusal(entry.error(), kOrigin);
    return 0;
  }
  const auto valid = clinic::validate_drug_entry(*entry);
  if (!valid && valid.error().code == core::ErrorCode::Internal) {
    fuzz::finding("refusal coded Internal (exit 1)", valid.error().message);
  }
  return 0;
}
