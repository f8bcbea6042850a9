#pragma once
// The absolute bounds of everything an admin can configure: the dosing policy, the safety
// thresholds and the drug library. No setting outside them is accepted, whoever asks (a 10 mg/kg
// library entry, BP alerts that start at 290/190). docs/clinic.md "Settings and their bounds"
// prints the same table.

#include <string_view>

#include "clinic/domain/dose.h"
#include "clinic/domain/drug_library.h"
#include "clinic/domain/safety.h"
#include "core/error.h"

namespace ketapath::clinic {

struct Bound {
  double low;
  double high;
  std::string_view unit;
};

/// Validation "<where>: <key> must be <low>-<high> <unit> (got <value> <unit>)" when outside
/// (core::check_range with the bound).
core::Status check_bound(std::string_view where, std::string_view key, double value,
                         const Bound& bound);

// Dosing policy.
inline constexpr Bound kWeightAgeDays{0, 90, "days"};
inline constexpr Bound kPolicyWeightKg{20, 300, "kg"};
inline constexpr Bound kScreeningValidityDays{1, 180, "days"};
inline constexpr Bound kScreeningWarningDays{0, 60, "days"};
inline constexpr Bound kDoseIntervalHours{12, 336, "h"};
inline constexpr Bound kScVolumeMl{0.5, 5, "mL"};
inline constexpr Bound kImVolumeMl{1, 10, "mL"};

// Medication safety (order.h MedicationSafetyPolicy).
inline constexpr Bound kFastingHours{0, 12, "h"};

// Drug library (every route).
inline constexpr Bound kLibraryDosePerKg{0.05, 2.0, "mg/kg"};
inline constexpr Bound kLibraryCapMg{1, 250, "mg"};
inline constexpr Bound kLibraryConcentration{0.1, 100, "mg/mL"};
inline constexpr Bound kLibraryDurationMin{5, 240, "min"};

// Safety thresholds.
inline constexpr Bound kPreDoseSystolic{120, 180, "mmHg"};
inline constexpr Bound kPreDoseDiastolic{70, 110, "mmHg"};
inline constexpr Bound kPreDoseHeartRate{80, 130, "bpm"};
inline constexpr Bound kPauseSystolic{140, 200, "mmHg"};
inline constexpr Bound kStopSystolic{150, 220, "mmHg"};
inline constexpr Bound kPauseDiastolic{85, 115, "mmHg"};
inline constexpr Bound kStopDiastolic{90, 130, "mmHg"};
inline constexpr Bound kPauseHeartRate{90, 150, "bpm"};
inline constexpr Bound kStopHeartRate{100, 180, "bpm"};
inline constexpr Bound kPauseSpo2{88, 96, "%"};
inline constexpr Bound kStopSpo2{85, 94, "%"};
inline constexpr Bound kCadssAlertTotal{1, 92, "points"};
inline constexpr Bound kMinObservationMin{30, 480, "min"};
inline constexpr Bound kDischargeBloodPressureBand{5, 60, "mmHg"};
inline constexpr Bound kDischargeHeartRateBand{5, 60, "bpm"};

/// Every dosing policy value within its bound (and min weight below max weight).
core::Status validate_dosing_policy(const DosingPolicy& policy);

/// The safety thresholds within their bounds (validate_thresholds also checks their order).
core::Status check_threshold_bounds(const SafetyThresholds& thresholds);

/// A drug library route entry within the bounds (validate_drug_entry also checks the order).
core::Status check_library_bounds(std::string_view where, const RouteLimits& limits);

}  // namespace ketapath::clinic
