#pragma once
// Passwords, sign-in sessions and one-time setup tokens of the clinic's users (user.h), for the
// HTTP server (src/server). Secrets are never stored or returned twice: the database keeps the
// Argon2id hash of a password (libsodium crypto_pwhash_str) and the SHA-256 of a session id or a
// setup token; the plain token is handed out once, to the one who signs in or sets up.
//
// Rules (ClinicService::sign_in and friends, service_sign_in.cpp; docs/clinic.md "Sign-in"):
// - a password has at least kMinPasswordLength characters, at most kMaxPasswordLength bytes, is
//   not the user name and not on the small list of common passwords (password_problem());
// - a session expires after `idle` without use and at the latest `absolute` after sign-in; its
//   last-seen time is written at most once per `touch` (not every read is a durable write);
// - failed sign-ins of an account slow down (the account refuses attempts for a growing delay
//   after `slow_after` failures) and lock it for `lock_for` after `lock_after` failures; the
//   lock is audited ("auth.lockout"). A success resets the count.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "clinic/domain/time.h"
#include "core/error.h"

namespace ketapath::clinic {

inline constexpr std::size_t kMinPasswordLength = 12;
inline constexpr std::size_t kMaxPasswordLength = 256;

struct SignInPolicy {
  std::chrono::seconds idle{std::chrono::minutes(30)};
  std::chrono::seconds absolute{std::chrono::hours(12)};
  std::chrono::seconds touch{std::chrono::minutes(1)};
  int slow_after = 3;  ///< failures before each further attempt waits 2^(n - slow_after) s
  int lock_after = 5;  ///< failures that lock the account
  std::chrono::seconds lock_for{std::chrono::minutes(15)};
  std::chrono::seconds setup_token_valid{std::chrono::minutes(30)};
};

/// A user's password (Argon2id string with its own salt and parameters) and failure count.
struct Credential {
  std::string user;
  std::string password_hash;  ///< empty: no password yet
  int failed_sign_ins = 0;
  std::optional<Timestamp> locked_until;  ///< no attempt is checked before this instant
  Timestamp changed_at{};
};

/// A signed-in session. Only the SHA-256 of its id is stored.
struct SignInSession {
  std::string id_hash;  ///< hex SHA-256 of the session id
  std::string user;
  Timestamp created_at{};
  Timestamp last_seen_at{};
  Timestamp expires_at{};  ///< the absolute expiry
  std::optional<Timestamp> revoked_at;
  std::string client;  ///< the client address at sign-in
};

/// A one-time token that lets a user choose a password (the first admin, a reset).
struct SetupToken {
  std::string token_hash;  ///< hex SHA-256 of the token
  std::string user;
  Timestamp created_at{};
  Timestamp expires_at{};
  std::optional<Timestamp> used_at;
  std::string created_by;
};

/// What a successful sign-in hands out (once).
struct SignIn {
  std::string session_id;  ///< the cookie value: 256 random bits, hex
  std::string csrf_token;  ///< csrf_token_for(session_id)
  std::string user;
  Timestamp expires_at{};
};

/// The storage port (ports.h Transaction::sign_ins()).
class SignInRepository {
 public:
  virtual ~SignInRepository() = default;
  virtual core::Result<std::optional<Credential>> credential(std::string_view user) = 0;
  /// Inserts or replaces the user's credential row.
  virtual core::Status put_credential(const Credential& credential) = 0;
  /// Whether any user has a password (bootstrap: the first setup token needs no admin).
  virtual core::Result<bool> any_password() = 0;
  virtual core::Status add_session(const SignInSession& session) = 0;
  virtual core::Result<std::optional<SignInSession>> session(std::string_view id_hash) = 0;
  /// Replaces last_seen_at and revoked_at. NotFound for an unknown id.
  virtual core::Status update_session(const SignInSession& session) = 0;
  virtual core::Status add_setup_token(const SetupToken& token) = 0;
  virtual core::Result<std::optional<SetupToken>> setup_token(std::string_view token_hash) = 0;
  /// Replaces used_at. NotFound for an unknown token.
  virtual core::Status update_setup_token(const SetupToken& token) = 0;
};

/// Empty when the password is acceptable for `user`, else why not (never echoing the password).
std::string password_problem(std::string_view user, std::string_view password);

/// Argon2id (libsodium crypto_pwhash_str, OPSLIMIT/MEMLIMIT_INTERACTIVE: t = 2, m = 64 MiB).
core::Result<std::string> hash_password(std::string_view password);
/// Constant-time check of a password against a stored hash; false for an empty hash.
bool password_matches(std::string_view password, std::string_view hash);

/// 256 random bits as 64 lowercase hex digits (libsodium randombytes).
std::string random_token();
/// Lowercase hex SHA-256 of a token (what the database stores).
std::string token_hash(std::string_view token);
/// The CSRF token of a session: hex SHA-256 of "csrf:" + session id (bound to the session;
/// nothing extra stored). Compared in constant time by csrf_matches.
std::string csrf_token_for(std::string_view session_id);
bool csrf_matches(std::string_view session_id, std::string_view csrf_token);

}  // namespace ketapath::clinic
