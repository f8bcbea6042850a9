#pragma once
// An in-memory ClinicStore with the ports' semantics: transactions work on a copy and publish it
// atomically at commit (rollback = drop the copy), ids are assigned per kind, NotFound/Conflict
// as documented in ports.h, and a commit without an audit record is refused. The audit chain uses
// a 64-bit FNV-1a hash: enough to detect edits in tests, not a security mechanism (the real
// stores use SHA-256 and an HMAC'd head). For tests and `--db memory:` only.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "clinic/service/ports.h"

namespace ketapath::clinic {

class MemoryStore final : public ClinicStore {
 public:
  MemoryStore();
  ~MemoryStore() override;

  core::Result<int> initialize() override;
  core::Result<std::unique_ptr<Transaction>> begin() override;
  /// A transaction like begin()'s (one at a time, not thread-safe) whose writes are refused.
  core::Result<std::unique_ptr<Transaction>> begin_read() override;
  AuditLog& audit() override;

  /// Test hook: the next commit fails with ErrorCode::Storage (and publishes nothing).
  void fail_next_commit() { fail_next_commit_ = true; }

  /// Test hook: overwrite a stored audit entry's after_json (tampering).
  void tamper_audit(std::int64_t sequence, std::string after_json);

  struct State;

 private:
  friend class MemoryTransaction;
  friend class MemoryAuditLog;
  core::Result<std::unique_ptr<Transaction>> open_transaction(bool read_only);
  std::unique_ptr<State> state_;
  std::unique_ptr<AuditLog> audit_;
  bool initialized_ = false;
  bool open_ = false;
  bool fail_next_commit_ = false;
};

}  // namespace ketapath::clinic
