#pragma once
// One treatment session's documentation: timestamped vitals before, during and after dosing,
// ratings (CADSS and anxiety scales with item answers), adverse events and discharge readiness.

#include <optional>
#include <string>
#include <vector>

#include "clinic/domain/amendment.h"
#include "clinic/domain/drug_library.h"
#include "clinic/domain/ids.h"
#include "clinic/domain/order.h"
#include "clinic/domain/scales.h"
#include "clinic/domain/time.h"
#include "core/units.h"

namespace ketapath::clinic {

enum class Phase { Before, During, After };  ///< text form "before", "during", "after"

/// One set of vital signs. Any measure may be missing, but not all of them.
struct VitalSigns {
  Timestamp measured_at{};
  Phase phase = Phase::Before;
  std::optional<core::MillimetresOfMercury> systolic;
  std::optional<core::MillimetresOfMercury> diastolic;
  std::optional<core::BeatsPerMinute> heart_rate;
  std::optional<double> spo2_percent;  ///< SpO2, % (50-100)
};

enum class Severity { Mild, Moderate, Severe };

struct AdverseEvent {
  Timestamp onset_at{};
  std::string description;  ///< "nausea", "hypertension 185/105"
  Severity severity = Severity::Mild;
  std::string action;  ///< "ondansetron 4 mg IV", "infusion paused"
  bool resolved = true;
  /// Serious in the regulatory sense (ICH E2A: death, life-threatening, hospitalisation,
  /// disability, or an important medical event), independent of severity.
  bool serious = false;
  std::string outcome;  ///< "resolved after 20 min", "referred to ED"; "" when not given
};

/// The discharge check after the observation period.
struct DischargeReadiness {
  Timestamp assessed_at{};
  bool alert_and_oriented = false;
  bool vitals_near_baseline = false;
  bool ambulating_steadily = false;
  bool escort_present = false;
  /// Derived: the four criteria above and what the record shows (safety.h assess_discharge:
  /// the minimum observation time after the dose, vitals back within the band of baseline,
  /// SpO2, no unresolved adverse event). Never taken from input.
  bool ready = false;
  std::vector<std::string> not_ready_reasons;  ///< derived: why ready is false
  std::string assessed_by;
  std::string notes;
};

struct Session {
  SessionId id{};
  PatientId patient{};
  std::optional<CourseId> course;
  std::optional<int> course_session_number;  ///< which planned session this fulfils
  std::optional<StockLotId> stock_lot;       ///< the lot the dose was drawn from (custody.h)
  std::optional<DoseRecordId> dose_record;   ///< the prescriber's order (required to record)
  Route route = Route::Iv;
  core::MilligramsPerKilogram dose_per_kg{};
  core::Milligrams dose{};
  Timestamp started_at{};  ///< dosing start
  /// End of dosing (end of the infusion; the injection time for SC/IM). When not given, derived
  /// by record_session from the infusion duration (dose record, planned session, library default).
  std::optional<Timestamp> dose_ended_at;
  Timestamp ended_at{};              ///< end of observation
  std::vector<VitalSigns> vitals;    ///< ordered by time
  std::vector<ScaleRating> ratings;  ///< ordered by time
  std::vector<AdverseEvent> adverse_events;
  std::optional<DischargeReadiness> discharge;
  std::string notes;
  /// The pre-dose checklist (order.h); required, every item done or waived by a prescriber.
  std::optional<PreDoseChecklist> checklist;
  /// The second user's independent double check (order.h OrderCheck), when the route needs one
  /// (setting medication_safety); `checked_by` names that user (derived).
  std::optional<OrderCheckId> double_check;
  std::string checked_by;
  std::string recorded_by;
  Timestamp recorded_at{};
  /// The amendments applied to this record on read, oldest first (amendment.h): each names the
  /// field, its original and amended value, who, when and why. Never written with the record.
  std::vector<Amendment> amendments;
};

std::string_view to_string(Phase phase);
std::string_view to_string(Severity severity);
core::Result<Phase> parse_phase(std::string_view text);
core::Result<Severity> parse_severity(std::string_view text);

}  // namespace ketapath::clinic
