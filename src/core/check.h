#pragma once
// The one range check: field, value, unit and bounds in, one message format out.
//
//   check_range("weights[1]: body weight", 700.0, "kg", {20.0, 300.0})
//     -> Validation "weights[1]: body weight must be 20-300 kg (got 700 kg)"
//   check_range("--hours", 1e9, "h", {.low = 0.0, .high = 87600.0, .low_open = true},
//               ErrorCode::LimitExceeded)
//     -> "--hours must be > 0 and <= 87600 h (got 1e+09 h)"
//
// A non-finite value (nan, inf) always fails, whatever the bounds. `field` is what the reader
// should look at: "file.json: vitals[2].systolic_mmhg", "doses.csv:3: AMT", "--weight-kg".

#include <concepts>
#include <functional>
#include <limits>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ketapath::core {

struct Range {
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();
  bool low_open = false;   ///< value must be > low (else >= low)
  bool high_open = false;  ///< value must be < high (else <= high)

  [[nodiscard]] bool contains(double v) const;
  /// "20-300", "> 0", ">= 0 and <= 52", "> 0 and < 1", "any finite number".
  [[nodiscard]] std::string describe() const;
};

/// Range{low, high} with both ends open or closed on request; convenience constructors.
[[nodiscard]] inline constexpr Range positive() {
  return Range{.low = 0.0, .low_open = true};
}

[[nodiscard]] inline constexpr Range non_negative() {
  return Range{.low = 0.0};
}

/// [0, 1]: "0-1".
[[nodiscard]] inline constexpr Range fraction() {
  return Range{.low = 0.0, .high = 1.0};
}

/// The one message: "<field> must be <range> <unit> (got <value> <unit>)".
[[nodiscard]] std::string range_message(std::string_view field, double value, std::string_view unit,
                                        const Range& range);

/// ErrorCode `code` (Validation unless told) with range_message when `value` is not finite or
/// outside `range`.
[[nodiscard]] Status check_range(std::string_view field, double value, std::string_view unit,
                                 const Range& range, ErrorCode code = ErrorCode::Validation);

/// The same with the field named by `field()` only when the check fails, for loops over many
/// values where formatting every name would cost more than the check:
///   check_range([&] { return fmt::format("dose {} time", i + 1); }, t, "h", non_negative())
template <std::invocable Field>
[[nodiscard]] Status check_range(Field&& field, double value, std::string_view unit,
                                 const Range& range, ErrorCode code = ErrorCode::Validation) {
  if (range.contains(value)) {
    return {};
  }
  return check_range(std::string_view(std::invoke(field)), value, unit, range, code);
}

/// No upper bound for check_count.
inline constexpr long long kUnbounded = std::numeric_limits<long long>::max();

/// The same for whole numbers (values print exactly, not as 1e+09). With `high` kUnbounded (the
/// default) the range reads ">= <low>": check_count("trial: replicates", 0, "", 1) ->
/// "trial: replicates must be >= 1 (got 0)".
[[nodiscard]] Status check_count(std::string_view field, long long value, std::string_view unit,
                                 long long low, long long high = kUnbounded,
                                 ErrorCode code = ErrorCode::Validation);

/// check_count with the field named by `field()` only when the check fails (as check_range).
template <std::invocable Field>
[[nodiscard]] Status check_count(Field&& field, long long value, std::string_view unit,
                                 long long low, long long high = kUnbounded,
                                 ErrorCode code = ErrorCode::Validation) {
  if (value >= low && value <= high) {
    return {};
  }
  return check_count(std::string_view(std::invoke(field)), value, unit, low, high, code);
}

/// A count with a minimum and a size limit of core/limits.h: below `low` it is InvalidArgument
/// ("trial: replicates must be >= 1 (got 0)"), above `limit` LimitExceeded ("... must be
/// 1-100000 (got 200000) (a limit of docs/limits.md)").
[[nodiscard]] Status check_limited_count(std::string_view field, long long value,
                                         std::string_view unit, long long low, long long limit);

/// The same message for a value that is not a plain number (a date, a time of day), already
/// printed: "<field> must be <bounds> (got <got>)". check_range and check_count build theirs
/// with it, so every range error reads the same.
[[nodiscard]] Error range_error(std::string_view field, std::string_view bounds,
                                std::string_view got, ErrorCode code = ErrorCode::Validation);

/// A bounded, printable excerpt of untrusted text for an error message: at most `max_chars`
/// characters, control and non-ASCII bytes escaped (\n, \x1b), "..." when cut. Never the whole
/// input: a message must not repeat megabytes (or terminal escapes) it was given.
[[nodiscard]] std::string excerpt(std::string_view text, std::size_t max_chars = 40);

/// Parses a whole decimal number: [+-]digits[.digits][(e|E)[+-]digits] (or .digits), finite as
/// a double. Refuses inf, nan, hex floats ("0x1p3"), 1e309, empty text and trailing characters.
[[nodiscard]] bool parse_decimal(std::string_view text, double& out);

}  // namespace ketapath::core
