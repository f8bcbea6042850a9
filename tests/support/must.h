#pragma once
// The value of a Result in a test, or a clean failure of that test naming the error.
//
// Dereferencing a failed Result (`*result`) is undefined behaviour and can take the whole test
// binary down with it; `.value()` throws std::bad_expected_access, whose text says nothing about
// the error. must() throws FailedResult instead, with where it was called and the error's code
// and message, and GoogleTest reports that text as the failure of the one test that hit it.
//   const auto rows = must(read_nmtran(path));
//   must(store.save(patient));            // a Status

#include <source_location>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "core/error.h"

namespace ketapath::testing {

struct FailedResult : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] inline void fail_result(const core::Error& error, const std::source_location& where) {
  throw FailedResult(fmt::format("{}:{}: expected a value, got {}: {}", where.file_name(),
                                 where.line(), core::error_code_name(error.code), error.message));
}

template <class T>
T must(core::Result<T> result, std::source_location where = std::source_location::current()) {
  if (!result) {
    fail_result(result.error(), where);
  }
  return std::move(*result);
}

inline void must(const core::Status& status,
                 std::source_location where = std::source_location::current()) {
  if (!status) {
    fail_result(status.error(), where);
  }
}

}  // namespace ketapath::testing
