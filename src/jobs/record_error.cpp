#include "jobs/record_error.h"

#include <fmt/format.h>

namespace ketapath::jobs {

core::Error locate_record_error(core::Error error, std::string_view file) {
  const std::string& m = error.message;
  if (m.starts_with("line ")) {
    std::size_t i = 5;
    while (i < m.size() && m[i] >= '0' && m[i] <= '9') {
      ++i;
    }
    if (i > 5 && i < m.size() && m[i] == ':') {
      error.message = fmt::format("{}:{}", file, m.substr(5));
    }
  }
  return error;
}

}  // namespace ketapath::jobs
