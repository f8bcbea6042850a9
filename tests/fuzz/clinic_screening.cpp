// Screening answers JSON (`clinic screen --input FILE`): parse, read, then screen a fixed adult
// patient with a primary GAD diagnosis against the answers.
#include <chrono>

#include "clinic/json/json.h"
#include "clinic/domain/screen.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ketapath;
  using namespace std::chrono;
  constexpr std::string_view kOrigin = "screening.json";
  const auto json = clinic::parse_json(fuzz::as_text(data, size), kOrigin);
  if (!json) {
    fuzz::check_refusal(json.error(), kOrigin);
    return 0;
  }
  const auto input = clinic::screening_input_from_json(*json, kOrigin);
  if (!input) {
    fuzz::check_refusal(input.error(), kOrigin);
    return 0;
  }
  static const clinic::Patient patient = [] {
    clinic::Patient p;
    p.name = "Fuzz Patient";
    p.birth_date = sys_days{year{1980} / 1 / 1};
    p.sex = clinic::Sex::Female;
    p.weights.push_back({sys_days{year{2026} / 11 / 1}, core::Kilograms(70.0), false});
    p.diagnoses.push_back({clinic::Disorder::Gad, "F41.1", sys_days{year{2020} / 1 / 1}, true});
    return p;
  }();
  (void)clinic::screen(patient, *input, sys_days{year{2026} / 12 / 1});
  return 0;
}
