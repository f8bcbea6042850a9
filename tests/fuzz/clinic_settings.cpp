// Settings JSON (`clinic settings set dosing_policy|safety_thresholds|screening_policy FILE`, and
// the same text when the service reads a stored setting back): each reader on the same input.
#include "clinic/json/json.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ketapath;
  constexpr std::string_view kOrigin = "settings.json";
  const auto json = clinic::parse_json(fuzz::as_text(data, size), kOrigin);
  if (!json) {
    fuzz::check_refusal(json.error(), kOrigin);
    return 0;
  }
  if (const auto v = clinic::dosing_policy_from_json(*json, kOrigin); !v) {
    fuzz::check_refusal(v.error(), kOrigin);
  }
  if (const auto v = clinic::safety_thresholds_from_json(*json, kOrigin); !v) {
    fuzz::check_refusal(v.error(), kOrigin);
  }
  if (const auto v = clinic::screening_policy_from_json(*json, kOrigin); !v) {
    fuzz::check_refusal(v.error(), kOrigin);
  }
  return 0;
}
