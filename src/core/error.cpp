#include "core/error.h"

#include <cstdio>
#include <cstdlib>

namespace ketapath::core {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
#define KETAPATH_ERROR_CASE(name, text) \
  case ErrorCode::name:                 \
    return text;
    KETAPATH_ENUMERATE_ERRORS(KETAPATH_ERROR_CASE)
#undef KETAPATH_ERROR_CASE
  }
  return "unknown error";
}

Error with_context(Error error, std::string_view context) {
  error.message = fmt::format("{}: {}", context, error.message);
  return error;
}

void assertion_failed(const char* condition, const char* why, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: assertion failed: %s (%s)\n", file, line, condition, why);
  std::abort();
}

}  // namespace ketapath::core
