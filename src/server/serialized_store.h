#pragma once
// The server's store: writes one at a time, reads alongside them (docs/architecture.md "Server").
//
// The SQL stores' write connection takes one transaction at a time, so begin() lets one write
// transaction through at a time: the server's worker threads share it, and work between
// transactions (password hashing, JSON) runs in parallel. begin_read() goes to the store's pool
// of read connections without waiting for the writer (SQLite in WAL mode: each read transaction
// is its own snapshot, which includes every write acknowledged before it began; PostgreSQL:
// REPEATABLE READ READ ONLY). A store without a pool (the in-memory store) gets its reads
// serialized with the writes instead.

#include <cstddef>
#include <memory>
#include <mutex>

#include "clinic/service/ports.h"

namespace ketapath::server {

class SerializedStore final : public clinic::ClinicStore {
 public:
  /// `read_connections`: the read pool's size (0: reads wait for the writer like writes do).
  SerializedStore(clinic::ClinicStore& inner, std::size_t read_connections);
  ~SerializedStore() override;

  core::Result<int> initialize() override;
  core::Result<std::unique_ptr<clinic::Transaction>> begin() override;
  core::Result<std::unique_ptr<clinic::Transaction>> begin_read() override;
  bool read_concurrently(std::size_t connections) override;
  clinic::AuditLog& audit() override;

  /// Whether reads run on the store's pool, alongside the writer.
  [[nodiscard]] bool reads_pooled() const { return pooled_; }

 private:
  class Audit;
  clinic::ClinicStore& inner_;
  std::recursive_mutex mutex_;  ///< held by a write transaction (and by unpooled reads)
  bool pooled_ = false;
  std::unique_ptr<Audit> audit_;
};

}  // namespace ketapath::server
