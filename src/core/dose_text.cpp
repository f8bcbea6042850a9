#include "core/dose_text.h"

#include <cctype>
#include <string>

#include "core/check.h"

namespace ketapath::core {

Result<DoseQuantity> parse_dose_quantity(std::string_view text, std::string_view field) {
  std::string compact;
  for (const char ch : text.substr(0, 64)) {  // a dose is short: longer text is malformed anyway
    if (ch != ' ') {
      compact += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
  }
  if (text.size() > 64) {
    return fail(ErrorCode::InvalidArgument, "{}: \"{}\" is not a dose (expected e.g. 0.5mg/kg)",
                field, excerpt(text));
  }
  if (!compact.empty() && compact.front() == '.') {
    return fail(ErrorCode::InvalidArgument, "{}: write a leading zero, e.g. 0{} (got \"{}\")",
                field, excerpt(compact), excerpt(text));
  }
  // The number is the longest prefix of digits, sign, point and exponent; the rest is the unit.
  std::size_t split = 0;
  while (split < compact.size() &&
         (std::isdigit(static_cast<unsigned char>(compact[split])) != 0 ||
          compact[split] == '.' || compact[split] == '+' || compact[split] == '-' ||
          ((compact[split] == 'e') && split > 0 && split + 1 < compact.size() &&
           (std::isdigit(static_cast<unsigned char>(compact[split + 1])) != 0 ||
            compact[split + 1] == '+' || compact[split + 1] == '-')))) {
    ++split;
  }
  double value = 0.0;
  if (split == 0 || !parse_decimal(std::string_view(compact).substr(0, split), value)) {
    return fail(ErrorCode::InvalidArgument,
                "{}: \"{}\" is not a dose (expected a finite number and a unit, e.g. 0.5mg/kg)",
                field, excerpt(text));
  }
  const std::string_view unit = std::string_view(compact).substr(split);
  if (unit.empty()) {
    return fail(ErrorCode::InvalidArgument,
                "{}: give the unit, mg/kg or mg (got \"{}\"; e.g. {}mg/kg)", field, excerpt(text),
                excerpt(compact));
  }
  if (unit != "mg/kg" && unit != "mg") {
    return fail(ErrorCode::InvalidArgument, "{}: unit \"{}\" is not mg/kg or mg (got \"{}\")",
                field, excerpt(unit), excerpt(text));
  }
  KETAPATH_TRY(check_range(field, value, unit, positive(), ErrorCode::InvalidArgument));
  if (unit == "mg/kg") {
    return DoseQuantity(MilligramsPerKilogram(value));
  }
  return DoseQuantity(Milligrams(value));
}

}  // namespace ketapath::core
