#include "store/repositories/common.h"

namespace ketapath::store::repositories {

core::Status TransactionState::usable() const {
  if (finished) {
    return core::fail(core::ErrorCode::Internal,
                      "store: the transaction was already committed or refused");
  }
  return {};
}

core::Status TransactionState::for_write() {
  KETAPATH_TRY(usable());
  if (read_only) {
    return core::fail(core::ErrorCode::Internal,
                      "store: a write in a read-only transaction (begin_read) was refused");
  }
  wrote = true;
  return {};
}

core::Error corrupt(std::string_view where, const core::Error& error) {
  return core::Error{
      core::ErrorCode::Storage,
      fmt::format("store: {}: stored value cannot be read back ({})", where, error.message)};
}

core::Result<clinic::Date> read_date(const sql::Row& row, std::size_t column,
                                     std::string_view where) {
  auto value = clinic::parse_date(row.text(column), where);
  if (!value) {
    return std::unexpected(corrupt(where, value.error()));
  }
  return *value;
}

core::Result<std::optional<clinic::Date>> read_optional_date(const sql::Row& row,
                                                             std::size_t column,
                                                             std::string_view where) {
  if (row.is_null(column)) {
    return std::optional<clinic::Date>{};
  }
  auto value = KETAPATH_TRY(read_date(row, column, where));
  return std::optional<clinic::Date>(value);
}

core::Result<clinic::Timestamp> read_timestamp(const sql::Row& row, std::size_t column,
                                               std::string_view where) {
  auto value = clinic::parse_timestamp(row.text(column), where);
  if (!value) {
    return std::unexpected(corrupt(where, value.error()));
  }
  return *value;
}

core::Status require_row(sql::Connection& connection, std::string_view table, std::string_view kind,
                         std::int64_t id) {
  auto row =
      KETAPATH_TRY(connection.query_one(fmt::format("SELECT id FROM {} WHERE id = $1", table),
                                        {sql::integer(id)}, {sql::Type::Integer}));
  if (!row) {
    return core::fail(core::ErrorCode::NotFound, "{} {} not found", kind, id);
  }
  return {};
}

}  // namespace ketapath::store::repositories
