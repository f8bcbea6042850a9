#pragma once
// Amendments of signed records (issue 15 item 6). Once stored, a session, a follow-up rating
// (assessment) or a screening is never edited: a correction is an amendment that names the
// field, the original and the amended value, who, when and why. The stored row keeps the
// original; every reader sees the record with its amendments applied in order (the repositories
// call apply_amendments) and the list of amendments beside it, so the original stays visible.
//
// What can be amended (field paths follow the record's JSON lists, list positions 1-based; a
// vital sign is named without its unit, `vitals.2.systolic` for the JSON's `systolic_mmhg`):
//   session:    notes; vitals.N.systolic|diastolic|heart_rate|spo2 ("none" clears a measure);
//               ratings.N.items ("1,2,0,..." re-scored); adverse_events.N.description|action|
//               outcome|severity|resolved|serious
//   assessment: items; notes
//   screening:  gad.<answer>, gad.worry_duration_months, contraindications.<answer>
//               (yes|no|unknown): the screening is re-evaluated into a new record that amends
//               the original (ScreeningRecord::amends), so clearance reads the corrected one
// Not amendable: the dose, route, times, order, lot and checks of a session (they are tied to
// the custody ledger and the dose gates; a wrong dose is a new order plus a custody discrepancy),
// and anything derived (totals, discharge readiness, eligibility): those follow from the amended
// inputs.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "clinic/domain/ids.h"
#include "clinic/domain/time.h"
#include "core/error.h"

namespace ketapath::clinic {

struct Session;
struct Assessment;
struct ScreeningInput;
struct InputLimits;

enum class AmendedKind { Session, Assessment, Screening };  ///< "session", "assessment", ...

/// One amended field of one record.
struct Amendment {
  AmendmentId id{};
  PatientId patient{};
  AmendedKind kind = AmendedKind::Session;
  std::int64_t record{};  ///< the id of the amended session, assessment or screening
  std::string field;      ///< "vitals.2.systolic"
  std::string original;   ///< the value before this amendment, in the amendment's text form
  std::string amended;    ///< the value after it
  std::string reason;     ///< why (required)
  /// A screening's amendment: the re-evaluated screening that replaces the amended one.
  std::optional<ScreeningId> replacement;
  std::string amended_by;
  Timestamp amended_at{};
};

/// A requested change: set `field` to `value` (the text forms above).
struct FieldChange {
  std::string field;
  std::string value;
};

std::string_view to_string(AmendedKind kind);
core::Result<AmendedKind> parse_amended_kind(std::string_view text);

/// Sets one field of a session; returns the value it had (text form). Validation naming the
/// field and value for an unknown field, a position past the list, or a value out of range
/// (vitals through validate_vitals, items through score_items).
core::Result<std::string> amend_session_field(Session& session, std::string_view field,
                                              std::string_view value, const InputLimits& limits);

/// The same for an assessment (items re-scored, notes).
core::Result<std::string> amend_assessment_field(Assessment& assessment, std::string_view field,
                                                 std::string_view value);

/// The same for a screening's answers (the caller re-evaluates the result with screen()).
core::Result<std::string> amend_screening_field(ScreeningInput& input, std::string_view field,
                                                std::string_view value);

/// Applies stored amendments of this record in order, on read. A stored amendment that no longer
/// applies is a storage fault (Storage error naming the amendment).
core::Status apply_amendments(Session& session, std::span<const Amendment> amendments);
core::Status apply_amendments(Assessment& assessment, std::span<const Amendment> amendments);

/// A reason is 1-1000 characters after trimming; Validation otherwise.
core::Status validate_amendment_reason(std::string_view reason);

}  // namespace ketapath::clinic
