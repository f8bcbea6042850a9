#pragma once
// The audit trail of clinical writes. The clinic services describe each write (who, when, what,
// before and after as canonical JSON text); the store appends it in the same transaction as the
// write and chains the entries by hash (conventions.md: SHA-256(previous hash + canonical entry),
// head hash kept outside the table with an HMAC keyed by the clinic key file).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clinic/domain/time.h"
#include "core/error.h"

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
  std::int64_t entries = 0;        ///< entries verified (before the first broken one)
  std::int64_t last_sequence = 0;  ///< the highest sequence stored, verified or not
  std::int64_t rows_checked = 0;   ///< clinical rows compared with the log (SQL stores)
  std::string head_hash;
  std::vector<std::string> problems;  ///< "entry 17: hash mismatch", "head HMAC mismatch", ...
};

/// A point of the chain recorded outside the database ("SEQUENCE:HASH", as `audit verify` prints
/// it): the head HMAC cannot tell a restored old copy of the whole database from the real one,
/// but an anchor kept elsewhere (the end-of-day report, another system) can. Verifying against
/// it finds a log that was rolled back before the anchor or rewritten from an entry before it.
struct AuditAnchor {
  std::int64_t sequence = 0;  ///< >= 1
  std::string hash;           ///< lowercase hex (64 digits: SHA-256)
};

/// Parses "SEQUENCE:HASH". Errors: InvalidArgument naming the part that is wrong.
core::Result<AuditAnchor> parse_audit_anchor(std::string_view text);

/// "SEQUENCE:HASH" of a verification's head; empty for an empty log.
std::string anchor_text(const AuditVerification& verification);

/// Adds to `verification` the problems found by comparing it with an anchor: the log ends before
/// the anchor (rolled back), or its entry at the anchor's sequence has another hash (rewritten).
/// `entry_hash` is the stored hash at anchor.sequence when the log reaches it.
void check_anchor(AuditVerification& verification, const AuditAnchor& anchor,
                  const std::optional<std::string>& entry_hash);

}  // namespace ketapath::clinic
