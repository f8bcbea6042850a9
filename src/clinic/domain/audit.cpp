#include "clinic/domain/audit.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace ketapath::clinic {

core::Result<AuditAnchor> parse_audit_anchor(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    return core::fail(
        core::ErrorCode::InvalidArgument,
        "audit anchor: expected SEQUENCE:HASH as `audit verify` prints it (got \"{}\")", text);
  }
  const std::string_view number = text.substr(0, colon);
  const std::string_view hash = text.substr(colon + 1);
  AuditAnchor anchor;
  const auto [end, ec] =
      std::from_chars(number.data(), number.data() + number.size(), anchor.sequence);
  if (ec != std::errc() || end != number.data() + number.size() || anchor.sequence < 1) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "audit anchor: sequence must be a whole number >= 1 (got \"{}\")", number);
  }
  // 64 digits (SHA-256) in the SQL stores; the in-memory test store uses a shorter hash.
  const bool hex = hash.size() >= 16 && hash.size() <= 128 &&
                   hash.find_first_not_of("0123456789abcdef") == std::string_view::npos;
  if (!hex) {
    return core::fail(
        core::ErrorCode::InvalidArgument,
        "audit anchor: hash must be lowercase hex, 64 digits for SHA-256 (got \"{}\")", hash);
  }
  anchor.hash = std::string(hash);
  return anchor;
}

std::string anchor_text(const AuditVerification& verification) {
  if (verification.entries == 0) {
    return "";
  }
  return fmt::format("{}:{}", verification.entries, verification.head_hash);
}

void check_anchor(AuditVerification& verification, const AuditAnchor& anchor,
                  const std::optional<std::string>& entry_hash) {
  const std::int64_t last = std::max(verification.last_sequence, verification.entries);
  if (anchor.sequence > last) {
    verification.problems.push_back(fmt::format(
        "anchor {}: the log ends at entry {}, before the anchor recorded earlier: later entries "
        "were removed (an older copy restored?)",
        anchor.sequence, last));
    verification.intact = false;
    return;
  }
  if (!entry_hash) {
    verification.problems.push_back(fmt::format(
        "anchor {}: entry {} is missing although the log goes on to entry {}: it was deleted",
        anchor.sequence, anchor.sequence, last));
    verification.intact = false;
    return;
  }
  if (*entry_hash != anchor.hash) {
    verification.problems.push_back(fmt::format(
        "anchor {}: the entry's hash {} differs from the anchor's {}: the log was rewritten at or "
        "before that entry",
        anchor.sequence, *entry_hash, anchor.hash));
    verification.intact = false;
  }
}

}  // namespace ketapath::clinic
