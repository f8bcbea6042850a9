#include "store/sqlite/sqlite_connection.h"

#include <charconv>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include "core/private_file.h"

namespace ketapath::store::sqlite {
namespace {

using core::ErrorCode;

/// Owns a prepared statement.
struct StatementDeleter {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};

using Statement = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

/// Maps an SQLite (extended) result code to the project's error codes.
ErrorCode error_code_for(int extended) {
  switch (extended) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return ErrorCode::Conflict;
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return ErrorCode::Validation;
    default:
      return ErrorCode::Storage;
  }
}

std::unexpected<core::Error> sqlite_error(sqlite3* db, std::string_view sql) {
  const int extended = sqlite3_extended_errcode(db);
  return core::fail(error_code_for(extended), "sqlite: {} (code {}) in \"{}\"", sqlite3_errmsg(db),
                    extended, sql::statement_summary(sql));
}

core::Status bind(sqlite3* db, sqlite3_stmt* statement, std::string_view sql,
                  const std::vector<sql::Value>& params) {
  const int count = sqlite3_bind_parameter_count(statement);
  int used = 0;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const auto name = fmt::format("${}", i + 1);
    const int index = sqlite3_bind_parameter_index(statement, name.c_str());
    if (index == 0) {
      continue;  // a parameter the statement does not use
    }
    ++used;
    int rc = SQLITE_OK;
    const auto& value = params[i];
    if (std::holds_alternative<std::monostate>(value)) {
      rc = sqlite3_bind_null(statement, index);
    } else if (const auto* integer = std::get_if<std::int64_t>(&value)) {
      rc = sqlite3_bind_int64(statement, index, *integer);
    } else if (const auto* real = std::get_if<double>(&value)) {
      rc = sqlite3_bind_double(statement, index, *real);
    } else {
      const auto& text = std::get<std::string>(value);
      rc = sqlite3_bind_text64(statement, index, text.data(), text.size(), SQLITE_TRANSIENT,
                               SQLITE_UTF8);
    }
    if (rc != SQLITE_OK) {
      return sqlite_error(db, sql);
    }
  }
  if (used != count) {
    return core::fail(ErrorCode::Internal,
                      "sqlite: statement has {} parameters but {} of {} given were bound in \"{}\"",
                      count, used, params.size(), sql::statement_summary(sql));
  }
  return {};
}

core::Result<sql::Value> read_cell(sqlite3_stmt* statement, int column, sql::Type type,
                                   std::string_view sql) {
  const int stored = sqlite3_column_type(statement, column);
  if (stored == SQLITE_NULL) {
    return sql::Value{};
  }
  switch (type) {
    case sql::Type::Integer:
      if (stored != SQLITE_INTEGER) {
        return core::fail(ErrorCode::Storage,
                          "sqlite: column {} holds type {} where an integer was expected in \"{}\"",
                          column, stored, sql::statement_summary(sql));
      }
      return sql::Value(static_cast<std::int64_t>(sqlite3_column_int64(statement, column)));
    case sql::Type::Real:
      if (stored != SQLITE_FLOAT && stored != SQLITE_INTEGER) {
        return core::fail(ErrorCode::Storage,
                          "sqlite: column {} holds type {} where a number was expected in \"{}\"",
                          column, stored, sql::statement_summary(sql));
      }
      return sql::Value(sqlite3_column_double(statement, column));
    case sql::Type::Text: {
      const auto* bytes = sqlite3_column_text(statement, column);
      const int size = sqlite3_column_bytes(statement, column);
      return sql::Value(
          std::string(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(size)));
    }
  }
  return core::fail(ErrorCode::Internal, "sqlite: unknown column type");
}

}  // namespace

