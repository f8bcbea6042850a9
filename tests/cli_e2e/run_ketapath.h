#pragma once
// Runs the built `ketapath` executable and captures its exit code, stdout and stderr.

#include <string>
#include <vector>

namespace ketapath::e2e {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs `ketapath` with the arguments (each is shell-quoted).
RunResult run_ketapath(const std::vector<std::string>& arguments);

/// Absolute path of a file under tests/data/nmtran.
std::string data_file(const std::string& name);

/// Parsed simulate output: header names and numeric rows (ID kept as text in `ids`).
struct Table {
  std::vector<std::string> header;
  std::vector<std::string> ids;
  std::vector<std::vector<double>> rows;  ///< columns after ID
};

Table parse_csv(const std::string& text);

}  // namespace ketapath::e2e
