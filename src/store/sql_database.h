#pragma once
// Internal: store::Database over an sql::Connection -- one implementation for both backends.

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "store/audit_chain.h"
#include "store/crypto.h"
#include "store/database.h"
#include "store/sql/connection.h"

namespace ketapath::store {

class SqlDatabase;

class SqlAuditLog final : public clinic::AuditLog {
 public:
  explicit SqlAuditLog(SqlDatabase& database) : database_(database) {}

  core::Result<std::vector<clinic::AuditEntry>> entries(std::int64_t from,
                                                        std::int64_t limit) override;
  core::Result<clinic::AuditVerification> verify() override;

 private:
  SqlDatabase& database_;
};

class SqlDatabase final : public Database {
 public:
  /// What a connection is for: the one read-write connection (created only by initialize()),
  /// or a read connection of the pool (it refuses changes at the database too).
  enum class Purpose { Open, Create, Read };
  /// Connects. Called from any thread for Purpose::Read (the pool), so it must be thread-safe.
  using Connector = std::function<core::Result<std::unique_ptr<sql::Connection>>(Purpose purpose)>;

  /// `connect_now`: connect at once (and check the schema version); false for a SQLite file that
  /// does not exist yet, which initialize() creates.
  static core::Result<std::unique_ptr<SqlDatabase>> open(Backend backend, Connector connector,
                                                         bool connect_now,
                                                         std::filesystem::path key_file,
                                                         std::string description);

  [[nodiscard]] Backend backend() const override { return backend_; }

  core::Result<int> schema_version() override;

  [[nodiscard]] const std::filesystem::path& key_file() const override { return key_file_; }

  [[nodiscard]] std::string describe() const override { return description_; }

  core::Result<int> initialize() override;
  core::Result<std::unique_ptr<clinic::Transaction>> begin() override;
  /// Without a pool: a read transaction on the one connection (one transaction at a time, as
  /// begin()). With a pool (read_concurrently): a read transaction on a pooled connection of its
  /// own, thread-safe; it waits while all `connections` are lent out.
  core::Result<std::unique_ptr<clinic::Transaction>> begin_read() override;
  bool read_concurrently(std::size_t connections) override;

  clinic::AuditLog& audit() override { return audit_log_; }

  core::Result<std::vector<std::pair<std::string, std::string>>> grant_application_role(
      std::string_view role, std::string_view actor, clinic::Timestamp at) override;
  core::Status copy_to(const std::filesystem::path& destination) override;

  // For SqlTransaction and SqlAuditLog.
  core::Result<const ClinicKey*> key();
  core::Result<sql::Connection*> ready_connection();
  bool transaction_open_ = false;      ///< on the one connection (not the pool's)
  audit::VerifiedHead verified_head_;  ///< see audit::append
  /// Gives a pooled read connection back (closed instead when it is not idle()).
  void release_read_connection(std::unique_ptr<sql::Connection> connection);

 private:
  SqlDatabase(Backend backend, Connector connector, std::filesystem::path key_file,
              std::string description)
      : backend_(backend),
        connect_(std::move(connector)),
        key_file_(std::move(key_file)),
        description_(std::move(description)),
        audit_log_(*this) {}

  core::Status connect(bool create);
  core::Result<std::unique_ptr<sql::Connection>> acquire_read_connection();

  /// The read connections (read_concurrently): opened on demand up to `limit`, kept open.
  struct ReadPool {
    std::mutex mutex;
    std::condition_variable returned;
    std::vector<std::unique_ptr<sql::Connection>> idle;
    std::size_t open = 0;   ///< idle, lent out, or being opened
    std::size_t limit = 0;  ///< 0: no pool, reads use the one connection
  };

  Backend backend_;
  Connector connect_;
  std::unique_ptr<sql::Connection> connection_;
  std::filesystem::path key_file_;
  std::optional<ClinicKey> key_;
  std::string description_;
  bool schema_checked_ = false;
  SqlAuditLog audit_log_;
  ReadPool pool_;
};

}  // namespace ketapath::store
