#pragma once
// Eligibility screening for ketamine treatment of refractory anxiety: DSM-5 GAD criteria,
// treatment resistance (two definitions), contraindications. The decision is eligible, not
// eligible or needs review, always with its reasons. Evaluation is in screen() (screen.h).

#include <optional>
#include <string>
#include <vector>

#include "clinic/domain/amendment.h"
#include "clinic/domain/ids.h"
#include "clinic/domain/time.h"

namespace ketapath::clinic {

/// A clinical yes/no as answered: true, false, or unknown (nullopt: missing or null in the
/// input). Unknown is never read as "no": an unknown answer the decision rests on makes the
/// screening needs_review at best, and an unknown exclusion can never be cleared by review
/// (ScreeningResult::unknown_exclusions): it has to be answered in a new screening.
using Answer = std::optional<bool>;

/// DSM-5 GAD criteria A-D as answered by the assessing clinician (E and F are clinical judgement
/// captured by `not_better_explained`). Every answer starts unknown.
struct GadCriteria {
  std::optional<int> worry_duration_months;  ///< A: how long excessive worry has been present
  Answer worry_more_days_than_not;           ///< A
  Answer worry_hard_to_control;              ///< B
  // C: the six symptoms; at least 3 needed in adults.
  Answer restlessness;
  Answer easily_fatigued;
  Answer poor_concentration;
  Answer irritability;
  Answer muscle_tension;
  Answer sleep_disturbance;
  Answer distress_or_impairment;  ///< D
  Answer not_better_explained;    ///< E/F: not a substance, medical condition or other disorder
};

/// Conditions that exclude or need review. All answered by the clinician at screening; every
/// answer starts unknown.
struct Contraindications {
  Answer uncontrolled_hypertension;      ///< exclusion
  Answer aneurysm_or_avm;                ///< exclusion (esketamine/ketamine labels)
  Answer intracranial_bleed_history;     ///< exclusion
  Answer psychosis;                      ///< current or past psychosis: exclusion
  Answer pregnancy;                      ///< pregnancy or breastfeeding: exclusion
  Answer active_substance_use_disorder;  ///< exclusion
  Answer current_depression;             ///< excluded when the protocol says so, else noted
  // Precautions: each sends the decision to review rather than excluding.
  Answer ischaemic_heart_or_cerebrovascular_disease;
  Answer raised_intracranial_pressure;
  Answer severe_hepatic_impairment;
  Answer interacting_medication;  ///< CYP3A4 inhibitors, MAOIs, stimulants, benzodiazepines
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
  /// Input keys of the answers the decision needed but were unknown, e.g.
  /// "contraindications.pregnancy", "gad.restlessness" (each also named in `reasons`).
  std::vector<std::string> unknown_answers;
  /// The subset of unknown_answers that are exclusions ("contraindications.psychosis"): while
  /// any is unknown the patient can never be cleared by a review; only a new screening that
  /// answers them can make the patient eligible.
  std::vector<std::string> unknown_exclusions;
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
  /// Set when this screening is the re-evaluated amendment of another (amendment.h): it keeps
  /// that screening's day, and the gate reads it instead of the one it amends.
  std::optional<ScreeningId> amends;
  /// For an amending screening: the answers it changed (read from the amendments, on read).
  std::vector<Amendment> amendments;
};

std::string_view to_string(Eligibility eligibility);
std::string_view to_string(ResistanceDefinition definition);
core::Result<Eligibility> parse_eligibility(std::string_view text);
core::Result<ResistanceDefinition> parse_resistance_definition(std::string_view text);

}  // namespace ketapath::clinic
