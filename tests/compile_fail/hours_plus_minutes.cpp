#include "core/units.h"
using namespace ketapath::core;
using namespace ketapath::core::literals;

// Hours and minutes do not add without an explicit conversion.
auto f() {
#ifdef KETAPATH_MISUSE
  return 1.0_h + 30.0_min;
#else
  return 1.0_h + to_hours(30.0_min);
#endif
}
