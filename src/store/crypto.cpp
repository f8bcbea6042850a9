#include "store/crypto.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ketapath::store {
namespace {

using core::ErrorCode;

void ensure_sodium() {
  // sodium_init is idempotent and thread-safe; it fails only when no entropy source exists.
  static const int initialised = sodium_init();
  KETAPATH_ASSERT(initialised >= 0, "libsodium could not be initialised");
}

}  // namespace

std::string to_hex(const unsigned char* bytes, std::size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, size);
  hex.pop_back();
  return hex;
}

Digest sha256(std::string_view text) {
  ensure_sodium();
  Digest digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(text.data()),
                     text.size());
  return digest;
}

ClinicKey::~ClinicKey() {
  sodium_memzero(bytes_.data(), bytes_.size());
}

core::Result<ClinicKey> ClinicKey::load(const std::filesystem::path& path) {
  ensure_sodium();

  struct stat info {};

  if (::stat(path.c_str(), &info) != 0) {
    return core::fail(errno == ENOENT ? ErrorCode::NotFound : ErrorCode::Io,
                      "clinic key {}: cannot read ({})", path.string(), std::strerror(errno));
  }
  if ((info.st_mode & 077) != 0) {
    return core::fail(ErrorCode::Validation,
                      "clinic key {}: permissions {:o} let others read it (chmod 600 {})",
                      path.string(), info.st_mode & 0777, path.string());
  }
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  ClinicKey key;
  std::size_t decoded = 0;
  if (text.size() != 2 * kBytes ||
      sodium_hex2bin(key.bytes_.data(), key.bytes_.size(), text.data(), text.size(), nullptr,
                     &decoded, nullptr) != 0 ||
      decoded != kBytes) {
    return core::fail(ErrorCode::InvalidData,
                      "clinic key {}: expected {} hex characters (got {} characters)",
                      path.string(), 2 * kBytes, text.size());
  }
  return key;
}

core::Result<ClinicKey> ClinicKey::create(const std::filesystem::path& path) {
  ensure_sodium();
  ClinicKey key;
  randombytes_buf(key.bytes_.data(), key.bytes_.size());
  const std::string text = to_hex(key.bytes_.data(), key.bytes_.size()) + "\n";
  // O_EXCL: never overwrite an existing key; 0600 from the start, not chmod after writing.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return core::fail(errno == EEXIST ? ErrorCode::Conflict : ErrorCode::Io,
                      "clinic key {}: cannot create ({})", path.string(), std::strerror(errno));
  }
  const auto written = ::write(fd, text.data(), text.size());
  const bool synced = ::fsync(fd) == 0;
  const bool closed = ::close(fd) == 0;
  if (written != static_cast<ssize_t>(text.size()) || !synced || !closed) {
    ::unlink(path.c_str());
    return core::fail(ErrorCode::Io, "clinic key {}: cannot write ({})", path.string(),
                      std::strerror(errno));
  }
  // The directory entry must be durable too: a database whose key vanished in a power cut could
  // never have its audit log verified again.
  const auto directory = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  const int dir_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0 || ::fsync(dir_fd) != 0) {
    const int error = errno;
    if (dir_fd >= 0) {
      ::close(dir_fd);
    }
    return core::fail(ErrorCode::Io, "clinic key {}: cannot sync its directory ({})", path.string(),
                      std::strerror(error));
  }
  ::close(dir_fd);
  return key;
}

std::string ClinicKey::hmac_hex(std::string_view message) const {
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256(mac.data(), reinterpret_cast<const unsigned char*>(message.data()),
                         message.size(), bytes_.data());
  return to_hex(mac.data(), mac.size());
}

bool ClinicKey::verify_hex(std::string_view message, std::string_view mac_hex) const {
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  std::size_t decoded = 0;
  if (mac_hex.size() != 2 * mac.size() ||
      sodium_hex2bin(mac.data(), mac.size(), mac_hex.data(), mac_hex.size(), nullptr, &decoded,
                     nullptr) != 0 ||
      decoded != mac.size()) {
    return false;
  }
  return crypto_auth_hmacsha256_verify(mac.data(),
                                       reinterpret_cast<const unsigned char*>(message.data()),
                                       message.size(), bytes_.data()) == 0;
}

std::string utc_now_iso8601() {
  const auto now = std::chrono::system_clock::now();
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                     millis % 1000);
}

}  // namespace ketapath::store
