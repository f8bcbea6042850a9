#include "pd/sex.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace ketapath::pd {
namespace {

constexpr std::array<std::string_view, 3> kSexNames{"F", "M", "X"};

}  // namespace

std::string_view sex_name(Sex sex) {
  return kSexNames[static_cast<std::size_t>(sex)];
}

core::Result<Sex> parse_sex(std::string_view text) {
  std::string key(text);
  std::ranges::transform(key, key.begin(),
                         [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  for (std::size_t i = 0; i < kSexNames.size(); ++i) {
    if (key == kSexNames[i]) {
      return static_cast<Sex>(i);
    }
  }
  return core::fail(core::ErrorCode::InvalidArgument, "sex: \"{}\" is not one of f, m, x", text);
}

}  // namespace ketapath::pd
