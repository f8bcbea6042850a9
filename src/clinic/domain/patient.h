#pragma once
// The patient record: demographics, dated weights, diagnoses (ICD-10) and treatment history.
// Validation of these values lives in validation.h; this header only defines them.

#include <optional>
#include <string>
#include <vector>

#include "clinic/domain/ids.h"
#include "clinic/domain/medication.h"
#include "clinic/domain/time.h"
#include "core/units.h"
#include "pd/sex.h"

namespace ketapath::clinic {

/// The one sex type (pd/sex.h: "F", "M", "X"; pd::sex_name, pd::parse_sex), under the clinic's
/// name; the model reads the same value as a covariate.
using pd::parse_sex;
using pd::Sex;

/// A weight measured on a day. Weight is the dosing input, so it is kept in kg only.
struct WeightRecord {
  Date measured_on{};
  core::Kilograms weight{};
  bool estimated = false;  ///< patient-stated or estimated, not weighed (flagged, still allowed)
};

/// The anxiety disorders the clinic treats, plus Other for comorbid codes (e.g. F33.1).
enum class Disorder { Gad, SocialAnxiety, Panic, SpecificPhobia, Other };

/// A diagnosis with its ICD-10(-CM) code: GAD F41.1, SAD F40.10 or F40.11, panic F41.0, specific
/// phobia F40.2x (F40.210 ... F40.298).
struct Diagnosis {
  Disorder disorder = Disorder::Other;
  std::string icd10;  ///< e.g. "F41.1"
  Date diagnosed_on{};
  bool primary = false;  ///< the disorder being treated
};

enum class TreatmentKind {
  Antidepressant,   ///< SSRI, SNRI, TCA, MAOI, mirtazapine, ...
  OtherMedication,  ///< pregabalin, buspirone, benzodiazepine, ...
  Psychotherapy,    ///< CBT and other structured psychotherapy
};

enum class TrialOutcome {
  Remission,
  Response,
  PartialResponse,  ///< improvement below response (counts as a failed trial)
  NonResponse,      ///< counts as a failed trial
  Intolerance,      ///< stopped for side effects: not an adequate trial
  Ongoing,
};

/// One past or current treatment trial. For medications the daily dose and the drug's minimum
/// therapeutic daily dose decide adequacy; for psychotherapy the number of sessions does.
struct TreatmentTrial {
  TreatmentKind kind = TreatmentKind::Antidepressant;
  std::string name;                                            ///< "sertraline", "CBT"
  std::optional<core::Milligrams> daily_dose;                  ///< mg/day, medications only
  std::optional<core::Milligrams> min_therapeutic_daily_dose;  ///< mg/day, medications only
  std::optional<Date> started_on;
  double duration_weeks = 0.0;  ///< weeks on the trial (at the stated dose for medications)
  int psychotherapy_sessions = 0;
  TrialOutcome outcome = TrialOutcome::NonResponse;
  std::string notes;
};

struct Patient {
  PatientId id{};  ///< 0 until stored
  std::string name;
  Date birth_date{};
  Sex sex = Sex::Unspecified;
  std::vector<WeightRecord> weights;  ///< in insertion order; see latest_weight()
  std::vector<Diagnosis> diagnoses;
  std::vector<TreatmentTrial> treatment_history;
  std::vector<MedicationEntry> medications;  ///< the medication log (medication.h), in order
  Timestamp created_at{};
};

/// The most recent weight measured on or before `on` (latest date; later insertion wins a tie),
/// or nothing.
std::optional<WeightRecord> latest_weight(const Patient& patient, Date on);

std::string_view to_string(Disorder disorder);
std::string_view to_string(TreatmentKind kind);
std::string_view to_string(TrialOutcome outcome);
core::Result<Disorder> parse_disorder(std::string_view text);
core::Result<TreatmentKind> parse_treatment_kind(std::string_view text);
core::Result<TrialOutcome> parse_trial_outcome(std::string_view text);

}  // namespace ketapath::clinic
