#include "store/postgres/pg_connection.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <string>
#include <vector>

#include <libpq-fe.h>

#include "core/text.h"

namespace ketapath::store::postgres {
namespace {

using core::ErrorCode;

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};

using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

/// Maps a SQLSTATE to the project's error codes.
ErrorCode error_code_for(std::string_view sqlstate) {
  if (sqlstate == "23505") {
    return ErrorCode::Conflict;  // unique_violation
  }
  if (sqlstate == "23514" || sqlstate == "23502" || sqlstate == "23503") {
    return ErrorCode::Validation;  // check, not null, foreign key
  }
  if (sqlstate == "40001" || sqlstate == "40P01") {
    return ErrorCode::Conflict;  // serialization failure, deadlock: the caller may retry
  }
  return ErrorCode::Storage;
}

std::string trimmed(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

std::unexpected<core::Error> result_error(pg_conn* connection, const PGresult* result,
                                          std::string_view sql) {
  if (result == nullptr) {
    return core::fail(ErrorCode::Storage, "postgres: {} in \"{}\"",
                      trimmed(PQerrorMessage(connection)), sql::statement_summary(sql));
  }
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const std::string sqlstate = state != nullptr ? state : "";
  return core::fail(error_code_for(sqlstate), "postgres: {} (SQLSTATE {}) in \"{}\"",
                    trimmed(PQresultErrorMessage(result)), sqlstate.empty() ? "none" : sqlstate,
                    sql::statement_summary(sql));
}

void ignore_notice(void* /*arg*/, const char* /*message*/) {}

core::Result<sql::Value> read_cell(const PGresult* result, int row, int column, sql::Type type,
                                   std::string_view sql) {
  if (PQgetisnull(result, row, column) != 0) {
    return sql::Value{};
  }
  const char* text = PQgetvalue(result, row, column);
  const std::string_view cell(text, static_cast<std::size_t>(PQgetlength(result, row, column)));
  switch (type) {
    case sql::Type::Integer: {
      std::int64_t value = 0;
      const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
      if (ec != std::errc{} || end != cell.data() + cell.size()) {
        return core::fail(
            ErrorCode::Storage,
            "postgres: column {} holds \"{}\" where an integer was expected in \"{}\"", column,
            cell, sql::statement_summary(sql));
      }
      return sql::Value(value);
    }
    case sql::Type::Real: {
      double value = 0;
      const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
      if (ec != std::errc{} || end != cell.data() + cell.size()) {
        return core::fail(ErrorCode::Storage,
                          "postgres: column {} holds \"{}\" where a number was expected in \"{}\"",
                          column, cell, sql::statement_summary(sql));
      }
      return sql::Value(value);
    }
    case sql::Type::Text:
      return sql::Value(std::string(cell));
  }
  return core::fail(ErrorCode::Internal, "postgres: unknown column type");
}

}  // namespace

namespace {

struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
};

/// Where the passwords are written in a libpq connection string: a URI's user info and its
/// `password=` query parameters, or a keyword/value string's `password = value` (quoted or not).
std::vector<Span> password_spans(std::string_view url) {
  std::vector<Span> spans;
  const auto scheme = url.find("://");
  const auto first_equals = url.find('=');
  if (scheme != std::string_view::npos &&
      (first_equals == std::string_view::npos || scheme < first_equals)) {
    // A URI (postgresql://, or anything else shaped like one).
    const std::size_t start = scheme + 3;
    const std::size_t query = std::min(url.find('?', start), url.size());
    const auto at = url.rfind('@', query);
    if (at != std::string_view::npos && at >= start) {
      const auto colon = url.find(':', start);
      if (colon != std::string_view::npos && colon < at) {
        spans.push_back({colon + 1, at});
      }
    }
    std::size_t from = query;
    while (from < url.size()) {
      const std::size_t begin = from + 1;
      const std::size_t end = std::min(url.find_first_of("&#", begin), url.size());
      const auto param = url.substr(begin, end - begin);
      const auto eq = param.find('=');
      if (eq != std::string_view::npos && core::ascii_lower(param.substr(0, eq)) == "password") {
        spans.push_back({begin + eq + 1, end});
      }
      if (end >= url.size() || url[end] == '#') {
        break;
      }
      from = end;
    }
    return spans;
  }
  // keyword = value pairs; values may be single-quoted with backslash escapes.
  std::size_t i = 0;
  const auto space = [&] {
    while (i < url.size() && std::isspace(static_cast<unsigned char>(url[i])) != 0) {
      ++i;
    }
  };
  while (i < url.size()) {
    space();
    const std::size_t key_begin = i;
    while (i < url.size() && url[i] != '=' &&
           std::isspace(static_cast<unsigned char>(url[i])) == 0) {
      ++i;
    }
    const auto key = core::ascii_lower(url.substr(key_begin, i - key_begin));
    space();
    if (i >= url.size() || url[i] != '=') {
      // Not keyword/value: anything after a "password" word is treated as secret.
      if (key.find("password") != std::string::npos) {
        spans.push_back({i, url.size()});
      }
      break;
    }
    ++i;
    space();
    const std::size_t value_begin = i;
    if (i < url.size() && url[i] == '\'') {
      ++i;
      while (i < url.size() && url[i] != '\'') {
        i += url[i] == '\\' ? 2 : 1;
      }
      i = std::min(i + 1, url.size());
    } else {
      while (i < url.size() && std::isspace(static_cast<unsigned char>(url[i])) == 0) {
        ++i;
      }
    }
    if (key == "password") {
      spans.push_back({value_begin, i});
    }
  }
  return spans;
}

std::string percent_decoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      unsigned value = 0;
      const auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
      if (ec == std::errc{} && end == text.data() + i + 3) {
        out.push_back(static_cast<char>(value));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

void replace_all(std::string& text, std::string_view secret) {
  if (secret.empty()) {
    return;
  }
  for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
    text.replace(at, secret.size(), "***");
  }
}

}  // namespace

