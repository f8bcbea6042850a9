#include "store/open.h"

#include <cstdlib>

#include "store/postgres/pg_connection.h"
#include "store/sql_database.h"
#include "store/sqlite/sqlite_connection.h"

namespace ketapath::store {
namespace {

using core::ErrorCode;

std::optional<std::filesystem::path> key_from_environment() {
  const char* value = std::getenv("KETAPATH_CLINIC_KEY");
  if (value == nullptr || *value == '\0') {
    return std::nullopt;
  }
  return std::filesystem::path(value);
}

core::Result<std::filesystem::path> sqlite_path(std::string_view url) {
  std::string_view rest = url.substr(std::string_view("sqlite:").size());
  if (rest.starts_with("///")) {
    rest.remove_prefix(2);  // sqlite:///abs/path -> /abs/path
  } else if (rest.starts_with("//")) {
    return core::fail(ErrorCode::InvalidArgument,
                      "--db: \"{}\" names a host; use sqlite:PATH or sqlite:///abs/path", url);
  }
  if (rest.empty()) {
    return core::fail(ErrorCode::InvalidArgument, "--db: \"{}\" has no file path", url);
  }
  return std::filesystem::path(rest);
}

}  // namespace

core::Result<std::unique_ptr<Database>> open_database(std::string_view url,
                                                      const OpenOptions& options) {
  const auto explicit_key = options.key_file ? options.key_file : key_from_environment();
  if (url.starts_with("sqlite:")) {
    if (options.password) {
      return core::fail(ErrorCode::InvalidArgument,
                        "--password-file is for PostgreSQL; a SQLite file has no password");
    }
    const auto path = KETAPATH_TRY(sqlite_path(url));
    std::filesystem::path key_file = explicit_key ? *explicit_key : path;
    if (!explicit_key) {
      key_file += ".key";
    }
    std::error_code ec;
    const bool exists = std::filesystem::exists(path, ec);
    auto connector =
        [path](SqlDatabase::Purpose purpose) -> core::Result<std::unique_ptr<sql::Connection>> {
      auto connection = KETAPATH_TRY(sqlite::SqliteConnection::open(
          path, {.create = purpose == SqlDatabase::Purpose::Create,
                 .query_only = purpose == SqlDatabase::Purpose::Read}));
      return std::unique_ptr<sql::Connection>(std::move(connection));
    };
    auto database = KETAPATH_TRY(SqlDatabase::open(Backend::Sqlite, connector, exists, key_file,
                                                   fmt::format("sqlite:{}", path.string())));
    return std::unique_ptr<Database>(std::move(database));
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    if (!explicit_key) {
      return core::fail(ErrorCode::InvalidArgument,
                        "--db {}: PostgreSQL needs the clinic key file: give --key-file or set "
                        "KETAPATH_CLINIC_KEY",
                        postgres::redact_url(url));
    }
    const std::string target(url);
    auto connector =
        [target, password = options.password](
            SqlDatabase::Purpose purpose) -> core::Result<std::unique_ptr<sql::Connection>> {
      auto connection = KETAPATH_TRY(postgres::PgConnection::open(target, password));
      if (purpose == SqlDatabase::Purpose::Read) {
        // begin_read() starts READ ONLY transactions; this refuses a write outside them too.
        KETAPATH_TRY(connection->execute_script("SET default_transaction_read_only = on"));
      }
      return std::unique_ptr<sql::Connection>(std::move(connection));
    };
    auto database = KETAPATH_TRY(SqlDatabase::open(Backend::Postgres, connector, true,
                                                   *explicit_key, postgres::redact_url(url)));
    return std::unique_ptr<Database>(std::move(database));
  }
  return core::fail(
      ErrorCode::InvalidArgument,
      "--db: expected sqlite:PATH, sqlite:///abs/path or postgresql://... (got \"{}\")",
      postgres::redact_url(url));
}

bool url_has_password(std::string_view url) {
  return postgres::has_password(url);
}

std::string redacted_url(std::string_view url) {
  return postgres::redact_url(url);
}

}  // namespace ketapath::store
