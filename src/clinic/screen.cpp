#include "clinic/screen.h"

#include "clinic/dose_calculator.h"

namespace ketapath::clinic {
namespace {

bool failed(TrialOutcome o) {
  return o == TrialOutcome::NonResponse || o == TrialOutcome::PartialResponse;
}

std::string describe(const TreatmentTrial& t) {
  if (t.kind == TreatmentKind::Psychotherapy) {
    return fmt::format("{} ({} sessions over {} weeks, {})", t.name, t.psychotherapy_sessions,
                       display_number(t.duration_weeks, 1), to_string(t.outcome));
  }
  return fmt::format(
      "{} ({} mg/day for {} weeks, minimum therapeutic {} mg/day, {})", t.name,
      t.daily_dose ? display_number(t.daily_dose->value()) : "?",
      display_number(t.duration_weeks, 1),
      t.min_therapeutic_daily_dose ? display_number(t.min_therapeutic_daily_dose->value()) : "?",
      to_string(t.outcome));
}

}  // namespace

int gad_symptom_count(const GadCriteria& g) {
  return static_cast<int>(g.restlessness) + static_cast<int>(g.easily_fatigued) +
         static_cast<int>(g.poor_concentration) + static_cast<int>(g.irritability) +
         static_cast<int>(g.muscle_tension) + static_cast<int>(g.sleep_disturbance);
}

std::optional<bool> failed_adequate_trial(const TreatmentTrial& t, const ScreeningPolicy& policy) {
  if (t.outcome == TrialOutcome::Ongoing) {
    return std::nullopt;
  }
  if (t.kind == TreatmentKind::Psychotherapy) {
    return failed(t.outcome) && t.psychotherapy_sessions >= policy.min_psychotherapy_sessions;
  }
  if (!failed(t.outcome)) {
    return false;  // responded, remitted or stopped for intolerance: not a failed adequate trial
  }
  if (t.duration_weeks < policy.min_trial_weeks) {
    return false;
  }
  if (!t.daily_dose || !t.min_therapeutic_daily_dose) {
    return std::nullopt;
  }
  return *t.daily_dose >= *t.min_therapeutic_daily_dose;
}

ScreeningResult screen(const Patient& patient, const ScreeningInput& input, Date today) {
  ScreeningResult r;
  std::vector<std::string> exclusions;
  std::vector<std::string> reviews;
  std::vector<std::string> notes;
  const ScreeningPolicy& policy = input.policy;

  // Age.
  const int age = age_in_years(patient.birth_date, today);
  if (age < policy.min_age_years) {
    exclusions.push_back(fmt::format("age {} years is below the protocol minimum of {} years", age,
                                     policy.min_age_years));
  }

  // DSM-5 GAD.
  const GadCriteria& g = input.gad;
  r.gad_symptom_count = gad_symptom_count(g);
  std::vector<std::string> unmet;
  if (g.worry_duration_months < 6) {
    unmet.push_back(fmt::format("A: worry for {} months (needs >= 6)", g.worry_duration_months));
  }
  if (!g.worry_more_days_than_not) {
    unmet.push_back("A: worry not present more days than not");
  }
  if (!g.worry_hard_to_control) {
    unmet.push_back("B: worry not difficult to control");
  }
  if (r.gad_symptom_count < 3) {
    unmet.push_back(fmt::format("C: {} of 6 symptoms (needs >= 3)", r.gad_symptom_count));
  }
  if (!g.distress_or_impairment) {
    unmet.push_back("D: no clinically significant distress or impairment");
  }
  if (!g.not_better_explained) {
    unmet.push_back("E/F: better explained by a substance, medical condition or other disorder");
  }
  r.gad_criteria_met = unmet.empty();
  bool other_anxiety_diagnosis = false;
  bool gad_diagnosis = false;
  for (const Diagnosis& d : patient.diagnoses) {
    gad_diagnosis = gad_diagnosis || d.disorder == Disorder::Gad;
    other_anxiety_diagnosis = other_anxiety_diagnosis || d.disorder == Disorder::SocialAnxiety ||
                              d.disorder == Disorder::Panic ||
                              d.disorder == Disorder::SpecificPhobia;
  }
  std::string unmet_text;
  for (const auto& u : unmet) {
    unmet_text += (unmet_text.empty() ? "" : "; ") + u;
  }
  if (r.gad_criteria_met) {
    notes.push_back(fmt::format("DSM-5 GAD criteria met ({} of 6 symptoms, worry for {} months)",
                                r.gad_symptom_count, g.worry_duration_months));
  } else if (policy.require_gad) {
    exclusions.push_back("DSM-5 GAD criteria not met, and the protocol requires GAD: " +
                         unmet_text);
  } else if (other_anxiety_diagnosis) {
    notes.push_back("DSM-5 GAD criteria not met (" + unmet_text +
                    "); qualifies through another recorded anxiety disorder");
    if (gad_diagnosis) {
      reviews.push_back("GAD (F41.1) is recorded but its criteria are not met at screening: " +
                        unmet_text);
    }
  } else if (gad_diagnosis) {
    reviews.push_back("GAD (F41.1) is recorded but its criteria are not met at screening: " +
                      unmet_text);
  } else {
    exclusions.push_back("no qualifying anxiety disorder: DSM-5 GAD criteria not met (" +
                         unmet_text + ") and no SAD, panic or specific phobia diagnosis recorded");
  }

  // Treatment resistance.
  std::vector<std::string> failed_pharm;
  std::vector<std::string> undecidable;
  for (const TreatmentTrial& t : patient.treatment_history) {
    const bool counts_pharm = policy.resistance == ResistanceDefinition::OneAdequateAntidepressant
                                  ? t.kind == TreatmentKind::Antidepressant
                                  : t.kind != TreatmentKind::Psychotherapy;
    const bool counts_psych = policy.resistance == ResistanceDefinition::Consensus2024 &&
                              t.kind == TreatmentKind::Psychotherapy;
    if (!counts_pharm && !counts_psych) {
      continue;
    }
    const auto adequate = failed_adequate_trial(t, policy);
    if (!adequate) {
      undecidable.push_back(describe(t));
    } else if (*adequate && counts_pharm) {
      ++r.failed_adequate_trials;
      failed_pharm.push_back(describe(t));
    } else if (*adequate && counts_psych) {
      ++r.failed_adequate_psychotherapy;
      failed_pharm.push_back(describe(t));
    }
  }
  std::string failed_text;
  for (const auto& f : failed_pharm) {
    failed_text += (failed_text.empty() ? "" : "; ") + f;
  }
  if (policy.resistance == ResistanceDefinition::OneAdequateAntidepressant) {
    r.treatment_resistant = r.failed_adequate_trials >= 1;
    if (r.treatment_resistant) {
      notes.push_back(fmt::format(
          "treatment resistant: {} failed adequate antidepressant trial(s) (>= {} weeks at or "
          "above the minimum therapeutic dose): {}",
          r.failed_adequate_trials, display_number(policy.min_trial_weeks, 1), failed_text));
    }
  } else {
    r.treatment_resistant = r.failed_adequate_trials >= 2 || r.failed_adequate_psychotherapy >= 1;
    if (r.treatment_resistant) {
      notes.push_back(
          fmt::format("treatment resistant (2024 consensus): {} failed adequate pharmacological "
                      "monotherapies, {} failed adequate psychotherapy: {}",
                      r.failed_adequate_trials, r.failed_adequate_psychotherapy, failed_text));
    }
  }
  if (!r.treatment_resistant) {
    const std::string rule =
        policy.resistance == ResistanceDefinition::OneAdequateAntidepressant
            ? fmt::format(
                  ">= 1 failed adequate antidepressant trial (>= {} weeks at or above the "
                  "minimum therapeutic dose)",
                  display_number(policy.min_trial_weeks, 1))
            : fmt::format(
                  ">= 2 failed adequate pharmacological monotherapies (>= {} weeks) or "
                  ">= 1 failed psychotherapy (>= {} sessions)",
                  display_number(policy.min_trial_weeks, 1), policy.min_psychotherapy_sessions);
    if (!undecidable.empty()) {
      std::string list;
      for (const auto& u : undecidable) {
        list += (list.empty() ? "" : "; ") + u;
      }
      reviews.push_back("treatment resistance cannot be judged (needs " + rule +
                        "); adequacy unknown for: " + list);
    } else {
      exclusions.push_back(fmt::format("not treatment resistant (needs {}; found {})", rule,
                                       r.failed_adequate_trials + r.failed_adequate_psychotherapy));
    }
  }

  // Contraindications.
  const Contraindications& c = input.contraindications;
  const std::pair<bool, const char*> excluded[] = {
      {c.uncontrolled_hypertension, "uncontrolled hypertension (contraindicated)"},
      {c.aneurysm_or_avm,
       "aneurysmal vascular disease or arteriovenous malformation (contraindicated)"},
      {c.intracranial_bleed_history, "history of intracerebral haemorrhage (contraindicated)"},
      {c.psychosis, "current or past psychosis (excluded)"},
      {c.pregnancy, "pregnancy or breastfeeding (excluded)"},
      {c.active_substance_use_disorder, "active substance use disorder (excluded)"},
  };
  for (const auto& [present, text] : excluded) {
    if (present) {
      exclusions.emplace_back(text);
    }
  }
  if (c.current_depression) {
    if (policy.exclude_current_depression) {
      exclusions.emplace_back("current depressive episode (this protocol excludes it)");
    } else {
      notes.emplace_back("current depressive episode noted (this protocol allows it)");
    }
  }
  const std::pair<bool, const char*> precautions[] = {
      {c.ischaemic_heart_or_cerebrovascular_disease,
       "ischaemic heart or cerebrovascular disease: cardiology review"},
      {c.raised_intracranial_pressure, "raised intracranial pressure: specialist review"},
      {c.severe_hepatic_impairment, "severe hepatic impairment: review dosing"},
      {c.interacting_medication,
       "interacting medication (CYP3A4 inhibitor, MAOI, stimulant or benzodiazepine): review"},
  };
  for (const auto& [present, text] : precautions) {
    if (present) {
      reviews.emplace_back(text);
    }
  }

  if (!exclusions.empty()) {
    r.eligibility = Eligibility::NotEligible;
  } else if (!reviews.empty()) {
    r.eligibility = Eligibility::NeedsReview;
  } else {
    r.eligibility = Eligibility::Eligible;
    notes.emplace_back("no contraindication recorded");
  }
  for (auto& e : exclusions) {
    r.reasons.push_back("exclusion: " + e);
  }
  for (auto& v : reviews) {
    r.reasons.push_back("review: " + v);
  }
  for (auto& n : notes) {
    r.reasons.push_back(n);
  }
  return r;
}

}  // namespace ketapath::clinic
