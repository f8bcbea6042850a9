#pragma once
// Shared by the fuzz harnesses (tests/fuzz/README.md). Each harness defines
// LLVMFuzzerTestOneInput; it is linked either with libFuzzer (the `fuzz` preset, clang-16) or with
// replay_main.cpp (every other build), which runs it over the committed corpus as a ctest.
//
// What a harness treats as a finding, beyond what the sanitizers catch:
// - an exception escaping a parser (libFuzzer and the replay driver abort on it);
// - a refusal coded Internal (input problems are never exit code 1, conventions.md);
// - a refusal whose message is empty, or, for malformed input (any code but Validation), does not
//   name the input (its file or field). Validation refusals come from the domain checks that run
//   after reading (validate_drug_entry, validate_thresholds), which name the entity and field
//   ("drug library: ketamine sc: ...") rather than the file.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace ketapath::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

[[noreturn]] inline void finding(std::string_view what, std::string_view detail) {
  std::fprintf(stderr, "fuzz finding: %.*s: %.*s\n", static_cast<int>(what.size()), what.data(),
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

/// A refusal: not Internal, a message, and unless it is a Validation refusal the message names
/// `origin` (the file name or the field the harness passed in).
inline void check_refusal(const core::Error& error, std::string_view origin) {
  if (error.code == core::ErrorCode::Internal) {
    finding("refusal coded Internal (exit 1)", error.message);
  }
  if (error.message.empty()) {
    finding("refusal without a message", origin);
  }
  if (error.code != core::ErrorCode::Validation &&
      error.message.find(origin) == std::string::npos) {
    finding("refusal that does not name the input", error.message);
  }
}

}  // namespace ketapath::fuzz
