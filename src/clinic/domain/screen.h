#pragma once
// Evaluates a screening: DSM-5 GAD criteria, treatment resistance and contraindications, from the
// clinician's answers and the patient's record. Pure function: no storage, no clock.

#include "clinic/domain/patient.h"
#include "clinic/domain/screening.h"

namespace ketapath::clinic {

/// Not eligible when any exclusion holds (a contraindication, current depression where the
/// protocol excludes it, under-age, no qualifying anxiety disorder, not treatment resistant);
/// needs review when nothing excludes but a precaution applies or adequacy cannot be judged;
/// eligible otherwise. Every finding, favourable or not, is listed in `reasons`.
ScreeningResult screen(const Patient& patient, const ScreeningInput& input, Date today);

/// Whether a trial was an adequate trial that failed under the policy's duration rule: for
/// medications, >= policy.min_trial_weeks at or above the minimum therapeutic daily dose with
/// non-response or partial response; for psychotherapy, >= policy.min_psychotherapy_sessions
/// with non-response or partial response. Nothing when adequacy cannot be judged (dose data
/// missing, outcome ongoing).
std::optional<bool> failed_adequate_trial(const TreatmentTrial& trial,
                                          const ScreeningPolicy& policy);

/// Number of the six DSM-5 GAD symptoms present.
int gad_symptom_count(const GadCriteria& gad);

}  // namespace ketapath::clinic
