#pragma once
// Internal: the PostgreSQL backend's connection (RAII over libpq's PGconn* and PGresult*).
//
// Every session runs with synchronous_commit=on (a COMMIT returns only after the WAL record is
// flushed, whatever the server default), TimeZone=UTC and NOTICE messages suppressed.

#include <memory>
#include <optional>
#include <string>

#include "store/sql/connection.h"

struct pg_conn;

namespace ketapath::store::postgres {

class PgConnection final : public sql::Connection {
 public:
  /// Connects with a libpq URI ("postgresql://user@host:port/db?options=...") or keyword/value
  /// string; `password`, when given (--password-file), overrides any in the URL. Errors never
  /// carry a password (redact_url, redact_secrets).
  static core::Result<std::unique_ptr<PgConnection>> open(
      const std::string& url, const std::optional<std::string>& password = std::nullopt);

  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  [[nodiscard]] sql::Dialect dialect() const override { return sql::Dialect::Postgres; }

  core::Status execute(std::string_view sql, const std::vector<sql::Value>& params) override;
  core::Result<sql::Rows> query(std::string_view sql, const std::vector<sql::Value>& params,
                                const std::vector<sql::Type>& columns) override;
  core::Status execute_script(std::string_view sql) override;
  core::Result<bool> table_exists(std::string_view name) override;
  core::Status begin_write() override;
  core::Status begin_read() override;
  core::Status commit() override;
  core::Status rollback() override;

  [[nodiscard]] bool idle() const override;

  [[nodiscard]] std::string_view lock_rows_suffix() const override { return " FOR UPDATE"; }

 private:
  explicit PgConnection(pg_conn* connection) : connection_(connection) {}

  core::Result<sql::Rows> run(std::string_view sql, const std::vector<sql::Value>& params,
                              const std::vector<sql::Type>* columns);

  pg_conn* connection_;
};

/// The URL with every password replaced by "***" (user info, `?password=`, keyword/value
/// `password=`), for messages and logs.
std::string redact_url(std::string_view url);

/// Whether the URL (or keyword/value string) carries a password.
bool has_password(std::string_view url);

/// `message` with any password of `url` (as written, percent-decoded or unquoted) and `password`
/// replaced by "***": libpq may echo parts of a malformed URL.
std::string redact_secrets(std::string_view message, std::string_view url,
                           const std::optional<std::string>& password);

}  // namespace ketapath::store::postgres
