#pragma once
// The edge units a file may write a parameter in, and their factor to the parameter's canonical
// unit: model files (`unit = "ng/mL"`) and subjects-file headers (`S_EC50[ng/mL]`) share it.
//
//   unit_factor("mg/L", "ng/mL") -> 1e-3      unit_factor("h", "d") -> 24
//   unit_factor("L/h", "mL/min") -> nullopt   (not an accepted spelling)

#include <optional>
#include <string_view>

namespace ketapath::io {

/// Factor from `given` to `canonical` (1 when equal), or nullopt if `given` is not an accepted
/// spelling of that quantity: ng/mL for mg/L, min and d for h, 1/min and 1/d for 1/h, fraction
/// for 1.
[[nodiscard]] std::optional<double> unit_factor(std::string_view canonical, std::string_view given);

}  // namespace ketapath::io
