#pragma once
// The one reader of a dose typed with its unit ("0.5mg/kg", "0.5 mg/kg", "35mg", "35 MG"), for
// every front end that takes one (`predict --dose`, `clinic dose --dose`, course plans). Units are
// types from here on: the text is read once, at the edge.

#include <string_view>
#include <variant>

#include "core/error.h"
#include "core/units.h"

namespace ketapath::core {

/// A dose as typed: per kilogram of body weight, or a total amount.
using DoseQuantity = std::variant<MilligramsPerKilogram, Milligrams>;

/// Parses a positive, finite dose with the unit mg/kg or mg (case and spaces ignored; a leading
/// zero is required, so ".5mg/kg" is refused with a hint). Errors name `field`, quote a bounded
/// excerpt of the text, and say what was expected:
///   InvalidArgument (malformed: no number, an unknown unit, inf/nan/hex, 0 or less).
[[nodiscard]] Result<DoseQuantity> parse_dose_quantity(std::string_view text,
                                                       std::string_view field);

}  // namespace ketapath::core
