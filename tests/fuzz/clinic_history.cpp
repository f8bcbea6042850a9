// Treatment history JSON (`clinic patient add --history FILE`, `clinic patient history`): parse,
// read, then validate each trial as the service does.
#include <chrono>

#include <fmt/format.h>

#include "clinic/json/json.h"
#include "clinic/domain/validation.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ketapath;
  using namespace std::chrono;
  constexpr std::string_view kOrigin = "history.json";
  const auto json = clinic::parse_json(fuzz::as_text(data, size), kOrigin);
  if (!json) {
    fuzz::check_refusal(json.error(), kOrigin);
    return 0;
  }
  const auto trials = clinic::treatment_history_from_json(*json, kOrigin);
  if (!trials) {
    fuzz::check_refusal(trials.error(), kOrigin);
    return 0;
  }
  const clinic::Date today = sys_days{year{2026} / 12 / 1};
  for (std::size_t i = 0; i < trials->size(); ++i) {
    const auto field = fmt::format("treatment_history[{}]", i);
    const auto valid = clinic::validate_treatment_trial((*trials)[i], today, field);
    if (!valid) {
      fuzz::check_refusal(valid.error(), field);
    }
  }
  return 0;
}