core::Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(
    const std::filesystem::path& path, const SqliteOptions& options) {
  std::error_code ec;
  if (!options.create && !std::filesystem::exists(path, ec)) {
    return core::fail(ErrorCode::NotFound,
                      "sqlite: database file {} does not exist (run `ketapath clinic init`)",
                      path.string());
  }
  // Patient data: the file is made 0600 (and any folder Ketapath makes, 0700) before SQLite
  // opens it, and SQLite gives its -wal and -shm files the database file's mode. A file that
  // already exists with access for group or others (made by hand, copied) is made 0600 too.
  if (options.create) {
    KETAPATH_TRY(core::create_private_directories(path.parent_path()));
  }
  KETAPATH_TRY(core::create_private_file(path));
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0) |
                    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  std::unique_ptr<SqliteConnection> connection(new SqliteConnection(raw, path));
  if (rc != SQLITE_OK) {
    return core::fail(ErrorCode::Storage, "sqlite: cannot open {}: {}", path.string(),
                      raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
  }
  sqlite3_extended_result_codes(raw, 1);
  const auto timeout = static_cast<int>(options.busy_timeout.count());
  if (sqlite3_busy_timeout(raw, timeout) != SQLITE_OK) {
    return sqlite_error(raw, "busy_timeout");
  }

  // Each setting is read back: a pragma SQLite does not know is silently ignored.
  struct Setting {
    const char* pragma;
    const char* query;
    std::string expected;
  };

  const Setting settings[] = {
      {"PRAGMA journal_mode=WAL", "PRAGMA journal_mode", "wal"},
      {"PRAGMA synchronous=FULL", "PRAGMA synchronous", "2"},
      {"PRAGMA foreign_keys=ON", "PRAGMA foreign_keys", "1"},
      {"PRAGMA trusted_schema=OFF", "PRAGMA trusted_schema", "0"},
  };
  for (const auto& setting : settings) {
    KETAPATH_TRY(connection->execute_script(setting.pragma));
    auto rows = KETAPATH_TRY(connection->query(setting.query, {}, {sql::Type::Text}));
    if (rows.size() != 1 || rows[0].is_null(0) || rows[0].text(0) != setting.expected) {
      return core::fail(
          ErrorCode::Storage, "sqlite: {} did not take effect on {} (got {})", setting.pragma,
          path.string(),
          rows.empty() || rows[0].is_null(0) ? std::string("nothing") : rows[0].text(0));
    }
  }
  // After the settings: journal_mode=WAL on a new file is a change.
  if (options.query_only) {
    KETAPATH_TRY(connection->execute_script("PRAGMA query_only=ON"));
    auto rows = KETAPATH_TRY(connection->query("PRAGMA query_only", {}, {sql::Type::Integer}));
    if (rows.size() != 1 || rows[0].is_null(0) || rows[0].integer(0) != 1) {
      return core::fail(ErrorCode::Storage, "sqlite: PRAGMA query_only did not take effect on {}",
                        path.string());
    }
  }
  return connection;
}

core::Status SqliteConnection::copy_into(const std::filesystem::path& destination) {
  // Created here, exclusively and 0600, so an existing file is never overwritten and the copy is
  // private from its first byte.
  const int fd = ::open(destination.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int error = errno;
    return core::fail(error == EEXIST ? ErrorCode::Conflict : ErrorCode::Io,
                      "backup: cannot create {}: {}", destination.string(),
                      error == EEXIST ? std::string("the file exists; it is never overwritten")
                                      : std::generic_category().message(error));
  }
  ::close(fd);
  const auto remove_partial = [&](core::Error error) -> core::Status {
    std::error_code ignored;
    std::filesystem::remove(destination, ignored);
    return std::unexpected(std::move(error));
  };
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(destination.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, nullptr);
  const std::unique_ptr<sqlite3, int (*)(sqlite3*)> target(raw, sqlite3_close_v2);
  if (rc != SQLITE_OK) {
    return remove_partial(
        core::Error{ErrorCode::Storage,
                    fmt::format("backup: cannot open {}: {}", destination.string(),
                                raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc))});
  }
  sqlite3_backup* backup = sqlite3_backup_init(target.get(), "main", db_, "main");
  if (backup == nullptr) {
    return remove_partial(
        core::Error{ErrorCode::Storage, fmt::format("backup: cannot start the copy of {}: {}",
                                                    path_.string(), sqlite3_errmsg(target.get()))});
  }
  // -1: every page in one step, under one read transaction of the source: a consistent snapshot.
  const int step = sqlite3_backup_step(backup, -1);
  const int finish = sqlite3_backup_finish(backup);
  if (step != SQLITE_DONE || finish != SQLITE_OK) {
    return remove_partial(core::Error{
        ErrorCode::Storage, fmt::format("backup: copying {} into {} failed: {}", path_.string(),
                                        destination.string(), sqlite3_errstr(step))});
  }
  return {};
}

