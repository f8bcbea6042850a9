// The `ketapath` command: the composition root. Subcommands register themselves (command.h).

#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "cli/command.h"

int main(int argc, char** argv) {
  using namespace ketapath;
  CLI::App app{
      "Ketapath: ketamine PK/PD simulation, trials and clinic support for "
      "treatment-refractory anxiety"};
  app.set_version_flag("--version", "ketapath " KETAPATH_VERSION);
  app.require_subcommand(1);
  cli::Runner chosen;
  for (const auto& command : cli::command_table()) {
    CLI::App* sub = app.add_subcommand(command.name, command.description);
    cli::Runner runner = command.setup(*sub);
    sub->callback([&chosen, runner] { chosen = runner; });
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? cli::kExitOk : cli::kExitUsage;
  }
  try {
    return chosen ? chosen() : cli::kExitUsage;
  } catch (const std::exception& e) {
    // Library exceptions that escaped an adapter: report, never crash silently.
    std::fprintf(stderr, "ketapath: error: %s\n", e.what());
    return cli::kExitFailure;
  }
}
