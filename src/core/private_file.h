#pragma once
// Files that hold patient data or secrets: created readable by their owner only (0600, folders
// 0700), and secrets refused when others can read them (as ssh does).

#include <filesystem>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ketapath::core {

/// Creates the missing folders of `directory` with mode 0700 (existing ones are left as they are).
/// Io error naming the folder.
Status create_private_directories(const std::filesystem::path& directory);

/// Creates `path` empty with mode 0600. An existing regular file is kept, but made 0600 when group
/// or others had any access (it is about to hold patient data). Io error.
Status create_private_file(const std::filesystem::path& path);

/// Writes `content` to `path` (replacing it), with mode 0600 whether or not it existed. Io error.
Status write_private_file(const std::filesystem::path& path, std::string_view content);

/// Reads a secret's file (first line, without its line end). Validation error when group or
/// others may read or write it (mode & 077), InvalidData when empty, NotFound/Io when unreadable;
/// `what` names it in messages ("password file").
Result<std::string> read_secret_file(const std::filesystem::path& path, std::string_view what);

}  // namespace ketapath::core
