#pragma once
// Command output to a file or standard output ("-" or empty), with write failures (a full disk)
// reported when it is closed.
//
// Example:
//   auto out = KETAPATH_TRY(cli::OutputFile::open(options.out, "--out"));
//   out->write(text);
//   KETAPATH_TRY(out->close());

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ketapath::cli {

class OutputFile {
 public:
  /// Opens `path` for writing (standard output for "" or "-"). Io naming `option` and the path.
  static core::Result<std::unique_ptr<OutputFile>> open(const std::string& path,
                                                        std::string_view option = "--out");

  OutputFile(std::FILE* file, std::string name, bool owned);
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();

  void write(std::string_view text);
  /// Flushes and closes; Io "NAME: write failed" when any write failed.
  core::Status close();

 private:
  std::FILE* file_;
  std::string name_;
  bool owned_;
  bool failed_ = false;
};

/// Writes `text` to `path` whole (OutputFile::open, write, close).
core::Status write_output(const std::string& path, std::string_view text,
                          std::string_view option = "--out");

}  // namespace ketapath::cli
