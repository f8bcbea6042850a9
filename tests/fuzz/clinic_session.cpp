// Session JSON (`clinic session record FILE`): parse, read, then the validation the service runs
// before it stores a session.
#include <chrono>

#include "clinic/json/json.h"
#include "clinic/domain/validation.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ketapath;
  using namespace std::chrono;
  constexpr std::string_view kOrigin = "session.json";
  const auto json = clinic::parse_json(fuzz::as_text(data, size), kOrigin);
  if (!json) {
    fuzz::check_refusal(json.error(), kOrigin);
    return 0;
  }
  const auto session = clinic::session_from_json(*json, kOrigin);
  if (!session) {
    fuzz::check_refusal(session.error(), kOrigin);
    return 0;
  }
  const clinic::Timestamp now = sys_days{year{2026} / 12 / 1} + hours{12};
  const auto valid = clinic::validate_session(*session, now, clinic::InputLimits{});
  if (!valid) {
    if (valid.error().code == core::ErrorCode::Internal) {
      fuzz::finding("refusal coded Internal (exit 1)", valid.error().message);
    }
  }
  return 0;
}
