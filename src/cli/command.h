#pragma once
// Each `ketapath` subcommand lives in its own cmd_*.cpp and registers itself here, so adding a
// command touches no shared file. A command's setup adds its options to its CLI11 subcommand and
// returns the runner, which returns the process exit code.
//
// Example (cmd_models.cpp):
//   namespace {
//   cli::Runner setup(CLI::App& app) {
//     auto options = std::make_shared<Options>();
//     app.add_option("--model", options->model, "...");
//     return [options] { return run(*options); };
//   }
//   const cli::Registration kRegistration{"models", "List the models", setup};
//   }

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/error.h"

namespace ketapath::cli {

using Runner = std::function<int()>;
using Setup = Runner (*)(CLI::App& subcommand);

struct CommandSpec {
  std::string name;
  std::string description;
  Setup setup;
};

/// All registered commands, sorted by name.
std::vector<CommandSpec>& command_table();

struct Registration {
  Registration(std::string name, std::string description, Setup setup);
};

/// The exit code for an error (the one mapping; see exit_code.cpp) after printing it on stderr
/// as "ketapath: error: <message>".
int report_error(const core::Error& error);

/// Process exit codes (shared with the clinic CLI contract).
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,   ///< a computation failed (solver, i/o, internal)
  kExitUsage = 2,     ///< bad command line or unreadable input file
  kExitRefused = 3,   ///< refused by validation or a limit
  kExitNotFound = 4,  ///< unknown id, model or design
  kExitStorage = 5,   ///< storage failure or broken audit chain
  kExitConflict = 6,  ///< conflict: already done (second acknowledgement, duplicate user, ...)
};

/// Makes every number option of `app` and its subcommands strict (command.cpp): a FLOAT option
/// takes only a finite decimal (no nan, inf, hex floats or 1e309), an INT option only
/// [-]digits, a UINT option only digits (CLI11 alone reads "-1" as 18446744073709551615 and
/// "0x10" as 16). A refused value is a usage error (exit 2) naming the flag and the value.
void harden_number_options(CLI::App& app);

/// Empty when every argument is valid UTF-8, else a message naming the first bad one (text
/// from the command line is stored and audited as JSON, which must be UTF-8).
std::string check_arguments_utf8(int argc, char** argv);

/// The exit code for an error code: the only place this mapping lives.
int exit_code_for(core::ErrorCode code);

}  // namespace ketapath::cli
