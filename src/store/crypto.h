#pragma once
// Internal: the libsodium primitives the audit chain uses, and the clinic key file.

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ketapath::store {

using Digest = std::array<unsigned char, 32>;

/// Lower-case hex of bytes.
std::string to_hex(const unsigned char* bytes, std::size_t size);

inline std::string to_hex(const Digest& digest) {
  return to_hex(digest.data(), digest.size());
}

/// SHA-256 of text (libsodium crypto_hash_sha256).
Digest sha256(std::string_view text);

inline std::string sha256_hex(std::string_view text) {
  return to_hex(sha256(text));
}

/// A 32-byte HMAC-SHA-256 key (libsodium crypto_auth_hmacsha256). Wiped on destruction.
class ClinicKey {
 public:
  static constexpr std::size_t kBytes = 32;

  /// Reads a key file: 64 hex characters and an optional newline. Refuses a file that others can
  /// read or write (mode & 077), as ssh does, so a leaked key is not mistaken for a safe one.
  static core::Result<ClinicKey> load(const std::filesystem::path& path);

  /// Creates a new random key file with mode 0600; Conflict when the file already exists
  /// (an existing key is never overwritten: it would orphan the audit head's HMAC).
  static core::Result<ClinicKey> create(const std::filesystem::path& path);

  ClinicKey(const ClinicKey&) = default;
  ClinicKey& operator=(const ClinicKey&) = default;
  ~ClinicKey();

  /// HMAC-SHA-256 of message under this key, as hex.
  [[nodiscard]] std::string hmac_hex(std::string_view message) const;

  /// Constant-time check of a hex HMAC.
  [[nodiscard]] bool verify_hex(std::string_view message, std::string_view mac_hex) const;

 private:
  ClinicKey() = default;
  std::array<unsigned char, kBytes> bytes_{};
};

/// The current UTC time as "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string utc_now_iso8601();

}  // namespace ketapath::store
