#include "core/units.h"
using namespace ketapath::core;
using namespace ketapath::core::literals;

// A bare double never becomes an amount implicitly.
void f() {
#ifdef KETAPATH_MISUSE
  Milligrams dose = 100.0;
#else
  Milligrams dose{100.0};
#endif
  (void)dose;
}
