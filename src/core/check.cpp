#include "core/check.h"

#include <cctype>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace ketapath::core {
namespace {

std::string with_unit(std::string_view number, std::string_view unit) {
  return unit.empty() ? std::string(number) : fmt::format("{} {}", number, unit);
}

// Refusals by a size limit say where the limits are documented.
const char* limit_note(ErrorCode code) {
  return code == ErrorCode::LimitExceeded ? " (a limit of docs/limits.md)" : "";
}

}  // namespace

bool Range::contains(double v) const {
  if (!std::isfinite(v)) {
    return false;
  }
  const bool above = low_open ? v > low : v >= low;
  const bool below = high_open ? v < high : v <= high;
  return above && below;
}

std::string Range::describe() const {
  const bool has_low = std::isfinite(low);
  const bool has_high = std::isfinite(high);
  if (has_low && has_high && !low_open && !high_open) {
    // "20-300", or "-10 to 10" when a dash would read as a minus sign.
    return low < 0.0 || high < 0.0 ? fmt::format("{} to {}", low, high)
                                   : fmt::format("{}-{}", low, high);
  }
  const std::string lower = has_low ? fmt::format("{} {}", low_open ? ">" : ">=", low) : "";
  const std::string upper = has_high ? fmt::format("{} {}", high_open ? "<" : "<=", high) : "";
  if (has_low && has_high) {
    return fmt::format("{} and {}", lower, upper);
  }
  if (has_low || has_high) {
    return has_low ? lower : upper;
  }
  return "a finite number";
}

Error range_error(std::string_view field, std::string_view bounds, std::string_view got,
                  ErrorCode code) {
  return Error{code, fmt::format("{} must be {} (got {}){}", field, bounds, got, limit_note(code))};
}

std::string range_message(std::string_view field, double value, std::string_view unit,
                          const Range& range) {
  return range_error(field, with_unit(range.describe(), unit),
                     with_unit(fmt::format("{}", value), unit), ErrorCode::Validation)
      .message;
}

Status check_range(std::string_view field, double value, std::string_view unit, const Range& range,
                   ErrorCode code) {
  if (range.contains(value)) {
    return {};
  }
  return std::unexpected(range_error(field, with_unit(range.describe(), unit),
                                     with_unit(fmt::format("{}", value), unit), code));
}

Status check_count(std::string_view field, long long value, std::string_view unit, long long low,
                   long long high, ErrorCode code) {
  if (value >= low && value <= high) {
    return {};
  }
  // "1-7", ">= 1", or "-10 to 10" when a dash would read as a minus sign (as Range::describe).
  const std::string bounds = high == kUnbounded ? fmt::format(">= {}", low)
                             : low < 0          ? fmt::format("{} to {}", low, high)
                                                : fmt::format("{}-{}", low, high);
  return std::unexpected(
      range_error(field, with_unit(bounds, unit), with_unit(fmt::format("{}", value), unit), code));
}

Status check_limited_count(std::string_view field, long long value, std::string_view unit,
                           long long low, long long limit) {
  KETAPATH_TRY(check_count(field, value, unit, low, kUnbounded, ErrorCode::InvalidArgument));
  return check_count(field, value, unit, low, limit, ErrorCode::LimitExceeded);
}

std::string excerpt(std::string_view text, std::size_t max_chars) {
  std::string out;
  std::size_t shown = 0;
  for (const char c : text) {
    if (shown == max_chars) {
      out += "...";
      break;
    }
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u >= 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
    ++shown;
  }
  return out;
}

bool parse_decimal(std::string_view text, double& out) {
  // The grammar first, so from_chars (which also reads "inf", "nan" and, with
  // chars_format::hex, hex floats) only ever sees a plain decimal.
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0) {
      ++i;
    }
    return i - start;
  };
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    ++i;
  }
  std::size_t mantissa = digits();
  if (i < text.size() && text[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) {
    return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      ++i;
    }
    if (digits() == 0) {
      return false;
    }
  }
  if (i != text.size()) {
    return false;
  }
  // from_chars does not take a leading '+'.
  const std::string_view body = text.front() == '+' ? text.substr(1) : text;
  double value = 0.0;
  const auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), value);
  if (ec != std::errc() || ptr != body.data() + body.size() || !std::isfinite(value)) {
    return false;  // out of range (1e309) or not finite
  }
  out = value;
  return true;
}

}  // namespace ketapath::core
