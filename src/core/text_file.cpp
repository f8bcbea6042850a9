#include "core/text_file.h"

#include <fstream>
#include <system_error>

#include <fmt/format.h>

#include "core/check.h"

namespace ketapath::core {

Result<std::string> read_text_file(const std::filesystem::path& path, std::uintmax_t max_bytes,
                                   std::string_view what) {
  const std::string name = path.string();
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    return fail(ErrorCode::NotFound, "{}: no such file", name);
  }
  if (std::filesystem::is_directory(status)) {
    return fail(ErrorCode::InvalidArgument, "{}: is a directory, not {}", name, what);
  }
  const auto too_large = [&](std::string_view size) {
    return std::unexpected(range_error(fmt::format("{}: {}", name, what),
                                       fmt::format("<= {} bytes", max_bytes), size,
                                       ErrorCode::LimitExceeded));
  };
  if (std::filesystem::is_regular_file(status)) {
    if (const auto size = std::filesystem::file_size(path, ec); !ec && size > max_bytes) {
      return too_large(fmt::format("{} bytes", size));
    }
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(ErrorCode::Io, "{}: cannot open {} for reading", name, what);
  }
  std::string text;
  constexpr std::size_t kChunk = std::size_t{1} << 16;
  std::string buffer(kChunk, '\0');
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(kChunk));
    text.append(buffer.data(), static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes) {
      return too_large("more");  // a pipe or device growing past the limit
    }
  }
  if (in.bad()) {
    return fail(ErrorCode::Io, "{}: read failed", name);
  }
  return text;
}

}  // namespace ketapath::core
