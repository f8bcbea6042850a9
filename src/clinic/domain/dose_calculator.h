#pragma once
// Weight-based dose calculation against the drug library. Pure functions: no storage, no clock.
//
// Example (the acceptance case):
//   70 kg, IV 0.5 mg/kg over 40 min at 1 mg/mL ->
//   "dose: 70 kg x 0.5 mg/kg = 35 mg", "volume: 35 mg / 1 mg/mL = 35 mL",
//   "rate: 35 mL / (40 min / 60 min/h) = 52.5 mL/h"

#include <string>
#include <string_view>
#include <utility>

#include "clinic/domain/dose.h"
#include "clinic/domain/drug_library.h"
#include "clinic/domain/patient.h"
#include "core/error.h"

namespace ketapath::clinic {

/// Calculates a dose for the patient's most recent weight on order.on.
/// Refusals (nothing to store):
/// - Validation: no weight, weight older than policy.max_weight_age_days or outside the policy
///   range, dose not finite or below the library minimum, concentration not in the library for
///   the route, duration outside the library range or given for a non-IV route, soft limit
///   exceeded without an override reason.
/// - LimitExceeded: above the hard mg/kg limit or the absolute mg cap (never overridable); a
///   mg/kg value that looks like a total in mg gets a "did you mean ... mg?" hint.
/// - NotFound: the library has no limits for the route.
core::Result<DoseCalculation> calculate_dose(const Patient& patient, const DrugEntry& drug,
                                             const DoseOrder& order, const DosingPolicy& policy);

/// Parses a weight-based dose as typed by a clinician: "0.5mg/kg" or "0.5 mg/kg". Refuses a
/// missing unit, a total in mg ("35mg": "expected mg/kg"), a rate (mg/kg/h), and a missing
/// leading zero (".5mg/kg", ISMP). Errors: Validation naming the field and the text.
core::Result<core::MilligramsPerKilogram> parse_dose_per_kg(std::string_view text,
                                                            std::string_view field = "dose");

/// A number for display: at most `decimals` decimals, no trailing zeros ("35", "52.5", "0.75").
std::string display_number(double value, int decimals = 2);

/// A value and the limit it is compared with, shown with as many decimals (from `decimals`, up to
/// 9) as it takes for different numbers to look different: 1.5004 against 1.5 gives "1.5004" and
/// "1.5", never "1.5 exceeds 1.5".
std::pair<std::string, std::string> distinct_numbers(double value, double limit, int decimals = 3);

}  // namespace ketapath::clinic
