#include "core/units.h"
using namespace ketapath::core;
using namespace ketapath::core::literals;

// mg x kg is not a dose; only mg/kg x kg is.
auto f() {
#ifdef KETAPATH_MISUSE
  Milligrams dose = 0.5_mg * 70.0_kg;
#else
  Milligrams dose = 0.5_mg_per_kg * 70.0_kg;
#endif
  return dose;
}