std::string redact_url(std::string_view url) {
  std::string out(url);
  auto spans = password_spans(url);
  for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
    if (it->end > it->begin) {
      out.replace(it->begin, it->end - it->begin, "***");
    }
  }
  return out;
}

bool has_password(std::string_view url) {
  const auto spans = password_spans(url);
  return std::any_of(spans.begin(), spans.end(), [](const Span& s) { return s.end > s.begin; });
}

std::string redact_secrets(std::string_view message, std::string_view url,
                           const std::optional<std::string>& password) {
  std::string out(message);
  for (const auto& span : password_spans(url)) {
    const auto secret = url.substr(span.begin, span.end - span.begin);
    replace_all(out, secret);
    replace_all(out, percent_decoded(secret));
    if (secret.size() >= 2 && secret.front() == '\'' && secret.back() == '\'') {
      replace_all(out, secret.substr(1, secret.size() - 2));
    }
  }
  if (password) {
    replace_all(out, *password);
  }
  return out;
}

core::Result<std::unique_ptr<PgConnection>> PgConnection::open(
    const std::string& url, const std::optional<std::string>& password) {
  // The URL (or keyword/value string) is expanded as "dbname"; a password given apart (from
  // --password-file) comes after it and wins. Without one libpq uses PGPASSWORD or PGPASSFILE.
  const char* keywords[] = {"dbname", password ? "password" : nullptr, nullptr};
  const char* values[] = {url.c_str(), password ? password->c_str() : nullptr, nullptr};
  pg_conn* raw = PQconnectdbParams(keywords, values, 1);
  if (raw == nullptr) {
    return core::fail(ErrorCode::Storage, "postgres: out of memory connecting to {}",
                      redact_url(url));
  }
  std::unique_ptr<PgConnection> connection(new PgConnection(raw));
  if (PQstatus(raw) != CONNECTION_OK) {
    return core::fail(ErrorCode::Storage, "postgres: cannot connect to {}: {}", redact_url(url),
                      redact_secrets(trimmed(PQerrorMessage(raw)), url, password));
  }
  PQsetNoticeProcessor(raw, ignore_notice, nullptr);
  KETAPATH_TRY(connection->execute_script(
      "SET synchronous_commit = on; SET TIME ZONE 'UTC'; SET client_min_messages = warning"));
  return connection;
}

