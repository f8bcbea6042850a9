// PostgreSQL role separation: an application role granted by grant_application_role can do every
// clinical write (with its audit entry) but cannot rewrite history: no UPDATE, DELETE or TRUNCATE
// of the audit log, no disabling of its triggers, no DROP. SQLite has no roles and says so.

#include <random>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "clinic/service/service.h"
#include "store/postgres/pg_connection.h"
#include "store/test_databases.h"

namespace ketapath::store::testing {
namespace {

using core::ErrorCode;

clinic::Timestamp at(const char* text) {
  return *clinic::parse_timestamp(text);
}

clinic::Patient patient(const char* name) {
  clinic::Patient p;
  p.name = name;
  p.birth_date = *clinic::parse_date("1985-03-14");
  p.sex = clinic::Sex::Female;
  p.weights = {{*clinic::parse_date("2026-11-18"), core::Kilograms(70.0), false}};
  return p;
}

/// The same URL signed in as another role ("postgresql://user:pass@host/..." form).
std::string as_role(const std::string& url, const std::string& role, const std::string& password) {
  const auto start = url.find("://") + 3;
  const auto at_sign = url.find('@', start);
  return url.substr(0, start) + role + ":" + password + url.substr(at_sign);
}

/// Creates a login role for the test and drops it (with its grants) afterwards.
class AppRole {
 public:
  explicit AppRole(TestDatabase& database) : database_(database) {
    name_ = fmt::format("ketapath_app_{:08x}", std::random_device{}());
    auto raw = database_.raw();
    const auto created =
        raw->execute_script(fmt::format("CREATE ROLE {} LOGIN PASSWORD 'app'", name_));
    EXPECT_TRUE(created) << created.error().message;
  }

  ~AppRole() {
    auto raw = database_.raw();
    const auto revoked = raw->execute_script(fmt::format(
        "DO $$ BEGIN "
        "EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM {0}', current_schema()); "
        "EXECUTE format('REVOKE ALL ON SCHEMA %I FROM {0}', current_schema()); END $$",
        name_));
    EXPECT_TRUE(revoked) << revoked.error().message;
    const auto dropped = raw->execute_script(fmt::format("DROP ROLE IF EXISTS {}", name_));
    EXPECT_TRUE(dropped) << dropped.error().message;
  }

  AppRole(const AppRole&) = delete;
  AppRole& operator=(const AppRole&) = delete;

  [[nodiscard]] const std::string& name() const { return name_; }

 private:
  TestDatabase& database_;
  std::string name_;
};

TEST(Roles, SqliteHasNoRolesAndSaysSo) {
  SqliteTestDatabase database;
  auto store = database.open_initialised();
  ASSERT_NE(store, nullptr);
  const auto granted =
      store->grant_application_role("clinic_app", "dba", at("2026-11-21T09:00:00Z"));
  ASSERT_FALSE(granted);
  EXPECT_EQ(granted.error().code, ErrorCode::InvalidArgument);
  EXPECT_NE(granted.error().message.find("no database roles"), std::string::npos);
}

TEST(Roles, PostgresApplicationRoleWritesButCannotRewriteHistory) {
  KETAPATH_REQUIRE_POSTGRES();
  PostgresTestDatabase database(*postgres_test_url());
  auto owner = database.open_initialised();
  ASSERT_NE(owner, nullptr);
  AppRole role(database);
  const auto when = at("2026-11-21T09:00:00Z");

  // Refusals first: a malformed name, an unknown role, and the owner itself.
  EXPECT_EQ(owner->grant_application_role("app; DROP TABLE patients", "dba", when).error().code,
            ErrorCode::InvalidArgument);
  EXPECT_EQ(owner->grant_application_role("no_such_role_here", "dba", when).error().code,
            ErrorCode::NotFound);
  EXPECT_EQ(owner->grant_application_role("ketapath", "dba", when).error().code,
            ErrorCode::InvalidArgument);
  const auto before = owner->audit().verify();
  ASSERT_TRUE(before);

  const auto granted = owner->grant_application_role(role.name(), "dba", when);
  ASSERT_TRUE(granted) << granted.error().message;
  bool saw_audit_log = false;
  for (const auto& [table, privileges] : *granted) {
    if (table == "audit_log") {
      saw_audit_log = true;
      EXPECT_EQ(privileges, "SELECT, INSERT");
    }
  }
  EXPECT_TRUE(saw_audit_log);
  const auto entries = owner->audit().entries(before->entries + 1, 1);
  ASSERT_TRUE(entries && entries->size() == 1u);
  EXPECT_EQ(entries->front().record.action, "security.grant");
  EXPECT_EQ(entries->front().record.actor, "dba");
  {  // the clinic's first user (clinic/user.h), added by the owner
    clinic::ClinicService admin(*owner, "dr.lee", [&] { return when; });
    const auto user = admin.add_user("dr.lee", {clinic::Role::Admin, clinic::Role::Nurse});
    ASSERT_TRUE(user) << user.error().message;
  }
  owner.reset();

  // The application, signed in as the role, does a clinical write with its audit entry.
  const std::string app_url = as_role(database.url(), role.name(), "app");
  auto app = open_database(app_url, database.options());
  ASSERT_TRUE(app) << app.error().message;
  clinic::ClinicService clinic(**app, "dr.lee", [&] { return when; });
  const auto id = clinic.add_patient(patient("Alex Example"));
  ASSERT_TRUE(id) << id.error().message;
  const auto verified = clinic.verify_audit();
  ASSERT_TRUE(verified);
  EXPECT_TRUE(verified->intact);
  app->reset();

  // What an attacker with the application's credentials would try first.
  auto raw = postgres::PgConnection::open(app_url);
  ASSERT_TRUE(raw) << raw.error().message;
  for (const char* attack : {"ALTER TABLE audit_log DISABLE TRIGGER USER", "TRUNCATE audit_log",
                             "DELETE FROM audit_log", "UPDATE audit_log SET actor = 'someone else'",
                             "DELETE FROM patients", "DROP TABLE audit_log",
                             "INSERT INTO schema_migrations VALUES "
                             "(99, 'x', 'x', 'x')"}) {
    const auto result = (*raw)->execute_script(attack);
    ASSERT_FALSE(result) << attack;
    const std::string& message = result.error().message;
    EXPECT_TRUE(message.find("permission denied") != std::string::npos ||
                message.find("must be owner") != std::string::npos)
        << attack << ": " << message;
  }
}

}  // namespace
}  // namespace ketapath::store::testing
