#include "clinic/domain/user.h"
#include "store/repositories/repositories.h"

namespace ketapath::store::repositories {
namespace {

constexpr std::string_view kSelect =
    "SELECT name, roles, enabled, created_at, created_by FROM users ";
const std::vector<sql::Type> kColumns = {sql::Type::Text, sql::Type::Text, sql::Type::Integer,
                                         sql::Type::Text, sql::Type::Text};

std::string join_roles(const std::vector<clinic::Role>& roles) {
  std::string out;
  for (const clinic::Role r : roles) {
    out += out.empty() ? "" : ",";
    out += clinic::to_string(r);
  }
  return out;
}

core::Result<clinic::User> read_user(const sql::Row& r) {
  clinic::User u;
  u.name = r.text(0);
  const std::string roles = r.text(1);
  std::size_t start = 0;
  while (start <= roles.size()) {
    const std::size_t comma = std::min(roles.find(',', start), roles.size());
    auto role = clinic::parse_role(std::string_view(roles).substr(start, comma - start));
    if (!role) {
      return std::unexpected(corrupt("users.roles", role.error()));
    }
    u.roles.push_back(*role);
    start = comma + 1;
  }
  u.enabled = r.integer(2) != 0;
  u.created_at = KETAPATH_TRY(read_timestamp(r, 3, "users.created_at"));
  u.created_by = r.text(4);
  return u;
}

}  // namespace

core::Status SqlUsers::add(const clinic::User& u) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  const auto existing = KETAPATH_TRY(c.query_one("SELECT 1 FROM users WHERE name = $1",
                                                 {sql::text(u.name)}, {sql::Type::Integer}));
  if (existing) {
    return core::fail(core::ErrorCode::Conflict, "user {} already exists", u.name);
  }
  return c.execute(
      "INSERT INTO users (name, roles, enabled, created_at, created_by) VALUES ($1, $2, $3, $4, "
      "$5)",
      {sql::text(u.name), sql::text(join_roles(u.roles)), boolean(u.enabled),
       timestamp(u.created_at), sql::text(u.created_by)});
}

core::Result<clinic::User> SqlUsers::get(std::string_view name) {
  KETAPATH_TRY(state_.usable());
  auto row = KETAPATH_TRY(state_.connection->query_one(std::string(kSelect) + "WHERE name = $1",
                                                       {sql::text(name)}, kColumns));
  if (!row) {
    return core::fail(core::ErrorCode::NotFound, "user {} not found", name);
  }
  return read_user(*row);
}

core::Result<std::vector<clinic::User>> SqlUsers::list() {
  KETAPATH_TRY(state_.usable());
  auto rows =
      KETAPATH_TRY(state_.connection->query(std::string(kSelect) + "ORDER BY name", {}, kColumns));
  std::vector<clinic::User> users;
  for (const auto& r : rows) {
    users.push_back(KETAPATH_TRY(read_user(r)));
  }
  return users;
}

core::Status SqlUsers::update(const clinic::User& u) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  const auto existing = KETAPATH_TRY(c.query_one("SELECT 1 FROM users WHERE name = $1",
                                                 {sql::text(u.name)}, {sql::Type::Integer}));
  if (!existing) {
    return core::fail(core::ErrorCode::NotFound, "user {} not found", u.name);
  }
  return c.execute("UPDATE users SET roles = $1, enabled = $2 WHERE name = $3",
                   {sql::text(join_roles(u.roles)), boolean(u.enabled), sql::text(u.name)});
}

}  // namespace ketapath::store::repositories
