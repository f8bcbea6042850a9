#include "core/number_text.h"

#include <fmt/format.h>

namespace ketapath::core {

std::string display_number(double value, int decimals) {
  std::string s = fmt::format("{:.{}f}", value, decimals);
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') {
      s.pop_back();
    }
    if (!s.empty() && s.back() == '.') {
      s.pop_back();
    }
  }
  return s == "-0" ? "0" : s;
}

std::pair<std::string, std::string> distinct_numbers(double value, double limit, int decimals) {
  for (int d = decimals; d <= 9; ++d) {
    std::string a = display_number(value, d);
    std::string b = display_number(limit, d);
    if (a != b || value == limit) {
      return {std::move(a), std::move(b)};
    }
  }
  return {fmt::format("{}", value), fmt::format("{}", limit)};
}

}  // namespace ketapath::core
