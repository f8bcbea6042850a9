#pragma once
// Weight-based ketamine dose calculation: kg x mg/kg = mg -> mg / (mg/mL) = mL -> mL / h = mL/h,
// checked against the drug library's soft and hard limits, with every step kept as text so the
// clinician can re-derive it (a reviewable derivation, not an instruction). calculate_dose() is in
// dose_calculator.h.

#include <optional>
#include <string>
#include <vector>

#include "clinic/domain/drug_library.h"
#include "clinic/domain/ids.h"
#include "clinic/domain/order.h"
#include "clinic/domain/time.h"
#include "core/units.h"

namespace ketapath::clinic {

/// Which limit a calculated dose reached.
enum class LimitLevel { None, Soft, Hard };  ///< text form "none", "soft", "hard"

/// What the clinician orders.
struct DoseOrder {
  PatientId patient{};
  Route route = Route::Iv;
  core::MilligramsPerKilogram dose{};
  std::optional<core::Minutes> duration;  ///< IV infusion time; the library default when absent
  std::optional<core::MilligramsPerMillilitre> concentration;  ///< the first library one if absent
  std::string override_reason;  ///< required when the dose exceeds the soft limit
  Date on{};                    ///< the treatment day (weight recency is measured to it)
  /// The order's validity (order.h OrderTerms): `on` only by default; through `valid_until`
  /// (at most kMaxOrderDays); or, with `course`, that course's sessions while it is active.
  std::optional<Date> valid_until;
  std::optional<CourseId> course;
};

/// The clinic's dosing policy (clinic-configurable by an admin, within the absolute bounds of
/// docs/clinic.md "Settings and their bounds").
struct DosingPolicy {
  int max_weight_age_days = 30;      ///< a weight older than this on the treatment day is refused
  core::Kilograms min_weight{20.0};  ///< adult range (conventions.md)
  core::Kilograms max_weight{300.0};
  int screening_validity_days = 90;      ///< a screening counts this many days after it was done
  int screening_warning_days = 14;       ///< the work list warns this long before one expires
  int min_dose_interval_hours = 20;      ///< between two administrations (sessions with a dose)
  core::Millilitres max_sc_volume{2.0};  ///< one subcutaneous injection; above: warning
  core::Millilitres max_im_volume{5.0};  ///< one intramuscular injection; above: warning
};

/// A calculated dose with its derivation.
struct DoseCalculation {
  core::Kilograms weight{};
  Date weight_measured_on{};
  core::MilligramsPerKilogram dose_per_kg{};
  core::Milligrams dose{};
  core::MilligramsPerMillilitre concentration{};
  core::Millilitres volume{};
  std::optional<core::Minutes> duration;            ///< infusions only
  std::optional<core::MillilitresPerHour> rate;     ///< infusions only
  std::optional<double> dose_rate_mg_per_kg_per_h;  ///< infusions only, for display
  LimitLevel limit = LimitLevel::None;
  std::string override_reason;          ///< non-empty when limit == Soft
  std::vector<std::string> arithmetic;  ///< the steps, one per line
  std::vector<std::string> warnings;    ///< e.g. estimated weight, advisory text
};

/// A stored calculation (the dose document).
struct DoseRecord {
  DoseRecordId id{};
  PatientId patient{};
  std::optional<SessionId> session;  ///< set when the dose was given in a recorded session
  Route route = Route::Iv;
  std::string drug;  ///< "ketamine"
  DoseCalculation calculation;
  Timestamp calculated_at{};
  std::string calculated_by;
  /// The order's validity and status; absent for a record stored before schema 15 (a
  /// calculation only: no administration can cite it).
  std::optional<OrderTerms> order;
};

std::string_view to_string(LimitLevel level);
core::Result<LimitLevel> parse_limit_level(std::string_view text);

}  // namespace ketapath::clinic
