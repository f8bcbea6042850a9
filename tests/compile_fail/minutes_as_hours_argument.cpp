#include "core/units.h"
using namespace ketapath::core;
using namespace ketapath::core::literals;

// A function taking hours refuses minutes.
double exponent(PerHour k, Hours t) {
  return k * t;
}

double f() {
#ifdef KETAPATH_MISUSE
  return exponent(1.0_per_h, 40.0_min);
#else
  return exponent(1.0_per_h, to_hours(40.0_min));
#endif
}
