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

}  // namespace ketapath::clinic
