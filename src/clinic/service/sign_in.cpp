// Password rules and hashing, random tokens and their digests (sign_in.h). libsodium only.

#include "clinic/service/sign_in.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <sodium.h>

#include "core/text.h"

namespace ketapath::clinic {
namespace {

using core::ErrorCode;

// The most common passwords of public breach lists that are at least 12 characters long (shorter
// ones are refused by the length rule already), compared case-insensitively.
constexpr std::array<std::string_view, 40> kCommonPasswords = {
    "123456789012",  "1234567890123",    "12345678910",   "123456789123",   "password1234",
    "password12345", "passwordpassword", "qwertyuiop123", "qwertyuiopasdf", "1q2w3e4r5t6y",
    "1qaz2wsx3edc",  "qwerty123456",     "abcdefghijkl",  "abc123456789",   "iloveyou1234",
    "administrator", "admin1234567",     "letmein12345",  "welcome12345",   "changeme1234",
    "trustno11234",  "football1234",     "baseball1234",  "monkey123456",   "sunshine1234",
    "princess1234",  "superman1234",     "starwars1234",  "1234qwerasdf",   "qazwsxedcrfv",
    "zaq12wsxcde3",  "111111111111",     "000000000000",  "aaaaaaaaaaaa",   "passw0rd1234",
    "p@ssw0rd1234",  "ketamine1234",     "clinic123456",  "ketapath1234",   "password123!"};

bool ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

std::string hex(const unsigned char* data, std::size_t size) {
  std::string out(size * 2, '\0');
  static constexpr char kDigits[] = "0123456789abcdef";
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0x0f];
  }
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::string password_problem(std::string_view user, std::string_view password) {
  // Characters, not bytes, for the minimum: count UTF-8 lead bytes.
  const auto characters = static_cast<std::size_t>(
      std::count_if(password.begin(), password.end(), [](char c) { return (c & 0xC0) != 0x80; }));
  if (characters < kMinPasswordLength) {
    return fmt::format("password: must have at least {} characters (got {})", kMinPasswordLength,
                       characters);
  }
  if (password.size() > kMaxPasswordLength) {
    return fmt::format("password: must have at most {} bytes (got {})", kMaxPasswordLength,
                       password.size());
  }
  const std::string folded = core::ascii_lower(password);
  if (folded == core::ascii_lower(user)) {
    return "password: must not be the user name";
  }
  for (const std::string_view common : kCommonPasswords) {
    if (folded == common) {
      return "password: is on the list of common passwords; choose another";
    }
  }
  if (std::all_of(folded.begin(), folded.end(), [&](char c) { return c == folded.front(); })) {
    return "password: must not repeat one character";
  }
  return {};
}

core::Result<std::string> hash_password(std::string_view password) {
  if (!ensure_sodium()) {
    return core::fail(ErrorCode::Internal, "password: libsodium could not be initialised");
  }
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str(out.data(), password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return core::fail(ErrorCode::Internal, "password: hashing ran out of memory");
  }
  return std::string(out.data());
}

bool password_matches(std::string_view password, std::string_view hash) {
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES || !ensure_sodium()) {
    return false;
  }
  std::array<char, crypto_pwhash_STRBYTES> stored{};
  std::copy(hash.begin(), hash.end(), stored.begin());
  return crypto_pwhash_str_verify(stored.data(), password.data(), password.size()) == 0;
}

std::string random_token() {
  ensure_sodium();
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return hex(bytes.data(), bytes.size());
}

std::string token_hash(std::string_view token) {
  ensure_sodium();
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size());
  return hex(digest.data(), digest.size());
}

std::string csrf_token_for(std::string_view session_id) {
  return token_hash(fmt::format("csrf:{}", session_id));
}

bool csrf_matches(std::string_view session_id, std::string_view csrf_token) {
  return !session_id.empty() && constant_time_equal(csrf_token_for(session_id), csrf_token);
}

}  // namespace ketapath::clinic
