// ClinicService: passwords, sign-in sessions and setup tokens (sign_in.h, service.h). Password
// hashing runs outside any transaction (it takes ~0.1 s and 64 MiB): read, verify, then write.

#include <algorithm>

#include "clinic/json/json.h"
#include "clinic/service/service.h"

namespace ketapath::clinic {
namespace {

using core::ErrorCode;

// One message for every refused sign-in: it does not tell whether the user exists, the password
// was wrong or the account is slowed down or locked.
constexpr std::string_view kRefused =
    "sign-in: wrong user name or password, or too many failed attempts (try again later)";

std::string user_entity(std::string_view name) {
  return fmt::format("user/{}", name);
}

// A hash of a fixed string, verified against for unknown users so that a wrong name takes as
// long as a wrong password.
const std::string& dummy_hash() {
  static const std::string hash = hash_password("not a password of anyone").value_or("");
  return hash;
}

Json session_json(const SignInSession& s) {
  Json j = {{"user", s.user},
            {"created_at", format_timestamp(s.created_at)},
            {"last_seen_at", format_timestamp(s.last_seen_at)},
            {"expires_at", format_timestamp(s.expires_at)},
            {"client", s.client},
            {"session", s.id_hash.substr(0, 12)}};
  j["revoked_at"] = s.revoked_at ? Json(format_timestamp(*s.revoked_at)) : Json(nullptr);
  return j;
}

Json credential_json(const Credential& c) {
  Json j = {{"user", c.user},
            {"has_password", !c.password_hash.empty()},
            {"failed_sign_ins", c.failed_sign_ins},
            {"changed_at", format_timestamp(c.changed_at)}};
  j["locked_until"] = c.locked_until ? Json(format_timestamp(*c.locked_until)) : Json(nullptr);
  return j;
}

}  // namespace

core::Result<std::string> ClinicService::issue_setup_token(std::string_view name) {
  auto tx = KETAPATH_TRY(store_.begin());
  const User user = KETAPATH_TRY(tx->users().get(name));
  if (KETAPATH_TRY(tx->sign_ins().any_password())) {
    KETAPATH_TRY(authorize(*tx, Permission::ManageUsers));
  } else if (!user.has(Role::Admin)) {
    return core::fail(ErrorCode::Unauthorized,
                      "setup token: no user has a password yet, so the first token must be for an "
                      "admin (got {})",
                      user.name);
  }
  if (!user.enabled) {
    return core::fail(ErrorCode::Validation, "setup token: user {} is disabled", user.name);
  }
  const std::string token = random_token();
  SetupToken t;
  t.token_hash = token_hash(token);
  t.user = user.name;
  t.created_at = clock_();
  t.expires_at = t.created_at + sign_in_policy_.setup_token_valid;
  t.created_by = actor_;
  KETAPATH_TRY(tx->sign_ins().add_setup_token(t));
  const Json after = {{"user", t.user},
                      {"expires_at", format_timestamp(t.expires_at)},
                      {"created_by", t.created_by}};
  KETAPATH_TRY(tx->append_audit(
      audit_record("auth.setup_token", user_entity(user.name), "null", canonical(after))));
  KETAPATH_TRY(tx->commit());
  return token;
}

core::Result<User> ClinicService::redeem_setup_token(std::string_view token,
                                                     std::string_view password) {
  const std::string hash = token_hash(token);
  std::string name;
  {
    auto tx = KETAPATH_TRY(store_.begin_read());
    const auto t = KETAPATH_TRY(tx->sign_ins().setup_token(hash));
    if (!t || t->used_at || clock_() >= t->expires_at) {
      return core::fail(ErrorCode::Unauthorized,
                        "setup: the token is unknown, already used or expired (an admin issues a "
                        "new one with `ketapath clinic user reset-password NAME`)");
    }
    name = t->user;
  }
  if (const std::string problem = password_problem(name, password); !problem.empty()) {
    return core::fail(ErrorCode::Validation, "{}", problem);
  }
  const std::string password_hash = KETAPATH_TRY(hash_password(password));
  auto tx = KETAPATH_TRY(store_.begin());
  auto t = KETAPATH_TRY(tx->sign_ins().setup_token(hash));
  if (!t || t->used_at || clock_() >= t->expires_at) {
    return core::fail(ErrorCode::Unauthorized, "setup: the token was used meanwhile");
  }
  const User user = KETAPATH_TRY(tx->users().get(t->user));
  if (!user.enabled) {
    return core::fail(ErrorCode::Unauthorized, "setup: user {} is disabled", user.name);
  }
  t->used_at = clock_();
  KETAPATH_TRY(tx->sign_ins().update_setup_token(*t));
  const auto old = KETAPATH_TRY(tx->sign_ins().credential(user.name));
  Credential c;
  c.user = user.name;
  c.password_hash = password_hash;
  c.changed_at = clock_();
  KETAPATH_TRY(tx->sign_ins().put_credential(c));
  AuditRecord record =
      audit_record("auth.password_set", user_entity(user.name),
                   old ? canonical(credential_json(*old)) : "null", canonical(credential_json(c)));
  record.actor = user.name;
  KETAPATH_TRY(tx->append_audit(record));
  KETAPATH_TRY(tx->commit());
  return user;
}

core::Result<SignIn> ClinicService::sign_in(std::string_view name, std::string_view password,
                                            std::string_view client) {
  const Timestamp now = clock_();
  std::optional<Credential> credential;
  bool known = false;
  {
    auto tx = KETAPATH_TRY(store_.begin_read());
    auto user = tx->users().get(name);
    if (!user && user.error().code != ErrorCode::NotFound) {
      return std::unexpected(user.error());
    }
    known = user.has_value() && user->enabled;
    if (known) {
      credential = KETAPATH_TRY(tx->sign_ins().credential(name));
    }
  }
  if (!known || !credential || credential->password_hash.empty() ||
      password.size() > kMaxPasswordLength) {
    (void)password_matches(password.substr(0, kMaxPasswordLength), dummy_hash());
    return core::fail(ErrorCode::Unauthorized, "{}", kRefused);
  }
  if (credential->locked_until && now < *credential->locked_until) {
    // Refused without checking the password and without counting: waiting is the only way on.
    return core::fail(ErrorCode::Unauthorized, "{}", kRefused);
  }
  const bool matches = password_matches(password, credential->password_hash);

  auto tx = KETAPATH_TRY(store_.begin());
  auto current = KETAPATH_TRY(tx->sign_ins().credential(name));
  if (!current) {
    return core::fail(ErrorCode::Unauthorized, "{}", kRefused);
  }
  const Credential before = *current;
  if (!matches || current->password_hash != credential->password_hash) {
    current->failed_sign_ins += 1;
    std::string action = "auth.sign_in_failed";
    const int n = current->failed_sign_ins;
    if (n >= sign_in_policy_.lock_after) {
      current->locked_until = now + sign_in_policy_.lock_for;
      action = "auth.lockout";
    } else if (n >= sign_in_policy_.slow_after) {
      current->locked_until =
          now + std::chrono::seconds(1LL << std::min(n - sign_in_policy_.slow_after, 10));
    }
    KETAPATH_TRY(tx->sign_ins().put_credential(*current));
    AuditRecord record =
        audit_record(action, user_entity(current->user), canonical(credential_json(before)),
                     canonical(Json{{"credential", credential_json(*current)},
                                    {"client", std::string(client.substr(0, 64))}}));
    record.actor = current->user;
    KETAPATH_TRY(tx->append_audit(record));
    KETAPATH_TRY(tx->commit());
    return core::fail(ErrorCode::Unauthorized, "{}", kRefused);
  }
  if (current->failed_sign_ins != 0 || current->locked_until) {
    current->failed_sign_ins = 0;
    current->locked_until.reset();
    KETAPATH_TRY(tx->sign_ins().put_credential(*current));
  }
  SignIn out;
  out.session_id = random_token();
  out.csrf_token = csrf_token_for(out.session_id);
  out.user = current->user;
  SignInSession s;
  s.id_hash = token_hash(out.session_id);
  s.user = current->user;
  s.created_at = now;
  s.last_seen_at = now;
  s.expires_at = now + sign_in_policy_.absolute;
  s.client = std::string(client.substr(0, 64));
  out.expires_at = s.expires_at;
  KETAPATH_TRY(tx->sign_ins().add_session(s));
  AuditRecord record =
      audit_record("auth.sign_in", user_entity(s.user), "null", canonical(session_json(s)));
  record.actor = s.user;
  KETAPATH_TRY(tx->append_audit(record));
  KETAPATH_TRY(tx->commit());
  return out;
}

core::Result<User> ClinicService::resume(std::string_view session_id) {
  const Timestamp now = clock_();
  const std::string hash = token_hash(session_id);
  // Checks the session and its user in `tx`; gives the session when its last-seen is due.
  User user;
  const auto check = [&](Transaction& tx) -> core::Result<std::optional<SignInSession>> {
    auto s = KETAPATH_TRY(tx.sign_ins().session(hash));
    if (!s || s->revoked_at || now >= s->expires_at ||
        now - s->last_seen_at >= sign_in_policy_.idle) {
      return core::fail(ErrorCode::Unauthorized,
                        "session: not signed in (the session is unknown, signed out or expired)");
    }
    auto found = tx.users().get(s->user);
    if (!found || !found->enabled) {
      return core::fail(ErrorCode::Unauthorized, "session: user {} is disabled", s->user);
    }
    user = std::move(*found);
    if (now - s->last_seen_at < sign_in_policy_.touch) {
      return std::optional<SignInSession>{};
    }
    return s;
  };
  {
    // Nearly every request ends here: a read, beside the writer.
    auto tx = KETAPATH_TRY(store_.begin_read());
    if (!KETAPATH_TRY(check(*tx))) {
      return user;
    }
  }
  // Last-seen is due: checked again in the write transaction (another request of the session
  // may have moved it or signed the session out meanwhile), so it moves at most once per touch.
  auto tx = KETAPATH_TRY(store_.begin());
  auto s = KETAPATH_TRY(check(*tx));
  if (!s) {
    return user;
  }
  const SignInSession before = *s;
  s->last_seen_at = now;
  KETAPATH_TRY(tx->sign_ins().update_session(*s));
  AuditRecord record = audit_record("auth.session_seen", user_entity(s->user),
                                    canonical(session_json(before)), canonical(session_json(*s)));
  record.actor = s->user;
  KETAPATH_TRY(tx->append_audit(record));
  KETAPATH_TRY(tx->commit());
  return user;
}

core::Status ClinicService::sign_out(std::string_view session_id) {
  auto tx = KETAPATH_TRY(store_.begin());
  auto s = KETAPATH_TRY(tx->sign_ins().session(token_hash(session_id)));
  if (!s || s->revoked_at) {
    return core::fail(ErrorCode::Unauthorized, "session: not signed in");
  }
  const SignInSession before = *s;
  s->revoked_at = clock_();
  KETAPATH_TRY(tx->sign_ins().update_session(*s));
  AuditRecord record = audit_record("auth.sign_out", user_entity(s->user),
                                    canonical(session_json(before)), canonical(session_json(*s)));
  record.actor = s->user;
  KETAPATH_TRY(tx->append_audit(record));
  return tx->commit();
}

}  // namespace ketapath::clinic
