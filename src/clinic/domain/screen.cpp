#include "clinic/domain/screen.h"

#include "clinic/domain/dose_calculator.h"
#include "core/number_text.h"

namespace ketapath::clinic {
namespace {

bool failed(TrialOutcome o) {
  return o == TrialOutcome::NonResponse || o == TrialOutcome::PartialResponse;
}

std::string describe(const TreatmentTrial& t) {
  if (t.kind == TreatmentKind::Psychotherapy) {
    return fmt::format("{} ({} sessions over {} weeks, {})", t.name, t.psychotherapy_sessions,
                       core::display_number(t.duration_weeks, 1), to_string(t.outcome));
  }
  return fmt::format("{} ({} mg/day for {} weeks, minimum therapeutic {} mg/day, {})", t.name,
                     t.daily_dose ? core::display_number(t.daily_dose->value()) : "?",
                     core::display_number(t.duration_weeks, 1),
                     t.min_therapeutic_daily_dose
                         ? core::display_number(t.min_therapeutic_daily_dose->value())
                         : "?",
                     to_string(t.outcome));
}

}  // namespace

int gad_symptom_count(const GadCriteria& g) {
  int count = 0;
  for (const Answer& a : {g.restlessness, g.easily_fatigued, g.poor_concentration, g.irritability,
                          g.muscle_tension, g.sleep_disturbance}) {
    count += a.value_or(false) ? 1 : 0;  // counts the symptoms known present
  }
  return count;
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

  // DSM-5 GAD. A criterion known unmet makes the criteria unmet; otherwise an unknown answer
  // leaves them undetermined (never met).
  const GadCriteria& g = input.gad;
  r.gad_symptom_count = gad_symptom_count(g);
  std::vector<std::string> unmet;
  std::vector<std::string> gad_unknown;  // input keys
  const auto need = [&](const Answer& a, const char* key, const char* text) {
    if (!a) {
      gad_unknown.push_back(fmt::format("gad.{}", key));
    } else if (!*a) {
      unmet.emplace_back(text);
    }
  };
  if (!g.worry_duration_months) {
    gad_unknown.emplace_back("gad.worry_duration_months");
  } else if (*g.worry_duration_months < 6) {
    unmet.push_back(fmt::format("A: worry for {} months (needs >= 6)", *g.worry_duration_months));
  }
  need(g.worry_more_days_than_not, "worry_more_days_than_not",
       "A: worry not present more days than not");
  need(g.worry_hard_to_control, "worry_hard_to_control", "B: worry not difficult to control");
  {
    const std::pair<const Answer&, const char*> symptoms[] = {
        {g.restlessness, "restlessness"},
        {g.easily_fatigued, "easily_fatigued"},
        {g.poor_concentration, "poor_concentration"},
        {g.irritability, "irritability"},
        {g.muscle_tension, "muscle_tension"},
        {g.sleep_disturbance, "sleep_disturbance"}};
    std::vector<std::string> unknown_symptoms;
    for (const auto& [answer, key] : symptoms) {
      if (!answer) {
        unknown_symptoms.push_back(fmt::format("gad.{}", key));
      }
    }
    if (r.gad_symptom_count < 3) {
      if (r.gad_symptom_count + static_cast<int>(unknown_symptoms.size()) >= 3) {
        gad_unknown.insert(gad_unknown.end(), unknown_symptoms.begin(), unknown_symptoms.end());
      } else {
        unmet.push_back(fmt::format("C: {} of 6 symptoms (needs >= 3)", r.gad_symptom_count));
      }
    }
  }
  need(g.distress_or_impairment, "distress_or_impairment",
       "D: no clinically significant distress or impairment");
  need(g.not_better_explained, "not_better_explained",
       "E/F: better explained by a substance, medical condition or other disorder");
  const bool gad_undetermined = unmet.empty() && !gad_unknown.empty();
  r.gad_criteria_met = unmet.empty() && gad_unknown.empty();
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
  const auto join = [](const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) {
      out += (out.empty() ? "" : ", ") + i;
    }
    return out;
  };
  if (r.gad_criteria_met) {
    notes.push_back(fmt::format("DSM-5 GAD criteria met ({} of 6 symptoms, worry for {} months)",
                                r.gad_symptom_count, g.worry_duration_months.value_or(0)));
  } else if (gad_undetermined && !policy.require_gad && other_anxiety_diagnosis) {
    notes.push_back("DSM-5 GAD criteria not determined (unknown: " + join(gad_unknown) +
                    "); qualifies through another recorded anxiety disorder");
  } else if (gad_undetermined) {
    // The decision rests on answers nobody gave: review, never eligible.
    r.unknown_answers.insert(r.unknown_answers.end(), gad_unknown.begin(), gad_unknown.end());
    reviews.push_back("DSM-5 GAD criteria cannot be judged: unknown answers: " + join(gad_unknown));
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
          r.failed_adequate_trials, core::display_number(policy.min_trial_weeks, 1), failed_text));
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
                  core::display_number(policy.min_trial_weeks, 1))
            : fmt::format(
                  ">= 2 failed adequate pharmacological monotherapies (>= {} weeks) or "
                  ">= 1 failed psychotherapy (>= {} sessions)",
                  core::display_number(policy.min_trial_weeks, 1),
                  policy.min_psychotherapy_sessions);
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

  // Contraindications. Unknown is never "absent": an unknown exclusion is a review that can
  // never be cleared (unknown_exclusions), an unknown precaution a review.
  const Contraindications& c = input.contraindications;
  const auto unknown_exclusion = [&](const char* key, const char* text) {
    const std::string k = fmt::format("contraindications.{}", key);
    r.unknown_answers.push_back(k);
    r.unknown_exclusions.push_back(k);
    reviews.push_back(
        fmt::format("{} is unknown ({}): an exclusion must be answered, a review "
                    "cannot clear it",
                    k, text));
  };

  struct Item {
    const Answer& answer;
    const char* key;
    const char* text;
  };

  const Item excluded[] = {
      {c.uncontrolled_hypertension, "uncontrolled_hypertension",
       "uncontrolled hypertension (contraindicated)"},
      {c.aneurysm_or_avm, "aneurysm_or_avm",
       "aneurysmal vascular disease or arteriovenous malformation (contraindicated)"},
      {c.intracranial_bleed_history, "intracranial_bleed_history",
       "history of intracerebral haemorrhage (contraindicated)"},
      {c.psychosis, "psychosis", "current or past psychosis (excluded)"},
      {c.pregnancy, "pregnancy", "pregnancy or breastfeeding (excluded)"},
      {c.active_substance_use_disorder, "active_substance_use_disorder",
       "active substance use disorder (excluded)"},
  };
  for (const Item& item : excluded) {
    if (!item.answer) {
      unknown_exclusion(item.key, item.text);
    } else if (*item.answer) {
      exclusions.emplace_back(item.text);
    }
  }
  if (!c.current_depression) {
    if (policy.exclude_current_depression) {
      unknown_exclusion("current_depression",
                        "current depressive episode (this protocol excludes it)");
    } else {
      notes.emplace_back(
          "current depressive episode unknown (this protocol allows it, so it does not decide)");
    }
  } else if (*c.current_depression) {
    if (policy.exclude_current_depression) {
      exclusions.emplace_back("current depressive episode (this protocol excludes it)");
    } else {
      notes.emplace_back("current depressive episode noted (this protocol allows it)");
    }
  }
  const Item precautions[] = {
      {c.ischaemic_heart_or_cerebrovascular_disease, "ischaemic_heart_or_cerebrovascular_disease",
       "ischaemic heart or cerebrovascular disease: cardiology review"},
      {c.raised_intracranial_pressure, "raised_intracranial_pressure",
       "raised intracranial pressure: specialist review"},
      {c.severe_hepatic_impairment, "severe_hepatic_impairment",
       "severe hepatic impairment: review dosing"},
      {c.interacting_medication, "interacting_medication",
       "interacting medication (CYP3A4 inhibitor, MAOI, stimulant or benzodiazepine): review"},
  };
  for (const Item& item : precautions) {
    if (!item.answer) {
      const std::string k = fmt::format("contraindications.{}", item.key);
      r.unknown_answers.push_back(k);
      reviews.push_back(fmt::format("{} is unknown: {}", k, item.text));
    } else if (*item.answer) {
      reviews.emplace_back(item.text);
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
