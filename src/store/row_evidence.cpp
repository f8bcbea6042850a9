#include "store/row_evidence.h"

#include <algorithm>
#include <cctype>

#include "core/text.h"
#include "store/crypto.h"

namespace ketapath::store::evidence {
namespace {

using core::ErrorCode;

bool identifier_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

/// What a statement does to which table, read from its first words.
struct Statement {
  enum class Kind { Other, Write, Refused };
  Kind kind = Kind::Other;
  std::string verb;
  std::string table;
};

class Words {
 public:
  explicit Words(std::string_view sql) : sql_(sql) {}

  void skip_space() {
    while (pos_ < sql_.size() && std::isspace(static_cast<unsigned char>(sql_[pos_])) != 0) {
      ++pos_;
    }
  }

  std::string word() {
    skip_space();
    const std::size_t start = pos_;
    while (pos_ < sql_.size() && identifier_char(sql_[pos_])) {
      ++pos_;
    }
    return core::ascii_upper(sql_.substr(start, pos_ - start));
  }

  /// A table name, possibly quoted or schema-qualified (the last part is returned).
  std::string table() {
    skip_space();
    std::string name;
    while (pos_ < sql_.size()) {
      const char c = sql_[pos_];
      if (c == '"') {
        ++pos_;
        continue;
      }
      if (c == '.') {
        name.clear();
        ++pos_;
        continue;
      }
      if (!identifier_char(c)) {
        break;
      }
      name.push_back(c);
      ++pos_;
    }
    return name;
  }

  std::string peek_word() {
    const std::size_t saved = pos_;
    auto w = word();
    pos_ = saved;
    return w;
  }

