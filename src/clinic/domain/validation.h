#pragma once
// The input rules of the clinic (clinic-practice.md section 3.4, absolute ranges): a value outside
// them is refused with ErrorCode::Validation and a message naming the field, the value and the
// unit, and nothing is stored. Softer findings (estimated weight, > 10% weight change) are
// warnings returned to the caller, never silent.

#include <string>
#include <vector>

#include "clinic/domain/patient.h"
#include "clinic/domain/session.h"
#include "clinic/domain/time.h"
#include "core/error.h"
#include "core/units.h"

namespace ketapath::clinic {

/// Absolute (reject) ranges. Defaults are the proposals of clinic-practice.md section 3.4 with
/// the adult weight range of conventions.md (20-300 kg).
struct InputLimits {
  core::Kilograms min_weight{20.0};
  core::Kilograms max_weight{300.0};
  double min_systolic = 50.0, max_systolic = 300.0;      ///< mmHg
  double min_diastolic = 20.0, max_diastolic = 200.0;    ///< mmHg
  double min_heart_rate = 20.0, max_heart_rate = 250.0;  ///< bpm
  double min_spo2 = 50.0, max_spo2 = 100.0;              ///< %
  int min_age_years = 18;
  int max_age_years = 110;
};

/// Plausible ranges of the dates the clinic records (docs/clinic.md "Dates"), in days around
/// today unless said otherwise.
struct DateLimits {
  int dose_days_before = 30;  ///< a dose's treatment day (`dose --date`): today +- 30 days
  int dose_days_after = 30;
  int course_days_after = 365;    ///< a course starts at most a year ahead (and a year back)
  int session_days_before = 366;  ///< a session is recorded within a year of taking place
};

/// Refuses `date` outside [earliest, latest] with Validation
/// "<field> must be between <earliest> and <latest> (<why>) (got <date>)" (core::range_error: the
/// one range message, as core::check_range).
core::Status check_date(std::string_view field, Date date, Date earliest, Date latest,
                        std::string_view why);

/// A weight on a day: 20-300 kg, finite, not in the future. `field` names it in errors.
core::Status validate_weight(const WeightRecord& weight, Date today, const InputLimits& limits,
                             std::string_view field = "weight");

/// Name, birth date (adult, not in the future), sex, weights, diagnoses (ICD-10 code matching the
/// disorder), treatment trials (non-negative durations, doses > 0, dates not in the future).
core::Status validate_patient(const Patient& patient, Date today, const InputLimits& limits);

/// A diagnosis's ICD-10 code fits its disorder: GAD F41.1; SAD F40.10/F40.11; panic F41.0;
/// specific phobia F40.2 followed by 1-2 digits (F40.210 ... F40.298); other: a well-formed
/// ICD-10 code (letter, two digits, optional dot and 1-4 characters).
core::Status validate_diagnosis(const Diagnosis& diagnosis, Date today);

core::Status validate_treatment_trial(const TreatmentTrial& trial, Date today,
                                      std::string_view field = "treatment trial");

/// One set of vitals: each present measure in its absolute range, systolic > diastolic, at least
/// one measure present.
core::Status validate_vitals(const VitalSigns& vitals, const InputLimits& limits,
                             std::string_view field = "vitals");

/// A whole session: started_at not in the future (`now`), ended_at >= started_at and not in the
/// future, vitals and ratings inside [started_at - 2 h, ended_at], every vitals set valid, every
/// rating complete and in range (its total recomputed: the input total is overwritten),
/// dose_mg_per_kg > 0 and dose_mg >= 0 (0 = not given).
/// Returns the session with recomputed totals and derived discharge readiness.
core::Result<Session> validate_session(Session session, Timestamp now, const InputLimits& limits);

/// Warnings (never refusals) for a new weight compared with the patient's previous one.
std::vector<std::string> weight_warnings(const Patient& patient, const WeightRecord& weight);

}  // namespace ketapath::clinic
