#pragma once
// Internal: tamper evidence for the clinical rows themselves (docs/storage.md "Row evidence").
//
// Every audit entry carries the digest of each row its transaction wrote, as the row stands when
// the entry is appended ("-" for a row the transaction deleted). `audit verify` replays those
// digests (the latest entry naming a row wins) and compares them with every row of every clinical
// table: a row changed, deleted or inserted outside Ketapath no longer matches.
//
// Generic at the repository layer: repositories write through a RowTracker connection, which adds
// `RETURNING <primary key>` to each INSERT, UPDATE and DELETE and remembers the keys. Every table
// of the schema is clinical (covered) except the few named by is_exempt_table(); a covered table
// needs a primary key. A new table therefore needs nothing to opt in.
//
// The canonical row form is versioned (kRowFormat): table name, then every column sorted by name
// with a type tag and a byte length. A migration that changes rows (a new column, a backfill)
// appends a "store.rebase" entry with the new digests of the rows it changed, in the migration's
// own transaction, after checking that the database verified before it.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/sql/connection.h"

namespace ketapath::store::evidence {

/// The canonical row form's version, the first line of every row digest's input.
inline constexpr std::string_view kRowFormat = "ketapath-row-v1";

/// Tables that are not clinical records: the audit log, its head, the migration ledger and the
/// SQLite engine's own tables. Everything else is covered.
bool is_exempt_table(std::string_view table);

struct Column {
  std::string name;
  sql::Type type = sql::Type::Text;
};

/// A table as the evidence sees it: columns sorted by name, and the primary key's columns (in key
/// order) as indices into `columns`. An empty key means the table cannot be covered.
struct TableShape {
  std::string name;
  std::vector<Column> columns;
  std::vector<std::size_t> key;
};

/// Every table of the current schema (SQLite file / PostgreSQL search_path), sorted by name.
core::Result<std::vector<std::string>> all_tables(sql::Connection& connection);

/// The shape of one table; Storage error for a column type the evidence cannot read.
core::Result<TableShape> table_shape(sql::Connection& connection, std::string_view table);

/// The tables whose rows are covered (all but the exempt ones), sorted by name.
core::Result<std::vector<TableShape>> covered_tables(sql::Connection& connection);

/// "id=1", "session_id=3,position=2": the key columns and values (text escaped with %XX for
/// `%`, `,`, `=`, tab and newline), as problems name a row.
std::string key_text(const TableShape& shape, const std::vector<sql::Value>& key_values);

/// SHA-256 (hex) of the canonical form of a row read with the shape's columns, in order.
std::string row_digest(const TableShape& shape, const sql::Row& row);

/// The state of one row as an audit entry records it.
struct RowState {
  std::string table;
  std::string key;     ///< key_text()
  std::string digest;  ///< row_digest(), or "-" when the row no longer exists
};

/// The text stored in audit_log.row_digests: "table\tkey\tdigest\n" per row, sorted.
std::string encode(std::vector<RowState> rows);
/// The inverse; Storage error for a malformed line.
core::Result<std::vector<RowState>> decode(std::string_view text);

/// The expected state of every row: (table, key) -> (digest, sequence of the entry recording it).
struct Expected {
  std::string digest;
  std::int64_t sequence = 0;
};

using ExpectedRows = std::map<std::pair<std::string, std::string>, Expected>;

/// Adds one entry's row states (later entries override earlier ones).
core::Status replay(ExpectedRows& expected, std::int64_t sequence, std::string_view row_digests);

/// A row whose stored state differs from the expected one.
struct Mismatch {
  RowState now;                 ///< digest "-" when the row is missing
  std::optional<Expected> was;  ///< what the log says; nothing when no entry names the row
  [[nodiscard]] std::string describe() const;
};

/// Compares every row of every covered table with `expected`. A covered table without a primary
/// key is reported as a mismatch-free problem in `uncovered`.
struct Reconciliation {
  std::vector<Mismatch> mismatches;
  std::vector<std::string> uncovered;  ///< "table x has no primary key ..."
  std::int64_t rows = 0;               ///< rows compared
};

core::Result<Reconciliation> reconcile(sql::Connection& connection, const ExpectedRows& expected);

/// A row a transaction wrote: its table and primary key values.
struct TouchedRow {
  std::string table;
  std::vector<sql::Value> key;
};

/// The connection repositories write through: passes everything to `inner`, and for an INSERT,
/// UPDATE or DELETE on a covered table adds `RETURNING <key>` and remembers the rows. Statements
/// that could write without saying which rows (WITH, REPLACE, MERGE, TRUNCATE, DDL, scripts) are
/// refused (Internal), so no write path can bypass the evidence.
class RowTracker final : public sql::Connection {
 public:
  explicit RowTracker(sql::Connection& inner) : inner_(inner) {}

  [[nodiscard]] sql::Dialect dialect() const override { return inner_.dialect(); }

  core::Status execute(std::string_view sql, const std::vector<sql::Value>& params) override;
  core::Result<sql::Rows> query(std::string_view sql, const std::vector<sql::Value>& params,
                                const std::vector<sql::Type>& columns) override;
  core::Status execute_script(std::string_view sql) override;

  core::Status begin_write() override { return inner_.begin_write(); }

  core::Status begin_read() override { return inner_.begin_read(); }

  core::Status commit() override { return inner_.commit(); }

  core::Status rollback() override { return inner_.rollback(); }

  core::Result<bool> table_exists(std::string_view name) override {
    return inner_.table_exists(name);
  }

  [[nodiscard]] bool idle() const override { return inner_.idle(); }

  [[nodiscard]] std::string_view lock_rows_suffix() const override {
    return inner_.lock_rows_suffix();
  }

  /// The rows written since the last take(), in first-write order, each once.
  std::vector<TouchedRow> take();

  [[nodiscard]] bool pending() const { return !touched_.empty(); }

  /// The current state of each row (read inside the writing transaction).
  core::Result<std::vector<RowState>> states(const std::vector<TouchedRow>& rows);

 private:
  core::Result<const TableShape*> shape(std::string_view table);
  void remember(const std::string& table, std::vector<sql::Value> key);

  sql::Connection& inner_;
  std::map<std::string, TableShape, std::less<>> shapes_;
  std::vector<TouchedRow> touched_;
  std::set<std::pair<std::string, std::string>> seen_;
};

}  // namespace ketapath::store::evidence
