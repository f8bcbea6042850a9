#include "core/allocator.h"

#include <cstdlib>  // defines __GLIBC__ on glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace ketapath::core {

void tune_allocator() {
#if defined(__GLIBC__)
  mallopt(M_TOP_PAD, 16 << 20);
#endif
}

}  // namespace ketapath::core
