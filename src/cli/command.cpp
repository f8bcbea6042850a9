#include "cli/command.h"

#include <algorithm>
#include <cstdio>

namespace ketapath::cli {

std::vector<CommandSpec>& command_table() {
  static std::vector<CommandSpec> table;
  return table;
}

Registration::Registration(std::string name, std::string description, Setup setup) {
  auto& table = command_table();
  table.push_back(CommandSpec{std::move(name), std::move(description), setup});
  std::sort(table.begin(), table.end(),
            [](const CommandSpec& a, const CommandSpec& b) { return a.name < b.name; });
}

int report_error(const core::Error& error) {
  std::fprintf(stderr, "ketapath: error: %s\n", error.message.c_str());
  return exit_code_for(error.code);
}

}  // namespace ketapath::cli
