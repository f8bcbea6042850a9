// `ketapath version`: the version and the build's dependency choices, for bug reports.

#include <fmt/format.h>

#include "cli/command.h"

namespace ketapath::cli {
namespace {

Runner setup(CLI::App& /*app*/) {
  return [] {
    fmt::print("ketapath {}\n", KETAPATH_VERSION);
    return kExitOk;
  };
}

const Registration kRegistration{"version", "Print the version", setup};

}  // namespace
}  // namespace ketapath::cli
