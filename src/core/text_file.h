#pragma once
// Reading an input file whole, bounded: the one way Ketapath reads a file it was given.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ketapath::core {

/// The whole file, refused before reading past `max_bytes` (LimitExceeded naming the limit and
/// `what`, e.g. "a design file"). NotFound when there is no such file, Io when it is a directory
/// or cannot be read. Reads in chunks, so an endless file (/dev/zero) is refused too.
Result<std::string> read_text_file(const std::filesystem::path& path, std::uintmax_t max_bytes,
                                   std::string_view what);

}  // namespace ketapath::core
