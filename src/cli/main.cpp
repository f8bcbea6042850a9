// The `ketapath` command: the composition root. Subcommands register themselves (command.h).

#include <cstdio>
#include <exception>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "core/allocator.h"
#include "core/check.h"

namespace {

// CLI11 reports "A subcommand is required" when the command word is unknown ("ketapath serve",
// "ketapath clinic respons"). Walk the arguments along the command tree instead and name the first
// word that is neither a command, an option's value nor a positional argument.
const CLI::Option* find_option(CLI::App* app, const std::string& name) {
  for (; app != nullptr; app = app->get_parent()) {
    if (const CLI::Option* o = app->get_option_no_throw(name)) {
      return o;
    }
  }
  return nullptr;
}

bool report_unknown_command(CLI::App& app, int argc, char** argv) {
  CLI::App* current = &app;
  std::string path = "ketapath";
  for (int i = 1; i < argc; ++i) {
    const std::string token = argv[i];
    if (token == "--") {
      return false;
    }
    if (token.size() > 1 && token.front() == '-') {
      if (token.find('=') == std::string::npos) {
        const CLI::Option* o = find_option(current, token);
        if (o != nullptr && o->get_type_size_max() > 0) {
          ++i;  // its value
        }
      }
      continue;
    }
    const auto subcommands = current->get_subcommands({});
    if (subcommands.empty()) {
      return false;  // a leaf: the rest are its arguments
    }
    CLI::App* next = nullptr;
    for (CLI::App* sub : subcommands) {
      if (sub->check_name(token)) {
        next = sub;
      }
    }
    if (next == nullptr) {
      const bool takes_positionals =
          !current->get_options([](const CLI::Option* o) { return o->get_positional(); }).empty();
      if (takes_positionals) {
        return false;
      }
      std::string known;
      for (const CLI::App* sub : subcommands) {
        known += known.empty() ? "" : ", ";
        known += sub->get_name();
      }
      std::fprintf(stderr, "%s: error: unknown command \"%s\" (commands: %s; see %s --help)\n",
                   path.c_str(), ketapath::core::excerpt(token).c_str(), known.c_str(),
                   path.c_str());
      return true;
    }
    current = next;
    path += " " + next->get_name();
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ketapath;
  core::tune_allocator();
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
  cli::harden_number_options(app);
  if (const std::string bad = cli::check_arguments_utf8(argc, argv); !bad.empty()) {
    std::fprintf(stderr, "ketapath: error: %s\n", bad.c_str());
    return cli::kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() != 0 && report_unknown_command(app, argc, argv)) {
      return cli::kExitUsage;
    }
    return app.exit(e) == 0 ? cli::kExitOk : cli::kExitUsage;
  }
  try {
    return chosen ? chosen() : cli::kExitUsage;
  } catch (const std::exception& e) {
    // Last resort: input is validated before it reaches a library, so an exception here is a
    // bug. Say so (exit 1), never crash silently; the text is bounded, it may quote input.
    std::fprintf(stderr, "ketapath: internal error: %s (please report this)\n",
                 core::excerpt(e.what(), 200).c_str());
    return cli::kExitFailure;
  } catch (...) {
    std::fprintf(stderr, "ketapath: internal error: unknown exception (please report this)\n");
    return cli::kExitFailure;
  }
}
