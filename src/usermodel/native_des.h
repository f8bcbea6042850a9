#pragma once
// A user model's $DES compiled to machine code, as mrgsolve and rxode2 compile theirs: the
// translated statements (translate.h) become one C++ function over the model's slots, built by the
// system compiler into a shared library and loaded with dlopen. The library is cached by a hash
// of its source and compiler command, so a model is compiled once per machine (about 0.3 s) and
// loaded in microseconds afterwards.
//
// Where: $KETAPATH_CACHE_DIR, else $XDG_CACHE_HOME/ketapath, else $HOME/.cache/ketapath; the
// libraries and their sources (des-<hash>.cpp, readable for checking) go in models/ beneath, a
// directory only its owner may write (checked before anything is loaded from it).
// Compiler: $KETAPATH_CXX, else c++. KETAPATH_CXX=none turns compilation off.
// Any failure (no compiler, an unsafe directory, a compiler error) is returned as an error, and the
// caller runs $DES on muparser instead.

#include <string>

#include "core/error.h"

namespace ketapath::usermodel {

struct NativeDes {
  /// Runs $DES on the slots; returns 0 when a value is not finite, 1 otherwise.
  using Function = int (*)(double* slots);
  Function function = nullptr;
  std::string library;  ///< the shared library's path
};

/// `source` is a C++17 translation unit defining extern "C" int ketapath_des(double*). The same
/// source loads once per process (later calls return the loaded function). Thread-safe.
core::Result<NativeDes> load_native_des(const std::string& source);

}  // namespace ketapath::usermodel
