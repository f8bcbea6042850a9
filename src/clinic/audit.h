#pragma once
// The audit trail of clinical writes. The clinic services describe each write (who, when, what,
// before and after as canonical JSON text); the store appends it in the same transaction as the
// write and chains the entries by hash (conventions.md: SHA-256(previous hash + canonical entry),
// head hash kept outside the table with an HMAC keyed by the clinic key file).

#include <cstdint>
#include <string>
#include <vector>

#include "clinic/time.h"

namespace ketapath::clinic {

/// What the services hand to the store.
struct AuditRecord {
  Timestamp at{};
  std::string actor;        ///< the acting user (--user, $KETAPATH_USER, login name)
  std::string action;       ///< "patient.add", "dose.calculate", "session.record", ...
  std::string entity;       ///< "patient/12", "course/3"
  std::string before_json;  ///< "null" for a creation
  std::string after_json;   ///< the stored state, canonical JSON (clinic/json.h)
};

/// A stored entry, as read back.
struct AuditEntry {
  std::int64_t sequence = 0;  ///< 1, 2, 3, ... without gaps
  AuditRecord record;
  std::string previous_hash;  ///< hex; "" for the first entry
  std::string hash;           ///< hex SHA-256
};

/// The outcome of checking the chain end to end.
struct AuditVerification {
  bool intact = false;
  std::int64_t entries = 0;
  std::string head_hash;
  std::vector<std::string> problems;  ///< "entry 17: hash mismatch", "head HMAC mismatch", ...
};

}  // namespace ketapath::clinic
