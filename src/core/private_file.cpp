#include "core/private_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ketapath::core {

Status create_private_directories(const std::filesystem::path& directory) {
  if (directory.empty()) {
    return {};
  }
  std::error_code ec;
  if (std::filesystem::exists(directory, ec)) {
    return {};
  }
  KETAPATH_TRY(create_private_directories(directory.parent_path()));
  if (::mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST) {
    return fail(ErrorCode::Io, "{}: cannot create the folder ({})", directory.string(),
                std::strerror(errno));
  }
  return {};
}

Status create_private_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      // An existing file that others may read is about to hold patient data: make it private.
      struct stat st {};

      if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) != 0 &&
          ::chmod(path.c_str(), 0600) != 0) {
        return fail(ErrorCode::Io, "{}: others may read it and it cannot be made private ({})",
                    path.string(), std::strerror(errno));
      }
      return {};
    }
    return fail(ErrorCode::Io, "{}: cannot create ({})", path.string(), std::strerror(errno));
  }
  ::fchmod(fd, 0600);  // whatever the umask
  ::close(fd);
  return {};
}

Status write_private_file(const std::filesystem::path& path, std::string_view content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return fail(ErrorCode::Io, "{}: cannot write ({})", path.string(), std::strerror(errno));
  }
  // An existing file keeps its mode through O_TRUNC: make it private before writing into it.
  if (::fchmod(fd, 0600) != 0) {
    const int error = errno;
    ::close(fd);
    return fail(ErrorCode::Io, "{}: cannot make it private ({})", path.string(),
                std::strerror(error));
  }
  std::size_t done = 0;
  while (done < content.size()) {
    const auto n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      const int error = errno;
      ::close(fd);
      return fail(ErrorCode::Io, "{}: cannot write ({})", path.string(), std::strerror(error));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) {
    return fail(ErrorCode::Io, "{}: cannot write ({})", path.string(), std::strerror(errno));
  }
  return {};
}

Result<std::string> read_secret_file(const std::filesystem::path& path, std::string_view what) {
  struct stat info {};

  if (::stat(path.c_str(), &info) != 0) {
    return fail(errno == ENOENT ? ErrorCode::NotFound : ErrorCode::Io, "{} {}: cannot read ({})",
                what, path.string(), std::strerror(errno));
  }
  if ((info.st_mode & 077) != 0) {
    return fail(ErrorCode::Validation, "{} {}: permissions {:o} let others read it (chmod 600 {})",
                what, path.string(), info.st_mode & 0777, path.string());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(ErrorCode::Io, "{} {}: cannot read", what, path.string());
  }
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  if (line.empty()) {
    return fail(ErrorCode::InvalidData, "{} {}: the first line is empty", what, path.string());
  }
  return line;
}

}  // namespace ketapath::core
