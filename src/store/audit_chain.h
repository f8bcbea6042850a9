#pragma once
// Internal: the hash chain of the audit log, over any sql::Connection.
//
// Entry n stores hash_n = SHA-256(hash_{n-1} || canonical(entry n)), hash_0 = "" (hex text, so
// the first entry hashes its canonical form alone). canonical() is a length-prefixed,
// line-oriented serialisation of the stored text fields (see docs/storage.md), so no field can
// bleed into another. The head row (sequence, hash) carries HMAC-SHA-256 under the clinic key,
// which lives outside the database: without the key nobody can make a shortened or recomputed
// chain look intact.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "clinic/audit.h"
#include "store/crypto.h"
#include "store/sql/connection.h"

namespace ketapath::store::audit {

/// The stored text of one entry (what is hashed).
struct StoredEntry {
  std::int64_t sequence = 0;
  std::string at;
  std::string actor;
  std::string action;
  std::string entity;
  std::string before_json;
  std::string after_json;
  std::string previous_hash;
  std::string hash;
};

/// The canonical byte string of an entry (everything but the two hashes).
std::string canonical(const StoredEntry& entry);

/// SHA-256(previous_hash || canonical(entry)) as hex.
std::string entry_hash(const StoredEntry& entry);

/// The message the head HMAC covers.
std::string head_message(std::int64_t sequence, std::string_view hash);

/// Writes the empty head (sequence 0) when there is none. Inside a write transaction.
core::Status create_head(sql::Connection& connection, const ClinicKey& key);

/// Whether the head row exists (the audit log was initialised).
core::Result<bool> head_exists(sql::Connection& connection);

/// Appends one entry inside the caller's write transaction, after checking that the head's HMAC
/// is valid and that it matches the newest stored entry: an append never blesses a tampered log
/// (Integrity error instead). Returns the new sequence number.
core::Result<std::int64_t> append(sql::Connection& connection, const ClinicKey& key,
                                  const clinic::AuditRecord& record);

/// Entries with sequence >= from, at most limit, in order (read as stored).
core::Result<std::vector<StoredEntry>> read(sql::Connection& connection, std::int64_t from,
                                            std::int64_t limit);

/// Walks the whole chain and the head; problems go into the result, errors mean unreadable.
core::Result<clinic::AuditVerification> verify(sql::Connection& connection, const ClinicKey& key);

}  // namespace ketapath::store::audit
