// Numbered migrations: a consistent embedded set per dialect, version checks at open, and an
// applied migration that no longer matches this build is reported.

#include "store/migrations.h"

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_connection.h"
#include "store/test_databases.h"

namespace ketapath::store::testing {
namespace {

using core::ErrorCode;

TEST(Migrations, BothDialectsHaveEveryVersionInOrder) {
  for (auto dialect : {sql::Dialect::Sqlite, sql::Dialect::Postgres}) {
    auto migrations = migrations_for(dialect);
    ASSERT_TRUE(migrations) << migrations.error().message;
    ASSERT_EQ(static_cast<int>(migrations->size()), latest_schema_version());
    for (std::size_t i = 0; i < migrations->size(); ++i) {
      EXPECT_EQ((*migrations)[i].version, static_cast<int>(i + 1));
      EXPECT_EQ((*migrations)[i].checksum.size(), 64u);
    }
  }
  EXPECT_EQ(supported_schema_version(), latest_schema_version());
}

TEST(Migrations, InitRecordsEveryVersion) {
  SqliteTestDatabase database;
  auto store = database.open_initialised();
  ASSERT_NE(store, nullptr);
  auto version = store->schema_version();
  ASSERT_TRUE(version);
  EXPECT_EQ(*version, latest_schema_version());
  auto raw = database.raw();
  auto rows = raw->query("SELECT version, checksum FROM schema_migrations ORDER BY version", {},
                         {sql::Type::Integer, sql::Type::Text});
  ASSERT_TRUE(rows);
  auto expected = migrations_for(sql::Dialect::Sqlite);
  ASSERT_EQ(rows->size(), expected->size());
  for (std::size_t i = 0; i < rows->size(); ++i) {
    EXPECT_EQ((*rows)[i].text(1), (*expected)[i].checksum);
  }
}

TEST(Migrations, NewerSchemaIsRefusedAtOpen) {
  SqliteTestDatabase database;
  ASSERT_NE(database.open_initialised(), nullptr);
  auto raw = database.raw();
  ASSERT_TRUE(
      raw->execute("INSERT INTO schema_migrations (version, name, checksum, applied_at) "
                   "VALUES (999, 'future', 'x', '2030-01-01T00:00:00.000Z')"));
  auto store = open_database(database.url(), database.options());
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::Storage);
  EXPECT_NE(store.error().message.find("newer"), std::string::npos) << store.error().message;
}

TEST(Migrations, EditedAppliedMigrationIsReported) {
  SqliteTestDatabase database;
  ASSERT_NE(database.open_initialised(), nullptr);
  auto raw = database.raw();
  ASSERT_TRUE(raw->execute("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1"));
  auto store = database.open();
  auto again = store->initialize();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::Storage);
  EXPECT_NE(again.error().message.find("differs"), std::string::npos) << again.error().message;
}

/// Makes `file` a SQLite database at schema `version`, as an older Ketapath left it, and returns
/// the open connection for the caller to add rows of that era.
std::unique_ptr<sql::Connection> database_at_version(const std::string& file, std::size_t version) {
  auto connection = sqlite::SqliteConnection::open(file, {.create = true});
  EXPECT_TRUE(connection);
  auto migrations = migrations_for(sql::Dialect::Sqlite);
  EXPECT_TRUE(migrations);
  if (!connection || !migrations || migrations->size() <= version) {
    ADD_FAILURE() << "no connection, or no migration after version " << version;
    return nullptr;
  }
  EXPECT_TRUE((*connection)
                  ->execute_script("CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, "
                                   "name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT "
                                   "NOT NULL)"));
  for (std::size_t i = 0; i < version; ++i) {
    const Migration& m = (*migrations)[i];
    EXPECT_TRUE((*connection)->execute_script(m.sql));
    EXPECT_TRUE((*connection)
                    ->execute("INSERT INTO schema_migrations VALUES ($1, $2, $3, "
                              "'2026-01-01T00:00:00.000Z')",
                              {sql::integer(m.version), sql::text(m.name), sql::text(m.checksum)}));
  }
  return std::move(*connection);
}

TEST(Migrations, OlderSchemaNeedsInitWhichMigratesIt) {
  SqliteTestDatabase database;
  ASSERT_NE(database_at_version(database.file(), 1), nullptr);
  auto store = database.open();
  ASSERT_NE(store, nullptr);
  auto refused = store->begin();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::Storage);
  EXPECT_NE(refused.error().message.find("schema version 1"), std::string::npos)
      << refused.error().message;
  auto migrated = store->initialize();
  ASSERT_TRUE(migrated) << migrated.error().message;
  EXPECT_EQ(*migrated, latest_schema_version());
  EXPECT_TRUE(store->begin());
}

TEST(Migrations, AlertsOfAVersion2DatabaseSurviveTheAcknowledgementMigration) {
  SqliteTestDatabase database;
  {
    auto connection = database_at_version(database.file(), 2);
    ASSERT_NE(connection, nullptr);
    ASSERT_TRUE(
        connection->execute_script("INSERT INTO patients (name, birth_date, sex, created_at) "
                                   "VALUES ('Old Record', '1980-01-02', 'F', "
                                   "'2026-01-01T00:00:00Z')"));
    ASSERT_TRUE(connection->execute_script(
        "INSERT INTO alerts (patient_id, session_id, raised_at, level, measure, value, "
        "unit, threshold, message, acknowledged, acknowledged_by) VALUES (1, NULL, "
        "'2026-01-01T09:30:00Z', 'pause', 'systolic_bp', 185, 'mmHg', 180, 'high', 1, "
        "'nurse.b')"));
  }
  auto store = database.open();
  ASSERT_NE(store, nullptr);
  auto migrated = store->initialize();
  ASSERT_TRUE(migrated) << migrated.error().message;
  EXPECT_EQ(*migrated, latest_schema_version());
  auto tx = store->begin();
  ASSERT_TRUE(tx) << tx.error().message;
  auto alerts = (*tx)->alerts().list_for_patient(clinic::PatientId(1));
  ASSERT_TRUE(alerts) << alerts.error().message;
  ASSERT_EQ(alerts->size(), 1u);
  EXPECT_TRUE(alerts->front().acknowledged);
  EXPECT_EQ(alerts->front().acknowledged_by, "nurse.b");
  EXPECT_FALSE(alerts->front().acknowledged_at.has_value());  // not known for older rows
  EXPECT_EQ(alerts->front().acknowledgement_note, "");
}

TEST(Migrations, PostgresInitAndReopen) {
  KETAPATH_REQUIRE_POSTGRES();
  PostgresTestDatabase database(*postgres_test_url());
  auto store = database.open_initialised();
  ASSERT_NE(store, nullptr);
  auto version = store->schema_version();
  ASSERT_TRUE(version) << version.error().message;
  EXPECT_EQ(*version, latest_schema_version());
  EXPECT_EQ(store->backend(), Backend::Postgres);
  EXPECT_EQ(store->describe().find(":ketapath@"), std::string::npos) << store->describe();
}

}  // namespace
}  // namespace ketapath::store::testing
