#include "pd/sex.h"

#include <array>
#include <string>

#include "core/text.h"

namespace ketapath::pd {
namespace {

constexpr std::array<std::string_view, 3> kSexNames{"F", "M", "X"};

}  // namespace

std::string_view sex_name(Sex sex) {
  return kSexNames[static_cast<std::size_t>(sex)];
}

core::Result<Sex> parse_sex(std::string_view text) {
  const std::string key = core::ascii_upper(text);
  for (std::size_t i = 0; i < kSexNames.size(); ++i) {
    if (key == kSexNames[i]) {
      return static_cast<Sex>(i);
    }
  }
  return core::fail(core::ErrorCode::InvalidArgument, "sex: \"{}\" is not one of f, m, x", text);
}

}  // namespace ketapath::pd