SqliteConnection::~SqliteConnection() {
  if (db_ != nullptr) {
    // sqlite3_close_v2 defers the close until outstanding statements are finalised; none are,
    // because every Statement is scoped to one call.
    sqlite3_close_v2(db_);
  }
}

core::Result<sql::Rows> SqliteConnection::run(std::string_view sql,
                                              const std::vector<sql::Value>& params,
                                              const std::vector<sql::Type>* columns) {
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &raw, &tail) != SQLITE_OK) {
    return sqlite_error(db_, sql);
  }
  Statement statement(raw);
  if (!statement) {
    return core::fail(ErrorCode::Internal, "sqlite: empty statement");
  }
  if (tail != nullptr &&
      std::string_view(tail).find_first_not_of(" \n\t;") != std::string_view::npos) {
    return core::fail(ErrorCode::Internal, "sqlite: more than one statement in \"{}\"",
                      sql::statement_summary(sql));
  }
  KETAPATH_TRY(bind(db_, statement.get(), sql, params));

  sql::Rows rows;
  const int column_count = sqlite3_column_count(statement.get());
  if (columns != nullptr && static_cast<std::size_t>(column_count) != columns->size()) {
    return core::fail(ErrorCode::Internal, "sqlite: query returns {} columns, caller expects {}",
                      column_count, columns->size());
  }
  for (;;) {
    const int rc = sqlite3_step(statement.get());
    if (rc == SQLITE_DONE) {
      break;
    }
    if (rc != SQLITE_ROW) {
      return sqlite_error(db_, sql);
    }
    if (columns == nullptr) {
      continue;
    }
    std::vector<sql::Value> cells;
    cells.reserve(columns->size());
    for (int c = 0; c < column_count; ++c) {
      cells.push_back(KETAPATH_TRY(read_cell(statement.get(), c, (*columns)[c], sql)));
    }
    rows.emplace_back(std::move(cells));
  }
  return rows;
}

core::Status SqliteConnection::execute(std::string_view sql,
                                       const std::vector<sql::Value>& params) {
  KETAPATH_TRY(run(sql, params, nullptr));
  return {};
}

core::Result<sql::Rows> SqliteConnection::query(std::string_view sql,
                                                const std::vector<sql::Value>& params,
                                                const std::vector<sql::Type>& columns) {
  return run(sql, params, &columns);
}

core::Status SqliteConnection::execute_script(std::string_view sql) {
  const std::string script(sql);
  char* message = nullptr;
  if (sqlite3_exec(db_, script.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string text = message != nullptr ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    return core::fail(error_code_for(sqlite3_extended_errcode(db_)), "sqlite: {} in \"{}\"", text,
                      sql::statement_summary(sql));
  }
  return {};
}

core::Result<bool> SqliteConnection::table_exists(std::string_view name) {
  auto row =
      KETAPATH_TRY(query_one("SELECT name FROM sqlite_schema WHERE type = 'table' AND name = $1",
                             {sql::text(name)}, {sql::Type::Text}));
  return row.has_value();
}

bool SqliteConnection::idle() const {
  return sqlite3_get_autocommit(db_) != 0;
}

core::Status SqliteConnection::begin_write() {
  return execute_script("BEGIN IMMEDIATE");
}

core::Status SqliteConnection::begin_read() {
  return execute_script("BEGIN DEFERRED");
}

core::Status SqliteConnection::commit() {
  return execute_script("COMMIT");
}

core::Status SqliteConnection::rollback() {
  if (sqlite3_get_autocommit(db_) != 0) {
    return {};  // SQLite already rolled the transaction back (e.g. after SQLITE_FULL)
  }
  return execute_script("ROLLBACK");
}

}  // namespace ketapath::store::sqlite
