// ClinicService: people, roles and the permission check every use case runs first (service.h).

#include <algorithm>

#include "clinic/json/json.h"
#include "clinic/service/service.h"

namespace ketapath::clinic {
namespace {

using core::ErrorCode;

std::size_t enabled_admins(const std::vector<User>& users) {
  return static_cast<std::size_t>(std::count_if(
      users.begin(), users.end(), [](const User& u) { return u.enabled && u.has(Role::Admin); }));
}

}  // namespace

ClinicService ClinicService::acting_as(std::string actor) const {
  ClinicService other(store_, std::move(actor), clock_);
  other.limits_ = limits_;
  other.sign_in_policy_ = sign_in_policy_;
  other.access_log_ = access_log_;
  return other;
}

core::Result<User> ClinicService::authorize(Transaction& tx, Permission permission) {
  auto user = tx.users().get(actor_);
  if (!user) {
    if (user.error().code != ErrorCode::NotFound) {
      return std::unexpected(user.error());
    }
    if (KETAPATH_TRY(tx.users().list()).empty()) {
      return core::fail(ErrorCode::Unauthorized,
                        "clinic: this database has no users yet; create the first administrator "
                        "with `ketapath clinic user add NAME --role admin` (acting user: {})",
                        actor_);
    }
    return core::fail(ErrorCode::Unauthorized,
                      "clinic: the acting user {} is not a clinic user and may not {} (an admin "
                      "adds users with `ketapath clinic user add`; the acting user is --user, "
                      "else $KETAPATH_USER, else the login name)",
                      actor_, to_string(permission));
  }
  KETAPATH_TRY(check_permission(*user, permission));
  return user;
}

core::Result<User> ClinicService::authorize(Permission permission) {
  auto tx = KETAPATH_TRY(store_.begin_read());
  return authorize(*tx, permission);
}

core::Result<User> ClinicService::add_user(std::string name, std::vector<Role> roles) {
  KETAPATH_TRY(validate_user_name(name));
  User user;
  user.name = std::move(name);
  user.roles = KETAPATH_TRY(normalise_roles(std::move(roles)));
  user.enabled = true;
  user.created_at = clock_();
  user.created_by = actor_;
  auto tx = KETAPATH_TRY(store_.begin());
  const std::vector<User> existing = KETAPATH_TRY(tx->users().list());
  if (existing.empty()) {
    if (!user.has(Role::Admin)) {
      return core::fail(ErrorCode::Unauthorized,
                        "user add: the first user of a clinic database must have the admin role "
                        "(add --role admin for {})",
                        user.name);
    }
  } else {
    KETAPATH_TRY(authorize(*tx, Permission::ManageUsers));
  }
  KETAPATH_TRY(tx->users().add(user));
  KETAPATH_TRY(tx->append_audit(audit_record("user.add", fmt::format("user/{}", user.name), "null",
                                             canonical(to_json(user)))));
  KETAPATH_TRY(tx->commit());
  return user;
}

core::Result<User> ClinicService::set_user_enabled(std::string_view name, bool enabled) {
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::ManageUsers));
  User user = KETAPATH_TRY(tx->users().get(name));
  if (user.enabled == enabled) {
    return core::fail(ErrorCode::Conflict, "user {} is already {}", user.name,
                      enabled ? "enabled" : "disabled");
  }
  const Json before = to_json(user);
  user.enabled = enabled;
  if (!enabled && user.has(Role::Admin) && enabled_admins(KETAPATH_TRY(tx->users().list())) <= 1) {
    return core::fail(ErrorCode::Validation,
                      "user disable: {} is the last enabled admin; add another admin first",
                      user.name);
  }
  KETAPATH_TRY(tx->users().update(user));
  KETAPATH_TRY(tx->append_audit(audit_record(enabled ? "user.enable" : "user.disable",
                                             fmt::format("user/{}", user.name), canonical(before),
                                             canonical(to_json(user)))));
  KETAPATH_TRY(tx->commit());
  return user;
}

core::Result<std::vector<User>> ClinicService::users() {
  auto tx = KETAPATH_TRY(store_.begin_read());
  KETAPATH_TRY(authorize(*tx, Permission::Oversee));
  return tx->users().list();
}

core::Status ClinicService::note_read(PatientId id, std::string_view what) {
  if (!access_log_) {
    return {};
  }
  return access_log_->record(ChartAccess{0, actor_, id, std::string(what), clock_()});
}

core::Result<std::vector<ChartAccess>> ClinicService::chart_accesses(
    const ChartAccessQuery& query) {
  auto tx = KETAPATH_TRY(store_.begin_read());
  KETAPATH_TRY(authorize(*tx, Permission::Oversee));
  ChartAccessQuery bounded = query;
  bounded.limit = std::clamp<std::int64_t>(query.limit, 1, 10000);
  return tx->chart_accesses().list(bounded);
}

}  // namespace ketapath::clinic
