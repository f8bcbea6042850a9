#include "core/units.h"
using namespace ketapath::core;
using namespace ketapath::core::literals;

// mg/L and ng/mL differ by a factor of 1000; they do not mix.
auto f() {
#ifdef KETAPATH_MISUSE
  return 0.2_mg_per_L + 150.0_ng_per_mL;
#else
  return 0.2_mg_per_L + to_mg_per_l(150.0_ng_per_mL);
#endif
}
