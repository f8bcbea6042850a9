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

#include "clinic/domain/audit.h"
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
  /// 1: the original form (no row evidence); 2: adds `row_digests` (row_evidence.h).
  int format = 2;
  std::string row_digests;
};

/// The entry format appended by this build.
inline constexpr int kEntryFormat = 2;

/// The newest head this process found to be the end of an intact chain (sequence -1: none yet).
/// An append re-walks only the entries after it, so a process's first write checks the whole
/// chain and its later writes check what others appended since.
struct VerifiedHead {
  std::int64_t sequence = -1;
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

/// Appends one entry (with the row digests of what its transaction wrote) inside the caller's
/// write transaction, after checking that the log verifies: the head's HMAC, the newest entry
/// against the head, the number of entries against the head (a deleted or inserted middle entry),
/// and every entry after `verified` (hash and link). An append never extends a log that does not
/// verify (Integrity error instead). Returns the new sequence number; `verified` moves to it.
core::Result<std::int64_t> append(sql::Connection& connection, const ClinicKey& key,
                                  const clinic::AuditRecord& record, std::string_view row_digests,
                                  VerifiedHead& verified);

/// Whether the log has the row-evidence columns (format, row_digests): false before the
/// migration that added them.
core::Result<bool> has_row_evidence(sql::Connection& connection);

/// Entries with sequence >= from, at most limit, in order (read as stored).
core::Result<std::vector<StoredEntry>> read(sql::Connection& connection, std::int64_t from,
                                            std::int64_t limit, bool with_evidence = true);

/// Walks the whole chain and the head, then compares every clinical row with the state its latest
/// entry recorded (row_evidence.h); problems go into the result, errors mean unreadable.
core::Result<clinic::AuditVerification> verify(sql::Connection& connection, const ClinicKey& key);

/// After a migration step (inside its transaction): appends a "store.rebase" entry recording the
/// new state of every row whose stored form no longer matches the log (a changed table, a
/// backfill), so that tamper evidence survives the migration. Nothing when no row changed.
core::Status rebase(sql::Connection& connection, const ClinicKey& key, int version,
                    std::string_view name, VerifiedHead& verified);

}  // namespace ketapath::store::audit
