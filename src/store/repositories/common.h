#pragma once
// Internal: what every SQL repository shares -- the transaction state, conversions between domain
// values and columns, and existence checks that turn a dangling id into NotFound.

#include <string>
#include <string_view>

#include "clinic/domain/time.h"
#include "store/sql/connection.h"

namespace ketapath::store::repositories {

/// The state of one clinic::Transaction that its repositories share.
struct TransactionState {
  sql::Connection* connection = nullptr;
  bool wrote = false;      ///< a repository changed something: an audit record is required
  bool audited = false;    ///< append_audit() succeeded
  bool finished = false;   ///< commit() was called (successfully or not)
  bool read_only = false;  ///< from begin_read(): every write is refused

  /// Storage/Internal error when the transaction can no longer be used.
  [[nodiscard]] core::Status usable() const;
  /// usable(), refuses a read-only transaction (Internal), and marks the transaction as written.
  core::Status for_write();
};

inline sql::Value boolean(bool value) {
  return sql::integer(value ? 1 : 0);
}

inline sql::Value date(clinic::Date value) {
  return sql::text(clinic::format_date(value));
}

inline sql::Value timestamp(clinic::Timestamp value) {
  return sql::text(clinic::format_timestamp(value));
}

/// A stored value the domain cannot read back is storage corruption, not bad user input.
core::Error corrupt(std::string_view where, const core::Error& error);

core::Result<clinic::Date> read_date(const sql::Row& row, std::size_t column,
                                     std::string_view where);
core::Result<std::optional<clinic::Date>> read_optional_date(const sql::Row& row,
                                                             std::size_t column,
                                                             std::string_view where);
core::Result<clinic::Timestamp> read_timestamp(const sql::Row& row, std::size_t column,
                                               std::string_view where);

/// Parses an enum column with the domain's parse_* function.
template <class Parse>
auto read_enum(const sql::Row& row, std::size_t column, std::string_view where, Parse parse)
    -> decltype(parse(std::string_view{})) {
  auto value = parse(row.text(column));
  if (!value) {
    return std::unexpected(corrupt(where, value.error()));
  }
  return value;
}

/// NotFound "<kind> <id> not found" unless `table` has a row with that id.
core::Status require_row(sql::Connection& connection, std::string_view table, std::string_view kind,
                         std::int64_t id);

}  // namespace ketapath::store::repositories
