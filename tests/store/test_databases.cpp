#include "store/test_databases.h"

#include <cstdlib>
#include <random>

#include "store/postgres/pg_connection.h"
#include "store/sqlite/sqlite_connection.h"
#include "support/must.h"

namespace ketapath::store::testing {
namespace {

std::string random_suffix() {
  std::random_device device;
  return fmt::format("{:08x}{:08x}", device(), device());
}

using ketapath::testing::must;

}  // namespace

TempDir::TempDir() {
  auto base = std::filesystem::temp_directory_path() / ("ketapath-store-" + random_suffix());
  std::filesystem::create_directories(base);
  path_ = base;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::unique_ptr<Database> TestDatabase::open() const {
  return must(open_database(url(), options()));
}

std::unique_ptr<Database> TestDatabase::open_initialised() const {
  auto database = open();
  (void)must(database->initialize());
  return database;
}

SqliteTestDatabase::SqliteTestDatabase() = default;

std::unique_ptr<sql::Connection> SqliteTestDatabase::raw() {
  return must(sqlite::SqliteConnection::open(file(), {}));
}

std::string SqliteTestDatabase::disable_audit_protection_sql() const {
  return "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; "
         "DROP TRIGGER audit_head_no_delete; DROP TRIGGER audit_head_forward_only";
}

PostgresTestDatabase::PostgresTestDatabase(std::string server_url)
    : server_url_(std::move(server_url)), schema_("ketapath_test_" + random_suffix()) {
  auto admin = postgres::PgConnection::open(server_url_);
  if (!admin) {
    ADD_FAILURE() << admin.error().message;
    return;
  }
  auto created = (*admin)->execute_script(fmt::format("CREATE SCHEMA {}", schema_));
  if (!created) {
    ADD_FAILURE() << created.error().message;
  }
}

PostgresTestDatabase::~PostgresTestDatabase() {
  auto admin = postgres::PgConnection::open(server_url_);
  if (admin) {
    (void)(*admin)->execute_script(fmt::format("DROP SCHEMA IF EXISTS {} CASCADE", schema_));
  }
}

std::string PostgresTestDatabase::url() const {
  // libpq's "options" sets the search_path for every session of this URL: all tables, functions
  // and triggers of the store land in the test's own schema.
  const char separator = server_url_.find('?') == std::string::npos ? '?' : '&';
  return fmt::format("{}{}options=-csearch_path%3D{}", server_url_, separator, schema_);
}

std::unique_ptr<sql::Connection> PostgresTestDatabase::raw() {
  return must(postgres::PgConnection::open(url()));
}

std::string PostgresTestDatabase::disable_audit_protection_sql() const {
  return "ALTER TABLE audit_log DISABLE TRIGGER USER; ALTER TABLE audit_head DISABLE TRIGGER USER";
}

std::optional<std::string> postgres_test_url() {
  const char* url = std::getenv("KETAPATH_TEST_POSTGRES_URL");
  if (url == nullptr || *url == '\0') {
    return std::nullopt;
  }
  return std::string(url);
}

bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string_view(ci) == "true";
}

}  // namespace ketapath::store::testing
