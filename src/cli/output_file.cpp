#include "cli/output_file.h"

#include <cerrno>
#include <cstring>

namespace ketapath::cli {

core::Result<std::unique_ptr<OutputFile>> OutputFile::open(const std::string& path,
                                                           std::string_view option) {
  if (path.empty() || path == "-") {
    return std::make_unique<OutputFile>(stdout, "standard output", false);
  }
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) {
    return core::fail(core::ErrorCode::Io, "{} {}: cannot open for writing: {}", option, path,
                      std::strerror(errno));
  }
  return std::make_unique<OutputFile>(file, path, true);
}

OutputFile::OutputFile(std::FILE* file, std::string name, bool owned)
    : file_(file), name_(std::move(name)), owned_(owned) {}

OutputFile::~OutputFile() {
  if (owned_ && file_ != nullptr) {
    std::fclose(file_);
  }
}

void OutputFile::write(std::string_view text) {
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) {
    failed_ = true;
  }
}

core::Status OutputFile::close() {
  const bool flushed = std::fflush(file_) == 0;
  bool closed = true;
  if (owned_) {
    closed = std::fclose(file_) == 0;
    file_ = nullptr;
  }
  if (failed_ || !flushed || !closed) {
    return core::fail(core::ErrorCode::Io, "{}: write failed", name_);
  }
  return {};
}

core::Status write_output(const std::string& path, std::string_view text, std::string_view option) {
  std::unique_ptr<OutputFile> out = KETAPATH_TRY(OutputFile::open(path, option));
  out->write(text);
  return out->close();
}

}  // namespace ketapath::cli