 private:
  std::string_view sql_;
  std::size_t pos_ = 0;
};

Statement classify(std::string_view sql) {
  Words words(sql);
  Statement s;
  s.verb = words.word();
  if (s.verb == "INSERT" || s.verb == "UPDATE") {
    if (words.peek_word() == "OR") {
      (void)words.word();
      (void)words.word();  // OR REPLACE / OR IGNORE / ...
    }
    if (s.verb == "INSERT" && words.word() != "INTO") {
      s.kind = Statement::Kind::Refused;
      return s;
    }
    s.table = words.table();
    s.kind = s.table.empty() ? Statement::Kind::Refused : Statement::Kind::Write;
    return s;
  }
  if (s.verb == "DELETE") {
    if (words.word() != "FROM") {
      s.kind = Statement::Kind::Refused;
      return s;
    }
    s.table = words.table();
    s.kind = s.table.empty() ? Statement::Kind::Refused : Statement::Kind::Write;
    return s;
  }
  static const std::set<std::string, std::less<>> kRefused = {
      "REPLACE", "WITH", "MERGE", "TRUNCATE", "ALTER", "DROP", "CREATE", "COPY", "UPSERT"};
  if (kRefused.contains(s.verb)) {
    s.kind = Statement::Kind::Refused;
  }
  return s;
}

/// The offset just after a RETURNING keyword, or npos.
std::size_t after_returning(std::string_view sql) {
  const std::string text = core::ascii_upper(sql);
  constexpr std::string_view kWord = "RETURNING";
  std::size_t from = 0;
  while (true) {
    const auto at = text.find(kWord, from);
    if (at == std::string::npos) {
      return std::string_view::npos;
    }
    const std::size_t end = at + kWord.size();
    const bool starts = at == 0 || !identifier_char(text[at - 1]);
    const bool ends = end == text.size() || !identifier_char(text[end]);
    if (starts && ends) {
      return end;
    }
    from = end;
  }
}

std::string_view trim_end(std::string_view sql) {
  while (!sql.empty() &&
         (std::isspace(static_cast<unsigned char>(sql.back())) != 0 || sql.back() == ';')) {
    sql.remove_suffix(1);
  }
  return sql;
}

std::string key_columns(const TableShape& shape) {
  std::string out;
  for (const auto index : shape.key) {
    if (!out.empty()) {
      out += ", ";
    }
    out += shape.columns[index].name;
  }
  return out;
}

std::vector<sql::Type> key_types(const TableShape& shape) {
  std::vector<sql::Type> types;
  for (const auto index : shape.key) {
    types.push_back(shape.columns[index].type);
  }
  return types;
}

std::string select_list(const TableShape& shape) {
  std::string out;
  for (const auto& column : shape.columns) {
    if (!out.empty()) {
      out += ", ";
    }
    out += column.name;
  }
  return out;
}

std::vector<sql::Type> column_types(const TableShape& shape) {
  std::vector<sql::Type> types;
  types.reserve(shape.columns.size());
  for (const auto& column : shape.columns) {
    types.push_back(column.type);
  }
  return types;
}

std::string value_text(const sql::Value& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    return fmt::format("{}", *i);
  }
  if (const auto* r = std::get_if<double>(&value)) {
    return fmt::format("{}", *r);  // shortest text that reads back exactly
  }
  if (const auto* t = std::get_if<std::string>(&value)) {
    return *t;
  }
  return {};
}

char type_tag(const sql::Value& value) {
  if (std::holds_alternative<std::int64_t>(value)) {
    return 'i';
  }
  if (std::holds_alternative<double>(value)) {
    return 'r';
  }
  if (std::holds_alternative<std::string>(value)) {
    return 't';
  }
  return 'n';
}

std::string escaped(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '%' || c == ',' || c == '=' || c == '\t' || c == '\n' || c == '\r') {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

core::Result<sql::Type> sqlite_type(std::string_view table, std::string_view column,
                                    std::string_view declared) {
  const std::string type = core::ascii_upper(declared);
  if (type == "INTEGER" || type == "INT" || type == "BIGINT") {
    return sql::Type::Integer;
  }
  if (type == "REAL" || type == "DOUBLE" || type == "DOUBLE PRECISION" || type == "FLOAT") {
    return sql::Type::Real;
  }
  if (type == "TEXT") {
    return sql::Type::Text;
  }
  return core::fail(ErrorCode::Storage,
                    "store: {}.{} has type \"{}\", which row evidence cannot read (use INTEGER, "
                    "REAL or TEXT)",
                    table, column, declared);
}

sql::Type postgres_type(std::string_view declared) {
  if (declared == "bigint" || declared == "integer" || declared == "smallint") {
    return sql::Type::Integer;
  }
  if (declared == "double precision" || declared == "real") {
    return sql::Type::Real;
  }
  return sql::Type::Text;  // text, and anything else in its text form
}

}  // namespace

bool is_exempt_table(std::string_view table) {
  return table == "audit_log" || table == "audit_head" || table == "schema_migrations" ||
         table.starts_with("sqlite_");
}

core::Result<std::vector<std::string>> all_tables(sql::Connection& connection) {
  const std::string_view query =
      connection.dialect() == sql::Dialect::Sqlite
          ? "SELECT name FROM sqlite_master WHERE type = 'table'"
          : "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()";
  auto rows = KETAPATH_TRY(connection.query(query, {}, {sql::Type::Text}));
  std::vector<std::string> tables;
  tables.reserve(rows.size());
  for (const auto& row : rows) {
    tables.push_back(row.text(0));
  }
  std::sort(tables.begin(), tables.end());
  return tables;
}

core::Result<TableShape> table_shape(sql::Connection& connection, std::string_view table) {
  TableShape shape;
  shape.name = std::string(table);
  std::vector<std::pair<std::int64_t, std::string>> key;  // (position in key, column)
  if (connection.dialect() == sql::Dialect::Sqlite) {
    auto rows = KETAPATH_TRY(connection.query(
        "SELECT name, type, pk FROM pragma_table_info($1) ORDER BY cid", {sql::text(table)},
        {sql::Type::Text, sql::Type::Text, sql::Type::Integer}));
    for (const auto& row : rows) {
      shape.columns.push_back(
          Column{row.text(0), KETAPATH_TRY(sqlite_type(table, row.text(0), row.text(1)))});
      if (row.integer(2) > 0) {
        key.emplace_back(row.integer(2), row.text(0));
      }
    }
  } else {
    auto rows = KETAPATH_TRY(connection.query(
        "SELECT column_name::text, data_type::text FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        {sql::text(table)}, {sql::Type::Text, sql::Type::Text}));
    for (const auto& row : rows) {
      shape.columns.push_back(Column{row.text(0), postgres_type(row.text(1))});
    }
    auto keys = KETAPATH_TRY(
        connection.query("SELECT a.attname::text, array_position(i.indkey::int2[], a.attnum) "
                         "FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
                         "JOIN pg_namespace n ON n.oid = c.relnamespace "
                         "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey) "
                         "WHERE i.indisprimary AND n.nspname = current_schema() AND c.relname = $1",
                         {sql::text(table)}, {sql::Type::Text, sql::Type::Integer}));
    for (const auto& row : keys) {
      key.emplace_back(row.integer(1), row.text(0));
    }
  }
  if (shape.columns.empty()) {
    return core::fail(ErrorCode::Storage, "store: table {} does not exist", table);
  }
  std::sort(shape.columns.begin(), shape.columns.end(),
            [](const Column& a, const Column& b) { return a.name < b.name; });
  std::sort(key.begin(), key.end());
  for (const auto& [position, name] : key) {
    const auto it = std::find_if(shape.columns.begin(), shape.columns.end(),
                                 [&](const Column& c) { return c.name == name; });
    shape.key.push_back(static_cast<std::size_t>(it - shape.columns.begin()));
  }
  return shape;
}

core::Result<std::vector<TableShape>> covered_tables(sql::Connection& connection) {
  std::vector<TableShape> shapes;
  for (const auto& table : KETAPATH_TRY(all_tables(connection))) {
    if (!is_exempt_table(table)) {
      shapes.push_back(KETAPATH_TRY(table_shape(connection, table)));
    }
  }
  return shapes;
}

std::string key_text(const TableShape& shape, const std::vector<sql::Value>& key_values) {
  std::string out;
  for (std::size_t i = 0; i < shape.key.size() && i < key_values.size(); ++i) {
    if (!out.empty()) {
      out.push_back(',');
    }
    out += shape.columns[shape.key[i]].name;
    out.push_back('=');
    out += std::holds_alternative<std::monostate>(key_values[i])
               ? "NULL"
               : escaped(value_text(key_values[i]));
  }
  return out;
}

std::string row_digest(const TableShape& shape, const sql::Row& row) {
  std::string canonical(kRowFormat);
  canonical.push_back('\n');
  fmt::format_to(std::back_inserter(canonical), "table:{}:{}\n", shape.name.size(), shape.name);
  for (std::size_t i = 0; i < shape.columns.size(); ++i) {
    const auto& value = row.cells()[i];
    const std::string text = value_text(value);
    fmt::format_to(std::back_inserter(canonical), "{}:{}:{}:", shape.columns[i].name,
                   type_tag(value), text.size());
    canonical += text;
    canonical.push_back('\n');
  }
  return sha256_hex(canonical);
}

std::string encode(std::vector<RowState> rows) {
  std::sort(rows.begin(), rows.end(), [](const RowState& a, const RowState& b) {
    return std::tie(a.table, a.key) < std::tie(b.table, b.key);
  });
  std::string out;
  for (const auto& r : rows) {
    out += r.table;
    out.push_back('\t');
    out += r.key;
    out.push_back('\t');
    out += r.digest;
    out.push_back('\n');
  }
  return out;
}

core::Result<std::vector<RowState>> decode(std::string_view text) {
  std::vector<RowState> rows;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    const auto tab1 = line.find('\t');
    const auto tab2 = tab1 == std::string_view::npos ? tab1 : line.find('\t', tab1 + 1);
    if (tab2 == std::string_view::npos) {
      return core::fail(ErrorCode::Storage, "row digests: malformed line \"{}\"", line);
    }
    rows.push_back(RowState{std::string(line.substr(0, tab1)),
                            std::string(line.substr(tab1 + 1, tab2 - tab1 - 1)),
                            std::string(line.substr(tab2 + 1))});
  }
  return rows;
}

core::Status replay(ExpectedRows& expected, std::int64_t sequence, std::string_view row_digests) {
  for (auto& row : KETAPATH_TRY(decode(row_digests))) {
    expected[{std::move(row.table), std::move(row.key)}] =
        Expected{std::move(row.digest), sequence};
  }
  return {};
}

std::string Mismatch::describe() const {
  const std::string row = fmt::format("{} row {}", now.table, now.key);
  if (!was) {
    return fmt::format("{}: inserted outside Ketapath (no audit entry records it)", row);
  }
  if (now.digest == "-") {
    return fmt::format("{}: deleted outside Ketapath (audit entry {} recorded it)", row,
                       was->sequence);
  }
  if (was->digest == "-") {
    return fmt::format("{}: inserted outside Ketapath (audit entry {} recorded its deletion)", row,
                       was->sequence);
  }
  return fmt::format("{}: changed outside Ketapath (differs from what audit entry {} recorded)",
                     row, was->sequence);
}

core::Result<Reconciliation> reconcile(sql::Connection& connection, const ExpectedRows& expected) {
  Reconciliation result;
  std::set<std::pair<std::string, std::string>> seen;
  std::set<std::string> tables;
  for (const auto& shape : KETAPATH_TRY(covered_tables(connection))) {
    tables.insert(shape.name);
    if (shape.key.empty()) {
      result.uncovered.push_back(fmt::format(
          "table {} has no primary key: its rows cannot be named or checked", shape.name));
      continue;
    }
    const auto rows = KETAPATH_TRY(connection.query(
        fmt::format("SELECT {} FROM {}", select_list(shape), shape.name), {}, column_types(shape)));
    for (const auto& row : rows) {
      ++result.rows;
      std::vector<sql::Value> key;
      for (const auto index : shape.key) {
        key.push_back(row.cells()[index]);
      }
      RowState now{shape.name, key_text(shape, key), row_digest(shape, row)};
      const auto it = expected.find({now.table, now.key});
      seen.insert({now.table, now.key});
      if (it == expected.end()) {
        result.mismatches.push_back(Mismatch{std::move(now), std::nullopt});
      } else if (it->second.digest != now.digest) {
        result.mismatches.push_back(Mismatch{std::move(now), it->second});
      }
    }
  }
  for (const auto& [row, state] : expected) {
    if (state.digest != "-" && !seen.contains(row)) {
      result.mismatches.push_back(Mismatch{RowState{row.first, row.second, "-"}, state});
    }
  }
  return result;
}

/// The refusal of a statement a clinical transaction may not run (DDL, PRAGMA, ...).
static auto refused_statement(std::string_view sql) {
  return core::fail(ErrorCode::Internal,
                    "store: a clinical transaction writes with INSERT, UPDATE or DELETE only "
                    "(row evidence), not \"{}\"",
                    sql::statement_summary(sql));
}

core::Status RowTracker::execute(std::string_view sql, const std::vector<sql::Value>& params) {
  const auto statement = classify(sql);
  if (statement.kind == Statement::Kind::Refused) {
    return refused_statement(sql);
  }
  if (statement.kind == Statement::Kind::Other || is_exempt_table(statement.table)) {
    return inner_.execute(sql, params);
  }
  if (after_returning(sql) != std::string_view::npos) {
    return core::fail(ErrorCode::Internal, "store: RETURNING in execute(): use query() for \"{}\"",
                      sql::statement_summary(sql));
  }
  (void)KETAPATH_TRY(query(sql, params, {}));
  return {};
}

core::Result<sql::Rows> RowTracker::query(std::string_view sql,
                                          const std::vector<sql::Value>& params,
                                          const std::vector<sql::Type>& columns) {
  const auto statement = classify(sql);
  if (statement.kind == Statement::Kind::Refused) {
    return refused_statement(sql);
  }
  if (statement.kind == Statement::Kind::Other || is_exempt_table(statement.table)) {
    return inner_.query(sql, params, columns);
  }
  const TableShape* table = KETAPATH_TRY(shape(statement.table));
  if (table->key.empty()) {
    return core::fail(ErrorCode::Internal,
                      "store: table {} has no primary key, so its rows cannot carry row evidence",
                      table->name);
  }
  const std::string keys = key_columns(*table);
  std::vector<sql::Type> types = key_types(*table);
  std::string rewritten;
  const auto returning = after_returning(sql);
  if (returning == std::string_view::npos) {
    if (!columns.empty()) {
      return core::fail(ErrorCode::Internal, "store: a write asks for columns without RETURNING");
    }
    rewritten = fmt::format("{} RETURNING {}", trim_end(sql), keys);
  } else {
    rewritten = fmt::format("{} {},{}", sql.substr(0, returning), keys, sql.substr(returning));
    types.insert(types.end(), columns.begin(), columns.end());
  }
  auto rows = KETAPATH_TRY(inner_.query(rewritten, params, types));
  const std::size_t k = table->key.size();
  sql::Rows result;
  result.reserve(rows.size());
  for (const auto& row : rows) {
    const auto& cells = row.cells();
    remember(table->name, std::vector<sql::Value>(cells.begin(), cells.begin() + k));
    result.emplace_back(std::vector<sql::Value>(cells.begin() + k, cells.end()));
  }
  return result;
}

core::Status RowTracker::execute_script(std::string_view sql) {
  return core::fail(ErrorCode::Internal,
                    "store: scripts cannot run inside a clinical transaction (row evidence): "
                    "\"{}\"",
                    sql::statement_summary(sql));
}

core::Result<const TableShape*> RowTracker::shape(std::string_view table) {
  auto it = shapes_.find(table);
  if (it == shapes_.end()) {
    auto loaded = KETAPATH_TRY(table_shape(inner_, table));
    it = shapes_.emplace(std::string(table), std::move(loaded)).first;
  }
  return &it->second;
}

void RowTracker::remember(const std::string& table, std::vector<sql::Value> key) {
  const auto& s = shapes_.find(table)->second;
  if (seen_.insert({table, key_text(s, key)}).second) {
    touched_.push_back(TouchedRow{table, std::move(key)});
  }
}

std::vector<TouchedRow> RowTracker::take() {
  seen_.clear();
  return std::exchange(touched_, {});
}

core::Result<std::vector<RowState>> RowTracker::states(const std::vector<TouchedRow>& rows) {
  std::vector<RowState> states;
  states.reserve(rows.size());
  for (const auto& touched : rows) {
    const TableShape* table = KETAPATH_TRY(shape(touched.table));
    std::string where;
    for (std::size_t i = 0; i < table->key.size(); ++i) {
      where += fmt::format("{}{} = ${}", i == 0 ? "" : " AND ", table->columns[table->key[i]].name,
                           i + 1);
    }
    auto row = KETAPATH_TRY(inner_.query_one(
        fmt::format("SELECT {} FROM {} WHERE {}", select_list(*table), table->name, where),
        touched.key, column_types(*table)));
    states.push_back(RowState{table->name, key_text(*table, touched.key),
                              row ? row_digest(*table, *row) : std::string("-")});
  }
  return states;
}

}  // namespace ketapath::store::evidence
