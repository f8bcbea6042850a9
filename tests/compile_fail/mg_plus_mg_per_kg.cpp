#include "core/units.h"
using namespace ketapath::core;
using namespace ketapath::core::literals;

// mg + mg/kg has no meaning.
auto f() {
#ifdef KETAPATH_MISUSE
  return 100.0_mg + 10.0_mg_per_kg;
#else
  return 100.0_mg + 10.0_mg;
#endif
}
