#include "store/sql/connection.h"

namespace ketapath::store::sql {

std::string statement_summary(std::string_view sql) {
  const auto start = sql.find_first_not_of(" \n\t");
  std::string text(start == std::string_view::npos ? std::string_view{} : sql.substr(start));
  if (const auto end = text.find('\n'); end != std::string::npos) {
    text.resize(end);
  }
  if (text.size() > 80) {
    text.resize(77);
    text += "...";
  }
  return text;
}

bool Row::is_null(std::size_t column) const {
  KETAPATH_ASSERT(column < cells_.size(), "row column index out of range");
  return std::holds_alternative<std::monostate>(cells_[column]);
}

std::int64_t Row::integer(std::size_t column) const {
  KETAPATH_ASSERT(column < cells_.size(), "row column index out of range");
  const auto* value = std::get_if<std::int64_t>(&cells_[column]);
  KETAPATH_ASSERT(value != nullptr, "column is NULL or was not requested as Integer");
  return *value;
}

double Row::real(std::size_t column) const {
  KETAPATH_ASSERT(column < cells_.size(), "row column index out of range");
  const auto* value = std::get_if<double>(&cells_[column]);
  KETAPATH_ASSERT(value != nullptr, "column is NULL or was not requested as Real");
  return *value;
}

const std::string& Row::text(std::size_t column) const {
  KETAPATH_ASSERT(column < cells_.size(), "row column index out of range");
  const auto* value = std::get_if<std::string>(&cells_[column]);
  KETAPATH_ASSERT(value != nullptr, "column is NULL or was not requested as Text");
  return *value;
}

std::optional<std::int64_t> Row::optional_integer(std::size_t column) const {
  if (is_null(column)) {
    return std::nullopt;
  }
  return integer(column);
}

std::optional<double> Row::optional_real(std::size_t column) const {
  if (is_null(column)) {
    return std::nullopt;
  }
  return real(column);
}

std::optional<std::string> Row::optional_text(std::size_t column) const {
  if (is_null(column)) {
    return std::nullopt;
  }
  return text(column);
}

core::Result<std::optional<Row>> Connection::query_one(std::string_view sql,
                                                       const std::vector<Value>& params,
                                                       const std::vector<Type>& columns) {
  auto rows = KETAPATH_TRY(query(sql, params, columns));
  if (rows.empty()) {
    return std::optional<Row>{};
  }
  if (rows.size() > 1) {
    return core::fail(core::ErrorCode::Storage, "store: expected at most one row (got {} rows)",
                      rows.size());
  }
  return std::optional<Row>(std::move(rows.front()));
}

core::Result<Transaction> Transaction::begin(Connection& connection, Kind kind) {
  auto started = kind == Kind::Write ? connection.begin_write() : connection.begin_read();
  if (!started) {
    return std::unexpected(started.error());
  }
  return Transaction(connection);
}

Transaction::Transaction(Transaction&& other) noexcept
    : connection_(other.connection_), open_(other.open_) {
  other.open_ = false;
}

Transaction::~Transaction() {
  if (open_) {
    // Nothing was acknowledged; a failed rollback leaves the backend to discard the transaction
    // when the connection closes.
    (void)connection_->rollback();
  }
}

core::Status Transaction::commit() {
  KETAPATH_ASSERT(open_, "commit on a finished transaction");
  open_ = false;
  auto committed = connection_->commit();
  if (!committed) {
    (void)connection_->rollback();
  }
  return committed;
}

}  // namespace ketapath::store::sql
