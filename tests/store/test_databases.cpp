#include "store/test_databases.h"

#include <cstdlib>
#include <random>

#include "store/postgres/pg_connection.h"
#include "store/sqlite/sqlite_connection.h"

namespace ketapath::store::testing {
namespace {

std::string random_suffix() {
  std::random_device device;
  return fmt::format("{:08x}{:08x}", device(), device());
}

std::unique_ptr<sql::Connection> must(core::Result<std::unique_ptr<sql::Connection>> result) {
  if (!result) {
    ADD_FAILURE() << result.error().message;
    return nullptr;
  }
  return std::move(*result);
}

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
  auto database = open_database(url(), options());
  if (!database) {
    ADD_FAILURE() << "open " << url() << ": " << database.error().message;
    return nullptr;
  }
  return std::move(*database);
}

std::unique_ptr<Database> TestDatabase::open_initialised() const {
  auto database = open();
  if (!database) {
    return nullptr;
  }
  auto version = database->initialize();
  if (!version) {
    ADD_FAILURE() << "initialize " << url() << ": " << version.error().message;
    return nullptr;
  }
  return database;
}

SqliteTestDatabase::SqliteTestDatabase() = default;

std::unique_ptr<sql::Connection> SqliteTestDatabase::raw() {
  auto connection = sqlite::SqliteConnection::open(file(), {});
  if (!connection) {
    return must(std::unexpected(connection.error()));
  }
  return std::move(*connection);
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
  auto connection = postgres::PgConnection::open(url());
  if (!connection) {
    return must(std::unexpected(connection.error()));
  }
  return std::move(*connection);
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