PgConnection::~PgConnection() {
  if (connection_ != nullptr) {
    PQfinish(connection_);
  }
}

core::Result<sql::Rows> PgConnection::run(std::string_view sql,
                                          const std::vector<sql::Value>& params,
                                          const std::vector<sql::Type>* columns) {
  std::vector<std::string> storage(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  for (std::size_t i = 0; i < params.size(); ++i) {
    const auto& value = params[i];
    if (std::holds_alternative<std::monostate>(value)) {
      continue;
    }
    if (const auto* integer = std::get_if<std::int64_t>(&value)) {
      storage[i] = fmt::format("{}", *integer);
    } else if (const auto* real = std::get_if<double>(&value)) {
      storage[i] = fmt::format("{}", *real);  // shortest form that reads back exactly
    } else {
      storage[i] = std::get<std::string>(value);
    }
    values[i] = storage[i].c_str();
  }
  const std::string statement(sql);
  PgResult result(PQexecParams(connection_, statement.c_str(), static_cast<int>(params.size()),
                               nullptr, values.data(), nullptr, nullptr, 0));
  const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return result_error(connection_, result.get(), sql);
  }
  sql::Rows rows;
  if (columns == nullptr) {
    return rows;
  }
  const int column_count = PQnfields(result.get());
  if (static_cast<std::size_t>(column_count) != columns->size()) {
    return core::fail(ErrorCode::Internal, "postgres: query returns {} columns, caller expects {}",
                      column_count, columns->size());
  }
  const int row_count = PQntuples(result.get());
  rows.reserve(static_cast<std::size_t>(row_count));
  for (int r = 0; r < row_count; ++r) {
    std::vector<sql::Value> cells;
    cells.reserve(columns->size());
    for (int c = 0; c < column_count; ++c) {
      cells.push_back(KETAPATH_TRY(read_cell(result.get(), r, c, (*columns)[c], sql)));
    }
    rows.emplace_back(std::move(cells));
  }
  return rows;
}

core::Status PgConnection::execute(std::string_view sql, const std::vector<sql::Value>& params) {
  KETAPATH_TRY(run(sql, params, nullptr));
  return {};
}

core::Result<sql::Rows> PgConnection::query(std::string_view sql,
                                            const std::vector<sql::Value>& params,
                                            const std::vector<sql::Type>& columns) {
  return run(sql, params, &columns);
}

core::Status PgConnection::execute_script(std::string_view sql) {
  const std::string script(sql);
  PgResult result(PQexec(connection_, script.c_str()));
  const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return result_error(connection_, result.get(), sql);
  }
  return {};
}

core::Result<bool> PgConnection::table_exists(std::string_view name) {
  // to_regclass resolves the name through search_path, as the queries that follow will.
  auto row =
      KETAPATH_TRY(query_one("SELECT to_regclass($1)::text", {sql::text(name)}, {sql::Type::Text}));
  return row.has_value() && !row->is_null(0);
}

bool PgConnection::idle() const {
  return PQstatus(connection_) == CONNECTION_OK && PQtransactionStatus(connection_) == PQTRANS_IDLE;
}

core::Status PgConnection::begin_write() {
  return execute_script("BEGIN ISOLATION LEVEL READ COMMITTED");
}

core::Status PgConnection::begin_read() {
  return execute_script("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

core::Status PgConnection::commit() {
  // A COMMIT of a transaction that already failed is answered with ROLLBACK, not an error:
  // check the command tag so a lost write is never reported as committed.
  PgResult result(PQexec(connection_, "COMMIT"));
  const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK) {
    return result_error(connection_, result.get(), "COMMIT");
  }
  if (std::string_view(PQcmdStatus(result.get())) != "COMMIT") {
    return core::fail(ErrorCode::Storage, "postgres: transaction was rolled back at COMMIT ({})",
                      PQcmdStatus(result.get()));
  }
  return {};
}

core::Status PgConnection::rollback() {
  if (PQtransactionStatus(connection_) == PQTRANS_IDLE) {
    return {};
  }
  return execute_script("ROLLBACK");
}

}  // namespace ketapath::store::postgres
