#pragma once
// Eligibility screening for ketamine treatment of refractory anxiety: DSM-5 GAD criteria,
// treatment resistance (two definitions), contraindications. The decision is eligible, not
// eligible or needs review, always with its reasons. Evaluation is in screen() (screen.h).

#include <optional>
#include <string>
#include <vector>

#include "clinic/ids.h"
#include "clinic/time.h"

namespace ketapath::clinic {

/// DSM-5 GAD criteria A-D as answered by the assessing clinician (E and F are clinical judgement
/// captured by `not_better_explained`).
struct GadCriteria {
  int worry_duration_months = 0;          ///< A: how long excessive worry has been present
  bool worry_more_days_than_not = false;  ///< A
  bool worry_hard_to_control = false;     ///< B
  // C: the six symptoms; at least 3 needed in adults.
  bool restlessness = false;
  bool easily_fatigued = false;
  bool poor_concentration = false;
  bool irritability = false;
  bool muscle_tension = false;
  bool sleep_disturbance = false;
  bool distress_or_impairment = false;  ///< D
  bool not_better_explained = true;  ///< E/F: not a substance, medical condition or other disorder
};

/// Conditions that exclude or need review. All answered by the clinician at screening.
struct Contraindications {
  bool uncontrolled_hypertension = false;      ///< exclusion
  bool aneurysm_or_avm = false;                ///< exclusion (esketamine/ketamine labels)
  bool intracranial_bleed_history = false;     ///< exclusion
  bool psychosis = false;                      ///< current or past psychosis: exclusion
  bool pregnancy = false;                      ///< pregnancy or breastfeeding: exclusion
  bool active_substance_use_disorder = false;  ///< exclusion
  bool current_depression = false;             ///< excluded when the protocol says so, else noted
  // Precautions: each sends the decision to review rather than excluding.
  bool ischaemic_heart_or_cerebrovascular_disease = false;
  bool raised_intracranial_pressure = false;
  bool severe_hepatic_impairment = false;
  bool interacting_medication = false;  ///< CYP3A4 inhibitors, MAOIs, stimulants, benzodiazepines
};

/// Which definition of treatment resistance to apply.
enum class ResistanceDefinition {
  /// >= 1 failed adequate antidepressant trial (>= min weeks at >= the minimum therapeutic dose).
  OneAdequateAntidepressant,
  /// Domschke et al. 2024 Delphi consensus: >= 2 failed adequate guideline pharmacological
  /// monotherapies, or >= 1 failed adequately delivered psychotherapy (CBT).
  Consensus2024,
};

/// The clinic's protocol choices for screening (clinic-configurable).
struct ScreeningPolicy {
  ResistanceDefinition resistance = ResistanceDefinition::OneAdequateAntidepressant;
  double min_trial_weeks = 6.0;            ///< adequate duration (conventions.md)
  int min_psychotherapy_sessions = 12;     ///< adequate CBT (Consensus2024 only)
  bool exclude_current_depression = true;  ///< Glue 2017 enrolled "not currently depressed"
  bool require_gad = false;  ///< true: the GAD criteria must be met even with another diagnosis
  int min_age_years = 18;
};

/// Everything the clinician enters at a screening visit (the patient's history and diagnoses are
/// read from the patient record).
struct ScreeningInput {
  GadCriteria gad;
  Contraindications contraindications;
  ScreeningPolicy policy;
};

enum class Eligibility { Eligible, NotEligible, NeedsReview };

struct ScreeningResult {
  Eligibility eligibility = Eligibility::NeedsReview;
  bool gad_criteria_met = false;
  int gad_symptom_count = 0;
  bool treatment_resistant = false;
  int failed_adequate_trials = 0;  ///< pharmacological (per the chosen definition)
  int failed_adequate_psychotherapy = 0;
  std::vector<std::string> reasons;  ///< why; never empty
};

/// A stored screening: who screened whom, when, with what input and result.
struct ScreeningRecord {
  ScreeningId id{};
  PatientId patient{};
  Timestamp performed_at{};         ///< when it was recorded
  std::optional<Date> screened_on;  ///< the day of the screening visit (absent: performed_at's)
  std::string performed_by;
  ScreeningInput input;
  ScreeningResult result;
};

std::string_view to_string(Eligibility eligibility);
std::string_view to_string(ResistanceDefinition definition);
core::Result<Eligibility> parse_eligibility(std::string_view text);
core::Result<ResistanceDefinition> parse_resistance_definition(std::string_view text);

}  // namespace ketapath::clinic
