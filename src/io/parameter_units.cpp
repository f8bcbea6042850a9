#include "io/parameter_units.h"

namespace ketapath::io {

std::optional<double> unit_factor(std::string_view canonical, std::string_view given) {
  if (given == canonical) {
    return 1.0;
  }
  if (canonical == "mg/L" && given == "ng/mL") {
    return 1e-3;
  }
  if (canonical == "h" && given == "min") {
    return 1.0 / 60.0;
  }
  if (canonical == "h" && given == "d") {
    return 24.0;
  }
  if (canonical == "1/h" && given == "1/min") {
    return 60.0;
  }
  if (canonical == "1/h" && given == "1/d") {
    return 1.0 / 24.0;
  }
  if (canonical == "1" && given == "fraction") {
    return 1.0;
  }
  return std::nullopt;
}

}  // namespace ketapath::io
