// The SQLite and PostgreSQL migrations (src/store/migrations/*.sqlite.sql, *.postgres.sql and the
// shared *.sql) are kept by hand in parallel; this test proves they define the same schema. Both
// are applied to fresh databases (a temporary SQLite file, a throw-away PostgreSQL schema) and
// read back from the catalogues, then described in one dialect-free vocabulary:
//   - tables, and each table's columns in order: name, type mapped to integer / real / text
//     (INTEGER~BIGINT~integer, REAL~DOUBLE PRECISION, TEXT), NOT NULL, default (casts stripped;
//     AUTOINCREMENT ~ GENERATED ... AS IDENTITY);
//   - the primary key (columns in key order), unique and plain indexes (columns in order);
//   - foreign keys (columns, referenced table and columns, ON UPDATE / ON DELETE);
//   - CHECK constraints, by the columns they name and the literals they compare with (PostgreSQL
//     rewrites `x IN (0, 1)` as `x = ANY (ARRAY[0, 1])`, so the text itself cannot be compared).
// Any difference is listed as "only in sqlite: ..." / "only in postgres: ...". A second test shows
// the comparison fails on a deliberately altered column (type, NOT NULL, CHECK bound).

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "store/migrations.h"
#include "store/sqlite/sqlite_connection.h"
#include "store/test_databases.h"
#include "support/must.h"

