#pragma once
// Internal: the small SQL surface both backends provide, so that migrations, the audit chain and
// the repositories are written once. Not part of the store's public API (see store/open.h).
//
// SQL text uses $1, $2, ... placeholders in both dialects (SQLite binds them by name).
// A query names the type of each result column; the backend converts every cell when the rows are
// fetched, so a type mismatch is a Storage error at the query, and the Row getters cannot fail.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.h"

namespace ketapath::store::sql {

enum class Dialect { Sqlite, Postgres };

/// A parameter or result cell: NULL, 64-bit integer, double or UTF-8 text.
using Value = std::variant<std::monostate, std::int64_t, double, std::string>;

/// Column types a query asks for.
enum class Type { Integer, Real, Text };

inline Value null() {
  return std::monostate{};
}

inline Value text(std::string_view s) {
  return std::string(s);
}

inline Value integer(std::int64_t v) {
  return v;
}

inline Value real(double v) {
  return v;
}

template <class T>
Value optional_value(const std::optional<T>& v) {
  if (!v) {
    return std::monostate{};
  }
  return Value(*v);
}

/// The first line of a statement, at most 80 characters: what error messages quote.
std::string statement_summary(std::string_view sql);

/// One result row; cells already have the types the query asked for.
class Row {
 public:
  explicit Row(std::vector<Value> cells) : cells_(std::move(cells)) {}

  [[nodiscard]] std::size_t size() const { return cells_.size(); }

  [[nodiscard]] bool is_null(std::size_t column) const;
  /// The cell as an integer; asserts the column was requested as Integer and is not NULL.
  [[nodiscard]] std::int64_t integer(std::size_t column) const;
  [[nodiscard]] double real(std::size_t column) const;
  [[nodiscard]] const std::string& text(std::size_t column) const;
  [[nodiscard]] std::optional<std::int64_t> optional_integer(std::size_t column) const;
  [[nodiscard]] std::optional<double> optional_real(std::size_t column) const;
  [[nodiscard]] std::optional<std::string> optional_text(std::size_t column) const;

  /// Every cell, in column order.
  [[nodiscard]] const std::vector<Value>& cells() const { return cells_; }

 private:
  std::vector<Value> cells_;
};

using Rows = std::vector<Row>;

/// One open database connection. Not thread-safe: use one per thread.
class Connection {
 public:
  virtual ~Connection() = default;

  [[nodiscard]] virtual Dialect dialect() const = 0;

  /// Runs a statement that returns no rows. Constraint violations map to Conflict (unique),
  /// Validation (check, not null, foreign key); everything else to Storage.
  virtual core::Status execute(std::string_view sql, const std::vector<Value>& params = {}) = 0;

  /// Runs a query and converts each cell to the requested column type.
  virtual core::Result<Rows> query(std::string_view sql, const std::vector<Value>& params,
                                   const std::vector<Type>& columns) = 0;

  /// Runs several semicolon-separated statements without parameters (migrations).
  virtual core::Status execute_script(std::string_view sql) = 0;

  /// Starts a transaction that will write: SQLite takes the write lock now (BEGIN IMMEDIATE) so
  /// that two writers never both read the same audit head; PostgreSQL locks rows explicitly.
  virtual core::Status begin_write() = 0;
  virtual core::Status begin_read() = 0;
  virtual core::Status commit() = 0;
  virtual core::Status rollback() = 0;

  /// Whether a table of that name exists (in the current schema / search_path).
  virtual core::Result<bool> table_exists(std::string_view name) = 0;

  /// Whether the connection is healthy and outside any transaction: a pooled read connection
  /// goes back to its pool only then (otherwise it is closed).
  [[nodiscard]] virtual bool idle() const = 0;

  /// Appended to a SELECT of the audit head so concurrent writers serialise ("" or " FOR UPDATE").
  [[nodiscard]] virtual std::string_view lock_rows_suffix() const = 0;

  /// A one-row query convenience: NotFound-free, returns std::nullopt when there is no row.
  core::Result<std::optional<Row>> query_one(std::string_view sql, const std::vector<Value>& params,
                                             const std::vector<Type>& columns);
};

/// RAII transaction: rolls back on destruction unless commit() succeeded.
class Transaction {
 public:
  enum class Kind { Read, Write };

  /// Starts the transaction; check ok()/status() before using it.
  static core::Result<Transaction> begin(Connection& connection, Kind kind);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  core::Status commit();

 private:
  explicit Transaction(Connection& connection) : connection_(&connection) {}

  Connection* connection_;
  bool open_ = true;
};

}  // namespace ketapath::store::sql
