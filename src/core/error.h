#pragma once
// One error type for the whole project: a closed set of codes and one message format.
// Expected failures are values (Result<T>); programmer errors use KETAPATH_ASSERT.
//
// Message format: "<where>: <what> <problem> (got <value> <unit>)", for example
//   "doses.csv:3: TIME: \"abc\" is not a number"
//   "one_cmt: parameter CL must be > 0 (got -1)"

#include <expected>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace ketapath::core {

// X-macro: code, short name. Exit codes and HTTP statuses are mapped from these in exactly one
// place each (cli/exit_code.cpp, server).
#define KETAPATH_ENUMERATE_ERRORS(X)                                            \
  X(InvalidArgument, "invalid argument") /* bad option or parameter value */    \
  X(InvalidData, "invalid data")         /* a malformed input file or record */ \
  X(Validation, "validation failed")     /* clinical input out of range */      \
  X(LimitExceeded, "limit exceeded")     /* dose limit, needs override */       \
  X(NotFound, "not found")               /* unknown id, model, file */          \
  X(Conflict, "conflict")                /* duplicate or stale write */         \
  X(Storage, "storage failure")          /* database or disk failure */         \
  X(Solver, "solver failure")            /* ODE solver did not converge */      \
  X(Io, "i/o failure")                   /* cannot read or write a file */      \
  X(Integrity, "integrity failure")      /* audit chain or checksum broken */   \
  X(Unauthorized, "unauthorized")        /* sign-in or role missing */          \
  X(Internal, "internal error")

enum class ErrorCode : unsigned char {
#define KETAPATH_ERROR_ENUM(code, text) code,
  KETAPATH_ENUMERATE_ERRORS(KETAPATH_ERROR_ENUM)
#undef KETAPATH_ERROR_ENUM
};

/// Short human name of an error code ("invalid data").
std::string_view error_code_name(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::Internal;
  std::string message;

  bool operator==(const Error&) const = default;
};

template <class T>
using Result = std::expected<T, Error>;

/// Result<void> for operations that return nothing on success.
using Status = std::expected<void, Error>;

/// Builds the unexpected value: `return fail(ErrorCode::InvalidData, "{}:{}: ...", file, line);`
template <class... Args>
[[nodiscard]] std::unexpected<Error> fail(ErrorCode code, fmt::format_string<Args...> format,
                                          Args&&... args) {
  return std::unexpected(Error{code, fmt::format(format, std::forward<Args>(args)...)});
}

/// Prefixes context to an error's message ("loading glue2017: " + message), keeping its code.
[[nodiscard]] Error with_context(Error error, std::string_view context);

[[noreturn]] void assertion_failed(const char* condition, const char* why, const char* file,
                                   int line);

}  // namespace ketapath::core

/// A programmer error: aborts with the condition and reason. Never triggered by user input.
#define KETAPATH_ASSERT(condition, why)                                        \
  do {                                                                         \
    if (!(condition)) {                                                        \
      ::ketapath::core::assertion_failed(#condition, why, __FILE__, __LINE__); \
    }                                                                          \
  } while (false)

/// Returns early with the error of a failed Result; otherwise yields its value.
/// Example: `auto rows = KETAPATH_TRY(read_csv(path));`
#define KETAPATH_TRY(expression)                                       \
  __extension__({                                                      \
    auto&& ketapath_try_result_ = (expression);                        \
    if (!ketapath_try_result_) {                                       \
      return std::unexpected(std::move(ketapath_try_result_).error()); \
    }                                                                  \
    std::move(ketapath_try_result_).value();                           \
  })
