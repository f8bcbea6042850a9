// Screening: DSM-5 GAD, both treatment-resistance definitions, each contraindication.

#include <gtest/gtest.h>

#include "clinic/domain/screen.h"
#include "fixtures.h"

namespace ketapath::clinic {
namespace {

using namespace testing;

ScreeningInput full_gad() {
  ScreeningInput in;
  in.gad.worry_duration_months = 24;
  in.gad.worry_more_days_than_not = true;
  in.gad.worry_hard_to_control = true;
  in.gad.restlessness = in.gad.muscle_tension = in.gad.sleep_disturbance = true;
  in.gad.easily_fatigued = in.gad.poor_concentration = in.gad.irritability = false;
  in.gad.distress_or_impairment = true;
  in.gad.not_better_explained = true;
  // Every contraindication answered "no": an unanswered one is unknown, never "no".
  in.contraindications = {false, false, false, false, false, false,
                          false, false, false, false, false};
  return in;
}

bool has_reason(const ScreeningResult& r, std::string_view text) {
  for (const auto& reason : r.reasons) {
    if (reason.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

TEST(Screening, TypicalRefractoryGadIsEligible) {
  const auto r = screen(adult_70kg(), full_gad(), kToday);
  EXPECT_EQ(r.eligibility, Eligibility::Eligible);
  EXPECT_TRUE(r.gad_criteria_met);
  EXPECT_EQ(r.gad_symptom_count, 3);
  EXPECT_TRUE(r.treatment_resistant);
  EXPECT_EQ(r.failed_adequate_trials, 1);
  EXPECT_TRUE(has_reason(r, "sertraline"));
}

TEST(Screening, GadCriteriaEachMatter) {
  Patient p = adult_70kg();
  p.diagnoses.clear();  // no other route to qualify
  auto in = full_gad();
  in.gad.worry_duration_months = 5;
  EXPECT_EQ(screen(p, in, kToday).eligibility, Eligibility::NotEligible);
  in = full_gad();
  in.gad.sleep_disturbance = false;  // 2 of 6
  auto r = screen(p, in, kToday);
  EXPECT_FALSE(r.gad_criteria_met);
  EXPECT_TRUE(has_reason(r, "C: 2 of 6 symptoms"));
  in = full_gad();
  in.gad.distress_or_impairment = false;
  EXPECT_FALSE(screen(p, in, kToday).gad_criteria_met);
  in = full_gad();
  in.gad.worry_hard_to_control = false;
  EXPECT_FALSE(screen(p, in, kToday).gad_criteria_met);
  in = full_gad();
  in.gad.worry_more_days_than_not = false;
  EXPECT_FALSE(screen(p, in, kToday).gad_criteria_met);
}

TEST(Screening, RecordedGadWithUnmetCriteriaNeedsReview) {
  auto in = full_gad();
  in.gad.worry_duration_months = 3;
  EXPECT_EQ(screen(adult_70kg(), in, kToday).eligibility, Eligibility::NeedsReview);
}

TEST(Screening, SocialAnxietyQualifiesWithoutGad) {
  Patient p = adult_70kg();
  p.diagnoses = {{Disorder::SocialAnxiety, "F40.10", day("2023-01-01"), true}};
  ScreeningInput no_gad;  // GAD answers left unknown: they do not decide for a SAD patient
  no_gad.contraindications = full_gad().contraindications;
  EXPECT_EQ(screen(p, no_gad, kToday).eligibility, Eligibility::Eligible);
  ScreeningInput strict = no_gad;
  strict.policy.require_gad = true;  // now they decide: unknown is a review, never eligible
  EXPECT_EQ(screen(p, strict, kToday).eligibility, Eligibility::NeedsReview);
  strict.gad.worry_duration_months = 2;  // known unmet: excluded
  EXPECT_EQ(screen(p, strict, kToday).eligibility, Eligibility::NotEligible);
}

TEST(Resistance, ShortOrLowDoseTrialsAreNotAdequate) {
  Patient p = adult_70kg();
  p.treatment_history[0].duration_weeks = 5.9;  // < 6 weeks
  auto r = screen(p, full_gad(), kToday);
  EXPECT_FALSE(r.treatment_resistant);
  EXPECT_EQ(r.eligibility, Eligibility::NotEligible);
  p = adult_70kg();
  p.treatment_history[0].daily_dose = core::Milligrams(25.0);  // below 50 mg minimum
  EXPECT_FALSE(screen(p, full_gad(), kToday).treatment_resistant);
  p = adult_70kg();
  p.treatment_history[0].duration_weeks = 6.0;  // exactly 6 weeks at 50 mg: adequate
  p.treatment_history[0].daily_dose = core::Milligrams(50.0);
  EXPECT_TRUE(screen(p, full_gad(), kToday).treatment_resistant);
}

TEST(Resistance, ResponseAndIntoleranceAreNotFailures) {
  Patient p = adult_70kg();
  p.treatment_history[0].outcome = TrialOutcome::Response;
  EXPECT_FALSE(screen(p, full_gad(), kToday).treatment_resistant);
  p.treatment_history[0].outcome = TrialOutcome::Intolerance;
  EXPECT_FALSE(screen(p, full_gad(), kToday).treatment_resistant);
  p.treatment_history[0].outcome = TrialOutcome::PartialResponse;
  EXPECT_TRUE(screen(p, full_gad(), kToday).treatment_resistant);
}

TEST(Resistance, MissingDoseDataNeedsReview) {
  Patient p = adult_70kg();
  p.treatment_history[0].min_therapeutic_daily_dose.reset();
  const auto r = screen(p, full_gad(), kToday);
  EXPECT_EQ(r.eligibility, Eligibility::NeedsReview);
  EXPECT_TRUE(has_reason(r, "adequacy unknown"));
}

TEST(Resistance, Consensus2024NeedsTwoPharmacologicalFailuresOrOnePsychotherapy) {
  ScreeningInput in = full_gad();
  in.policy.resistance = ResistanceDefinition::Consensus2024;
  Patient p = adult_70kg();
  EXPECT_FALSE(screen(p, in, kToday).treatment_resistant);  // one failure is not enough
  TreatmentTrial pregabalin;
  pregabalin.kind = TreatmentKind::OtherMedication;
  pregabalin.name = "pregabalin";
  pregabalin.daily_dose = core::Milligrams(300.0);
  pregabalin.min_therapeutic_daily_dose = core::Milligrams(150.0);
  pregabalin.duration_weeks = 10;
  pregabalin.outcome = TrialOutcome::NonResponse;
  p.treatment_history.push_back(pregabalin);
  auto r = screen(p, in, kToday);
  EXPECT_TRUE(r.treatment_resistant);
  EXPECT_EQ(r.failed_adequate_trials, 2);
  // The standard definition counts antidepressants only, so pregabalin does not add.
  EXPECT_EQ(screen(p, full_gad(), kToday).failed_adequate_trials, 1);
  // One failed adequate CBT alone satisfies the consensus definition.
  Patient cbt_only = adult_70kg();
  cbt_only.treatment_history = {
      {TreatmentKind::Psychotherapy, "CBT", {}, {}, {}, 16, 14, TrialOutcome::NonResponse, ""}};
  EXPECT_TRUE(screen(cbt_only, in, kToday).treatment_resistant);
  cbt_only.treatment_history[0].psychotherapy_sessions = 6;  // too few sessions
  EXPECT_FALSE(screen(cbt_only, in, kToday).treatment_resistant);
}

TEST(Contraindications, EachExclusionMakesThePatientNotEligible) {
  Answer Contraindications::*fields[] = {&Contraindications::uncontrolled_hypertension,
                                         &Contraindications::aneurysm_or_avm,
                                         &Contraindications::intracranial_bleed_history,
                                         &Contraindications::psychosis,
                                         &Contraindications::pregnancy,
                                         &Contraindications::active_substance_use_disorder};
  for (auto field : fields) {
    ScreeningInput in = full_gad();
    in.contraindications.*field = true;
    const auto r = screen(adult_70kg(), in, kToday);
    EXPECT_EQ(r.eligibility, Eligibility::NotEligible);
    EXPECT_TRUE(has_reason(r, "exclusion:"));
  }
}

TEST(Contraindications, CurrentDepressionFollowsTheProtocol) {
  ScreeningInput in = full_gad();
  in.contraindications.current_depression = true;
  EXPECT_EQ(screen(adult_70kg(), in, kToday).eligibility, Eligibility::NotEligible);
  in.policy.exclude_current_depression = false;
  const auto r = screen(adult_70kg(), in, kToday);
  EXPECT_EQ(r.eligibility, Eligibility::Eligible);
  EXPECT_TRUE(has_reason(r, "protocol allows"));
}

TEST(Contraindications, PrecautionsNeedReview) {
  ScreeningInput in = full_gad();
  in.contraindications.interacting_medication = true;
  EXPECT_EQ(screen(adult_70kg(), in, kToday).eligibility, Eligibility::NeedsReview);
  in.contraindications.pregnancy = true;  // an exclusion wins over a review
  EXPECT_EQ(screen(adult_70kg(), in, kToday).eligibility, Eligibility::NotEligible);
}

// Issue 10 item 4: absent is unknown, and unknown is never safe.
TEST(UnknownAnswers, MissingContraindicationsAreNeverEligible) {
  ScreeningInput in = full_gad();
  in.contraindications = {};  // the whole block absent
  const auto r = screen(adult_70kg(), in, kToday);
  EXPECT_EQ(r.eligibility, Eligibility::NeedsReview);
  EXPECT_EQ(r.unknown_exclusions.size(), 7u);  // six exclusions + current_depression (excluded)
  EXPECT_EQ(r.unknown_answers.size(), 11u);
  for (const char* key : {"contraindications.pregnancy", "contraindications.psychosis",
                          "contraindications.interacting_medication"}) {
    EXPECT_TRUE(has_reason(r, key)) << key;
  }
  EXPECT_TRUE(has_reason(r, "a review cannot clear it"));
}

TEST(UnknownAnswers, EachUnknownAnswerAloneBlocksEligibility) {
  Answer Contraindications::*fields[] = {
      &Contraindications::uncontrolled_hypertension,
      &Contraindications::aneurysm_or_avm,
      &Contraindications::intracranial_bleed_history,
      &Contraindications::psychosis,
      &Contraindications::pregnancy,
      &Contraindications::active_substance_use_disorder,
      &Contraindications::current_depression,
      &Contraindications::ischaemic_heart_or_cerebrovascular_disease,
      &Contraindications::raised_intracranial_pressure,
      &Contraindications::severe_hepatic_impairment,
      &Contraindications::interacting_medication};
  for (std::size_t i = 0; i < std::size(fields); ++i) {
    ScreeningInput in = full_gad();
    in.contraindications.*fields[i] = std::nullopt;
    const auto r = screen(adult_70kg(), in, kToday);
    EXPECT_EQ(r.eligibility, Eligibility::NeedsReview) << i;
    EXPECT_EQ(r.unknown_answers.size(), 1u) << i;
    EXPECT_EQ(r.unknown_exclusions.size(), i < 7 ? 1u : 0u) << i;
  }
}

TEST(UnknownAnswers, AKnownExclusionStillExcludes) {
  ScreeningInput in = full_gad();
  in.contraindications = {};
  in.contraindications.pregnancy = true;
  EXPECT_EQ(screen(adult_70kg(), in, kToday).eligibility, Eligibility::NotEligible);
}

TEST(UnknownAnswers, CurrentDepressionUnknownMattersOnlyWhenTheProtocolExcludesIt) {
  ScreeningInput in = full_gad();
  in.contraindications.current_depression = std::nullopt;
  EXPECT_EQ(screen(adult_70kg(), in, kToday).eligibility, Eligibility::NeedsReview);
  in.policy.exclude_current_depression = false;
  const auto r = screen(adult_70kg(), in, kToday);
  EXPECT_EQ(r.eligibility, Eligibility::Eligible);
  EXPECT_TRUE(r.unknown_answers.empty());
}

TEST(UnknownAnswers, UnknownGadAnswersLeaveTheCriteriaUndetermined) {
  ScreeningInput in = full_gad();
  in.gad.not_better_explained = std::nullopt;  // E/F unknown: the criteria cannot be met
  auto r = screen(adult_70kg(), in, kToday);
  EXPECT_FALSE(r.gad_criteria_met);
  EXPECT_EQ(r.eligibility, Eligibility::NeedsReview);
  EXPECT_TRUE(has_reason(r, "gad.not_better_explained"));
  // 3 symptoms known present: the other three may stay unknown.
  in = full_gad();
  in.gad.easily_fatigued = in.gad.poor_concentration = in.gad.irritability = std::nullopt;
  EXPECT_EQ(screen(adult_70kg(), in, kToday).eligibility, Eligibility::Eligible);
  // 2 present and 1 unknown: undetermined, named.
  in.gad.sleep_disturbance = std::nullopt;
  r = screen(adult_70kg(), in, kToday);
  EXPECT_EQ(r.eligibility, Eligibility::NeedsReview);
  EXPECT_TRUE(has_reason(r, "gad.sleep_disturbance"));
  // A criterion known unmet decides, whatever else is unknown: the recorded GAD is then a
  // review for unmet criteria, not for unknown answers.
  in.gad.worry_duration_months = 2;
  r = screen(adult_70kg(), in, kToday);
  EXPECT_EQ(r.eligibility, Eligibility::NeedsReview);
  EXPECT_TRUE(r.unknown_answers.empty());
  EXPECT_TRUE(has_reason(r, "criteria are not met"));
}

TEST(Screening, ReasonsAreNeverEmpty) {
  for (const auto& in : {full_gad(), ScreeningInput{}}) {
    EXPECT_FALSE(screen(adult_70kg(), in, kToday).reasons.empty());
  }
}

}  // namespace
}  // namespace ketapath::clinic
