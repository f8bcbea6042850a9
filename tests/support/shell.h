#pragma once
// Runs a shell command line in a test and captures its standard output and exit code (stderr is
// wherever the command line sends it). One definition for the CLI test fixtures.

#include <cstdio>
#include <string>

#include <sys/wait.h>

namespace ketapath::testing {

struct ShellOutcome {
  int exit_code = -1;  ///< the command's exit code, or -1 when it did not exit normally
  std::string out;
};

inline ShellOutcome run_shell(const std::string& command) {
  ShellOutcome outcome;
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    return outcome;
  }
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    outcome.out.append(buffer, n);
  }
  const int status = ::pclose(pipe);
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return outcome;
}

}  // namespace ketapath::testing