namespace ketapath::store::testing {
namespace {

using ketapath::testing::must;

// One line per fact; two schemas are equal when their sets of lines are.
using Schema = std::set<std::string>;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string mapped_type(const std::string& declared) {
  const std::string t = lower(declared);
  if (t == "integer" || t == "bigint" || t == "smallint") {
    return "integer";
  }
  if (t == "real" || t == "double precision") {
    return "real";
  }
  if (t == "text") {
    return "text";
  }
  return "unmapped type " + t;
}

// A default as both dialects can be compared: PostgreSQL's `'x'::text` and `(1)` become 'x' and 1.
std::string mapped_default(std::string d) {
  d = std::regex_replace(d, std::regex("::[a-z ]+"), "");
  while (d.size() >= 2 && d.front() == '(' && d.back() == ')') {
    d = d.substr(1, d.size() - 2);
  }
  return d;
}

// The signature of a CHECK expression: the table's columns it names and the literals in it
// (numbers, and quoted strings; a quoted number such as PostgreSQL's '-1'::integer counts as the
// number), each sorted.
std::string check_signature(const std::string& expression,
                            const std::vector<std::string>& columns) {
  std::set<std::string> named;
  std::multiset<std::string> literals;
  static const std::regex token(R"('([^']*)'|([0-9]+(\.[0-9]+)?)|([A-Za-z_][A-Za-z_0-9]*))");
  for (auto it = std::sregex_iterator(expression.begin(), expression.end(), token);
       it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    if (m[1].matched) {
      std::string s = m[1].str();
      if (!s.empty() && s.front() == '-') {
        s.erase(0, 1);
      }
      literals.insert(s);
    } else if (m[2].matched) {
      literals.insert(m[2].str());
    } else if (std::find(columns.begin(), columns.end(), lower(m[4].str())) != columns.end()) {
      named.insert(lower(m[4].str()));
    }
  }
  return fmt::format("check on ({}) with literals ({})", fmt::join(named, ","),
                     fmt::join(literals, ","));
}

std::string without_comments(const std::string& sql) {
  return std::regex_replace(sql, std::regex("--[^\n]*"), "");
}

// The CHECK (...) clauses of a CREATE TABLE statement, balanced parentheses.
std::vector<std::string> check_clauses(const std::string& create_sql) {
  const std::string sql = without_comments(create_sql);
  const std::string l = lower(sql);
  std::vector<std::string> out;
  for (std::size_t at = l.find("check"); at != std::string::npos; at = l.find("check", at + 5)) {
    const bool word = (at == 0 || !std::isalnum(static_cast<unsigned char>(l[at - 1]))) &&
                      (at + 5 >= l.size() || !std::isalnum(static_cast<unsigned char>(l[at + 5])));
    const std::size_t open = l.find_first_not_of(" \t\n", at + 5);
    if (!word || open == std::string::npos || l[open] != '(') {
      continue;
    }
    int depth = 0;
    std::size_t end = open;
    for (; end < l.size(); ++end) {
      depth += l[end] == '(' ? 1 : l[end] == ')' ? -1 : 0;
      if (depth == 0) {
        break;
      }
    }
    out.push_back(sql.substr(open, end - open + 1));
  }
  return out;
}

std::vector<std::string> texts(sql::Connection& c, std::string_view query,
                               const std::vector<sql::Value>& params = {}) {
  std::vector<std::string> out;
  for (const sql::Row& row : must(c.query(query, params, {sql::Type::Text}))) {
    out.push_back(row.text(0));
  }
  return out;
}

bool exempt(const std::string& table) {
  return table.starts_with("sqlite_");
}

Schema sqlite_schema(sql::Connection& c) {
  Schema schema;
  for (const sql::Row& t :
       must(c.query("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name", {},
                    {sql::Type::Text, sql::Type::Text}))) {
    const std::string table = t.text(0);
    if (exempt(table)) {
      continue;
    }
    const std::string create = t.text(1);
    const bool autoincrement = lower(create).find("autoincrement") != std::string::npos;
    schema.insert("table " + table);
    std::vector<std::string> columns;
    std::map<std::int64_t, std::string> key;
    int position = 0;
    for (const sql::Row& col : must(c.query("SELECT name, type, \"notnull\", dflt_value, pk FROM "
                                            "pragma_table_info($1) ORDER BY cid",
                                            {sql::text(table)},
                                            {sql::Type::Text, sql::Type::Text, sql::Type::Integer,
                                             sql::Type::Text, sql::Type::Integer}))) {
      const std::string name = lower(col.text(0));
      const bool pk = col.integer(4) > 0;
      if (pk) {
        key[col.integer(4)] = name;
      }
      std::string deflt = col.optional_text(3) ? mapped_default(*col.optional_text(3)) : "none";
      if (pk && autoincrement && mapped_type(col.text(1)) == "integer") {
        deflt = "generated";
      }
      schema.insert(fmt::format("{}.{}: column {}, {}{}, default {}", table, name, ++position,
                                mapped_type(col.text(1)),
                                (col.integer(2) != 0 || pk) ? " not null" : "", deflt));
      columns.push_back(name);
    }
    std::vector<std::string> key_columns;
    for (const auto& [k, name] : key) {
      key_columns.push_back(name);
    }
    schema.insert(fmt::format("{}: primary key ({})", table, fmt::join(key_columns, ",")));
    for (const sql::Row& index : must(
             c.query("SELECT name, \"unique\", origin FROM pragma_index_list($1)",
                     {sql::text(table)}, {sql::Type::Text, sql::Type::Integer, sql::Type::Text}))) {
      if (index.text(2) == "pk") {
        continue;  // the primary key, above
      }
      const auto cols = texts(c, "SELECT name FROM pragma_index_info($1) ORDER BY seqno",
                              {sql::text(index.text(0))});
      schema.insert(fmt::format("{}: {} ({})", table, index.integer(1) != 0 ? "unique" : "index",
                                fmt::join(cols, ",")));
    }
    std::map<std::int64_t, std::vector<std::string>> from, to;
    std::map<std::int64_t, std::string> target, actions;
    for (const sql::Row& fk :
         must(c.query("SELECT id, \"table\", \"from\", \"to\", on_update, on_delete "
                      "FROM pragma_foreign_key_list($1) ORDER BY id, seq",
                      {sql::text(table)},
                      {sql::Type::Integer, sql::Type::Text, sql::Type::Text, sql::Type::Text,
                       sql::Type::Text, sql::Type::Text}))) {
      const std::int64_t id = fk.integer(0);
      from[id].push_back(lower(fk.text(2)));
      target[id] = fk.text(1);
      to[id].push_back(fk.optional_text(3) ? lower(*fk.optional_text(3)) : "");
      actions[id] = fmt::format("on update {} on delete {}", lower(fk.text(4)), lower(fk.text(5)));
    }
    for (auto& [id, cols] : to) {
      if (std::all_of(cols.begin(), cols.end(), [](const std::string& s) { return s.empty(); })) {
        // REFERENCES t without columns: t's primary key.
        cols.clear();
        for (const sql::Row& col :
             must(c.query("SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk",
                          {sql::text(target[id])}, {sql::Type::Text}))) {
          cols.push_back(lower(col.text(0)));
        }
      }
      schema.insert(fmt::format("{}: foreign key ({}) references {} ({}) {}", table,
                                fmt::join(from[id], ","), target[id], fmt::join(cols, ","),
                                actions[id]));
    }
    for (const std::string& check : check_clauses(create)) {
      schema.insert(table + ": " + check_signature(check, columns));
    }
  }
  return schema;
}

std::string pg_action(const std::string& code) {
  static const std::map<std::string, std::string> names{{"a", "no action"},
                                                        {"r", "restrict"},
                                                        {"c", "cascade"},
                                                        {"n", "set null"},
                                                        {"d", "set default"}};
  const auto it = names.find(code);
  return it == names.end() ? "unknown " + code : it->second;
}

// Column names of an int2vector/int2[] of attribute numbers, in order.
std::string pg_columns(std::string_view attnums, std::string_view relation) {
  return fmt::format(
      "(SELECT string_agg(a.attname::text, ',' ORDER BY k.ord) FROM unnest({}) WITH ORDINALITY "
      "k(attnum, ord) JOIN pg_attribute a ON a.attrelid = {} AND a.attnum = k.attnum)",
      attnums, relation);
}

Schema postgres_schema(sql::Connection& c) {
  Schema schema;
  for (const std::string& table :
       texts(c,
             "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() "
             "ORDER BY tablename")) {
    schema.insert("table " + table);
    std::vector<std::string> columns;
    int position = 0;
    for (const sql::Row& col : must(c.query(
             "SELECT column_name::text, data_type::text, is_nullable::text, "
             "column_default::text, is_identity::text FROM information_schema.columns "
             "WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
             {sql::text(table)},
             {sql::Type::Text, sql::Type::Text, sql::Type::Text, sql::Type::Text,
              sql::Type::Text}))) {
      const std::string name = col.text(0);
      std::string deflt = col.optional_text(3) ? mapped_default(*col.optional_text(3)) : "none";
      if (col.text(4) == "YES") {
        deflt = "generated";
      }
      schema.insert(fmt::format("{}.{}: column {}, {}{}, default {}", table, name, ++position,
                                mapped_type(col.text(1)), col.text(2) == "NO" ? " not null" : "",
                                deflt));
      columns.push_back(name);
    }
    const std::string relation =
        "(SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relname = $1)";
    for (const sql::Row& index : must(c.query(
             fmt::format("SELECT i.indisprimary::int, i.indisunique::int, {}::text FROM pg_index i "
                         "WHERE i.indrelid = {}",
                         pg_columns("i.indkey::int2[]", "i.indrelid"), relation),
             {sql::text(table)}, {sql::Type::Integer, sql::Type::Integer, sql::Type::Text}))) {
      if (index.integer(0) != 0) {
        schema.insert(fmt::format("{}: primary key ({})", table, index.text(2)));
      } else {
        schema.insert(fmt::format("{}: {} ({})", table, index.integer(1) != 0 ? "unique" : "index",
                                  index.text(2)));
      }
    }
    for (const sql::Row& fk : must(c.query(
             fmt::format("SELECT {}::text, f.relname::text, {}::text, con.confupdtype::text, "
                         "con.confdeltype::text FROM pg_constraint con "
                         "JOIN pg_class f ON f.oid = con.confrelid "
                         "WHERE con.contype = 'f' AND con.conrelid = {}",
                         pg_columns("con.conkey", "con.conrelid"),
                         pg_columns("con.confkey", "con.confrelid"), relation),
             {sql::text(table)},
             {sql::Type::Text, sql::Type::Text, sql::Type::Text, sql::Type::Text,
              sql::Type::Text}))) {
      schema.insert(fmt::format("{}: foreign key ({}) references {} ({}) on update {} on delete {}",
                                table, fk.text(0), fk.text(1), fk.text(2), pg_action(fk.text(3)),
                                pg_action(fk.text(4))));
    }
    for (const std::string& check :
         texts(c,
               fmt::format("SELECT pg_get_constraintdef(con.oid)::text FROM pg_constraint con "
                           "WHERE con.contype = 'c' AND con.conrelid = {}",
                           relation),
               {sql::text(table)})) {
      schema.insert(table + ": " + check_signature(check.substr(5), columns));  // after "CHECK"
    }
  }
  return schema;
}

// "only in A: fact" for each fact of a missing from b, and the reverse.
std::vector<std::string> differences(const Schema& a, std::string_view a_name, const Schema& b,
                                     std::string_view b_name) {
  std::vector<std::string> out;
  for (const std::string& fact : a) {
    if (!b.contains(fact)) {
      out.push_back(fmt::format("only in {}: {}", a_name, fact));
    }
  }
  for (const std::string& fact : b) {
    if (!a.contains(fact)) {
      out.push_back(fmt::format("only in {}: {}", b_name, fact));
    }
  }
  return out;
}

// The embedded migrations for a dialect with `from` replaced by `to` in version `version`
// (which must contain it).
std::vector<Migration> altered(sql::Dialect dialect, int version, const std::string& from,
                               const std::string& to) {
  std::vector<Migration> migrations = must(migrations_for(dialect));
  Migration& m = migrations.at(static_cast<std::size_t>(version - 1));
  const std::size_t at = m.sql.find(from);
  EXPECT_NE(at, std::string::npos) << "migration " << m.name << " has no '" << from << "'";
  if (at != std::string::npos) {
    m.sql.replace(at, from.size(), to);
  }
  return migrations;
}

Schema migrated_sqlite(const std::vector<Migration>& migrations) {
  SqliteTestDatabase database;
  auto raw = must(sqlite::SqliteConnection::open(database.file(), {.create = true}));
  must(migrate(*raw, migrations, {}));
  return sqlite_schema(*raw);
}

Schema migrated_sqlite() {
  return migrated_sqlite(must(migrations_for(sql::Dialect::Sqlite)));
}

std::string joined(const std::vector<std::string>& lines) {
  return fmt::format("{}", fmt::join(lines, "\n"));
}

TEST(SchemaEquivalence, SqliteSchemaIsReadCompletely) {
  const Schema s = migrated_sqlite();
  // A sample of facts from different migrations, so the introspection itself is held to the SQL.
  EXPECT_TRUE(s.contains("table patients"));
  EXPECT_TRUE(s.contains("patients: primary key (id)"));
  EXPECT_TRUE(s.contains("patients.id: column 1, integer not null, default generated"));
  EXPECT_TRUE(s.contains("patient_weights.weight_kg: column 4, real not null, default none"));
  EXPECT_TRUE(s.contains("patient_weights: primary key (patient_id,position)"));
  EXPECT_TRUE(s.contains("patient_weights: check on (estimated) with literals (0,1)"));
  EXPECT_TRUE(s.contains(
      "patient_weights: foreign key (patient_id) references patients (id) on update no action "
      "on delete no action"));
  EXPECT_TRUE(s.contains("users.enabled: column 3, integer not null, default 1"));
  EXPECT_TRUE(s.contains("audit_log: check on (sequence) with literals (1)"));
}

TEST(SchemaEquivalence, SqliteAndPostgresMigrationsDefineTheSameSchema) {
  KETAPATH_REQUIRE_POSTGRES();
  const Schema sqlite = migrated_sqlite();
  PostgresTestDatabase database(*postgres_test_url());
  auto raw = database.raw();
  must(migrate(*raw));
  const Schema postgres = postgres_schema(*raw);
  EXPECT_GT(sqlite.size(), 100U);
  const auto diff = differences(sqlite, "sqlite", postgres, "postgres");
  EXPECT_TRUE(diff.empty()) << joined(diff);
}

// The comparison is not vacuous: altering one column in one dialect's migration is reported, by
// table, column and what differs.
TEST(SchemaEquivalence, ADeliberatelyAlteredColumnIsReported) {
  const Schema reference = migrated_sqlite();

  struct Alteration {
    int version;
    std::string from, to, expected;
  };

  const Alteration alterations[] = {
      {2, "weight_kg   REAL NOT NULL", "weight_kg   TEXT NOT NULL",
       "only in sqlite (altered): patient_weights.weight_kg: column 4, text not null, default "
       "none"},
      {2, "weight_kg   REAL NOT NULL", "weight_kg   REAL",
       "only in sqlite (altered): patient_weights.weight_kg: column 4, real, default none"},
      {2, "estimated   INTEGER NOT NULL CHECK (estimated IN (0, 1))",
       "estimated   INTEGER NOT NULL CHECK (estimated IN (0, 2))",
       "only in sqlite (altered): patient_weights: check on (estimated) with literals (0,2)"},
  };
  for (const Alteration& a : alterations) {
    const Schema changed = migrated_sqlite(altered(sql::Dialect::Sqlite, a.version, a.from, a.to));
    const auto diff = differences(reference, "sqlite", changed, "sqlite (altered)");
    EXPECT_FALSE(diff.empty()) << a.to;
    EXPECT_NE(std::find(diff.begin(), diff.end(), a.expected), diff.end()) << a.to << ":\n"
                                                                           << joined(diff);
  }
  if (postgres_test_url()) {
    // And against PostgreSQL: the same altered column makes the real comparison fail.
    PostgresTestDatabase database(*postgres_test_url());
    auto raw = database.raw();
    must(migrate(*raw));
    const Schema changed = migrated_sqlite(
        altered(sql::Dialect::Sqlite, 2, "weight_kg   REAL NOT NULL", "weight_kg   TEXT NOT NULL"));
    const auto diff = differences(changed, "sqlite", postgres_schema(*raw), "postgres");
    EXPECT_EQ(diff, (std::vector<std::string>{
                        "only in sqlite: patient_weights.weight_kg: column 4, text not null, "
                        "default none",
                        "only in postgres: patient_weights.weight_kg: column 4, real not null, "
                        "default none"}));
  }
}

}  // namespace
}  // namespace ketapath::store::testing
