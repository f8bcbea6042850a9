#include "run_ketapath.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <sys/wait.h>
#include <unistd.h>

namespace ketapath::e2e {

namespace {

std::string quote(const std::string& s) {
  std::string q = "'";
  for (const char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

}  // namespace

RunResult run_ketapath(const std::vector<std::string>& arguments) {
  char err_path[] = "/tmp/ketapath_e2e_XXXXXX";
  const int fd = mkstemp(err_path);
  if (fd < 0) {
    throw std::runtime_error("mkstemp failed");
  }
  close(fd);
  std::string command = quote(KETAPATH_EXE);
  for (const std::string& a : arguments) {
    command += ' ' + quote(a);
  }
  command += " 2>" + quote(err_path);
  RunResult result;
  std::FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    throw std::runtime_error("popen failed");
  }
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    result.out.append(buffer, n);
  }
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_path);
  std::stringstream text;
  text << err.rdbuf();
  result.err = text.str();
  std::remove(err_path);
  return result;
}

std::string data_file(const std::string& name) {
  return std::string(KETAPATH_SOURCE_DIR) + "/tests/data/nmtran/" + name;
}

Table parse_csv(const std::string& text) {
  Table table;
  std::istringstream in(text);
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::stringstream row(line);
    std::string field;
    while (std::getline(row, field, ',')) {
      fields.push_back(field);
    }
    if (first) {
      table.header = fields;
      first = false;
      continue;
    }
    table.ids.push_back(fields.at(0));
    std::vector<double> values;
    for (std::size_t i = 1; i < fields.size(); ++i) {
      values.push_back(std::stod(fields[i]));
    }
    table.rows.push_back(values);
  }
  return table;
}

}  // namespace ketapath::e2e
